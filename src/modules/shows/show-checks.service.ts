import { AppError } from '../../lib/errors.js';
import { type Actor, requirePermission } from '../access/index.js';
import type { ShowsDeps } from './show-ports.js';
import { requireRecord, requireStatus, viewOf } from './show-records.js';
import type { Show } from './show-view.js';

function invalid(field: string, message: string): AppError {
  return new AppError('invalid', `${field}: ${message}`, { field });
}

/**
 * The checks people and integrations confirm: manual checks by role (host ready, camera
 * framing, CTAs queued) and test orders through each commerce link. Seed 004: "the link is
 * only live in the broadcast if a test order has cleared to payment and reached a CRM tag
 * that the reporting team can see".
 */
export class ShowChecksService {
  constructor(private readonly deps: ShowsDeps) {}

  /** Only the check's role (or the owner) confirms it: the host says the host is ready. */
  async confirmManualCheck(
    actor: Actor,
    showId: string,
    name: string,
    confirmed: boolean,
  ): Promise<Show> {
    const record = await requireRecord(this.deps, actor.organizationId, showId);
    requireStatus(record.show, ['scheduled'], 'confirm checks');
    const check = record.manualChecks.find((candidate) => candidate.name === name);
    if (!check)
      throw new AppError('not_found', `The show has no manual check ${name}`, {
        resource: 'manual check',
        id: name,
      });
    if (actor.kind !== 'user' || (actor.role !== check.role && actor.role !== 'owner')) {
      throw new AppError(
        'forbidden',
        `Only a signed-in ${check.role.replace('_', ' ')} (or the owner) confirms "${check.label}"`,
        { role: check.role },
      );
    }
    const now = this.deps.clock.now();
    await this.deps.repository.confirmManualCheck(
      actor.organizationId,
      showId,
      name,
      confirmed
        ? {
            confirmedBy: actor.userId,
            confirmedByName: await this.deps.nameActor(actor),
            confirmedAt: now,
          }
        : { confirmedBy: null, confirmedByName: null, confirmedAt: null },
    );
    await this.deps.audit.record({
      organizationId: actor.organizationId,
      actor,
      action: confirmed ? 'manual_check.confirmed' : 'manual_check.withdrawn',
      subjectType: 'show',
      subjectId: showId,
      data: { check: name, role: check.role },
    });
    return this.view(actor, showId);
  }

  /**
   * Records a test order through an offer's link: it must be an order of that offer, in this
   * organisation, that cleared payment. The CRM tag is confirmed separately.
   */
  async recordLinkTest(
    actor: Actor,
    showId: string,
    input: { offerId: string; orderId: string },
  ): Promise<Show> {
    requirePermission(actor, 'shows.run');
    const record = await requireRecord(this.deps, actor.organizationId, showId);
    requireStatus(record.show, ['scheduled'], 'record link tests');
    if (!record.offers.some((offer) => offer.offerId === input.offerId))
      throw invalid('offerId', 'the offer is not attached to this show');
    const order = await this.deps.commerce.orderOf(actor.organizationId, input.orderId);
    if (!order) throw invalid('orderId', 'no such order in this organisation');
    if (order.offerId !== input.offerId)
      throw invalid('orderId', 'the order was placed through another offer');
    if (order.status !== 'paid')
      throw invalid('orderId', `the order is ${order.status}: a test order must clear payment`);
    await this.deps.repository.saveLinkTest({
      organizationId: actor.organizationId,
      showId,
      offerId: input.offerId,
      orderId: order.id,
      paymentCleared: true,
      recordedBy: actor.userId,
      recordedAt: this.deps.clock.now(),
    });
    await this.deps.audit.record({
      organizationId: actor.organizationId,
      actor,
      action: 'link_test.recorded',
      subjectType: 'show',
      subjectId: showId,
      data: { offerId: input.offerId, orderId: order.id, paymentProvider: order.paymentProvider },
    });
    return this.view(actor, showId);
  }

  /**
   * Confirms the test order's CRM tag landed. A person names who saw it in the CRM; an API
   * token (the CRM integration) is confirmed under the token's name.
   */
  async confirmCrmTag(
    actor: Actor,
    showId: string,
    offerId: string,
    input: { confirmedBy?: string | undefined; crmTag?: string | undefined },
  ): Promise<Show> {
    requirePermission(actor, 'shows.run');
    const record = await requireRecord(this.deps, actor.organizationId, showId);
    requireStatus(record.show, ['scheduled'], 'confirm link tests');
    const test = record.linkTests.find((candidate) => candidate.offerId === offerId);
    if (!test)
      throw new AppError('conflict', 'Record a test order through this link first', {
        offerId,
        rule: 'no_test_order',
      });
    const via = actor.kind === 'token' ? 'integration' : 'manual';
    const confirmedBy =
      via === 'manual' ? input.confirmedBy?.trim() : await this.deps.nameActor(actor);
    if (!confirmedBy) throw invalid('confirmedBy', 'name the person who saw the tag in the CRM');
    await this.confirm(
      actor,
      { showId, offerId, orderId: test.orderId },
      via,
      confirmedBy,
      input.crmTag,
    );
    return this.view(actor, showId);
  }

  /**
   * The CRM integration's callback: the tag for an order landed. Confirms every pending link
   * test made with that order; answers how many it confirmed.
   */
  async confirmCrmTagFromIntegration(
    actor: Actor,
    input: { orderId: string; crmTag?: string | undefined },
  ): Promise<number> {
    requirePermission(actor, 'shows.run');
    if (actor.kind !== 'token')
      throw new AppError('forbidden', 'This callback is for integrations with an API token', {
        reason: 'token_required',
      });
    const name = (await this.deps.nameActor(actor)) ?? 'CRM integration';
    return this.confirm(actor, { orderId: input.orderId }, 'integration', name, input.crmTag);
  }

  private async confirm(
    actor: Actor,
    where: { showId?: string; offerId?: string; orderId: string },
    via: 'integration' | 'manual',
    confirmedBy: string,
    crmTag: string | undefined,
  ): Promise<number> {
    const confirmed = await this.deps.repository.confirmCrmTag(actor.organizationId, where, {
      crmTag: crmTag ?? null,
      crmConfirmedVia: via,
      crmConfirmedBy: confirmedBy,
      crmConfirmedAt: this.deps.clock.now(),
    });
    for (const test of confirmed) {
      await this.deps.audit.record({
        organizationId: actor.organizationId,
        actor,
        action: 'link_test.confirmed',
        subjectType: 'show',
        subjectId: test.showId,
        data: {
          offerId: test.offerId,
          orderId: test.orderId,
          via,
          confirmedBy,
          crmTag: crmTag ?? null,
        },
      });
    }
    return confirmed.length;
  }

  private async view(actor: Actor, showId: string): Promise<Show> {
    return viewOf(this.deps, await requireRecord(this.deps, actor.organizationId, showId));
  }
}
