import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { clientSideAudit, type DropResult } from './drop-runner.js';
import {
  type DropSpec,
  dropSpecs,
  type InventoryAudit,
  oversoldUnits,
  reportedRound,
  type WorkloadPlan,
} from './drop-workload.js';
import { createScratchDatabase } from './postgres.js';
import { type BareServer, runLoadGenerator, startBareServer } from './processes.js';
import type { ScenarioRow } from './report.js';
import { EmbeddedMydrop, measureNoopCeiling } from './scenarios/in-process.js';
import { installMedusa } from './scenarios/medusa-install.js';
import {
  MedusaBaseline,
  medusaShoppers,
  medusaSkipsDrop,
  medusaVariants,
} from './scenarios/medusa-inventory.js';
import { MydropOverHttp } from './scenarios/mydrop-http.js';
import { measureBaseline } from './scenarios/postgres-baselines.js';

export interface BenchOptions {
  /** Append the run to the results file the console charts (bench/record.ts). */
  record: boolean;
  shoppers: number;
  /** In process a 20,000-shopper burst lasts ~50 ms, less than one scheduler hiccup: x10. */
  inProcessShoppers: number;
  only: Set<string> | null;
  drops: DropSpec[];
  postgresUrl: string;
  /** Redis for the "Mydrop with Redis" row; every key it writes starts with a run prefix. */
  redisUrl: string;
  pgClients: number;
  /** Shoppers per drop of the Medusa baseline, which decides a few hundred claims/s at best. */
  medusaShoppers: number;
}

export const lanes = 256;
export const thinkMs = 500;
export const latecomersPerSecond = 200;
/** The API's minimum; in process the book's TTL is set directly. */
const networkTtlSeconds = 10;
const inProcessTtlSeconds = 2;
/**
 * In process a burst lasts a few hundred milliseconds, so one collection or one neighbour's
 * time slice moves its rate by a third or more (rounds of one row spanned 790,000-1,300,000/s
 * in one run): each in-process row is the median of five rounds.
 */
export const inProcessRounds = 5;
/**
 * Rounds of the embedded server over HTTP and of the server on PostgreSQL (the rows the 0.7x
 * and p99 targets are judged on), each paired with a bare node:http drop just before it; the
 * server with Redis runs one pair.
 */
export const httpRounds = 3;
/** Mydrop in this process on the baselines' PostgreSQL server: the 20x target's own footing. */
const postgresInProcess = {
  key: 'postgres-in-process',
  name: 'Mydrop on PostgreSQL, in process',
  path: 'service',
} as const;
export const ceilingDrop = dropSpecs[0] as DropSpec;
/** A 1-unit drop whose units run out at once: warms the code paths of refusals. */
const warmupDrop = dropSpecs[1] as DropSpec;
/**
 * Shoppers of the warm-up drop every HTTP server gets first (the same for the bare ceiling and
 * Mydrop): enough for V8 to optimise the winners' paths too, not only the refusals'.
 */
const warmupShoppers = 20_000;
const runId = Date.now().toString(36);

type RowHead = Omit<ScenarioRow, 'drop' | 'result' | 'audit' | 'note'>;
/**
 * `ceiling`: decisions/s of the bare server's drop run just before this one, if paired, and
 * `ceilingP99Ms` that drop's p99.
 */
type Measured = {
  result: DropResult;
  audit: InventoryAudit | null;
  ceiling?: number | undefined;
  ceilingP99Ms?: number | undefined;
};

/** The scenarios of docs/benchmarks.md, each adding its rows as it finishes. */
export class DropBench {
  readonly rows: ScenarioRow[] = [];
  /** Scratch databases to drop if the run is interrupted. */
  readonly cleanups = new Set<() => Promise<void>>();
  /**
   * The bare node:http server stays up after its own row: every Mydrop drop over HTTP is
   * paired with a bare drop run just before it (see runOverHttp).
   */
  private bare: BareServer | null = null;
  private pairedOffers = 0;

  constructor(
    private readonly options: BenchOptions,
    private readonly progress: (text: string) => void,
  ) {}

  wants(key: string): boolean {
    return this.options.only === null || this.options.only.has(key);
  }

  plan(prefix: string, spec: DropSpec, shoppers: number, ttl: number | null): WorkloadPlan {
    return {
      shoppers,
      lanes,
      reserved: spec.units,
      latecomersPerSecond: ttl === null ? 0 : latecomersPerSecond,
      latecomerWindowMs: ttl === null ? 0 : (ttl + 10) * 1000,
      thinkMs,
      prefix: `${runId}-${prefix}-${spec.id}`,
    };
  }

  async runCeilings(): Promise<void> {
    const { shoppers, inProcessShoppers } = this.options;
    const plan = (prefix: string, count: number) => this.plan(prefix, ceilingDrop, count, null);
    if (this.wants('noop')) {
      // Warmed up at the measured size: the first drop of 200,000 in a process pays for
      // growing its heap, which no later round does.
      await measureNoopCeiling(plan('noop-warmup', inProcessShoppers));
      const head = row('noop', 'Ceiling: no-op decision in process', 'ceiling', 'in-process', null);
      let round = 0;
      await this.measure(
        head,
        ceilingDrop,
        () => measureNoopCeiling(plan(`noop-r${round++}`, inProcessShoppers)),
        inProcessRounds,
      );
    }
    if (this.wants('bare-http')) {
      const server = await startBareServer(ceilingDrop.units);
      this.bare = server;
      this.cleanups.add(server.stop);
      await this.bareDrop('warmup', 'bare-warmup', warmupShoppers);
      const head = row('bare-http', 'Ceiling: bare node:http', 'ceiling', 'http', null);
      await this.measure(head, ceilingDrop, async () => {
        const result = await this.bareDrop('measured', 'bare', shoppers);
        return { result, audit: clientSideAudit(result, ceilingDrop.units) };
      });
    }
  }

  /** A drop of the 200-unit ceiling workload on the bare server, on an offer id of its own. */
  private bareDrop(offerId: string, prefix: string, count: number): Promise<DropResult> {
    const server = this.bare;
    if (!server) throw new Error('the bare server is not running');
    return runLoadGenerator({
      host: '127.0.0.1',
      port: server.port,
      offerId,
      plan: this.plan(prefix, ceilingDrop, count, null),
    });
  }

  /** Stops what outlives its own rows (the bare server). */
  async close(): Promise<void> {
    const server = this.bare;
    this.bare = null;
    if (!server) return;
    this.cleanups.delete(server.stop);
    await server.stop();
  }

  async runInProcess(): Promise<void> {
    await this.runEmbedded(
      [
        { key: 'embedded', name: 'Mydrop embedded, in process', path: 'service' as const },
        { key: 'engine', name: 'Mydrop in process, embedded store only', path: 'engine' as const },
      ].filter((entry) => this.wants(entry.key)),
    );
  }

  /**
   * The in-process rows of one Mydrop in this process: on PGlite, or on the PostgreSQL
   * database `databaseUrl` (the server the baselines use: the like-for-like comparison).
   */
  private async runEmbedded(
    paths: ReadonlyArray<{ key: string; name: string; path: 'service' | 'engine' }>,
    databaseUrl?: string,
  ): Promise<void> {
    if (paths.length === 0) return;
    const mydrop = await EmbeddedMydrop.open(this.options.inProcessShoppers, databaseUrl);
    try {
      for (const { key, name, path } of paths) {
        // At the measured size, as the ceiling (see runCeilings).
        const warmup = this.plan(`${key}-warmup`, warmupDrop, this.options.inProcessShoppers, null);
        await mydrop.measure(warmupDrop, warmup, path, 60_000);
        const head = row(key, name, 'mydrop', 'in-process', inProcessTtlSeconds);
        for (const drop of this.options.drops) {
          let round = 0;
          await this.measure(
            head,
            drop,
            () => {
              const prefix = `${key}-r${round++}`;
              const plan = this.plan(
                prefix,
                drop,
                this.options.inProcessShoppers,
                inProcessTtlSeconds,
              );
              return mydrop.measure(drop, plan, path, inProcessTtlSeconds * 1000);
            },
            inProcessRounds,
          );
        }
      }
    } finally {
      await mydrop.close();
    }
  }

  /**
   * Mydrop's server as a process, on PGlite or (with a URL) PostgreSQL; audited at the end.
   * With the bare server up, each drop is paired with a bare drop run just before it, and the
   * row's ratio is to that one: the machine is shared, and its speed drifts by a third within
   * minutes, so a ceiling measured at the start of the run says little about a row measured
   * five minutes later. `rounds` pairs are run and the median pair (by ratio) reported.
   */
  async runOverHttp(
    key: string,
    name: string,
    databaseUrl?: string,
    env: Record<string, string> = {},
    rounds = 1,
  ): Promise<void> {
    const head = row(key, name, 'mydrop', 'http', networkTtlSeconds);
    this.progress(`start ${name}: starting the server`);
    let server: MydropOverHttp | undefined;
    try {
      server = await MydropOverHttp.start(databaseUrl, env);
      // Warmed as the bare server is: 5,000 shoppers on a drop of 200 units, so the winners'
      // paths (hold writes, checkout, orders) are not first run inside the measured drop.
      await server.measure(
        ceilingDrop,
        this.plan(`${key}-warmup`, ceilingDrop, warmupShoppers, null),
      );
    } catch (error) {
      await server?.abort();
      const why = `failed: the server did not start: ${summary(error)}`;
      for (const drop of this.options.drops)
        this.rows.push({ ...head, drop, result: null, audit: null, note: why });
      this.progress(`FAIL  ${name}: ${why}`);
      return;
    }
    const measured = new Map<string, ScenarioRow>();
    try {
      for (const drop of this.options.drops) {
        const offers: string[] = [];
        let round = 0;
        const entry = await this.measure(
          head,
          drop,
          async () => {
            const prefix = `${key}-r${round++}`;
            const paired = `paired-${++this.pairedOffers}`;
            const ceiling = this.bare
              ? await this.bareDrop(paired, `${prefix}-bare`, this.options.shoppers)
              : null;
            const plan = this.plan(prefix, drop, this.options.shoppers, networkTtlSeconds);
            const run = await server.measure(drop, plan);
            offers.push(run.offerId);
            return {
              result: run.result,
              audit: null,
              ceiling: ceiling?.decisionsPerSecond,
              ceilingP99Ms: ceiling?.p99Ms,
            };
          },
          rounds,
        );
        // Every round's offer is audited: the row keeps the worst audit of its rounds.
        for (const offerId of offers) measured.set(offerId, entry);
      }
      for (const [offerId, audit] of await server.stopAndAudit()) {
        const entry = measured.get(offerId);
        if (entry) entry.audit = worseAudit(entry.audit, audit);
      }
    } catch (error) {
      await server.abort();
      for (const entry of measured.values()) entry.note ??= `not audited: ${summary(error)}`;
    }
  }

  /**
   * Mydrop sharing its offers through Redis (REDIS_URL) on a PostgreSQL database: the
   * configuration of several server processes, measured here with one.
   */
  async runRedis(postgresReachable: boolean): Promise<void> {
    const name = 'Mydrop with Redis (+ PostgreSQL), over HTTP';
    const problem = postgresReachable
      ? await redisProblem(this.options.redisUrl)
      : `no PostgreSQL at ${this.options.postgresUrl}`;
    if (problem) {
      const head = row('redis', name, 'mydrop', 'http', networkTtlSeconds);
      this.rows.push({
        ...head,
        drop: null,
        result: null,
        audit: null,
        note: `skipped: ${problem}`,
      });
      return;
    }
    const prefix = `mydrop-bench:${runId}:`;
    const dropKeys = () => deleteRedisKeys(this.options.redisUrl, prefix);
    this.cleanups.add(dropKeys);
    try {
      await this.withScratchDatabase((url) =>
        this.runOverHttp('redis', name, url, {
          REDIS_URL: this.options.redisUrl,
          MYDROP_REDIS_PREFIX: prefix,
        }),
      );
    } finally {
      this.cleanups.delete(dropKeys);
      await dropKeys();
    }
  }

  /** Mydrop on PostgreSQL and both baselines, each in a database of its own. */
  async runPostgres(reachable: boolean): Promise<void> {
    const baselines = (
      [
        ['for-update', 'Baseline: SELECT ... FOR UPDATE'],
        ['conditional-update', 'Baseline: conditional UPDATE'],
      ] as const
    ).filter(([kind]) => this.wants(kind));
    const onPostgres = this.wants('http-postgres');
    const inProcess = this.wants(postgresInProcess.key);
    if (!reachable) {
      const why = `skipped: no PostgreSQL at ${this.options.postgresUrl}`;
      const heads = [
        ...(onPostgres
          ? [row('http-postgres', 'Mydrop on PostgreSQL, over HTTP', 'mydrop', 'http', null)]
          : []),
        ...(inProcess
          ? [row(postgresInProcess.key, postgresInProcess.name, 'mydrop', 'in-process', null)]
          : []),
        ...baselines.map(([kind, name]) => row(kind, name, 'baseline', null, null)),
      ];
      for (const head of heads)
        this.rows.push({ ...head, drop: null, result: null, audit: null, note: why });
      return;
    }
    if (onPostgres) {
      await this.withScratchDatabase((url) =>
        this.runOverHttp('http-postgres', 'Mydrop on PostgreSQL, over HTTP', url, {}, httpRounds),
      );
    }
    if (inProcess) {
      await this.withScratchDatabase((url) => this.runEmbedded([postgresInProcess], url));
    }
    if (baselines.length === 0) return;
    await this.withScratchDatabase(async (url) => {
      for (const [kind, name] of baselines) {
        const head = row(kind, name, 'baseline', null, networkTtlSeconds);
        for (const drop of this.options.drops) {
          const plan = this.plan(kind, drop, this.options.shoppers, networkTtlSeconds);
          await this.measure(head, drop, () =>
            measureBaseline(url, kind, drop, plan, networkTtlSeconds, this.options.pgClients),
          );
        }
      }
    });
  }

  // --- Medusa baseline (bench/scenarios/medusa-inventory.ts, bench/medusa/) ---

  /**
   * The real @medusajs/inventory module with its lock, then without it, on a database of its
   * own. Its packages are installed into bench/medusa on first use; without them, "skipped".
   */
  async runMedusa(postgresReachable: boolean): Promise<void> {
    if (!this.wants('medusa')) return;
    const variants = medusaVariants.map((variant) => ({
      variant,
      head: row('medusa', variant.name, 'baseline', null, networkTtlSeconds),
    }));
    const giveUp = (note: string) => {
      for (const { head } of variants)
        this.rows.push({ ...head, drop: null, result: null, audit: null, note });
      this.progress(`FAIL  Medusa baseline: ${note}`);
    };
    const problem = postgresReachable
      ? await installMedusa(this.progress)
      : `no PostgreSQL at ${this.options.postgresUrl}`;
    if (problem) return giveUp(`skipped: ${problem}`);
    await this.withScratchDatabase(async (url) => {
      this.progress('start Medusa baseline: booting @medusajs/inventory and its migrations');
      let medusa: MedusaBaseline;
      try {
        medusa = await MedusaBaseline.open(url, this.options.pgClients);
      } catch (error) {
        return giveUp(`failed: Medusa did not boot: ${summary(error)}`);
      }
      try {
        for (const { variant, head } of variants) {
          const { shoppers, medusaShoppers: asked } = this.options;
          const { count, note } = medusaShoppers(variant, asked, shoppers);
          for (const drop of this.options.drops) {
            const plan = this.plan(`medusa-${variant.key}`, drop, count, networkTtlSeconds);
            const skipped = medusaSkipsDrop(variant, drop);
            if (skipped) {
              this.rows.push({ ...head, drop, result: null, audit: null, note: skipped });
              continue;
            }
            let detail: string | null = null;
            const entry = await this.measure(head, drop, async () => {
              const measured = await medusa.measure(variant.locked, drop, plan, networkTtlSeconds);
              detail = measured.detail;
              return measured;
            });
            entry.note ??= [note, detail].filter(Boolean).join('; ') || null;
          }
        }
      } finally {
        await medusa.close();
      }
    });
  }

  // --- end of the Medusa baseline ---

  /**
   * Runs one measurement (or `rounds` of them, reporting the median round) with a line before
   * and after; a failure becomes the row's note.
   */
  private async measure(
    head: RowHead,
    drop: DropSpec,
    run: () => Promise<Measured>,
    rounds = 1,
  ): Promise<ScenarioRow> {
    const entry: ScenarioRow = { ...head, drop, result: null, audit: null, note: null };
    const label = `${head.name} / ${drop.label}`;
    this.progress(`start ${label}${rounds > 1 ? `, ${rounds} rounds` : ''}`);
    const started = performance.now();
    try {
      const measured: Array<Measured & { rate: number }> = [];
      for (let round = 0; round < rounds; round++) {
        const taken = await run();
        // A paired round is ranked by its ratio to its own ceiling.
        const { result, ceiling } = taken;
        const rate = ceiling ? result.decisionsPerSecond / ceiling : result.decisionsPerSecond;
        measured.push({ ...taken, rate });
      }
      const { result, audit, ceiling } = reportedRound(measured);
      entry.result = result;
      entry.audit = audit;
      if (ceiling) entry.ceilingPerSecond = ceiling;
      if (rounds > 1) {
        entry.p99RoundsMs = measured.map((round) => round.result.p99Ms);
        const paired = measured.map((round) => round.ceilingP99Ms);
        if (paired.every((p99) => p99 !== undefined)) entry.ceilingP99RoundsMs = paired;
      }
      const rate = perSecond(result.decisionsPerSecond);
      const figure = (round: Measured) =>
        round.ceiling
          ? `${perSecond(round.result.decisionsPerSecond)} p99 ${round.result.p99Ms.toFixed(0)} ms ` +
            `vs bare ${perSecond(round.ceiling)} p99 ${round.ceilingP99Ms?.toFixed(0) ?? '-'} ms`
          : perSecond(round.result.decisionsPerSecond);
      const each =
        rounds > 1
          ? ` (median of ${measured.map(figure).join(', ')})`
          : ceiling
            ? ` (bare node:http just before: ${perSecond(ceiling)}/s)`
            : '';
      const took = ((performance.now() - started) / 1000).toFixed(1);
      this.progress(
        `done  ${label}: ${rate} decisions/s${each}, p99 ${result.p99Ms.toFixed(2)} ms, winners p50/p99 ` +
          `${result.winnersP50Ms.toFixed(1)}/${result.winnersP99Ms.toFixed(1)} ms (${took} s)`,
      );
    } catch (error) {
      entry.note = `failed: ${summary(error)}`;
      this.progress(`FAIL  ${label}: ${entry.note}`);
    }
    this.rows.push(entry);
    return entry;
  }

  private async withScratchDatabase(use: (url: string) => Promise<void>): Promise<void> {
    const database = await createScratchDatabase(this.options.postgresUrl);
    this.cleanups.add(database.drop);
    try {
      await use(database.url);
    } finally {
      this.cleanups.delete(database.drop);
      await database.drop();
    }
  }
}

/** The audit that broke the books more, with every problem of both. */
function worseAudit(kept: InventoryAudit | null, next: InventoryAudit): InventoryAudit {
  if (kept === null) return next;
  const worse = oversoldUnits(next) > oversoldUnits(kept) ? next : kept;
  return { ...worse, problems: [...kept.problems, ...next.problems] };
}

async function redisProblem(url: string): Promise<string | undefined> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    await redis.ping();
    return undefined;
  } catch (error) {
    return `no Redis at ${url}: ${summary(error)}`;
  } finally {
    redis.disconnect();
  }
}

/** Removes every key the run wrote (SCAN, never KEYS, so a shared Redis is not blocked). */
async function deleteRedisKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

function perSecond(rate: number): string {
  return Math.round(rate).toLocaleString('en-US');
}

function row(
  key: string,
  name: string,
  role: ScenarioRow['role'],
  ceiling: ScenarioRow['ceiling'],
  holdTtlSeconds: number | null,
): RowHead {
  return { key, name, role, ceiling, holdTtlSeconds };
}

/** The first two lines of an error: for a server that exited, what it said first. */
function summary(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n').filter(Boolean).slice(0, 2).join(' ');
}
