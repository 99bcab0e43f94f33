import type { Clock } from '../../lib/clock.js';
import { type Actor, requirePermission } from '../access/index.js';
import type { AuditRecorder } from '../audit/audit-recorder.js';
import type { ApprovalsStore } from './approvals.store.js';
import { type BusinessCalendar, defaultWorkingDays } from './business-calendar.js';

export interface BusinessCalendarView extends BusinessCalendar {
  updatedAt: Date | null;
}

export interface BusinessCalendarDeps {
  store: ApprovalsStore;
  clock: Clock;
  audit: AuditRecorder;
  /** The organisation's IANA timezone; business days are counted in it. */
  organizationTimezone(organizationId: string): Promise<string>;
}

/** Each organisation's working days and holidays, which business-day SLA windows count on. */
export class BusinessCalendarService {
  constructor(private readonly deps: BusinessCalendarDeps) {}

  async get(actor: Actor): Promise<BusinessCalendarView> {
    requirePermission(actor, 'calendar.read');
    return this.calendarView(actor.organizationId);
  }

  /**
   * Replaces the working days and holidays. Deadlines already set stay as they were; the
   * new calendar counts from the next assignment.
   */
  async set(
    actor: Actor,
    input: { workingDays: number[]; holidays: string[] },
  ): Promise<BusinessCalendarView> {
    requirePermission(actor, 'approvals.configure');
    const before = await this.calendarView(actor.organizationId);
    const workingDays = [...new Set(input.workingDays)].sort((a, b) => a - b);
    const holidays = [...new Set(input.holidays)].sort();
    await this.deps.store.campaigns.saveCalendar({
      organizationId: actor.organizationId,
      workingDays: JSON.stringify(workingDays),
      holidays: JSON.stringify(holidays),
      updatedAt: this.deps.clock.now(),
    });
    await this.deps.audit.record({
      organizationId: actor.organizationId,
      actor,
      action: 'business_calendar.changed',
      subjectType: 'organization',
      subjectId: actor.organizationId,
      data: {
        before: { workingDays: before.workingDays, holidays: before.holidays },
        after: { workingDays, holidays },
      },
    });
    return this.calendarView(actor.organizationId);
  }

  /** The calendar SLA windows count on; Monday to Friday with no holidays until one is set. */
  async businessCalendarOf(organizationId: string): Promise<BusinessCalendar> {
    const { updatedAt: _updatedAt, ...calendar } = await this.calendarView(organizationId);
    return calendar;
  }

  private async calendarView(organizationId: string): Promise<BusinessCalendarView> {
    const [row, timezone] = await Promise.all([
      this.deps.store.campaigns.findCalendar(organizationId),
      this.deps.organizationTimezone(organizationId),
    ]);
    return {
      timezone,
      workingDays: row?.workingDays ?? defaultWorkingDays,
      holidays: row?.holidays ?? [],
      updatedAt: row?.updatedAt ?? null,
    };
  }
}
