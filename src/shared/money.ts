// Money: CNY yuan with fen precision, on decimal.js only. No JS number ever holds an amount:
// `Money` has no constructor from number, and `toJSON` gives the wire's decimal string.
import { moneyPattern } from './patterns.js';
import { Decimal } from 'decimal.js';
import { refusal } from './errors.js';

const Fen = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_DOWN });

/** The wire's form: a decimal string with at most two decimals, no sign, no exponent. */
const wirePattern = moneyPattern;
export const amountMaxYuan = '100000000000.00';

export class Money {
  private constructor(private readonly value: Decimal) {}

  static readonly zero = new Money(new Fen(0));

  /** Parses an amount from the wire: refuses numbers, more than two decimals, zero, negatives and > 1e11. */
  static parse(wire: unknown, field = 'amount'): Money {
    if (typeof wire !== 'string') {
      throw refusal('VALIDATION_FAILED', `${field} must be a decimal string such as "300000.00", not a ${wire === null ? 'null' : typeof wire}`, { field });
    }
    if (!wirePattern.test(wire)) {
      throw refusal('VALIDATION_FAILED', `${field} must be a positive decimal string with at most two decimals, got "${wire.slice(0, 40)}"`, { field });
    }
    const value = new Fen(wire);
    if (value.isZero()) throw refusal('VALIDATION_FAILED', `${field} must be more than zero`, { field });
    if (value.greaterThan(amountMaxYuan)) {
      throw refusal('VALIDATION_FAILED', `${field} must not exceed ${amountMaxYuan}`, { field, max: amountMaxYuan });
    }
    return new Money(value);
  }

  /** Reads an amount the ledger itself stored (events, definitions): zero allowed, never more than two decimals. */
  static of(stored: string): Money {
    if (typeof stored !== 'string' || !/^-?[0-9]+(\.[0-9]{1,2})?$/.test(stored)) throw new Error(`not a stored amount: ${String(stored)}`);
    return new Money(new Fen(stored));
  }

  plus(other: Money): Money {
    return new Money(this.value.plus(other.value));
  }

  minus(other: Money): Money {
    return new Money(this.value.minus(other.value));
  }

  /** Multiplies by a rate given as a decimal string ("0.3") and rounds down to the fen: never over-pay. */
  timesRate(rate: string): Money {
    return new Money(this.value.times(rate).toDecimalPlaces(2, Decimal.ROUND_DOWN));
  }

  min(other: Money): Money {
    return this.value.lessThanOrEqualTo(other.value) ? this : other;
  }

  max(other: Money): Money {
    return this.value.greaterThanOrEqualTo(other.value) ? this : other;
  }

  isZero(): boolean {
    return this.value.isZero();
  }

  isNegative(): boolean {
    return this.value.isNegative() && !this.value.isZero();
  }

  lessThan(other: Money): boolean {
    return this.value.lessThan(other.value);
  }

  lessThanOrEqual(other: Money): boolean {
    return this.value.lessThanOrEqualTo(other.value);
  }

  greaterThan(other: Money): boolean {
    return this.value.greaterThan(other.value);
  }

  equals(other: Money): boolean {
    return this.value.equals(other.value);
  }

  /** "123.45": always two decimals. */
  format(): string {
    return this.value.toFixed(2, Decimal.ROUND_DOWN);
  }

  /**
   * For monitoring gauges only (Prometheus values are floats): never for arithmetic, storage or display
   * of figures of record. The one place an amount becomes a JS number.
   */
  toGaugeValue(): number {
    return this.value.toNumber();
  }

  toJSON(): string {
    return this.format();
  }

  toString(): string {
    return this.format();
  }

  static sum(amounts: readonly Money[]): Money {
    return amounts.reduce((total, amount) => total.plus(amount), Money.zero);
  }
}
