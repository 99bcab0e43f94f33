import type { ShopperPaymentOptions } from '../drops/index.js';
import {
  type CheckoutFields,
  checkoutFields,
  type FieldErrors,
  saveProfileOptIn,
} from './checkout-form.js';
import { formatUtcTime } from './format.js';
import { html, type SafeHtml } from './html.js';
import { type OneClick, oneClickCard } from './lite-one-click-view.js';
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
} from './offer-view.js';
import type { Page } from './page-shell.js';

/**
 * The fallback checkout: server-rendered pages with plain forms and no JavaScript, for a slow
 * or flaky connection (seed 000: "prepare fallback checkout for high-latency conditions").
 * Each step is one small page; the holds are the same ones the JSON API gives.
 */
export interface Notice {
  tone: 'alert' | 'ok';
  text: string;
}

function noticeBox(notice: Notice | undefined): SafeHtml {
  if (!notice) return html``;
  return html`<p class="${notice.tone}" role="${notice.tone === 'alert' ? 'alert' : 'status'}">${notice.text}</p>`;
}

/**
 * True when the only way to pay is a card collected by the provider's script (Stripe.js):
 * a page without JavaScript cannot take it, so these pages send the shopper to the full page
 * instead of showing a form that cannot work. With the sandbox on, they keep its test cards.
 */
export function paysOnlyByCard(payment: ShopperPaymentOptions | undefined): boolean {
  return payment !== undefined && !payment.testCards && payment.card !== null;
}

/** Where a no-JavaScript page sends the shopper to pay by card. */
function cardPageNotice(link: string | null, action: string): SafeHtml {
  const go = link
    ? html`<a class="button" href="${link}">${action}</a>`
    : html`<p>Open the offer's link from the stream again.</p>`;
  return html`<section class="card" id="card-needs-script"><p>Paying by card needs the full page: it loads the secure card form from our payment provider, which needs JavaScript.</p>${go}</section>`;
}

export interface LiteOfferOptions {
  now: Date;
  shopperId: string;
  /** A fresh key per rendered form: sending the same form twice gives one hold. */
  idempotencyKey: string;
  attribution: Attribution;
  notice?: Notice | undefined;
  /** What checkout accepts; without it, the sandbox's test cards. */
  payment?: ShopperPaymentOptions | undefined;
  /** The shopper's saved profile for this offer's shop: "Buy now" claims and pays at once. */
  oneClick?: OneClick | undefined;
}

/** The full offer page's address with the stream link's attribution. */
function fullPageLink(offerId: string, attribution: Attribution): string {
  const query = new URLSearchParams();
  if (attribution.code) query.set('code', attribution.code);
  if (attribution.source) query.set('src', attribution.source);
  if (attribution.market) query.set('market', attribution.market);
  const text = query.toString();
  return `/o/${offerId}${text ? `?${text}` : ''}`;
}

/** What every claim form sends: the same key, so a page's forms make one hold between them. */
function claimIdentity(options: LiteOfferOptions): SafeHtml {
  return html`<input type="hidden" name="shopper" value="${options.shopperId}"><input type="hidden" name="idempotencyKey" value="${options.idempotencyKey}">${attributionInputs(options.attribution)}`;
}

function claimFields(offer: PublicOffer, options: LiteOfferOptions): SafeHtml {
  return html`${claimIdentity(options)}<label for="quantity">Quantity</label><select id="quantity" name="quantity">${quantityOptions(offer)}</select><button type="submit">Claim for ${priceOf(offer)}</button><p class="muted">We hold it for ${Math.round(offer.holdTtlSeconds / 60)} minutes while you pay.</p>`;
}

/** Buy now (claim and pay in one post), the plain claim form folded away, and forget. */
function oneClickOffer(offer: PublicOffer, options: LiteOfferOptions, oneClick: OneClick) {
  const base = `/o/${offer.id}/lite`;
  return oneClickCard(oneClick, {
    buyAction: `${base}/buy-now`,
    buyFields: html`${claimIdentity(options)}<label for="buy-quantity">Quantity</label><select id="buy-quantity" name="quantity">${quantityOptions(offer)}</select>`,
    // `details` unfolds the typed-details form on the hold page this claim leads to.
    details: html`<form method="post" action="${base}/claim"><input type="hidden" name="details" value="1">${claimFields(offer, options)}</form>`,
    back: attributionInputs(options.attribution),
  });
}

export function liteOfferPage(offer: PublicOffer, options: LiteOfferOptions): Page {
  const base = `/o/${offer.id}/lite`;
  const claim = !claimable(offer)
    ? html``
    : paysOnlyByCard(options.payment)
      ? cardPageNotice(
          fullPageLink(offer.id, options.attribution),
          'Open the full page to claim and pay',
        )
      : options.oneClick
        ? oneClickOffer(offer, options, options.oneClick)
        : html`<form class="card" method="post" action="${base}/claim">${claimFields(offer, options)}</form>`;
  const waitlist =
    offer.state === 'sold_out' && (offer.markets.length === 0 || offer.market !== null)
      ? html`<form class="card" method="post" action="${base}/waitlist"><input type="hidden" name="shopper" value="${options.shopperId}">${offer.market ? html`<input type="hidden" name="market" value="${offer.market}">` : ''}<p>Units that are not paid for come back to the waitlist first.</p><button type="submit">Join the waitlist</button></form>`
      : html``;
  const body = html`<main>${noticeBox(options.notice)}${productTile(offer, options.now)}${marketChoice(offer, base, options.attribution)}${claim}${waitlist}${offer.fallback ? fallbackCard(offer) : html``}<p class="muted"><a href="${base}">Refresh stock</a></p></main>`;
  return { kind: 'lite', title: `${offer.title} · simple checkout`, body };
}

export interface LiteHoldOptions {
  holdId: string;
  now: Date;
  offer?: PublicOffer | undefined;
  expiresAt?: Date | undefined;
  values?: CheckoutFields | undefined;
  errors?: FieldErrors | undefined;
  notice?: Notice | undefined;
  payment?: ShopperPaymentOptions | undefined;
  /** A fresh key per rendered form: the same form sent twice pays once, with one answer. */
  idempotencyKey?: string | undefined;
  /** The shopper's saved profile for the hold's shop: "Buy now" pays the hold with it. */
  oneClick?: OneClick | undefined;
  /** Shows the typed-details form unfolded under Buy now (it was used, or Buy now failed). */
  detailsOpen?: boolean | undefined;
  /** Whether the save opt-in comes back ticked. */
  saveProfile?: boolean | undefined;
}

/** Minutes left, said the way a page that cannot tick says it. */
function holdDeadline(expiresAt: Date | undefined, now: Date): SafeHtml {
  if (!expiresAt) return html`<p>Your units are reserved while you pay.</p>`;
  const minutes = Math.ceil((expiresAt.getTime() - now.getTime()) / 60_000);
  if (minutes <= 0) return html`<p class="alert">This hold has run out; claim again.</p>`;
  return html`<p>Reserved for you until <strong>${formatUtcTime(expiresAt)}</strong> (${minutes === 1 ? 'less than a minute' : `about ${minutes} minutes`} left to pay).</p>`;
}

export function liteHoldPage(options: LiteHoldOptions): Page {
  const { offer, expiresAt } = options;
  const hidden = html`${offer ? html`<input type="hidden" name="offer" value="${offer.id}">` : ''}${expiresAt ? html`<input type="hidden" name="until" value="${expiresAt.toISOString()}">` : ''}`;
  const summary = offer
    ? html`<h1>${offer.title}</h1><p class="price">${priceOf(offer)}</p>`
    : html`<h1>Checkout</h1>`;
  const action = `/o/holds/${options.holdId}/lite`;
  const key = options.idempotencyKey
    ? html`<input type="hidden" name="idempotencyKey" value="${options.idempotencyKey}">`
    : '';
  // These forms pay with the sandbox's test cards, which it charges again by name: the saved
  // method is always usable (ShopperProfiles.checkSavable), so the opt-in shows with them.
  const details = html`${hidden}${key}${checkoutFields(options.values, options.errors)}${saveProfileOptIn(options.saveProfile === true)}<button type="submit">Pay now</button>`;
  const form = paysOnlyByCard(options.payment)
    ? cardPageNotice(handOverLink(options), 'Pay on the full page')
    : options.oneClick
      ? oneClickCard(options.oneClick, {
          buyAction: `${action}/buy-now`,
          buyFields: html`${hidden}${key}`,
          details: html`<form method="post" action="${action}/checkout">${details}</form>`,
          detailsOpen: options.detailsOpen === true,
          back: html`<input type="hidden" name="hold" value="${options.holdId}">${hidden}`,
        })
      : html`<form class="card" method="post" action="${action}/checkout">${details}</form>`;
  const body = html`<main>${noticeBox(options.notice)}<section class="card">${summary}${holdDeadline(expiresAt, options.now)}</section>${form}${offer ? html`<p class="muted"><a href="/o/${offer.id}/lite">Back to the offer</a></p>` : ''}</main>`;
  return { kind: 'lite', title: 'Checkout', body };
}

/**
 * The full page for this hold: its script takes the hold over as its cart (`hold`, `until`).
 * Without the offer, the shopper can only start again from the stream link.
 */
function handOverLink(options: LiteHoldOptions): string | null {
  if (!options.offer) return null;
  const query = new URLSearchParams({ hold: options.holdId });
  if (options.expiresAt) query.set('until', options.expiresAt.toISOString());
  return `/o/${options.offer.id}?${query}`;
}

export function liteConfirmationPage(
  orderId: string,
  offer: PublicOffer | undefined,
  savedProfile = false,
): Page {
  const saved = savedProfile
    ? html`<p id="profile-saved">Your details are saved on this device: next time, buy in one click.</p>`
    : '';
  const body = html`<main><section class="card"><div class="ok" role="status"><h1>Order confirmed</h1><p>${offer ? html`${offer.title}. ` : ''}Order number <strong id="order-id">${orderId}</strong>.</p></div><p>Keep this number: it is on your receipt e-mail too.</p>${saved}${offer ? html`<p class="muted"><a href="/o/${offer.id}/lite">Back to the offer</a></p>` : ''}</section></main>`;
  return { kind: 'lite', title: 'Order confirmed', body };
}

export function liteNotFoundPage(what: string): Page {
  const body = html`<main><section class="card"><h1>${what} not found</h1><p>Check the link in the stream and try again.</p></section></main>`;
  return { kind: 'lite', title: `${what} not found`, body };
}
