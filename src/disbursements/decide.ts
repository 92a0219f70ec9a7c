// Rules of disbursement (资金拨付, SPEC §3): maker–checker, paid ≤ award, unique payment references,
// eligibility at payment, and segregation of duties between approver, maker and checker.
import type { TypedCommand } from '../shared/command.js';
import { refusal } from '../shared/errors.js';
import { Money } from '../shared/money.js';
import { assertDateWithin } from '../shared/time.js';
import type { CalendarDate } from '../shared/time.js';
import { clawbackOutstandingOf, disbursedOrPendingOf, paidOf, type AwardState, type LiveApplication } from '../applications/application.js';
import { invalidTransition } from '../applications/decide.js';
import type { ApplicationEvents } from '../applications/events.js';
import { assertEligible, type Enterprise } from '../enterprises/enterprise.js';
import type { ProgrammeDefinition } from '../programmes/programme.js';
import type { DisbursementIndexEvents, PaymentReferenceEvents } from './events.js';
import type { Indexed } from './indexes.js';

type Of<M, T extends keyof M> = { readonly type: T; readonly data: M[T] };

export type RecordDisbursement = TypedCommand<'RecordDisbursement', { applicationId: string; disbursementId: string; amount: Money; paymentRef: string; paidOn: CalendarDate }>;

/** Rule `disbursement-maker`: finance records a payment of an approved award, within the award. */
export function decideRecordDisbursement(
  command: RecordDisbursement,
  given: { application: LiveApplication; programme: ProgrammeDefinition; enterprise: Enterprise; paymentReference: Indexed },
): {
  application: [Of<ApplicationEvents, 'DisbursementRecorded'>];
  disbursement: [Of<DisbursementIndexEvents, 'DisbursementIndexed'>];
  paymentReference: [Of<PaymentReferenceEvents, 'PaymentReferenceUsed'>];
} {
  const input = command.data;
  const { today, actorId } = command.metadata;
  const { application } = given;
  const id = application.submission.applicationId;
  if (application.status !== 'approved') throw invalidTransition(id, application.status, 'disbursed');
  // Rule `segregation-of-duties`: whoever approved the award neither records nor confirms its payment.
  if (application.award.approvedBy === actorId) {
    throw refusal('SEGREGATION_OF_DUTIES', `${actorId} approved application ${id} and may not record its disbursement`, { applicationId: id, actor: actorId });
  }
  assertEligible(given.enterprise, given.programme.jurisdiction, today, application.submission.uscc);
  assertNoClawbackOutstanding(application.award, id);
  // Rule `payment-dates`: a payment is dated between the approval and today (Asia/Shanghai days).
  assertDateWithin('paidOn', input.paidOn, application.award.approvedOn, today);
  if (given.paymentReference.status === 'indexed') {
    throw refusal('DUPLICATE_PAYMENT_REFERENCE', `payment reference ${input.paymentRef} is already used by application ${given.paymentReference.applicationId}`, {
      paymentRef: input.paymentRef,
      applicationId: given.paymentReference.applicationId,
    });
  }
  const { award } = application.award;
  const disbursed = disbursedOrPendingOf(application.award);
  if (disbursed.plus(input.amount).greaterThan(award)) {
    throw refusal('DISBURSEMENT_EXCEEDS_AWARD', `disbursing ${input.amount} would exceed the award of ${award} (${disbursed} already recorded)`, {
      applicationId: id,
      award: award.format(),
      disbursed: disbursed.format(),
      requested: input.amount.format(),
    });
  }
  const { disbursementId, paymentRef } = input;
  return {
    application: [{ type: 'DisbursementRecorded', data: { applicationId: id, disbursementId, amount: input.amount.format(), paymentRef, paidOn: input.paidOn } }],
    disbursement: [{ type: 'DisbursementIndexed', data: { disbursementId, applicationId: id } }],
    paymentReference: [{ type: 'PaymentReferenceUsed', data: { paymentRef, applicationId: id, disbursementId } }],
  };
}

/** Rule `no-payment-during-clawback`: nothing is paid on an award while a clawback of it is outstanding. */
function assertNoClawbackOutstanding(award: AwardState, applicationId: string): void {
  const outstanding = clawbackOutstandingOf(award);
  if (outstanding.greaterThan(Money.zero)) {
    throw refusal('CLAWBACK_OUTSTANDING', `application ${applicationId} has ${outstanding} of clawbacks outstanding: no payment until they are recovered or written off`, {
      applicationId,
      outstanding: outstanding.format(),
    });
  }
}

export type ConfirmDisbursement = TypedCommand<'ConfirmDisbursement', { disbursementId: string }>;

/** Rule `disbursement-checker`: a different finance user confirms; only confirmed payments count as paid. */
export function decideConfirmDisbursement(
  command: ConfirmDisbursement,
  given: { application: LiveApplication; programme: ProgrammeDefinition; enterprise: Enterprise },
): { application: [Of<ApplicationEvents, 'DisbursementConfirmed'>] } {
  const { disbursementId } = command.data;
  const { today, actorId } = command.metadata;
  const { application } = given;
  const id = application.submission.applicationId;
  const disbursement = 'award' in application ? application.award.disbursements.get(disbursementId) : undefined;
  if (disbursement === undefined) throw refusal('NOT_FOUND', `disbursement ${disbursementId} does not exist`, { id: disbursementId });
  if (disbursement.confirmedBy !== null) throw refusal('INVALID_TRANSITION', `disbursement ${disbursementId} is already confirmed`, { disbursementId });
  if (application.status !== 'approved') throw invalidTransition(id, application.status, 'paid');
  if (disbursement.recordedBy === actorId) {
    throw refusal('SEGREGATION_OF_DUTIES', `${actorId} recorded disbursement ${disbursementId}: a different finance user must confirm it`, { disbursementId, actor: actorId });
  }
  if (application.award.approvedBy === actorId) {
    throw refusal('SEGREGATION_OF_DUTIES', `${actorId} approved application ${id} and may not confirm its disbursement`, { disbursementId, actor: actorId });
  }
  assertEligible(given.enterprise, given.programme.jurisdiction, today, application.submission.uscc);
  assertNoClawbackOutstanding(application.award, id);
  const { award } = application.award;
  const paidAfter = paidOf(application.award).plus(disbursement.amount);
  if (paidAfter.greaterThan(award)) {
    throw refusal('DISBURSEMENT_EXCEEDS_AWARD', `confirming would bring paid to ${paidAfter}, above the award of ${award}`, {
      applicationId: id,
      award: award.format(),
      requested: disbursement.amount.format(),
    });
  }
  return { application: [{ type: 'DisbursementConfirmed', data: { applicationId: id, disbursementId, amount: disbursement.amount.format() } }] };
}

export type RejectDisbursement = TypedCommand<'RejectDisbursement', { disbursementId: string; reason: string }>;

/** Rule `disbursement-checker`: the checker refuses a recorded, unconfirmed payment (a wrong amount, account or reference). */
export function decideRejectDisbursement(command: RejectDisbursement, given: { application: LiveApplication }): { application: [Of<ApplicationEvents, 'DisbursementRejected'>] } {
  const { disbursementId, reason } = command.data;
  const { actorId } = command.metadata;
  const { application } = given;
  const id = application.submission.applicationId;
  const disbursement = 'award' in application ? application.award.disbursements.get(disbursementId) : undefined;
  if (disbursement === undefined) throw refusal('NOT_FOUND', `disbursement ${disbursementId} does not exist`, { id: disbursementId });
  if (disbursement.confirmedBy !== null) {
    throw refusal('INVALID_TRANSITION', `disbursement ${disbursementId} is confirmed: money paid is recovered by a clawback, not rejected`, { disbursementId });
  }
  if (disbursement.recordedBy === actorId) {
    throw refusal('SEGREGATION_OF_DUTIES', `${actorId} recorded disbursement ${disbursementId}: a different finance user must check it`, { disbursementId, actor: actorId });
  }
  return { application: [{ type: 'DisbursementRejected', data: { applicationId: id, disbursementId, amount: disbursement.amount.format(), reason } }] };
}
