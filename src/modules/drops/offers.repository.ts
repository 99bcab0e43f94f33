import type { Db } from '../../db/database.js';
import type { NewRow, Row, RowUpdate } from '../../db/schema.js';

export type OfferRow = Row<'offers'>;
export type OfferComponentRow = Row<'offerComponents'>;

/**
 * The only SQL for offers' terms, components and codes, with the catalog's SKUs and the
 * organisation's members they refer to. Tenant reads and writes filter by organisation.
 */
export class OffersRepository {
  constructor(private readonly db: Db) {}

  async insertOffer(
    offer: NewRow<'offers'>,
    components: NewRow<'offerComponents'>[],
    codes: NewRow<'offerCodes'>[],
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('offers').values(offer).execute();
      if (components.length > 0)
        await trx.insertInto('offerComponents').values(components).execute();
      if (codes.length > 0) await trx.insertInto('offerCodes').values(codes).execute();
    });
  }

  async findOffer(organizationId: string, id: string): Promise<OfferRow | undefined> {
    return this.db
      .selectFrom('offers')
      .selectAll()
      .where('organizationId', '=', organizationId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  /** Public reads come with only the offer id: it is unguessable and names its organisation. */
  async findOfferById(id: string): Promise<OfferRow | undefined> {
    return this.db.selectFrom('offers').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async listOffers(organizationId: string, brandId?: string): Promise<OfferRow[]> {
    let query = this.db
      .selectFrom('offers')
      .selectAll()
      .where('organizationId', '=', organizationId);
    if (brandId) query = query.where('brandId', '=', brandId);
    return query.orderBy('createdAt', 'desc').execute();
  }

  async listOffersInStatus(statuses: readonly string[]): Promise<OfferRow[]> {
    return this.db.selectFrom('offers').selectAll().where('status', 'in', statuses).execute();
  }

  async listComponents(
    organizationId: string,
    offerIds: readonly string[],
  ): Promise<OfferComponentRow[]> {
    if (offerIds.length === 0) return [];
    return this.db
      .selectFrom('offerComponents')
      .selectAll()
      .where('organizationId', '=', organizationId)
      .where('offerId', 'in', offerIds)
      .execute();
  }

  async listCodes(
    organizationId: string,
    offerIds: readonly string[],
  ): Promise<Row<'offerCodes'>[]> {
    if (offerIds.length === 0) return [];
    return this.db
      .selectFrom('offerCodes')
      .selectAll()
      .where('organizationId', '=', organizationId)
      .where('offerId', 'in', offerIds)
      .orderBy('code')
      .execute();
  }

  async findTakenCodes(
    organizationId: string,
    codes: readonly string[],
    exceptOfferId?: string,
  ): Promise<string[]> {
    if (codes.length === 0) return [];
    let query = this.db
      .selectFrom('offerCodes')
      .select('code')
      .where('organizationId', '=', organizationId)
      .where('code', 'in', codes);
    if (exceptOfferId) query = query.where('offerId', '<>', exceptOfferId);
    return (await query.execute()).map((row) => row.code);
  }

  /** Rewrites an offer's terms, components and codes in one transaction. */
  async replaceOffer(
    organizationId: string,
    offerId: string,
    changes: RowUpdate<'offers'>,
    components: NewRow<'offerComponents'>[],
    codes: NewRow<'offerCodes'>[],
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('offers')
        .set(changes)
        .where('organizationId', '=', organizationId)
        .where('id', '=', offerId)
        .execute();
      await trx
        .deleteFrom('offerComponents')
        .where('organizationId', '=', organizationId)
        .where('offerId', '=', offerId)
        .execute();
      await trx
        .deleteFrom('offerCodes')
        .where('organizationId', '=', organizationId)
        .where('offerId', '=', offerId)
        .execute();
      if (components.length > 0)
        await trx.insertInto('offerComponents').values(components).execute();
      if (codes.length > 0) await trx.insertInto('offerCodes').values(codes).execute();
    });
  }

  async findSkus(organizationId: string, skuIds: readonly string[]) {
    if (skuIds.length === 0) return [];
    return this.db
      .selectFrom('skus')
      .innerJoin('products', 'products.id', 'skus.productId')
      .select([
        'skus.id',
        'skus.code',
        'skus.stockOnHand',
        'skus.priceMinor',
        'skus.currency',
        'products.brandId',
        'products.title',
      ])
      .where('skus.organizationId', '=', organizationId)
      .where('skus.id', 'in', skuIds)
      .execute();
  }

  async updateOffer(
    organizationId: string,
    id: string,
    changes: RowUpdate<'offers'>,
    expectedStatus?: readonly string[],
  ): Promise<OfferRow | undefined> {
    let query = this.db
      .updateTable('offers')
      .set(changes)
      .where('organizationId', '=', organizationId)
      .where('id', '=', id);
    if (expectedStatus) query = query.where('status', 'in', expectedStatus);
    return query.returningAll().executeTakeFirst();
  }

  /** Which of these users belong to the organisation. */
  async findMembers(organizationId: string, userIds: readonly string[]): Promise<Set<string>> {
    if (userIds.length === 0) return new Set();
    const rows = await this.db
      .selectFrom('memberships')
      .select('userId')
      .where('organizationId', '=', organizationId)
      .where('userId', 'in', userIds)
      .execute();
    return new Set(rows.map((row) => row.userId));
  }
}
