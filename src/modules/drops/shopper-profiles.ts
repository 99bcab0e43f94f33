import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock } from '../../lib/clock.js';
import { AppError } from '../../lib/errors.js';
import { newId, randomSecret } from '../../lib/ids.js';
import { hashSecretToken } from '../identity/index.js';
import type { PaymentProvider } from './payment-provider.js';
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
  /** The provider's customer the method is attached to (a Stripe Customer); none for the sandbox. */
  customer?: string | null | undefined;
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
  /**
   * The providers by name, so forgetting a profile also has its provider forget the saved
   * method. A profile whose provider is not here (no longer configured) is still deleted.
   */
  paymentProviders?: Record<string, PaymentProvider> | undefined;
  logger?: Logger | undefined;
}

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
   * Refuses, with an `invalid` naming `saveProfile`, a payment method the provider cannot save
   * for one-click checkout. Checked before any charge.
   */
  checkSavable(provider: PaymentProvider, token: string): void {
    if (provider.saving?.canSave(token)) return;
    throw new AppError(
      'invalid',
      `saveProfile: this ${provider.name} payment method cannot be saved for one-click checkout; pay without saving`,
      { field: 'saveProfile', provider: provider.name },
    );
  }

  /**
   * Saves the details of a paid checkout that asked the provider to keep its payment method,
   * with the method as the provider kept it; answers the profile token, shown only this once.
   */
  async saveCharged(
    organizationId: string,
    details: ShopperDetails,
    provider: PaymentProvider,
    charge: { reference: string; token: string },
  ): Promise<string> {
    if (!provider.saving) throw new Error(`${provider.name} cannot save payment methods`);
    const saved = await provider.saving.savedBy(charge);
    return this.saveProfile(organizationId, details, { provider: provider.name, ...saved });
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
      paymentCustomer: payment.customer ?? null,
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
        customer: row.paymentCustomer,
        label: row.paymentLabel,
      },
    };
  }

  /** Notes a one-click checkout, so a shop can see which profiles are in use. */
  async markUsed(organizationId: string, profileId: string): Promise<void> {
    await this.deps.repository.touchProfile(organizationId, profileId, this.deps.clock.now());
  }

  /**
   * What the shopper saved, masked. With `organizationId`, only a profile of that shop: a
   * page must not offer "Buy now" with another shop's profile (its checkout would refuse it).
   */
  async describeProfile(token: string, organizationId?: string): Promise<ProfileSummary> {
    const row = await this.findOwn(token, organizationId);
    const address = addressOf(row);
    return {
      name: row.name,
      email: maskEmail(row.email),
      city: address.city,
      country: address.country,
      paymentLabel: row.paymentLabel,
    };
  }

  /**
   * Deletes the profile and everything saved with it (the shopper's right to be forgotten),
   * then has the provider forget the payment method (Stripe detaches the card). The profile is
   * gone whatever the provider answers: a failure there is logged, to be retried by hand.
   */
  async forgetProfile(token: string): Promise<void> {
    const row = await this.findOwn(token);
    await this.deps.repository.deleteProfile(row.organizationId, row.id);
    const saving = this.deps.paymentProviders?.[row.paymentProvider]?.saving;
    const context = { profileId: row.id, provider: row.paymentProvider };
    if (!saving) {
      this.deps.logger?.warn(context, 'forgotten profile: its provider cannot forget the method');
      return;
    }
    try {
      await saving.forget({ method: row.paymentMethod, customer: row.paymentCustomer });
    } catch (error) {
      // The method id is not a secret (it charges nothing without the shop's key): logged so
      // an operator can detach it at the provider.
      this.deps.logger?.error(
        { ...context, err: error, method: row.paymentMethod, customer: row.paymentCustomer },
        'forgotten profile: the provider did not forget its payment method',
      );
    }
  }

  private async findOwn(token: string, organizationId?: string): Promise<ShopperProfileRow> {
    const row = await this.deps.repository.findProfileByToken(
      hashSecretToken(this.deps.secret, token),
    );
    // Another shop's profile is answered as unknown: a token says nothing of other shops.
    if (!row || (organizationId !== undefined && row.organizationId !== organizationId)) {
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
