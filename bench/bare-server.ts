import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

/**
 * The HTTP ceiling: a bare node:http server answering the same requests as Mydrop's public
 * claim and checkout endpoints (parse the JSON body, count units down, remember each key's
 * answer, answer 201 or 409 in JSON) and its offer state (`GET`, for `npm run bench:poll`)
 * with nothing else. Run as its own process.
 */
interface Answer {
  status: number;
  body: string;
  /** The offer's state: `cache-control: no-store`, as Mydrop answers it. */
  noStore?: boolean;
}

const reserved = Number(process.env.BENCH_UNITS ?? 200);
/** Units left per offer id in the path, so a warm-up offer does not use up the measured one. */
const unitsLeft = new Map<string, number>();
const answers = new Map<string, Answer>();
const soldOut: Answer = {
  status: 409,
  body: JSON.stringify({
    error: {
      code: 'sold_out',
      message: 'Sold out: every reserved unit is held or sold',
      details: {},
    },
  }),
};

function send(response: ServerResponse, { status, body, noStore }: Answer): void {
  const headers: Record<string, string | number> = {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  };
  if (noStore) headers['cache-control'] = 'no-store';
  response.writeHead(status, headers);
  response.end(body);
}

const notFound: Answer = { status: 404, body: '{}' };

/**
 * An offer's live state as Mydrop's public offer route answers it (the same fields, the same
 * size), built and serialised per request: the ceiling of `npm run bench:poll`.
 */
function offerState(offerId: string): Answer {
  const stockLeft = unitsLeft.get(offerId) ?? reserved;
  const view = {
    id: offerId,
    title: 'Glow Serum live drop',
    kind: 'single_sku',
    state: stockLeft > 0 ? 'live' : 'sold_out',
    price: 1900,
    currency: 'EUR',
    priceTiers: [],
    stockLeft,
    lowStock: stockLeft > 0 && stockLeft <= 20,
    startsAt: null,
    endsAt: null,
    endsWithStream: true,
    perBuyerLimit: 2,
    holdTtlSeconds: 600,
    messages: ['First 100 orders get a Silk Sleep Mask', 'Ends when the stream closes'],
    items: [{ title: 'Glow Serum 30 ml', skuCode: 'GLOW-30', quantity: 1 }],
    fallback: null,
    markets: [],
    market: null,
  };
  return { status: 200, body: JSON.stringify(view), noStore: true };
}

function decide(request: IncomingMessage, text: string): Answer {
  const url = request.url ?? '';
  if (request.method === 'GET' && url.startsWith('/api/v1/public/offers/')) {
    return offerState(url.split('/')[5] ?? '');
  }
  if (request.method !== 'POST') return notFound;
  if (url.endsWith('/checkout')) {
    JSON.parse(text);
    return { status: 201, body: JSON.stringify({ orderId: randomUUID() }) };
  }
  if (!url.endsWith('/claims')) return notFound;
  const body = JSON.parse(text) as { shopper?: unknown; quantity?: unknown };
  if (typeof body.shopper !== 'string') return { status: 400, body: '{}' };
  const key = request.headers['idempotency-key'];
  const first = typeof key === 'string' ? answers.get(key) : undefined;
  if (first) return first;
  const quantity = typeof body.quantity === 'number' ? body.quantity : 1;
  const offerId = url.split('/')[5] ?? '';
  const left = unitsLeft.get(offerId) ?? reserved;
  let decided = soldOut;
  if (left >= quantity) {
    unitsLeft.set(offerId, left - quantity);
    const expiresAt = new Date(Date.now() + 600_000).toISOString();
    decided = { status: 201, body: JSON.stringify({ holdId: randomUUID(), expiresAt }) };
  }
  if (typeof key === 'string') answers.set(key, decided);
  return decided;
}

const server = createServer((request, response) => {
  let text = '';
  request.setEncoding('utf8');
  request.on('data', (chunk: string) => {
    text += chunk;
  });
  request.on('end', () => {
    send(response, decide(request, text));
  });
});
// Like Fastify's default, so idle keep-alive connections survive the pauses between phases.
server.keepAliveTimeout = 72_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.send?.({ port: typeof address === 'object' && address ? address.port : 0 });
});
// Stopped with SIGTERM: exit cleanly, so a CPU profile (BENCH_SERVER_CPU_PROF) is written.
process.on('SIGTERM', () => process.exit(0));
