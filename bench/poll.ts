import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { readDemo, startServerProcess, temporaryDataDir } from '../test/support/server-process.js';
import { parseWholeNumberOptions } from './cli-options.js';
import { summarizeLatencies } from './drop-workload.js';
import { HttpConnection } from './http-client.js';
import { startBareServer } from './processes.js';
import { describeMachine, formatMachine } from './report.js';

/**
 * `npm run bench:poll`: every viewer's offer page and stream overlay polls the offer's live
 * state (`GET /api/v1/public/offers/{id}`) every two seconds, so during a show this is the
 * request Mydrop answers most: 100,000 viewers make 50,000 a second. This measures Mydrop's
 * answers per second and latency at 256 keep-alive connections against a bare node:http
 * server that builds and serialises the same JSON, in alternating rounds.
 */
const usage = `npm run bench:poll -- [--rounds=N] [--seconds=S] [--connections=N]
--rounds       alternating rounds of the bare server and Mydrop (default 3)
--seconds      length of each round (default 3)
--connections  keep-alive connections polling at once (default 256)`;

const { rounds, seconds, connections } = parseWholeNumberOptions(process.argv.slice(2), usage, {
  rounds: 3,
  seconds: 3,
  connections: 256,
});
const count = (value: number) => Math.round(value).toLocaleString('en-US');

interface Round {
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  failures: number;
}

/** Polls `path` on every connection, one request at a time each, for `seconds`. */
async function poll(port: number, path: string): Promise<Round> {
  const pool = Array.from({ length: connections }, () => new HttpConnection('127.0.0.1', port));
  await Promise.all(pool.map((connection) => connection.connect()));
  const latencies: number[] = [];
  let failures = 0;
  const started = performance.now();
  const ends = started + seconds * 1000;
  await Promise.all(
    pool.map(async (connection) => {
      while (performance.now() < ends) {
        const sent = performance.now();
        const answer = await connection.request('GET', path, null);
        latencies.push(performance.now() - sent);
        if (answer.status !== 200 || !answer.body.includes('"stockLeft"')) failures += 1;
      }
    }),
  );
  const elapsed = performance.now() - started;
  for (const connection of pool) connection.close();
  const { p50Ms, p99Ms } = summarizeLatencies(Float64Array.from(latencies));
  return { perSecond: (latencies.length / elapsed) * 1000, p50Ms, p99Ms, failures };
}

const machine = describeMachine('not used by this benchmark');
const startedAt = new Date();
const dataDir = temporaryDataDir();
const mydrop = await startServerProcess({
  NODE_ENV: 'production',
  MYDROP_SECRET: randomBytes(32).toString('base64url'),
  MYDROP_DEMO: '1',
  MYDROP_DATA_DIR: dataDir,
  HOST: '127.0.0.1',
  LOG_LEVEL: 'warn',
});
const bare = await startBareServer(200);
try {
  const demo = readDemo(dataDir);
  const path = `/api/v1/public/offers/${demo.liveOfferId}`;
  const mydropPort = Number(new URL(mydrop.url).port);
  process.stdout.write(
    `Polling the demo's live offer: ${connections} connections, ${rounds} rounds of ${seconds} s each, bare node:http then Mydrop\n`,
  );
  // A warm-up round each, unmeasured: both servers' code paths are compiled first.
  await poll(bare.port, path);
  await poll(mydropPort, path);
  const pairs: Array<{ bare: Round; mydrop: Round }> = [];
  for (let round = 1; round <= rounds; round += 1) {
    const pair = { bare: await poll(bare.port, path), mydrop: await poll(mydropPort, path) };
    pairs.push(pair);
    process.stdout.write(
      `round ${round}/${rounds}: bare ${count(pair.bare.perSecond)}/s, Mydrop ${count(pair.mydrop.perSecond)}/s (${(pair.mydrop.perSecond / pair.bare.perSecond).toFixed(2)}x), Mydrop p99 ${pair.mydrop.p99Ms.toFixed(1)} ms\n`,
    );
  }
  const median = [...pairs].sort(
    (a, b) => a.mydrop.perSecond / a.bare.perSecond - b.mydrop.perSecond / b.bare.perSecond,
  )[Math.floor(pairs.length / 2)] as { bare: Round; mydrop: Round };
  const row = (name: string, result: Round, ratio: string) =>
    `| ${name.padEnd(34)} | ${count(result.perSecond).padStart(10)} | ${result.p50Ms.toFixed(1).padStart(6)} | ${result.p99Ms.toFixed(1).padStart(6)} | ${String(result.failures).padStart(8)} | ${ratio.padStart(10)} |`;
  process.stdout.write(
    [
      '',
      formatMachine(machine, startedAt, new Date()),
      '',
      '| Server (median pair by ratio)      | Answers/s  | p50 ms | p99 ms | Failures | vs ceiling |',
      '| ---------------------------------- | ---------: | -----: | -----: | -------: | ---------: |',
      row('Ceiling: bare node:http', median.bare, '1.00x'),
      row(
        'Mydrop (embedded, PGlite)',
        median.mydrop,
        `${(median.mydrop.perSecond / median.bare.perSecond).toFixed(2)}x`,
      ),
      '',
    ].join('\n'),
  );
  const failed = pairs.some((pair) => pair.bare.failures + pair.mydrop.failures > 0);
  if (failed)
    process.stdout.write('Some answers were not a 200 with the offer state: see Failures.\n');
  process.exitCode = failed ? 1 : 0;
} finally {
  await bare.stop();
  await mydrop.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
