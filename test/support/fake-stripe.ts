/**
 * A local stand-in for Stripe, on 127.0.0.1, so tests never reach the internet:
 *
 * - the API calls the Stripe adapter makes (PaymentIntents created and confirmed, retrieved,
 *   confirmed again after 3-D Secure, cancelled; refunds), answered the way Stripe does,
 *   with replays by Idempotency-Key, the outcome chosen by Stripe's test PaymentMethod names;
 * - at `/v3/`, a tiny Stripe.js for browser tests: `Stripe(key)`, a card field that is a plain
 *   input, `createPaymentMethod` answering the test PaymentMethod for the typed test card
 *   number, and `handleCardAction`, which approves the challenge here like the shopper's bank.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

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
  paymentMethod: string;
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
  /** The shopper's bank answers the 3-D Secure challenge of an intent. */
  authenticate(intentId: string, outcome?: 'approve' | 'fail'): void;
  /** Every charge made, one per succeeded PaymentIntent. */
  charges(): FakeIntent[];
  close(): Promise<void>;
}

/** Stripe's test PaymentMethods, by what confirming them does. */
const succeeding = new Set(['pm_card_visa', 'pm_card_mastercard', 'pm_card_amex']);
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

  const intentBody = (intent: FakeIntent) => ({
    id: intent.id,
    object: 'payment_intent',
    status: intent.status,
    amount: intent.amount,
    currency: intent.currency,
    payment_method: intent.paymentMethod,
    confirmation_method: 'manual',
    client_secret: `${intent.id}_secret_fake`,
    next_action:
      intent.status === 'requires_action'
        ? { type: 'use_stripe_sdk', use_stripe_sdk: { type: 'three_d_secure_redirect' } }
        : null,
    last_payment_error: intent.lastError,
  });

  const cardError = (code: string, declineCode: string) => ({
    status: 402,
    body: {
      error: {
        type: 'card_error',
        code,
        decline_code: declineCode,
        message: 'Your card was declined.',
      },
    },
  });

  /** Attempts the payment of an intent being confirmed, as Stripe does for test cards. */
  const attempt = (intent: FakeIntent): { status: number; body: unknown } => {
    const decline = declines[intent.paymentMethod];
    if (decline) {
      intent.status = 'requires_payment_method';
      intent.lastError = { code: 'card_declined', decline_code: decline };
      return cardError('card_declined', decline);
    }
    intent.status = 'succeeded';
    intent.charges += 1;
    return { status: 200, body: intentBody(intent) };
  };

  const invalid = (message: string, extra: Record<string, string> = {}) => ({
    status: 400,
    body: { error: { type: 'invalid_request_error', message, ...extra } },
  });

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
    if (method === 'POST' && path === '/v1/payment_intents') {
      const paymentMethod = params.payment_method ?? '';
      if (paymentMethod === 'pm_card_timeout') return 'hang';
      if (paymentMethod === 'pm_card_providerError') {
        return { status: 500, body: { error: { type: 'api_error', message: 'Unknown error' } } };
      }
      const known =
        succeeding.has(paymentMethod) ||
        authenticating.has(paymentMethod) ||
        paymentMethod in declines;
      if (!known) {
        return invalid(`No such PaymentMethod: '${paymentMethod}'`, {
          code: 'resource_missing',
          param: 'payment_method',
        });
      }
      const intent: FakeIntent = {
        id: `pi_fake_${nextId++}`,
        status: 'requires_confirmation',
        amount: Number(params.amount),
        currency: params.currency ?? '',
        paymentMethod,
        charges: 0,
        lastError: null,
      };
      intents.set(intent.id, intent);
      if (authenticating.has(paymentMethod)) {
        intent.status = 'requires_action';
        return { status: 200, body: intentBody(intent) };
      }
      return attempt(intent);
    }
    const match = path.match(/^\/v1\/payment_intents\/([^/]+)(\/confirm|\/cancel)?$/);
    const intent = match ? intents.get(match[1] ?? '') : undefined;
    if (!match || !intent) {
      return invalid(`No such payment_intent or URL: ${path}`, { code: 'resource_missing' });
    }
    if (method === 'GET' && !match[2]) return { status: 200, body: intentBody(intent) };
    if (method === 'POST' && match[2] === '/confirm') {
      if (intent.status !== 'requires_confirmation') {
        return invalid(`This PaymentIntent's status is ${intent.status}`, {
          code: 'payment_intent_unexpected_state',
        });
      }
      return attempt(intent);
    }
    if (method === 'POST' && match[2] === '/cancel') {
      intent.status = 'canceled';
      return { status: 200, body: intentBody(intent) };
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
    response.writeHead(status, { 'content-type': 'application/json', 'request-id': 'req_fake' });
    response.end(JSON.stringify(body));
  };

  const server = createServer((incoming: IncomingMessage, response: ServerResponse) => {
    let body = '';
    incoming.setEncoding('utf8');
    incoming.on('data', (chunk: string) => {
      body += chunk;
    });
    incoming.on('end', () => {
      const path = (incoming.url ?? '').split('?')[0] ?? '';
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
        params: Object.fromEntries(new URLSearchParams(body)),
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
    authenticate,
    charges: () => [...intents.values()].filter((intent) => intent.charges > 0),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * The browser side: the card field is a plain input (Stripe's is a frame); test card numbers
 * map to Stripe's test PaymentMethods as the real Stripe.js would create them in test mode.
 */
function fakeStripeJs(origin: string): string {
  return `(() => {
  const cards = {
    '4242424242424242': 'pm_card_visa',
    '4000002760003184': 'pm_card_threeDSecure2Required',
    '4000000000000002': 'pm_card_chargeDeclined',
  };
  window.Stripe = (key) => {
    if (!/^pk_(test|live)_/.test(key)) throw new Error('Invalid publishable key');
    return {
      elements: () => ({
        create: (type) => {
          const input = document.createElement('input');
          input.setAttribute('aria-label', 'Card number');
          input.setAttribute('inputmode', 'numeric');
          const listeners = [];
          input.addEventListener('input', () => listeners.forEach((fn) => fn({ elementType: type, error: undefined })));
          return {
            mount: (selector) => document.querySelector(selector).appendChild(input),
            on: (event, fn) => { if (event === 'change') listeners.push(fn); },
            number: () => input.value.replace(/\\s+/g, ''),
          };
        },
      }),
      createPaymentMethod: async ({ card }) => {
        const id = cards[card.number()];
        return id
          ? { paymentMethod: { id, object: 'payment_method', type: 'card' } }
          : { error: { type: 'validation_error', message: 'Your card number is invalid.' } };
      },
      handleCardAction: async (clientSecret) => {
        const response = await fetch('${origin}/test/authenticate', { method: 'POST', body: clientSecret });
        const intent = await response.json();
        return intent.status === 'requires_confirmation'
          ? { paymentIntent: intent }
          : { error: { type: 'invalid_request_error', message: 'We are unable to authenticate your payment method.' } };
      },
    };
  };
})();
`;
}
