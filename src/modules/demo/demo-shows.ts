import type { Services } from '../../services.js';
import type { Actor, Role } from '../access/index.js';
import { demoEmail } from './demo-catalog.js';

const hourMs = 60 * 60 * 1000;

async function demoActor(services: Services, owner: Actor, role: Role): Promise<Actor> {
  const user = await services.identity.findUserByEmail(demoEmail(role));
  if (!user) throw new Error(`The demo has no ${role}`);
  return { kind: 'user', id: user.id, organizationId: owner.organizationId, role, userId: user.id };
}

/**
 * Tomorrow's Glow Serum show, half-way through its go/no-go: it reads the approved host script
 * and the offer copy still waiting on legal; the producer and comms have confirmed their
 * checks, but the host has not and nobody has put a test order through the link, so going
 * live is refused until they do. Its id goes to demo.json as `pendingShowId`.
 * The stream URL is the offer's overlay page on this server, standing in for a playback URL.
 */
export async function createDemoShows(
  services: Services,
  owner: Actor,
  options: { liveOfferId: string; baseUrl: string; campaignId: string; documentIds: string[] },
): Promise<{ pendingShowId: string }> {
  const offer = await services.offers.get(owner, options.liveOfferId);
  const startsAt = new Date(
    Math.ceil((services.clock.now().getTime() + 24 * hourMs) / hourMs) * hourMs,
  );
  const { calendar, checks } = services.shows;
  const show = await calendar.create(owner, {
    brandId: offer.brandId,
    campaignId: options.campaignId,
    title: 'Glow Serum launch live',
    startsAt,
    endsAt: new Date(startsAt.getTime() + hourMs),
    streamUrl: `${options.baseUrl}/o/${options.liveOfferId}/overlay`,
    rollbackContacts: [
      {
        name: 'Priya Shah',
        role: 'Producer',
        phone: '+44 20 7946 0000',
        email: demoEmail('producer'),
      },
      {
        name: 'Ines Laurent',
        role: 'Inventory lead',
        phone: null,
        email: demoEmail('inventory_lead'),
      },
    ],
    markets: ['FR', 'BE', 'NL', 'DE'],
  });
  await calendar.setOffers(owner, show.id, [options.liveOfferId]);
  await calendar.setDocuments(
    owner,
    show.id,
    options.documentIds.map((documentId) => ({ documentId, versionId: null })),
  );
  await checks.confirmManualCheck(
    await demoActor(services, owner, 'producer'),
    show.id,
    'camera_framing',
    true,
  );
  await checks.confirmManualCheck(
    await demoActor(services, owner, 'comms'),
    show.id,
    'ctas_queued',
    true,
  );
  return { pendingShowId: show.id };
}
