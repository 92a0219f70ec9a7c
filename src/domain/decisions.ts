// The rules of SPEC §2–5 as pure decisions: given the states of the streams a command touches, the
// events to write, or a DomainError with the figures a user needs. No clock, no I/O, no randomness:
// `today` and the ids come in with the command.
import { capPerEnterpriseYear, entitlementOf } from '../programmes/award-rules.js';
import type { ProgrammeDefinition } from '../programmes/programme.js';
import { DomainError } from '../shared/errors.js';
import { Money } from '../shared/money.js';
import { yearOfDate, type CalendarDate } from '../shared/time.js';
import type { WorkingDayCalendar } from '../shared/working-days.js';
import { draft, type ApplicationItem, type DraftEvent } from './events.js';
import {
  awardBaseOf,
  clawbackOrderedOf,
  disbursedOrPendingOf,
  flagsInForce,
  paidOf,
  recoveredOf,
  type ApplicationState,
  type BudgetState,
  type EnterpriseState,
  type EnterpriseYearState,
  type MatterFunding,
  type NoticeState,
} from './states.js';
import { streams } from './streams.js';

export interface Write {
  readonly stream: string;
  readonly events: readonly DraftEvent[];
  /** For streams the decision did not load: 'no-stream' for new ones, 'stream-exists' where another stream already guards the order. */
  readonly expectedRevision?: 'no-stream' | 'stream-exists';
}

export interface Decided<R> {
  readonly writes: readonly Write[];
  readonly result: R;
}

function notFound(what: string, id: string): DomainError {
  return new DomainError('NOT_FOUND', `${what} ${id} does not exist`, { id });
}

function invalidTransition(applicationId: string, status: string, action: string): DomainError {
  return new DomainError('INVALID_TRANSITION', `application ${applicationId} is ${status}: it cannot be ${action}`, { applicationId, status });
}

export function requireApplication(application: ApplicationState, applicationId: string): ApplicationState {
  if (!application.exists) throw notFound('application', applicationId);
  return application;
}

/** SPEC §4: registered in the programme's city and not flagged on any list in force today. */
export function assertEligible(enterprise: EnterpriseState, programme: ProgrammeDefinition, today: CalendarDate, uscc: string): void {
  if (!enterprise.registered) throw new DomainError('INELIGIBLE_ENTERPRISE', `enterprise ${uscc} is not registered`, { uscc, reason: 'not-registered' });
  if (enterprise.city !== programme.jurisdiction) {
    throw new DomainError('INELIGIBLE_ENTERPRISE', `enterprise ${uscc} is registered in ${enterprise.city}, not in ${programme.jurisdiction}`, {
      uscc,
      reason: 'jurisdiction',
      city: enterprise.city,
      jurisdiction: programme.jurisdiction,
    });
  }
  const flag = flagsInForce(enterprise, today)[0];
  if (flag !== undefined) {
    throw new DomainError('INELIGIBLE_ENTERPRISE', `enterprise ${uscc} is flagged on ${flag.list} (since ${flag.since})`, {
      uscc,
      reason: 'flagged',
      list: flag.list,
      flagId: flag.flagId,
    });
  }
}

// An invoice held by an application is released only through a transition of that application, which
// its own stream's revision already serialises: the invoice stream need not be read first.
function releaseInvoices(application: ApplicationState, reason: string): Write[] {
  return application.items.map((item) => ({
    stream: streams.invoice(item.invoiceNumber),
    expectedRevision: 'stream-exists' as const,
    events: [draft('InvoiceReleased', { invoiceNumber: item.invoiceNumber, applicationId: application.applicationId, reason })],
  }));
}

// ---- submission

export interface SubmitInput {
  readonly applicationId: string;
  readonly programmeId: string;
  readonly uscc: string;
  readonly fiscalYear: number;
  readonly matterKey: string | null;
  readonly level: string | null;
  readonly approvalRef: string | null;
  readonly items: readonly { invoiceNumber: string; invoiceDate: CalendarDate; amount: Money; category: string | null }[];
}

export interface SubmitGiven {
  readonly programme: ProgrammeDefinition;
  readonly enterprise: EnterpriseState;
  /** For each invoice number: the live application it already backs, if any. */
  readonly invoiceHolders: ReadonlyMap<string, string | null>;
  readonly today: CalendarDate;
}

export function decideSubmit(input: SubmitInput, given: SubmitGiven): Decided<{ applicationId: string; status: 'submitted' }> {
  const { programme, today } = given;
  assertEligible(given.enterprise, programme, today, input.uscc);
  const rule = programme.rule;
  if (rule.kind === 'fixed') {
    if (input.level === null || rule.amountByLevelYuan[input.level] === undefined) {
      throw new DomainError('VALIDATION_FAILED', `level must be one of ${Object.keys(rule.amountByLevelYuan).join(', ')}`, { field: 'level' });
    }
  } else if (input.level !== null) {
    throw new DomainError('VALIDATION_FAILED', `programme ${programme.id} has no levels`, { field: 'level' });
  }
  if (rule.kind === 'proportional' && rule.approvalRefRequired && input.approvalRef === null) {
    throw new DomainError('VALIDATION_FAILED', `programme ${programme.id} needs the project's national or provincial approval reference (立项)`, { field: 'approvalRef' });
  }
  const seen = new Set<string>();
  input.items.forEach((item, i) => {
    const field = `items[${i}]`;
    if (seen.has(item.invoiceNumber)) throw new DomainError('DUPLICATE_INVOICE', `invoice ${item.invoiceNumber} appears twice in the application`, { invoiceNumber: item.invoiceNumber });
    seen.add(item.invoiceNumber);
    if (yearOfDate(item.invoiceDate) !== input.fiscalYear) {
      throw new DomainError('VALIDATION_FAILED', `${field}.invoiceDate ${item.invoiceDate} is not in fiscal year ${input.fiscalYear}`, { field: `${field}.invoiceDate` });
    }
    if (item.invoiceDate < programme.validFrom || (programme.validUntil !== null && item.invoiceDate > programme.validUntil)) {
      throw new DomainError('VALIDATION_FAILED', `${field}.invoiceDate ${item.invoiceDate} is outside the programme's validity (${programme.validFrom} to ${programme.validUntil ?? 'open'})`, {
        field: `${field}.invoiceDate`,
      });
    }
    if (item.invoiceDate > today) throw new DomainError('VALIDATION_FAILED', `${field}.invoiceDate ${item.invoiceDate} is in the future`, { field: `${field}.invoiceDate` });
    if (programme.categories !== null && (item.category === null || !programme.categories.includes(item.category))) {
      throw new DomainError('VALIDATION_FAILED', `${field}.category must be one of ${programme.categories.join(', ')}`, { field: `${field}.category` });
    }
    const holder = given.invoiceHolders.get(item.invoiceNumber) ?? null;
    if (holder !== null) {
      throw new DomainError('DUPLICATE_INVOICE', `invoice ${item.invoiceNumber} already backs application ${holder}`, {
        invoiceNumber: item.invoiceNumber,
        applicationId: holder,
      });
    }
  });
  const items: ApplicationItem[] = input.items.map((item) => ({ invoiceNumber: item.invoiceNumber, invoiceDate: item.invoiceDate, amount: item.amount.format(), category: item.category }));
  const claimedTotal = Money.sum(input.items.map((item) => item.amount));
  return {
    writes: [
      {
        stream: streams.application(input.applicationId),
        expectedRevision: 'no-stream',
        events: [
          draft('ApplicationSubmitted', {
            applicationId: input.applicationId,
            programmeId: programme.id,
            programmeVersion: programme.version,
            uscc: input.uscc,
            fiscalYear: input.fiscalYear,
            matterKey: input.matterKey,
            level: input.level,
            approvalRef: input.approvalRef,
            items,
            claimedTotal: claimedTotal.format(),
          }),
        ],
      },
      ...input.items.map((item) => ({
        stream: streams.invoice(item.invoiceNumber),
        events: [draft('InvoiceClaimed', { invoiceNumber: item.invoiceNumber, applicationId: input.applicationId, uscc: input.uscc })],
      })),
    ],
    result: { applicationId: input.applicationId, status: 'submitted' },
  };
}

// ---- review

export interface ReviewInput {
  readonly stage: string;
  readonly outcome: 'pass' | 'reject';
  readonly recognizedAmount: Money | null;
  readonly reason: string | null;
}

export function decideReview(application: ApplicationState, programme: ProgrammeDefinition, input: ReviewInput): Decided<{ applicationId: string; status: string }> {
  const id = application.applicationId;
  if (application.status !== 'submitted' && application.status !== 'in_review') throw invalidTransition(id, application.status, 'reviewed');
  const stageExpected = programme.stages[application.stagesPassed.length];
  if (input.stage !== stageExpected) {
    throw new DomainError('INVALID_TRANSITION', `application ${id} awaits the ${stageExpected} stage, not ${input.stage}`, { applicationId: id, stageExpected: stageExpected ?? null });
  }
  if (input.outcome === 'reject') {
    if (input.reason === null) throw new DomainError('VALIDATION_FAILED', 'a rejection needs a reason', { field: 'reason' });
    return {
      writes: [
        { stream: streams.application(id), events: [draft('ApplicationRejected', { applicationId: id, stage: input.stage, reason: input.reason, objectionId: null })] },
        ...releaseInvoices(application, 'rejected'),
      ],
      result: { applicationId: id, status: 'rejected' },
    };
  }
  if (input.recognizedAmount !== null && input.recognizedAmount.greaterThan(application.claimedTotal)) {
    throw new DomainError('VALIDATION_FAILED', `the recognized amount ${input.recognizedAmount} exceeds the claimed total ${application.claimedTotal}`, {
      field: 'recognizedAmount',
      claimedTotal: application.claimedTotal.format(),
      requested: input.recognizedAmount.format(),
    });
  }
  const final = application.stagesPassed.length + 1 === programme.stages.length;
  return {
    writes: [
      {
        stream: streams.application(id),
        events: [draft('StageReviewed', { applicationId: id, stage: input.stage, recognizedAmount: input.recognizedAmount?.format() ?? null, reason: input.reason, final })],
      },
    ],
    result: { applicationId: id, status: final ? 'reviewed' : 'in_review' },
  };
}

export function decideWithdraw(application: ApplicationState, reason: string): Decided<{ applicationId: string; status: 'withdrawn' }> {
  const id = application.applicationId;
  if (!['submitted', 'in_review', 'reviewed', 'in_notice'].includes(application.status)) throw invalidTransition(id, application.status, 'withdrawn');
  return {
    writes: [{ stream: streams.application(id), events: [draft('ApplicationWithdrawn', { applicationId: id, reason })] }, ...releaseInvoices(application, 'withdrawn')],
    result: { applicationId: id, status: 'withdrawn' },
  };
}

// ---- public notice

export interface OpenNoticeInput {
  readonly noticeId: string;
  readonly programmeId: string;
  readonly applicationIds: readonly string[];
  readonly opensOn: CalendarDate;
}

export function decideOpenNotice(
  input: OpenNoticeInput,
  programme: ProgrammeDefinition,
  applications: ReadonlyMap<string, ApplicationState>,
  calendar: WorkingDayCalendar,
  today: CalendarDate,
): Decided<{ noticeId: string; opensOn: string; endsOn: string }> {
  if (new Set(input.applicationIds).size !== input.applicationIds.length) {
    throw new DomainError('VALIDATION_FAILED', 'applicationIds lists an application twice', { field: 'applicationIds' });
  }
  if (input.opensOn < today) throw new DomainError('VALIDATION_FAILED', `a notice cannot open in the past (${input.opensOn})`, { field: 'opensOn' });
  for (const applicationId of input.applicationIds) {
    const application = requireApplication(applications.get(applicationId) ?? { exists: false } as ApplicationState, applicationId);
    if (application.programmeId !== programme.id) {
      throw new DomainError('VALIDATION_FAILED', `application ${applicationId} belongs to ${application.programmeId}, not ${programme.id}`, { field: 'applicationIds', applicationId });
    }
    if (application.status !== 'reviewed') throw invalidTransition(applicationId, application.status, 'put on public notice');
  }
  // The opening day is not counted: the notice lasts the programme's working days after it.
  const endsOn = calendar.addWorkingDays(input.opensOn, programme.noticeWorkingDays);
  return {
    writes: [
      {
        stream: streams.notice(input.noticeId),
        expectedRevision: 'no-stream',
        events: [draft('NoticeOpened', { noticeId: input.noticeId, programmeId: programme.id, applicationIds: [...input.applicationIds], opensOn: input.opensOn, endsOn })],
      },
      ...input.applicationIds.map((applicationId) => ({
        stream: streams.application(applicationId),
        events: [draft('ApplicationNoticed', { applicationId, noticeId: input.noticeId, opensOn: input.opensOn, endsOn })],
      })),
    ],
    result: { noticeId: input.noticeId, opensOn: input.opensOn, endsOn },
  };
}

export function decideFileObjection(
  notice: NoticeState,
  application: ApplicationState,
  input: { objectionId: string; applicationId: string; summary: string },
  today: CalendarDate,
): Decided<{ noticeId: string; objectionId: string }> {
  if (!notice.applicationIds.includes(input.applicationId)) {
    throw new DomainError('VALIDATION_FAILED', `application ${input.applicationId} is not on notice ${notice.noticeId}`, { field: 'applicationId' });
  }
  if (today < notice.opensOn || today > notice.endsOn) {
    throw new DomainError('NOTICE_CLOSED', `notice ${notice.noticeId} takes objections from ${notice.opensOn} to ${notice.endsOn}`, {
      opensOn: notice.opensOn,
      endsOn: notice.endsOn,
      today,
    });
  }
  if (application.status !== 'in_notice') throw invalidTransition(input.applicationId, application.status, 'objected to');
  return {
    writes: [{ stream: streams.notice(notice.noticeId), events: [draft('ObjectionFiled', { noticeId: notice.noticeId, ...input })] }],
    result: { noticeId: notice.noticeId, objectionId: input.objectionId },
  };
}

export function decideResolveObjection(
  notice: NoticeState,
  objectionId: string,
  application: ApplicationState,
  input: { outcome: 'upheld' | 'dismissed'; reason: string },
): Decided<{ noticeId: string; objectionId: string; outcome: string; applicationStatus: string }> {
  const objection = notice.objections.get(objectionId);
  if (objection === undefined) throw notFound('objection', objectionId);
  if (objection.outcome !== null) {
    throw new DomainError('INVALID_TRANSITION', `objection ${objectionId} was already resolved (${objection.outcome})`, { objectionId });
  }
  const resolved = draft('ObjectionResolved', { noticeId: notice.noticeId, objectionId, applicationId: objection.applicationId, outcome: input.outcome, reason: input.reason });
  // An upheld objection rejects the application, unless it has already left the notice (withdrawn).
  if (input.outcome === 'dismissed' || application.status !== 'in_notice') {
    return { writes: [{ stream: streams.notice(notice.noticeId), events: [resolved] }], result: { noticeId: notice.noticeId, objectionId, outcome: input.outcome, applicationStatus: application.status } };
  }
  return {
    writes: [
      { stream: streams.notice(notice.noticeId), events: [resolved] },
      {
        stream: streams.application(application.applicationId),
        events: [draft('ApplicationRejected', { applicationId: application.applicationId, stage: null, reason: `objection upheld: ${input.reason}`, objectionId })],
      },
      ...releaseInvoices(application, 'objection upheld'),
    ],
    result: { noticeId: notice.noticeId, objectionId, outcome: input.outcome, applicationStatus: 'rejected' },
  };
}

// ---- approval: the award

export interface ApproveInput {
  readonly decisionRef: string;
  readonly amount: Money | null;
  readonly caseByCaseJustification: string | null;
}

export interface ApproveGiven {
  readonly application: ApplicationState;
  /** The definition the application was submitted under (its rule and stages). */
  readonly programme: ProgrammeDefinition;
  /** The programme's current definition (its budget). */
  readonly programmeCurrent: ProgrammeDefinition;
  readonly enterprise: EnterpriseState;
  readonly notice: NoticeState;
  readonly budget: BudgetState;
  readonly enterpriseYear: EnterpriseYearState;
  /** Other live awards for the same matter of the same enterprise (就高不重复). */
  readonly matter: ReadonlyMap<string, MatterFunding> | null;
  readonly today: CalendarDate;
  readonly approverId: string;
}

export function budgetOf(programme: ProgrammeDefinition, budget: BudgetState): Money {
  return programme.budget.kind === 'fixed-annual' ? Money.of(programme.budget.amountYuan) : budget.allocated;
}

export interface ApproveResult {
  applicationId: string;
  status: 'approved';
  entitlement: string;
  award: string;
}

export function decideApprove(input: ApproveInput, given: ApproveGiven): Decided<ApproveResult> {
  const { application, programme, notice, today } = given;
  const id = application.applicationId;
  if (application.status !== 'in_notice') throw invalidTransition(id, application.status, 'approved');
  if (!notice.exists || today <= notice.endsOn) {
    throw new DomainError('NOTICE_NOT_ENDED', `the public notice of application ${id} runs until ${notice.endsOn}`, { applicationId: id, endsOn: notice.endsOn, today });
  }
  const open = [...notice.objections.values()].find((o) => o.applicationId === id && o.outcome === null);
  if (open !== undefined) {
    throw new DomainError('OBJECTION_UNRESOLVED', `objection ${open.objectionId} to application ${id} is not resolved`, { applicationId: id, objectionId: open.objectionId });
  }
  if (application.lastReviewer === given.approverId) {
    throw new DomainError('SEGREGATION_OF_DUTIES', `${given.approverId} recorded the final review of application ${id} and may not approve it`, { applicationId: id, actor: given.approverId });
  }
  assertEligible(given.enterprise, programme, today, application.uscc);

  const budgetTotal = budgetOf(given.programmeCurrent, given.budget);
  if (budgetTotal.isZero()) {
    throw new DomainError('NO_BUDGET', `programme ${programme.id} has no budget for ${application.fiscalYear}: an administrator must allocate one first`, {
      programmeId: programme.id,
      year: String(application.fiscalYear),
    });
  }

  const base = awardBaseOf(application);
  const { amount: ruleEntitlement, spendAfter } = entitlementOf(programme.rule, {
    base,
    level: application.level,
    spendBefore: given.enterpriseYear.spend,
    awardedBefore: given.enterpriseYear.awarded,
  });

  // 就高不重复: the matter's awards together never exceed the highest single entitlement.
  let entitlement = ruleEntitlement;
  if (given.matter !== null && given.matter.size > 0) {
    if (programme.duplicateMatterPolicy === 'refuse') {
      throw new DomainError('MATTER_ALREADY_FUNDED', `matter ${application.matterKey} of ${application.uscc} is already funded`, { matterKey: application.matterKey });
    }
    const matterAwarded = Money.sum([...given.matter.values()].map((f) => f.award));
    entitlement = ruleEntitlement.minus(matterAwarded).max(Money.zero);
  }

  let award = entitlement;
  const caseByCase = input.caseByCaseJustification !== null;
  if (caseByCase) {
    if (!programme.caseByCaseAllowed) {
      throw new DomainError('INVALID_TRANSITION', `programme ${programme.id} does not allow 一事一议`, { programmeId: programme.id });
    }
    if (input.amount === null) throw new DomainError('VALIDATION_FAILED', 'a 一事一议 approval states its amount', { field: 'amount' });
    award = input.amount;
  } else if (input.amount !== null) {
    if (input.amount.greaterThan(entitlement)) {
      throw new DomainError('AMOUNT_ABOVE_ENTITLEMENT', `the amount ${input.amount} exceeds the entitlement ${entitlement}`, {
        applicationId: id,
        entitlement: entitlement.format(),
        requested: input.amount.format(),
      });
    }
    award = input.amount;
  }

  const cap = capPerEnterpriseYear(programme.rule);
  const awardedAfter = given.enterpriseYear.awarded.plus(award);
  if (!caseByCase && cap !== null && awardedAfter.greaterThan(cap)) {
    throw new DomainError('ENTERPRISE_CAP_EXCEEDED', `the award would bring ${application.uscc}'s ${application.fiscalYear} total to ${awardedAfter}, above the cap ${cap}`, {
      uscc: application.uscc,
      cap: cap.format(),
      awarded: given.enterpriseYear.awarded.format(),
      requested: award.format(),
    });
  }
  const committedAfter = given.budget.committed.plus(award);
  if (committedAfter.greaterThan(budgetTotal)) {
    throw new DomainError('BUDGET_EXCEEDED', `the award of ${award} exceeds what remains of the ${application.fiscalYear} budget of ${programme.id}`, {
      programmeId: programme.id,
      year: String(application.fiscalYear),
      budget: budgetTotal.format(),
      committed: given.budget.committed.format(),
      remaining: budgetTotal.minus(given.budget.committed).format(),
      requested: award.format(),
    });
  }

  const year = application.fiscalYear;
  const writes: Write[] = [
    {
      stream: streams.application(id),
      events: [
        draft('AwardApproved', {
          applicationId: id,
          decisionRef: input.decisionRef,
          base: base.format(),
          entitlement: entitlement.format(),
          award: award.format(),
          caseByCaseJustification: input.caseByCaseJustification,
          matterReduction: ruleEntitlement.minus(entitlement).format(),
        }),
      ],
    },
    {
      stream: streams.budget(programme.id, year),
      events: [draft('AwardCommitted', { programmeId: programme.id, year, applicationId: id, amount: award.format(), budgetAfter: budgetTotal.format(), committedAfter: committedAfter.format() })],
    },
    {
      stream: streams.enterpriseYear(programme.id, application.uscc, year),
      events: [
        draft('AwardGranted', {
          programmeId: programme.id,
          uscc: application.uscc,
          year,
          applicationId: id,
          spend: base.format(),
          award: award.format(),
          spendAfter: spendAfter.format(),
          awardedAfter: awardedAfter.format(),
        }),
      ],
    },
  ];
  if (application.matterKey !== null) {
    writes.push({
      stream: streams.matter(application.uscc, application.matterKey),
      events: [draft('MatterFunded', { uscc: application.uscc, matterKey: application.matterKey, applicationId: id, programmeId: programme.id, entitlement: ruleEntitlement.format(), award: award.format() })],
    });
  }
  return { writes, result: { applicationId: id, status: 'approved', entitlement: entitlement.format(), award: award.format() } };
}

export interface RevokeGiven {
  readonly application: ApplicationState;
  readonly programmeCurrent: ProgrammeDefinition;
  readonly budget: BudgetState;
  readonly enterpriseYear: EnterpriseYearState;
}

export function decideRevoke(given: RevokeGiven, reason: string): Decided<{ applicationId: string; status: 'revoked' }> {
  const { application } = given;
  const id = application.applicationId;
  if (application.status !== 'approved') throw invalidTransition(id, application.status, 'revoked');
  if (application.disbursements.size > 0) {
    throw new DomainError('INVALID_TRANSITION', `application ${id} has disbursements recorded: order a clawback instead of revoking`, { applicationId: id, status: 'approved' });
  }
  const { programmeId, fiscalYear: year, uscc } = application;
  const award = application.award;
  const base = awardBaseOf(application);
  const writes: Write[] = [
    { stream: streams.application(id), events: [draft('AwardRevoked', { applicationId: id, award: award.format(), reason })] },
    {
      stream: streams.budget(programmeId, year),
      events: [
        draft('AwardReleased', {
          programmeId,
          year,
          applicationId: id,
          amount: award.format(),
          budgetAfter: budgetOf(given.programmeCurrent, given.budget).format(),
          committedAfter: given.budget.committed.minus(award).format(),
        }),
      ],
    },
    {
      stream: streams.enterpriseYear(programmeId, uscc, year),
      events: [
        draft('AwardWithdrawn', {
          programmeId,
          uscc,
          year,
          applicationId: id,
          spend: base.format(),
          award: award.format(),
          spendAfter: given.enterpriseYear.spend.minus(base).format(),
          awardedAfter: given.enterpriseYear.awarded.minus(award).format(),
        }),
      ],
    },
    ...releaseInvoices(application, 'revoked'),
  ];
  if (application.matterKey !== null) {
    writes.push({
      stream: streams.matter(uscc, application.matterKey),
      events: [draft('MatterReleased', { uscc, matterKey: application.matterKey, applicationId: id, programmeId, award: award.format() })],
    });
  }
  return { writes, result: { applicationId: id, status: 'revoked' } };
}

// ---- disbursement (maker–checker)

export interface RecordDisbursementInput {
  readonly disbursementId: string;
  readonly amount: Money;
  readonly paymentRef: string;
  readonly paidOn: CalendarDate;
}

export function decideRecordDisbursement(
  application: ApplicationState,
  programme: ProgrammeDefinition,
  enterprise: EnterpriseState,
  paymentRefHolder: string | null,
  input: RecordDisbursementInput,
  recorderId: string,
  today: CalendarDate,
): Decided<{ disbursementId: string; applicationId: string; status: 'recorded' }> {
  const id = application.applicationId;
  if (application.status !== 'approved') throw invalidTransition(id, application.status, 'disbursed');
  if (application.approvedBy === recorderId) {
    throw new DomainError('SEGREGATION_OF_DUTIES', `${recorderId} approved application ${id} and may not record its disbursement`, { applicationId: id, actor: recorderId });
  }
  assertEligible(enterprise, programme, today, application.uscc);
  if (input.paidOn > today) throw new DomainError('VALIDATION_FAILED', `paidOn ${input.paidOn} is in the future`, { field: 'paidOn' });
  if (paymentRefHolder !== null) {
    throw new DomainError('DUPLICATE_PAYMENT_REFERENCE', `payment reference ${input.paymentRef} is already used by application ${paymentRefHolder}`, {
      paymentRef: input.paymentRef,
      applicationId: paymentRefHolder,
    });
  }
  const disbursed = disbursedOrPendingOf(application);
  if (disbursed.plus(input.amount).greaterThan(application.award)) {
    throw new DomainError('DISBURSEMENT_EXCEEDS_AWARD', `disbursing ${input.amount} would exceed the award of ${application.award} (${disbursed} already recorded)`, {
      applicationId: id,
      award: application.award.format(),
      disbursed: disbursed.format(),
      requested: input.amount.format(),
    });
  }
  const { disbursementId, paymentRef } = input;
  return {
    writes: [
      {
        stream: streams.application(id),
        events: [draft('DisbursementRecorded', { applicationId: id, disbursementId, amount: input.amount.format(), paymentRef, paidOn: input.paidOn })],
      },
      { stream: streams.disbursement(disbursementId), expectedRevision: 'no-stream', events: [draft('DisbursementIndexed', { disbursementId, applicationId: id })] },
      { stream: streams.paymentReference(paymentRef), expectedRevision: 'no-stream', events: [draft('PaymentReferenceUsed', { paymentRef, applicationId: id, disbursementId })] },
    ],
    result: { disbursementId, applicationId: id, status: 'recorded' },
  };
}

export function decideConfirmDisbursement(
  application: ApplicationState,
  programme: ProgrammeDefinition,
  enterprise: EnterpriseState,
  disbursementId: string,
  checkerId: string,
  today: CalendarDate,
): Decided<{ disbursementId: string; applicationId: string; status: 'confirmed'; paid: string }> {
  const id = application.applicationId;
  const disbursement = application.disbursements.get(disbursementId);
  if (disbursement === undefined) throw notFound('disbursement', disbursementId);
  if (disbursement.confirmedBy !== null) throw new DomainError('INVALID_TRANSITION', `disbursement ${disbursementId} is already confirmed`, { disbursementId });
  if (application.status !== 'approved') throw invalidTransition(id, application.status, 'paid');
  if (disbursement.recordedBy === checkerId) {
    throw new DomainError('SEGREGATION_OF_DUTIES', `${checkerId} recorded disbursement ${disbursementId}: a different finance user must confirm it`, { disbursementId, actor: checkerId });
  }
  if (application.approvedBy === checkerId) {
    throw new DomainError('SEGREGATION_OF_DUTIES', `${checkerId} approved application ${id} and may not confirm its disbursement`, { disbursementId, actor: checkerId });
  }
  assertEligible(enterprise, programme, today, application.uscc);
  const paidAfter = paidOf(application).plus(disbursement.amount);
  if (paidAfter.greaterThan(application.award)) {
    throw new DomainError('DISBURSEMENT_EXCEEDS_AWARD', `confirming would bring paid to ${paidAfter}, above the award of ${application.award}`, {
      applicationId: id,
      award: application.award.format(),
      requested: disbursement.amount.format(),
    });
  }
  return {
    writes: [{ stream: streams.application(id), events: [draft('DisbursementConfirmed', { applicationId: id, disbursementId, amount: disbursement.amount.format() })] }],
    result: { disbursementId, applicationId: id, status: 'confirmed', paid: paidAfter.format() },
  };
}

/** The checker refuses a recorded, unconfirmed disbursement (a wrong amount, account or reference). */
export function decideRejectDisbursement(
  application: ApplicationState,
  disbursementId: string,
  checkerId: string,
  reason: string,
): Decided<{ disbursementId: string; applicationId: string; status: 'rejected' }> {
  const id = application.applicationId;
  const disbursement = application.disbursements.get(disbursementId);
  if (disbursement === undefined) throw notFound('disbursement', disbursementId);
  if (disbursement.confirmedBy !== null) {
    throw new DomainError('INVALID_TRANSITION', `disbursement ${disbursementId} is confirmed: money paid is recovered by a clawback, not rejected`, { disbursementId });
  }
  if (disbursement.recordedBy === checkerId) {
    throw new DomainError('SEGREGATION_OF_DUTIES', `${checkerId} recorded disbursement ${disbursementId}: a different finance user must check it`, { disbursementId, actor: checkerId });
  }
  return {
    writes: [{ stream: streams.application(id), events: [draft('DisbursementRejected', { applicationId: id, disbursementId, amount: disbursement.amount.format(), reason })] }],
    result: { disbursementId, applicationId: id, status: 'rejected' },
  };
}

// ---- clawback (Wuhan art. 12)

export function decideOrderClawback(
  application: ApplicationState,
  enterprise: EnterpriseState,
  input: { clawbackId: string; amount: Money; reason: string; fraud: boolean; flagId: string },
  today: CalendarDate,
  now: string,
): Decided<{ clawbackId: string; applicationId: string; flagged: boolean }> {
  const id = application.applicationId;
  if (application.status !== 'approved') throw invalidTransition(id, application.status, 'clawed back');
  const paid = paidOf(application);
  const ordered = clawbackOrderedOf(application);
  if (ordered.plus(input.amount).greaterThan(paid)) {
    throw new DomainError('CLAWBACK_EXCEEDS_PAID', `a clawback of ${input.amount} exceeds what was paid (${paid}) less what is already ordered (${ordered})`, {
      applicationId: id,
      paid: paid.format(),
      ordered: ordered.format(),
      requested: input.amount.format(),
    });
  }
  const writes: Write[] = [
    {
      stream: streams.application(id),
      events: [draft('ClawbackOrdered', { applicationId: id, clawbackId: input.clawbackId, amount: input.amount.format(), reason: input.reason, fraud: input.fraud })],
    },
    { stream: streams.clawback(input.clawbackId), expectedRevision: 'no-stream', events: [draft('ClawbackIndexed', { clawbackId: input.clawbackId, applicationId: id })] },
  ];
  const flagged = input.fraud && !flagsInForce(enterprise, today).some((f) => f.list === 'subsidy-fraud');
  if (flagged) {
    writes.push({
      stream: streams.enterprise(application.uscc),
      events: [
        draft('FlagRaised', {
          uscc: application.uscc,
          flagId: input.flagId,
          list: 'subsidy-fraud',
          source: `clawback ${input.clawbackId} of application ${id}`,
          since: today,
          checkedAt: now,
          evidenceRef: input.clawbackId,
          until: null,
        }),
      ],
    });
  }
  return { writes, result: { clawbackId: input.clawbackId, applicationId: id, flagged } };
}

export interface RecoveryGiven {
  readonly application: ApplicationState;
  readonly programme: ProgrammeDefinition;
  readonly programmeCurrent: ProgrammeDefinition;
  readonly budget: BudgetState;
  readonly enterpriseYear: EnterpriseYearState;
  readonly today: CalendarDate;
}

export function decideRecordRecovery(
  given: RecoveryGiven,
  clawbackId: string,
  input: { amount: Money; receivedOn: CalendarDate; receiptRef: string },
): Decided<{ clawbackId: string; applicationId: string; recovered: string; outstanding: string }> {
  const { application } = given;
  const id = application.applicationId;
  const clawback = application.clawbacks.get(clawbackId);
  if (clawback === undefined) throw notFound('clawback', clawbackId);
  const outstanding = clawback.amount.minus(clawback.recovered).minus(clawback.writtenOff);
  if (input.amount.greaterThan(outstanding)) {
    throw new DomainError('RECOVERY_EXCEEDS_ORDERED', `a receipt of ${input.amount} exceeds what is outstanding on clawback ${clawbackId} (${outstanding})`, {
      clawbackId,
      ordered: clawback.amount.format(),
      recovered: clawback.recovered.format(),
      outstanding: outstanding.format(),
      requested: input.amount.format(),
    });
  }
  if (input.receivedOn > given.today) throw new DomainError('VALIDATION_FAILED', `receivedOn ${input.receivedOn} is in the future`, { field: 'receivedOn' });
  const writes: Write[] = [
    { stream: streams.application(id), events: [draft('RecoveryRecorded', { applicationId: id, clawbackId, amount: input.amount.format(), receivedOn: input.receivedOn, receiptRef: input.receiptRef })] },
  ];
  // SPEC §5, 6: recovered money becomes headroom again only where the programme says so.
  if (given.programmeCurrent.recoveryRestoresHeadroom) {
    const { programmeId, fiscalYear: year, uscc } = application;
    writes.push(
      {
        stream: streams.budget(programmeId, year),
        events: [
          draft('HeadroomRestored', {
            programmeId,
            year,
            applicationId: id,
            amount: input.amount.format(),
            budgetAfter: budgetOf(given.programmeCurrent, given.budget).format(),
            committedAfter: given.budget.committed.minus(input.amount).format(),
          }),
        ],
      },
      {
        stream: streams.enterpriseYear(programmeId, uscc, year),
        events: [
          draft('EnterpriseHeadroomRestored', {
            programmeId,
            uscc,
            year,
            applicationId: id,
            amount: input.amount.format(),
            spendAfter: given.enterpriseYear.spend.format(),
            awardedAfter: given.enterpriseYear.awarded.minus(input.amount).format(),
          }),
        ],
      },
    );
  }
  return { writes, result: { clawbackId, applicationId: id, recovered: recoveredOf(application).plus(input.amount).format(), outstanding: outstanding.minus(input.amount).format() } };
}

export function decideWriteOff(application: ApplicationState, clawbackId: string, reason: string): Decided<{ clawbackId: string; writtenOff: string }> {
  const clawback = application.clawbacks.get(clawbackId);
  if (clawback === undefined) throw notFound('clawback', clawbackId);
  const outstanding = clawback.amount.minus(clawback.recovered).minus(clawback.writtenOff);
  if (outstanding.isZero()) throw new DomainError('INVALID_TRANSITION', `clawback ${clawbackId} has nothing outstanding`, { clawbackId });
  return {
    writes: [
      {
        stream: streams.application(application.applicationId),
        events: [draft('ClawbackWrittenOff', { applicationId: application.applicationId, clawbackId, amount: outstanding.format(), reason })],
      },
    ],
    result: { clawbackId, writtenOff: outstanding.format() },
  };
}

