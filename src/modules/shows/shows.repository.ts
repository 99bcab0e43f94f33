import type { Db } from '../../db/database.js';
import type { NewRow, Row, RowUpdate } from '../../db/schema.js';
import { type OfferShow, ShowOfOffer } from './show-of-offer.js';

export type ShowRow = Row<'shows'>;
export type ShowOfferRow = Row<'showOffers'>;
export type ShowDocumentRow = Row<'showDocuments'>;
export type LinkTestRow = Row<'showLinkTests'>;
export type ManualCheckRow = Row<'showManualChecks'>;
export type PolicyBundleRow = Row<'showPolicyBundles'>;
export type ShowAlertRow = Row<'showAlerts'>;
export type CheckoutSampleRow = Row<'showCheckoutSamples'>;

/** Everything the show page and the preflight read about one show. */
export interface ShowRecord {
  show: ShowRow;
  offers: ShowOfferRow[];
  documents: ShowDocumentRow[];
  linkTests: LinkTestRow[];
  manualChecks: ManualCheckRow[];
  policyBundle: PolicyBundleRow | undefined;
  alerts: ShowAlertRow[];
  samples: CheckoutSampleRow[];
}

/**
 * The only place with SQL for shows; every call is scoped by organisation. It keeps each
 * offer's shows for order attribution (ShowOfOffer) and forgets them on its own writes.
 */
export class ShowsRepository {
  private readonly offerShows = new ShowOfOffer((organizationId, offerId) =>
    this.listShowsOfOffer(organizationId, offerId),
  );

  constructor(private readonly db: Db) {}

  async insertShow(show: NewRow<'shows'>, checks: NewRow<'showManualChecks'>[]): Promise<void> {
    await this.changingShows(() =>
      this.db.transaction().execute(async (trx) => {
        await trx.insertInto('shows').values(show).execute();
        if (checks.length > 0) await trx.insertInto('showManualChecks').values(checks).execute();
      }),
    );
  }

  /**
   * Runs a write to shows or their offers, then forgets every offer's shows: after the commit,
   * so that no read started meanwhile keeps the old list (the cache drops loads in flight).
   */
  private async changingShows<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } finally {
      this.offerShows.forgetAll();
    }
  }

  async updateShow(
    organizationId: string,
    id: string,
    changes: RowUpdate<'shows'>,
    fromStatuses?: readonly ShowRow['status'][],
  ): Promise<ShowRow | undefined> {
    let query = this.db
      .updateTable('shows')
      .set(changes)
      .where('organizationId', '=', organizationId)
      .where('id', '=', id);
    if (fromStatuses) query = query.where('status', 'in', fromStatuses);
    return this.changingShows(() => query.returningAll().executeTakeFirst());
  }

  async deleteShow(organizationId: string, id: string): Promise<boolean> {
    const result = await this.changingShows(() =>
      this.db
        .deleteFrom('shows')
        .where('organizationId', '=', organizationId)
        .where('id', '=', id)
        .executeTakeFirst(),
    );
    return Number(result.numDeletedRows) === 1;
  }

  async findShow(organizationId: string, id: string): Promise<ShowRow | undefined> {
    return this.db
      .selectFrom('shows')
      .selectAll()
      .where('organizationId', '=', organizationId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  /** Shows overlapping [from, to), earliest first. */
  async listShows(
    organizationId: string,
    filter: { from?: Date | undefined; to?: Date | undefined; brandId?: string | undefined },
  ): Promise<ShowRow[]> {
    let query = this.db
      .selectFrom('shows')
      .selectAll()
      .where('organizationId', '=', organizationId);
    if (filter.from) query = query.where('endsAt', '>', filter.from);
    if (filter.to) query = query.where('startsAt', '<', filter.to);
    if (filter.brandId) query = query.where('brandId', '=', filter.brandId);
    return query.orderBy('startsAt').orderBy('title').limit(500).execute();
  }

  async loadRecord(organizationId: string, id: string): Promise<ShowRecord | undefined> {
    const show = await this.findShow(organizationId, id);
    if (!show) return undefined;
    const [offers, documents, manualChecks, linkTests, policyBundle, alerts, samples] =
      await Promise.all([
        this.db
          .selectFrom('showOffers')
          .selectAll()
          .where('organizationId', '=', organizationId)
          .where('showId', '=', id)
          .orderBy('position')
          .execute(),
        this.db
          .selectFrom('showDocuments')
          .selectAll()
          .where('organizationId', '=', organizationId)
          .where('showId', '=', id)
          .orderBy('position')
          .execute(),
        this.db
          .selectFrom('showManualChecks')
          .selectAll()
          .where('organizationId', '=', organizationId)
          .where('showId', '=', id)
          .orderBy('position')
          .execute(),
        this.db
          .selectFrom('showLinkTests')
          .selectAll()
          .where('organizationId', '=', organizationId)
          .where('showId', '=', id)
          .execute(),
        this.db
          .selectFrom('showPolicyBundles')
          .selectAll()
          .where('organizationId', '=', organizationId)
          .where('showId', '=', id)
          .executeTakeFirst(),
        this.db
          .selectFrom('showAlerts')
          .selectAll()
          .where('organizationId', '=', organizationId)
          .where('showId', '=', id)
          .orderBy('createdAt', 'desc')
          .limit(50)
          .execute(),
        this.db
          .selectFrom('showCheckoutSamples')
          .selectAll()
          .where('organizationId', '=', organizationId)
          .where('showId', '=', id)
          .orderBy('sampleNumber')
          .execute(),
      ]);
    return { show, offers, documents, linkTests, manualChecks, policyBundle, alerts, samples };
  }

  /**
   * The show an offer sells in at `at`, for its orders' attribution: among the shows that list
   * it, the live one, else the one whose slot covers `at`, else the one starting nearest
   * (ShowOfOffer, from memory).
   */
  findShowOfOffer(organizationId: string, offerId: string, at: Date): Promise<string | null> {
    return this.offerShows.find(organizationId, offerId, at);
  }

  /** The shows an offer is attached to. */
  async listShowsOfOffer(organizationId: string, offerId: string): Promise<OfferShow[]> {
    return this.db
      .selectFrom('showOffers')
      .innerJoin('shows', 'shows.id', 'showOffers.showId')
      .select(['shows.id', 'shows.status', 'shows.startsAt', 'shows.endsAt'])
      .where('showOffers.organizationId', '=', organizationId)
      .where('shows.organizationId', '=', organizationId)
      .where('showOffers.offerId', '=', offerId)
      .execute();
  }

  /** Replaces the show's offers; link tests of offers no longer attached go with them. */
  async replaceOffers(organizationId: string, showId: string, offerIds: string[]): Promise<void> {
    await this.changingShows(() => this.writeOffers(organizationId, showId, offerIds));
  }

  private async writeOffers(organizationId: string, showId: string, offerIds: string[]) {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .deleteFrom('showOffers')
        .where('organizationId', '=', organizationId)
        .where('showId', '=', showId)
        .execute();
      let stale = trx
        .deleteFrom('showLinkTests')
        .where('organizationId', '=', organizationId)
        .where('showId', '=', showId);
      if (offerIds.length > 0) stale = stale.where('offerId', 'not in', offerIds);
      await stale.execute();
      if (offerIds.length > 0) {
        await trx
          .insertInto('showOffers')
          .values(
            offerIds.map((offerId, position) => ({ organizationId, showId, offerId, position })),
          )
          .execute();
      }
    });
  }

  async replaceDocuments(
    organizationId: string,
    showId: string,
    documents: Array<{ documentId: string; versionId: string | null }>,
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .deleteFrom('showDocuments')
        .where('organizationId', '=', organizationId)
        .where('showId', '=', showId)
        .execute();
      if (documents.length > 0) {
        await trx
          .insertInto('showDocuments')
          .values(
            documents.map((document, position) => ({
              organizationId,
              showId,
              ...document,
              position,
            })),
          )
          .execute();
      }
    });
  }

  /** Records (or replaces) the test order through one offer's link; CRM confirmation restarts. */
  async saveLinkTest(test: NewRow<'showLinkTests'>): Promise<void> {
    await this.db
      .insertInto('showLinkTests')
      .values(test)
      .onConflict((conflict) =>
        conflict.columns(['showId', 'offerId']).doUpdateSet({
          orderId: test.orderId,
          paymentCleared: test.paymentCleared,
          recordedBy: test.recordedBy ?? null,
          recordedAt: test.recordedAt,
          crmTag: null,
          crmConfirmedVia: null,
          crmConfirmedBy: null,
          crmConfirmedAt: null,
        }),
      )
      .execute();
  }

  async confirmCrmTag(
    organizationId: string,
    where: { showId?: string; offerId?: string; orderId: string },
    confirmation: Pick<
      RowUpdate<'showLinkTests'>,
      'crmTag' | 'crmConfirmedVia' | 'crmConfirmedBy' | 'crmConfirmedAt'
    >,
  ): Promise<LinkTestRow[]> {
    let query = this.db
      .updateTable('showLinkTests')
      .set(confirmation)
      .where('organizationId', '=', organizationId)
      .where('orderId', '=', where.orderId);
    if (where.showId) query = query.where('showId', '=', where.showId);
    if (where.offerId) query = query.where('offerId', '=', where.offerId);
    return query.returningAll().execute();
  }

  async confirmManualCheck(
    organizationId: string,
    showId: string,
    name: string,
    confirmation: {
      confirmedBy: string | null;
      confirmedByName: string | null;
      confirmedAt: Date | null;
    },
  ): Promise<ManualCheckRow | undefined> {
    return this.db
      .updateTable('showManualChecks')
      .set(confirmation)
      .where('organizationId', '=', organizationId)
      .where('showId', '=', showId)
      .where('name', '=', name)
      .returningAll()
      .executeTakeFirst();
  }

  async savePolicyBundle(bundle: NewRow<'showPolicyBundles'>): Promise<void> {
    const { organizationId: _organizationId, showId: _showId, ...changes } = bundle;
    await this.db
      .insertInto('showPolicyBundles')
      .values(bundle)
      .onConflict((conflict) => conflict.column('showId').doUpdateSet(changes))
      .execute();
  }

  async insertAlert(alert: NewRow<'showAlerts'>): Promise<void> {
    await this.db.insertInto('showAlerts').values(alert).execute();
  }

  /** One row per sample number: a job that runs twice records the sample once. */
  async insertSample(sample: NewRow<'showCheckoutSamples'>): Promise<boolean> {
    const inserted = await this.db
      .insertInto('showCheckoutSamples')
      .values(sample)
      .onConflict((conflict) => conflict.columns(['showId', 'sampleNumber']).doNothing())
      .executeTakeFirst();
    return Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1;
  }
}
