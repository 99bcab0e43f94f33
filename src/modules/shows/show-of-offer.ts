import { RefreshingCache } from '../../lib/refreshing-cache.js';

/** A show an offer is attached to, with what ranks it for an order. */
export interface OfferShow {
  id: string;
  status: 'scheduled' | 'live' | 'ended';
  startsAt: Date;
  endsAt: Date;
}

/**
 * How long another process's change to a show (it went live, its offers changed) may go unseen
 * by this one's attribution; this process's own changes are seen at once (`forgetAll`).
 */
const freshMs = 2000;

/**
 * Which show an order placed at a given time belongs to: of the shows the offer is attached
 * to, the one on air, else the one whose slot contains the time, else the one starting nearest
 * to it; ties by id. Every checkout asks, so each offer's shows are kept in memory (a drop's
 * payments once cost a query each, in the minute when the event loop has least to spare).
 */
export class ShowOfOffer {
  private readonly shows: RefreshingCache<OfferShow[]>;

  constructor(
    list: (organizationId: string, offerId: string) => Promise<OfferShow[]>,
    now: () => number = Date.now,
  ) {
    this.shows = new RefreshingCache(
      (key) => {
        const [organizationId = '', offerId = ''] = key.split(' ');
        return list(organizationId, offerId);
      },
      freshMs,
      now,
    );
  }

  async find(organizationId: string, offerId: string, at: Date): Promise<string | null> {
    const shows = await this.shows.get(`${organizationId} ${offerId}`);
    return rankShows(shows, at)[0]?.id ?? null;
  }

  /** After a change to shows here: any offer's list may have changed. */
  forgetAll(): void {
    this.shows.clear();
  }
}

/** The shows in the order attribution prefers them at `at` (see ShowOfOffer). */
export function rankShows(shows: readonly OfferShow[], at: Date): OfferShow[] {
  const time = at.getTime();
  const tier = (show: OfferShow) => {
    if (show.status === 'live') return 0;
    return show.startsAt.getTime() <= time && show.endsAt.getTime() > time ? 1 : 2;
  };
  const distance = (show: OfferShow) => Math.abs(show.startsAt.getTime() - time);
  return [...shows].sort(
    (a, b) =>
      tier(a) - tier(b) || distance(a) - distance(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}
