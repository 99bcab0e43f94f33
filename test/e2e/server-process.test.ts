import { afterAll, describe, expect, it } from 'vitest';
import { createTemporaryDatabase, skipWithoutPostgres } from '../support/postgres.js';
import {
  readDemo,
  runMydrop,
  type ServerProcess,
  spawnServerProcess,
  startServerProcess,
  temporaryDataDir,
} from '../support/server-process.js';

async function signIn(url: string, email: string, password: string) {
  return fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
}

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

describe('mydrop start on the embedded default', () => {
  const dataDir = temporaryDataDir();
  const running: ServerProcess[] = [];
  afterAll(async () => {
    for (const server of running) await server.stop('SIGKILL');
  });

  it('creates the demo workspace on first start, writes demo.json and prints how to sign in', async () => {
    const server = await startServerProcess({ MYDROP_DATA_DIR: dataDir, LOG_LEVEL: 'info' });
    running.push(server);
    const demo = readDemo(dataDir);
    expect(demo.baseUrl).toBe(server.url);
    expect(demo.users.map((user) => user.role).sort()).toEqual([
      'agency',
      'brand_approver',
      'comms',
      'finance',
      'host',
      'inventory_lead',
      'legal',
      'owner',
      'producer',
      'social_ops',
    ]);
    expect(demo.organizations[0]?.brands).toHaveLength(2);
    const owner = demo.users.find((user) => user.role === 'owner');
    expect(server.output()).toContain(`as ${owner?.email} with password ${owner?.password}`);

    const brands = await fetch(`${server.url}/api/v1/brands`, {
      headers: { authorization: `Bearer ${demo.apiToken}` },
    });
    expect(
      ((await brands.json()) as { items: Array<{ name: string }> }).items.map((b) => b.name),
    ).toEqual(['Aurora Beauty', 'Summit Outdoor']);
    const products = await fetch(`${server.url}/api/v1/products`, {
      headers: { authorization: `Bearer ${demo.apiToken}` },
    });
    expect(((await products.json()) as { items: unknown[] }).items.length).toBeGreaterThanOrEqual(
      4,
    );
  }, 120_000);

  it('finishes a request in flight on SIGTERM, exits 0, and keeps the data for the next start', async () => {
    const server = running[0];
    if (!server) throw new Error('the first test did not start a server');
    const demo = readDemo(dataDir);
    const owner = demo.users.find((user) => user.role === 'owner');
    if (!owner) throw new Error('no demo owner');
    // Sign-in hashes with scrypt (tens of milliseconds), so it is still running when the
    // signal arrives right after the server logs that the request came in.
    const before = server.output().split('/api/v1/auth/login').length;
    const inFlight = signIn(server.url, owner.email, owner.password);
    await until(() => server.output().split('/api/v1/auth/login').length > before);
    server.child.kill('SIGTERM');
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(await server.exited).toBe(0);

    const again = await startServerProcess({ MYDROP_DATA_DIR: dataDir });
    running.push(again);
    expect(readDemo(dataDir).organizationId).toBe(demo.organizationId);
    expect((await signIn(again.url, owner.email, owner.password)).status).toBe(200);
    expect(await again.stop()).toBe(0);
  }, 120_000);
});

describe('mydrop start stopped while it starts', () => {
  it('finishes starting, then stops cleanly and exits 0 on a SIGTERM', async () => {
    const server = await spawnServerProcess({
      MYDROP_DATA_DIR: temporaryDataDir(),
      LOG_LEVEL: 'info',
    });
    try {
      // Logged by the offer store as it starts: before the server listens.
      await until(
        () => server.hasExited() || server.output().includes('prepared answer tables'),
        90_000,
      );
      server.child.kill('SIGTERM');
      expect(await server.exited, server.output()).toBe(0);
      expect(server.output()).toContain('stopped cleanly');
    } finally {
      if (!server.hasExited()) server.child.kill('SIGKILL');
    }
  }, 120_000);
});

describe('the mydrop command', () => {
  it('lists its commands', async () => {
    const { code, stdout } = await runMydrop(['--help'], {});
    expect(code).toBe(0);
    for (const command of ['start', 'migrate', 'user create', 'token create', 'demo']) {
      expect(stdout).toContain(command);
    }
  });

  it('stops with a message naming the variable when configuration is bad', async () => {
    const badPort = await runMydrop(['migrate'], {
      PORT: 'eighty',
      MYDROP_DATA_DIR: temporaryDataDir(),
    });
    expect(badPort.code).toBe(2);
    expect(badPort.stderr).toContain('PORT');
    const noSecret = await runMydrop(['migrate'], {
      NODE_ENV: 'production',
      MYDROP_DATA_DIR: temporaryDataDir(),
    });
    expect(noSecret.code).toBe(2);
    expect(noSecret.stderr).toContain('MYDROP_SECRET: required when NODE_ENV=production');
  });

  it('migrates, creates a user with an organisation, issues a token and resets the demo', async () => {
    const env = { MYDROP_DATA_DIR: temporaryDataDir() };
    expect((await runMydrop(['migrate'], env)).stdout).toContain('Database migrated (pglite)');
    const user = await runMydrop(
      [
        'user',
        'create',
        '--email',
        'ceo@initech.test',
        '--name',
        'Bill',
        '--password',
        'a long enough password',
        '--org',
        'Initech',
      ],
      env,
    );
    expect(user.stdout).toContain('as owner of the new organisation Initech (initech)');
    const token = await runMydrop(
      ['token', 'create', '--org', 'initech', '--role', 'finance'],
      env,
    );
    expect(token.code).toBe(0);
    const secret = token.stdout.trim();
    expect(secret).toMatch(/^mdp_/);

    const demo = await runMydrop(['demo'], env);
    expect(demo.code).toBe(0);
    const first = readDemo(env.MYDROP_DATA_DIR);
    await runMydrop(['demo'], env);
    const second = readDemo(env.MYDROP_DATA_DIR);
    expect(second.organizationId).not.toBe(first.organizationId);

    const server = await startServerProcess(env);
    try {
      const me = await fetch(`${server.url}/api/v1/brands`, {
        headers: { authorization: `Bearer ${secret}` },
      });
      expect(me.status).toBe(200);
      expect((await signIn(server.url, 'ceo@initech.test', 'a long enough password')).status).toBe(
        200,
      );
      const stale = await fetch(`${server.url}/api/v1/brands`, {
        headers: { authorization: `Bearer ${first.apiToken}` },
      });
      expect(stale.status).toBe(401);
      const owner = second.users.find((u) => u.role === 'owner');
      expect((await signIn(server.url, owner?.email ?? '', owner?.password ?? '')).status).toBe(
        200,
      );
    } finally {
      await server.stop();
    }
  }, 120_000);
});

describe.skipIf(await skipWithoutPostgres())('mydrop start with DATABASE_URL', () => {
  it('migrates and runs the same build on a PostgreSQL server', async () => {
    const database = await createTemporaryDatabase();
    const env = { MYDROP_DATA_DIR: temporaryDataDir(), DATABASE_URL: database.url };
    try {
      expect((await runMydrop(['migrate'], env)).stdout).toContain('Database migrated (postgres)');
      const server = await startServerProcess(env);
      try {
        expect(server.output()).toContain('(data: PostgreSQL)');
        const demo = readDemo(env.MYDROP_DATA_DIR);
        const owner = demo.users.find((user) => user.role === 'owner');
        expect((await signIn(server.url, owner?.email ?? '', owner?.password ?? '')).status).toBe(
          200,
        );
      } finally {
        // On a failure, the server's own account of its shutdown (seen once: exit by a signal).
        expect(await server.stop(), server.output()).toBe(0);
      }
    } finally {
      await database.drop();
    }
  }, 120_000);
});
