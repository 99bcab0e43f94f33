import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';

/**
 * Worker thread that owns one PGlite and runs the SQL the main thread sends it, so the
 * WASM Postgres spends its CPU here instead of on the event loop that answers requests.
 * Started through pglite-worker-bootstrap.js (tsx's loader) by PGliteWorkerClient.
 */

export interface PGliteWorkerData {
  /** PGlite's folder; omitted means in memory. */
  dataDir: string | undefined;
  /**
   * Where the answers to queries go (the rest goes to the parent port): the main thread can
   * read this port synchronously between requests instead of waiting for its event loop.
   */
  answers: MessagePort;
}

export type PGliteWorkerRequest =
  | {
      type: 'query';
      id: number;
      sql: string;
      params: unknown[];
      /** A transaction's BEGIN, run just before the statement: one round trip for both. */
      begin?: string | undefined;
    }
  | { type: 'close' };

export type PGliteWorkerReply =
  | { type: 'ready' }
  | { type: 'open-failed'; error: SerializedError }
  | { type: 'result'; id: number; rows: unknown[]; affectedRows: number | undefined }
  | { type: 'error'; id: number; error: SerializedError }
  | { type: 'closed'; error: SerializedError | undefined };

/**
 * An error as it crosses threads. Structured clone keeps only an Error's name and message, so
 * the fields of a Postgres error that callers test (code '23505', constraint, detail) travel
 * as plain data and are put back on the error the client throws.
 */
export interface SerializedError {
  name: string;
  message: string;
  fields: Record<string, unknown>;
}

/** pg-protocol's DatabaseError fields, plus the statement PGlite attaches. */
const databaseErrorFields = [
  'severity',
  'code',
  'detail',
  'hint',
  'position',
  'internalPosition',
  'internalQuery',
  'where',
  'schema',
  'table',
  'column',
  'dataType',
  'constraint',
  'file',
  'line',
  'routine',
  'query',
  'params',
] as const;

export function serializeError(error: unknown): SerializedError {
  if (!(error instanceof Error)) {
    return { name: 'Error', message: String(error), fields: {} };
  }
  const source = error as unknown as Record<string, unknown>;
  const fields: Record<string, unknown> = {};
  for (const field of databaseErrorFields) {
    if (source[field] !== undefined) fields[field] = source[field];
  }
  return { name: error.name, message: error.message, fields };
}

function startWorker(): void {
  const port = parentPort;
  if (!port) throw new Error('pglite-worker.ts runs as a worker thread (see PGliteWorkerClient)');
  const { dataDir, answers } = workerData as PGliteWorkerData;
  const pglite = dataDir ? new PGlite(dataDir) : new PGlite();
  /**
   * Statements run one after another in the order they arrived, each to its end before the
   * next starts: a BEGIN sent with a statement is never split from it by another message, and
   * the main thread may send without waiting for answers (PGliteDialect's pipelining).
   */
  let tail: Promise<void> = Promise.resolve();
  const post = (reply: PGliteWorkerReply) =>
    (reply.type === 'result' || reply.type === 'error' ? answers : port).postMessage(reply);

  pglite.waitReady.then(
    () => post({ type: 'ready' }),
    (error: unknown) => post({ type: 'open-failed', error: serializeError(error) }),
  );

  async function runQuery(
    id: number,
    sql: string,
    params: unknown[],
    begin: string | undefined,
  ): Promise<void> {
    try {
      await pglite.waitReady;
      if (begin !== undefined) await pglite.query(begin);
      const result = await pglite.query(sql, params);
      // Inside the try: a row that cannot be cloned fails its query, not the worker.
      post({ type: 'result', id, rows: result.rows, affectedRows: result.affectedRows });
    } catch (error) {
      post({ type: 'error', id, error: serializeError(error) });
    }
  }

  async function closeDatabase(): Promise<void> {
    try {
      if (!pglite.closed) await pglite.close();
      post({ type: 'closed', error: undefined });
    } catch (error) {
      post({ type: 'closed', error: serializeError(error) });
    }
  }

  port.on('message', (request: PGliteWorkerRequest) => {
    if (request.type === 'close') {
      // Queries sent before the close still get their answers.
      tail = tail.then(closeDatabase);
      return;
    }
    // runQuery never rejects: it answers every failure as an 'error' reply.
    tail = tail.then(() => runQuery(request.id, request.sql, request.params, request.begin));
  });
}

startWorker();
