import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import {
  CamelCasePlugin,
  Kysely,
  type Migration,
  type MigrationResultSet,
  Migrator,
  PostgresDialect,
  sql,
} from 'kysely';
import pg from 'pg';
import { migrations } from './migrations/index.js';
import { type PGliteClient, PGliteDialect } from './pglite-dialect.js';
import { PGliteWorkerClient } from './pglite-worker-client.js';
import type { Database } from './schema.js';

export type Db = Kysely<Database>;

export interface DatabaseHandle {
  db: Db;
  kind: 'pglite' | 'postgres';
  /**
   * Whether statements run off this thread (a PostgreSQL server, or PGlite in its worker):
   * then a write may start at once and overlap the decisions still being made here.
   */
  offThread: boolean;
  /**
   * Whether statements run in the order they were sent without waiting for each other's
   * answers (PGlite in its worker): writes that must land in order may then overlap.
   */
  pipelined: boolean;
  /**
   * Settles the queries whose answers have already reached this process, without waiting for
   * the event loop (PGlite in its worker: PGliteWorkerClient.collectAnswers); a no-op for a
   * server, whose answers arrive on sockets. The HTTP layer calls it between answers.
   */
  collectAnswers(): void;
  /** Throws when the database does not answer. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** A postgres:// URL; without it the embedded PGlite is used. */
  databaseUrl?: string | undefined;
  /** PGlite's folder; omitted means in memory (tests). */
  dataDir?: string | undefined;
  /**
   * Where PGlite runs: 'main', on the calling thread (default), or 'worker', in a worker
   * thread so its SQL does not hold up the event loop that answers requests.
   */
  pgliteThread?: 'main' | 'worker' | undefined;
}

// pg returns int8 and numeric as strings; counts and sums here fit in a double.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number.parseInt(value, 10));

export async function openDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 10 });
    // An idle connection the server closes (restart, failover) must not crash the process;
    // the pool replaces it on next use.
    pool.on('error', () => {});
    const db = new Kysely<Database>({
      dialect: new PostgresDialect({ pool }),
      plugins: [new CamelCasePlugin()],
    });
    return {
      db,
      kind: 'postgres',
      offThread: true,
      // A pool runs statements on several connections: their order is not kept.
      pipelined: false,
      collectAnswers: () => {},
      ping: async () => {
        await sql`select 1`.execute(db);
      },
      close: () => db.destroy(),
    };
  }
  const folder = options.dataDir ? join(options.dataDir, 'pgdata') : undefined;
  if (folder) mkdirSync(folder, { recursive: true });
  const pglite: PGliteClient =
    options.pgliteThread === 'worker'
      ? new PGliteWorkerClient({ dataDir: folder })
      : folder
        ? new PGlite(folder)
        : new PGlite();
  await pglite.waitReady;
  const worker = pglite instanceof PGliteWorkerClient;
  const db = new Kysely<Database>({
    dialect: new PGliteDialect(pglite, { deferBegin: worker, pipelined: worker }),
    plugins: [new CamelCasePlugin()],
  });
  return {
    db,
    kind: 'pglite',
    offThread: worker,
    pipelined: worker,
    collectAnswers: pglite instanceof PGliteWorkerClient ? () => pglite.collectAnswers() : () => {},
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: () => db.destroy(),
  };
}

function migrationFromStatements(statements: readonly string[]): Migration {
  return {
    async up(db) {
      for (const statement of statements) await sql.raw(statement).execute(db);
    },
  };
}

export async function migrateToLatest(db: Db): Promise<MigrationResultSet> {
  const migrator = new Migrator({
    db,
    provider: {
      getMigrations: async () =>
        Object.fromEntries(
          Object.entries(migrations).map(([name, statements]) => [
            name,
            migrationFromStatements(statements),
          ]),
        ),
    },
  });
  const result = await migrator.migrateToLatest();
  if (result.error) throw result.error;
  return result;
}
