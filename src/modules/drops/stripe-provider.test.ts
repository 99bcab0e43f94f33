import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PaymentUnavailableError, UnknownPaymentMethodError } from './payment-provider.js';
import { createStripeClient, StripePaymentProvider } from './stripe-provider.js';

interface RecordedRequest {
  method: string;
  path: string;
  idempotencyKey: string | undefined;
  params: Record<string, string>;
}

/**
 * A local stand-in for api.stripe.com: it answers the calls the provider makes the way Stripe
 * does, choosing the outcome from the payment method id. Tests never reach the internet.
 */
function startFakeStripe(): Promise<{ server: Server; port: number; requests: RecordedRequest[] }> {
  const requests: RecordedRequest[] = [];
  const send = (response: ServerResponse, status: number, body: unknown) => {
    response.writeHead(status, { 'content-type': 'application/json', 'request-id': 'req_fake' });
    response.end(JSON.stringify(body));
  };
  const paymentIntent = (id: string, status: string, params: Record<string, string>) => ({
    id,
    object: 'payment_intent',
    status,
    amount: Number(params.amount),
    currency: params.currency,
    payment_method: params.payment_method,
  });

  const answer = (request: RecordedRequest, response: ServerResponse) => {
    const { path, params } = request;
    if (path === '/v1/refunds') {
      if (params.payment_intent === 'pi_already_refunded') {
        return send(response, 400, {
          error: {
            type: 'invalid_request_error',
            code: 'charge_already_refunded',
            message: 'Charge ch_1 has already been refunded.',
          },
        });
      }
      return send(response, 200, {
        id: 're_fake_1',
        object: 'refund',
        status: 'succeeded',
        amount: Number(params.amount),
        payment_intent: params.payment_intent,
      });
    }
    const cancel = path.match(/^\/v1\/payment_intents\/([^/]+)\/cancel$/);
    if (cancel) return send(response, 200, paymentIntent(cancel[1] ?? '', 'canceled', params));
    if (path !== '/v1/payment_intents') {
      return send(response, 404, {
        error: { type: 'invalid_request_error', message: `Unrecognized request URL ${path}` },
      });
    }
    switch (params.payment_method) {
      case 'pm_card_visa':
        return send(response, 200, paymentIntent('pi_fake_succeeded', 'succeeded', params));
      case 'pm_card_authenticationRequired':
        return send(response, 200, paymentIntent('pi_fake_3ds', 'requires_action', params));
      case 'pm_card_chargeDeclined':
        return send(response, 402, {
          error: {
            type: 'card_error',
            code: 'card_declined',
            decline_code: 'generic_decline',
            message: 'Your card was declined.',
          },
        });
      case 'pm_card_providerError':
        return send(response, 500, {
          error: { type: 'api_error', message: 'An unknown error occurred' },
        });
      case 'pm_card_timeout':
        return; // Never answers: the client's timeout has to fire.
      default:
        return send(response, 400, {
          error: {
            type: 'invalid_request_error',
            code: 'resource_missing',
            param: 'payment_method',
            message: `No such PaymentMethod: '${params.payment_method}'`,
          },
        });
    }
  };

  const server = createServer((incoming: IncomingMessage, response: ServerResponse) => {
    let body = '';
    incoming.setEncoding('utf8');
    incoming.on('data', (chunk: string) => {
      body += chunk;
    });
    incoming.on('end', () => {
      const key = incoming.headers['idempotency-key'];
      const request: RecordedRequest = {
        method: incoming.method ?? '',
        path: incoming.url ?? '',
        idempotencyKey: typeof key === 'string' ? key : undefined,
        params: Object.fromEntries(new URLSearchParams(body)),
      };
      requests.push(request);
      answer(request, response);
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({ server, port: (server.address() as AddressInfo).port, requests });
    });
  });
}

describe('the Stripe payment provider', () => {
  let fake: Awaited<ReturnType<typeof startFakeStripe>>;
  let provider: StripePaymentProvider;

  beforeAll(async () => {
    fake = await startFakeStripe();
    const client = createStripeClient('sk_test_fake', {
      host: '127.0.0.1',
      port: fake.port,
      protocol: 'http',
      timeout: 300,
    });
    provider = new StripePaymentProvider(client);
  });
  beforeEach(() => {
    fake.requests.length = 0;
  });
  afterAll(async () => {
    fake.server.closeAllConnections();
    await new Promise((resolve) => fake.server.close(resolve));
  });

  const charge = (token: string) =>
    provider.charge({
      amountMinor: 3800,
      currency: 'EUR',
      token,
      idempotencyKey: `hold-1:${token}`,
      description: 'Glow serum drop',
    });

  it('creates and confirms a PaymentIntent in one call and answers its id as the reference', async () => {
    expect(await charge('pm_card_visa')).toEqual({
      status: 'succeeded',
      reference: 'pi_fake_succeeded',
    });
    expect(fake.requests).toEqual([
      {
        method: 'POST',
        path: '/v1/payment_intents',
        idempotencyKey: 'hold-1:pm_card_visa',
        params: {
          amount: '3800',
          currency: 'eur',
          payment_method: 'pm_card_visa',
          confirm: 'true',
          'automatic_payment_methods[enabled]': 'true',
          'automatic_payment_methods[allow_redirects]': 'never',
          description: 'Glow serum drop',
        },
      },
    ]);
  });

  it("answers a card decline as declined with the issuer's decline code", async () => {
    expect(await charge('pm_card_chargeDeclined')).toEqual({
      status: 'declined',
      reason: 'generic_decline',
    });
  });

  it('declines a card that asks for 3-D Secure and cancels its PaymentIntent', async () => {
    expect(await charge('pm_card_authenticationRequired')).toEqual({
      status: 'declined',
      reason: 'authentication_required',
    });
    expect(fake.requests.map((request) => request.path)).toEqual([
      '/v1/payment_intents',
      '/v1/payment_intents/pi_fake_3ds/cancel',
    ]);
  });

  it('throws a timeout when Stripe does not answer, after one retry with the same key', async () => {
    const failure = await charge('pm_card_timeout').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(PaymentUnavailableError);
    expect(failure).toMatchObject({ reason: 'timeout' });
    expect(fake.requests.map((request) => request.idempotencyKey)).toEqual([
      'hold-1:pm_card_timeout',
      'hold-1:pm_card_timeout',
    ]);
  });

  it('throws a provider error when Stripe fails, without passing on its message', async () => {
    const failure = await charge('pm_card_providerError').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(PaymentUnavailableError);
    expect(failure).toMatchObject({
      reason: 'provider_error',
      message: 'The payment provider failed (StripeAPIError)',
    });
    expect(fake.requests).toHaveLength(2);
  });

  it('rejects a payment method Stripe does not know as an unknown payment method', async () => {
    await expect(charge('pm_made_up')).rejects.toBeInstanceOf(UnknownPaymentMethodError);
  });

  it('refunds the PaymentIntent with one idempotency key per payment', async () => {
    await provider.refund('pi_fake_succeeded', 3800);
    expect(fake.requests).toEqual([
      {
        method: 'POST',
        path: '/v1/refunds',
        idempotencyKey: 'refund:pi_fake_succeeded',
        params: { payment_intent: 'pi_fake_succeeded', amount: '3800' },
      },
    ]);
  });

  it('treats a payment that is already refunded as refunded', async () => {
    await expect(provider.refund('pi_already_refunded', 3800)).resolves.toBeUndefined();
  });

  it('builds its own client from a secret key without calling Stripe', () => {
    expect(new StripePaymentProvider('sk_test_unused').name).toBe('stripe');
  });
});
