import { createHash } from 'node:crypto';
import type { Clock } from '../../lib/clock.js';
import { AppError } from '../../lib/errors.js';
import { newId, randomSecret } from '../../lib/ids.js';
import { hashSecretToken } from '../identity/index.js';
import type {
  ShopperProfileRow,
  ShopperProfilesRepository,
} from './shopper-profiles.repository.js';

/** What a shopper types at checkout, and what a profile gives back. */
export interface ShopperDetails {
  email: string;
  name: string;
  address: {
    line1: string;
    line2?: string | undefined;
    city: string;
    postalCode: string;
    country: string;
  };
}

/** A payment method as the provider lets a shop charge it again, with its display label. */
export interface SavedPayment {
  provider: string;
  /** The sandbox test token, or a Stripe PaymentMethod id. */
  method: string;
  label: string;
}

/** What the offer page shows: "Buy now as Jane · Visa ending 4242". Nothing to pay with. */
export interface ProfileSummary {
  name: string;
  email: string;
  city: string;
  country: string;
  paymentLabel: string;
}

export interface ShopperProfilesDeps {
  repository: ShopperProfilesRepository;
  clock: Clock;
  /** MYDROP_SECRET: tokens are stored as its HMAC, like sessions and API tokens. */
  secret: string;
}

/**
 * The card numbers behind Stripe's test PaymentMethods (the sandbox uses the same names), so
 * a saved test card reads as a real one would: brand and last four digits, nothing more.
 */
const testCardLabels: Record<string, string> = {
  pm_card_visa: 'Visa ending 4242',
  pm_card_mastercard: 'Mastercard ending 4444',
  pm_card_amex: 'American Express ending 0005',
  pm_card_chargeDeclined: 'Visa ending 0002',
  pm_card_chargeDeclinedInsufficientFunds: 'Visa ending 9995',
  pm_card_chargeDeclinedExpiredCard: 'Visa ending 0069',
};

const tokenPrefix = 'msp_';

/** "jane@example.com" → "j***@example.com": enough to recognise, not enough to harvest. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${email.slice(0, 1)}***${email.slice(at)}`;
}

/**
 * A stable, opaque name for an organisation's shop: the offer page keeps one profile token per
 * shop in localStorage under it, without printing the organisation's id in the page.
 */
export function shopKeyOf(organizationId: string): string {
  return createHash('sha256').update(`shop:${organizationId}`).digest('hex').slice(0, 16);
}

const unknownProfile = () =>
  new AppError(
    'invalid',
    'profile: no saved profile for this token in this shop (it may have been forgotten); check out with your details',
    { field: 'profile' },
  );

/**
 * Saved shopper profiles for one-click checkout. A profile is saved only when the shopper
 * opts in, after the order it was typed for is paid; the token is shown once (in that
 * checkout's answer) and stored only as an HMAC.
 */
export class ShopperProfiles {
  constructor(private readonly deps: ShopperProfilesDeps) {}

  /**
   * The payment method as it can be saved, or an `invalid` naming `saveProfile` when the
   * provider cannot charge it again. Checked before any charge.
   *
   * The sandbox charges by test-method name, so any of its tokens can be used again. The
   * Stripe adapter charges a PaymentMethod id without a Customer; Stripe lets such a method be
   * used once, except its test-mode names (`pm_card_visa`, ...), which stand for a new method
   * at each charge. Real Stripe methods need the adapter to create a Customer and confirm with
   * `setup_future_usage` first, which it does not do yet.
   */
  savablePayment(provider: string, token: string): SavedPayment {
    const reusable =
      provider === 'sandbox' || (provider === 'stripe' && /^pm_card_\w+$/.test(token));
    if (!reusable) {
      throw new AppError(
        'invalid',
        `saveProfile: this ${provider} payment method cannot be saved for one-click checkout; pay without saving`,
        { field: 'saveProfile', provider },
      );
    }
    return { provider, method: token, label: testCardLabels[token] ?? 'Saved test card' };
  }

  /** Saves the details of a paid checkout; answers the profile token, shown only this once. */
  async saveProfile(
    organizationId: string,
    details: ShopperDetails,
    payment: SavedPayment,
  ): Promise<string> {
    const token = `${tokenPrefix}${randomSecret(32)}`;
    const now = this.deps.clock.now();
    await this.deps.repository.insertProfile({
      id: newId(),
      organizationId,
      tokenHash: hashSecretToken(this.deps.secret, token),
      email: details.email,
      name: details.name,
      address: JSON.stringify(details.address),
      paymentProvider: payment.provider,
      paymentMethod: payment.method,
      paymentLabel: payment.label,
      createdAt: now,
      lastUsedAt: now,
    });
    return token;
  }

  /**
   * The saved details and payment method to check out with in this organisation's shop; an
   * `invalid` naming `profile` for a token it does not know (forgotten, or another shop's).
   */
  async checkoutWith(
    organizationId: string,
    token: string,
  ): Promise<{ profileId: string; details: ShopperDetails; payment: SavedPayment }> {
    const row = await this.deps.repository.findProfile(
      organizationId,
      hashSecretToken(this.deps.secret, token),
    );
    if (!row) throw unknownProfile();
    return {
      profileId: row.id,
      details: { email: row.email, name: row.name, address: addressOf(row) },
      payment: {
        provider: row.paymentProvider,
        method: row.paymentMethod,
        label: row.paymentLabel,
      },
    };
  }

  /** Notes a one-click checkout, so a shop can see which profiles are in use. */
  async markUsed(organizationId: string, profileId: string): Promise<void> {
    await this.deps.repository.touchProfile(organizationId, profileId, this.deps.clock.now());
  }

  async describeProfile(token: string): Promise<ProfileSummary> {
    const row = await this.findOwn(token);
    const address = addressOf(row);
    return {
      name: row.name,
      email: maskEmail(row.email),
      city: address.city,
      country: address.country,
      paymentLabel: row.paymentLabel,
    };
  }

  /** Deletes the profile and everything saved with it (the shopper's right to be forgotten). */
  async forgetProfile(token: string): Promise<void> {
    const row = await this.findOwn(token);
    await this.deps.repository.deleteProfile(row.organizationId, row.id);
  }

  private async findOwn(token: string): Promise<ShopperProfileRow> {
    const row = await this.deps.repository.findProfileByToken(
      hashSecretToken(this.deps.secret, token),
    );
    if (!row) {
      throw new AppError(
        'not_found',
        'No saved profile for this token; it may have been forgotten',
        {
          resource: 'profile',
          header: 'x-shopper-profile',
        },
      );
    }
    return row;
  }
}

function addressOf(row: ShopperProfileRow): ShopperDetails['address'] {
  const { line1 = '', line2, city = '', postalCode = '', country = '' } = row.address;
  return { line1, city, postalCode, country, ...(line2 ? { line2 } : {}) };
}
