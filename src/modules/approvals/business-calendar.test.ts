import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type BusinessCalendar,
  formatLocalDate,
  instantOfLocal,
  isBusinessDay,
  localDateTimeAt,
  reminderTime,
  slaDeadline,
} from './business-calendar.js';

const london: BusinessCalendar = {
  timezone: 'Europe/London',
  workingDays: [1, 2, 3, 4, 5],
  holidays: ['2026-05-04'],
};
const at = (iso: string) => new Date(iso);

describe('SLA deadlines', () => {
  it('counts a 48-hour window on the wall clock, weekends included', () => {
    expect(slaDeadline(at('2026-05-01T15:00:00Z'), { hours: 48 }, london)).toEqual(
      at('2026-05-03T15:00:00Z'),
    );
  });

  it('moves business days over weekends and holidays, keeping the local time', () => {
    // Friday 1 May 16:00 BST; Monday 4 May is a bank holiday.
    expect(slaDeadline(at('2026-05-01T15:00:00Z'), { businessDays: 1 }, london)).toEqual(
      at('2026-05-05T15:00:00Z'),
    );
    expect(slaDeadline(at('2026-05-01T15:00:00Z'), { businessDays: 5 }, london)).toEqual(
      at('2026-05-11T15:00:00Z'),
    );
  });

  it('starts work handed in on a day off with the next working day, all of it', () => {
    // Saturday 2 May: Monday is a holiday, so Tuesday is the one business day, due by its end.
    expect(slaDeadline(at('2026-05-02T10:00:00Z'), { businessDays: 1 }, london)).toEqual(
      at('2026-05-05T23:00:00Z'),
    );
  });

  it('counts days in the organisation’s timezone, not in UTC', () => {
    // 23:30 UTC on Friday is already Saturday in Tokyo.
    const tokyo: BusinessCalendar = {
      timezone: 'Asia/Tokyo',
      workingDays: [1, 2, 3, 4, 5],
      holidays: [],
    };
    expect(slaDeadline(at('2026-01-09T23:30:00Z'), { businessDays: 1 }, tokyo)).toEqual(
      at('2026-01-12T15:00:00Z'),
    );
  });

  it('keeps the local time across a change to summer time', () => {
    // Friday 27 March 2026 09:00 GMT; clocks go forward on Sunday 29 March.
    expect(slaDeadline(at('2026-03-27T09:00:00Z'), { businessDays: 1 }, london)).toEqual(
      at('2026-03-30T08:00:00Z'),
    );
  });

  it('follows an organisation that works Sunday to Thursday', () => {
    const dubai: BusinessCalendar = {
      timezone: 'Asia/Dubai',
      workingDays: [7, 1, 2, 3, 4],
      holidays: [],
    };
    // Thursday 8 January 2026 12:00 local -> Sunday 11 January 12:00 local.
    expect(slaDeadline(at('2026-01-08T08:00:00Z'), { businessDays: 1 }, dubai)).toEqual(
      at('2026-01-11T08:00:00Z'),
    );
  });

  it('reminds three quarters of the way to the deadline', () => {
    expect(reminderTime(at('2026-05-01T00:00:00Z'), at('2026-05-03T00:00:00Z'))).toEqual(
      at('2026-05-02T12:00:00Z'),
    );
  });

  const zones = fc.constantFrom(
    'UTC',
    'Europe/London',
    'America/New_York',
    'Asia/Kolkata',
    'Australia/Sydney',
  );
  const instants = fc
    .integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2028, 0, 1) })
    .map((ms) => new Date(ms));
  const calendars = fc.record({
    timezone: zones,
    workingDays: fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 7 }),
    holidays: fc.array(
      fc
        .integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2028, 2, 1) })
        .map((ms) => new Date(ms).toISOString().slice(0, 10)),
      { maxLength: 40 },
    ),
  });

  it('always lands on a business day, after the start, with the right number of business days between', () => {
    fc.assert(
      fc.property(instants, calendars, fc.integer({ min: 1, max: 12 }), (start, calendar, days) => {
        const deadline = slaDeadline(start, { businessDays: days }, calendar);
        expect(deadline.getTime()).toBeGreaterThan(start.getTime());
        const local = localDateTimeAt(deadline, calendar.timezone);
        expect(isBusinessDay(local, calendar)).toBe(true);
        // Business days after the start's date up to the deadline's date: exactly `days`,
        // plus the first one when the start fell on a day off.
        const startLocal = localDateTimeAt(start, calendar.timezone);
        let counted = 0;
        const cursor = new Date(
          Date.UTC(startLocal.year, startLocal.month - 1, startLocal.day + 1),
        );
        const end = formatLocalDate(local);
        for (;;) {
          const day = {
            year: cursor.getUTCFullYear(),
            month: cursor.getUTCMonth() + 1,
            day: cursor.getUTCDate(),
          };
          if (isBusinessDay(day, calendar)) counted++;
          if (formatLocalDate(day) === end) break;
          cursor.setUTCDate(cursor.getUTCDate() + 1);
        }
        expect(counted).toBe(isBusinessDay(startLocal, calendar) ? days : days + 1);
      }),
      { numRuns: 200 },
    );
  });

  it('never gives later work an earlier deadline', () => {
    fc.assert(
      fc.property(
        instants,
        instants,
        calendars,
        fc.integer({ min: 1, max: 10 }),
        (a, b, calendar, days) => {
          const [early, late] = a <= b ? [a, b] : [b, a];
          const window = { businessDays: days };
          expect(slaDeadline(late, window, calendar).getTime()).toBeGreaterThanOrEqual(
            slaDeadline(early, window, calendar).getTime(),
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  it('turns local times back into the instants they came from', () => {
    fc.assert(
      fc.property(instants, zones, (instant, zone) => {
        const local = localDateTimeAt(instant, zone);
        const back = instantOfLocal(local, zone);
        // An autumn hour happens twice; either occurrence shows the same local time.
        expect(localDateTimeAt(back, zone)).toEqual(local);
      }),
      { numRuns: 300 },
    );
  });
});
