import {
  CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';

export interface PGliteResult<R> {
  rows: R[];
  affectedRows?: number | undefined;
}

/** What the dialect uses of PGlite: a PGlite itself, or a PGliteWorkerClient in front of one. */
export interface PGliteClient {
  readonly waitReady: Promise<void>;
  readonly closed: boolean;
  query<R>(sql: string, params: unknown[]): Promise<PGliteResult<R>>;
  close(): Promise<void>;
}

/** A client across a thread: it can run a transaction's BEGIN together with its first statement. */
export interface DeferredBeginClient extends PGliteClient {
  query<R>(sql: string, params: unknown[], begin?: string): Promise<PGliteResult<R>>;
}

/**
 * Kysely dialect for PGlite. PGlite is one connection (in this thread or a worker), shared so
 * that transactions stay isolated exactly as on a server: a transaction holds it from BEGIN to
 * COMMIT, and other statements wait their turn.
 *
 * Serial (PGlite on this thread): one statement at a time, each waiting for the one before to
 * answer. Pipelined (`pipelined`, PGliteWorkerClient, which runs statements strictly in the order
 * sent): a statement outside a transaction is sent at once, without waiting for the answers of
 * those before it, so statements made in one turn of the event loop are answered in one turn
 * instead of one turn each. Statements sent this way are autocommit, each its own transaction;
 * `db.connection()` gives no session of its own in that mode (nothing here relies on one).
 */
export class PGliteDialect implements Dialect {
  /**
   * `deferBegin`: the client runs a BEGIN with the statement after it (PGliteWorkerClient). A
   * transaction then sends nothing until its first statement, and a transaction that ran no
   * statement sends no COMMIT either.
   */
  constructor(
    private readonly pglite: PGliteClient,
    private readonly options: { deferBegin?: boolean; pipelined?: boolean } = {},
  ) {}

  createAdapter() {
    return new PostgresAdapter();
  }

  createDriver(): Driver {
    const deferBegin = this.options.deferBegin === true;
    return this.options.pipelined === true
      ? new PipelinedDriver(this.pglite, deferBegin)
      : new SerialDriver(this.pglite, deferBegin);
  }

  createIntrospector(db: Kysely<unknown>) {
    return new PostgresIntrospector(db);
  }

  createQueryCompiler() {
    return new PostgresQueryCompiler();
  }
}

/** Sends a statement, with a transaction's deferred BEGIN when one is due. */
async function send<R>(
  pglite: PGliteClient,
  compiledQuery: CompiledQuery,
  begin: string | undefined,
): Promise<QueryResult<R>> {
  const parameters = [...compiledQuery.parameters];
  const result =
    begin === undefined
      ? await pglite.query<R>(compiledQuery.sql, parameters)
      : await (pglite as DeferredBeginClient).query<R>(compiledQuery.sql, parameters, begin);
  const affected = result.affectedRows;
  return {
    rows: result.rows,
    ...(affected !== undefined ? { numAffectedRows: BigInt(affected) } : {}),
  };
}

const beginStatement = (settings: TransactionSettings): string =>
  `begin${settings.isolationLevel ? ` isolation level ${settings.isolationLevel}` : ''}`;

class SerialConnection implements DatabaseConnection {
  /** A BEGIN not sent yet: it goes with the next statement. */
  pendingBegin: string | undefined;

  constructor(private readonly pglite: PGliteClient) {}

  executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const begin = this.pendingBegin;
    this.pendingBegin = undefined;
    return send<R>(this.pglite, compiledQuery, begin);
  }

  // biome-ignore lint/correctness/useYield: PGlite has no cursors; streaming is not offered.
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('PGlite dialect does not support streaming queries');
  }
}

/** One user of the connection at a time: a statement or a whole transaction. */
class SerialDriver implements Driver {
  private readonly connection: SerialConnection;
  private queue: Promise<void> = Promise.resolve();
  private releaseCurrent: (() => void) | undefined;

  constructor(
    private readonly pglite: PGliteClient,
    private readonly deferBegin: boolean,
  ) {
    this.connection = new SerialConnection(pglite);
  }

  async init(): Promise<void> {
    await this.pglite.waitReady;
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const previous = this.queue;
    let release!: () => void;
    this.queue = new Promise<void>((resolve) => {
      release = resolve;
    });
    await previous;
    this.releaseCurrent = release;
    return this.connection;
  }

  async beginTransaction(
    connection: DatabaseConnection,
    settings: TransactionSettings,
  ): Promise<void> {
    if (this.deferBegin) this.connection.pendingBegin = beginStatement(settings);
    else await connection.executeQuery(CompiledQuery.raw(beginStatement(settings)));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    if (this.endsUnstarted()) return;
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    if (this.endsUnstarted()) return;
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }

  /** A transaction whose BEGIN was never sent has nothing to commit or roll back. */
  private endsUnstarted(): boolean {
    const unstarted = this.connection.pendingBegin !== undefined;
    this.connection.pendingBegin = undefined;
    return unstarted;
  }

  async releaseConnection(): Promise<void> {
    const release = this.releaseCurrent;
    this.releaseCurrent = undefined;
    release?.();
  }

  async destroy(): Promise<void> {
    await this.queue;
    if (!this.pglite.closed) await this.pglite.close();
  }
}

/**
 * A lease of the pipelined connection: each acquire gets its own, so the driver knows whether
 * a statement belongs to the transaction that holds the connection.
 */
class PipelinedConnection implements DatabaseConnection {
  /** Set from BEGIN until the lease is released. */
  inTransaction = false;
  /** A BEGIN not sent yet: it goes with the next statement (deferBegin). */
  pendingBegin: string | undefined;

  constructor(private readonly driver: PipelinedDriver) {}

  executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    return this.driver.execute<R>(this, compiledQuery);
  }

  // biome-ignore lint/correctness/useYield: PGlite has no cursors; streaming is not offered.
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('PGlite dialect does not support streaming queries');
  }
}

/** Waiting for the connection: a statement to send, or a transaction to start. */
type Turn = () => void;

class PipelinedDriver implements Driver {
  /** The transaction holding the connection: only its statements are sent meanwhile. */
  private owner: PipelinedConnection | undefined;
  /** Statements and transactions waiting for the owner to finish, in arrival order. */
  private readonly waiting: Turn[] = [];
  private inFlight = 0;
  private idle: Array<() => void> = [];

  constructor(
    private readonly pglite: PGliteClient,
    private readonly deferBegin: boolean,
  ) {}

  async init(): Promise<void> {
    await this.pglite.waitReady;
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    return new PipelinedConnection(this);
  }

  /** Sends at once when nothing holds the connection, else when its turn comes. */
  execute<R>(
    connection: PipelinedConnection,
    compiledQuery: CompiledQuery,
  ): Promise<QueryResult<R>> {
    if (connection.inTransaction || (this.owner === undefined && this.waiting.length === 0)) {
      return this.track(connection, compiledQuery);
    }
    return new Promise<QueryResult<R>>((resolve, reject) => {
      // Sent synchronously when its turn comes, so sends keep the order of arrival.
      this.waiting.push(() => this.track<R>(connection, compiledQuery).then(resolve, reject));
    });
  }

  private track<R>(
    connection: PipelinedConnection,
    compiledQuery: CompiledQuery,
  ): Promise<QueryResult<R>> {
    const begin = connection.pendingBegin;
    connection.pendingBegin = undefined;
    this.inFlight += 1;
    const result = send<R>(this.pglite, compiledQuery, begin);
    const settle = () => {
      this.inFlight -= 1;
      this.checkIdle();
    };
    result.then(settle, settle);
    return result;
  }

  async beginTransaction(
    connection: DatabaseConnection,
    settings: TransactionSettings,
  ): Promise<void> {
    const lease = connection as PipelinedConnection;
    if (this.owner !== undefined || this.waiting.length > 0) {
      await new Promise<void>((resolve) => {
        this.waiting.push(() => {
          this.owner = lease;
          resolve();
        });
      });
    } else {
      this.owner = lease;
    }
    lease.inTransaction = true;
    if (this.deferBegin) lease.pendingBegin = beginStatement(settings);
    else await lease.executeQuery(CompiledQuery.raw(beginStatement(settings)));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    if (endsUnstarted(connection as PipelinedConnection)) return;
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    if (endsUnstarted(connection as PipelinedConnection)) return;
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }

  /**
   * The connection is let go only once the transaction's COMMIT or ROLLBACK answered: a
   * ROLLBACK after a failed COMMIT must not land in the next transaction.
   */
  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const lease = connection as PipelinedConnection;
    if (!lease.inTransaction) return;
    lease.inTransaction = false;
    if (this.owner !== lease) return;
    this.owner = undefined;
    // Statements waiting go out now, in order, up to the next transaction, which takes over.
    while (this.owner === undefined && this.waiting.length > 0) {
      (this.waiting.shift() as Turn)();
    }
    this.checkIdle();
  }

  private checkIdle(): void {
    if (this.inFlight > 0 || this.owner !== undefined || this.waiting.length > 0) return;
    const idle = this.idle;
    this.idle = [];
    for (const resolve of idle) resolve();
  }

  async destroy(): Promise<void> {
    if (this.inFlight > 0 || this.owner !== undefined || this.waiting.length > 0) {
      await new Promise<void>((resolve) => this.idle.push(resolve));
    }
    if (!this.pglite.closed) await this.pglite.close();
  }
}

/** A transaction whose BEGIN was never sent has nothing to commit or roll back. */
function endsUnstarted(lease: PipelinedConnection): boolean {
  const unstarted = lease.pendingBegin !== undefined;
  lease.pendingBegin = undefined;
  return unstarted;
}
