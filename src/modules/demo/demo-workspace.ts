import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomSecret } from '../../lib/ids.js';
import type { Services } from '../../services.js';
import type { Actor, Role } from '../access/index.js';
import {
  type DemoOrganization,
  demoAgency,
  demoEmail,
  demoPeople,
  demoRegions,
  demoRetail,
} from './demo-catalog.js';
import { createDemoGovernance } from './demo-governance.js';
import { createDemoNotifications } from './demo-notifications.js';
import { createDemoShows } from './demo-shows.js';

/**
 * The demo workspace: created on first start of an empty database and by `mydrop demo`
 * (which resets it). Its sign-in details go to `demo.json` in the data folder, the file
 * scripts and CI read; later features add their demo ids to it.
 */
export interface DemoFile {
  baseUrl: string;
  organizationId: string;
  organizations: Array<{
    id: string;
    name: string;
    slug: string;
    brands: Array<{ id: string; name: string }>;
  }>;
  users: Array<{ email: string; password: string; role: Role; name: string }>;
  apiToken: string;
  /** A live single-SKU offer of 200 units: the public claim and checkout API works on it. */
  liveOfferId: string;
  /** Tomorrow's show whose go/no-go is incomplete (host not ready, link not tested). */
  pendingShowId: string;
  createdAt: string;
}

export const demoFileName = 'demo.json';

async function removeDemo(services: Services): Promise<void> {
  for (const org of [demoRetail, demoAgency]) {
    const existing = await services.organizations.findOrganizationBySlug(org.slug);
    if (existing) await services.organizations.deleteOrganization(existing.id);
  }
  for (const person of demoPeople)
    await services.identity.deleteUserByEmail(demoEmail(person.role));
}

async function createDemoOrganization(
  services: Services,
  spec: DemoOrganization,
  ownerUserId: string,
): Promise<DemoFile['organizations'][number]> {
  const organization = await services.organizations.createOrganization({
    name: spec.name,
    slug: spec.slug,
    timezone: spec.timezone,
    ownerUserId,
  });
  const actor: Actor = {
    kind: 'user',
    id: ownerUserId,
    organizationId: organization.id,
    role: 'owner',
    userId: ownerUserId,
  };
  const brands: Array<{ id: string; name: string }> = [];
  for (const brandSpec of spec.brands) {
    const brand = await services.organizations.createBrand(actor, brandSpec);
    brands.push({ id: brand.id, name: brand.name });
    for (const product of brandSpec.products) {
      await services.catalog.createProduct(actor, { ...product, brandId: brand.id, imageUrls: [] });
    }
  }
  return { id: organization.id, name: organization.name, slug: organization.slug, brands };
}

/** The hero drop: Glow Serum, 200 units reserved, live now, ten-minute holds. */
async function createLiveDemoOffer(services: Services, owner: Actor): Promise<string> {
  const [serum] = (await services.catalog.listProducts(owner, {})).filter(
    (p) => p.title === 'Glow Serum 30 ml',
  );
  const sku = serum?.skus[0];
  if (!serum || !sku) throw new Error('The demo catalog has no Glow Serum');
  const offer = await services.offers.create(owner, {
    brandId: serum.brandId,
    title: 'Glow Serum live drop',
    kind: 'single_sku',
    components: [{ skuId: sku.id, quantity: 1 }],
    priceMinor: 1900,
    currency: sku.currency,
    priceTiers: [],
    perBuyerLimit: 2,
    holdTtlSeconds: 600,
    lowStockThreshold: 20,
    urgencyRule: { firstOrders: 100, bonus: 'a Silk Sleep Mask' },
    startsAt: null,
    endsAt: null,
    endsWithStream: true,
    codes: ['GLOW19'],
    fallbackOfferId: null,
    substitutions: [],
  });
  await services.offers.approve(owner, offer.id);
  await services.offers.arm(owner, offer.id, { units: 200, reserveTtlSeconds: null });
  await services.offers.goLive(owner, offer.id);
  return offer.id;
}

/**
 * A transatlantic drop armed per market (seed 004: "per-market hold - who owns the TTL?"): the
 * US units are the owner's, the UK units the inventory lead's, returned after two days unused.
 */
async function createMarketDemoOffer(
  services: Services,
  owner: Actor,
  ukOwnerId: string | undefined,
): Promise<void> {
  const [bottle] = (await services.catalog.listProducts(owner, {})).filter(
    (p) => p.title === 'Insulated Bottle 750 ml',
  );
  const sku = bottle?.skus[0];
  if (!bottle || !sku) throw new Error('The demo catalog has no Insulated Bottle');
  const offer = await services.offers.create(owner, {
    brandId: bottle.brandId,
    title: 'Insulated Bottle transatlantic drop',
    kind: 'single_sku',
    components: [{ skuId: sku.id, quantity: 1 }],
    priceMinor: 2400,
    currency: sku.currency,
    priceTiers: [],
    perBuyerLimit: 3,
    holdTtlSeconds: 600,
    lowStockThreshold: 15,
    urgencyRule: null,
    startsAt: null,
    endsAt: null,
    endsWithStream: true,
    codes: ['BOTTLE24'],
    fallbackOfferId: null,
    substitutions: [],
  });
  await services.offers.approve(owner, offer.id);
  await services.offers.arm(owner, offer.id, {
    reserveTtlSeconds: null,
    markets: [
      { market: 'US', units: 120 },
      { market: 'GB', units: 80, ownerId: ukOwnerId, reserveTtlSeconds: 48 * 3600 },
    ],
  });
}

export async function createDemoWorkspace(
  services: Services,
  options: { baseUrl: string; dataDir: string },
): Promise<DemoFile> {
  await removeDemo(services);
  const password = `demo-${randomSecret(9)}`;
  const users: DemoFile['users'] = [];
  for (const person of demoPeople) {
    const user = await services.identity.createUser({
      email: demoEmail(person.role),
      name: person.name,
      password,
    });
    users.push({ email: user.email, password, role: person.role, name: user.name });
  }
  const [owner, ...others] = users;
  if (!owner) throw new Error('The demo needs an owner');
  const ownerUser = await services.identity.findUserByEmail(owner.email);
  if (!ownerUser) throw new Error('The demo owner was not created');

  const retail = await createDemoOrganization(services, demoRetail, ownerUser.id);
  const agency = await createDemoOrganization(services, demoAgency, ownerUser.id);
  for (const person of others) {
    const user = await services.identity.findUserByEmail(person.email);
    if (user) await services.organizations.addMember(retail.id, user.id, person.role);
  }
  const agencyMember = users.find((user) => user.role === 'agency');
  const agencyUser = agencyMember && (await services.identity.findUserByEmail(agencyMember.email));
  if (agencyUser) await services.organizations.addMember(agency.id, agencyUser.id, 'owner');

  const retailOwner: Actor = {
    kind: 'user',
    id: ownerUser.id,
    organizationId: retail.id,
    role: 'owner',
    userId: ownerUser.id,
  };
  for (const region of demoRegions) await services.fulfilment.save(retailOwner, region);
  const liveOfferId = await createLiveDemoOffer(services, retailOwner);
  const inventoryLead = users.find((user) => user.role === 'inventory_lead');
  const leadUser = inventoryLead && (await services.identity.findUserByEmail(inventoryLead.email));
  await createMarketDemoOffer(services, retailOwner, leadUser?.id);
  const governance = await createDemoGovernance(services, retailOwner, { liveOfferId });
  const { pendingShowId } = await createDemoShows(services, retailOwner, {
    liveOfferId,
    baseUrl: options.baseUrl,
    campaignId: governance.campaignId,
    documentIds: [governance.approvedScriptId, governance.pendingCopyId],
  });
  await createDemoNotifications(services, retail.id);
  const { token } = await services.tokens.issue(retail.id, {
    name: 'Demo integration',
    role: 'owner',
    createdBy: ownerUser.id,
  });
  const demo: DemoFile = {
    baseUrl: options.baseUrl,
    organizationId: retail.id,
    organizations: [retail, agency],
    users,
    apiToken: token,
    liveOfferId,
    pendingShowId,
    createdAt: services.clock.now().toISOString(),
  };
  writeDemoFile(options.dataDir, demo);
  return demo;
}

/** Writes demo.json atomically so a reader never sees half a file. */
export function writeDemoFile(dataDir: string, demo: DemoFile): void {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, demoFileName);
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(demo, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, path);
}

export function readDemoFile(dataDir: string): DemoFile | undefined {
  try {
    return JSON.parse(readFileSync(join(dataDir, demoFileName), 'utf8')) as DemoFile;
  } catch {
    return undefined;
  }
}
