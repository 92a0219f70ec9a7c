// Rule `corrections-recompute` (SPEC §2): when an award leaves a pool (revoked) or its spend is
// disqualified (a clawback for fraud or false invoices), the pool's entitlement is worked out again on
// the spend that remains. Where its ordinary awards now exceed it, undisbursed awards are reduced,
// newest first (releasing budget), then a clawback is ordered for any excess already paid, newest
// first: each as an event naming the correction that caused it. Nothing is silently rewritten.
import { refusal } from '../shared/errors.js';
import { Money } from '../shared/money.js';
import { derivedUuid } from '../shared/identifiers.js';
import { clawbackOrderedOf, paidOf, undisbursedOf, type AwardState } from '../applications/application.js';
import type { ApplicationEvents } from '../applications/events.js';
import { budgetTotalOf, committedOf, type Budget } from '../budgets/budget.js';
import type { BudgetEvents } from '../budgets/events.js';
import type { ClawbackIndexEvents } from '../clawbacks/events.js';
import { poolEntitlement, type PooledRule } from '../programmes/award-rules.js';
import type { ProgrammeDefinition } from '../programmes/programme.js';
import { ordinaryAwardedOf, type Pool, type PoolEntry } from './award-streams.js';
import type { CorrectionCause, EnterpriseYearEvents, ProjectEvents } from './events.js';

type Of<M, T extends keyof M> = { readonly type: T; readonly data: M[T] };

/** One application's share of a correction: reduced where undisbursed, clawed back where paid. */
export interface PoolCorrection {
  readonly applicationId: string;
  readonly reduce: Money;
  readonly clawBack: Money;
}

/** What approvers ordered back of an award (not corrections, which the pool already took out). */
export function approverOrderedOf(award: AwardState): Money {
  return Money.sum([...award.clawbacks.values()].filter((c) => !c.correction && !c.disqualifiesSpend).map((c) => c.amount));
}

/** The pool without one application: what a correction is worked out on. */
export function poolWithout(pool: Pool, applicationId: string): Pool {
  const entry = pool.entries.get(applicationId);
  if (entry === undefined) return pool;
  const entries = new Map(pool.entries);
  entries.delete(applicationId);
  return { entries, spend: pool.spend.minus(entry.spend), awarded: pool.awarded.minus(entry.award) };
}

/**
 * The corrections that bring a pool's ordinary awards back to E(S) once `pool` no longer holds what
 * was removed. `awards` gives each entry's award as its application stands (paid, pending, ordered).
 * A payment recorded but not yet confirmed can be neither reduced nor clawed back: where the excess
 * needs it, the correction waits for the checker (PAYMENT_PENDING).
 */
export function correctionsOf(rule: PooledRule, pool: Pool, awards: ReadonlyMap<string, AwardState>): PoolCorrection[] {
  const ordinary = [...pool.entries.values()].filter((e) => !e.caseByCase);
  const award = (entry: PoolEntry): AwardState => {
    const state = awards.get(entry.applicationId);
    if (state === undefined) throw new Error(`the pool holds application ${entry.applicationId}, whose award was not read`);
    return state;
  };
  // Money an approver already ordered back is not an overpayment to correct (it stays counted in the pool
  // all the same: clawed-back money restores no headroom, invariant 6).
  // An entry counts at most what it holds (a disqualified one holds nothing).
  const orderedBack = Money.sum(ordinary.map((e) => approverOrderedOf(award(e)).min(e.award)));
  let excess = ordinaryAwardedOf(pool).minus(orderedBack).minus(poolEntitlement(rule, pool.spend));
  if (!excess.greaterThan(Money.zero)) return [];
  const newestFirst = ordinary.filter((e) => e.award.greaterThan(Money.zero)).reverse();
  const shares = new Map<string, { reduce: Money; clawBack: Money }>();
  for (const entry of newestFirst) {
    const reduce = excess.min(entry.award).min(undisbursedOf(award(entry)));
    if (reduce.isZero()) continue;
    shares.set(entry.applicationId, { reduce, clawBack: Money.zero });
    excess = excess.minus(reduce);
    if (excess.isZero()) break;
  }
  for (const entry of newestFirst) {
    if (excess.isZero()) break;
    const state = award(entry);
    const share = shares.get(entry.applicationId) ?? { reduce: Money.zero, clawBack: Money.zero };
    const clawBack = excess.min(entry.award.minus(share.reduce)).min(paidOf(state).minus(clawbackOrderedOf(state)));
    if (clawBack.isZero()) continue;
    shares.set(entry.applicationId, { ...share, clawBack });
    excess = excess.minus(clawBack);
  }
  if (excess.greaterThan(Money.zero)) {
    const pending = newestFirst.flatMap((e) => [...award(e).disbursements.values()].filter((d) => d.confirmedBy === null).map((d) => ({ applicationId: e.applicationId, d })))[0];
    throw refusal(
      'PAYMENT_PENDING',
      `the correction needs ${excess} more from awards whose payments are recorded but not confirmed: the checker confirms or rejects disbursement ${pending?.d.disbursementId ?? ''} first`,
      { applicationId: pending?.applicationId ?? '', disbursementId: pending?.d.disbursementId ?? '' },
    );
  }
  return [...shares].map(([applicationId, share]) => ({ applicationId, ...share }));
}

/** What caused a correction, as every event of it names it. */
export interface Cause {
  readonly cause: CorrectionCause;
  readonly causeApplicationId: string;
  readonly causeClawbackId: string | null;
  /** The command that made the correction: correction clawbacks take their ids from it. */
  readonly commandId: string;
}

/** Where one application of a pool belongs: its programme-year and the pools its award is counted in. */
export interface Member {
  readonly applicationId: string;
  readonly programmeId: string;
  readonly uscc: string;
  readonly fiscalYear: number;
  readonly award: AwardState;
}

/**
 * The events of a correction, keyed by input: by application, by fiscal year (its budget and its
 * enterprise-year, whose running totals are carried on), the project's, and each new clawback's index.
 * Start it with the states read; `correct` adds one application's change; `events` hands them out.
 */
export class CorrectionLedger {
  readonly applications = new Map<string, (Of<ApplicationEvents, 'AwardReduced'> | Of<ApplicationEvents, 'ClawbackOrdered'>)[]>();
  readonly budgets = new Map<number, Of<BudgetEvents, 'AwardReleased'>[]>();
  readonly enterpriseYears = new Map<number, Of<EnterpriseYearEvents, 'AwardCorrected'>[]>();
  readonly project: Of<ProjectEvents, 'ProjectCorrected'>[] = [];
  readonly clawbacks = new Map<string, [Of<ClawbackIndexEvents, 'ClawbackIndexed'>]>();
  private readonly committed = new Map<number, Money>();
  private readonly yearTotals = new Map<number, { spend: Money; awarded: Money }>();
  private projectTotals: { spend: Money; awarded: Money } | null;
  private readonly projectKey: string | null;

  constructor(
    private readonly programme: ProgrammeDefinition,
    private readonly budgets_: ReadonlyMap<number, Budget>,
    enterpriseYears: ReadonlyMap<number, Pool>,
    project: { readonly key: string; readonly pool: Pool } | null,
    private readonly cause: Cause,
  ) {
    for (const [year, pool] of enterpriseYears) this.yearTotals.set(year, { spend: pool.spend, awarded: pool.awarded });
    this.projectKey = project?.key ?? null;
    this.projectTotals = project === null ? null : { spend: project.pool.spend, awarded: project.pool.awarded };
  }

  /** Totals the caller already moved (a withdrawal in the same append) before the corrections. */
  moveTotals(year: number, spend: Money, awarded: Money, inProject: boolean): void {
    const y = this.totalsOf(year);
    this.yearTotals.set(year, { spend: y.spend.minus(spend), awarded: y.awarded.minus(awarded) });
    if (inProject && this.projectTotals !== null) this.projectTotals = { spend: this.projectTotals.spend.minus(spend), awarded: this.projectTotals.awarded.minus(awarded) };
  }

  private totalsOf(year: number): { spend: Money; awarded: Money } {
    const totals = this.yearTotals.get(year);
    if (totals === undefined) throw new Error(`the enterprise-year ${year} of the correction was not read`);
    return totals;
  }

  /** Releases a commitment (a reduction's, or a revoked award's) from its programme-year's budget. */
  release(member: Member, amount: Money): void {
    const budget = this.budgets_.get(member.fiscalYear);
    if (budget === undefined) throw new Error(`the budget ${member.fiscalYear} of the correction was not read`);
    const committedAfter = (this.committed.get(member.fiscalYear) ?? committedOf(budget)).minus(amount);
    this.committed.set(member.fiscalYear, committedAfter);
    const events = this.budgets.get(member.fiscalYear) ?? [];
    events.push({
      type: 'AwardReleased',
      data: {
        programmeId: member.programmeId,
        year: member.fiscalYear,
        applicationId: member.applicationId,
        amount: amount.format(),
        budgetAfter: budgetTotalOf(this.programme, budget).format(),
        committedAfter: committedAfter.format(),
      },
    });
    this.budgets.set(member.fiscalYear, events);
  }

  /**
   * One application's change: `reduce` of its undisbursed award, `clawBack` of what was paid (a new
   * clawback order), `spendRemoved` where its own spend is disqualified; `awardRemoved` is what leaves
   * its pools (by default what is reduced and clawed back).
   */
  correct(member: Member, change: { reduce: Money; clawBack: Money; spendRemoved: Money; awardRemoved?: Money; inProject: boolean }): void {
    const { applicationId } = member;
    const { cause, causeApplicationId, causeClawbackId } = this.cause;
    const events = this.applications.get(applicationId) ?? [];
    if (change.reduce.greaterThan(Money.zero)) {
      const awardAfter = member.award.award.minus(change.reduce);
      events.push({ type: 'AwardReduced', data: { applicationId, amount: change.reduce.format(), awardAfter: awardAfter.format(), cause, causeApplicationId, causeClawbackId } });
      this.release(member, change.reduce);
    }
    if (change.clawBack.greaterThan(Money.zero)) {
      const clawbackId = derivedUuid(this.cause.commandId, `correction-clawback-${applicationId}`);
      events.push({
        type: 'ClawbackOrdered',
        data: {
          applicationId,
          clawbackId,
          amount: change.clawBack.format(),
          reason: cause === 'revocation' ? `correction: award of application ${causeApplicationId} revoked` : `correction: spend of application ${causeApplicationId} disqualified`,
          fraud: false,
          disqualifiesSpend: false,
          cause,
          causeApplicationId,
          causeClawbackId,
        },
      });
      this.clawbacks.set(clawbackId, [{ type: 'ClawbackIndexed', data: { clawbackId, applicationId } }]);
    }
    if (events.length > 0) this.applications.set(applicationId, events);

    const awardRemoved = change.awardRemoved ?? change.reduce.plus(change.clawBack);
    if (awardRemoved.isZero() && change.spendRemoved.isZero()) return;
    const correction = {
      applicationId,
      spendRemoved: change.spendRemoved.format(),
      awardRemoved: awardRemoved.format(),
      cause,
      causeApplicationId,
      causeClawbackId,
    };
    this.moveTotals(member.fiscalYear, change.spendRemoved, awardRemoved, change.inProject);
    const year = this.totalsOf(member.fiscalYear);
    const yearEvents = this.enterpriseYears.get(member.fiscalYear) ?? [];
    yearEvents.push({
      type: 'AwardCorrected',
      data: { programmeId: member.programmeId, uscc: member.uscc, year: member.fiscalYear, ...correction, spendAfter: year.spend.format(), awardedAfter: year.awarded.format() },
    });
    this.enterpriseYears.set(member.fiscalYear, yearEvents);
    if (change.inProject && this.projectTotals !== null && this.projectKey !== null) {
      this.project.push({
        type: 'ProjectCorrected',
        data: {
          programmeId: member.programmeId,
          uscc: member.uscc,
          projectKey: this.projectKey,
          ...correction,
          spendAfter: this.projectTotals.spend.format(),
          awardedAfter: this.projectTotals.awarded.format(),
        },
      });
    }
  }
}
