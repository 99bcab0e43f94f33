import type { ShopperService } from '../drops/index.js';
import { formatPrice, formatRemaining } from './format.js';
import { html, type SafeHtml } from './html.js';

/** The offer as the public API describes it. */
export type PublicOffer = Awaited<ReturnType<ShopperService['describeOffer']>>;

export const stateLabels: Record<PublicOffer['state'], string> = {
  upcoming: 'Starts soon',
  live: 'Live now',
  paused: 'Paused: back in a moment',
  sold_out: 'Sold out',
  closed: 'This drop has ended',
};

/**
 * Where the stream link's attribution rides along: `?code=GLOW19&src=tiktok_live`, and the
 * shopper's market (`&market=GB`) for offers reserved per market.
 */
export interface Attribution {
  code?: string | undefined;
  source?: string | undefined;
  market?: string | undefined;
}

export function priceOf(offer: PublicOffer): string {
  return formatPrice(offer.price, offer.currency);
}

/** "Ends in 12:04" or "Starts in 3:00", or nothing for open-ended offers. */
export function countdownText(offer: PublicOffer, now: Date): string {
  if (offer.state === 'upcoming' && offer.startsAt) {
    return `Starts in ${formatRemaining((offer.startsAt.getTime() - now.getTime()) / 1000)}`;
  }
  if (offer.endsAt && offer.state !== 'closed') {
    return `Ends in ${formatRemaining((offer.endsAt.getTime() - now.getTime()) / 1000)}`;
  }
  return '';
}

/**
 * The product tile: what is on sale, the price, stock left, state, countdown and the staged
 * urgency messages. Ids let the offer page's script update it in place.
 */
export function productTile(offer: PublicOffer, now: Date): SafeHtml {
  const countdown = countdownText(offer, now);
  const deadline =
    offer.state === 'upcoming' ? offer.startsAt : offer.state === 'closed' ? null : offer.endsAt;
  const items = offer.items.map(
    (item) =>
      html`<li>${item.quantity} × ${item.title} <span class="muted">${item.skuCode}</span></li>`,
  );
  const messages = offer.messages.map((message) => html`<li>${message}</li>`);
  return html`<section class="card" id="tile"><p class="muted"><span class="state" id="state">${stateLabels[offer.state]}</span> <span class="offline" id="offline" hidden>offline — last known</span></p><h1>${offer.title}</h1><ul class="muted">${items}</ul><p class="price" id="price">${priceOf(offer)}</p><p><strong id="stock">${offer.stockLeft}</strong> left <span id="countdown" data-deadline="${deadline?.toISOString() ?? ''}" data-prefix="${offer.state === 'upcoming' ? 'Starts in' : 'Ends in'}">${countdown ? ` · ${countdown}` : ''}</span></p><ul class="msgs" id="messages" aria-live="polite">${messages}</ul></section>`;
}

/** Quantities a shopper may pick: up to the per-buyer limit, at most five on a phone screen. */
export function quantityOptions(offer: PublicOffer): SafeHtml {
  const most = Math.max(1, Math.min(offer.perBuyerLimit ?? 5, 5));
  return html`${Array.from({ length: most }, (_, index) => html`<option value="${index + 1}">${index + 1}</option>`)}`;
}

export function attributionInputs(attribution: Attribution): SafeHtml {
  return html`${attribution.code ? html`<input type="hidden" name="offerCode" value="${attribution.code}">` : ''}${attribution.source ? html`<input type="hidden" name="source" value="${attribution.source}">` : ''}${attribution.market ? html`<input type="hidden" name="market" value="${attribution.market}">` : ''}`;
}

/** Whether the shopper can claim now: live, and (for an offer split by market) with a market. */
export function claimable(offer: PublicOffer): boolean {
  return offer.state === 'live' && (offer.markets.length === 0 || offer.market !== null);
}

/**
 * For an offer whose units are reserved per market: where the shopper is shown it (a plain
 * GET form, so it works without JavaScript), or the market chosen with a way to change it.
 */
export function marketChoice(offer: PublicOffer, path: string, attribution: Attribution): SafeHtml {
  if (offer.markets.length === 0) return html``;
  if (offer.market !== null) {
    return html`<p class="muted" id="market-choice">Units for <strong id="market">${offer.market}</strong> · <a href="${path}${linkQuery({ ...attribution, market: undefined })}">Not shipping there?</a></p>`;
  }
  const options = offer.markets.map((market) => html`<option value="${market}">${market}</option>`);
  const kept = html`${attribution.code ? html`<input type="hidden" name="code" value="${attribution.code}">` : ''}${attribution.source ? html`<input type="hidden" name="src" value="${attribution.source}">` : ''}`;
  return html`<form class="card" id="market-form" method="get" action="${path}">${kept}<label for="market-select">Where should we ship?</label><select id="market-select" name="market">${options}</select><button type="submit">Show stock for my country</button><p class="muted">Units of this drop are reserved per country.</p></form>`;
}

/** The link query that keeps the attribution (and market) of the page. */
function linkQuery(attribution: Attribution): string {
  const query = new URLSearchParams();
  if (attribution.code) query.set('code', attribution.code);
  if (attribution.source) query.set('src', attribution.source);
  if (attribution.market) query.set('market', attribution.market);
  const text = query.toString();
  return text ? `?${text}` : '';
}

export function notFoundBody(): SafeHtml {
  return html`<main><section class="card"><h1>Offer not found</h1><p>This link does not point to an offer. Check the link in the stream.</p></section></main>`;
}

/** Points a shopper who missed out to the offer's fallback bundle; hidden while there is none. */
export function fallbackCard(offer: PublicOffer): SafeHtml {
  const fallback = offer.fallback;
  return html`<p class="card" id="fallback"${fallback ? '' : ' hidden'}>Missed it? <a id="fallback-link" href="${fallback ? `/o/${fallback.offerId}` : '#'}">${fallback ? `Try ${fallback.title} instead` : ''}</a> <span class="muted" id="fallback-stock">${fallback ? `${fallback.stockLeft} left` : ''}</span></p>`;
}
