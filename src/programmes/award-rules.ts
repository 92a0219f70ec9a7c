// The award rules of SPEC §2 as pure functions of money. Rounded down to the fen: never over-pay.
import { Money } from '../shared/money.js';
import type { AwardRule } from './programme.js';

/** A rule whose awards are increments of one entitlement over a pool of recognized spend. */
export type PooledRule = Extract<AwardRule, { kind: 'cumulative-annual' | 'proportional' }>;

export function isPooled(rule: AwardRule): rule is PooledRule {
  return rule.kind !== 'fixed';
}

/**
 * E(S), the entitlement of a pool with recognized spend S:
 * - rules `baoding-m1-threshold`, `baoding-m1-rate`, `baoding-m1-cap` (数智券, the pool is the enterprise-year):
 *   0 if S < 300,000.00 (达到30万元以上 includes 300,000.00), else min(30 % × S, 300,000.00);
 * - rules `baoding-m3-rate`, `wuhan-a6-rate`, `wuhan-a7-rate` (the pool is the project):
 *   min(rate × S, the cap per project).
 */
export function poolEntitlement(rule: PooledRule, spend: Money): Money {
  switch (rule.kind) {
    case 'cumulative-annual':
      if (spend.lessThan(Money.of(rule.thresholdYuan))) return Money.zero;
      return spend.timesRate(rule.rate).min(Money.of(rule.capPerEnterpriseYearYuan));
    case 'proportional':
      return spend.timesRate(rule.rate).min(Money.of(rule.capPerProjectYuan));
  }
}

/** The most a pool's awards may reach outside 一事一议 (invariant 2): 30万 per enterprise-year, 50万 / 200万 per project. */
export function poolCap(rule: PooledRule): Money {
  return Money.of(rule.kind === 'cumulative-annual' ? rule.capPerEnterpriseYearYuan : rule.capPerProjectYuan);
}

/** Rules `baoding-m4-levels`, `baoding-m5-levels`: the fixed amount of a level. */
export function fixedAward(rule: Extract<AwardRule, { kind: 'fixed' }>, level: string | null): Money {
  const fixed = level === null ? undefined : rule.amountByLevelYuan[level];
  if (fixed === undefined) throw new Error(`no fixed amount for level ${level}`);
  return Money.of(fixed);
}
