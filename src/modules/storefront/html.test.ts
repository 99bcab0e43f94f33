import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatPrice, formatRemaining, formatUtcTime } from './format.js';
import { escapeHtml, html, trusted } from './html.js';

describe('escapeHtml', () => {
  it('escapes the five characters that can break out of text or a quoted attribute', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });

  it('never leaves a markup character in any string', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        expect(escapeHtml(text)).not.toMatch(/[<>"']/);
      }),
    );
  });
});

describe('the html template', () => {
  it('escapes interpolated values and keeps nested templates as markup', () => {
    const title = '<script>alert(1)</script>';
    const page = html`<h1 title="${title}">${title}</h1>${html`<b>${'&'}</b>`}`;
    expect(page.value).toBe(
      '<h1 title="&lt;script&gt;alert(1)&lt;/script&gt;">&lt;script&gt;alert(1)&lt;/script&gt;</h1><b>&amp;</b>',
    );
  });

  it('joins lists and leaves out null, undefined and false', () => {
    const items = ['a<', 'b'].map((item) => html`<li>${item}</li>`);
    expect(html`<ul>${items}${null}${undefined}${false}${0}</ul>`.value).toBe(
      '<ul><li>a&lt;</li><li>b</li>0</ul>',
    );
  });

  it('inserts trusted markup as is', () => {
    expect(html`<style>${trusted('a>b{}')}</style>`.value).toBe('<style>a>b{}</style>');
  });
});

describe('formatPrice', () => {
  it('formats minor units with the currency’s own number of decimals', () => {
    expect(formatPrice(1900, 'EUR')).toBe('€19.00');
    expect(formatPrice(1999, 'usd')).toBe('$19.99');
    expect(formatPrice(1500, 'JPY')).toBe('¥1,500');
    expect(formatPrice(12345, 'BHD')).toBe('BHD\u00a012.345');
  });

  it('formats in another locale', () => {
    expect(formatPrice(1900, 'EUR', 'fr-FR')).toBe('19,00\u00a0€');
  });

  it('still shows the amount for a code the runtime cannot format', () => {
    expect(formatPrice(1900, 'not-a-currency')).toBe('19.00 not-a-currency');
  });
});

describe('countdowns', () => {
  it('reads as minutes and seconds, hours when needed, and never negative', () => {
    expect(formatRemaining(545)).toBe('9:05');
    expect(formatRemaining(3723)).toBe('1:02:03');
    expect(formatRemaining(-10)).toBe('0:00');
  });

  it('shows deadlines in UTC on pages without JavaScript', () => {
    expect(formatUtcTime(new Date('2026-11-22T18:10:30Z'))).toBe('18:10 UTC');
  });
});
