import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';

/**
 * The shopper side's scripts: plain files beside this module, read once at start-up. Their
 * combined hash versions them: pages ask for `offer.js?v=<hash>`, cached for a year, and the
 * service worker embeds the same hash, so a deploy replaces both together.
 */
const scriptNames = ['offer.js', 'overlay.js', 'sw.js', 'embed.js'] as const;
type ScriptName = (typeof scriptNames)[number];

export interface StorefrontAssets {
  version: string;
  /** The versioned URL of a page script. */
  url(name: 'offer.js' | 'overlay.js'): string;
  source(name: ScriptName): string;
}

export function loadStorefrontAssets(
  directory = new URL('./assets/', import.meta.url),
): StorefrontAssets {
  const sources = new Map<ScriptName, string>();
  const hash = createHash('sha256');
  for (const name of scriptNames) {
    const text = readFileSync(new URL(name, directory), 'utf8');
    sources.set(name, text);
    hash.update(text);
  }
  const version = hash.digest('hex').slice(0, 12);
  sources.set('sw.js', (sources.get('sw.js') ?? '').replaceAll('__VERSION__', version));
  return {
    version,
    url: (name) => `/o/assets/${name}?v=${version}`,
    source: (name) => sources.get(name) ?? '',
  };
}

const javascript = 'application/javascript; charset=utf-8';
const yearSeconds = 365 * 24 * 3600;

export function registerStorefrontAssets(app: FastifyInstance, assets: StorefrontAssets): void {
  app.get<{ Params: { name: string }; Querystring: { v?: string } }>(
    '/o/assets/:name',
    { schema: { hide: true } },
    async (request, reply) => {
      const { name } = request.params;
      if (name !== 'offer.js' && name !== 'overlay.js') {
        return reply.status(404).type('text/plain').send('Not found');
      }
      // Only the current version's URL may be cached for good; any other is a stale page's.
      const current = request.query.v === assets.version;
      return reply
        .type(javascript)
        .header('x-content-type-options', 'nosniff')
        .header(
          'cache-control',
          current ? `public, max-age=${yearSeconds}, immutable` : 'public, max-age=300',
        )
        .send(assets.source(name));
    },
  );

  // At /o/ so that its default scope is /o/: the offer pages, overlays and lite pages.
  app.get('/o/sw.js', { schema: { hide: true } }, async (_request, reply) =>
    reply
      .type(javascript)
      .header('x-content-type-options', 'nosniff')
      .header('service-worker-allowed', '/o/')
      .header('cache-control', 'no-cache')
      .send(assets.source('sw.js')),
  );

  // Loaded by other sites' <script> tags: unversioned, so cached briefly.
  app.get('/o/embed.js', { schema: { hide: true } }, async (_request, reply) =>
    reply
      .type(javascript)
      .header('x-content-type-options', 'nosniff')
      .header('cross-origin-resource-policy', 'cross-origin')
      .header('cache-control', 'public, max-age=300')
      .send(assets.source('embed.js')),
  );
}
