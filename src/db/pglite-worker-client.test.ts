import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { CamelCasePlugin, Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from './database.js';
import { PGliteDialect } from './pglite-dialect.js';
import { PGliteWorkerClient } from './pglite-worker-client.js';

interface Sample {
  id: string;
  label: string;
}

interface TestDatabase {
  sample: Sample;
}

describe('PGlite in a worker thread', () => {
  let client: PGliteWorkerClient;
  let inThread: PGlite;
  let db: Kysely<TestDatabase>;

  beforeAll(async () => {
    client = new PGliteWorkerClient();
    inThread = new PGlite();
    await Promise.all([client.waitReady, inThread.waitReady]);
    db = new Kysely<TestDatabase>({
      dialect: new PGliteDialect(client),
      plugins: [new CamelCasePlugin()],
    });
    await client.query('create table sample (id text primary key, label text not null)', []);
  });

  afterAll(async () => {
    await db?.destroy();
    await inThread?.close();
  });

  it('runs queries and reports the rows they changed', async () => {
    const inserted = await client.query(
      "insert into sample (id, label) values ('a', 'first'), ('b', 'second')",
      [],
    );
    expect(inserted.affectedRows).toBe(2);
    const read = await client.query<Sample>('select id, label from sample where id = $1', ['b']);
    expect(read.rows).toEqual([{ id: 'b', label: 'second' }]);
    const updated = await client.query("update sample set label = 'changed'", []);
    expect(updated.affectedRows).toBe(2);
    await client.query('delete from sample', []);
  });

  it('returns the same values and types as PGlite on the calling thread', async () => {
    const statement = `select
        1::int8 as small_int8, 9007199254740993::int8 as big_int8, 7::int4 as int4,
        12.50::numeric as amount, 1.5::float8 as ratio, true as flag, null::text as nothing,
        '2026-11-22T10:00:00.123Z'::timestamptz as at, '2026-11-22'::date as day,
        '{"tiers":[1,2],"note":"é"}'::jsonb as settings, '\\x00ff10'::bytea as bytes,
        array['a','b']::text[] as tags, '6f1d3c9e-6c1a-4b8e-9b1e-2f7d1c3e4a5b'::uuid as id,
        $1::timestamptz as param_at, $2::bytea as param_bytes, $3::bytea as param_buffer,
        $4::int8 as param_bigint, $5::jsonb as param_json, $6::text[] as param_tags`;
    const params = [
      new Date('2026-11-22T11:00:00.000Z'),
      new Uint8Array([1, 2, 3]),
      Buffer.from([4, 5]),
      2n ** 60n,
      JSON.stringify({ units: 200 }),
      ['x', 'y'],
    ];
    const [fromWorker, fromThread] = await Promise.all([
      client.query<Record<string, unknown>>(statement, params),
      inThread.query<Record<string, unknown>>(statement, params),
    ]);
    expect(fromWorker.rows).toEqual(fromThread.rows);
    const row = fromWorker.rows[0] ?? {};
    expect(row.at).toBeInstanceOf(Date);
    expect(row.param_at).toEqual(new Date('2026-11-22T11:00:00.000Z'));
    // int8 is a number while it is exact in a double, a bigint beyond; numeric stays a string.
    expect(row.small_int8).toBe(1);
    expect(row.big_int8).toBe(9007199254740993n);
    expect(row.param_bigint).toBe(2n ** 60n);
    expect(row.amount).toBe('12.50');
    expect(row.settings).toEqual({ tiers: [1, 2], note: 'é' });
    expect(row.bytes).toEqual(new Uint8Array([0, 255, 16]));
    expect(row.param_buffer).toEqual(new Uint8Array([4, 5]));
    expect(row.tags).toEqual(['a', 'b']);
  });

  it('keeps a transaction to itself until it commits or rolls back', async () => {
    let readDuringTransaction: Promise<Sample[]> | undefined;
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.insertInto('sample').values({ id: 'rolled-back', label: 'x' }).execute();
        // Sent while the transaction holds the connection: it runs after the rollback.
        readDuringTransaction = db.selectFrom('sample').selectAll().execute();
        await new Promise((resolve) => setTimeout(resolve, 20));
        throw new Error('abandon');
      }),
    ).rejects.toThrow('abandon');
    expect(await readDuringTransaction).toEqual([]);

    await db.transaction().execute(async (trx) => {
      await trx.insertInto('sample').values({ id: 'committed', label: 'y' }).execute();
      readDuringTransaction = db.selectFrom('sample').selectAll().execute();
    });
    expect(await readDuringTransaction).toEqual([{ id: 'committed', label: 'y' }]);
    await db.deleteFrom('sample').execute();
  });

  it('surfaces Postgres errors with their code, constraint and detail', async () => {
    await db.insertInto('sample').values({ id: 'taken', label: 'first' }).execute();
    const error = await db
      .insertInto('sample')
      .values({ id: 'taken', label: 'second' })
      .execute()
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      message: 'duplicate key value violates unique constraint "sample_pkey"',
      code: '23505',
      constraint: 'sample_pkey',
      table: 'sample',
      detail: 'Key (id)=(taken) already exists.',
    });
    await expect(client.query('select * from no_such_table', [])).rejects.toMatchObject({
      code: '42P01',
    });
    // The connection is usable after a failed statement.
    expect((await client.query('select 1 as one', [])).rows).toEqual([{ one: 1 }]);
    await db.deleteFrom('sample').execute();
  });

  it('refuses a parameter that cannot cross to the worker, and carries on', async () => {
    await expect(client.query('select $1::text', [() => 'no'])).rejects.toThrow(
      /could not be cloned/,
    );
    expect((await client.query('select 2 as two', [])).rows).toEqual([{ two: 2 }]);
  });

  it('settles an answer that has arrived when asked, without a turn of the event loop', async () => {
    expect(client.collectAnswers()).toBe(0);
    let answer: unknown;
    const query = client.query<{ three: number }>('select 3 as three', []);
    query.then((result) => {
      answer = result.rows;
    });
    // This thread is kept busy, as by a flood of requests: its event loop never reads the
    // worker's port meanwhile, so only collectAnswers can settle the query.
    let collected = 0;
    const deadline = Date.now() + 10_000;
    while (collected === 0 && Date.now() < deadline) collected += client.collectAnswers();
    expect(collected).toBe(1);
    // Microtasks only: still no turn of the event loop.
    await Promise.resolve();
    await Promise.resolve();
    expect(answer).toEqual([{ three: 3 }]);
    expect(client.collectAnswers()).toBe(0);
  });
});

describe.each([
  { mode: 'one statement at a time', pipelined: false },
  { mode: 'pipelined', pipelined: true },
])(
  'transactions on the worker with BEGIN sent along with the first statement ($mode)',
  ({ pipelined }) => {
    let client: PGliteWorkerClient;
    let db: Kysely<TestDatabase>;
    const sent: Array<{ sql: string; begin: string | undefined }> = [];

    beforeAll(async () => {
      client = new PGliteWorkerClient();
      await client.waitReady;
      const query = client.query.bind(client);
      client.query = (text, params, begin) => {
        sent.push({ sql: text, begin });
        return query(text, params, begin);
      };
      db = new Kysely<TestDatabase>({
        dialect: new PGliteDialect(client, { deferBegin: true, pipelined }),
        plugins: [new CamelCasePlugin()],
      });
      await sql`create table sample (id text primary key, label text not null)`.execute(db);
    });
    afterAll(() => db?.destroy());

    it('commits in two round trips, and rolls back what a failed transaction wrote', async () => {
      sent.length = 0;
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('sample').values({ id: 'kept', label: 'x' }).execute();
      });
      expect(sent.map((entry) => entry.begin ?? entry.sql)).toEqual(['begin', 'commit']);

      await expect(
        db.transaction().execute(async (trx) => {
          await trx.insertInto('sample').values({ id: 'dropped', label: 'y' }).execute();
          await trx.insertInto('sample').values({ id: 'kept', label: 'duplicate' }).execute();
        }),
      ).rejects.toMatchObject({ code: '23505' });
      expect(await db.selectFrom('sample').select('id').execute()).toEqual([{ id: 'kept' }]);
    });

    it('rolls back when the first statement fails, and the connection carries on', async () => {
      await expect(
        db.transaction().execute(async (trx) => {
          await trx.insertInto('sample').values({ id: 'kept', label: 'again' }).execute();
        }),
      ).rejects.toMatchObject({ code: '23505' });
      // Left inside a failed transaction, this would fail ("current transaction is aborted").
      await db.insertInto('sample').values({ id: 'after', label: 'z' }).execute();
      expect(await db.selectFrom('sample').select('id').orderBy('id').execute()).toEqual([
        { id: 'after' },
        { id: 'kept' },
      ]);
    });

    it('sends nothing for a transaction that ran no statement', async () => {
      sent.length = 0;
      await db.transaction().execute(async () => {});
      await expect(
        db.transaction().execute(async () => {
          throw new Error('changed my mind');
        }),
      ).rejects.toThrow('changed my mind');
      expect(sent).toEqual([]);
    });

    it('keeps the isolation level asked for', async () => {
      const level = await db
        .transaction()
        .setIsolationLevel('serializable')
        .execute((trx) =>
          sql<{ transactionIsolation: string }>`show transaction_isolation`.execute(trx),
        );
      expect(level.rows).toEqual([{ transactionIsolation: 'serializable' }]);
    });
  },
);

describe('PGlite in a worker thread on a data folder', () => {
  it('keeps what it wrote across a close and a reopen, on either thread', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'mydrop-pglite-worker-'));
    try {
      const first = await openDatabase({ dataDir, pgliteThread: 'worker' });
      await sql`create table kept (note text)`.execute(first.db);
      await sql`insert into kept values ('written in the worker')`.execute(first.db);
      await first.close();

      const again = await openDatabase({ dataDir, pgliteThread: 'worker' });
      const inWorker = await sql<{ note: string }>`select note from kept`.execute(again.db);
      expect(inWorker.rows).toEqual([{ note: 'written in the worker' }]);
      await again.close();

      const onMainThread = await openDatabase({ dataDir, pgliteThread: 'main' });
      const read = await sql<{ note: string }>`select note from kept`.execute(onMainThread.db);
      expect(read.rows).toEqual([{ note: 'written in the worker' }]);
      await onMainThread.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});

/** A stand-in worker speaking the client's protocol, scripted to fail in one way. */
function fakeWorker(
  onQuery: string,
  onStart = "parentPort.postMessage({ type: 'ready' });",
  onClose = "parentPort.postMessage({ type: 'closed' });",
): URL {
  const source = `
    import { parentPort } from 'node:worker_threads';
    ${onStart}
    parentPort.on('message', (request) => {
      if (request.type === 'close') {
        ${onClose}
        return;
      }
      if (request.sql === 'select 1') {
        parentPort.postMessage({ type: 'result', id: request.id, rows: [{ one: 1 }], affectedRows: 0 });
        return;
      }
      ${onQuery}
    });`;
  return new URL(`data:text/javascript,${encodeURIComponent(source)}`);
}

describe('a PGlite worker that dies', () => {
  it('rejects the queries in flight and every later one, instead of hanging', async () => {
    const client = new PGliteWorkerClient({
      workerUrl: fakeWorker(
        "if (request.sql === 'crash') setTimeout(() => { throw new Error('wasm aborted'); }, 10);",
      ),
    });
    await client.waitReady;
    expect((await client.query('select 1', [])).rows).toEqual([{ one: 1 }]);
    const waiting = client.query('select pg_sleep(10)', []);
    const crashing = client.query('crash', []);
    await expect(waiting).rejects.toThrow('PGlite worker crashed: wasm aborted');
    await expect(crashing).rejects.toThrow('PGlite worker crashed: wasm aborted');
    await expect(client.query('select 1', [])).rejects.toThrow(
      'PGlite worker is not running: PGlite worker crashed: wasm aborted',
    );
    await client.close();
    expect(client.closed).toBe(true);
  });

  it('rejects the queries in flight when the thread exits without answering', async () => {
    const client = new PGliteWorkerClient({
      workerUrl: fakeWorker("if (request.sql === 'exit') process.exit(3);"),
    });
    await client.waitReady;
    const waiting = client.query('select pg_sleep(10)', []);
    const exiting = client.query('exit', []);
    await expect(exiting).rejects.toThrow('PGlite worker stopped unexpectedly (exit code 3)');
    await expect(waiting).rejects.toThrow('exit code 3');
    expect(client.closed).toBe(true);
    await expect(client.query('select 1', [])).rejects.toThrow(/not running/);
  });

  it('says so when the thread ends before it closed the database', async () => {
    const client = new PGliteWorkerClient({
      workerUrl: fakeWorker('', undefined, 'process.exit(0);'),
    });
    await client.waitReady;
    await expect(client.close()).rejects.toThrow(
      'PGlite worker stopped before closing the database',
    );
    expect(client.closed).toBe(true);
  });

  it('fails to open with the reason, and runs nothing', async () => {
    const client = new PGliteWorkerClient({
      dataDir: '/nowhere',
      workerUrl: fakeWorker(
        '',
        "parentPort.postMessage({ type: 'open-failed', error: { name: 'Error', message: 'folder is locked', fields: {} } });",
      ),
    });
    await expect(client.waitReady).rejects.toThrow(
      'PGlite could not open (/nowhere): folder is locked',
    );
    await expect(client.query('select 1', [])).rejects.toThrow(/folder is locked/);
    await client.close();
  });
});
