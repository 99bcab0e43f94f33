import { randomInt } from 'node:crypto';

/**
 * A map from string keys to values for the hot path of a drop: every new shopper's
 * idempotency key is looked up and then remembered, hundreds of thousands of times a drop.
 *
 * Why not `Map`: with a few hundred thousand fresh keys, a lookup and a set of a new key cost
 * 390-750 ns on the benchmark machine (`npm run bench:keys`), as much as the rest of a
 * decision. Most of it is fresh memory: each time a table grows it takes new pages, and this
 * virtual machine hands them out at about 15-30 us a 4 KiB page. A KeyTable on fresh arrays
 * costs as much as a Map; but a Map cannot give its arrays back, and a KeyTable does: the
 * arrays it outgrows, and those of a released table (a closed offer's book), are kept within a
 * bound for the next table that grows to that size. On reused arrays, 150-260 ns.
 *
 * Layout: the 32-bit hash of each key sits in a compact `Int32Array` probed linearly (at most
 * half full), so a miss reads one cache line and no key string; keys and values sit side by
 * side in one array, read only when hashes match. The hash is computed once by the caller
 * (`hashKey`) and passed to each call, so a lookup in several tables hashes the key once. It
 * is seeded per process, so a client cannot choose keys that collide; the API bounds keys to
 * 200 characters.
 */
export class KeyTable<V> {
  private storage: Storage;
  private count = 0;

  constructor(expected = 0) {
    this.storage = takeStorage(slotsFor(expected));
  }

  get size(): number {
    return this.count;
  }

  get(key: string, hash: number): V | undefined {
    const slot = this.find(key, hash);
    return slot < 0 ? undefined : (this.storage.entries[2 * slot + 1] as V);
  }

  has(key: string, hash: number): boolean {
    return this.find(key, hash) >= 0;
  }

  set(key: string, hash: number, value: V): void {
    const { hashes, entries } = this.storage;
    const mask = hashes.length - 1;
    let slot = hash & mask;
    for (;;) {
      const stored = hashes[slot];
      if (stored === 0) break;
      if (stored === hash && entries[2 * slot] === key) {
        entries[2 * slot + 1] = value;
        return;
      }
      slot = (slot + 1) & mask;
    }
    hashes[slot] = hash;
    entries[2 * slot] = key;
    entries[2 * slot + 1] = value;
    // At most half full: a miss then ends within a probe or two.
    if (++this.count * 2 > mask) this.grow();
  }

  delete(key: string, hash: number): boolean {
    let hole = this.find(key, hash);
    if (hole < 0) return false;
    const { hashes, entries } = this.storage;
    const mask = hashes.length - 1;
    this.count -= 1;
    // Backward shift: an entry after the hole moves into it unless its home slot lies
    // cyclically between the hole and itself, so every key stays reachable from its home slot
    // without tombstones.
    let slot = hole;
    for (;;) {
      slot = (slot + 1) & mask;
      const stored = hashes[slot] as number;
      if (stored === 0) break;
      const home = stored & mask;
      const stays = hole <= slot ? hole < home && home <= slot : hole < home || home <= slot;
      if (stays) continue;
      hashes[hole] = stored;
      entries[2 * hole] = entries[2 * slot];
      entries[2 * hole + 1] = entries[2 * slot + 1];
      hole = slot;
    }
    hashes[hole] = 0;
    entries[2 * hole] = undefined;
    entries[2 * hole + 1] = undefined;
    return true;
  }

  /**
   * Empties the table and hands its arrays to the next table that needs arrays of that size.
   * The table stays usable (empty).
   */
  release(): void {
    const storage = this.storage;
    this.storage = takeStorage(minimumSlots);
    this.count = 0;
    giveStorage(storage);
  }

  *[Symbol.iterator](): IterableIterator<[string, V]> {
    const { hashes, entries } = this.storage;
    for (let slot = 0; slot < hashes.length; slot++) {
      if (hashes[slot] !== 0) yield [entries[2 * slot] as string, entries[2 * slot + 1] as V];
    }
  }

  private find(key: string, hash: number): number {
    const { hashes, entries } = this.storage;
    const mask = hashes.length - 1;
    let slot = hash & mask;
    for (;;) {
      const stored = hashes[slot];
      if (stored === 0) return -1;
      if (stored === hash && entries[2 * slot] === key) return slot;
      slot = (slot + 1) & mask;
    }
  }

  /** Doubles the slots; the stored hashes place each entry again without reading its key. */
  private grow(): void {
    const old = this.storage;
    const grown = takeStorage(old.hashes.length * 2);
    const { hashes, entries } = grown;
    const mask = hashes.length - 1;
    for (let from = 0; from < old.hashes.length; from++) {
      const hash = old.hashes[from] as number;
      if (hash === 0) continue;
      let slot = hash & mask;
      while (hashes[slot] !== 0) slot = (slot + 1) & mask;
      hashes[slot] = hash;
      entries[2 * slot] = old.entries[2 * from];
      entries[2 * slot + 1] = old.entries[2 * from + 1];
    }
    this.storage = grown;
    giveStorage(old);
  }
}

interface Storage {
  /** A power of two long; 0 marks an empty slot (hashKey never answers 0). */
  hashes: Int32Array;
  /** Slot i's key at 2i, its value at 2i + 1. */
  entries: unknown[];
}

const minimumSlots = 16;
/** Smaller arrays come from V8's young generation, whose pages are reused all the time. */
const pooledFromSlots = 4096;
/** A slot's bytes: its hash and two references. */
const bytesPerSlot = 4 + 2 * 8;
/** The most memory kept for tables to come: every array a crowd of 500,000 keys grows through. */
export const spareBytesLimit = 64 * 1024 * 1024;

const spare = new Map<number, Storage[]>();
let spareBytes = 0;

function slotsFor(expected: number): number {
  return Math.max(minimumSlots, 2 ** Math.ceil(Math.log2(Math.max(1, expected * 2 + 1))));
}

function takeStorage(slots: number): Storage {
  const kept = spare.get(slots)?.pop();
  if (kept) {
    spareBytes -= slots * bytesPerSlot;
    return kept;
  }
  return { hashes: new Int32Array(slots), entries: new Array(slots * 2).fill(undefined) };
}

/** Keeps a storage for reuse, emptied so it holds no key alive; beyond the bound, lets it go. */
function giveStorage(storage: Storage): void {
  const slots = storage.hashes.length;
  if (slots < pooledFromSlots || spareBytes + slots * bytesPerSlot > spareBytesLimit) return;
  storage.hashes.fill(0);
  storage.entries.fill(undefined);
  const kept = spare.get(slots);
  if (kept) kept.push(storage);
  else spare.set(slots, [storage]);
  spareBytes += slots * bytesPerSlot;
}

/**
 * Prepares, ahead of a drop, the arrays a table grows through until it holds `keys` keys:
 * one of each pooled size the pool lacks, allocated and written once so their pages are
 * mapped now rather than mid-burst (an 8 MiB array costs this VM about 60 ms fresh). Within
 * the pool's bound; answers the bytes it added.
 */
export function prepareKeyTables(keys: number): number {
  let added = 0;
  for (let slots = pooledFromSlots; slots <= slotsFor(keys); slots *= 2) {
    if ((spare.get(slots)?.length ?? 0) > 0) continue;
    if (spareBytes + slots * bytesPerSlot > spareBytesLimit) break;
    const storage = {
      hashes: new Int32Array(slots),
      entries: new Array(slots * 2).fill(undefined),
    };
    giveStorage(storage); // fills both arrays: every page is touched
    added += slots * bytesPerSlot;
  }
  return added;
}

/** Bytes of table arrays kept for reuse (for tests and diagnostics). */
export function keyTableSpareBytes(): number {
  return spareBytes;
}

const seed = randomInt(1, 2 ** 31);

/**
 * The key's hash for KeyTable: two characters per multiply (FNV-1a over 32-bit words), then
 * murmur3's finalizer so the low bits, which pick the slot, depend on every character. Never 0.
 */
export function hashKey(key: string): number {
  let hash = seed ^ key.length;
  const pairs = key.length & ~1;
  for (let index = 0; index < pairs; index += 2) {
    hash = Math.imul(hash ^ (key.charCodeAt(index) | (key.charCodeAt(index + 1) << 16)), 16777619);
  }
  if (pairs < key.length) hash = Math.imul(hash ^ key.charCodeAt(pairs), 16777619);
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash === 0 ? 1 : hash;
}
