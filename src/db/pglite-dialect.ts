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
 * Kysely dialect for PGlite. PGlite is one connection (in this thread or a worker), so the driver
 * hands it out to one user at a time: a transaction holds it from BEGIN to COMMIT and other
 * queries wait their turn, which keeps transactions isolated exactly as on a server.
 */
export class PGliteDialect implements Dialect {
  /**
   * `deferBegin`: the client runs a BEGIN with the statement after it (PGliteWorkerClient). A
   * transaction then sends nothing until its first statement, and a transaction that ran no
   * statement sends no COMMIT either.
   */
  constructor(
    private readonly pglite: PGliteClient,
    private readonly options: { deferBegin?: boolean } = {},
  ) {}

  createAdapter() {
    return new PostgresAdapter();
  }

  createDriver(): Driver {
    return new PGliteDriver(this.pglite, this.options.deferBegin === true);
  }

  createIntrospector(db: Kysely<unknown>) {
    return new PostgresIntrospector(db);
  }

  createQueryCompiler() {
    return new PostgresQueryCompiler();
  }
}

class PGliteConnection implements DatabaseConnection {
  /** A BEGIN not sent yet: it goes with the next statement. */
  pendingBegin: string | undefined;

  constructor(private readonly pglite: PGliteClient) {}

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const begin = this.pendingBegin;
    this.pendingBegin = undefined;
    const parameters = [...compiledQuery.parameters];
    const result =
      begin === undefined
        ? await this.pglite.query<R>(compiledQuery.sql, parameters)
        : await (this.pglite as DeferredBeginClient).query<R>(compiledQuery.sql, parameters, begin);
    const affected = result.affectedRows;
    return {
      rows: result.rows,
      ...(affected !== undefined ? { numAffectedRows: BigInt(affected) } : {}),
    };
  }

  // biome-ignore lint/correctness/useYield: PGlite has no cursors; streaming is not offered.
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('PGlite dialect does not support streaming queries');
  }
}

class PGliteDriver implements Driver {
  private readonly connection: PGliteConnection;
  private queue: Promise<void> = Promise.resolve();
  private releaseCurrent: (() => void) | undefined;

  constructor(
    private readonly pglite: PGliteClient,
    private readonly deferBegin: boolean,
  ) {
    this.connection = new PGliteConnection(pglite);
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
    const isolation = settings.isolationLevel ? ` isolation level ${settings.isolationLevel}` : '';
    if (this.deferBegin) this.connection.pendingBegin = `begin${isolation}`;
    else await connection.executeQuery(CompiledQuery.raw(`begin${isolation}`));
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
