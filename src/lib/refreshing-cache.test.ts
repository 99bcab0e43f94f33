import { describe, expect, it, vi } from 'vitest';
import { RefreshingCache } from './refreshing-cache.js';

/** A source whose reads are counted and answered when the test says so. */
function slowSource() {
  const waiting: Array<() => void> = [];
  const source = {
    reads: 0,
    value: 'Glow serum',
    async read(_key: string): Promise<string> {
      source.reads += 1;
      const read = source.value;
      await new Promise<void>((resolve) => waiting.push(resolve));
      return read;
    },
    answer() {
      for (const resolve of waiting.splice(0)) resolve();
    },
  };
  return source;
}

describe('the refreshing cache', () => {
  it('loads a key once for every caller that asks while it loads', async () => {
    const source = slowSource();
    const cache = new RefreshingCache((key) => source.read(key), 1000);
    const asked = Array.from({ length: 256 }, () => cache.get('offer-1'));
    source.answer();
    expect(new Set(await Promise.all(asked))).toEqual(new Set(['Glow serum']));
    expect(source.reads).toBe(1);
  });

  it('serves the old value after it went stale while one refresh runs, then the new one', async () => {
    let now = 0;
    const source = slowSource();
    const cache = new RefreshingCache(
      (key) => source.read(key),
      1000,
      () => now,
    );
    const first = cache.get('offer-1');
    source.answer();
    await first;
    source.value = 'Glow serum, new label';
    now = 1500;
    const during = await Promise.all(Array.from({ length: 100 }, () => cache.get('offer-1')));
    expect(new Set(during)).toEqual(new Set(['Glow serum']));
    expect(source.reads).toBe(2);
    source.answer();
    await vi.waitFor(async () => expect(await cache.get('offer-1')).toBe('Glow serum, new label'));
    expect(source.reads).toBe(2);
  });

  it('peeks at the value in memory without loading, refreshing a stale one', async () => {
    let now = 0;
    const source = slowSource();
    const cache = new RefreshingCache(
      (key) => source.read(key),
      1000,
      () => now,
    );
    expect(cache.peek('offer-1')).toBeUndefined();
    expect(source.reads).toBe(0);
    const first = cache.get('offer-1');
    source.answer();
    await first;
    expect(cache.peek('offer-1')).toBe('Glow serum');
    expect(source.reads).toBe(1);
    source.value = 'Glow serum, new label';
    now = 1500;
    expect(cache.peek('offer-1')).toBe('Glow serum');
    expect(source.reads).toBe(2);
    source.answer();
    await vi.waitFor(() => expect(cache.peek('offer-1')).toBe('Glow serum, new label'));
  });

  it('does not keep a value read before forget() was called', async () => {
    const source = slowSource();
    const cache = new RefreshingCache((key) => source.read(key), 1000);
    const stale = cache.get('offer-1');
    cache.forget('offer-1');
    source.value = 'Renamed while loading';
    const fresh = cache.get('offer-1');
    source.answer();
    expect(await stale).toBe('Glow serum');
    expect(await fresh).toBe('Renamed while loading');
    expect(await cache.get('offer-1')).toBe('Renamed while loading');
    expect(source.reads).toBe(2);
  });

  it('passes a failed load to its callers and tries again on the next call', async () => {
    let fail = true;
    const cache = new RefreshingCache(async () => {
      if (fail) throw new Error('database unavailable');
      return 'Glow serum';
    }, 1000);
    await expect(cache.get('offer-1')).rejects.toThrow('database unavailable');
    fail = false;
    expect(await cache.get('offer-1')).toBe('Glow serum');
  });
});
