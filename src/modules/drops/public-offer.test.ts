import { afterEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../../lib/clock.js';
import type { DropsRepository, OfferRow } from './drops.repository.js';
import type { OfferStore } from './offer-store.js';
import { PublicOffers } from './public-offer.js';

/** A repository whose offer reads are counted and answered when the test says so. */
function slowRepository() {
  const waiting: Array<() => void> = [];
  let title = 'Glow serum';
  const repository = {
    reads: 0,
    async findOfferById(id: string) {
      repository.reads += 1;
      const read = title;
      await new Promise<void>((resolve) => waiting.push(resolve));
      return { id, organizationId: 'org', title: read } as unknown as OfferRow;
    },
    async listComponents() {
      return [];
    },
    async findSkus() {
      return [];
    },
  };
  return {
    repository,
    rename(to: string) {
      title = to;
    },
    answer() {
      for (const resolve of waiting.splice(0)) resolve();
    },
  };
}

describe('the public offer cache', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  function offersOn(repository: ReturnType<typeof slowRepository>['repository']) {
    return new PublicOffers({
      repository: repository as unknown as DropsRepository,
      store: {} as OfferStore,
      clock: systemClock,
    });
  }

  it('loads an offer once for every request that asks while it loads', async () => {
    const slow = slowRepository();
    const offers = offersOn(slow.repository);
    const asked = Array.from({ length: 256 }, () => offers.cached('offer-1'));
    slow.answer();
    const answers = await Promise.all(asked);
    expect(slow.repository.reads).toBe(1);
    expect(new Set(answers.map((entry) => entry.row.title))).toEqual(new Set(['Glow serum']));
  });

  it('serves the entry after a second while one refresh runs, then the refreshed one', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const slow = slowRepository();
    const offers = offersOn(slow.repository);
    const first = offers.cached('offer-1');
    slow.answer();
    await first;
    slow.rename('Glow serum, new label');
    vi.setSystemTime(Date.now() + 1500);
    const during = await Promise.all(Array.from({ length: 100 }, () => offers.cached('offer-1')));
    expect(during.every((entry) => entry.row.title === 'Glow serum')).toBe(true);
    expect(slow.repository.reads).toBe(2);
    slow.answer();
    await vi.waitFor(async () =>
      expect((await offers.cached('offer-1')).row.title).toBe('Glow serum, new label'),
    );
    expect(slow.repository.reads).toBe(2);
  });

  it('does not keep a row read before forget() was called', async () => {
    const slow = slowRepository();
    const offers = offersOn(slow.repository);
    const stale = offers.cached('offer-1');
    offers.forget('offer-1');
    slow.rename('Renamed while loading');
    const fresh = offers.cached('offer-1');
    slow.answer();
    expect((await stale).row.title).toBe('Glow serum');
    expect((await fresh).row.title).toBe('Renamed while loading');
    expect((await offers.cached('offer-1')).row.title).toBe('Renamed while loading');
  });
});
