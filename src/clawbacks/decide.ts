// Rules of clawback (追回, Wuhan art. 12): an order up to what was paid less what is ordered, receipts
// up to what is outstanding, write-offs, a subsidy-fraud flag for fraud, and headroom restored only
// where the programme says so.
import type { TypedCommand } from '../shared/command.js';
import { refusal } from '../shared/errors.js';
import type { Money } from '../shared/money.js';
import type { CalendarDate } from '../shared/time.js';
import { applicationIndexKind, clawbackOrderedOf, paidOf, recoveredOf, type LiveApplication } from '../applications/application.js';
import { invalidTransition } from '../applications/decide.js';
import type { ApplicationEvents } from '../applications/events.js';
import type { EnterpriseYear } from '../awards/award-streams.js';
import type { EnterpriseYearEvents } from '../awards/events.js';
import { budgetTotalOf, committedOf, type Budget } from '../budgets/budget.js';
import type { BudgetEvents } from '../budgets/events.js';
import { flagsInForce, type Enterprise } from '../enterprises/enterprise.js';
import type { EnterpriseEvents } from '../enterprises/events.js';
import type { ProgrammeDefinition } from '../programmes/programme.js';
import type { ClawbackIndexEvent, ClawbackIndexEvents } from './events.js';

type Of<M, T extends keyof M> = { readonly type: T; readonly data: M[T] };

export const clawbackIndexStream = applicationIndexKind<ClawbackIndexEvent>('clawback', 'ClawbackIndexed');

export type OrderClawback = TypedCommand<'OrderClawback', { applicationId: string; clawbackId: string; amount: Money; reason: string; fraud: boolean; flagId: string }>;

/** Rule `wuhan-a12-clawback`: recovery of at most what was paid less what is already ordered; fraud flags the enterprise. */
export function decideOrderClawback(
  command: OrderClawback,
  given: { application: LiveApplication; enterprise: Enterprise },
): { application: [Of<ApplicationEvents, 'ClawbackOrdered'>]; clawback: [Of<ClawbackIndexEvents, 'ClawbackIndexed'>]; enterprise?: [Of<EnterpriseEvents, 'FlagRaised'>] } {
  const input = command.data;
  const { today, now } = command.metadata;
  const { application } = given;
  const { applicationId: id, uscc } = application.submission;
  if (application.status !== 'approved') throw invalidTransition(id, application.status, 'clawed back');
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
  const decided = {
    application: [
      { type: 'ClawbackOrdered', data: { applicationId: id, clawbackId: input.clawbackId, amount: input.amount.format(), reason: input.reason, fraud: input.fraud } },
    ] as [Of<ApplicationEvents, 'ClawbackOrdered'>],
    clawback: [{ type: 'ClawbackIndexed', data: { clawbackId: input.clawbackId, applicationId: id } }] as [Of<ClawbackIndexEvents, 'ClawbackIndexed'>],
  };
  // Rule `wuhan-a12-fraud-flag`: subsidy fraud bars the enterprise (unless a fraud flag is already in force).
  const flagged = input.fraud && !flagsInForce(given.enterprise, today).some((f) => f.list === 'subsidy-fraud');
  if (!flagged) return decided;
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
          until: null,
        },
      },
    ],
  };
}

export type RecordRecovery = TypedCommand<'RecordRecovery', { clawbackId: string; amount: Money; receivedOn: CalendarDate; receiptRef: string }>;

export interface RecoveryGiven {
  readonly application: LiveApplication;
  readonly programmeCurrent: ProgrammeDefinition;
  /** Read only where recovered money restores headroom; otherwise nothing is written to them. */
  readonly budget: Budget;
  readonly enterpriseYear: EnterpriseYear;
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
  if (input.receivedOn > command.metadata.today) throw refusal('VALIDATION_FAILED', `receivedOn ${input.receivedOn} is in the future`, { field: 'receivedOn' });
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
