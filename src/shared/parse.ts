// Parsing of command inputs as they arrive (HTTP bodies, CLI arguments): unknown in, typed out, or a
// VALIDATION_FAILED naming the field. Shared by every entry point, so no rule depends on one of them.
import { isReadableName, keyPattern } from './patterns.js';
import { refusal, type DomainError } from './errors.js';
import { isInvoiceCode, isInvoiceNumber, isUsccShaped } from './identifiers.js';
import { Money } from './money.js';
import { isInstant, parseCalendarDate, type CalendarDate } from './time.js';

export const itemCountMax = 200;
export const noticeApplicationCountMax = 500;
export const textLengthMax = 2_000;

export function invalid(field: string, message: string): DomainError {
  return refusal('VALIDATION_FAILED', `${field} ${message}`, { field });
}

export function objectOf(value: unknown, field = 'body'): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(field, 'must be an object');
  return value as Record<string, unknown>;
}

/** Refuses fields the command does not know: a typo must not be silently ignored. */
export function onlyFields(body: Record<string, unknown>, allowed: readonly string[], field = 'body'): void {
  const unknown = Object.keys(body).find((key) => !allowed.includes(key));
  if (unknown !== undefined) throw invalid(`${field}.${unknown}`, 'is not a known field');
}

export function text(value: unknown, field: string, lengthMax = textLengthMax): string {
  if (typeof value !== 'string' || value.trim().length === 0) throw invalid(field, 'must be a non-empty string');
  if (value.length > lengthMax) throw invalid(field, `must be at most ${lengthMax} characters`);
  return value;
}

export function optionalText(value: unknown, field: string, lengthMax = textLengthMax): string | null {
  return value === undefined || value === null ? null : text(value, field, lengthMax);
}

/** A name (of an enterprise, a district, a source): no control, bidi or zero-width character, and not blank-looking. */
export function name(value: unknown, field: string, lengthMax: number): string {
  const parsed = text(value, field, lengthMax);
  if (!isReadableName(parsed)) throw invalid(field, 'must be a readable name: no control, bidi-override or zero-width characters, and not blank');
  return parsed;
}

export function optionalName(value: unknown, field: string, lengthMax: number): string | null {
  return value === undefined || value === null ? null : name(value, field, lengthMax);
}

/** An instant as ISO 8601 writes it, with its zone (2025-07-01T09:30:00+08:00); kept as written. */
export function instant(value: unknown, field: string): string {
  if (!isInstant(value)) throw invalid(field, 'must be an ISO 8601 instant with a zone, such as 2025-07-01T09:30:00+08:00');
  return value;
}

/** Keys that become part of stream names: letters, digits and a few separators. */
export function key(value: unknown, field: string): string {
  const parsed = text(value, field, 128);
  if (!keyPattern.test(parsed)) throw invalid(field, 'may hold only letters, digits and . _ : / -');
  return parsed;
}

export function optionalKey(value: unknown, field: string): string | null {
  return value === undefined || value === null ? null : key(value, field);
}

export function oneOf<T extends string>(value: unknown, allowed: readonly T[], field: string): T {
  if (typeof value !== 'string' || !allowed.includes(value as T)) throw invalid(field, `must be one of ${allowed.join(', ')}`);
  return value as T;
}

export function integer(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalid(field, `must be an integer from ${min} to ${max}`);
  }
  return value;
}

export function money(value: unknown, field: string): Money {
  return Money.parse(value, field);
}

/** An amount that may be zero ("0.00"): what a decision approves for an application below the threshold. */
export function moneyOrZero(value: unknown, field: string): Money {
  if (typeof value === 'string' && /^0+(\.0{1,2})?$/.test(value)) return Money.zero;
  return Money.parse(value, field);
}

export function date(value: unknown, field: string): CalendarDate {
  return parseCalendarDate(value, field);
}

export function optionalDate(value: unknown, field: string): CalendarDate | null {
  return value === undefined || value === null ? null : date(value, field);
}

export function usccShaped(value: unknown, field = 'uscc'): string {
  if (!isUsccShaped(value)) throw invalid(field, 'must be an 18-character unified social credit code (统一社会信用代码)');
  return value;
}

export function invoiceNumber(value: unknown, field: string): string {
  if (!isInvoiceNumber(value)) throw invalid(field, 'must be an invoice number (发票号码) of 8 or 20 digits');
  return value;
}

/**
 * An invoice as the tax system identifies it (SPEC §1): a 20-digit 全电发票 number alone, or a 10- or
 * 12-digit 发票代码 with its 8-digit 号码. `field` names the item; its fields are `invoiceNumber`, `invoiceCode`.
 */
export function invoice(number: unknown, code: unknown, field: string): { invoiceNumber: string; invoiceCode: string | null } {
  const invoiceNumber_ = invoiceNumber(number, `${field}.invoiceNumber`);
  if (invoiceNumber_.length === 20) {
    if (code !== undefined && code !== null) throw invalid(`${field}.invoiceCode`, 'must be absent: a 20-digit 全电发票 number identifies the invoice alone');
    return { invoiceNumber: invoiceNumber_, invoiceCode: null };
  }
  if (code === undefined || code === null)
    throw invalid(`${field}.invoiceCode`, 'is required with an 8-digit invoice number: the 发票代码 (10 or 12 digits) and the 号码 identify the invoice together');
  if (!isInvoiceCode(code)) throw invalid(`${field}.invoiceCode`, 'must be an invoice code (发票代码) of 10 or 12 digits');
  return { invoiceNumber: invoiceNumber_, invoiceCode: code };
}

export function list(value: unknown, field: string, lengthMax: number, options: { emptyAllowed?: boolean } = {}): unknown[] {
  if (!Array.isArray(value)) throw invalid(field, 'must be an array');
  if (value.length === 0 && options.emptyAllowed !== true) throw invalid(field, 'must be a non-empty array');
  if (value.length > lengthMax) throw invalid(field, `must hold at most ${lengthMax} entries`);
  return value;
}

/** An id from the route (or the CLI's arguments): present, since the edge put it there. */
export function param(params: Readonly<Record<string, string>>, name: string): string {
  const value = params[name];
  if (value === undefined) throw invalid(name, 'is missing');
  return value;
}
