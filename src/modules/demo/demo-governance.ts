import type { Services } from '../../services.js';
import type { Actor, Role } from '../access/index.js';
import { demoEmail } from './demo-catalog.js';

const dayMs = 24 * 60 * 60 * 1000;

async function demoActor(services: Services, organizationId: string, role: Role): Promise<Actor> {
  const user = await services.identity.findUserByEmail(demoEmail(role));
  if (!user) throw new Error(`The demo has no ${role}`);
  return { kind: 'user', id: user.id, organizationId, role, userId: user.id };
}

const scriptV1 = [
  'Hi everyone, welcome to the Glow Serum launch live!',
  'Three things to show you: texture, glow, and how little you need.',
  'Order tonight and get next-day delivery on every order.',
  'Hit the link now - the first 100 orders get a Silk Sleep Mask.',
  'The live price ends when the stream closes.',
].join('\n');

const scriptV2 = scriptV1.replace(
  'Order tonight and get next-day delivery on every order.',
  'Order tonight: next-day delivery in France, Belgium and the Netherlands; 2-3 days in Germany.',
);

/**
 * The demo campaign and its documents, following seed 004's story: the host script was
 * returned by legal for promising next-day delivery everywhere, fixed, re-reviewed and
 * approved; the offer copy (generated, chosen by comms) has the brand's approval and waits on
 * legal; a generated shot list is still a draft. The ids go to whoever attaches documents to
 * the demo shows.
 * The campaign belongs to the brand of the live Glow Serum offer.
 */
export async function createDemoGovernance(
  services: Services,
  owner: Actor,
  options: { liveOfferId: string },
): Promise<{
  campaignId: string;
  approvedScriptId: string;
  pendingCopyId: string;
  draftShotListId: string;
}> {
  const organizationId = owner.organizationId;
  const producer = await demoActor(services, organizationId, 'producer');
  const comms = await demoActor(services, organizationId, 'comms');
  const brand = await demoActor(services, organizationId, 'brand_approver');
  const legal = await demoActor(services, organizationId, 'legal');
  const { campaigns, documents, reviews } = services;
  const { brandId } = await services.offers.get(owner, options.liveOfferId);
  const now = services.clock.now().getTime();
  const campaign = await campaigns.create(owner, {
    brandId,
    name: 'Glow Serum spring drop',
    kind: 'drop',
    startsAt: new Date(now + dayMs),
    endsAt: new Date(now + 8 * dayMs),
    operatingModel: 'hybrid',
    offerComplexity: 'single_sku',
    conversionPath: 'in_platform_checkout',
    approvalPace: 'fast',
  });

  const script = await documents.create(producer, {
    campaignId: campaign.id,
    type: 'host_script',
    title: 'Glow Serum launch - host script',
    subject: null,
    content: scriptV1,
    generatedBy: null,
  });
  await reviews.submit(producer, script.id, {});
  await reviews.review(brand, script.id, {
    versionId: script.currentVersionId,
    decision: 'approve',
    comments: [],
  });
  await reviews.review(legal, script.id, {
    versionId: script.currentVersionId,
    decision: 'return',
    comments: [
      {
        line: 3,
        text: 'Germany ships from the standard warehouse: state the regions, not "every order".',
      },
    ],
  });
  const fixed = await documents.saveVersion(producer, script.id, {
    content: scriptV2,
    note: 'Regional delivery promise, from legal',
    generatedBy: null,
    baseVersionId: script.currentVersionId,
  });
  await reviews.submit(producer, script.id, {});
  for (const reviewer of [brand, legal]) {
    await reviews.review(reviewer, script.id, {
      versionId: fixed.id,
      decision: 'approve',
      comments: [],
    });
  }

  const copy = await documents.create(comms, {
    campaignId: campaign.id,
    type: 'offer_copy',
    title: 'Glow Serum offer copy',
    subject: null,
    content: [
      'Exclusive live deal: Glow Serum 30 ml for 19 EUR.',
      'First 100 orders get a Silk Sleep Mask.',
      'Live-only stock. Tap to buy - limited until stocks run out.',
    ].join('\n'),
    generatedBy: 'Offer copy varianter',
  });
  await reviews.submit(comms, copy.id, {});
  await reviews.review(brand, copy.id, {
    versionId: copy.currentVersionId,
    decision: 'approve',
    comments: [],
  });

  const shots = await documents.create(producer, {
    campaignId: campaign.id,
    type: 'shot_list',
    title: 'Glow Serum shot list',
    subject: null,
    content: [
      'Wide: host with the Glow Serum box | box, ring light',
      'Close-up: one drop on the back of the hand | serum, dropper',
      'Split screen: before and after glow | two models, mirror',
      'Close-up: Silk Sleep Mask bonus | mask on tray',
    ].join('\n'),
    generatedBy: 'Auto shot list',
  });

  return {
    campaignId: campaign.id,
    approvedScriptId: script.id,
    pendingCopyId: copy.id,
    draftShotListId: shots.id,
  };
}
