import { html, type SafeHtml } from './html.js';

/** What the lite pages show of a saved profile: never its token, nor the full e-mail. */
export interface SavedProfileView {
  name: string;
  /** Masked, such as j***@example.com. */
  email: string;
  city: string;
  country: string;
  paymentLabel: string;
}

/** A saved profile the shopper's cookie names, valid for the page's shop. */
export interface OneClick {
  profile: SavedProfileView;
  /** An offer of the shop the profile was saved in: "Forget my details" posts under it. */
  offerId: string;
}

export interface OneClickForms {
  /** Where Buy now posts, and what it sends besides the button. */
  buyAction: string;
  buyFields: SafeHtml;
  /** The plain form ("Use different details"), folded away unless `detailsOpen`. */
  details: SafeHtml;
  detailsOpen?: boolean | undefined;
  /** Hidden fields the forget post needs to show the same page again. */
  back: SafeHtml;
}

/** The words on the one-click button, as the full page says them. */
export function buyNowLabel(profile: SavedProfileView): string {
  return `Buy now as ${profile.name} · ${profile.paymentLabel}`;
}

/**
 * Buy now, the typed-details form behind "Use different details" (a `<details>` element: it
 * opens without JavaScript), and "Forget my details", which erases the profile on the server.
 */
export function oneClickCard(oneClick: OneClick, forms: OneClickForms): SafeHtml {
  const { profile } = oneClick;
  return html`<section class="card" id="one-click"><form method="post" action="${forms.buyAction}">${forms.buyFields}<button type="submit" id="buy-now">${buyNowLabel(profile)}</button><p class="muted">Ships to ${profile.city}, ${profile.country}; receipt to ${profile.email}.</p></form><details id="use-details"${forms.detailsOpen ? ' open' : ''}><summary>Use different details</summary>${forms.details}</details><form method="post" action="/o/${oneClick.offerId}/lite/forget">${forms.back}<button type="submit" class="secondary" id="forget-profile">Forget my details</button></form></section>`;
}
