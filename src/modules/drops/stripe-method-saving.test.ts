import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeStripe, startFakeStripe } from '../../../test/support/fake-stripe.js';
import { type ChargeRequest, UnknownPaymentMethodError } from './payment-provider.js';
import { createStripeClient, StripePaymentProvider } from './stripe-provider.js';

const jane = { email: 'jane@example.com', name: 'Jane Shopper' };

describe('cards saved at Stripe for one-click checkout', () => {
  let fake: FakeStripe;
  let provider: StripePaymentProvider;

  beforeAll(async () => {
    fake = await startFakeStripe();
    const client = createStripeClient('sk_test_fake', {
      host: '127.0.0.1',
      port: fake.port,
      protocol: 'http',
      timeout: 2_000,
    });
    provider = new StripePaymentProvider(client);
  });
  beforeEach(() => {
    fake.requests.length = 0;
  });
  afterAll(() => fake.close());

  const charge = (token: string, key: string, extra: Partial<ChargeRequest> = {}) =>
    provider.charge({
      amountMinor: 3800,
      currency: 'EUR',
      token,
      idempotencyKey: key,
      description: 'Glow serum drop',
      ...extra,
    });

  /** A card typed into Stripe.js, charged and saved for Jane; answers what was saved. */
  async function saveCard(cardNumber: string, key: string) {
    const token = fake.createPaymentMethod(cardNumber);
    const paid = await charge(token, key, { saveForReuse: jane });
    if (paid.status !== 'succeeded') throw new Error(`not paid: ${paid.status}`);
    return { token, saved: await provider.saving.savedBy({ reference: paid.reference, token }) };
  }

  it('creates a Customer and confirms with setup_future_usage, then reads the saved card back', async () => {
    const { token, saved } = await saveCard('4242 4242 4242 4242', 'hold-save:pm');
    const customer = [...fake.customers.values()].at(-1);
    expect(customer).toMatchObject({ email: jane.email, name: jane.name });
    expect(saved).toEqual({ method: token, customer: customer?.id, label: 'Visa ending 4242' });
    expect(fake.paymentMethods.get(token)?.customer).toBe(customer?.id);
    const [created] = fake.requests.filter((request) => request.path === '/v1/payment_intents');
    expect(created?.params).toMatchObject({
      payment_method: token,
      customer: customer?.id,
      setup_future_usage: 'on_session',
    });
    expect(created?.idempotencyKey).toBe('hold-save:pm:save');
    expect(fake.requests.find((request) => request.path === '/v1/customers')).toMatchObject({
      idempotencyKey: 'customer:hold-save:pm',
      params: { email: jane.email, name: jane.name },
    });
  });

  it('saves one Customer and charges once when the saving checkout is retried', async () => {
    const token = fake.createPaymentMethod('5555555555554444');
    const customersBefore = fake.customers.size;
    const first = await charge(token, 'hold-retry:pm', { saveForReuse: jane });
    const again = await charge(token, 'hold-retry:pm', { saveForReuse: jane });
    expect(again).toEqual(first);
    expect(fake.customers.size).toBe(customersBefore + 1);
    expect(fake.charges().filter((intent) => intent.paymentMethodId === token)).toHaveLength(1);
    if (first.status !== 'succeeded') throw new Error('not paid');
    const saved = await provider.saving.savedBy({ reference: first.reference, token });
    expect(saved.label).toBe('Mastercard ending 4444');
  });

  it('charges a saved card again only with its Customer', async () => {
    const { saved } = await saveCard('4242424242424242', 'hold-a:pm');
    const again = await charge(saved.method, 'hold-b:pm', { customer: saved.customer ?? '' });
    expect(again.status).toBe('succeeded');
    const [intent] = fake
      .charges()
      .filter((candidate) => candidate.id === (again as { reference: string }).reference);
    expect(intent).toMatchObject({ customer: saved.customer, paymentMethodId: saved.method });
    // Without its Customer, Stripe refuses an attached card; nothing is charged.
    await expect(charge(saved.method, 'hold-c:pm')).rejects.toBeInstanceOf(
      UnknownPaymentMethodError,
    );
  });

  it('refuses a card typed without saving once it has been charged', async () => {
    const token = fake.createPaymentMethod('4242424242424242');
    expect((await charge(token, 'hold-once:pm')).status).toBe('succeeded');
    await expect(charge(token, 'hold-twice:pm')).rejects.toBeInstanceOf(UnknownPaymentMethodError);
  });

  it('detaches the card when forgotten: Stripe refuses it from then on', async () => {
    const { saved } = await saveCard('4242424242424242', 'hold-forget:pm');
    await provider.saving.forget(saved);
    expect(fake.paymentMethods.get(saved.method)?.customer).toBeNull();
    expect(fake.requests.at(-1)).toMatchObject({
      method: 'POST',
      path: `/v1/payment_methods/${saved.method}/detach`,
    });
    const chargesBefore = fake.charges().length;
    await expect(
      charge(saved.method, 'hold-after-forget:pm', { customer: saved.customer ?? '' }),
    ).rejects.toBeInstanceOf(UnknownPaymentMethodError);
    expect(fake.charges()).toHaveLength(chargesBefore);
    // Forgetting twice (a retried erase) is not an error.
    await expect(provider.saving.forget(saved)).resolves.toBeUndefined();
  });

  it('treats a saved card that has expired as no longer usable, not as a decline to retry', async () => {
    const { saved } = await saveCard('4242424242424242', 'hold-expire:pm');
    fake.expireCard(saved.method);
    await expect(
      charge(saved.method, 'hold-expired:pm', { customer: saved.customer ?? '' }),
    ).rejects.toThrow('The saved card has expired');
    // A typed card that has expired is a decline, as before.
    const typed = fake.createPaymentMethod('4242424242424242');
    fake.expireCard(typed);
    expect(await charge(typed, 'hold-typed-expired:pm')).toEqual({
      status: 'declined',
      reason: 'expired_card',
    });
  });

  it('asks for 3-D Secure on a saved card that needs it, then confirms the same payment', async () => {
    const token = fake.createPaymentMethod('4000002760003184');
    const first = await charge(token, 'hold-3ds-save:pm', { saveForReuse: jane });
    if (first.status !== 'requires_action') throw new Error(`expected 3-D Secure: ${first.status}`);
    fake.authenticate(first.clientSecret.split('_secret_')[0] ?? '');
    const paid = await charge(token, 'hold-3ds-save:pm', { saveForReuse: jane });
    if (paid.status !== 'succeeded') throw new Error(`not paid: ${paid.status}`);
    const saved = await provider.saving.savedBy({ reference: paid.reference, token });
    expect(saved.label).toBe('Visa ending 3184');

    const oneClick = await charge(saved.method, 'hold-3ds-again:pm', {
      customer: saved.customer ?? '',
    });
    expect(oneClick.status).toBe('requires_action');
  });
});
