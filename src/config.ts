import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { randomSecret } from './lib/ids.js';

/**
 * Environment parsed once at start-up. A bad value stops the process with a message naming the
 * variable. Secrets have no defaults in production; on the embedded default one is generated
 * once and kept in the data folder so sessions survive restarts.
 */
const booleanFlag = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', ''])
  .transform((value) => value === '1' || value === 'true' || value === 'yes');

const environmentSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('localhost'),
  MYDROP_DATA_DIR: z.string().min(1).default('.mydrop'),
  MYDROP_PGLITE_THREAD: z.enum(['main', 'worker']).default('worker'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
    .optional(),
  MYDROP_REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_-]{1,64}$/, 'must be 1-64 letters, digits, ":", "_" or "-"')
    .default('mydrop:'),
  MYDROP_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  MYDROP_BASE_URL: z.url('must be an absolute URL such as https://mydrop.example.com').optional(),
  MYDROP_TRUST_PROXY: booleanFlag.default(false),
  MYDROP_DEMO: booleanFlag.optional(),
  MYDROP_SANDBOX_PAYMENTS: booleanFlag.optional(),
  MYDROP_BENCH_RESULTS: z.string().min(1).optional(),
  MYDROP_EXPECTED_CROWD: z.coerce
    .number('must be a whole number of shoppers')
    .int('must be a whole number of shoppers')
    .min(0, 'must be 0 or more')
    .max(10_000_000, 'must be at most 10,000,000')
    .default(200_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  STRIPE_SECRET_KEY: z
    .string()
    .startsWith('sk_', 'must be a Stripe secret key (sk_test_… or sk_live_…)')
    .optional(),
  STRIPE_WEBHOOK_SECRET: z
    .string()
    .startsWith('whsec_', "must be a webhook endpoint's signing secret (whsec_…)")
    .optional(),
  STRIPE_PUBLISHABLE_KEY: z
    .string()
    .regex(/^pk_(test|live)_/, 'must be a Stripe publishable key (pk_test_… or pk_live_…)')
    .optional(),
  // Test-only stand-ins for Stripe, honoured with NODE_ENV=test alone (checked in loadConfig).
  MYDROP_STRIPE_JS_URL: z.url('must be an absolute URL').optional(),
  MYDROP_STRIPE_API_URL: z
    .url('must be an absolute URL such as http://127.0.0.1:12111')
    .regex(/^https?:\/\/[^/]+\/?$/, 'must be an origin only, such as http://127.0.0.1:12111')
    .optional(),
  // The messages never echo the value: it carries the SMTP password.
  SMTP_URL: z
    .string()
    .regex(
      /^smtps?:\/\/[^/?#]+/,
      'must be an smtp:// or smtps:// URL such as smtp://user:password@mail.example.com:587',
    )
    .optional(),
  MYDROP_MAIL_FROM: z
    .string()
    .regex(
      /^([^<>\r\n]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/,
      'must be an address, or a name and address: Mydrop <noreply@example.com>',
    )
    .optional(),
});

export type Environment = z.infer<typeof environmentSchema>;

export interface Config {
  env: Environment['NODE_ENV'];
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  /** Where the embedded PGlite runs: on the event loop's thread or in a worker thread. */
  pgliteThread: Environment['MYDROP_PGLITE_THREAD'];
  redisUrl: string | undefined;
  /** Every Redis key starts with it, so several deployments can share one Redis. */
  redisPrefix: string;
  secret: string;
  baseUrl: string;
  trustProxy: boolean;
  /** Create the demo workspace on first start when the database is empty. */
  demoOnFirstStart: boolean;
  logLevel: Environment['LOG_LEVEL'];
  /**
   * Whether checkout accepts the sandbox provider's test cards. Off in production unless
   * asked for: a test card must never produce a paid order in a real shop.
   */
  sandboxPayments: boolean;
  /** Checkout through Stripe; undefined while STRIPE_SECRET_KEY is not set. */
  stripe: StripeConfig | undefined;
  /** Notification e-mail; undefined while SMTP_URL is not set. Holds the SMTP password. */
  mail: MailConfig | undefined;
  /** The drop benchmark's results file, which the console's Benchmarks page charts. */
  dropBenchResults: string;
  /**
   * Shoppers expected in one drop's burst: memory for their claims' answers is prepared at
   * start, so the first drop does not stall on fresh pages. 0: none.
   */
  expectedCrowd: number;
}

/** Stripe's keys. The secret ones never reach a log line or a page. */
export interface StripeConfig {
  secretKey: string;
  webhookSecret: string | undefined;
  /** Public by design: the offer page gives it to Stripe.js to collect the card. */
  publishableKey: string;
  /** Where the offer page loads Stripe.js: always Stripe's own, except in tests. */
  jsUrl: string;
  /** The Stripe API's origin when it is not api.stripe.com: a local fake, in tests only. */
  apiUrl: string | undefined;
}

/**
 * Card fields must come from Stripe's own script (PCI DSS SAQ A): never bundled, never
 * self-hosted. MYDROP_STRIPE_JS_URL replaces it with a fake, under NODE_ENV=test only.
 */
export const stripeJsUrl = 'https://js.stripe.com/v3/';

export interface MailConfig {
  smtp: {
    host: string;
    port: number;
    /** smtps://: TLS from the start; smtp://: STARTTLS when the server offers it. */
    secure: boolean;
    username: string | undefined;
    password: string | undefined;
  };
  from: string;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export function parseEnvironment(source: Record<string, string | undefined>): Environment {
  // Empty strings mean "unset", as in most shells' `FOO= cmd`.
  const cleaned = Object.fromEntries(
    Object.entries(source).filter(([, value]) => value !== undefined && value !== ''),
  );
  const result = environmentSchema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return result.data;
}

const secretFileName = 'secret';

/** Where `npm run bench:drop` records its runs: bench/results/ in the checkout. */
export const defaultDropBenchResults = fileURLToPath(
  new URL('../bench/results/drop-runs.json', import.meta.url),
);

/** Reads the data folder's secret, creating it (readable by the owner only) the first time. */
function loadOrCreateLocalSecret(dataDir: string): string {
  const path = join(dataDir, secretFileName);
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomSecret(48);
  writeFileSync(path, `${secret}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  return secret;
}

/**
 * STRIPE_SECRET_KEY comes with STRIPE_PUBLISHABLE_KEY: without it the offer page could not
 * collect a card, and shoppers would meet a checkout that cannot take their money. Both keys
 * must be of one mode, or every PaymentMethod the page creates is unknown to the server.
 */
function stripeConfig(environment: Environment): StripeConfig | undefined {
  const invalid = (line: string) => new ConfigError(`Invalid configuration:\n  ${line}`);
  const testOnly = (['MYDROP_STRIPE_JS_URL', 'MYDROP_STRIPE_API_URL'] as const).filter(
    (name) => environment[name] !== undefined,
  );
  if (testOnly.length > 0 && environment.NODE_ENV !== 'test') {
    throw invalid(
      `${testOnly.join(', ')}: only for tests (NODE_ENV=test); shoppers' pages always load Stripe.js from ${stripeJsUrl}`,
    );
  }
  const secretKey = environment.STRIPE_SECRET_KEY;
  if (!secretKey) {
    if (environment.STRIPE_WEBHOOK_SECRET) {
      throw invalid(
        'STRIPE_WEBHOOK_SECRET: set STRIPE_SECRET_KEY too (webhooks come with Stripe checkout)',
      );
    }
    if (environment.STRIPE_PUBLISHABLE_KEY) {
      throw invalid(
        'STRIPE_PUBLISHABLE_KEY: set STRIPE_SECRET_KEY too (the offer page pays through the server)',
      );
    }
    return undefined;
  }
  const publishableKey = environment.STRIPE_PUBLISHABLE_KEY;
  if (!publishableKey) {
    throw invalid(
      "STRIPE_PUBLISHABLE_KEY: required with STRIPE_SECRET_KEY (pk_test_… or pk_live_…, from the same Stripe account's API keys): the offer page collects cards with it",
    );
  }
  const live = (key: string) => /^[a-z]+_live_/.test(key);
  if (live(secretKey) !== live(publishableKey)) {
    throw invalid(
      'STRIPE_PUBLISHABLE_KEY: must be of the same mode as STRIPE_SECRET_KEY (both test or both live)',
    );
  }
  return {
    secretKey,
    webhookSecret: environment.STRIPE_WEBHOOK_SECRET,
    publishableKey,
    jsUrl: environment.MYDROP_STRIPE_JS_URL ?? stripeJsUrl,
    apiUrl: environment.MYDROP_STRIPE_API_URL,
  };
}

/** SMTP_URL and MYDROP_MAIL_FROM, both or neither. Errors never include the URL. */
function mailConfig(environment: Environment): MailConfig | undefined {
  const smtpUrl = environment.SMTP_URL;
  if (!smtpUrl) return undefined;
  if (!environment.MYDROP_MAIL_FROM) {
    throw new ConfigError(
      'Invalid configuration:\n  MYDROP_MAIL_FROM: required with SMTP_URL (the From address of notification e-mail)',
    );
  }
  let url: URL;
  try {
    url = new URL(smtpUrl);
  } catch {
    throw new ConfigError('Invalid configuration:\n  SMTP_URL: is not a valid URL');
  }
  const secure = url.protocol === 'smtps:';
  const decode = (value: string) => (value === '' ? undefined : decodeURIComponent(value));
  return {
    smtp: {
      host: url.hostname.replace(/^\[|\]$/g, ''),
      port: url.port ? Number(url.port) : secure ? 465 : 587,
      secure,
      username: decode(url.username),
      password: decode(url.password),
    },
    from: environment.MYDROP_MAIL_FROM,
  };
}

export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  const environment = parseEnvironment(source);
  const dataDir = resolve(environment.MYDROP_DATA_DIR);
  const production = environment.NODE_ENV === 'production';
  if (production && !environment.MYDROP_SECRET) {
    throw new ConfigError(
      'Invalid configuration:\n  MYDROP_SECRET: required when NODE_ENV=production (at least 32 characters)',
    );
  }
  if (environment.REDIS_URL && !environment.DATABASE_URL) {
    // Redis shares offers between server processes; they must also share one database, and
    // the embedded PGlite belongs to a single process.
    throw new ConfigError(
      'Invalid configuration:\n  REDIS_URL: set DATABASE_URL too (processes sharing offers through Redis share one PostgreSQL database)',
    );
  }
  const secret = environment.MYDROP_SECRET ?? loadOrCreateLocalSecret(dataDir);
  const port = environment.PORT;
  return {
    env: environment.NODE_ENV,
    port,
    host: environment.HOST,
    dataDir,
    databaseUrl: environment.DATABASE_URL,
    pgliteThread: environment.MYDROP_PGLITE_THREAD,
    redisUrl: environment.REDIS_URL,
    redisPrefix: environment.MYDROP_REDIS_PREFIX,
    secret,
    baseUrl: (environment.MYDROP_BASE_URL ?? `http://localhost:${port}`).replace(/\/$/, ''),
    trustProxy: environment.MYDROP_TRUST_PROXY,
    demoOnFirstStart: environment.MYDROP_DEMO ?? !production,
    logLevel: environment.LOG_LEVEL,
    sandboxPayments: environment.MYDROP_SANDBOX_PAYMENTS ?? !production,
    stripe: stripeConfig(environment),
    mail: mailConfig(environment),
    dropBenchResults: resolve(environment.MYDROP_BENCH_RESULTS ?? defaultDropBenchResults),
    expectedCrowd: environment.MYDROP_EXPECTED_CROWD,
  };
}
