import type { SlaWindow } from './approval-matrix.js';

/**
 * Business days per organisation: which weekdays are worked and which dates are holidays, in
 * the organisation's timezone. "5 business days" skips the rest; "48 hours" is wall-clock.
 */
export interface BusinessCalendar {
  /** IANA zone the days are counted in (the organisation's). */
  timezone: string;
  /** ISO weekdays worked: 1 = Monday ... 7 = Sunday. */
  workingDays: number[];
  /** Dates off, `YYYY-MM-DD`, local to the timezone. */
  holidays: string[];
}

export const defaultWorkingDays = [1, 2, 3, 4, 5];

/** A calendar date with no time and no zone. */
export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

interface LocalDateTime extends LocalDate {
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

const hourMs = 3_600_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timezone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timezone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timezone, formatter);
  }
  return formatter;
}

/** The wall-clock date and time at `instant` in `timezone`. */
export function localDateTimeAt(instant: Date, timezone: string): LocalDateTime {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timezone).formatToParts(instant)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year ?? 1970,
    month: parts.month ?? 1,
    day: parts.day ?? 1,
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
    millisecond: instant.getUTCMilliseconds(),
  };
}

function asUtcMs(local: LocalDateTime): number {
  return Date.UTC(
    local.year,
    local.month - 1,
    local.day,
    local.hour,
    local.minute,
    local.second,
    local.millisecond,
  );
}

/** How far `timezone` is ahead of UTC at `instant`, in ms. */
function offsetAt(instantMs: number, timezone: string): number {
  const instant = new Date(instantMs);
  return asUtcMs(localDateTimeAt(instant, timezone)) - instantMs;
}

/**
 * The instant a wall-clock time happens in `timezone`. Zones change offset at most once a
 * day, so the offsets a day either side are the only candidates. A time that happens twice
 * (autumn) is its first occurrence; a time skipped (spring) moves forward by the gap, so
 * 01:30 on the night London jumps from 01:00 to 02:00 becomes 02:30.
 */
export function instantOfLocal(local: LocalDateTime, timezone: string): Date {
  const naive = asUtcMs(local);
  const before = offsetAt(naive - 24 * hourMs, timezone);
  const after = offsetAt(naive + 24 * hourMs, timezone);
  const matches = [naive - before, naive - after].filter(
    (candidate) => candidate + offsetAt(candidate, timezone) === naive,
  );
  if (matches.length > 0) return new Date(Math.min(...matches));
  return new Date(naive - before);
}

export function formatLocalDate(date: LocalDate): string {
  const pad = (value: number, width = 2) => String(value).padStart(width, '0');
  return `${pad(date.year, 4)}-${pad(date.month)}-${pad(date.day)}`;
}

function nextDay(date: LocalDate): LocalDate {
  const next = new Date(Date.UTC(date.year, date.month - 1, date.day + 1));
  return { year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate() };
}

/** ISO weekday of a calendar date: 1 = Monday ... 7 = Sunday. */
export function isoWeekday(date: LocalDate): number {
  const weekday = new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
  return weekday === 0 ? 7 : weekday;
}

export function isBusinessDay(date: LocalDate, calendar: BusinessCalendar): boolean {
  return (
    calendar.workingDays.includes(isoWeekday(date)) &&
    !calendar.holidays.includes(formatLocalDate(date))
  );
}

/** Ten years of days: a calendar with every day off would otherwise never answer. */
const maxDaysSearched = 3660;

function nextBusinessDay(date: LocalDate, calendar: BusinessCalendar): LocalDate {
  let candidate = nextDay(date);
  for (let searched = 0; searched < maxDaysSearched; searched++) {
    if (isBusinessDay(candidate, calendar)) return candidate;
    candidate = nextDay(candidate);
  }
  throw new Error('The business calendar has no working day in the next ten years');
}

/**
 * When a review started at `start` is due. Hours are wall-clock. Business days keep the
 * local time of day and move forward that many working days: Friday 15:00 + 1 business day is
 * Monday 15:00. Work handed in on a day off starts with the next working day, so it gets that
 * whole day: Saturday + 1 business day is the end of Monday (Tuesday 00:00).
 */
export function slaDeadline(start: Date, window: SlaWindow, calendar: BusinessCalendar): Date {
  if ('hours' in window) return new Date(start.getTime() + window.hours * hourMs);
  const local = localDateTimeAt(start, calendar.timezone);
  let date: LocalDate = local;
  let time = {
    hour: local.hour,
    minute: local.minute,
    second: local.second,
    millisecond: local.millisecond,
  };
  if (!isBusinessDay(date, calendar)) {
    date = nextBusinessDay(date, calendar);
    time = { hour: 0, minute: 0, second: 0, millisecond: 0 };
  }
  for (let day = 0; day < window.businessDays; day++) date = nextBusinessDay(date, calendar);
  return instantOfLocal(
    { year: date.year, month: date.month, day: date.day, ...time },
    calendar.timezone,
  );
}

/**
 * When to remind the reviewer: three quarters of the way to the deadline, so a 48-hour
 * window reminds 12 hours ahead and a 24-hour re-review 6 hours ahead.
 */
export function reminderTime(assignedAt: Date, deadline: Date): Date {
  const span = deadline.getTime() - assignedAt.getTime();
  return new Date(assignedAt.getTime() + Math.floor(span * 0.75));
}
