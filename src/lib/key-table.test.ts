import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  hashKey,
  KeyTable,
  keyTableSpareBytes,
  prepareKeyTables,
  spareBytesLimit,
} from './key-table.js';

type Operation =
  | { kind: 'set'; key: string; value: number }
  | { kind: 'get'; key: string }
  | { kind: 'delete'; key: string }
  | { kind: 'release' };

const keys = fc.constantFrom(...Array.from({ length: 40 }, (_, index) => `key-${index}`));
const operations = fc.array(
  fc.oneof(
    {
      weight: 6,
      arbitrary: fc.record({ kind: fc.constant('set' as const), key: keys, value: fc.nat() }),
    },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('get' as const), key: keys }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('delete' as const), key: keys }) },
    { weight: 1, arbitrary: fc.constant({ kind: 'release' as const }) },
  ),
  { maxLength: 300 },
);

/** Replays operations on a KeyTable and on a Map; every answer must agree. */
function agreesWithMap(ops: Operation[], hashOf: (key: string) => number): void {
  const table = new KeyTable<number>();
  const model = new Map<string, number>();
  for (const op of ops) {
    if (op.kind === 'set') {
      table.set(op.key, hashOf(op.key), op.value);
      model.set(op.key, op.value);
    } else if (op.kind === 'get') {
      expect(table.get(op.key, hashOf(op.key))).toBe(model.get(op.key));
    } else if (op.kind === 'delete') {
      expect(table.delete(op.key, hashOf(op.key))).toBe(model.delete(op.key));
    } else {
      table.release();
      model.clear();
    }
    expect(table.size).toBe(model.size);
  }
  expect(new Map(table)).toEqual(model);
  for (const key of model.keys()) expect(table.has(key, hashOf(key))).toBe(true);
}

describe('KeyTable', () => {
  it('answers as a Map does through sets, deletes, growth and release', () => {
    fc.assert(fc.property(operations, (ops) => agreesWithMap(ops, hashKey)));
  });

  it('keeps every key reachable when hashes collide and probes wrap around the end', () => {
    // Three hashes for forty keys, all near the end of the slots: long runs that wrap to
    // slot 0, so deleting from the middle of a run has to shift entries across the end.
    const crowded = (key: string) => -1 - (Number(key.slice(4)) % 3);
    fc.assert(
      fc.property(operations, (ops) => agreesWithMap(ops, crowded)),
      { numRuns: 1000 },
    );
  });

  it('keeps a wrapped entry reachable when a key before the end is deleted', () => {
    // Homes 15, 14, 13 of 16 slots: key-3 (home 15) wraps to slot 0 behind key-0 at 15.
    const table = new KeyTable<number>();
    const crowded = (key: string) => -1 - (Number(key.slice(4)) % 3);
    for (let index = 0; index < 6; index++)
      table.set(`key-${index}`, crowded(`key-${index}`), index);
    table.delete('key-1', crowded('key-1'));
    const found = [0, 2, 3, 4, 5].map((index) =>
      table.get(`key-${index}`, crowded(`key-${index}`)),
    );
    expect(found).toEqual([0, 2, 3, 4, 5]);
  });

  it('finds a key by content, not by identity', () => {
    const table = new KeyTable<string>();
    const key = ['idem', 'potency'].join('-');
    table.set(key, hashKey(key), 'first answer');
    const again = `idem-${'potency'}`;
    expect(table.get(again, hashKey(again))).toBe('first answer');
  });

  it('hands a grown table its arrays back empty after a release, within the bound', () => {
    const keysOfCrowd = Array.from({ length: 20_000 }, (_, index) => `crowd-${index}`);
    const first = new KeyTable<number>();
    for (const key of keysOfCrowd) first.set(key, hashKey(key), 1);
    const before = keyTableSpareBytes();
    first.release();
    expect(keyTableSpareBytes()).toBeGreaterThan(before);
    expect(first.size).toBe(0);
    expect(first.get('crowd-1', hashKey('crowd-1'))).toBeUndefined();

    const second = new KeyTable<number>();
    for (const key of keysOfCrowd.slice(0, 10_000)) {
      // Reused arrays hold nothing of the first table's.
      expect(second.get(key, hashKey(key))).toBeUndefined();
      second.set(key, hashKey(key), 2);
    }
    expect(second.get('crowd-9999', hashKey('crowd-9999'))).toBe(2);
    expect(second.get('crowd-10000', hashKey('crowd-10000'))).toBeUndefined();
    expect(keyTableSpareBytes()).toBeLessThanOrEqual(spareBytesLimit);
  });

  it('prepares the arrays a crowd grows through once, and a table growing to it takes them', () => {
    const crowd = 60_000; // grows through 4,096 .. 131,072 slots
    prepareKeyTables(crowd);
    expect(prepareKeyTables(crowd)).toBe(0); // every size is already there
    const before = keyTableSpareBytes();
    const table = new KeyTable<number>();
    for (let index = 0; index < crowd; index++) {
      const key = `prepared-${index}`;
      table.set(key, hashKey(key), index);
    }
    expect(table.get('prepared-59999', hashKey('prepared-59999'))).toBe(59_999);
    // Each growth took a prepared array and gave back the one outgrown: the pool is short of
    // exactly the array the table now holds (a slot is a 4-byte hash and two references).
    expect(before - keyTableSpareBytes()).toBe(131_072 * (4 + 2 * 8));
    table.release();
    expect(keyTableSpareBytes()).toBe(before);
  });

  it('prepares no more than the pool keeps', () => {
    prepareKeyTables(50_000_000);
    expect(keyTableSpareBytes()).toBeLessThanOrEqual(spareBytesLimit);
  });
});

describe('hashKey', () => {
  it('is never 0 and is the same for equal strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (key) => {
        const hash = hashKey(key);
        expect(hash).not.toBe(0);
        expect(hashKey(key.split('').join(''))).toBe(hash);
      }),
    );
  });

  it('spreads keys that differ in one character over the slots', () => {
    const slots = 1024;
    const used = new Set<number>();
    for (let index = 0; index < 512; index++) used.add(hashKey(`order-${index}`) & (slots - 1));
    // Uniform hashing fills about 1024 * (1 - e^-0.5), 403 slots; a weak hash far fewer.
    expect(used.size).toBeGreaterThan(360);
  });
});
