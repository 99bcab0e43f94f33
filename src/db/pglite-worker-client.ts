import {
  MessageChannel,
  type MessagePort,
  receiveMessageOnPort,
  Worker,
} from 'node:worker_threads';
import type { PGliteClient, PGliteResult } from './pglite-dialect.js';
import type {
  PGliteWorkerData,
  PGliteWorkerReply,
  PGliteWorkerRequest,
  SerializedError,
} from './pglite-worker.js';

export interface PGliteWorkerClientOptions {
  /** PGlite's folder; omitted means in memory. */
  dataDir?: string | undefined;
  /** The worker's script; tests swap in one that misbehaves. */
  workerUrl?: URL | undefined;
}

interface PendingQuery {
  resolve(result: PGliteResult<unknown>): void;
  reject(error: Error): void;
}

/** A JavaScript file, so plain Node can start it before tsx's loader is registered. */
const defaultWorkerUrl = new URL('./pglite-worker-bootstrap.js', import.meta.url);

/**
 * PGlite in a worker thread, seen from the main thread through the same calls the dialect
 * makes of an in-thread PGlite. Parameters and rows cross by structured clone, which keeps
 * Dates, Uint8Arrays, bigints and JSON values as they are (a Buffer arrives as a Uint8Array,
 * which PGlite writes the same way; class instances lose their prototype).
 *
 * If the worker dies, queries in flight reject with the reason and later ones reject at once:
 * nothing waits on a thread that is gone.
 */
export class PGliteWorkerClient implements PGliteClient {
  readonly waitReady: Promise<void>;
  private readonly worker: Worker;
  /** The worker's answers to queries (PGliteWorkerData.answers). */
  private readonly answers: MessagePort;
  private readonly pending = new Map<number, PendingQuery>();
  private readonly exited: Promise<void>;
  private nextId = 1;
  private ready = false;
  private hasExited = false;
  /** Why queries can no longer run: the worker failed to open, crashed or stopped. */
  private failure: Error | undefined;
  private closing: Promise<void> | undefined;
  private closeReply: ((error: SerializedError | undefined) => void) | undefined;

  constructor(options: PGliteWorkerClientOptions = {}) {
    const channel = new MessageChannel();
    this.answers = channel.port1;
    const workerData: PGliteWorkerData = { dataDir: options.dataDir, answers: channel.port2 };
    this.worker = new Worker(options.workerUrl ?? defaultWorkerUrl, {
      workerData,
      transferList: [channel.port2],
    });
    this.answers.on('message', (reply: PGliteWorkerReply) => this.answered(reply));
    // The worker is ref'd while queries are out (updateRef); the port alone keeps nothing alive.
    this.answers.unref();
    let settleReady!: { resolve(): void; reject(error: Error): void };
    this.waitReady = new Promise<void>((resolve, reject) => {
      settleReady = { resolve, reject };
    });
    // Whoever opens the client awaits waitReady; this only keeps an unobserved failure from
    // becoming an unhandled rejection.
    this.waitReady.catch(() => {});
    this.exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));

    this.worker.on('message', (reply: PGliteWorkerReply) => {
      switch (reply.type) {
        case 'ready':
          this.ready = true;
          this.updateRef();
          settleReady.resolve();
          return;
        case 'open-failed': {
          const where = options.dataDir ?? 'memory';
          settleReady.reject(
            this.fail(new Error(`PGlite could not open (${where}): ${reply.error.message}`)),
          );
          void this.worker.terminate();
          return;
        }
        case 'result':
        case 'error':
          this.answered(reply);
          return;
        case 'closed':
          // The answers the worker sent before it closed are queued on their port by now.
          this.readAnswers();
          this.closeReply?.(reply.error);
          return;
      }
    });
    this.worker.on('error', (error) => {
      // A worker can throw anything, not only an Error.
      const reason = error instanceof Error ? error.message : String(error);
      settleReady.reject(
        this.fail(new Error(`PGlite worker crashed: ${reason}`, { cause: error })),
      );
    });
    this.worker.on('messageerror', (error) => {
      this.fail(new Error('PGlite worker sent a message that could not be read', { cause: error }));
      void this.worker.terminate();
    });
    this.worker.on('exit', (code) => {
      this.hasExited = true;
      this.readAnswers();
      if (!this.closing || this.pending.size > 0) {
        this.fail(new Error(`PGlite worker stopped unexpectedly (exit code ${code})`));
      }
      settleReady.reject(this.failure ?? new Error('PGlite worker stopped before it was ready'));
    });
  }

  /**
   * Settles the queries whose answers the worker has already sent, now, instead of when this
   * thread's event loop next reads the port. Under a flood of requests the loop reads hundreds
   * of sockets between two looks at the port: an answer waited there 24 ms at the p90 in the
   * drop benchmark, 2.8 ms once the HTTP layer called this between answers.
   */
  collectAnswers(): number {
    return this.pending.size > 0 ? this.readAnswers() : 0;
  }

  /** Settles every answer queued on the port; answers how many there were. */
  private readAnswers(): number {
    let read = 0;
    for (
      let next = receiveMessageOnPort(this.answers);
      next !== undefined;
      next = receiveMessageOnPort(this.answers)
    ) {
      this.answered(next.message as PGliteWorkerReply);
      read += 1;
    }
    return read;
  }

  private answered(reply: PGliteWorkerReply): void {
    if (reply.type === 'result') {
      this.settle(reply.id)?.resolve({ rows: reply.rows, affectedRows: reply.affectedRows });
    } else if (reply.type === 'error') {
      this.settle(reply.id)?.reject(toError(reply.error));
    }
  }

  /** True once close() was called or the worker is gone: no further query will run. */
  get closed(): boolean {
    return this.closing !== undefined || this.hasExited;
  }

  /**
   * Runs a statement; with `begin`, the worker first runs that BEGIN, so a transaction's first
   * statement costs one round trip instead of two (each waits for a turn of the event loop).
   */
  query<R>(sql: string, params: unknown[] = [], begin?: string): Promise<PGliteResult<R>> {
    if (this.failure) {
      return Promise.reject(
        new Error(`PGlite worker is not running: ${this.failure.message}`, {
          cause: this.failure,
        }),
      );
    }
    if (this.closing) return Promise.reject(new Error('PGlite is closed'));
    const id = this.nextId++;
    return new Promise<PGliteResult<R>>((resolve, reject) => {
      const request: PGliteWorkerRequest = { type: 'query', id, sql, params, begin };
      try {
        this.worker.postMessage(request);
      } catch (error) {
        // DataCloneError: a parameter (a function, a socket…) cannot cross to the worker.
        reject(error as Error);
        return;
      }
      this.pending.set(id, { resolve: resolve as PendingQuery['resolve'], reject });
      if (this.pending.size === 1) this.updateRef();
    });
  }

  /**
   * Lets the queries already sent finish, closes PGlite cleanly (its folder is consistent for
   * the next open), then ends the thread.
   */
  close(): Promise<void> {
    this.closing ??= this.closeWorker();
    return this.closing;
  }

  private async closeWorker(): Promise<void> {
    if (this.hasExited || this.failure) {
      await this.worker.terminate();
      return;
    }
    this.worker.ref();
    const reply = new Promise<SerializedError | undefined>((resolve) => {
      this.closeReply = resolve;
    });
    this.worker.postMessage({ type: 'close' } satisfies PGliteWorkerRequest);
    const outcome = await Promise.race([
      reply.then((error) => ({ error })),
      this.exited.then(() => undefined),
    ]);
    await this.worker.terminate();
    if (!outcome) {
      throw new Error(`PGlite worker stopped before closing the database: ${this.stopReason()}`);
    }
    if (outcome.error) throw toError(outcome.error);
  }

  private stopReason(): string {
    return this.failure?.message ?? 'it exited';
  }

  private settle(id: number): PendingQuery | undefined {
    const query = this.pending.get(id);
    this.pending.delete(id);
    if (this.pending.size === 0) this.updateRef();
    return query;
  }

  /** Records why queries can no longer run (the first reason wins) and rejects those waiting. */
  private fail(error: Error): Error {
    const failure = this.failure ?? error;
    this.failure = failure;
    for (const query of this.pending.values()) query.reject(failure);
    this.pending.clear();
    return failure;
  }

  /**
   * The thread keeps the process alive only while it has work (opening, queries, closing),
   * as an in-thread PGlite would: an idle open database does not stop a CLI command exiting.
   */
  private updateRef(): void {
    if (!this.ready || this.pending.size > 0 || this.closing) this.worker.ref();
    else this.worker.unref();
  }
}

/** The error the worker saw, with its Postgres fields (code, constraint, detail…) back on it. */
function toError(serialized: SerializedError): Error {
  const error = new Error(serialized.message);
  error.name = serialized.name;
  Object.assign(error, serialized.fields);
  return error;
}
