import type { CheckoutSampleResult } from '../../db/schema-shows.js';
import { AppError } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import { type Actor, requirePermission } from '../access/index.js';
import type { ScheduledJob } from '../notifications/ports.js';
import {
  checkoutSampleCount,
  checkoutSampleIntervalMs,
  checkoutSampleKey,
  checkoutSampleKind,
} from './show-jobs.js';
import type { ShowsDeps } from './show-ports.js';
import {
  evaluatePreflight,
  failingChecks,
  type PreflightCheck,
  type PreflightFacts,
} from './show-preflight.js';
import {
  needsPolicyBundle,
  operatingModelOf,
  requireRecord,
  requireStatus,
  viewOf,
} from './show-records.js';
import type { Show } from './show-view.js';
import type { ShowRecord } from './shows.repository.js';

export interface Preflight {
  showId: string;
  ready: boolean;
  failing: string[];
  checks: PreflightCheck[];
  checkedAt: Date;
}

export interface GoLiveResult {
  show: Show;
  overridden: boolean;
  /** The checks that were failing when an override took the show live. */
  failing: string[];
}

/**
 * The go/no-go gate and what follows it: going live refuses with every failing check named
 * until all pass; an emergency override by someone with authority, with a reason, goes live
 * anyway, is audited, and puts hourly checkout sampling for six hours on the scheduler
 * (seed 004).
 */
export class ShowGateService {
  constructor(private readonly deps: ShowsDeps) {}

  async preflight(actor: Actor, showId: string): Promise<Preflight> {
    requirePermission(actor, 'calendar.read');
    const record = await requireRecord(this.deps, actor.organizationId, showId);
    return this.runPreflight(record);
  }

  async goLive(
    actor: Actor,
    showId: string,
    override?: { reason: string } | undefined,
  ): Promise<GoLiveResult> {
    requirePermission(actor, 'shows.go_live');
    if (override) {
      requirePermission(actor, 'shows.override');
      if (!override.reason.trim())
        throw new AppError('invalid', 'override.reason: say why the show goes live anyway', {
          field: 'override.reason',
        });
    }
    const record = await requireRecord(this.deps, actor.organizationId, showId);
    requireStatus(record.show, ['scheduled'], 'go live');
    const preflight = await this.runPreflight(record);
    if (!preflight.ready && !override) {
      throw new AppError(
        'preflight_failed',
        `The show cannot go live: ${preflight.failing.length} check(s) fail (${preflight.failing.join(', ')})`,
        { failing: preflight.failing, checks: preflight.checks },
      );
    }
    const overridden = !preflight.ready;
    const now = this.deps.clock.now();
    const updated = await this.deps.repository.updateShow(
      actor.organizationId,
      showId,
      {
        status: 'live',
        wentLiveAt: now,
        wentLiveBy: actor.userId,
        updatedAt: now,
        ...(overridden && override
          ? {
              overrideReason: override.reason.trim(),
              overrideBy: actor.userId,
              overrideFailing: JSON.stringify(preflight.failing),
            }
          : {}),
      },
      ['scheduled'],
    );
    if (!updated)
      throw new AppError('conflict', 'Someone else took the show live or ended it meanwhile', {
        rule: 'concurrent_change',
      });
    await this.deps.audit.record({
      organizationId: actor.organizationId,
      actor,
      action: overridden ? 'show.override' : 'show.went_live',
      subjectType: 'show',
      subjectId: showId,
      ...(overridden && override ? { reason: override.reason.trim() } : {}),
      data: {
        failing: preflight.failing,
        checks: preflight.checks.map(({ name, passed, detail }) => ({ name, passed, detail })),
      },
    });
    if (overridden) await this.scheduleCheckoutSampling(actor, record, now);
    await this.startSelling(actor, record);
    return {
      show: await viewOf(this.deps, await requireRecord(this.deps, actor.organizationId, showId)),
      overridden,
      failing: preflight.failing,
    };
  }

  /**
   * Ends a live show: offers that end with the stream close, checkout samples still pending
   * are dropped.
   */
  async end(actor: Actor, showId: string): Promise<Show> {
    requirePermission(actor, 'shows.go_live');
    const record = await requireRecord(this.deps, actor.organizationId, showId);
    requireStatus(record.show, ['live'], 'end the show');
    const now = this.deps.clock.now();
    await this.deps.repository.updateShow(
      actor.organizationId,
      showId,
      { status: 'ended', endedAt: now, updatedAt: now },
      ['live'],
    );
    const closedOffers = await this.deps.commerce.streamEnded(
      actor,
      record.offers.map((offer) => offer.offerId),
    );
    for (let sample = 1; sample <= checkoutSampleCount; sample += 1)
      await this.deps.scheduler.cancel(actor.organizationId, checkoutSampleKey(showId, sample));
    await this.deps.audit.record({
      organizationId: actor.organizationId,
      actor,
      action: 'show.ended',
      subjectType: 'show',
      subjectId: showId,
      data: { wentLiveAt: record.show.wentLiveAt?.toISOString() ?? null, closedOffers },
    });
    return viewOf(this.deps, await requireRecord(this.deps, actor.organizationId, showId));
  }

  /**
   * One hourly checkout sample after an override: each commerce link's public offer must
   * answer and be live. A failing sample tells the owner, the producer and whoever overrode.
   */
  async runCheckoutSample(job: ScheduledJob): Promise<void> {
    const showId = String(job.payload.showId);
    const sampleNumber = Number(job.payload.sampleNumber);
    const record = await this.deps.repository.loadRecord(job.organizationId, showId);
    if (record?.show.status !== 'live') return;
    const results: CheckoutSampleResult[] = [];
    for (const { offerId } of record.offers) {
      let state: string;
      try {
        state = await this.deps.commerce.checkoutStateOf(offerId);
      } catch (error) {
        state = 'unreachable';
        results.push({ offerId, ok: false, state, detail: (error as Error).message });
        continue;
      }
      results.push({
        offerId,
        ok: state === 'live',
        state,
        detail:
          state === 'live' ? 'Checkout open' : `Shoppers see the offer ${state.replace('_', ' ')}`,
      });
    }
    const ok = results.length > 0 && results.every((result) => result.ok);
    const recorded = await this.deps.repository.insertSample({
      id: newId(),
      organizationId: job.organizationId,
      showId,
      sampleNumber,
      sampledAt: this.deps.clock.now(),
      ok,
      results: JSON.stringify(results),
    });
    if (!recorded || ok) return;
    const broken = results.filter((result) => !result.ok);
    await this.deps.notifier.notify({
      organizationId: job.organizationId,
      kind: 'show.checkout_sample_failed',
      title: `Checkout sample ${sampleNumber} of ${checkoutSampleCount} failed: ${record.show.title}`,
      body:
        broken.length > 0
          ? broken.map((result) => `${result.offerId}: ${result.detail}`).join('\n')
          : 'The show sells no offer to sample',
      link: `/calendar/shows/${showId}`,
      recipients: {
        roles: ['owner', 'producer'],
        ...(record.show.overrideBy ? { userIds: [record.show.overrideBy] } : {}),
      },
      data: { showId, sampleNumber, results },
    });
  }

  private async scheduleCheckoutSampling(actor: Actor, record: ShowRecord, from: Date) {
    for (let sample = 1; sample <= checkoutSampleCount; sample += 1) {
      await this.deps.scheduler.schedule({
        organizationId: actor.organizationId,
        kind: checkoutSampleKind,
        key: checkoutSampleKey(record.show.id, sample),
        runAt: new Date(from.getTime() + sample * checkoutSampleIntervalMs),
        payload: { showId: record.show.id, sampleNumber: sample },
      });
    }
  }

  /** Armed offers open for sale with the show; paused ones stay paused (kill switch). */
  private async startSelling(actor: Actor, record: ShowRecord): Promise<void> {
    const offers = await this.deps.commerce.offersOf(
      actor.organizationId,
      record.offers.map((offer) => offer.offerId),
    );
    for (const offer of offers.filter((candidate) => candidate.status === 'armed'))
      await this.deps.commerce.startSelling(actor, offer.id);
  }

  private async runPreflight(record: ShowRecord): Promise<Preflight> {
    const checks = evaluatePreflight(await this.gatherFacts(record));
    const failing = failingChecks(checks);
    return {
      showId: record.show.id,
      ready: failing.length === 0,
      failing,
      checks,
      checkedAt: this.deps.clock.now(),
    };
  }

  private async gatherFacts(record: ShowRecord): Promise<PreflightFacts> {
    const { show } = record;
    const organizationId = show.organizationId;
    const [offers, states, regions, stream, operatingModel] = await Promise.all([
      this.deps.commerce.offersOf(
        organizationId,
        record.offers.map((offer) => offer.offerId),
      ),
      this.deps.documentApprovals.approvalStatesOf(
        organizationId,
        record.documents.map((document) => document.documentId),
      ),
      this.deps.regionsOf(organizationId),
      show.streamUrl ? this.deps.probeStream(show.streamUrl) : Promise.resolve(undefined),
      operatingModelOf(this.deps, show),
    ]);
    const bundle = record.policyBundle;
    return {
      offers: record.offers.map(({ offerId }) => {
        const test = record.linkTests.find((candidate) => candidate.offerId === offerId);
        return {
          offerId,
          offer: offers.find((offer) => offer.id === offerId),
          linkTest: test && {
            orderId: test.orderId,
            paymentCleared: test.paymentCleared,
            crmConfirmedVia: test.crmConfirmedVia,
            crmConfirmedBy: test.crmConfirmedBy,
            crmConfirmedAt: test.crmConfirmedAt,
          },
        };
      }),
      documents: record.documents.map((document) => ({
        documentId: document.documentId,
        versionId: document.versionId,
        state: states.find((state) => state.documentId === document.documentId),
      })),
      streamUrl: show.streamUrl,
      stream,
      rollbackContacts: show.rollbackContacts,
      markets: show.markets,
      regions,
      manualChecks: record.manualChecks,
      policyBundle: {
        required: needsPolicyBundle(operatingModel),
        bundle: bundle && {
          finalCopyDocumentId: bundle.finalCopyDocumentId,
          finalCopyVersionId: bundle.finalCopyVersionId,
          submittedAt: bundle.submittedAt,
        },
      },
    };
  }
}
