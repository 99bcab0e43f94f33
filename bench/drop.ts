import { relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  type BenchOptions,
  ceilingDrop,
  DropBench,
  httpRounds,
  lanes,
  latecomersPerSecond,
  thinkMs,
} from './drop-scenarios.js';
import { dropSpecs } from './drop-workload.js';
import { defaultPostgresUrl, postgresVersion } from './postgres.js';
import { buildRun, defaultResultsFile, recordRun } from './record.js';
import {
  describeMachine,
  formatFindings,
  formatMachine,
  formatTable,
  formatTargets,
} from './report.js';
import { measureDecisionCore } from './scenarios/in-process.js';

/**
 * `npm run bench:drop`: every scenario of docs/benchmarks.md in one run, then the table, the
 * targets and anything that went wrong.
 */
const usage = `npm run bench:drop -- [--quick] [--only=a,b] [--drops=a,b] [--shoppers=N]
  [--postgres=URL] [--redis=URL] [--pg-clients=N] [--medusa-shoppers=N] [--record|--no-record]
--quick       2,000 shoppers per drop instead of 20,000 (x10 in process)
--only        noop, bare-http, embedded, engine, http-pglite, redis, http-postgres,
              postgres-in-process, for-update, conditional-update, medusa
--drops       ${dropSpecs.map((drop) => drop.id).join(', ')}
--postgres    admin URL of the PostgreSQL server, default BENCH_POSTGRES_URL or
              ${defaultPostgresUrl};
              the run creates and drops mydrop_bench_* databases
--redis       Redis for the "with Redis" row, default BENCH_REDIS_URL or
              redis://127.0.0.1:6379; the run deletes the keys it wrote
--pg-clients  pg pool size of the baselines (default 64)
--medusa-shoppers  shoppers per drop of the Medusa baseline (default 2,000, or --shoppers
              if fewer); it installs @medusajs/inventory into bench/medusa on first use
--record      append the run to bench/results/drop-runs.json (the console's Benchmarks
              page); a full run (no --only, --drops, --quick or --shoppers) is recorded
              unless --no-record`;

function parseOptions(argv: string[]): BenchOptions {
  if (argv.includes('--help')) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  const value = (name: string) =>
    argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
  const shoppers = Number(value('shoppers') ?? (argv.includes('--quick') ? 2_000 : 20_000));
  const only = value('only')?.split(',');
  const drops = value('drops')?.split(',');
  const full = !argv.some((arg) => /^--(only|drops|quick|shoppers)/.test(arg));
  return {
    record: argv.includes('--record') || (full && !argv.includes('--no-record')),
    shoppers,
    inProcessShoppers: shoppers * 10,
    only: only ? new Set(only) : null,
    drops: drops ? dropSpecs.filter((drop) => drops.includes(drop.id)) : [...dropSpecs],
    postgresUrl: value('postgres') ?? process.env.BENCH_POSTGRES_URL ?? defaultPostgresUrl,
    redisUrl: value('redis') ?? process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
    pgClients: Number(value('pg-clients') ?? 64),
    medusaShoppers: Number(value('medusa-shoppers') ?? Math.min(shoppers, 2_000)),
  };
}

const options = parseOptions(process.argv.slice(2));
const began = performance.now();
const count = (value: number) => value.toLocaleString('en-US');

function progress(text: string): void {
  const elapsed = ((performance.now() - began) / 1000).toFixed(1).padStart(6);
  process.stdout.write(`[${elapsed} s] ${text}\n`);
}

const bench = new DropBench(options, progress);

async function main(): Promise<void> {
  const postgres = await postgresVersion(options.postgresUrl);
  const machine = describeMachine(postgres);
  progress(
    `Mydrop drop benchmark: ${count(options.shoppers)} shoppers per drop over the network, ${count(options.inProcessShoppers)} in process, ${lanes} at a time`,
  );
  try {
    await bench.runCeilings();
    await bench.runInProcess();
    if (bench.wants('http-pglite')) {
      const name = 'Mydrop embedded, over HTTP (PGlite)';
      await bench.runOverHttp('http-pglite', name, undefined, {}, httpRounds);
    }
    if (bench.wants('redis')) await bench.runRedis(postgres !== null);
    await bench.runPostgres(postgres !== null);
  } finally {
    await bench.close();
  }
  await bench.runMedusa(postgres !== null);
  measureDecisionCore(options.shoppers, ceilingDrop.units); // warm-up
  const core = measureDecisionCore(options.inProcessShoppers, ceilingDrop.units);

  const ranAt = new Date(Date.now() - (performance.now() - began));
  const findings = formatFindings(bench.rows);
  process.stdout.write(
    [
      '',
      formatMachine(machine, ranAt, new Date()),
      `Workload per drop: ${count(options.shoppers)} shoppers over the network, ${count(options.inProcessShoppers)} in process, ${lanes} in flight; 10% retry with the same key; 30% of the burst's winners abandon, the others pay ${thinkMs} ms after winning; latecomers at ${latecomersPerSecond}/s take the units expiry gives back. Baselines: pg pool of ${options.pgClients}.`,
      '',
      formatTable(bench.rows),
      '',
      `Decision core alone (OfferBook.claim in a synchronous loop: no driver, no promises, no durability wait): ${count(Math.round(core))} claims/s`,
      '',
      'Targets (200-unit drop):',
      ...formatTargets(bench.rows),
      '',
      findings.length > 0
        ? 'Findings:'
        : 'Findings: none (no errors, every retry got its hold back, audits clean).',
      ...findings.map((finding) => `- ${finding}`),
      '',
    ].join('\n'),
  );
  if (options.record) {
    const run = buildRun({
      ranAt,
      machine,
      shoppers: options.shoppers,
      inProcessShoppers: options.inProcessShoppers,
      lanes,
      rows: bench.rows,
      decisionCorePerSecond: core,
    });
    recordRun(run);
    progress(
      `recorded in ${relative(process.cwd(), defaultResultsFile)} (the console's Benchmarks page)`,
    );
  }
}

process.once('SIGINT', () => {
  progress('interrupted: dropping scratch databases');
  Promise.allSettled([...bench.cleanups].map((drop) => drop())).finally(() => process.exit(130));
});

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : error}\n`);
    process.exit(1);
  },
);
