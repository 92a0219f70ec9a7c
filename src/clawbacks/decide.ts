// Rules of clawback (追回, Wuhan art. 12): an order up to what was paid less what is ordered, receipts
// up to what is outstanding, write-offs, a subsidy-fraud flag for fraud, and headroom restored only
// where the programme says so.
import type { TypedCommand } from '../shared/command.js';
import { refusal } from '../shared/errors.js';
import { Money } from '../shared/money.js';
import { addDays, assertDateWithin, type CalendarDate } from '../shared/time.js';
import {
  applicationIndexKind,
  clawbackOrderedOf,
  type Clawback,
  paidOf,
  recoveredOf,
  undisbursedOf,
  type AwardedApplication,
  type LiveApplication,
} from '../applications/application.js';
import { invalidTransition } from '../applications/decide.js';
import type { ApplicationEvents } from '../applications/events.js';
import type { Pool } from '../awards/award-streams.js';
import { CorrectionLedger, type Member } from '../awards/corrections.js';
import { correctPool, merged, type Corrected, type PoolGiven } from '../awards/decide.js';
import { projectKeyOf } from '../awards/entitlement.js';
import type { EnterpriseYearEvents } from '../awards/events.js';
import { budgetTotalOf, committedOf, type Budget } from '../budgets/budget.js';
import type { BudgetEvents } from '../budgets/events.js';
import { flagsInForce, type Enterprise } from '../enterprises/enterprise.js';
import type { EnterpriseEvents } from '../enterprises/events.js';
import type { ProgrammeDefinition } from '../programmes/programme.js';
import type { ReferralOutcome } from '../shared/patterns.js';
import type { ClawbackIndexEvent, ClawbackIndexEvents } from './events.js';

type Of<M, T extends keyof M> = { readonly type: T; readonly data: M[T] };

export const clawbackIndexStream = applicationIndexKind<ClawbackIndexEvent>('clawback', 'ClawbackIndexed');

export type OrderClawback = TypedCommand<
  'OrderClawback',
  {
    applicationId: string;
    clawbackId: string;
    amount: Money;
    reason: string;
    fraud: boolean;
    disqualifiesSpend: boolean;
    flagId: string;
    commandId: string;
    /** Fraud only: the last day of the subsidy ban the decision sets. */
    banUntil: CalendarDate | null;
    /** Fraud only: the case's referral to the judicial organs, where it is made with the order. */
    referral: ReferralInput | null;
  }
>;

/** A referral to the judicial organs as the approver records it. */
export interface ReferralInput {
  readonly referredOn: CalendarDate;
  readonly reference: string;
  readonly authority: string;
}

export interface OrderClawbackGiven {
  readonly application: LiveApplication;
  readonly enterprise: Enterprise;
  /** Read only for a clawback that disqualifies the spend: the pool to recompute. */
  readonly pool: PoolGiven | null;
}

export interface ClawbackOrderedDecision extends Partial<Corrected> {
  readonly application: (Of<ApplicationEvents, 'ClawbackOrdered'> | Of<ApplicationEvents, 'AwardReduced'> | Of<ApplicationEvents, 'FraudReferred'>)[];
  readonly clawback: [Of<ClawbackIndexEvents, 'ClawbackIndexed'>];
  readonly enterprise?: [Of<EnterpriseEvents, 'FlagRaised'>];
}

/**
 * Rule `wuhan-a12-clawback`: recovery of at most what was paid less what is already ordered; fraud flags
 * the enterprise. Rule `corrections-recompute`: a clawback that disqualifies the spend (fraud, false
 * invoices) takes the application out of its pool, reduces what of its award is undisbursed, and
 * recomputes the pool's other awards.
 */
export function decideOrderClawback(command: OrderClawback, given: OrderClawbackGiven): ClawbackOrderedDecision {
  const input = command.data;
  const { today, now } = command.metadata;
  const { application } = given;
  const { applicationId: id, uscc } = application.submission;
  if (application.status !== 'approved') throw invalidTransition(id, application.status, 'clawed back');
  // Rule `wuhan-a12-fraud-outcomes`: a fraud's ban ends on a day the decision chooses (no silent
  // permanent flag); only a fraud is referred to the judicial organs.
  if (input.fraud && input.banUntil === null) throw refusal('VALIDATION_FAILED', 'a clawback for fraud sets the last day of the subsidy ban (banUntil)', { field: 'banUntil' });
  if (!input.fraud && input.banUntil !== null)
    throw refusal('VALIDATION_FAILED', 'only a clawback for fraud bans the enterprise (banUntil needs fraud: true)', { field: 'banUntil' });
  if (!input.fraud && input.referral !== null)
    throw refusal('VALIDATION_FAILED', 'only a clawback for fraud is referred to the judicial organs (referral needs fraud: true)', { field: 'referral' });
  if (input.banUntil !== null && input.banUntil <= today) {
    throw refusal('DATE_OUT_OF_RANGE', `banUntil ${input.banUntil} must lie after today (${today})`, {
      field: 'banUntil',
      value: input.banUntil,
      earliest: addDays(today, 1),
      latest: null,
    });
  }
  if (input.referral !== null) assertDateWithin('referral.referredOn', input.referral.referredOn, application.award.approvedOn, today);
  const paid = paidOf(application.award);
  const ordered = clawbackOrderedOf(application.award);
  if (ordered.plus(input.amount).greaterThan(paid)) {
    throw refusal('CLAWBACK_EXCEEDS_PAID', `a clawback of ${input.amount} exceeds what was paid (${paid}) less what is already ordered (${ordered})`, {
      applicationId: id,
      paid: paid.format(),
      ordered: ordered.format(),
      requested: input.amount.format(),
    });
  }
  const order: Of<ApplicationEvents, 'ClawbackOrdered'> = {
    type: 'ClawbackOrdered',
    data: {
      applicationId: id,
      clawbackId: input.clawbackId,
      amount: input.amount.format(),
      reason: input.reason,
      fraud: input.fraud,
      disqualifiesSpend: input.disqualifiesSpend,
      cause: null,
      causeApplicationId: null,
      causeClawbackId: null,
    },
  };
  const clawback: [Of<ClawbackIndexEvents, 'ClawbackIndexed'>] = [{ type: 'ClawbackIndexed', data: { clawbackId: input.clawbackId, applicationId: id } }];
  const referred: Of<ApplicationEvents, 'FraudReferred'>[] =
    input.referral === null ? [] : [{ type: 'FraudReferred', data: { applicationId: id, clawbackId: input.clawbackId, uscc, ...input.referral } }];
  const corrected = input.disqualifiesSpend ? disqualify(command, application, given.pool) : null;
  const decided: ClawbackOrderedDecision =
    corrected === null
      ? { application: [order, ...referred], clawback }
      : {
          ...corrected.rest,
          application: [order, ...referred, ...(corrected.rest.members.get(id) ?? [])],
          members: withoutKey(corrected.rest.members, id),
          clawback,
        };
  // Rule `wuhan-a12-fraud-flag`: subsidy fraud bars the enterprise until the day the decision sets,
  // unless a fraud ban already in force lasts as long.
  const banUntil = input.banUntil;
  const covered = flagsInForce(given.enterprise, today).some((f) => f.list === 'subsidy-fraud' && (f.until === null || (banUntil !== null && f.until >= banUntil)));
  if (!input.fraud || covered) return decided;
  return {
    ...decided,
    enterprise: [
      {
        type: 'FlagRaised',
        data: {
          uscc,
          flagId: input.flagId,
          list: 'subsidy-fraud',
          source: `clawback ${input.clawbackId} of application ${id}`,
          since: today,
          checkedAt: now,
          evidenceRef: input.clawbackId,
          until: banUntil,
        },
      },
    ],
  };
}

function withoutKey<V>(map: ReadonlyMap<string, V>, key: string): Map<string, V> {
  const copy = new Map(map);
  copy.delete(key);
  return copy;
}

/** The application's spend leaves its pools with its award; its undisbursed award is reduced; the pool is recomputed. */
function disqualify(command: OrderClawback, application: AwardedApplication & { status: 'approved' }, pool: PoolGiven | null): { rest: Corrected } {
  if (pool === null) throw new Error('a clawback that disqualifies the spend reads the pool it corrects');
  const { submission } = application;
  const id = submission.applicationId;
  const year = submission.fiscalYear;
  const enterpriseYear = pool.enterpriseYears.get(year);
  if (enterpriseYear === undefined) throw new Error(`the enterprise-year ${year} of application ${id} was not read`);
  const entry = enterpriseYear.entries.get(id);
  const projectKey = projectKeyOf(pool.programme.rule, submission);
  const ledger = new CorrectionLedger(
    pool.programmeCurrent,
    pool.budgets,
    pool.enterpriseYears,
    projectKey !== null && pool.project !== null ? { key: projectKey, pool: pool.project } : null,
    {
      cause: 'disqualifying-clawback',
      causeApplicationId: id,
      causeClawbackId: command.data.clawbackId,
      commandId: command.data.commandId,
    },
  );
  const self: Member = { applicationId: id, programmeId: submission.programmeId, uscc: submission.uscc, fiscalYear: year, award: application.award };
  ledger.correct(self, {
    reduce: undisbursedOf(application.award),
    clawBack: Money.zero,
    spendRemoved: entry?.spend ?? Money.zero,
    awardRemoved: entry?.award ?? Money.zero,
    inProject: projectKey !== null && pool.project !== null,
  });
  correctPool(ledger, pool, year, id);
  return { rest: merged(ledger, { year, enterpriseYear: [], project: [] }) };
}

export type RecordRecovery = TypedCommand<'RecordRecovery', { clawbackId: string; amount: Money; receivedOn: CalendarDate; receiptRef: string }>;

export interface RecoveryGiven {
  readonly application: LiveApplication;
  readonly programmeCurrent: ProgrammeDefinition;
  /** Read only where recovered money restores headroom; otherwise nothing is written to them. */
  readonly budget: Budget;
  readonly enterpriseYear: Pool;
}

/** Rule `wuhan-a12-recovery`: receipts up to what is outstanding; headroom restored only where the programme says so (SPEC §5, 6). */
export function decideRecordRecovery(
  command: RecordRecovery,
  given: RecoveryGiven,
): {
  application: [Of<ApplicationEvents, 'RecoveryRecorded'>];
  budget?: [Of<BudgetEvents, 'HeadroomRestored'>];
  enterpriseYear?: [Of<EnterpriseYearEvents, 'EnterpriseHeadroomRestored'>];
} {
  const input = command.data;
  const { application } = given;
  const { applicationId: id, programmeId, fiscalYear: year, uscc } = application.submission;
  const clawback = 'award' in application ? application.award.clawbacks.get(input.clawbackId) : undefined;
  if (clawback === undefined || !('award' in application)) throw refusal('NOT_FOUND', `clawback ${input.clawbackId} does not exist`, { id: input.clawbackId });
  const outstanding = clawback.amount.minus(clawback.recovered).minus(clawback.writtenOff);
  if (input.amount.greaterThan(outstanding)) {
    throw refusal('RECOVERY_EXCEEDS_ORDERED', `a receipt of ${input.amount} exceeds what is outstanding on clawback ${input.clawbackId} (${outstanding})`, {
      clawbackId: input.clawbackId,
      ordered: clawback.amount.format(),
      recovered: clawback.recovered.format(),
      outstanding: outstanding.format(),
      requested: input.amount.format(),
    });
  }
  // Rule `payment-dates`: a receipt is dated between the clawback's order and today (Asia/Shanghai days).
  assertDateWithin('receivedOn', input.receivedOn, clawback.orderedOn, command.metadata.today);
  const recorded: Of<ApplicationEvents, 'RecoveryRecorded'> = {
    type: 'RecoveryRecorded',
    data: { applicationId: id, clawbackId: input.clawbackId, amount: input.amount.format(), receivedOn: input.receivedOn, receiptRef: input.receiptRef },
  };
  if (!given.programmeCurrent.recoveryRestoresHeadroom) return { application: [recorded] };
  return {
    application: [recorded],
    budget: [
      {
        type: 'HeadroomRestored',
        data: {
          programmeId,
          year,
          applicationId: id,
          amount: input.amount.format(),
          budgetAfter: budgetTotalOf(given.programmeCurrent, given.budget).format(),
          committedAfter: committedOf(given.budget).minus(input.amount).format(),
        },
      },
    ],
    enterpriseYear: [
      {
        type: 'EnterpriseHeadroomRestored',
        data: {
          programmeId,
          uscc,
          year,
          applicationId: id,
          amount: input.amount.format(),
          spendAfter: given.enterpriseYear.spend.format(),
          awardedAfter: given.enterpriseYear.awarded.minus(input.amount).format(),
        },
      },
    ],
  };
}

/** What a recovery answers: the clawback's receipts so far and what is still outstanding. */
export function recoveryTotals(application: LiveApplication, command: RecordRecovery): { recovered: string; outstanding: string } {
  const award = 'award' in application ? application.award : null;
  const clawback = award?.clawbacks.get(command.data.clawbackId);
  if (award === null || clawback === undefined) return { recovered: command.data.amount.format(), outstanding: '0.00' };
  const outstanding = clawback.amount.minus(clawback.recovered).minus(clawback.writtenOff).minus(command.data.amount);
  return { recovered: recoveredOf(award).plus(command.data.amount).format(), outstanding: outstanding.format() };
}

export type WriteOffClawback = TypedCommand<'WriteOffClawback', { clawbackId: string; reason: string }>;

/** Rule `wuhan-a12-write-off`: what cannot be recovered is written off, with a reason. */
export function decideWriteOff(command: WriteOffClawback, given: { application: LiveApplication }): { application: [Of<ApplicationEvents, 'ClawbackWrittenOff'>] } {
  const { clawbackId, reason } = command.data;
  const { application } = given;
  const clawback = 'award' in application ? application.award.clawbacks.get(clawbackId) : undefined;
  if (clawback === undefined) throw refusal('NOT_FOUND', `clawback ${clawbackId} does not exist`, { id: clawbackId });
  const outstanding = clawback.amount.minus(clawback.recovered).minus(clawback.writtenOff);
  if (outstanding.isZero()) throw refusal('INVALID_TRANSITION', `clawback ${clawbackId} has nothing outstanding`, { clawbackId });
  return { application: [{ type: 'ClawbackWrittenOff', data: { applicationId: application.submission.applicationId, clawbackId, amount: outstanding.format(), reason } }] };
}

/** A clawback of an awarded application, or NOT_FOUND. */
function clawbackOf(application: LiveApplication, clawbackId: string): Clawback {
  const clawback = 'award' in application ? application.award.clawbacks.get(clawbackId) : undefined;
  if (clawback === undefined) throw refusal('NOT_FOUND', `clawback ${clawbackId} does not exist`, { id: clawbackId });
  return clawback;
}

export type ReferFraud = TypedCommand<'ReferFraud', { clawbackId: string } & ReferralInput>;

/**
 * Rule `wuhan-a12-fraud-outcomes` (涉嫌犯罪的,移送司法机关依法处理): a fraud clawback's case is referred
 * once, on a day between the award's approval and today, with the judicial organ's reference.
 */
export function decideReferFraud(command: ReferFraud, given: { application: LiveApplication }): { application: [Of<ApplicationEvents, 'FraudReferred'>] } {
  const { clawbackId, referredOn, reference, authority } = command.data;
  const { application } = given;
  const clawback = clawbackOf(application, clawbackId);
  if (!clawback.fraud) throw refusal('INVALID_TRANSITION', `clawback ${clawbackId} was not ordered for fraud: there is nothing to refer`, { clawbackId });
  if (clawback.referral !== null)
    throw refusal('ALREADY_EXISTS', `clawback ${clawbackId} was referred on ${clawback.referral.referredOn} (${clawback.referral.reference})`, { clawbackId });
  if ('award' in application) assertDateWithin('referredOn', referredOn, application.award.approvedOn, command.metadata.today);
  const { applicationId, uscc } = application.submission;
  return { application: [{ type: 'FraudReferred', data: { applicationId, clawbackId, uscc, referredOn, reference, authority } }] };
}

export type ConcludeReferral = TypedCommand<
  'ConcludeReferral',
  { clawbackId: string; outcome: ReferralOutcome; decidedOn: CalendarDate; reference: string; summary: string | null }
>;

/**
 * Rule `wuhan-a12-fraud-outcomes`: the judicial organs' decision on a referral, once known, dated
 * between the referral and today; recorded once (a later stage of the same case is a new referral's
 * business only if the organs return it). The ban stays as decided: lifting it is an administrator's
 * separate, recorded act.
 */
export function decideConcludeReferral(command: ConcludeReferral, given: { application: LiveApplication }): { application: [Of<ApplicationEvents, 'FraudReferralConcluded'>] } {
  const { clawbackId, outcome, decidedOn, reference, summary } = command.data;
  const clawback = clawbackOf(given.application, clawbackId);
  if (clawback.referral === null) throw refusal('INVALID_TRANSITION', `clawback ${clawbackId} has not been referred to the judicial organs`, { clawbackId });
  if (clawback.referral.outcome !== null) {
    throw refusal('ALREADY_EXISTS', `the referral of clawback ${clawbackId} was concluded on ${clawback.referral.outcome.decidedOn} (${clawback.referral.outcome.outcome})`, {
      clawbackId,
    });
  }
  assertDateWithin('decidedOn', decidedOn, clawback.referral.referredOn, command.metadata.today);
  return {
    application: [{ type: 'FraudReferralConcluded', data: { applicationId: given.application.submission.applicationId, clawbackId, outcome, decidedOn, reference, summary } }],
  };
}
