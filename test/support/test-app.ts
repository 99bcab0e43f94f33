import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { type DatabaseHandle, migrateToLatest, openDatabase } from '../../src/db/database.js';
import { buildApp } from '../../src/http/app.js';
import { type Clock, systemClock } from '../../src/lib/clock.js';
import { createLogger } from '../../src/lib/logger.js';
import type { Role } from '../../src/modules/access/index.js';
import type { PaymentProvider, StripeSettings } from '../../src/modules/drops/index.js';
import type { LoginLimits } from '../../src/modules/identity/index.js';
import type { MailSettings } from '../../src/modules/notifications/index.js';
import { createServices, type Services } from '../../src/services.js';

/** Cheap scrypt for tests; production cost is checked in password.test.ts. */
export const testPasswordCost = { N: 1024, r: 8, p: 1 };
export const testSecret = 'test-secret-that-is-long-enough-0123456789';
export const testPassword = 'correct horse battery';

export interface TestContext {
  app: FastifyInstance;
  services: Services;
  database: DatabaseHandle;
  close(): Promise<void>;
}

export async function createTestContext(
  options: {
    clock?: Clock;
    databaseUrl?: string;
    trustProxy?: boolean;
    loginLimits?: LoginLimits;
    logger?: ReturnType<typeof createLogger>;
    sandboxPayments?: boolean;
    /** Replaces the providers the settings would make (a recording sandbox, say). */
    paymentProviders?: Record<string, PaymentProvider>;
    /** Stripe as `mydrop start` wires it from STRIPE_* (a local fake's address in tests). */
    stripe?: StripeSettings;
    mail?: MailSettings;
    /** The drop benchmark's results file the Benchmarks API reads. */
    dropBenchResults?: string;
  } = {},
): Promise<TestContext> {
  const database = await openDatabase({ databaseUrl: options.databaseUrl });
  await migrateToLatest(database.db);
  const services = createServices({
    db: database.db,
    clock: options.clock ?? systemClock,
    secret: testSecret,
    passwordCost: testPasswordCost,
    ...(options.loginLimits ? { loginLimits: options.loginLimits } : {}),
    ...(options.sandboxPayments === undefined ? {} : { sandboxPayments: options.sandboxPayments }),
    ...(options.paymentProviders ? { paymentProviders: options.paymentProviders } : {}),
    ...(options.stripe ? { stripe: options.stripe } : {}),
    mail: options.mail,
    dropBenchResults: options.dropBenchResults,
  });
  await services.offerStore.recover();
  const app = await buildApp({
    services,
    logger: options.logger ?? createLogger('silent'),
    baseUrl: 'http://localhost:3000',
    trustProxy: options.trustProxy ?? false,
    pingDatabase: database.ping,
    version: 'test',
  });
  await app.ready();
  return {
    app,
    services,
    database,
    async close() {
      await app.close();
      await services.offerStore.stop();
      await services.scheduler.stop();
      await database.close();
    },
  };
}

export interface SeededOrganization {
  organizationId: string;
  brandId: string;
  productId: string;
  ownerId: string;
  ownerEmail: string;
  /** Session cookie header value for the owner. */
  ownerCookie: string;
}

export function sessionCookieOf(response: LightMyRequestResponse): string {
  const cookie = response.cookies.find((c) => c.name === 'mydrop_session');
  if (!cookie)
    throw new Error(`no session cookie in response ${response.statusCode}: ${response.body}`);
  return `mydrop_session=${cookie.value}`;
}

export async function signIn(app: FastifyInstance, email: string, password = testPassword) {
  const response = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email, password },
  });
  return sessionCookieOf(response);
}

/** An organisation with an owner, one brand and one product, signed in. */
export async function seedOrganization(
  context: TestContext,
  name: string,
): Promise<SeededOrganization> {
  const { services, app } = context;
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  const ownerEmail = `owner@${slug}.test`;
  const owner = await services.identity.createUser({
    email: ownerEmail,
    name: `${name} Owner`,
    password: testPassword,
  });
  const organization = await services.organizations.createOrganization({
    name,
    ownerUserId: owner.id,
  });
  const actor = {
    kind: 'user' as const,
    id: owner.id,
    organizationId: organization.id,
    role: 'owner' as Role,
    userId: owner.id,
  };
  const brand = await services.organizations.createBrand(actor, {
    name: `${name} Brand`,
    currency: 'EUR',
    timezone: 'UTC',
  });
  const product = await services.catalog.createProduct(actor, {
    brandId: brand.id,
    title: `${name} Serum`,
    description: '',
    imageUrls: [],
    skus: [
      {
        code: `${slug}-sku-1`,
        attributes: { size: '30 ml' },
        priceMinor: 2900,
        currency: 'EUR',
        stockOnHand: 10,
      },
    ],
  });
  return {
    organizationId: organization.id,
    brandId: brand.id,
    productId: product.id,
    ownerId: owner.id,
    ownerEmail,
    ownerCookie: await signIn(app, ownerEmail),
  };
}

/** Adds a member with a role to an organisation and signs them in. */
export async function addSignedInMember(
  context: TestContext,
  organizationId: string,
  email: string,
  role: Role,
): Promise<{ userId: string; cookie: string }> {
  const user = await context.services.identity.createUser({
    email,
    name: email,
    password: testPassword,
  });
  await context.services.organizations.addMember(organizationId, user.id, role);
  return { userId: user.id, cookie: await signIn(context.app, email) };
}
