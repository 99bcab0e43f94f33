/**
 * Suites that must behave the same on both database backends: the embedded PGlite default and
 * a PostgreSQL server (skipped when unreachable, unless MYDROP_REQUIRE_SERVICES=1).
 */
import { afterAll, beforeAll } from 'vitest';
import { createTemporaryDatabase, skipWithoutPostgres } from './postgres.js';
import { createTestContext, type TestContext } from './test-app.js';

export interface Backend {
  /** Short name for test titles, such as "PGlite". */
  name: string;
  /** Name that says where the data lives, such as "PGlite (embedded)". */
  longName: string;
  /** True for a PostgreSQL server, false for the embedded PGlite. */
  server: boolean;
  skip: boolean;
}

/** For `describe.each`, with `it.skipIf(backend.skip)` on each test. */
export const backends: Backend[] = [
  { name: 'PGlite', longName: 'PGlite (embedded)', server: false, skip: false },
  {
    name: 'PostgreSQL',
    longName: 'PostgreSQL server',
    server: true,
    skip: await skipWithoutPostgres(),
  },
];

/**
 * A test context on `backend` for the enclosing describe: opened before its tests, closed after
 * them, on a PostgreSQL database of its own that is dropped afterwards. Its properties can be
 * read only once the tests run (in hooks and tests, not while the describe is collected).
 */
export function useBackendContext(backend: Backend): TestContext {
  let context: TestContext | undefined;
  let database: Awaited<ReturnType<typeof createTemporaryDatabase>> | undefined;

  beforeAll(async () => {
    if (backend.skip) return;
    if (backend.server) database = await createTemporaryDatabase();
    context = await createTestContext(database ? { databaseUrl: database.url } : {});
  });

  afterAll(async () => {
    await context?.close();
    await database?.drop();
  });

  function opened(): TestContext {
    if (!context) throw new Error(`the test context on ${backend.name} is not open`);
    return context;
  }

  return {
    get app() {
      return opened().app;
    },
    get services() {
      return opened().services;
    },
    get database() {
      return opened().database;
    },
    close: () => opened().close(),
  };
}
