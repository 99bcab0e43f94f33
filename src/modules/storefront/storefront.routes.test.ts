import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveOffer } from '../../../test/support/drops.js';
import {
  createTestContext,
  type SeededOrganization,
  seedOrganization,
  type TestContext,
} from '../../../test/support/test-app.js';

/** The offer page, the overlay and their scripts, as a browser fetches them. */
describe('the shopper pages', () => {
  let context: TestContext;
  let acme: SeededOrganization;
  let offerId: string;

  beforeAll(async () => {
    context = await createTestContext();
    acme = await seedOrganization(context, 'Acme');
    ({ offerId } = await liveOffer(context.app, acme, { units: 200 }));
  });
  afterAll(() => context.close());

  const get = (url: string) => context.app.inject({ url });

  it('serves the offer page with live stock, its versioned script and strict headers', async () => {
    const page = await get(`/o/${offerId}?code=GLOW19&src=tiktok_live`);
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(page.headers['x-frame-options']).toBe('DENY');
    const policy = page.headers['content-security-policy'] as string;
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).not.toContain('unsafe-inline');
    expect(page.body).toContain('<h1>Live drop</h1>');
    expect(page.body).toContain('€19.00');
    expect(page.body).toContain('<strong id="stock">200</strong> left');
    expect(page.body).toContain('name="source" value="tiktok_live"');
    expect(page.body).toMatch(/<script src="\/o\/assets\/offer\.js\?v=[0-9a-f]{12}" defer>/);
    expect(Buffer.byteLength(page.body)).toBeLessThan(15_000);
  });

  it('answers an unknown offer with a 404 page', async () => {
    expect((await get('/o/00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
    expect((await get('/o/nope')).statusCode).toBe(404);
  });

  it('lets any site frame the overlay, and no other page', async () => {
    const overlay = await get(`/o/${offerId}/overlay`);
    expect(overlay.statusCode).toBe(200);
    expect(overlay.headers['x-frame-options']).toBeUndefined();
    expect(overlay.headers['content-security-policy']).toContain('frame-ancestors *');
    expect(overlay.body).toContain('background:transparent');
    expect(overlay.body).toContain(`href="/o/${offerId}" target="_blank"`);
  });

  it('caches a versioned script for a year and any other version briefly', async () => {
    const page = await get(`/o/${offerId}`);
    const src = /src="(\/o\/assets\/offer\.js\?v=\w+)"/.exec(page.body)?.[1] ?? '';
    const current = await get(src);
    expect(current.statusCode).toBe(200);
    expect(current.headers['content-type']).toBe('application/javascript; charset=utf-8');
    expect(current.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(current.body).toContain('localStorage');
    const stale = await get('/o/assets/offer.js?v=old');
    expect(stale.headers['cache-control']).toBe('public, max-age=300');
    expect((await get('/o/assets/secret.js')).statusCode).toBe(404);
  });

  it('serves the service worker for the /o/ scope with the same version baked in', async () => {
    const page = await get(`/o/${offerId}`);
    const version = /offer\.js\?v=(\w+)/.exec(page.body)?.[1] ?? '';
    const worker = await get('/o/sw.js');
    expect(worker.statusCode).toBe(200);
    expect(worker.headers['cache-control']).toBe('no-cache');
    expect(worker.headers['service-worker-allowed']).toBe('/o/');
    expect(worker.body).toContain(`const version = '${version}'`);
    expect(worker.body).not.toContain('__VERSION__');
  });

  it('serves the embed snippet for other sites’ script tags', async () => {
    const embed = await get('/o/embed.js');
    expect(embed.statusCode).toBe(200);
    expect(embed.headers['cross-origin-resource-policy']).toBe('cross-origin');
    expect(embed.body).toContain('/overlay');
  });
});
