import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/clock.js';
import { maskEmail, ShopperProfiles, shopKeyOf } from './shopper-profiles.js';
import type { ShopperProfilesRepository } from './shopper-profiles.repository.js';

const profiles = new ShopperProfiles({
  // savablePayment reads nothing; the repository is exercised by test/api/one-click-checkout.
  repository: {} as ShopperProfilesRepository,
  clock: new ManualClock('2026-01-01T00:00:00Z'),
  secret: 'test-secret-that-is-long-enough-0123456789',
});

describe('saved shopper profiles', () => {
  it('saves a sandbox test card under its brand and last four digits', () => {
    expect(profiles.savablePayment('sandbox', 'pm_card_visa')).toEqual({
      provider: 'sandbox',
      method: 'pm_card_visa',
      label: 'Visa ending 4242',
    });
    expect(profiles.savablePayment('sandbox', 'pm_card_mastercard').label).toBe(
      'Mastercard ending 4444',
    );
  });

  it("saves Stripe's test-mode methods, and refuses a real one the adapter cannot charge twice", () => {
    expect(profiles.savablePayment('stripe', 'pm_card_visa').method).toBe('pm_card_visa');
    expect(() => profiles.savablePayment('stripe', 'pm_1PqRsTuVwXyZ')).toThrow(/^saveProfile:/);
    expect(() => profiles.savablePayment('other', 'tok')).toThrow(/^saveProfile:/);
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
