// Time in Asia/Shanghai (UTC+8, no daylight saving): fiscal years and calendar dates.
import { datePattern } from './patterns.js';
import { refusal } from './errors.js';

const shanghaiOffsetMs = 8 * 60 * 60 * 1000;

/** A calendar date, "YYYY-MM-DD", as finance staff write it. */
export type CalendarDate = string;

/** An ISO-8601 instant with its zone; each part in range, so that `2026-02-30T…` is not quietly 2 March. */
const instantPattern = /^([0-9]{4}-[0-9]{2}-[0-9]{2})T([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\.[0-9]{1,9})?)?(Z|[+-]([0-9]{2}):([0-9]{2}))$/;

/** Whether `text` is an instant as ISO 8601 writes it, with a zone: no RFC 2822, no impossible day or hour. */
export function isInstant(text: unknown): text is string {
  if (typeof text !== 'string') return false;
  const match = instantPattern.exec(text);
  if (match === null) return false;
  const [, day, hours, minutes, seconds = '00', , zoneHours = '00', zoneMinutes = '00'] = match;
  return isCalendarDate(day) && Number(hours) <= 23 && Number(minutes) <= 59 && Number(seconds) <= 59 && Number(zoneHours) <= 14 && Number(zoneMinutes) <= 59;
}

export function parseInstant(iso: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms) || !/T.*(Z|[+-][0-9]{2}:[0-9]{2})$/.test(iso)) throw new Error(`not an ISO instant with a zone: ${iso}`);
  return ms;
}

/** The date in Shanghai at an instant: `2025-12-31T20:00:00Z` is 2026-01-01. */
export function shanghaiDateOf(instantIso: string): CalendarDate {
  return new Date(parseInstant(instantIso) + shanghaiOffsetMs).toISOString().slice(0, 10);
}

/** Fiscal year = calendar year in Asia/Shanghai. */
export function fiscalYearOf(instantIso: string): number {
  return Number(shanghaiDateOf(instantIso).slice(0, 4));
}

export function isCalendarDate(text: unknown): text is CalendarDate {
  if (typeof text !== 'string') return false;
  const match = datePattern.exec(text);
  if (match === null) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

export function parseCalendarDate(text: unknown, field: string): CalendarDate {
  if (!isCalendarDate(text)) {
    throw refusal('VALIDATION_FAILED', `${field} must be a date "YYYY-MM-DD", got ${JSON.stringify(text)?.slice(0, 40)}`, { field });
  }
  return text;
}

export function yearOfDate(date: CalendarDate): number {
  return Number(date.slice(0, 4));
}

export function addDays(date: CalendarDate, days: number): CalendarDate {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** 0 = Sunday … 6 = Saturday. */
export function weekdayOf(date: CalendarDate): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

/** A date a user gave, refused unless `earliest` ≤ it ≤ `latest` (both included; YYYY-MM-DD compares as text). */
export function assertDateWithin(field: string, value: CalendarDate, earliest: CalendarDate, latest: CalendarDate): void {
  if (value < earliest || value > latest) {
    throw refusal('DATE_OUT_OF_RANGE', `${field} ${value} must lie between ${earliest} and ${latest}`, { field, value, earliest, latest });
  }
}
