import type { Clock } from '../../lib/clock.js';
import type { Actor } from '../access/index.js';
import type { DocumentApprovals } from '../approvals/ports.js';
import type { AuditRecorder } from '../audit/audit-recorder.js';
import type { JobScheduler, Notifier } from '../notifications/ports.js';
import type { RegionCapabilities } from './delivery-promises.js';
import type { ShowsRepository } from './shows.repository.js';
import type { StreamProbe } from './stream-probe.js';

/**
 * What shows need from other modules, passed in by the composition root (src/services.ts) as
 * small functions, so this module never reaches into another's tables.
 */
export interface ShowCommerce {
  /** The offers among `offerIds` that belong to the organisation. */
  offersOf(
    organizationId: string,
    offerIds: readonly string[],
  ): Promise<
    Array<{
      id: string;
      brandId: string;
      title: string;
      status: string;
      reservedUnits: number;
      codes: string[];
    }>
  >;
  orderOf(
    organizationId: string,
    orderId: string,
  ): Promise<{ id: string; offerId: string; status: string; paymentProvider: string } | undefined>;
  /** What a shopper opening the commerce link sees: `live`, `sold_out`, `paused`, ... */
  checkoutStateOf(offerId: string): Promise<string>;
  /** Opens an armed offer for sale when its show goes live. */
  startSelling(actor: Actor, offerId: string): Promise<void>;
  /**
   * The show's stream ended: offers that end with the stream close at once (open holds end,
   * unsold units return to stock). Answers the ids of the offers it closed.
   */
  streamEnded(actor: Actor, offerIds: readonly string[]): Promise<string[]>;
}

export interface CampaignFacts {
  id: string;
  name: string;
  /** Seed 004: centralized, agency_managed or hybrid. */
  operatingModel: string;
}

export interface ShowsDeps {
  repository: ShowsRepository;
  clock: Clock;
  audit: AuditRecorder;
  scheduler: JobScheduler;
  notifier: Notifier;
  documentApprovals: DocumentApprovals;
  commerce: ShowCommerce;
  regionsOf(organizationId: string): Promise<RegionCapabilities[]>;
  brandOf(
    organizationId: string,
    brandId: string,
  ): Promise<{ id: string; name: string; timezone: string } | undefined>;
  campaignOf(organizationId: string, campaignId: string): Promise<CampaignFacts | undefined>;
  /** The name people know the actor by: a user's name, a token's name. */
  nameActor(actor: Actor): Promise<string | null>;
  probeStream: StreamProbe;
}

/** Operating models whose shows need the agency's policy bundle 72 hours ahead (seed 004). */
export const agencyOperatingModels: readonly string[] = ['agency_managed'];
