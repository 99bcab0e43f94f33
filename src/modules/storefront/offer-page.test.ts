import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { liteHoldPage, liteOfferPage } from './lite-pages.js';
import { offerPage, overlayPage } from './offer-page.js';
import { countdownText, type PublicOffer } from './offer-view.js';
import { contentSecurityPolicy, renderPage } from './page-shell.js';

const now = new Date('2026-11-22T18:00:00Z');

function anOffer(overrides: Partial<PublicOffer> = {}): PublicOffer {
  return {
    id: '11111111-2222-4333-8444-555555555555',
    title: 'Glow Serum live drop',
    kind: 'single_sku',
    state: 'live',
    price: 1900,
    currency: 'EUR',
    priceTiers: [],
    stockLeft: 17,
    lowStock: true,
    startsAt: null,
    endsAt: new Date('2026-11-22T18:12:05Z'),
    endsWithStream: false,
    perBuyerLimit: 2,
    holdTtlSeconds: 600,
    messages: ['Only 17 left', 'First 100 orders get a Silk Sleep Mask'],
    items: [{ title: 'Glow Serum 30 ml', skuCode: 'GLOW-30', quantity: 1 }],
    fallback: null,
    markets: [],
    market: null,
    ...overrides,
  };
}

const pageOptions = {
  now,
  shopperId: 'shopper-1',
  idempotencyKey: 'key-1',
  attribution: { code: 'GLOW19', source: 'tiktok_live' },
  script: '/o/assets/offer.js?v=abc',
};

describe('the offer page', () => {
  it('links a sold-out offer to its fallback bundle, and hides the link while there is none', () => {
    const fallback = {
      offerId: '99999999-2222-4333-8444-555555555555',
      title: 'Glow Duo',
      stockLeft: 4,
    };
    const soldOut = renderPage(
      offerPage(anOffer({ state: 'sold_out', stockLeft: 0, fallback }), pageOptions),
    );
    expect(soldOut).toContain(`href="/o/${fallback.offerId}"`);
    expect(soldOut).toContain('Try Glow Duo instead');
    const live = renderPage(offerPage(anOffer(), pageOptions));
    expect(live).toMatch(/id="fallback" hidden/);
    const lite = renderPage(
      liteOfferPage(anOffer({ state: 'sold_out', stockLeft: 0, fallback }), {
        ...pageOptions,
        notice: undefined,
      }),
    );
    expect(lite).toContain('Try Glow Duo instead');
  });

  it('shows title, items, price in its currency, stock, countdown and urgency messages', () => {
    const markup = renderPage(offerPage(anOffer(), pageOptions));
    expect(markup).toContain('<h1>Glow Serum live drop</h1>');
    expect(markup).toContain('1 × Glow Serum 30 ml');
    expect(markup).toContain('€19.00');
    expect(markup).toContain('<strong id="stock">17</strong> left');
    expect(markup).toContain(' · Ends in 12:05');
    expect(markup).toContain('<li>Only 17 left</li>');
    expect(markup).toContain('<li>First 100 orders get a Silk Sleep Mask</li>');
    expect(markup).toContain('<option value="2">2</option>');
    expect(markup).not.toContain('<option value="3">');
    expect(markup).toContain('name="offerCode" value="GLOW19"');
  });

  it('escapes every value that comes from the offer', () => {
    const evil = '<img src=x onerror="alert(1)">';
    const markup = renderPage(
      offerPage(
        anOffer({
          title: evil,
          messages: [evil],
          items: [{ title: evil, skuCode: evil, quantity: 1 }],
        }),
        {
          ...pageOptions,
          attribution: { code: '"><script>x</script>' },
        },
      ),
    );
    expect(markup).not.toContain('<img');
    expect(markup).not.toContain('<script>x');
    expect(markup).toContain('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;');
  });

  it('has no inline script or inline event handler, and its style matches the policy hash', () => {
    const markup = renderPage(offerPage(anOffer(), pageOptions));
    expect(markup).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect(markup).not.toMatch(/\son[a-z]+=/i);
    const style = /<style>([\s\S]*?)<\/style>/.exec(markup)?.[1] ?? '';
    const hash = createHash('sha256').update(style).digest('base64');
    expect(contentSecurityPolicy('offer')).toContain(`style-src 'sha256-${hash}'`);
    expect(contentSecurityPolicy('offer')).toContain("script-src 'self'");
  });

  it('pays by card through Stripe.js when a provider collects cards, saves it on opt-in, and lets only Stripe in', () => {
    const payment = {
      testCards: false,
      card: {
        provider: 'stripe',
        publishableKey: 'pk_test_page',
        scriptUrl: 'https://js.stripe.com/v3/',
      },
    };
    const page = offerPage(anOffer(), { ...pageOptions, shop: 'shop-1', payment });
    const markup = renderPage(page);
    expect(markup).toContain(
      '<script src="https://js.stripe.com/v3/" id="payment-js" async></script>',
    );
    expect(markup).toContain('data-card-provider="stripe" data-card-key="pk_test_page"');
    expect(markup).toContain('<div id="card-element"');
    expect(markup).not.toContain('Test card');
    // Stripe keeps the card under a Customer for one click: the opt-in shows with the card.
    expect(markup).toContain(
      '<input type="checkbox" id="f-save" name="saveProfile" value="1"> Save my details for one-click checkout next time',
    );
    expect(contentSecurityPolicy('offer', page.paymentScript).split('; ')).toEqual([
      "default-src 'none'",
      expect.stringMatching(/^style-src 'sha256-[^ ]+'$/),
      "img-src 'self' data:",
      "base-uri 'none'",
      "form-action 'self'",
      "script-src 'self' https://js.stripe.com",
      "connect-src 'self' https://api.stripe.com",
      'frame-src https://js.stripe.com https://hooks.stripe.com',
      "worker-src 'self'",
      "manifest-src 'self'",
      "frame-ancestors 'none'",
    ]);
  });

  it('keeps the test-card picker and Stripe out of the policy on a sandbox-only page', () => {
    const page = offerPage(anOffer(), {
      ...pageOptions,
      shop: 'shop-1',
      payment: { testCards: true, card: null },
    });
    const markup = renderPage(page);
    expect(page.paymentScript).toBeUndefined();
    expect(markup).toContain('<option value="pm_card_visa">Test card: Visa (pays)</option>');
    expect(markup).toContain('Save my details for one-click checkout next time');
    expect(markup).not.toContain('stripe');
    expect(contentSecurityPolicy('offer')).not.toMatch(/stripe|frame-src/);
  });

  it('disables Claim and offers the waitlist when sold out', () => {
    const markup = renderPage(offerPage(anOffer({ state: 'sold_out', stockLeft: 0 }), pageOptions));
    expect(markup).toContain('id="claim-button" disabled');
    expect(markup).toMatch(/<form class="card" id="waitlist" method="post" action="[^"]+"><input/);
  });

  it('asks where to ship before a claim when the units are reserved per market', () => {
    const split = anOffer({ markets: ['GB', 'US'], market: null });
    for (const page of [
      offerPage(split, pageOptions),
      liteOfferPage(split, { ...pageOptions, notice: undefined }),
    ]) {
      const markup = renderPage(page);
      expect(markup).toContain('<form class="card" id="market-form" method="get"');
      expect(markup).toContain('<option value="GB">GB</option><option value="US">US</option>');
      // The stream link's attribution rides along when the shopper picks a market.
      expect(markup).toContain('<input type="hidden" name="code" value="GLOW19">');
      expect(markup).not.toMatch(/<button type="submit"( id="claim-button")?>Claim/);
    }
    const chosen = anOffer({ markets: ['GB', 'US'], market: 'GB' });
    const markup = renderPage(
      offerPage(chosen, {
        ...pageOptions,
        attribution: { ...pageOptions.attribution, market: 'GB' },
      }),
    );
    expect(markup).toContain('data-market="GB" data-split="1"');
    expect(markup).toContain('Units for <strong id="market">GB</strong>');
    expect(markup).toContain('<input type="hidden" name="market" value="GB">');
    expect(markup).toMatch(/id="claim-button">Claim/);
    expect(renderPage(offerPage(anOffer(), pageOptions))).not.toContain('market-form');
  });

  it('stays under 15 KB', () => {
    expect(Buffer.byteLength(renderPage(offerPage(anOffer(), pageOptions)))).toBeLessThan(15_000);
  });
});

describe('countdowns on the tile', () => {
  it('counts down to the start of an upcoming offer and to the end of a live one', () => {
    expect(countdownText(anOffer(), now)).toBe('Ends in 12:05');
    const upcoming = anOffer({ state: 'upcoming', startsAt: new Date('2026-11-22T18:03:00Z') });
    expect(countdownText(upcoming, now)).toBe('Starts in 3:00');
    expect(countdownText(anOffer({ endsAt: null }), now)).toBe('');
    expect(countdownText(anOffer({ state: 'closed' }), now)).toBe('');
  });
});

describe('the overlay', () => {
  it('is a compact card with a Buy link opening the offer page in a new tab', () => {
    const markup = renderPage(overlayPage(anOffer(), '/o/assets/overlay.js?v=abc'));
    expect(markup).toContain('Only 17 left');
    expect(markup).toContain(
      'href="/o/11111111-2222-4333-8444-555555555555" target="_blank" rel="noopener"',
    );
    expect(contentSecurityPolicy('overlay')).toContain('frame-ancestors *');
  });
});

describe('the lite pages', () => {
  it('carry no script at all and a policy that allows none', () => {
    const markup = renderPage(liteOfferPage(anOffer(), pageOptions));
    expect(markup).not.toContain('<script');
    expect(contentSecurityPolicy('lite')).not.toContain('script-src');
    expect(contentSecurityPolicy('lite')).toContain("default-src 'none'");
  });

  it('show the hold deadline as text and keep what the shopper typed, escaped', () => {
    const page = liteHoldPage({
      holdId: '11111111-2222-4333-8444-666666666666',
      now,
      offer: anOffer(),
      expiresAt: new Date('2026-11-22T18:10:00Z'),
      values: { name: '"><b>Sam</b>', token: 'pm_card_chargeDeclined' },
      errors: { email: 'must be an e-mail address' },
    });
    const markup = renderPage(page);
    expect(markup).toContain('until <strong>18:10 UTC</strong> (about 10 minutes left to pay)');
    expect(markup).toContain('value="&quot;&gt;&lt;b&gt;Sam&lt;/b&gt;"');
    expect(markup).toContain('<option value="pm_card_chargeDeclined" selected>');
    expect(markup).toContain('<div class="err" id="f-email-err">must be an e-mail address</div>');
    expect(Buffer.byteLength(markup)).toBeLessThan(15_000);
  });
});
