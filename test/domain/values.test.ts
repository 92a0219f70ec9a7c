// Money, time, working days and identifiers: the value types every rule stands on.
import fc from 'fast-check';
import { poolEntitlement as cumulativeEntitlement } from '../../src/programmes/award-rules.js';
import { ruleEntitlementOf } from '../../src/awards/entitlement.js';
import { builtInProgrammes } from '../../src/programmes/definitions.js';
import { isInvoiceNumber, isValidUscc, usccCheckCharacter } from '../../src/shared/identifiers.js';
import { Money } from '../../src/shared/money.js';
import { fiscalYearOf, shanghaiDateOf } from '../../src/shared/time.js';
import { WorkingDayCalendar, holidayYearsBuiltIn } from '../../src/shared/working-days.js';
import { DomainError } from '../../src/shared/errors.js';

const fenAmount = fc.bigInt({ min: 1n, max: 10_000_000_000_000n }).map((fen) => `${fen / 100n}.${String(fen % 100n).padStart(2, '0')}`);

describe('money', () => {
  it('reads the wire form: decimal strings with at most two decimals, more than zero, at most 1e11', () => {
    expect(Money.parse('300000.00').format()).toBe('300000.00');
    expect(Money.parse('12.5').format()).toBe('12.50');
    expect(Money.parse('100000000000.00').format()).toBe('100000000000.00');
    for (const bad of [300000, '12.345', '0', '0.00', '-1.00', '100000000000.01', '1e5', ' 1.00', '1,000.00', '', '01.00', null, undefined, {}, '１２']) {
      expect(() => Money.parse(bad)).toThrow(DomainError);
    }
  });

  it('never lets a number stand for money at compile time', () => {
    // @ts-expect-error Money.of takes the stored decimal string, not a number.
    expect(() => Money.of(12.5)).toThrow();
    // @ts-expect-error a Money is not a number.
    const asNumber: number = Money.zero;
    expect(asNumber).toBe(Money.zero);
  });

  it('adds and subtracts exactly, whatever the amounts (property)', () => {
    fc.assert(
      fc.property(fc.array(fenAmount, { minLength: 1, maxLength: 30 }), (amounts) => {
        const total = Money.sum(amounts.map((a) => Money.parse(a)));
        const fen = amounts.reduce((sum, a) => sum + BigInt(a.replace('.', '')), 0n);
        expect(total.format().replace('.', '')).toBe(fen.toString().padStart(3, '0'));
        const back = amounts.reduce((rest, a) => rest.minus(Money.parse(a)), total);
        expect(back.isZero()).toBe(true);
      }),
    );
  });

  it('rounds a rate down to the fen, never up (property)', () => {
    fc.assert(
      fc.property(fenAmount, fc.constantFrom('0.3', '0.5'), (amount, rate) => {
        const fen = BigInt(amount.replace('.', ''));
        const exactTimes10 = fen * BigInt(rate.replace('0.', ''));
        const expected = exactTimes10 / 10n;
        expect(Money.parse(amount).timesRate(rate).format().replace('.', '')).toBe(expected.toString().padStart(3, '0'));
      }),
    );
  });
});

describe('award rules', () => {
  const voucher = builtInProgrammes.find((p) => p.id === 'baoding-data-voucher')!;
  const rule = voucher.rule as Extract<typeof voucher.rule, { kind: 'cumulative-annual' }>;

  it('数智券: 0 below 300,000.00, 30% from it, never more than 300,000.00', () => {
    expect(cumulativeEntitlement(rule, Money.of('299999.99')).format()).toBe('0.00');
    expect(cumulativeEntitlement(rule, Money.of('300000.00')).format()).toBe('90000.00');
    expect(cumulativeEntitlement(rule, Money.of('1000000.00')).format()).toBe('300000.00');
    expect(cumulativeEntitlement(rule, Money.of('1200000.00')).format()).toBe('300000.00');
  });

  it('数智券: awards over a year add up to the entitlement of the year total, whatever the split (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fenAmount.filter((a) => a.length < 11),
          { minLength: 1, maxLength: 12 },
        ),
        (amounts) => {
          let spend = Money.zero;
          let awarded = Money.zero;
          for (const amount of amounts) {
            const pool = { entries: new Map(), spend, awarded };
            const { amount: award, spendAfter } = ruleEntitlementOf(rule, Money.parse(amount), null, { enterpriseYear: pool, project: null });
            expect(award.isNegative()).toBe(false);
            spend = spendAfter;
            awarded = awarded.plus(award);
          }
          expect(awarded.equals(cumulativeEntitlement(rule, spend))).toBe(true);
          expect(awarded.lessThanOrEqual(Money.of('300000.00'))).toBe(true);
        },
      ),
    );
  });
});

describe('time', () => {
  it('takes the fiscal year in Asia/Shanghai: 2025-12-31T20:00:00Z is in 2026', () => {
    expect(fiscalYearOf('2025-12-31T20:00:00Z')).toBe(2026);
    expect(fiscalYearOf('2025-12-31T15:59:59.999Z')).toBe(2025);
    expect(shanghaiDateOf('2025-06-30T16:00:00.000Z')).toBe('2025-07-01');
  });

  it('knows the 2025 working days: holidays off, 调休 weekends on, and refuses an unknown year', () => {
    const calendar = new WorkingDayCalendar(holidayYearsBuiltIn);
    expect(calendar.isWorkingDay('2025-01-01')).toBe(false);
    expect(calendar.isWorkingDay('2025-01-26')).toBe(true); // Sunday, worked
    expect(calendar.isWorkingDay('2025-02-04')).toBe(false);
    expect(calendar.isWorkingDay('2025-02-08')).toBe(true); // Saturday, worked
    expect(calendar.isWorkingDay('2025-05-31')).toBe(false);
    expect(calendar.isWorkingDay('2025-10-08')).toBe(false);
    expect(calendar.isWorkingDay('2025-10-11')).toBe(true);
    expect(calendar.isWorkingDay('2025-06-07')).toBe(false); // an ordinary Saturday
    expect(() => calendar.isWorkingDay('2026-03-02')).toThrow(/no data for 2026/);
    // Spring Festival: opening on 01-27, five working days are 02-05..02-08 (Sat, worked) and 02-10.
    expect(calendar.addWorkingDays('2025-01-27', 5)).toBe('2025-02-10');
  });
});

describe('identifiers', () => {
  it('checks the USCC check character of GB 32100-2015 over its 31-character alphabet', () => {
    const first17 = '91130600MA0CXXXX1'.replace(/X/g, '0');
    const code = first17 + usccCheckCharacter(first17);
    expect(isValidUscc(code)).toBe(true);
    expect(isValidUscc(code.toLowerCase())).toBe(false);
    expect(isValidUscc(`${code.slice(0, 17)}I`)).toBe(false);
    expect(isValidUscc(code.slice(1))).toBe(false);
  });

  it('catches any single changed character (property)', () => {
    const alphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY';
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...alphabet), { minLength: 17, maxLength: 17 }), fc.nat(16), fc.nat(29), (chars, at, shift) => {
        const first17 = chars.join('');
        const code = first17 + usccCheckCharacter(first17);
        const changed = alphabet.charAt((alphabet.indexOf(code.charAt(at)) + shift + 1) % 31);
        expect(isValidUscc(code)).toBe(true);
        expect(isValidUscc(code.slice(0, at) + changed + code.slice(at + 1))).toBe(false);
      }),
    );
  });

  it('accepts invoice numbers of 8 or 20 digits only', () => {
    expect(isInvoiceNumber('12345678')).toBe(true);
    expect(isInvoiceNumber('12345678901234567890')).toBe(true);
    for (const bad of ['1234567', '123456789', '1234567890123456789A', 12345678]) expect(isInvoiceNumber(bad)).toBe(false);
  });
});
