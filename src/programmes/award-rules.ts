// The award rules of SPEC §2 as pure functions of money. Rounded down to the fen: never over-pay.
import { Money } from '../shared/money.js';
import type { AwardRule } from './programme.js';

export interface EntitlementInput {
  /** The application's recognized amount (or its claimed total when no review set one). */
  readonly base: Money;
  readonly level: string | null;
  /** Cumulative rule: the enterprise's recognized spend in the programme-year before this approval. */
  readonly spendBefore: Money;
  /** Cumulative rule: awards already granted to the enterprise in the programme-year. */
  readonly awardedBefore: Money;
}

export interface Entitlement {
  /** What this approval may award under the rule's caps. */
  readonly amount: Money;
  /** Cumulative rule: the enterprise's annual spend counting this application (S). */
  readonly spendAfter: Money;
}

/**
 * Rules `baoding-m1-threshold`, `baoding-m1-rate`, `baoding-m1-cap` (数智券): entitlement(S) = 0 if S < threshold,
 * else min(rate × S, cap). 达到30万元以上 includes 300,000.00.
 */
export function cumulativeEntitlement(rule: Extract<AwardRule, { kind: 'cumulative-annual' }>, spend: Money): Money {
  if (spend.lessThan(Money.of(rule.thresholdYuan))) return Money.zero;
  return spend.timesRate(rule.rate).min(Money.of(rule.capPerEnterpriseYearYuan));
}

/**
 * What one approval may award under its programme's rule: rules `baoding-m1-rate` (cumulative),
 * `baoding-m3-rate`, `wuhan-a6-rate`, `wuhan-a7-rate` (a rate of the recognized amount, capped per
 * project), `baoding-m4-levels`, `baoding-m5-levels` (a fixed amount by level). Rounded down to the fen.
 */
export function entitlementOf(rule: AwardRule, input: EntitlementInput): Entitlement {
  switch (rule.kind) {
    case 'cumulative-annual': {
      const spendAfter = input.spendBefore.plus(input.base);
      const amount = cumulativeEntitlement(rule, spendAfter).minus(input.awardedBefore).max(Money.zero);
      return { amount, spendAfter };
    }
    case 'proportional':
      return { amount: input.base.timesRate(rule.rate).min(Money.of(rule.capPerApplicationYuan)), spendAfter: input.spendBefore.plus(input.base) };
    case 'fixed': {
      const fixed = input.level === null ? undefined : rule.amountByLevelYuan[input.level];
      if (fixed === undefined) throw new Error(`no fixed amount for level ${input.level}`);
      return { amount: Money.of(fixed), spendAfter: input.spendBefore.plus(input.base) };
    }
  }
}

/** The per-enterprise annual cap of invariant 2, where the rule has one. */
export function capPerEnterpriseYear(rule: AwardRule): Money | null {
  return rule.kind === 'cumulative-annual' ? Money.of(rule.capPerEnterpriseYearYuan) : null;
}
