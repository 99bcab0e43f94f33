import type { Logger } from 'pino';
import type { Db } from './db/database.js';
import type { Clock } from './lib/clock.js';
import { CatalogRepository, CatalogService } from './modules/catalog/index.js';
import {
  DropEngine,
  DropsRepository,
  OffersService,
  OrdersService,
  type PaymentProvider,
  SandboxPaymentProvider,
  ShopperService,
  StripePaymentProvider,
  type StripeSettings,
  StripeWebhookReceiver,
} from './modules/drops/index.js';
import { FulfilmentRepository, FulfilmentService } from './modules/fulfilment/index.js';
import {
  IdentityRepository,
  IdentityService,
  type LoginLimits,
  LoginRateLimiter,
  type ScryptCost,
} from './modules/identity/index.js';
import {
  InvitationsService,
  OrganizationsRepository,
  OrganizationsService,
} from './modules/organizations/index.js';
import { TokensRepository, TokensService } from './modules/tokens/index.js';

/** The application's services, wired once. Each asks only for what it uses. */
export interface Services {
  clock: Clock;
  identity: IdentityService;
  organizations: OrganizationsService;
  invitations: InvitationsService;
  tokens: TokensService;
  catalog: CatalogService;
  engine: DropEngine;
  offers: OffersService;
  shopper: ShopperService;
  orders: OrdersService;
  /** Verifies Stripe webhooks; undefined while STRIPE_WEBHOOK_SECRET is not set. */
  stripeWebhooks: StripeWebhookReceiver | undefined;
  fulfilment: FulfilmentService;
}

export interface ServiceOptions {
  db: Db;
  clock: Clock;
  secret: string;
  passwordCost?: ScryptCost;
  loginLimits?: LoginLimits;
  paymentProviders?: Record<string, PaymentProvider>;
  /** When set, checkout offers the `stripe` provider next to the sandbox; webhooks verify. */
  stripe?: StripeSettings | undefined;
  /** Offer the sandbox provider (test cards); true unless said otherwise. */
  sandboxPayments?: boolean;
  logger?: Logger;
}

export function createServices(options: ServiceOptions): Services {
  const { db, clock, secret } = options;
  const organizationsRepository = new OrganizationsRepository(db);
  const organizations = new OrganizationsService({ repository: organizationsRepository, clock });
  const dropsRepository = new DropsRepository(db);
  const engine = new DropEngine({ repository: dropsRepository, clock, logger: options.logger });
  // Providers passed in are the whole set (tests inject fakes); otherwise the sandbox, plus
  // Stripe once it is configured.
  const paymentProviders: Record<string, PaymentProvider> = options.paymentProviders ?? {
    ...(options.sandboxPayments === false ? {} : { sandbox: new SandboxPaymentProvider() }),
    ...(options.stripe ? { stripe: new StripePaymentProvider(options.stripe.secretKey) } : {}),
  };
  const stripeWebhookSecret = options.stripe?.webhookSecret;
  const drops = { repository: dropsRepository, engine, clock };
  const fulfilment = new FulfilmentService({ repository: new FulfilmentRepository(db), clock });
  return {
    clock,
    identity: new IdentityService({
      repository: new IdentityRepository(db),
      clock,
      secret,
      loginLimiter: new LoginRateLimiter(clock, options.loginLimits),
      ...(options.passwordCost ? { passwordCost: options.passwordCost } : {}),
    }),
    organizations,
    invitations: new InvitationsService({ repository: organizationsRepository, clock, secret }),
    tokens: new TokensService({ repository: new TokensRepository(db), clock, secret }),
    catalog: new CatalogService({
      repository: new CatalogRepository(db),
      clock,
      brandExists: (organizationId, brandId) => organizations.brandExists(organizationId, brandId),
    }),
    engine,
    offers: new OffersService(drops),
    shopper: new ShopperService({
      ...drops,
      paymentProviders,
      routeOrder: (organizationId, country, amountMinor) =>
        fulfilment.routeOrder(organizationId, country, amountMinor),
    }),
    fulfilment,
    orders: new OrdersService({ ...drops, paymentProviders }),
    stripeWebhooks: stripeWebhookSecret
      ? new StripeWebhookReceiver({ webhookSecret: stripeWebhookSecret, clock })
      : undefined,
  };
}
