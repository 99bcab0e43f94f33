import { createHash } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import { html, type SafeHtml, trusted } from './html.js';

/**
 * The frame every shopper page shares: one inline stylesheet (no extra round trip on a slow
 * phone connection, allowed by its hash in the Content-Security-Policy), scripts only from
 * this origin, and headers chosen per kind of page.
 */
export type PageKind = 'offer' | 'lite' | 'overlay';

const pageCss = `*{box-sizing:border-box}body{margin:0;font:16px/1.45 system-ui,sans-serif;color:#1d1d1f;background:#f6f6f7}
main{max-width:32rem;margin:0 auto;padding:1rem}h1{font-size:1.4rem;margin:.2rem 0}
.card{background:#fff;border-radius:12px;padding:1rem;margin:.8rem 0;box-shadow:0 1px 3px #0002}
.price{font-size:1.6rem;font-weight:700}.muted{color:#666;font-size:.9rem}.state{font-weight:600}
.msgs{list-style:none;padding:0;margin:.5rem 0}.msgs li{background:#fff3cd;border-radius:6px;padding:.3rem .6rem;margin:.3rem 0;font-weight:600}
.alert{background:#fde8e8;color:#8a1c1c;border-radius:8px;padding:.6rem .8rem}.ok{background:#e6f6ea;color:#135c26;border-radius:8px;padding:.6rem .8rem}
label,.label{display:block;margin:.5rem 0 .15rem;font-size:.9rem}input,select{width:100%;padding:.55rem;font:inherit;border:1px solid #bbb;border-radius:8px}input[type=checkbox]{width:auto;margin-right:.4rem}
button,.button{display:block;width:100%;margin-top:.8rem;padding:.8rem;font:inherit;font-weight:700;border:0;border-radius:10px;background:#111;color:#fff;text-align:center;text-decoration:none;cursor:pointer}
button.secondary{background:#e4e4e7;color:#111}button:disabled{opacity:.5}.row{display:flex;gap:.5rem}.row>*{flex:1}
.offline{background:#333;color:#fff;border-radius:6px;padding:.2rem .5rem;font-size:.8rem}[hidden]{display:none!important}
.err{color:#8a1c1c;font-size:.85rem}.card-field{padding:.7rem .55rem;border:1px solid #bbb;border-radius:8px;background:#fff;min-height:2.6rem}`;

const overlayCss = `html,body{margin:0;background:transparent;font:14px/1.3 system-ui,sans-serif}
.tile{display:flex;gap:.6rem;align-items:center;background:#000c;color:#fff;border-radius:12px;padding:.55rem .7rem;max-width:300px}
.tile div{flex:1;min-width:0}.t{font-weight:700;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}.m{color:#ffd65a;font-weight:600;font-size:.8rem}
a{background:#ff2d55;color:#fff;font-weight:700;text-decoration:none;border-radius:8px;padding:.45rem .8rem}a[aria-disabled=true]{background:#666;pointer-events:none}`;

function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
}

const styleHashes = { page: sha256(pageCss), overlay: sha256(overlayCss) };

/** Stripe's API and its 3-D Secure frames, which Stripe.js calls and opens from the page. */
const stripeApiOrigin = 'https://api.stripe.com';
const stripeChallengeOrigin = 'https://hooks.stripe.com';

/**
 * What a page that loads Stripe.js from `scriptUrl` must also allow: the script's origin for
 * the script and its card-field frames, Stripe's API, and the 3-D Secure challenge frames. A
 * test's stand-in script (not on js.stripe.com) also talks to its own origin.
 */
function paymentSources(scriptUrl: string): { script: string; frame: string; connect: string } {
  const origin = new URL(scriptUrl).origin;
  const connect =
    origin === 'https://js.stripe.com' ? [stripeApiOrigin] : [stripeApiOrigin, origin];
  return {
    script: origin,
    frame: `${origin} ${stripeChallengeOrigin}`,
    connect: connect.join(' '),
  };
}

/**
 * Content-Security-Policy per kind: nothing from other origins, no inline script anywhere.
 * A page that collects a card (`paymentScript`) also allows Stripe.js and what it needs; no
 * other page does.
 */
export function contentSecurityPolicy(kind: PageKind, paymentScript?: string): string {
  const style = kind === 'overlay' ? styleHashes.overlay : styleHashes.page;
  const common = [
    "default-src 'none'",
    `style-src ${style}`,
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'self'",
  ];
  if (kind === 'lite') return [...common, "frame-ancestors 'none'"].join('; ');
  if (kind === 'overlay') {
    return [...common, "script-src 'self'", "connect-src 'self'", 'frame-ancestors *'].join('; ');
  }
  const payment = paymentScript ? paymentSources(paymentScript) : undefined;
  return [
    ...common,
    payment ? `script-src 'self' ${payment.script}` : "script-src 'self'",
    payment ? `connect-src 'self' ${payment.connect}` : "connect-src 'self'",
    ...(payment ? [`frame-src ${payment.frame}`] : []),
    "worker-src 'self'",
    "manifest-src 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export interface Page {
  kind: PageKind;
  title: string;
  body: SafeHtml;
  /** Same-origin script URLs, loaded with `defer`. */
  scripts?: string[];
  /**
   * The payment provider's script (Stripe.js) on an offer page that collects a card: loaded
   * `async` as `#payment-js`, and allowed by the page's Content-Security-Policy.
   */
  paymentScript?: string | undefined;
}

export function renderPage(page: Page): string {
  const css = page.kind === 'overlay' ? overlayCss : pageCss;
  const payment = page.paymentScript
    ? html`<script src="${page.paymentScript}" id="payment-js" async></script>`
    : '';
  const scripts = [
    payment,
    ...(page.scripts ?? []).map((src) => html`<script src="${src}" defer></script>`),
  ];
  return html`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${page.title}</title><style>${trusted(css)}</style>${scripts}</head><body>${page.body}</body></html>`
    .value;
}

/**
 * Sends a page with its security headers. Only the overlay may be framed (it sits over a
 * stream player on other sites); lite pages carry form input, so no cache keeps them.
 */
export function sendPage(reply: FastifyReply, page: Page, status = 200): FastifyReply {
  reply
    .status(status)
    .type('text/html; charset=utf-8')
    .header('content-security-policy', contentSecurityPolicy(page.kind, page.paymentScript))
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'same-origin')
    .header('cache-control', page.kind === 'lite' ? 'no-store' : 'no-cache');
  if (page.kind !== 'overlay') reply.header('x-frame-options', 'DENY');
  return reply.send(renderPage(page));
}
