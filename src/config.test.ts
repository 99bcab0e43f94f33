import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const dataDir = () => mkdtempSync(join(tmpdir(), 'mydrop-config-'));

describe('configuration', () => {
  it('starts on PGlite in ./.mydrop on port 3000 by default', () => {
    const folder = dataDir();
    const config = loadConfig({ MYDROP_DATA_DIR: folder });
    expect(config).toMatchObject({
      port: 3000,
      dataDir: folder,
      databaseUrl: undefined,
      baseUrl: 'http://localhost:3000',
    });
    expect(config.demoOnFirstStart).toBe(true);
  });

  it('stops with a message naming the variable when a value is bad', () => {
    expect(() => loadConfig({ MYDROP_DATA_DIR: dataDir(), PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ MYDROP_DATA_DIR: dataDir(), DATABASE_URL: 'mysql://x' })).toThrow(
      /DATABASE_URL: must be a postgres/,
    );
    expect(() => loadConfig({ MYDROP_DATA_DIR: dataDir(), MYDROP_SECRET: 'short' })).toThrow(
      /MYDROP_SECRET/,
    );
    expect(() => loadConfig({ MYDROP_DATA_DIR: dataDir(), LOG_LEVEL: 'loud' })).toThrow(
      ConfigError,
    );
  });

  it('requires MYDROP_SECRET in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', MYDROP_DATA_DIR: dataDir() })).toThrow(
      /MYDROP_SECRET: required when NODE_ENV=production/,
    );
    const config = loadConfig({
      NODE_ENV: 'production',
      MYDROP_DATA_DIR: dataDir(),
      MYDROP_SECRET: 'x'.repeat(40),
    });
    expect(config.secret).toBe('x'.repeat(40));
    expect(config.demoOnFirstStart).toBe(false);
    expect(config.sandboxPayments).toBe(false);
  });

  it('generates the embedded secret once, readable by the owner only, and keeps it', () => {
    const folder = dataDir();
    const first = loadConfig({ MYDROP_DATA_DIR: folder }).secret;
    const second = loadConfig({ MYDROP_DATA_DIR: folder }).secret;
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(second).toBe(first);
    expect(readFileSync(join(folder, 'secret'), 'utf8').trim()).toBe(first);
    expect(statSync(join(folder, 'secret')).mode & 0o777).toBe(0o600);
  });

  it('checks Stripe keys and needs the secret key for webhooks', () => {
    const folder = dataDir();
    expect(() => loadConfig({ MYDROP_DATA_DIR: folder, STRIPE_SECRET_KEY: 'pk_test_x' })).toThrow(
      /STRIPE_SECRET_KEY/,
    );
    expect(() => loadConfig({ MYDROP_DATA_DIR: folder, STRIPE_WEBHOOK_SECRET: 'whsec_x' })).toThrow(
      /STRIPE_WEBHOOK_SECRET: set STRIPE_SECRET_KEY too/,
    );
    const config = loadConfig({
      MYDROP_DATA_DIR: folder,
      STRIPE_SECRET_KEY: 'sk_test_x',
      STRIPE_WEBHOOK_SECRET: 'whsec_y',
      STRIPE_PUBLISHABLE_KEY: 'pk_test_z',
    });
    expect(config.stripe).toEqual({
      secretKey: 'sk_test_x',
      webhookSecret: 'whsec_y',
      publishableKey: 'pk_test_z',
      jsUrl: 'https://js.stripe.com/v3/',
      apiUrl: undefined,
    });
    expect(config.sandboxPayments).toBe(true);
  });

  it('needs the publishable key with the secret key, of the same mode, and never echoes keys', () => {
    const folder = dataDir();
    const failure = (environment: Record<string, string>) => {
      try {
        loadConfig({ MYDROP_DATA_DIR: folder, ...environment });
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as Error).message;
      }
      throw new Error('the configuration was accepted');
    };
    expect(failure({ STRIPE_SECRET_KEY: 'sk_test_secret123' })).toMatch(
      /STRIPE_PUBLISHABLE_KEY: required with STRIPE_SECRET_KEY/,
    );
    const mixed = failure({
      STRIPE_SECRET_KEY: 'sk_live_secret123',
      STRIPE_PUBLISHABLE_KEY: 'pk_test_public456',
    });
    expect(mixed).toMatch(/STRIPE_PUBLISHABLE_KEY: must be of the same mode/);
    expect(mixed).not.toMatch(/secret123|public456/);
    expect(
      failure({ STRIPE_SECRET_KEY: 'sk_test_x', STRIPE_PUBLISHABLE_KEY: 'sk_test_x' }),
    ).toMatch(/STRIPE_PUBLISHABLE_KEY: must be a Stripe publishable key/);
    expect(failure({ STRIPE_PUBLISHABLE_KEY: 'pk_test_x' })).toMatch(
      /STRIPE_PUBLISHABLE_KEY: set STRIPE_SECRET_KEY too/,
    );
  });

  it('honours the Stripe.js and API stand-ins under NODE_ENV=test only', () => {
    const stripe = {
      MYDROP_DATA_DIR: dataDir(),
      STRIPE_SECRET_KEY: 'sk_test_x',
      STRIPE_PUBLISHABLE_KEY: 'pk_test_y',
      MYDROP_STRIPE_JS_URL: 'http://127.0.0.1:4000/v3/',
      MYDROP_STRIPE_API_URL: 'http://127.0.0.1:4000',
    };
    expect(loadConfig({ ...stripe, NODE_ENV: 'test' }).stripe).toMatchObject({
      jsUrl: 'http://127.0.0.1:4000/v3/',
      apiUrl: 'http://127.0.0.1:4000',
    });
    expect(() => loadConfig({ ...stripe, NODE_ENV: 'development' })).toThrow(
      /MYDROP_STRIPE_JS_URL, MYDROP_STRIPE_API_URL: only for tests \(NODE_ENV=test\)/,
    );
    expect(() =>
      loadConfig({ ...stripe, NODE_ENV: 'production', MYDROP_SECRET: 'x'.repeat(40) }),
    ).toThrow(/only for tests/);
  });

  it('reads PORT, DATABASE_URL and the proxy setting', () => {
    const config = loadConfig({
      MYDROP_DATA_DIR: dataDir(),
      PORT: '8080',
      DATABASE_URL: 'postgres://db.internal/mydrop',
      MYDROP_TRUST_PROXY: '1',
      MYDROP_BASE_URL: 'https://drops.example.com/',
    });
    expect(config).toMatchObject({
      port: 8080,
      databaseUrl: 'postgres://db.internal/mydrop',
      trustProxy: true,
      baseUrl: 'https://drops.example.com',
    });
  });

  it('prepares for a crowd of 200,000 shoppers unless MYDROP_EXPECTED_CROWD says otherwise', () => {
    const folder = dataDir();
    expect(loadConfig({ MYDROP_DATA_DIR: folder }).expectedCrowd).toBe(200_000);
    expect(loadConfig({ MYDROP_DATA_DIR: folder, MYDROP_EXPECTED_CROWD: '0' }).expectedCrowd).toBe(
      0,
    );
    for (const bad of ['-1', 'many', '2.5', '20000000']) {
      expect(() => loadConfig({ MYDROP_DATA_DIR: folder, MYDROP_EXPECTED_CROWD: bad })).toThrow(
        /MYDROP_EXPECTED_CROWD: must be/,
      );
    }
  });

  it('runs PGlite on the main thread or in a worker thread as MYDROP_PGLITE_THREAD says', () => {
    const folder = dataDir();
    expect(loadConfig({ MYDROP_DATA_DIR: folder }).pgliteThread).toBe('worker');
    expect(loadConfig({ MYDROP_DATA_DIR: folder, MYDROP_PGLITE_THREAD: 'main' }).pgliteThread).toBe(
      'main',
    );
    expect(() => loadConfig({ MYDROP_DATA_DIR: folder, MYDROP_PGLITE_THREAD: 'thread' })).toThrow(
      /MYDROP_PGLITE_THREAD/,
    );
  });

  it('shares offers through REDIS_URL only next to a PostgreSQL DATABASE_URL', () => {
    expect(() =>
      loadConfig({ MYDROP_DATA_DIR: dataDir(), REDIS_URL: 'redis://cache.internal:6379' }),
    ).toThrow(/REDIS_URL: set DATABASE_URL too/);
    expect(() =>
      loadConfig({
        MYDROP_DATA_DIR: dataDir(),
        DATABASE_URL: 'postgres://db.internal/mydrop',
        REDIS_URL: 'redis://cache.internal:6379',
        MYDROP_REDIS_PREFIX: 'has spaces',
      }),
    ).toThrow(/MYDROP_REDIS_PREFIX/);
    const config = loadConfig({
      MYDROP_DATA_DIR: dataDir(),
      DATABASE_URL: 'postgres://db.internal/mydrop',
      REDIS_URL: 'redis://cache.internal:6379',
    });
    expect(config).toMatchObject({
      redisUrl: 'redis://cache.internal:6379',
      redisPrefix: 'mydrop:',
    });
  });

  it('reads SMTP_URL and MYDROP_MAIL_FROM for notification e-mail', () => {
    const folder = dataDir();
    expect(loadConfig({ MYDROP_DATA_DIR: folder }).mail).toBeUndefined();
    const config = loadConfig({
      MYDROP_DATA_DIR: folder,
      SMTP_URL: 'smtp://mailer%40acme:p%40ss@mail.acme.test:2525',
      MYDROP_MAIL_FROM: 'Mydrop <noreply@acme.test>',
    });
    expect(config.mail).toEqual({
      smtp: {
        host: 'mail.acme.test',
        port: 2525,
        secure: false,
        username: 'mailer@acme',
        password: 'p@ss',
      },
      from: 'Mydrop <noreply@acme.test>',
    });
    expect(
      loadConfig({
        MYDROP_DATA_DIR: folder,
        SMTP_URL: 'smtps://mail.acme.test',
        MYDROP_MAIL_FROM: 'noreply@acme.test',
      }).mail?.smtp,
    ).toMatchObject({ port: 465, secure: true, username: undefined, password: undefined });
  });

  it('refuses a bad SMTP_URL without repeating its password', () => {
    const folder = dataDir();
    const attempt = (environment: Record<string, string>) => () =>
      loadConfig({ MYDROP_DATA_DIR: folder, ...environment });
    expect(
      attempt({ SMTP_URL: 'http://u:hunter2@mail.test', MYDROP_MAIL_FROM: 'a@b.test' }),
    ).toThrow(/SMTP_URL: must be an smtp:\/\/ or smtps:\/\/ URL/);
    expect(attempt({ SMTP_URL: 'smtp://u:hunter2@mail.test' })).toThrow(
      /MYDROP_MAIL_FROM: required with SMTP_URL/,
    );
    expect(attempt({ SMTP_URL: 'smtp://mail.test', MYDROP_MAIL_FROM: 'not an address' })).toThrow(
      /MYDROP_MAIL_FROM/,
    );
    try {
      attempt({ SMTP_URL: 'http://u:hunter2@mail.test' })();
    } catch (error) {
      expect(String(error)).not.toContain('hunter2');
    }
  });
});
