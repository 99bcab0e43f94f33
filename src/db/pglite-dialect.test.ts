import { Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PGliteClient, PGliteResult } from './pglite-dialect.js';
import { PGliteDialect } from './pglite-dialect.js';
import { PGliteWorkerClient } from './pglite-worker-client.js';

/** A client that records what it was sent and answers only when told to. */
class HeldClient implements PGliteClient {
  readonly waitReady = Promise.resolve();
  closed = false;
  readonly sent: string[] = [];
  private readonly answers: Array<{ sql: string; answer: (error?: Error) => void }> = [];

  query<R>(text: string, _params: unknown[], begin?: string): Promise<PGliteResult<R>> {
    if (begin !== undefined) this.sent.push(begin);
    this.sent.push(text);
    return new Promise<PGliteResult<R>>((resolve, reject) => {
      this.answers.push({
        sql: text,
        answer: (error) => (error ? reject(error) : resolve({ rows: [] })),
      });
    });
  }

  /** Answers the oldest statement not answered yet (the worker runs them in order). */
  answerNext(error?: Error): string {
    const next = this.answers.shift();
    if (!next) throw new Error('nothing in flight');
    next.answer(error);
    return next.sql;
  }

  get inFlight(): number {
    return this.answers.length;
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

/** Lets every promise continuation that can run, run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

/** Answers statements in order, letting each answer's continuations send what they send. */
async function answerAll(client: HeldClient): Promise<void> {
  while (client.inFlight > 0) {
    client.answerNext();
    await settle();
  }
}

function pipelined(client: PGliteClient) {
  // biome-ignore lint/suspicious/noExplicitAny: the statements here need no table types.
  return new Kysely<any>({
    dialect: new PGliteDialect(client, { deferBegin: true, pipelined: true }),
  });
}

describe('the pipelined PGlite dialect', () => {
  it('sends statements outside a transaction without waiting for the answers before', async () => {
    const client = new HeldClient();
    const db = pipelined(client);
    const results = [1, 2, 3].map((n) => sql.raw(`select ${n}`).execute(db));
    await settle();
    expect(client.sent).toEqual(['select 1', 'select 2', 'select 3']);
    expect(client.inFlight).toBe(3);
    for (let n = 0; n < 3; n++) client.answerNext();
    await Promise.all(results);
  });

  it('holds other statements back while a transaction runs, then sends them in order', async () => {
    const client = new HeldClient();
    const db = pipelined(client);
    const before = sql.raw('select 1').execute(db);
    let release!: () => void;
    const transaction = db.transaction().execute(async (trx) => {
      await sql.raw('insert 1').execute(trx);
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      await sql.raw('insert 2').execute(trx);
    });
    await settle();
    const during = [sql.raw('select 2').execute(db), sql.raw('select 3').execute(db)];
    await settle();
    // The statement sent before the transaction goes first; those after wait for its end.
    expect(client.sent).toEqual(['select 1', 'begin', 'insert 1']);
    expect(client.answerNext()).toBe('select 1');
    expect(client.answerNext()).toBe('insert 1');
    await settle();
    release();
    await settle();
    expect(client.answerNext()).toBe('insert 2');
    await settle();
    expect(client.sent.slice(3)).toEqual(['insert 2', 'commit']);
    // Not even the COMMIT's sending lets them go: only its answer.
    expect(client.inFlight).toBe(1);
    expect(client.answerNext()).toBe('commit');
    await settle();
    expect(client.sent.slice(5)).toEqual(['select 2', 'select 3']);
    client.answerNext();
    client.answerNext();
    await Promise.all([before, transaction, ...during]);
  });

  it('runs transactions one at a time, statements queued between them keeping their place', async () => {
    const client = new HeldClient();
    const db = pipelined(client);
    const first = db.transaction().execute((trx) => sql.raw('write a').execute(trx));
    await settle();
    const second = db.transaction().execute((trx) => sql.raw('write b').execute(trx));
    const between = sql.raw('read').execute(db);
    const third = db.transaction().execute((trx) => sql.raw('write c').execute(trx));
    await settle();
    expect(client.sent).toEqual(['begin', 'write a']);
    await answerAll(client);
    await Promise.all([first, second, between, third]);
    expect(client.sent).toEqual([
      'begin',
      'write a',
      'commit',
      'begin',
      'write b',
      'commit',
      'read',
      'begin',
      'write c',
      'commit',
    ]);
  });

  it('keeps a failed COMMIT and its ROLLBACK inside its own transaction', async () => {
    const client = new HeldClient();
    const db = pipelined(client);
    const failing = db.transaction().execute((trx) => sql.raw('write a').execute(trx));
    await settle();
    const next = db.transaction().execute((trx) => sql.raw('write b').execute(trx));
    client.answerNext(); // write a
    await settle();
    expect(client.answerNext(new Error('could not serialize'))).toBe('commit');
    await settle();
    expect(client.answerNext()).toBe('rollback');
    await expect(failing).rejects.toThrow('could not serialize');
    await settle();
    await answerAll(client);
    await next;
    expect(client.sent).toEqual([
      'begin',
      'write a',
      'commit',
      'rollback',
      'begin',
      'write b',
      'commit',
    ]);
  });

  it('waits for everything sent before closing the client', async () => {
    const client = new HeldClient();
    const db = pipelined(client);
    const pending = sql.raw('select 1').execute(db);
    await settle();
    const destroyed = db.destroy();
    await settle();
    expect(client.closed).toBe(false);
    client.answerNext();
    await Promise.all([pending, destroyed]);
    expect(client.closed).toBe(true);
  });
});

describe('the pipelined dialect on a real PGlite worker', () => {
  let client: PGliteWorkerClient;
  // biome-ignore lint/suspicious/noExplicitAny: one table, typed by its statements.
  let db: Kysely<any>;

  beforeAll(async () => {
    client = new PGliteWorkerClient();
    await client.waitReady;
    db = pipelined(client);
    await sql`create table counter (id int primary key, value int not null)`.execute(db);
    await sql`insert into counter values (1, 0)`.execute(db);
  });
  afterAll(() => db?.destroy());

  it('keeps transactions isolated from the statements pipelined around them', async () => {
    const work: Promise<unknown>[] = [];
    const increment = () => sql`update counter set value = value + 1 where id = 1`.execute(db);
    for (let round = 0; round < 40; round++) {
      // A transaction that reads, writes, then rolls back: nothing of it may stay, and the
      // plain increment asked for while it runs must not land inside it (it would be rolled
      // back with it).
      work.push(
        db
          .transaction()
          .execute(async (trx) => {
            const { rows } = await sql<{ value: number }>`select value from counter`.execute(trx);
            work.push(increment());
            await sql`update counter set value = ${(rows[0]?.value ?? 0) + 1000}`.execute(trx);
            throw new Error('undo');
          })
          .catch(() => undefined),
      );
      // A transaction that commits a read-modify-write: no increment may be lost to it.
      work.push(
        db.transaction().execute(async (trx) => {
          const { rows } = await sql<{ value: number }>`select value from counter`.execute(trx);
          await sql`update counter set value = ${(rows[0]?.value ?? 0) + 1}`.execute(trx);
        }),
      );
    }
    // Settled in rounds: the transactions add increments to the list as they run.
    for (let done = 0; done < work.length; ) {
      const batch = work.slice(done);
      done = work.length;
      await Promise.all(batch);
    }
    const { rows } = await sql<{ value: number }>`select value from counter`.execute(db);
    expect(rows).toEqual([{ value: 80 }]);
  });
});
