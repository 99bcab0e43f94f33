// The offer pages' service worker (scope /o/). Seed 000: "service worker caches prime the
// product tile". It keeps the page scripts and the HTML of visited offers, so a link opens at
// once and offline; the offer's live state is network-first, falling back to the last known
// answer (marked, so the page says "offline — last known"). It never touches a POST or DELETE.
const version = '__VERSION__';
const shellCache = `mydrop-shell-${version}`;
const pageCache = `mydrop-pages-${version}`;
const stateCache = 'mydrop-offer-state';
const shell = [`/o/assets/offer.js?v=${version}`, `/o/assets/overlay.js?v=${version}`];
const uuid = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const offerPage = new RegExp(`^/o/${uuid}(/overlay)?$`, 'i');
const offerState = new RegExp(`^/api/v1/public/offers/${uuid}$`, 'i');
/** How long the network gets before the last known state is shown on a flaky connection. */
const networkPatienceMs = 4000;

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(shellCache)
      .then((cache) => cache.addAll(shell))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  const keep = [shellCache, pageCache, stateCache];
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(
          names
            .filter((name) => name.startsWith('mydrop-') && !keep.includes(name))
            .map((name) => caches.delete(name)),
        ),
      )
      .then(() => self.clients.claim()),
  );
});

/** Stores an offer page under its path alone: `?code=…&src=…` variants share one copy. */
async function storePage(cache, path, response) {
  if (response.ok && response.type === 'basic') await cache.put(path, response);
}

self.addEventListener('message', (event) => {
  if (event.data?.type !== 'prime' || !Array.isArray(event.data.urls)) return;
  const paths = event.data.urls.filter((path) => offerPage.test(path));
  event.waitUntil(
    caches.open(pageCache).then((cache) =>
      Promise.all(
        paths.map((path) =>
          fetch(path, { credentials: 'same-origin' })
            .then((response) => storePage(cache, path, response))
            .catch(() => {}),
        ),
      ),
    ),
  );
});

async function staleWhileRevalidate(event, url) {
  const cache = await caches.open(pageCache);
  // An offer reserved per market has a page per market: the market is part of the key.
  const market = url.searchParams.get('market');
  const key = market ? `${url.pathname}?market=${encodeURIComponent(market)}` : url.pathname;
  const cached = await cache.match(key);
  const fresh = fetch(event.request).then(async (response) => {
    await storePage(cache, key, response.clone());
    return response;
  });
  if (cached) {
    event.waitUntil(fresh.catch(() => {}));
    return cached;
  }
  return fresh;
}

async function cacheFirst(request) {
  const cache = await caches.open(shellCache);
  const cached = await cache.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

async function lastKnown(cache, request) {
  const cached = await cache.match(request);
  if (!cached) return undefined;
  const headers = new Headers(cached.headers);
  headers.set('x-mydrop-offline', '1');
  return new Response(await cached.blob(), { status: cached.status, headers });
}

async function networkFirst(event) {
  const cache = await caches.open(stateCache);
  const network = fetch(event.request).then(async (response) => {
    if (response.ok) await cache.put(event.request, response.clone());
    return response;
  });
  const slow = new Promise((resolve) => setTimeout(resolve, networkPatienceMs));
  try {
    const first = await Promise.race([network, slow]);
    if (first) return first;
    // The network is slow: show the last known state now; the next poll tries again.
    event.waitUntil(network.catch(() => {}));
    return (await lastKnown(cache, event.request)) ?? (await network);
  } catch {
    const cached = await lastKnown(cache, event.request);
    if (cached) return cached;
    throw new Error('offline and no last known state');
  }
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (offerState.test(url.pathname)) event.respondWith(networkFirst(event));
  else if (url.pathname.startsWith('/o/assets/')) event.respondWith(cacheFirst(request));
  else if (offerPage.test(url.pathname)) event.respondWith(staleWhileRevalidate(event, url));
});
