/**
 * A local stand-in for Stripe, on 127.0.0.1, so tests never reach the internet:
 *
 * - the API calls the Stripe adapter makes (PaymentIntents created and confirmed, retrieved,
 *   confirmed again after 3-D Secure, cancelled, with `customer`, `setup_future_usage` and
 *   `expand`; Customers; PaymentMethods retrieved and detached; refunds), answered the way
 *   Stripe does, with replays by Idempotency-Key, the outcome chosen by Stripe's test cards;
 * - at `/v3/`, a tiny Stripe.js for browser tests: `Stripe(key)`, a card field that is a plain
 *   input, `createPaymentMethod` making a PaymentMethod here from the typed test card number,
 *   and `handleCardAction`, which approves the challenge here like the shopper's bank.
 *
 * PaymentMethods and Customers, and what Stripe lets a saved card do, are in
 * fake-stripe-cards.ts.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type FakeAnswer,
  FakeCards,
  type FakeCustomer,
  type FakePaymentMethod,
  invalidRequest,
} from './fake-stripe-cards.js';
import { fakeStripeJs } from './fake-stripe-js.js';

export type { FakeCustomer, FakePaymentMethod };

export interface RecordedRequest {
  method: string;
  path: string;
  idempotencyKey: string | undefined;
  params: Record<string, string>;
}

export interface FakeIntent {
  id: string;
  status:
    | 'requires_action'
    | 'requires_confirmation'
    | 'requires_payment_method'
    | 'succeeded'
    | 'canceled';
  amount: number;
  currency: string;
  /** The test card charged, by Stripe's test PaymentMethod name (`pm_card_visa`, ...). */
  paymentMethod: string;
  /** The PaymentMethod object charged (`pm_fake_…`). */
  paymentMethodId: string;
  customer: string | null;
  setupFutureUsage: 'on_session' | 'off_session' | null;
  /** How many times the intent moved to succeeded: a card is charged once or never. */
  charges: number;
  lastError: { code: string; decline_code?: string } | null;
}

export interface FakeStripe {
  /** The API's origin, for MYDROP_STRIPE_API_URL or the client's host and port. */
  url: string;
  port: number;
  /** The fake Stripe.js, for MYDROP_STRIPE_JS_URL. */
  jsUrl: string;
  requests: RecordedRequest[];
  intents: Map<string, FakeIntent>;
  paymentMethods: Map<string, FakePaymentMethod>;
  customers: Map<string, FakeCustomer>;
  /** A PaymentMethod for a test card number, as Stripe.js makes one in the shopper's page. */
  createPaymentMethod(cardNumber: string): string;
  /** A saved card passes its expiry date: Stripe declines it as `expired_card`. */
  expireCard(paymentMethodId: string): void;
  /** The shopper's bank answers the 3-D Secure challenge of an intent. */
  authenticate(intentId: string, outcome?: 'approve' | 'fail'): void;
  /** Every charge made, one per succeeded PaymentIntent. */
  charges(): FakeIntent[];
  close(): Promise<void>;
}

/** Stripe's test PaymentMethods, by what confirming them does (the others succeed). */
const authenticating = new Set(['pm_card_threeDSecure2Required', 'pm_card_authenticationRequired']);
const declines: Record<string, string> = {
  pm_card_chargeDeclined: 'generic_decline',
  pm_card_chargeDeclinedInsufficientFunds: 'insufficient_funds',
};

export async function startFakeStripe(): Promise<FakeStripe> {
  const requests: RecordedRequest[] = [];
  const intents = new Map<string, FakeIntent>();
  const replays = new Map<string, { status: number; body: unknown }>();
  let nextId = 1;
  const cards = new FakeCards(() => nextId++);

  /** Stripe's `expand[]`: the payment method as an object instead of its id. */
  const intentBody = (intent: FakeIntent, params: Record<string, string> = {}) => {
    const method = cards.paymentMethods.get(intent.paymentMethodId);
    const expand = Object.entries(params).some(
      ([key, value]) => key.startsWith('expand[') && value === 'payment_method',
    );
    return {
      ...intentFields(intent),
      payment_method: expand && method ? cards.methodBody(method) : intent.paymentMethodId,
    };
  };
  const intentFields = (intent: FakeIntent) => ({
    id: intent.id,
    object: 'payment_intent',
    status: intent.status,
    amount: intent.amount,
    currency: intent.currency,
    customer: intent.customer,
    setup_future_usage: intent.setupFutureUsage,
    confirmation_method: 'manual',
    client_secret: `${intent.id}_secret_fake`,
    next_action:
      intent.status === 'requires_action'
        ? { type: 'use_stripe_sdk', use_stripe_sdk: { type: 'three_d_secure_redirect' } }
        : null,
    last_payment_error: intent.lastError,
  });

  const cardError = (code: string, declineCode: string | undefined, message: string) => ({
    status: 402,
    body: {
      error: {
        type: 'card_error',
        code,
        ...(declineCode ? { decline_code: declineCode } : {}),
        message,
      },
    },
  });

  /** Attempts the payment of an intent being confirmed, as Stripe does for test cards. */
  const attempt = (intent: FakeIntent, params: Record<string, string>): FakeAnswer => {
    const method = cards.paymentMethods.get(intent.paymentMethodId);
    if (method && cards.isExpired(method)) {
      intent.status = 'requires_payment_method';
      intent.lastError = { code: 'expired_card' };
      return cardError('expired_card', undefined, 'Your card has expired.');
    }
    const decline = declines[intent.paymentMethod];
    if (decline) {
      intent.status = 'requires_payment_method';
      intent.lastError = { code: 'card_declined', decline_code: decline };
      return cardError('card_declined', decline, 'Your card was declined.');
    }
    intent.status = 'succeeded';
    intent.charges += 1;
    if (method) cards.charged(method, intent.customer, intent.setupFutureUsage);
    return { status: 200, body: intentBody(intent, params) };
  };

  const invalid = invalidRequest;

  const answer = (request: RecordedRequest): { status: number; body: unknown } | 'hang' => {
    const { method, path, params } = request;
    if (method === 'POST' && path === '/v1/refunds') {
      if (params.payment_intent === 'pi_already_refunded') {
        return invalid('Charge ch_1 has already been refunded.', {
          code: 'charge_already_refunded',
        });
      }
      return {
        status: 200,
        body: {
          id: `re_fake_${nextId++}`,
          object: 'refund',
          status: 'succeeded',
          amount: Number(params.amount),
          payment_intent: params.payment_intent,
        },
      };
    }
    if (method === 'POST' && path === '/v1/customers') return cards.createCustomer(params);
    if (method === 'POST' && path === '/v1/payment_methods') return cards.createFromCard(params);
    const methodPath = path.match(/^\/v1\/payment_methods\/([^/]+)(\/detach)?$/);
    if (methodPath) {
      const [, id = '', detach] = methodPath;
      if (method === 'POST' && detach) return cards.detach(id);
      const found = cards.paymentMethods.get(id);
      if (method === 'GET' && !detach && found) {
        return { status: 200, body: cards.methodBody(found) };
      }
      return invalid(`No such PaymentMethod: '${id}'`, { code: 'resource_missing' });
    }
    if (method === 'POST' && path === '/v1/payment_intents') {
      const paymentMethod = params.payment_method ?? '';
      if (paymentMethod === 'pm_card_timeout') return 'hang';
      if (paymentMethod === 'pm_card_providerError') {
        return { status: 500, body: { error: { type: 'api_error', message: 'Unknown error' } } };
      }
      const customer = params.customer ?? null;
      const found = cards.methodFor(paymentMethod, customer);
      if ('refusal' in found) return found.refusal;
      const testCard = found.method.testCard;
      const usage = params.setup_future_usage;
      const intent: FakeIntent = {
        id: `pi_fake_${nextId++}`,
        status: 'requires_confirmation',
        amount: Number(params.amount),
        currency: params.currency ?? '',
        paymentMethod: testCard,
        paymentMethodId: found.method.id,
        customer,
        setupFutureUsage: usage === 'on_session' || usage === 'off_session' ? usage : null,
        charges: 0,
        lastError: null,
      };
      intents.set(intent.id, intent);
      if (authenticating.has(testCard)) {
        intent.status = 'requires_action';
        return { status: 200, body: intentBody(intent, params) };
      }
      return attempt(intent, params);
    }
    const match = path.match(/^\/v1\/payment_intents\/([^/]+)(\/confirm|\/cancel)?$/);
    const intent = match ? intents.get(match[1] ?? '') : undefined;
    if (!match || !intent) {
      return invalid(`No such payment_intent or URL: ${path}`, { code: 'resource_missing' });
    }
    if (method === 'GET' && !match[2]) return { status: 200, body: intentBody(intent, params) };
    if (method === 'POST' && match[2] === '/confirm') {
      if (intent.status !== 'requires_confirmation') {
        return invalid(`This PaymentIntent's status is ${intent.status}`, {
          code: 'payment_intent_unexpected_state',
        });
      }
      return attempt(intent, params);
    }
    if (method === 'POST' && match[2] === '/cancel') {
      intent.status = 'canceled';
      return { status: 200, body: intentBody(intent, params) };
    }
    return invalid(`Unrecognized request URL (${method}: ${path})`);
  };

  const authenticate = (intentId: string, outcome: 'approve' | 'fail' = 'approve') => {
    const intent = intents.get(intentId);
    if (intent?.status !== 'requires_action') return;
    if (outcome === 'approve') {
      intent.status = 'requires_confirmation';
    } else {
      intent.status = 'requires_payment_method';
      intent.lastError = { code: 'payment_intent_authentication_failure' };
    }
  };

  const send = (response: ServerResponse, status: number, body: unknown) => {
    // Stripe.js calls the API from the shopper's page, as it calls api.stripe.com.
    response.writeHead(status, {
      'content-type': 'application/json',
      'request-id': 'req_fake',
      'access-control-allow-origin': '*',
    });
    response.end(JSON.stringify(body));
  };

  const server = createServer((incoming: IncomingMessage, response: ServerResponse) => {
    let body = '';
    incoming.setEncoding('utf8');
    incoming.on('data', (chunk: string) => {
      body += chunk;
    });
    incoming.on('end', () => {
      const [path = '', query = ''] = (incoming.url ?? '').split('?');
      if (path === '/v3/') {
        response.writeHead(200, {
          'content-type': 'application/javascript; charset=utf-8',
          'cache-control': 'no-store',
        });
        response.end(fakeStripeJs(`http://127.0.0.1:${port}`));
        return;
      }
      if (path === '/test/authenticate') {
        // The fake Stripe.js's challenge, approved by the shopper's bank (a cross-origin call).
        const [intentId] = body.split('_secret_');
        authenticate(intentId ?? '');
        response.writeHead(200, {
          'content-type': 'application/json',
          'access-control-allow-origin': '*',
        });
        response.end(JSON.stringify({ id: intentId, status: intents.get(intentId ?? '')?.status }));
        return;
      }
      const key = incoming.headers['idempotency-key'];
      const request: RecordedRequest = {
        method: incoming.method ?? '',
        path,
        idempotencyKey: typeof key === 'string' ? key : undefined,
        // Stripe's clients send a GET's parameters (such as `expand[]`) in the query string.
        params: Object.fromEntries(new URLSearchParams(incoming.method === 'GET' ? query : body)),
      };
      requests.push(request);
      // Stripe answers a POST with a key it has seen with its first answer, whatever changed.
      const replayKey = request.idempotencyKey && `${request.method} ${request.idempotencyKey}`;
      const replay = replayKey ? replays.get(replayKey) : undefined;
      if (replay) return send(response, replay.status, replay.body);
      const result = answer(request);
      if (result === 'hang') return; // Never answers: the client's timeout has to fire.
      if (replayKey && result.status < 500) replays.set(replayKey, result);
      send(response, result.status, result.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    port,
    jsUrl: `${url}/v3/`,
    requests,
    intents,
    paymentMethods: cards.paymentMethods,
    customers: cards.customers,
    createPaymentMethod: (cardNumber) => {
      const created = cards.createFromCard({ type: 'card', 'card[number]': cardNumber });
      if (created.status !== 200) throw new Error(`not a test card number: ${cardNumber}`);
      return (created.body as { id: string }).id;
    },
    expireCard: (paymentMethodId) => cards.expire(paymentMethodId),
    authenticate,
    charges: () => [...intents.values()].filter((intent) => intent.charges > 0),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
