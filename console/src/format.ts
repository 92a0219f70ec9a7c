// How the console writes amounts and times: 元 with thousands separators, 万元 where budgets are
// compared, Beijing time. Amounts stay decimal strings; only charts get numbers, to draw.
import type { Lang } from './i18n';

const amountPattern = /^(-?)([0-9]+)(?:\.([0-9]{1,2}))?$/;

/** Fen of a decimal amount string, exactly (BigInt, never a float). */
export function fenOf(amount: string): bigint {
  const match = amountPattern.exec(amount.trim());
  if (match === null) throw new RangeError(`not an amount: ${amount}`);
  const fen = BigInt(match[2]!) * 100n + BigInt((match[3] ?? '').padEnd(2, '0'));
  return match[1] === '-' ? -fen : fen;
}

function grouped(whole: bigint): string {
  return whole.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function withTwoDecimals(hundredths: bigint): string {
  const sign = hundredths < 0n ? '-' : '';
  const abs = hundredths < 0n ? -hundredths : hundredths;
  return `${sign}${grouped(abs / 100n)}.${(abs % 100n).toString().padStart(2, '0')}`;
}

/** 1,234,567.89 (the unit is the column's or the label's). */
export function yuan(amount: string | null | undefined): string {
  if (amount === null || amount === undefined) return '—';
  return withTwoDecimals(fenOf(amount));
}

/** Amount in 万元 with two decimals, rounded half up: 2,000.00 for "20000000.00". */
export function wan(amount: string): string {
  const fen = fenOf(amount);
  // One hundredth of 万元 is 100 元, 10,000 fen.
  const sign = fen < 0n ? -1n : 1n;
  const abs = fen * sign;
  return withTwoDecimals(sign * ((abs + 5_000n) / 10_000n));
}

export function sumAmounts(amounts: Iterable<string>): string {
  let fen = 0n;
  for (const amount of amounts) fen += fenOf(amount);
  return `${fen / 100n}.${(fen % 100n).toString().padStart(2, '0')}`;
}

export function subtractAmounts(a: string, b: string): string {
  const fen = fenOf(a) - fenOf(b);
  const sign = fen < 0n ? '-' : '';
  const abs = fen < 0n ? -fen : fen;
  return `${sign}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
}

/** For drawing only: a chart's axis is a float; no figure shown as text comes from it. */
export function chartValue(amount: string): number {
  return Number(fenOf(amount)) / 100;
}

/**
 * Beijing has kept UTC+8 all year since 1992 (no summer time): its calendar and clock are UTC's,
 * eight hours on, as the API's `+08:00` instants say. Worked out without Intl, whose first time-zone
 * formatter costs a fresh page tens of milliseconds (hundreds on a busy machine) before it can show anything.
 */
const beijingOffsetMs = 8 * 60 * 60 * 1000;

function two(n: number): string {
  return String(n).padStart(2, '0');
}

function parts(date: Date): Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', string> {
  const at = new Date(date.getTime() + beijingOffsetMs);
  return {
    year: String(at.getUTCFullYear()),
    month: two(at.getUTCMonth() + 1),
    day: two(at.getUTCDate()),
    hour: two(at.getUTCHours()),
    minute: two(at.getUTCMinutes()),
    second: two(at.getUTCSeconds()),
  };
}

/** 2025-06-03 10:00:00, in Beijing time. */
export function beijingTime(iso: string | null | undefined): string {
  if (iso === null || iso === undefined) return '—';
  const p = parts(new Date(iso));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

/** Today's calendar date in Beijing. */
export function beijingToday(): string {
  const p = parts(new Date());
  return `${p.year}-${p.month}-${p.day}`;
}

export function beijingYear(): number {
  return Number(parts(new Date()).year);
}

/** The last instant of a Beijing calendar day, as the API's as-of takes it. */
export function endOfBeijingDay(date: string): string {
  return `${date}T23:59:59.999+08:00`;
}

export function percent(part: string, whole: string): string {
  const w = fenOf(whole);
  if (w === 0n) return '—';
  const tenths = (fenOf(part) * 1000n) / w;
  return `${tenths / 10n}.${(tenths < 0n ? -tenths : tenths) % 10n}%`;
}

export function dateOnly(lang: Lang, date: string): string {
  if (lang === 'en') return date;
  const [y, m, d] = date.split('-');
  return `${y}年${Number(m)}月${Number(d)}日`;
}
