import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { skipWithout } from './require-service.js';

export const postgresAdminUrl =
  process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export async function checkPostgres(): Promise<string | undefined> {
  const client = new pg.Client({
    connectionString: postgresAdminUrl,
    connectionTimeoutMillis: 3000,
  });
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (error) {
    return `cannot reach ${postgresAdminUrl.replace(/\/\/[^@]*@/, '//')}: ${(error as Error).message}`;
  } finally {
    await client.end().catch(() => {});
  }
}

/** For `describe.skipIf`: true when PostgreSQL is unreachable; throws instead when it is required. */
export async function skipWithoutPostgres(): Promise<boolean> {
  const problem = await checkPostgres();
  return skipWithout('PostgreSQL', problem === undefined, problem ?? '');
}

/** A database of its own for one test file, dropped afterwards. */
export async function createTemporaryDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `mydrop_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: postgresAdminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(postgresAdminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: postgresAdminUrl });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}
