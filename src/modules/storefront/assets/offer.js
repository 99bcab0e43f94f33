// The offer page's script: live stock, claim, hold countdown, checkout. The cart (hold,
// deadline, typed fields) lives in localStorage so a reload or a dropped connection keeps it;
// a claim's Idempotency-Key is kept until the server answers, so a retry never holds twice.
// A shopper who saved their details gets a one-click "Buy now": the profile token is kept per
// shop (data-shop), so another shop's page never sends it.
// With a card provider (data-card-provider, Stripe), the card is typed into Stripe.js's own
// fields and only a PaymentMethod id reaches the server; a card that asks for 3-D Secure is
// authenticated in the page (handleCardAction) and the same payment is then confirmed. The
// card can be saved for one click like a test card; a saved card that asks for 3-D Secure
// again at "Buy now" goes through the same challenge.
(() => {
  const root = document.getElementById('offer');
  if (!root) return;
  const offerId = root.dataset.offerId;
  // Offers reserved per market: the market the page was opened for ('' when not chosen or not
  // split), and whether the offer is split at all (then a claim needs a market).
  const market = root.dataset.market || '';
  const needsMarket = root.dataset.split === '1' && !market;
  const offerUrl = `/api/v1/public/offers/${offerId}${market ? `?market=${market}` : ''}`;
  const $ = (id) => document.getElementById(id);
  const cartKey = `mydrop.cart.${offerId}`;
  const pendingKey = `mydrop.claim.${offerId}`;
  const cardProvider = root.dataset.cardProvider || '';
  const cardKey = root.dataset.cardKey || '';
  // The test-card picker exists only on pages without a card provider.
  const fieldNames = ['email', 'name', 'line1', 'city', 'postalCode', 'country'];
  if (!cardProvider) fieldNames.push('token');
  const shop = root.dataset.shop || '';
  const profileKey = shop ? `mydrop.profile.${shop}` : '';
  const stateLabels = {
    upcoming: 'Starts soon',
    live: 'Live now',
    paused: 'Paused: back in a moment',
    sold_out: 'Sold out',
    closed: 'This drop has ended',
  };

  function attempt(action, fallback) {
    try {
      return action();
    } catch {
      return fallback;
    }
  }
  // Private mode or a full quota: the page still works, it only forgets on reload.
  const store = {
    get: (key) => attempt(() => JSON.parse(localStorage.getItem(key) || 'null'), null),
    set: (key, value) => attempt(() => localStorage.setItem(key, JSON.stringify(value))),
    remove: (key) => attempt(() => localStorage.removeItem(key)),
  };

  function randomId() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  }

  function shopperId() {
    let id = store.get('mydrop.shopper');
    if (!id) {
      id = randomId();
      store.set('mydrop.shopper', id);
    }
    return id;
  }

  let state = root.dataset.state;
  let busy = false;
  let soldOutForMe = false;
  // The saved profile ({ token, summary }) once the server has confirmed it; null otherwise.
  let profile = null;
  // The shopper chose to type other details on this visit.
  let useDetails = false;
  // Stripe.js and its mounted card field, once the script has loaded.
  let stripe = null;
  let card = null;
  // The PaymentMethod made from the card as typed: paying again after a lost answer sends the
  // same one (the same attempt); editing the card makes a new one.
  let cardPaymentMethod = null;

  function notify(text, tone) {
    const box = $('notice');
    box.textContent = text || '';
    box.className = tone === 'ok' ? 'ok' : 'alert';
    box.hidden = !text;
  }

  function formatRemaining(totalSeconds) {
    const s = Math.max(0, Math.floor(totalSeconds));
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    const ss = String(s % 60).padStart(2, '0');
    return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
  }

  function cart() {
    return store.get(cartKey);
  }

  function render() {
    const current = cart();
    const holding = Boolean(current?.holdId && !current.orderId);
    const done = Boolean(current?.orderId);
    $('hold').hidden = !holding;
    $('confirmation').hidden = !done;
    $('claim-form').hidden = holding || done || needsMarket;
    $('claim-button').disabled = busy || state !== 'live' || needsMarket;
    const oneClick = Boolean(profile) && !useDetails;
    $('one-click').hidden = !oneClick;
    $('claim-button').hidden = oneClick;
    $('buy-now').disabled = busy || state !== 'live' || needsMarket;
    if (profile) {
      const who = profile.summary;
      $('buy-now').textContent = `Buy now as ${who.name} · ${who.paymentLabel}`;
      $('one-click-ships').textContent = `Ships to ${who.city}, ${who.country}`;
    }
    if ($('save-profile')) $('save-profile').hidden = !profileKey;
    $('waitlist').hidden =
      holding || done || needsMarket || !(state === 'sold_out' || soldOutForMe);
    if (done) {
      $('order-id').textContent = current.orderId;
      $('order-email').textContent = current.email || 'your e-mail';
    }
  }

  function renderOffer(offer, offline) {
    state = offer.state;
    if (offer.stockLeft > 0) soldOutForMe = false;
    $('state').textContent = stateLabels[offer.state] || offer.state;
    $('stock').textContent = String(offer.stockLeft);
    $('offline').hidden = !offline;
    const items = offer.messages.map((message) => {
      const li = document.createElement('li');
      li.textContent = message;
      return li;
    });
    $('messages').replaceChildren(...items);
    const fallback = offer.fallback;
    $('fallback').hidden = !fallback;
    if (fallback) {
      $('fallback-link').href = `/o/${fallback.offerId}`;
      $('fallback-link').textContent = `Try ${fallback.title} instead`;
      $('fallback-stock').textContent = `${fallback.stockLeft} left`;
    }
    const countdown = $('countdown');
    const upcoming = offer.state === 'upcoming';
    countdown.dataset.deadline =
      (upcoming ? offer.startsAt : offer.state === 'closed' ? '' : offer.endsAt) || '';
    countdown.dataset.prefix = upcoming ? 'Starts in' : 'Ends in';
    render();
  }

  function endCart(message) {
    store.remove(cartKey);
    notify(message);
    render();
  }

  function tick() {
    const countdown = $('countdown');
    const deadline = countdown.dataset.deadline;
    countdown.textContent = deadline
      ? ` · ${countdown.dataset.prefix} ${formatRemaining((Date.parse(deadline) - Date.now()) / 1000)}`
      : '';
    const current = cart();
    if (current?.holdId && !current.orderId) {
      const left = (Date.parse(current.expiresAt) - Date.now()) / 1000;
      $('hold-countdown').textContent = formatRemaining(left);
      if (left <= 0) endCart('Your hold ran out and the unit went back on sale. Claim again.');
    }
  }

  async function poll() {
    if (document.hidden) return;
    try {
      const response = await fetch(offerUrl);
      if (!response.ok) return;
      // The service worker marks an answer from its cache when the network is gone.
      renderOffer(await response.json(), response.headers.get('x-mydrop-offline') === '1');
    } catch {
      $('offline').hidden = false;
    }
  }

  /**
   * Sends JSON and reads the JSON answer: `{ status, answer }`, or null when no whole answer
   * arrived (the request may or may not have reached the server).
   */
  async function send(method, url, body, headers) {
    try {
      const response = await fetch(url, {
        method,
        headers: { 'content-type': 'application/json', ...headers },
        body: body && JSON.stringify(body),
      });
      return { status: response.status, answer: await response.json() };
    } catch {
      return null;
    }
  }

  async function claim(attempt, oneClick) {
    let pending = store.get(pendingKey);
    if (!pending) {
      pending = { key: randomId(), quantity: Number($('quantity').value) || 1, oneClick };
      store.set(pendingKey, pending);
    }
    busy = true;
    render();
    notify(attempt > 0 ? 'Connection problem: trying again…' : 'Claiming…', 'ok');
    const form = $('claim-form');
    const body = { shopper: shopperId(), quantity: pending.quantity };
    if (form.elements.offerCode) body.offerCode = form.elements.offerCode.value;
    if (form.elements.source) body.source = form.elements.source.value;
    if (market) body.market = market;
    const reply = await send('POST', `/api/v1/public/offers/${offerId}/claims`, body, {
      'idempotency-key': pending.key,
    });
    if (!reply) {
      // No answer: keep the key, so the retry gets the same hold if the first one landed.
      if (attempt < 2) {
        setTimeout(() => claim(attempt + 1, oneClick), 1000 * 2 ** attempt);
        return;
      }
      busy = false;
      notify('No connection. Tap Claim again: you will not be held twice.');
      render();
      return;
    }
    store.remove(pendingKey);
    busy = false;
    const { status, answer } = reply;
    if (status === 201) {
      const fields = cart()?.fields || {};
      store.set(cartKey, { holdId: answer.holdId, expiresAt: answer.expiresAt, fields });
      notify('');
      render();
      tick();
      if (pending.oneClick && profile) {
        await pay({ profile: profile.token }, profile.summary.email);
        return;
      }
      $('f-email').focus();
      return;
    }
    const error = answer.error || {};
    if (error.code === 'sold_out') soldOutForMe = true;
    notify(error.message || 'Something went wrong; please try again.');
    render();
  }

  function readFields() {
    const fields = {};
    for (const name of fieldNames) fields[name] = $(`f-${name}`)?.value.trim() ?? '';
    return fields;
  }

  function fillFields(fields) {
    for (const name of fieldNames) {
      if (fields?.[name]) $(`f-${name}`).value = fields[name];
    }
  }

  async function checkout(event) {
    event.preventDefault();
    const current = cart();
    if (!current?.holdId) return;
    const f = readFields();
    const payload = {
      email: f.email,
      name: f.name,
      address: {
        line1: f.line1,
        city: f.city,
        postalCode: f.postalCode,
        country: f.country.toUpperCase(),
      },
      payment: { provider: 'sandbox', token: f.token },
    };
    if (cardProvider) {
      const token = await cardToken(f);
      if (!token) return;
      payload.payment = { provider: cardProvider, token };
    }
    if (profileKey && $('f-save')?.checked) payload.saveProfile = true;
    await pay(payload, f.email);
  }

  function showCardError(text) {
    const box = $('card-errors');
    if (box) box.textContent = text || '';
  }

  /** Mounts Stripe's card field once Stripe.js has loaded; the page never sees the number. */
  function setUpCard() {
    if (!cardProvider || card || typeof window.Stripe !== 'function') return;
    stripe = window.Stripe(cardKey);
    card = stripe.elements().create('card', { hidePostalCode: true });
    card.mount('#card-element');
    card.on('change', (event) => {
      cardPaymentMethod = null;
      showCardError(event?.error ? event.error.message : '');
    });
  }

  /** The PaymentMethod id for the typed card, or null with the reason shown. */
  async function cardToken(f) {
    if (!card) {
      notify('The card form has not loaded yet. Check your connection; your hold is kept.');
      return null;
    }
    if (cardPaymentMethod) return cardPaymentMethod;
    $('pay-button').disabled = true;
    notify('Checking your card…', 'ok');
    const result = await stripe
      .createPaymentMethod({
        type: 'card',
        card,
        billing_details: {
          name: f.name,
          email: f.email,
          address: {
            line1: f.line1,
            city: f.city,
            postal_code: f.postalCode,
            country: f.country.toUpperCase(),
          },
        },
      })
      .catch(() => ({ error: { message: 'No connection to the card service' } }));
    $('pay-button').disabled = false;
    if (result.error || !result.paymentMethod) {
      const message = result.error?.message || 'Your card could not be read';
      showCardError(message);
      notify(`${message}. Your hold is kept.`);
      return null;
    }
    cardPaymentMethod = result.paymentMethod.id;
    return cardPaymentMethod;
  }

  /**
   * The card issuer asked the shopper to confirm (3-D Secure): Stripe.js shows the bank's
   * challenge, then the same checkout is sent again and the server confirms the payment.
   */
  async function authenticate(payload, email, clientSecret, actions) {
    notify('Your bank asks you to confirm this payment…', 'ok');
    $('pay-button').disabled = true;
    const result = await stripe
      .handleCardAction(clientSecret)
      .catch(() => ({ error: { message: 'No connection to the card service' } }));
    $('pay-button').disabled = false;
    if (result.error) {
      cardPaymentMethod = null;
      notify(
        `${result.error.message || 'The payment was not confirmed'}. Nothing was charged and your hold is kept: try again or use another card.`,
      );
      return;
    }
    await pay(payload, email, actions + 1);
  }

  /**
   * Pays for the cart's hold. The Idempotency-Key is kept with the body until an answer
   * arrives: tapping Pay again after a lost answer is a retry and gets the first answer (the
   * same order, or the same decline); a changed body (another card) is a new attempt.
   */
  async function pay(payload, email, actions = 0) {
    const current = cart();
    if (!current?.holdId) return;
    const body = JSON.stringify(payload);
    const key = current.pay?.body === body ? current.pay.key : randomId();
    store.set(cartKey, { ...current, pay: { key, body } });
    $('pay-button').disabled = true;
    busy = true;
    render();
    notify('Paying…', 'ok');
    const reply = await send('POST', `/api/v1/public/holds/${current.holdId}/checkout`, payload, {
      'idempotency-key': key,
    });
    $('pay-button').disabled = false;
    busy = false;
    if (!reply) {
      // Paying twice for one hold is impossible: a retry answers the first order.
      notify('No connection: your hold is kept. Tap Pay again; you will not be charged twice.');
      render();
      return;
    }
    const { status, answer } = reply;
    if (status === 201) {
      if (answer.profile) keepProfile(answer.profile);
      store.set(cartKey, { orderId: answer.orderId, email });
      notify('');
      render();
      return;
    }
    const latest = cart();
    if (latest?.pay) store.set(cartKey, { ...latest, pay: undefined });
    // Answered: another tap is another attempt, with a fresh PaymentMethod from the card.
    cardPaymentMethod = null;
    render();
    const error = answer.error || {};
    if (status === 410 || status === 404) {
      endCart(error.message || 'Your hold ran out; claim again.');
      return;
    }
    if (error.code === 'payment_requires_action' && stripe && error.details?.clientSecret) {
      // The cart's key was dropped above: the checkout after the challenge is a new request.
      if (actions < 2) {
        await authenticate(payload, email, error.details.clientSecret, actions);
        return;
      }
    }
    if (payload.profile) {
      // The hold stays: the shopper can pay with typed details in the form now shown.
      if (error.details?.field === 'profile') dropProfile();
      notify(
        `${error.message || 'The one-click payment did not go through'}. Enter your details below to pay.`,
      );
      return;
    }
    const issues = error.details?.issues;
    notify(
      Array.isArray(issues)
        ? `Please check: ${issues.map((i) => `${i.field.replace(/^body\.(address\.|payment\.)?/, '')} ${i.message}`).join('; ')}`
        : error.message || 'Something went wrong; please try again.',
    );
  }

  /** Keeps a newly saved profile's token for this shop; the one it replaces is forgotten. */
  function keepProfile(token) {
    if (!profileKey) return;
    const previous = store.get(profileKey);
    store.set(profileKey, token);
    if (previous && previous !== token) {
      fetch('/api/v1/public/profiles/me', {
        method: 'DELETE',
        headers: { 'x-shopper-profile': previous },
      }).catch(() => {});
    }
    loadProfile();
  }

  function dropProfile() {
    if (profileKey) store.remove(profileKey);
    profile = null;
    render();
  }

  /** Asks the server who the kept token is; a forgotten or unknown one is dropped. */
  async function loadProfile() {
    const token = profileKey ? store.get(profileKey) : null;
    if (!token) return;
    try {
      const response = await fetch('/api/v1/public/profiles/me', {
        headers: { 'x-shopper-profile': token },
      });
      if (response.status === 404 || response.status === 400) dropProfile();
      else if (response.ok) {
        profile = { token, summary: await response.json() };
        useDetails = false;
        render();
      }
    } catch {
      // Offline: keep the token; one-click shows once the profile can be confirmed.
    }
  }

  async function forgetProfile() {
    const token = profile?.token;
    if (!token) return;
    try {
      const response = await fetch('/api/v1/public/profiles/me', {
        method: 'DELETE',
        headers: { 'x-shopper-profile': token },
      });
      if (response.status !== 204 && response.status !== 404) throw new Error('not forgotten');
      dropProfile();
      notify('Your saved details are forgotten.', 'ok');
    } catch {
      notify('No connection: your details are not forgotten yet. Try again in a moment.');
    }
  }

  async function joinWaitlist(event) {
    event.preventDefault();
    const reply = await send('POST', `/api/v1/public/offers/${offerId}/waitlist`, {
      shopper: shopperId(),
      quantity: 1,
      ...(market ? { market } : {}),
    });
    if (reply?.status === 201) {
      notify(`You are number ${reply.answer.position} on the waitlist.`, 'ok');
      $('waitlist-button').disabled = true;
    } else notify(reply?.answer?.error?.message || 'Could not join the waitlist; try again.');
  }

  async function release() {
    const current = cart();
    if (!current?.holdId) return;
    try {
      await fetch(`/api/v1/public/holds/${current.holdId}`, { method: 'DELETE' });
      endCart('');
      notify('Given back. Thanks!', 'ok');
    } catch {
      notify('No connection: try again in a moment.');
    }
  }

  $('claim-form').addEventListener('submit', (event) => {
    event.preventDefault();
    if (!busy) claim(0);
  });
  $('buy-now').addEventListener('click', () => {
    if (!busy && profile) claim(0, true);
  });
  $('use-details').addEventListener('click', () => {
    useDetails = true;
    render();
  });
  $('forget-profile').addEventListener('click', forgetProfile);
  $('waitlist').addEventListener('submit', joinWaitlist);
  $('checkout-form').addEventListener('submit', checkout);
  $('checkout-form').addEventListener('input', () => {
    const current = cart();
    if (current?.holdId) store.set(cartKey, { ...current, fields: readFields() });
  });
  $('release-button').addEventListener('click', release);
  $('done-button').addEventListener('click', () => endCart(''));

  // A hold handed over by the simple page (which cannot collect a card) becomes this page's
  // cart, unless the shopper already holds one here.
  const handover = new URLSearchParams(location.search);
  const handedHold = handover.get('hold');
  const handedUntil = handover.get('until');
  if (handedHold) {
    // Only a hold id (a UUID) goes into the checkout URL, never a path.
    const isHoldId = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(
      handedHold,
    );
    if (isHoldId && !cart()?.holdId && handedUntil && !Number.isNaN(Date.parse(handedUntil))) {
      store.set(cartKey, { holdId: handedHold, expiresAt: handedUntil, fields: {} });
    }
    handover.delete('hold');
    handover.delete('until');
    const rest = handover.toString();
    history.replaceState(null, '', `${location.pathname}${rest ? `?${rest}` : ''}`);
  }

  if (cardProvider) {
    const script = $('payment-js');
    setUpCard();
    script?.addEventListener('load', setUpCard);
    script?.addEventListener('error', () =>
      showCardError('The card form could not load. Check your connection and reload the page.'),
    );
  }
  fillFields(cart()?.fields);
  if (store.get(pendingKey)) {
    notify(
      'Your last claim did not get an answer. Tap Claim to try again: you will not be held twice.',
    );
  }
  render();
  tick();
  poll();
  loadProfile();
  setInterval(tick, 1000);
  setInterval(poll, 2000);
  document.addEventListener('visibilitychange', poll);

  if ('serviceWorker' in navigator) {
    navigator.serviceWorker
      .register('/o/sw.js', { scope: '/o/' })
      .then(() => navigator.serviceWorker.ready)
      .then((registration) => {
        // Prime the product tile: the next open of this link is served from the cache at once.
        registration.active?.postMessage({ type: 'prime', urls: [location.pathname] });
      })
      .catch(() => {});
  }
})();
