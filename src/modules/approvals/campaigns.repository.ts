import type { Db } from '../../db/database.js';
import type { NewRow, Row, RowUpdate } from '../../db/schema.js';

export type CampaignRow = Row<'campaigns'>;
export type BusinessCalendarRow = Row<'businessCalendars'>;

/** SQL for campaigns and business calendars; every call is scoped by organisation. */
export class CampaignsRepository {
  constructor(private readonly db: Db) {}

  async insertCampaign(row: NewRow<'campaigns'>): Promise<void> {
    await this.db.insertInto('campaigns').values(row).execute();
  }

  async updateCampaign(
    organizationId: string,
    id: string,
    changes: RowUpdate<'campaigns'>,
  ): Promise<CampaignRow | undefined> {
    return this.db
      .updateTable('campaigns')
      .set(changes)
      .where('organizationId', '=', organizationId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  }

  async findCampaign(organizationId: string, id: string): Promise<CampaignRow | undefined> {
    return this.db
      .selectFrom('campaigns')
      .selectAll()
      .where('organizationId', '=', organizationId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  async listCampaigns(
    organizationId: string,
    filter: { brandId?: string | undefined },
  ): Promise<CampaignRow[]> {
    let query = this.db
      .selectFrom('campaigns')
      .selectAll()
      .where('organizationId', '=', organizationId);
    if (filter.brandId) query = query.where('brandId', '=', filter.brandId);
    return query.orderBy('startsAt', 'desc').orderBy('createdAt', 'desc').execute();
  }

  async deleteCampaign(organizationId: string, id: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('campaigns')
      .where('organizationId', '=', organizationId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(result.numDeletedRows) === 1;
  }

  async countDocuments(organizationId: string, campaignId: string): Promise<number> {
    const row = await this.db
      .selectFrom('documents')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('organizationId', '=', organizationId)
      .where('campaignId', '=', campaignId)
      .executeTakeFirst();
    return Number(row?.count ?? 0);
  }

  async findCalendar(organizationId: string): Promise<BusinessCalendarRow | undefined> {
    return this.db
      .selectFrom('businessCalendars')
      .selectAll()
      .where('organizationId', '=', organizationId)
      .executeTakeFirst();
  }

  async saveCalendar(row: NewRow<'businessCalendars'>): Promise<void> {
    await this.db
      .insertInto('businessCalendars')
      .values(row)
      .onConflict((conflict) =>
        conflict.column('organizationId').doUpdateSet({
          workingDays: row.workingDays,
          holidays: row.holidays,
          updatedAt: row.updatedAt,
        }),
      )
      .execute();
  }
}
