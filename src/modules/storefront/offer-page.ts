import type { ShopperPaymentOptions } from '../drops/index.js';
import { checkoutFields } from './checkout-form.js';
import { html } from './html.js';
import {
  type Attribution,
  attributionInputs,
  claimable,
  fallbackCard,
  marketChoice,
  type PublicOffer,
  priceOf,
  productTile,
  quantityOptions,
  stateLabels,
} from './offer-view.js';
import type { Page } from './page-shell.js';

export interface OfferPageOptions {
  now: Date;
  /** Used when the claim form is sent before the script runs (it then goes to the lite flow). */
  shopperId: string;
  idempotencyKey: string;
  attribution: Attribution;
  /** URLs of the page's script, versioned by content. */
  script: string;
  /**
   * The shop's opaque key: the script keeps the shopper's saved profile token for one-click
   * checkout under it, so another shop's page never sends it. Without it, no one-click.
   */
  shop?: string | undefined;
  /** What checkout accepts; without it, the sandbox's test cards. */
  payment?: ShopperPaymentOptions | undefined;
}

const testCardsOnly: ShopperPaymentOptions = { testCards: true, card: null };

/**
 * One-click checkout for a shopper with saved details: shown by the script once the profile
 * token it keeps for this shop answers, in place of the Claim button.
 */
const oneClickBlock = html`<div id="one-click" hidden><button type="button" id="buy-now">Buy now</button><p class="muted" id="one-click-ships"></p><div class="row"><button type="button" class="secondary" id="use-details">Use different details</button><button type="button" class="secondary" id="forget-profile">Forget my details</button></div></div>`;

/** The opt-in that saves the details and payment method for one-click checkout next time. */
const saveProfileField = html`<label for="f-save" id="save-profile" hidden><input type="checkbox" id="f-save" name="saveProfile" value="1"> Save my details for one-click checkout next time</label>`;

/**
 * The link that goes in the stream. A plain page first: the tile is readable and the claim
 * form posts to the no-JavaScript flow before the script has loaded; the script then takes
 * over (live stock, claim, hold countdown, checkout, cart kept across reloads).
 */
export function offerPage(offer: PublicOffer, options: OfferPageOptions): Page {
  const base = `/o/${offer.id}`;
  const canClaim = claimable(offer);
  // A real card goes through the provider's own fields whenever a provider can collect one;
  // the test-card picker is for shops that run on the sandbox alone.
  const card = (options.payment ?? testCardsOnly).card;
  const cardData = card
    ? html` data-card-provider="${card.provider}" data-card-key="${card.publishableKey}"`
    : '';
  // Both can be saved for one click: the sandbox keeps its test card, Stripe keeps the card
  // under a Customer of its own (ShopperProfiles.checkSavable asks the provider).
  const checkoutForm = card
    ? html`${checkoutFields({}, {}, 'card')}${saveProfileField}`
    : html`${checkoutFields()}${saveProfileField}`;
  const body = html`<main id="offer" data-offer-id="${offer.id}" data-state="${offer.state}" data-market="${offer.market ?? ''}" data-split="${offer.markets.length > 0 ? '1' : '0'}" data-shop="${options.shop ?? ''}"${cardData}>${productTile(offer, options.now)}${marketChoice(offer, base, options.attribution)}<div id="notice" role="status" aria-live="polite" hidden></div>
<form class="card" id="claim-form" method="post" action="${base}/lite/claim"${offer.markets.length > 0 && offer.market === null ? ' hidden' : ''}><input type="hidden" name="shopper" value="${options.shopperId}"><input type="hidden" name="idempotencyKey" value="${options.idempotencyKey}">${attributionInputs(options.attribution)}<label for="quantity">Quantity</label><select id="quantity" name="quantity">${quantityOptions(offer)}</select>${oneClickBlock}<button type="submit" id="claim-button"${canClaim ? '' : ' disabled'}>Claim for ${priceOf(offer)}</button><p class="muted">We hold it for you for ${Math.round(offer.holdTtlSeconds / 60)} minutes while you pay.</p></form>
<form class="card" id="waitlist" method="post" action="${base}/lite/waitlist"${offer.state === 'sold_out' ? '' : ' hidden'}><input type="hidden" name="shopper" value="${options.shopperId}">${offer.market ? html`<input type="hidden" name="market" value="${offer.market}">` : ''}<p>Sold out for now. Units that are not paid for come back: join the waitlist to get the next one.</p><button type="submit" id="waitlist-button">Join the waitlist</button></form>${fallbackCard(offer)}
<section class="card" id="hold" hidden><p>Reserved for you: <strong id="hold-countdown">--:--</strong> left to pay.</p><form id="checkout-form" novalidate>${checkoutForm}<button type="submit" id="pay-button">Pay</button></form><button type="button" class="secondary" id="release-button">Give it back</button></section>
<section class="card" id="confirmation" hidden><div class="ok"><h2>Order confirmed</h2><p>Order <strong id="order-id"></strong>. A receipt goes to <span id="order-email"></span>.</p></div><button type="button" class="secondary" id="done-button">Done</button></section>
<p class="muted"><a href="${base}/lite">Slow connection? Use the simple checkout</a></p></main>`;
  return {
    kind: 'offer',
    title: `${offer.title} · ${stateLabels[offer.state]}`,
    body,
    scripts: [options.script],
    paymentScript: card?.scriptUrl,
  };
}

/**
 * A compact card for an iframe over a stream player: title, price, stock left, the first
 * urgency message and a Buy link that opens the offer page in a new tab.
 */
export function overlayPage(offer: PublicOffer, script: string): Page {
  const buyable = offer.state === 'live';
  const body = html`<div class="tile" id="overlay" data-offer-id="${offer.id}"><div><div class="t">${offer.title}</div><div><span id="price">${priceOf(offer)}</span> · <span id="stock">${offer.stockLeft}</span> left</div><div class="m" id="message">${offer.messages[0] ?? stateLabels[offer.state]}</div></div><a id="buy" href="/o/${offer.id}" target="_blank" rel="noopener"${buyable ? '' : ' aria-disabled="true"'}>Buy</a></div>`;
  return { kind: 'overlay', title: offer.title, body, scripts: [script] };
}
