// Verify's check of the running totals the domain's streams carry: each budget event's committed and
// allocated totals, and each enterprise-year event's spend and awarded totals, must follow from the
// previous event's totals and the event's own amounts. A forger who changes an amount and re-chains
// the stream still leaves totals that no longer add up, at the event changed.
import { defined } from '../shared/assert.js';
import { Money } from '../shared/money.js';
import type { ChainLink, RecordCheck, VerifyFinding } from '../event-store/hash-chain.js';

interface BudgetTotals {
  readonly allocated: Money;
  readonly committed: Money;
}

interface EnterpriseYearTotals {
  readonly spend: Money;
  readonly awarded: Money;
}

/** How each event moves its stream's totals: the totals it must carry, given those before it. */
const budgetRules: Readonly<Record<string, (before: BudgetTotals, amount: Money) => { committed: Money; allocated?: Money }>> = {
  BudgetAllocated: (before, amount) => ({ committed: before.committed, allocated: before.allocated.plus(amount) }),
  AwardCommitted: (before, amount) => ({ committed: before.committed.plus(amount) }),
  AwardReleased: (before, amount) => ({ committed: before.committed.minus(amount) }),
  HeadroomRestored: (before, amount) => ({ committed: before.committed.minus(amount) }),
};

type PoolRule = (before: EnterpriseYearTotals, data: Record<string, Money>) => EnterpriseYearTotals;
const added: PoolRule = (before, d) => ({ spend: before.spend.plus(defined(d['spend'], 'd["spend"]')), awarded: before.awarded.plus(defined(d['award'], 'd["award"]')) });
const removed: PoolRule = (before, d) => ({ spend: before.spend.minus(defined(d['spend'], 'd["spend"]')), awarded: before.awarded.minus(defined(d['award'], 'd["award"]')) });
const corrected: PoolRule = (before, d) => ({
  spend: before.spend.minus(defined(d['spendRemoved'], 'd["spendRemoved"]')),
  awarded: before.awarded.minus(defined(d['awardRemoved'], 'd["awardRemoved"]')),
});

/** The pools' streams (an enterprise-year, a project): the same running totals of spend and awards. */
const enterpriseYearRules: Readonly<Record<string, PoolRule>> = {
  AwardGranted: added,
  AwardWithdrawn: removed,
  AwardCorrected: corrected,
  EnterpriseHeadroomRestored: (before, d) => ({ spend: before.spend, awarded: before.awarded.minus(defined(d['amount'], 'd["amount"]')) }),
  ProjectFunded: added,
  ProjectReleased: removed,
  ProjectCorrected: corrected,
};

const enterpriseYearAmountFields: Readonly<Record<string, readonly string[]>> = {
  AwardGranted: ['spend', 'award'],
  AwardWithdrawn: ['spend', 'award'],
  AwardCorrected: ['spendRemoved', 'awardRemoved'],
  EnterpriseHeadroomRestored: ['amount'],
  ProjectFunded: ['spend', 'award'],
  ProjectReleased: ['spend', 'award'],
  ProjectCorrected: ['spendRemoved', 'awardRemoved'],
};

const amountPattern = /^-?[0-9]{1,15}\.[0-9]{2}$/;

/** The amounts named, as decimals; `undefined` when one is missing or not an amount. */
function amountsOf(data: Record<string, unknown>, fields: readonly string[]): Record<string, Money> | undefined {
  const amounts: Record<string, Money> = {};
  for (const name of fields) {
    const value = data[name];
    if (typeof value !== 'string' || !amountPattern.test(value)) return undefined;
    amounts[name] = Money.of(value);
  }
  return amounts;
}

/**
 * A fresh check for one pass over the log. It keeps the last totals of each budget and
 * enterprise-year stream: memory proportional to their number, as the chain check's own.
 */
export function runningTotalsCheck(): RecordCheck {
  const budgets = new Map<string, BudgetTotals>();
  const enterpriseYears = new Map<string, EnterpriseYearTotals>();

  const finding = (record: ChainLink, detail: string): VerifyFinding => ({
    kind: 'changed',
    position: record.position,
    stream: record.stream,
    detail: `${record.type} ${record.stream}@${record.revision} at position ${record.position}: ${detail}`,
  });

  const parsed = (record: ChainLink): Record<string, unknown> | undefined => {
    try {
      const data: unknown = record.dataJson === null ? undefined : JSON.parse(record.dataJson);
      return typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  };

  const check = (record: ChainLink): VerifyFinding | undefined => {
    const budgetRule = budgetRules[record.type];
    if (budgetRule !== undefined) {
      const data = parsed(record);
      const amounts = data === undefined ? undefined : amountsOf(data, ['amount', 'budgetAfter', 'committedAfter']);
      if (amounts === undefined) return finding(record, 'its amounts are missing or malformed');
      const before = budgets.get(record.stream) ?? { allocated: Money.zero, committed: Money.zero };
      const expected = budgetRule(before, defined(amounts['amount'], 'amounts["amount"]'));
      const carried = { allocated: defined(amounts['budgetAfter'], 'amounts["budgetAfter"]'), committed: defined(amounts['committedAfter'], 'amounts["committedAfter"]') };
      budgets.set(record.stream, carried);
      if (!expected.committed.equals(carried.committed)) {
        return finding(
          record,
          `committed after it is ${carried.committed.format()}, but ${before.committed.format()} and its amount ${defined(amounts['amount'], 'amounts["amount"]').format()} make ${expected.committed.format()}`,
        );
      }
      if (expected.allocated !== undefined && !expected.allocated.equals(carried.allocated)) {
        return finding(
          record,
          `the budget after it is ${carried.allocated.format()}, but ${before.allocated.format()} and its amount ${defined(amounts['amount'], 'amounts["amount"]').format()} make ${expected.allocated.format()}`,
        );
      }
      return undefined;
    }
    const enterpriseYearRule = enterpriseYearRules[record.type];
    if (enterpriseYearRule !== undefined) {
      const data = parsed(record);
      const amounts =
        data === undefined
          ? undefined
          : amountsOf(data, [...defined(enterpriseYearAmountFields[record.type], 'enterpriseYearAmountFields[record.type]'), 'spendAfter', 'awardedAfter']);
      if (amounts === undefined) return finding(record, 'its amounts are missing or malformed');
      const before = enterpriseYears.get(record.stream) ?? { spend: Money.zero, awarded: Money.zero };
      const expected = enterpriseYearRule(before, amounts);
      const carried = { spend: defined(amounts['spendAfter'], 'amounts["spendAfter"]'), awarded: defined(amounts['awardedAfter'], 'amounts["awardedAfter"]') };
      enterpriseYears.set(record.stream, carried);
      if (!expected.spend.equals(carried.spend) || !expected.awarded.equals(carried.awarded)) {
        return finding(
          record,
          `it carries spend ${carried.spend.format()} and awarded ${carried.awarded.format()}, but the totals before it and its amounts make spend ${expected.spend.format()} and awarded ${expected.awarded.format()}`,
        );
      }
    }
    return undefined;
  };
  // Only these types' data is read: a verify that reads the log on other threads hands back no other.
  return Object.assign(check, { dataOfTypes: [...Object.keys(budgetRules), ...Object.keys(enterpriseYearRules)] });
}
