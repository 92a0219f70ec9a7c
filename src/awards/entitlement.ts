// What an approval would award now (SPEC §2–3): the pool's increment within its cap, and what is left
// of the matter across programmes (就高不重复). Shown before approval as the proposed award, and the
// bound an approval is held to. Pure: the pools are read by the caller.
import { Money } from '../shared/money.js';
import { awardBaseOf, type LiveApplication } from '../applications/application.js';
import { fixedAward, isPooled, poolCap, poolEntitlement } from '../programmes/award-rules.js';
import type { AwardRule } from '../programmes/programme.js';
import { emptyPool, matterWith, poolWith, type Matter, type Pool } from './award-streams.js';
import { recognitionTopUp } from './recognition.js';

export interface AwardPools {
  /** The application's enterprise-year in its programme: the pool of the cumulative rule. */
  readonly enterpriseYear: Pool;
  /** The application's project: the pool of a proportional rule; null under any other rule. */
  readonly project: Pool | null;
  /** The live awards of the application's matter, every programme; null where it names none. */
  readonly matter: Matter | null;
}

export interface Proposal {
  /** The recognized amount (or the claimed total where no review set one). */
  readonly base: Money;
  /** What the rule gives this application: E(S + base) − E(S) within what the cap leaves, or the fixed amount. */
  readonly ruleEntitlement: Money;
  /** What an ordinary approval may award now: the rule's entitlement less what 就高不重复 takes. */
  readonly entitlement: Money;
  /** The pool's spend once this application counts. */
  readonly spendAfter: Money;
}

/** The pool an application's award is an increment of, under its rule; null for fixed awards. */
export function poolOf(rule: AwardRule, pools: Pick<AwardPools, 'enterpriseYear' | 'project'>): Pool | null {
  if (rule.kind === 'cumulative-annual') return pools.enterpriseYear;
  if (rule.kind === 'proportional') return pools.project;
  return null;
}

/**
 * Rules `baoding-m1-rate` (cumulative), `baoding-m3-rate`, `wuhan-a6-rate`, `wuhan-a7-rate` (per project),
 * `baoding-m4-levels`, `baoding-m5-levels` (fixed), `award-increment` and `ordinary-after-cap`: the n-th
 * award of a pool is at most E(S after it) − E(S before it), and never takes the pool's awards (一事一议
 * included) above its cap: past the cap an ordinary award is 0.00 and its spend still counts.
 */
export function ruleEntitlementOf(rule: AwardRule, base: Money, level: string | null, pools: Pick<AwardPools, 'enterpriseYear' | 'project'>): { amount: Money; spendAfter: Money } {
  if (!isPooled(rule)) return { amount: fixedAward(rule, level), spendAfter: pools.enterpriseYear.spend.plus(base) };
  const pool = poolOf(rule, pools) ?? pools.enterpriseYear;
  const spendAfter = pool.spend.plus(base);
  const increment = poolEntitlement(rule, spendAfter).minus(poolEntitlement(rule, pool.spend)).max(Money.zero);
  const capLeft = poolCap(rule).minus(pool.awarded).max(Money.zero);
  return { amount: increment.min(capLeft), spendAfter };
}

/**
 * Rule `highest-not-repeated` (就高不重复): a matter's awards across programmes together reach at most its
 * highest single entitlement, each programme's being the sum of what its rule gave the matter; a later,
 * higher one is paid the difference. Within one programme the pool already keeps the count.
 */
export function matterTopUp(programmeId: string, entitlement: Money, matter: Matter | null): Money {
  if (matter === null || matter.size === 0) return entitlement;
  const byProgramme = new Map<string, Money>();
  for (const funding of matter.values()) byProgramme.set(funding.programmeId, (byProgramme.get(funding.programmeId) ?? Money.zero).plus(funding.entitlement));
  const own = (byProgramme.get(programmeId) ?? Money.zero).plus(entitlement);
  const highest = [...byProgramme.entries()].filter(([id]) => id !== programmeId).reduce((max, [, sum]) => max.max(sum), own);
  const awarded = Money.sum([...matter.values()].map((f) => f.award));
  return entitlement.min(highest.minus(awarded)).max(Money.zero);
}

/** What an approval now would grant an application, before any explicit reduction. */
export function proposalOf(application: LiveApplication, rule: AwardRule, pools: AwardPools): Proposal {
  const base = awardBaseOf(application);
  const { submission } = application;
  const { amount, spendAfter } = ruleEntitlementOf(rule, base, submission.level, pools);
  // A recognition award is the difference over what the platform already holds (rule `recognition-top-up`).
  const ruleEntitlement = rule.kind === 'fixed' && submission.recognition !== null ? recognitionTopUp(submission.programmeId, rule, submission, pools.matter) : amount;
  return { base, ruleEntitlement, entitlement: matterTopUp(application.submission.programmeId, ruleEntitlement, pools.matter), spendAfter };
}

/**
 * The project an application's award counts towards under a proportional rule (rule `project-cap`): its
 * 立项 reference where the rule requires one (R&D), else its matter (Wuhan), else the application alone.
 */
export function projectKeyOf(rule: AwardRule, submission: { applicationId: string; matterKey: string | null; approvalRef: string | null }): string | null {
  if (rule.kind !== 'proportional') return null;
  if (rule.approvalRefRequired && submission.approvalRef !== null) return `approval:${submission.approvalRef}`;
  if (submission.matterKey !== null) return `matter:${submission.matterKey}`;
  return `application:${submission.applicationId}`;
}

/** Where an application's pools are kept (their stream names), so that applications sharing one are seen to. */
export interface PoolKeys {
  readonly enterpriseYear: string;
  readonly project: string | null;
  readonly matter: string | null;
}

/**
 * Rule `notice-amounts`: the proposed awards of applications listed together (on one notice), worked
 * out as if they were approved in the order listed: each counts in the pools of those after it, so
 * that two applications of one enterprise-year are not both proposed the same headroom, and their
 * increments add up to the pool's entitlement. `proposed` replaces an application's amount where an
 * approver proposes a lower one (it then counts at that amount).
 */
export function proposalsInOrder(
  rule: AwardRule,
  listed: readonly { readonly application: LiveApplication; readonly pools: AwardPools; readonly keys: PoolKeys; readonly proposed: Money | null }[],
): Proposal[] {
  const pools = new Map<string, Pool>();
  const matters = new Map<string, Matter>();
  return listed.map(({ application, pools: own, keys, proposed }) => {
    const current: AwardPools = {
      enterpriseYear: pools.get(keys.enterpriseYear) ?? own.enterpriseYear,
      project: keys.project === null ? own.project : (pools.get(keys.project) ?? own.project ?? emptyPool),
      matter: keys.matter === null ? own.matter : (matters.get(keys.matter) ?? own.matter),
    };
    const proposal = proposalOf(application, rule, current);
    const award = proposed ?? proposal.entitlement;
    const { applicationId, programmeId } = application.submission;
    const entry = { applicationId, spend: proposal.base, award, caseByCase: false };
    pools.set(keys.enterpriseYear, poolWith(current.enterpriseYear, entry));
    if (keys.project !== null) pools.set(keys.project, poolWith(current.project ?? emptyPool, entry));
    if (keys.matter !== null) matters.set(keys.matter, matterWith(current.matter ?? new Map(), { applicationId, programmeId, entitlement: proposal.ruleEntitlement, award }));
    return proposal;
  });
}
