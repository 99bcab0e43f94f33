import { performance } from 'node:perf_hooks';
import { hashKey, KeyTable } from '../src/lib/key-table.js';
import { parseWholeNumberOptions } from './cli-options.js';
import { flat } from './drop-runner.js';
import { describeMachine, formatMachine } from './report.js';

/**
 * `npm run bench:keys`: what remembering a drop's idempotency keys costs. Every claim of a new
 * shopper looks its key up and then keeps it (a retry gets the first answer), so a drop of
 * 200,000 shoppers puts 200,000 fresh keys into one table. Measured for a `Map` and for the
 * KeyTable the offer book uses, both as the decision does it (look up, then set), in rounds
 * that alternate the two. A KeyTable's first round takes fresh arrays from the system; later
 * rounds reuse the arrays the previous round's table released, as the next drop of a running
 * server does.
 */
const usage = `npm run bench:keys -- [--keys=N] [--rounds=N]
--keys    fresh keys per round (default 220,000: a 200,000-shopper drop with 10% retries)
--rounds  rounds of each structure (default 5)`;

const { keys: keyCount, rounds } = parseWholeNumberOptions(process.argv.slice(2), usage, {
  keys: 220_000,
  rounds: 5,
});
const collectGarbage = (globalThis as { gc?: () => void }).gc;

let run = 0;
/** Fresh keys shaped like the benchmark's (and a server's: one flat string per header). */
function freshKeys(): string[] {
  run += 1;
  return Array.from({ length: keyCount }, (_, index) => flat(`run${run}-drop-key-${index}`));
}

const answer = { refused: 'sold_out' };

function timeMap(keys: string[]): number {
  collectGarbage?.();
  const started = performance.now();
  const table = new Map<string, object>();
  for (const key of keys) {
    if (table.get(key) === undefined) table.set(key, answer);
  }
  return performance.now() - started;
}

function timeKeyTable(keys: string[]): number {
  collectGarbage?.();
  const started = performance.now();
  const table = new KeyTable<object>();
  for (const key of keys) {
    const hash = hashKey(key);
    if (table.get(key, hash) === undefined) table.set(key, hash, answer);
  }
  const elapsed = performance.now() - started;
  table.release();
  return elapsed;
}

const startedAt = new Date();
const machine = describeMachine(null);
const perKey = (ms: number) => `${Math.round((ms * 1e6) / keyCount)} ns`;
const mapRounds: number[] = [];
const tableRounds: number[] = [];
process.stdout.write(`${keyCount.toLocaleString('en-US')} fresh keys a round, ${rounds} rounds\n`);
for (let round = 1; round <= rounds; round++) {
  const mapMs = timeMap(freshKeys());
  const tableMs = timeKeyTable(freshKeys());
  mapRounds.push(mapMs);
  tableRounds.push(tableMs);
  process.stdout.write(
    `round ${round}: Map ${perKey(mapMs)} a key, KeyTable ${perKey(tableMs)} a key${round === 1 ? ' (fresh arrays)' : ''}\n`,
  );
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1] ?? 0;
const warm = tableRounds.slice(1);
process.stdout.write(
  [
    '',
    `Look up and set a new key: Map median ${perKey(median(mapRounds))}; KeyTable median ${perKey(median(warm.length > 0 ? warm : tableRounds))} with reused arrays, ${perKey(tableRounds[0] ?? 0)} with fresh ones`,
    formatMachine({ ...machine, postgres: 'not used' }, startedAt, new Date()),
    '',
  ].join('\n'),
);
