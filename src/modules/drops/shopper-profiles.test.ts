import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/clock.js';
import { createLogger } from '../../lib/logger.js';
import {
  type MethodSaving,
  type PaymentProvider,
  SandboxPaymentProvider,
} from './payment-provider.js';
import { maskEmail, ShopperProfiles, shopKeyOf } from './shopper-profiles.js';
import type {
  ShopperProfileRow,
  ShopperProfilesRepository,
} from './shopper-profiles.repository.js';
import { StripePaymentProvider } from './stripe-provider.js';

const clock = new ManualClock('2026-01-01T00:00:00Z');
const secret = 'test-secret-that-is-long-enough-0123456789';
const profiles = new ShopperProfiles({
  // checkSavable reads nothing; the repository is exercised by test/api/one-click-checkout.
  repository: {} as ShopperProfilesRepository,
  clock,
  secret,
});
const sandbox = new SandboxPaymentProvider();
// Never called here: only its saving rules are read.
const stripe = new StripePaymentProvider('sk_test_never_called');

/** A provider named `card` that never charges here, saving with `saving`. */
const cardProvider = (saving: MethodSaving | undefined): PaymentProvider => ({
  name: 'card',
  saving,
  charge: async () => ({ status: 'declined', reason: 'not_charged_here' }),
  refund: async () => {},
});

/** One profile in memory, saved with `provider`'s method; answers its token. */
async function profileIn(providers: Record<string, PaymentProvider>, logs: string[]) {
  const rows: ShopperProfileRow[] = [];
  const repository = {
    insertProfile: async (row: ShopperProfileRow) => {
      rows.push(row);
    },
    findProfileByToken: async (hash: string) => rows.find((row) => row.tokenHash === hash),
    deleteProfile: async (_organizationId: string, id: string) => {
      rows.splice(
        rows.findIndex((row) => row.id === id),
        1,
      );
      return true;
    },
  } as unknown as ShopperProfilesRepository;
  const logger = createLogger(
    'info',
    new Writable({
      write(chunk, _encoding, done) {
        logs.push(String(chunk));
        done();
      },
    }),
  );
  const withRows = new ShopperProfiles({
    repository,
    clock,
    secret,
    paymentProviders: providers,
    logger,
  });
  const token = await withRows.saveProfile(
    '6f1c2d3e-0000-4000-8000-000000000001',
    {
      email: 'jane@example.com',
      name: 'Jane',
      address: { line1: '1 Rue', city: 'Paris', postalCode: '75001', country: 'FR' },
    },
    { provider: 'card', method: 'pm_saved', customer: 'cus_saved', label: 'Visa ending 4242' },
  );
  return { profiles: withRows, rows, token };
}

describe('saved shopper profiles', () => {
  it('saves a sandbox test card under its brand and last four digits', async () => {
    const saved = (token: string) => sandbox.saving.savedBy({ reference: 'ch_1', token });
    expect(await saved('pm_card_visa')).toEqual({
      method: 'pm_card_visa',
      customer: null,
      label: 'Visa ending 4242',
    });
    expect((await saved('pm_card_mastercard')).label).toBe('Mastercard ending 4444');
    expect((await saved('pm_card_amex')).label).toBe('American Express ending 0005');
  });

  it('lets any Stripe PaymentMethod be saved, and refuses what a provider cannot save', () => {
    expect(() => profiles.checkSavable(sandbox, 'pm_card_visa')).not.toThrow();
    expect(() => profiles.checkSavable(stripe, 'pm_1PqRsTuVwXyZ')).not.toThrow();
    expect(() => profiles.checkSavable(stripe, 'pm_card_visa')).not.toThrow();
    expect(() => profiles.checkSavable(stripe, 'tok_visa')).toThrow(/^saveProfile:/);
    expect(() =>
      profiles.checkSavable({ ...cardProvider(undefined), name: 'other' }, 'tok'),
    ).toThrow(
      'saveProfile: this other payment method cannot be saved for one-click checkout; pay without saving',
    );
  });

  it('has the provider forget the saved method when the profile is forgotten', async () => {
    const forgotten: unknown[] = [];
    const saving: MethodSaving = {
      canSave: () => true,
      savedBy: async () => ({ method: 'x', customer: null, label: 'x' }),
      forget: async (saved) => {
        forgotten.push(saved);
      },
    };
    const provider = cardProvider(saving);
    const { profiles: own, rows, token } = await profileIn({ card: provider }, []);
    await own.forgetProfile(token);
    expect(rows).toEqual([]);
    expect(forgotten).toEqual([{ method: 'pm_saved', customer: 'cus_saved' }]);
  });

  it('forgets the profile even when the provider fails, and logs the method to detach by hand', async () => {
    const saving: MethodSaving = {
      canSave: () => true,
      savedBy: async () => ({ method: 'x', customer: null, label: 'x' }),
      forget: async () => {
        throw new Error('provider down');
      },
    };
    const provider = cardProvider(saving);
    const logs: string[] = [];
    const { profiles: own, rows, token } = await profileIn({ card: provider }, logs);
    await own.forgetProfile(token);
    expect(rows).toEqual([]);
    const logged = logs.join('');
    expect(logged).toContain('the provider did not forget its payment method');
    expect(logged).toContain('pm_saved');
    expect(logged).not.toContain(token);
  });

  it('masks the e-mail in the summary', () => {
    expect(maskEmail('jane.doe@example.com')).toBe('j***@example.com');
    expect(maskEmail('nonsense')).toBe('***');
  });

  it('names each shop by a stable key that does not print its id', () => {
    const id = '6f1c2d3e-0000-4000-8000-000000000001';
    expect(shopKeyOf(id)).toBe(shopKeyOf(id));
    expect(shopKeyOf(id)).not.toContain('6f1c');
    expect(shopKeyOf(id)).not.toBe(shopKeyOf('6f1c2d3e-0000-4000-8000-000000000002'));
  });
});
