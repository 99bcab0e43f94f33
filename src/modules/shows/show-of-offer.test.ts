import { describe, expect, it } from 'vitest';
import { type OfferShow, rankShows, ShowOfOffer } from './show-of-offer.js';

const show = (
  id: string,
  startsAt: string,
  endsAt: string,
  status: OfferShow['status'] = 'scheduled',
): OfferShow => ({
  id,
  status,
  startsAt: new Date(startsAt),
  endsAt: new Date(endsAt),
});

describe('which show an order belongs to', () => {
  const at = new Date('2026-11-22T18:00:00Z');
  const lastWeek = show('a', '2026-11-15T18:00:00Z', '2026-11-15T19:00:00Z');
  const tonight = show('b', '2026-11-22T17:30:00Z', '2026-11-22T19:00:00Z');
  const tomorrow = show('c', '2026-11-23T18:00:00Z', '2026-11-23T19:00:00Z');

  it('prefers the show on air, then the slot around the order, then the nearest start', () => {
    expect(rankShows([lastWeek, tomorrow, tonight], at).map((s) => s.id)).toEqual(['b', 'c', 'a']);
    // Tomorrow's show went live early (a relay program's next day): on air beats the slot.
    const early = { ...tomorrow, status: 'live' as const };
    expect(rankShows([tonight, early], at)[0]?.id).toBe('c');
    // Two shows as near: the smaller id, as the database orders uuids.
    const twin = show('0', '2026-11-22T17:30:00Z', '2026-11-22T19:00:00Z');
    expect(rankShows([tonight, twin], at)[0]?.id).toBe('0');
  });

  it('asks the database once per offer while fresh, and again after a change here', async () => {
    let now = 0;
    let shows: OfferShow[] = [lastWeek];
    const asked: string[] = [];
    const showOf = new ShowOfOffer(
      async (organizationId, offerId) => {
        asked.push(`${organizationId}/${offerId}`);
        return shows;
      },
      () => now,
    );
    expect(await showOf.find('org', 'offer', at)).toBe('a');
    shows = [lastWeek, tonight];
    expect(await showOf.find('org', 'offer', at)).toBe('a');
    expect(asked).toEqual(['org/offer']);
    showOf.forgetAll();
    expect(await showOf.find('org', 'offer', at)).toBe('b');
    expect(await showOf.find('org', 'other', at)).toBe('b');
    expect(asked).toEqual(['org/offer', 'org/offer', 'org/other']);
    // A change made by another process is seen once the entry is two seconds old.
    shows = [];
    now += 2_000;
    await showOf.find('org', 'offer', at);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(await showOf.find('org', 'offer', at)).toBeNull();
  });
});
