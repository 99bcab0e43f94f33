import type { Db } from '../../db/database.js';
import type { NewRow, Row } from '../../db/schema.js';

export type RegionRow = Row<'fulfilmentRegions'>;
export type TaxRateRow = Row<'taxRates'>;

export class FulfilmentRepository {
  constructor(private readonly db: Db) {}

  /** Writes a region and replaces its tax table in one transaction. */
  async saveRegion(
    region: NewRow<'fulfilmentRegions'>,
    rates: NewRow<'taxRates'>[],
    isNew: boolean,
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      if (isNew) await trx.insertInto('fulfilmentRegions').values(region).execute();
      else {
        const { id, organizationId, createdAt: _createdAt, ...changes } = region;
        await trx
          .updateTable('fulfilmentRegions')
          .set(changes)
          .where('organizationId', '=', organizationId)
          .where('id', '=', id)
          .execute();
      }
      await trx
        .deleteFrom('taxRates')
        .where('organizationId', '=', region.organizationId)
        .where('regionId', '=', region.id)
        .execute();
      if (rates.length > 0) await trx.insertInto('taxRates').values(rates).execute();
    });
  }

  async listRegions(organizationId: string): Promise<RegionRow[]> {
    return this.db
      .selectFrom('fulfilmentRegions')
      .selectAll()
      .where('organizationId', '=', organizationId)
      .orderBy('priority')
      .orderBy('name')
      .execute();
  }

  async findRegion(organizationId: string, id: string): Promise<RegionRow | undefined> {
    return this.db
      .selectFrom('fulfilmentRegions')
      .selectAll()
      .where('organizationId', '=', organizationId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  async deleteRegion(organizationId: string, id: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('fulfilmentRegions')
      .where('organizationId', '=', organizationId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(result.numDeletedRows) === 1;
  }

  async listTaxRates(organizationId: string, regionIds: readonly string[]): Promise<TaxRateRow[]> {
    if (regionIds.length === 0) return [];
    return this.db
      .selectFrom('taxRates')
      .selectAll()
      .where('organizationId', '=', organizationId)
      .where('regionId', 'in', regionIds)
      .orderBy('country')
      .execute();
  }

  /** Delivered orders with their timings, for time-to-fulfil per region. */
  async listFulfilmentTimings(organizationId: string, offerId?: string) {
    let query = this.db
      .selectFrom('orders')
      .select(['fulfilmentRegionId', 'createdAt', 'packedAt', 'shippedAt', 'deliveredAt'])
      .where('organizationId', '=', organizationId)
      .where('status', '=', 'paid');
    if (offerId) query = query.where('offerId', '=', offerId);
    return query.execute();
  }
}
