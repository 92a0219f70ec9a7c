// Identifiers of the domain: enterprises' USCC (GB 32100-2015) and invoice numbers.
import { invoiceCodePattern, invoiceNumberPattern, usccPattern } from './patterns.js';
import { assert, defined } from './assert.js';
import { hash } from 'node:crypto';

const usccAlphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const usccWeights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;

/** 18 characters of the 31-character alphabet: the shape, without the check character. */
export function isUsccShaped(text: unknown): text is string {
  return typeof text === 'string' && usccPattern.test(text);
}

/** The check character for the first 17 characters: 31 − (Σ code × weight mod 31), 31 → '0'. */
export function usccCheckCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i += 1) sum += usccAlphabet.indexOf(first17.charAt(i)) * defined(usccWeights[i], 'a USCC weight');
  const check = 31 - (sum % 31);
  return usccAlphabet.charAt(check === 31 ? 0 : check);
}

export function isValidUscc(text: unknown): text is string {
  return isUsccShaped(text) && usccCheckCharacter(text.slice(0, 17)) === text.charAt(17);
}

/** 发票号码: 8 digits (older invoices) or 20 digits (全面数字化的电子发票). */
export function isInvoiceNumber(text: unknown): text is string {
  return typeof text === 'string' && invoiceNumberPattern.test(text);
}

/** 发票代码: 10 or 12 digits; only an older invoice (8-digit 号码) has one. */
export function isInvoiceCode(text: unknown): text is string {
  return typeof text === 'string' && invoiceCodePattern.test(text);
}

/**
 * Rule `invoice-identity`: an invoice as the tax system identifies it, the key of its uniqueness. A
 * 全电发票 is its 20-digit number alone; an older invoice is its 发票代码 with its 8-digit 号码 (two
 * issuers' 号码 repeat, the pair does not). An item recorded before the code was kept has a null code:
 * its identity is its number, the key it was claimed under then.
 */
export function invoiceIdentity(invoiceNumber: string, invoiceCode: string | null): string {
  return invoiceCode === null ? invoiceNumber : `${invoiceCode}-${invoiceNumber}`;
}

/**
 * A time-ordered uuid (version 7: the first 48 bits are milliseconds since 1970) for ids that are keys
 * of a B-tree (events, and the entities whose streams they name): new keys land at the end of the
 * index instead of on a random page of it. The rest is derived from the command id and a name, so a
 * command's attempts (at the same instant) write the same ids; a request sent again later is
 * recognised by its command's record, not by its ids.
 */
export function timeOrderedUuid(at: string, commandId: string, name: string): string {
  const milliseconds = Date.parse(at);
  assert(Number.isFinite(milliseconds) && milliseconds >= 0, `a time-ordered id needs an instant (got ${at})`);
  const time = milliseconds.toString(16).padStart(12, '0').slice(-12);
  const hex = hash('sha256', `${commandId}\u0000${name}`, 'hex');
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${hex.slice(0, 3)}-${((parseInt(hex.charAt(3), 16) & 0x3) | 0x8).toString(16)}${hex.slice(4, 7)}-${hex.slice(7, 19)}`;
}

/**
 * A uuid derived from a command id and a name: the same command always writes the same event ids,
 * so a retried append is recognised by the store.
 */
export function derivedUuid(commandId: string, name: string): string {
  const hex = hash('sha256', `${commandId}\u0000${name}`, 'hex');
  // Shaped as a version-5-style uuid (name-based).
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((parseInt(hex.charAt(16), 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
