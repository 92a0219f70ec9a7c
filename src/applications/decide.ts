// Rules for an application before its award: submission (eligibility, invoices, the programme's
// requirements), review stage by stage, withdrawal.
import type { TypedCommand } from '../shared/command.js';
import { refusal } from '../shared/errors.js';
import { Money } from '../shared/money.js';
import { invoiceIdentity } from '../shared/identifiers.js';
import { yearOfDate, type CalendarDate } from '../shared/time.js';
import { assertEligible, type Enterprise } from '../enterprises/enterprise.js';
import type { ProgrammeDefinition } from '../programmes/programme.js';
import type { Application, InvoiceHolder, LiveApplication } from './application.js';
import { assertNoticeStageComplete, type Notice } from '../notices/notice.js';
import type { ApplicationEvents, ApplicationItem, ApplicationRecognition, InvoiceEvents } from './events.js';
import type { Matter } from '../awards/award-streams.js';
import { checkRecognitionClaim } from '../awards/recognition.js';

type Of<M, T extends keyof M> = { readonly type: T; readonly data: M[T] };
type ApplicationOf<T extends keyof ApplicationEvents> = Of<ApplicationEvents, T>;
type InvoiceOf<T extends keyof InvoiceEvents> = Of<InvoiceEvents, T>;

/** Events for each invoice stream, keyed by the invoice's identity (`invoiceIdentity`). */
export type ByInvoice<T extends keyof InvoiceEvents> = Readonly<Record<string, [InvoiceOf<T>]>>;

export function requireApplication(application: Application, applicationId: string): LiveApplication {
  if (application.status === 'none') throw refusal('NOT_FOUND', `application ${applicationId} does not exist`, { id: applicationId });
  return application;
}

export function invalidTransition(applicationId: string, status: string, action: string) {
  return refusal('INVALID_TRANSITION', `application ${applicationId} is ${status}: it cannot be ${action}`, { applicationId, status });
}

/**
 * Rule `invoice-once`: an invoice leaves an application that is rejected, withdrawn or revoked, and
 * may then back another. Only a transition of its application releases it, and that application's
 * own stream already orders those transitions.
 */
export function releaseInvoices(application: LiveApplication, reason: string): ByInvoice<'InvoiceReleased'> {
  const released: Record<string, [InvoiceOf<'InvoiceReleased'>]> = {};
  for (const item of application.submission.items) {
    released[invoiceIdentity(item.invoiceNumber, item.invoiceCode)] = [
      {
        type: 'InvoiceReleased',
        data: { invoiceNumber: item.invoiceNumber, invoiceCode: item.invoiceCode, applicationId: application.submission.applicationId, reason },
      },
    ];
  }
  return released;
}

export interface SubmittedItem {
  readonly invoiceNumber: string;
  /** 发票代码 with an 8-digit number; null for a 20-digit 全电发票. */
  readonly invoiceCode: string | null;
  readonly invoiceDate: CalendarDate;
  readonly amount: Money;
  readonly category: string | null;
}

export type SubmitApplication = TypedCommand<
  'SubmitApplication',
  {
    applicationId: string;
    programmeId: string;
    uscc: string;
    fiscalYear: number;
    matterKey: string | null;
    level: string | null;
    approvalRef: string | null;
    items: readonly SubmittedItem[];
    /** A recognition award's recognition (then no items); null for an application on invoices. */
    recognition: ApplicationRecognition | null;
  }
>;

export interface SubmitGiven {
  /** The programme's current definition: an application is made under the version in force. */
  readonly programme: ProgrammeDefinition;
  readonly enterprise: Enterprise;
  /** For each invoice identity of the application: the application it backs now, if any. */
  readonly invoices: ReadonlyMap<string, InvoiceHolder>;
  /**
   * For each 8-digit number of the application: what the log holds under the number alone, from
   * before invoices were keyed by code and number (empty where nothing was read).
   */
  readonly legacyInvoices?: ReadonlyMap<string, InvoiceHolder>;
  /** A recognition award's platform: the live awards of its matter (absent or null for an application on invoices). */
  readonly matter?: Matter | null;
}

export function decideSubmit(command: SubmitApplication, given: SubmitGiven): { application: [ApplicationOf<'ApplicationSubmitted'>]; invoices: ByInvoice<'InvoiceClaimed'> } {
  const input = command.data;
  const { today } = command.metadata;
  const { programme } = given;
  assertEligible(given.enterprise, programme.jurisdiction, today, input.uscc);
  // Rule `application-window`: the version in force states the last day it accepts applications
  // (Baoding: the end of its validity, 有效期3年, until an administrator publishes a version that extends it).
  if (today < programme.validFrom || (programme.lastApplicationDay !== null && today > programme.lastApplicationDay)) {
    throw refusal(
      'APPLICATION_WINDOW_CLOSED',
      `programme ${programme.id} (version ${programme.version}) accepts applications from ${programme.validFrom} to ${programme.lastApplicationDay ?? 'further notice'}; today is ${today}`,
      { programmeId: programme.id, version: String(programme.version), lastApplicationDay: programme.lastApplicationDay, today },
    );
  }
  const rule = programme.rule;
  // Rules `baoding-m4-levels`, `baoding-m5-levels`: a fixed award is applied for at one of its levels.
  if (rule.kind === 'fixed') {
    if (input.level === null || rule.amountByLevelYuan[input.level] === undefined) {
      throw refusal('VALIDATION_FAILED', `level must be one of ${Object.keys(rule.amountByLevelYuan).join(', ')}`, { field: 'level' });
    }
  } else if (input.level !== null) {
    throw refusal('VALIDATION_FAILED', `programme ${programme.id} has no levels`, { field: 'level' });
  }
  // Rules `recognition-award`, `recognition-once`: platforms and standards are applied for with the recognition.
  checkRecognitionClaim(programme, { ...input, itemCount: input.items.length }, today, given.matter ?? null);
  // Rule `baoding-m3-approval-ref`: only projects with a national or provincial 立项 qualify.
  if (rule.kind === 'proportional' && rule.approvalRefRequired && input.approvalRef === null) {
    throw refusal('VALIDATION_FAILED', `programme ${programme.id} needs the project's national or provincial approval reference (立项)`, { field: 'approvalRef' });
  }
  const seen = new Set<string>();
  input.items.forEach((item, i) => {
    const field = `items[${i}]`;
    // Rule `invoice-identity`: an invoice is its 20-digit number, or its 发票代码 with its 8-digit 号码.
    const identity = invoiceIdentity(item.invoiceNumber, item.invoiceCode);
    const named = { invoiceNumber: item.invoiceNumber, invoiceCode: item.invoiceCode };
    if (seen.has(identity)) throw refusal('DUPLICATE_INVOICE', `invoice ${identity} appears twice in the application`, named);
    seen.add(identity);
    if (yearOfDate(item.invoiceDate) !== input.fiscalYear) {
      throw refusal('VALIDATION_FAILED', `${field}.invoiceDate ${item.invoiceDate} is not in fiscal year ${input.fiscalYear}`, { field: `${field}.invoiceDate` });
    }
    // Rule `programme-validity`: invoices dated within the programme's validity window.
    if (item.invoiceDate < programme.validFrom || (programme.validUntil !== null && item.invoiceDate > programme.validUntil)) {
      throw refusal(
        'VALIDATION_FAILED',
        `${field}.invoiceDate ${item.invoiceDate} is outside the programme's validity (${programme.validFrom} to ${programme.validUntil ?? 'open'})`,
        {
          field: `${field}.invoiceDate`,
        },
      );
    }
    if (item.invoiceDate > today) throw refusal('VALIDATION_FAILED', `${field}.invoiceDate ${item.invoiceDate} is in the future`, { field: `${field}.invoiceDate` });
    // Rule `baoding-m1-categories`: the seven kinds of spend of the 数智券.
    if (programme.categories !== null && (item.category === null || !programme.categories.includes(item.category))) {
      throw refusal('VALIDATION_FAILED', `${field}.category must be one of ${programme.categories.join(', ')}`, { field: `${field}.category` });
    }
    // Rule `invoice-once`: an invoice backs one live application only.
    const holder = given.invoices.get(identity);
    if (holder !== undefined && holder.status === 'claimed') {
      throw refusal('DUPLICATE_INVOICE', `invoice ${identity} already backs application ${holder.applicationId}`, { ...named, applicationId: holder.applicationId });
    }
    // A claim recorded under the 8-digit number alone (before codes were kept) cannot say which code
    // it had. The same enterprise's live claim on that number is taken as this invoice; another
    // enterprise's is another issuer's invoice that happens to share the 号码.
    const legacy = item.invoiceCode === null ? undefined : given.legacyInvoices?.get(item.invoiceNumber);
    if (legacy !== undefined && legacy.status === 'claimed' && legacy.uscc === input.uscc) {
      throw refusal('DUPLICATE_INVOICE', `invoice ${item.invoiceNumber} already backs application ${legacy.applicationId} of the same enterprise (recorded without its code)`, {
        ...named,
        applicationId: legacy.applicationId,
      });
    }
  });
  const items: ApplicationItem[] = input.items.map((item) => ({
    invoiceNumber: item.invoiceNumber,
    invoiceCode: item.invoiceCode,
    invoiceDate: item.invoiceDate,
    amount: item.amount.format(),
    category: item.category,
  }));
  const claimed: Record<string, [InvoiceOf<'InvoiceClaimed'>]> = {};
  for (const item of input.items) {
    claimed[invoiceIdentity(item.invoiceNumber, item.invoiceCode)] = [
      { type: 'InvoiceClaimed', data: { invoiceNumber: item.invoiceNumber, invoiceCode: item.invoiceCode, applicationId: input.applicationId, uscc: input.uscc } },
    ];
  }
  return {
    application: [
      {
        type: 'ApplicationSubmitted',
        data: {
          applicationId: input.applicationId,
          programmeId: programme.id,
          programmeVersion: programme.version,
          uscc: input.uscc,
          fiscalYear: input.fiscalYear,
          matterKey: input.matterKey,
          level: input.level,
          approvalRef: input.approvalRef,
          items,
          claimedTotal: Money.sum(input.items.map((item) => item.amount)).format(),
          recognition: input.recognition,
        },
      },
    ],
    invoices: claimed,
  };
}

export type ReviewApplication = TypedCommand<
  'ReviewApplication',
  { applicationId: string; stage: string; outcome: 'pass' | 'reject'; recognizedAmount: Money | null; reason: string | null }
>;

/**
 * Rule `review-stages` (Wuhan art. 9, 10): the programme's stages in order, each after the notice that
 * follows the one before, if the programme holds one there; any stage may reject with a reason; a
 * review may set the recognized amount, never above the claimed total.
 */
export function decideReview(
  command: ReviewApplication,
  given: { application: LiveApplication; programme: ProgrammeDefinition; notice: Notice },
): { application: [ApplicationOf<'StageReviewed'>]; invoices?: undefined } | { application: [ApplicationOf<'ApplicationRejected'>]; invoices: ByInvoice<'InvoiceReleased'> } {
  const input = command.data;
  const { application, programme } = given;
  const id = application.submission.applicationId;
  const stagesPassed = application.review.stagesPassed.length;
  const stageExpected = programme.stages[stagesPassed];
  if (!['submitted', 'in_review', 'in_notice'].includes(application.status) || stageExpected === undefined) throw invalidTransition(id, application.status, 'reviewed');
  if (input.stage !== stageExpected) {
    throw refusal('INVALID_TRANSITION', `application ${id} awaits the ${stageExpected} stage, not ${input.stage}`, { applicationId: id, stageExpected: stageExpected ?? null });
  }
  // Rule `notice-stages`: where a notice follows the stage passed last, the next stage waits for its end.
  assertNoticeStageComplete(application, programme, given.notice, command.metadata.today);
  if (input.outcome === 'reject') {
    if (input.reason === null) throw refusal('VALIDATION_FAILED', 'a rejection needs a reason', { field: 'reason' });
    return {
      application: [{ type: 'ApplicationRejected', data: { applicationId: id, stage: input.stage, reason: input.reason, objectionId: null } }],
      invoices: releaseInvoices(application, 'rejected'),
    };
  }
  const claimedTotal = application.submission.claimedTotal;
  if (input.recognizedAmount !== null && input.recognizedAmount.greaterThan(claimedTotal)) {
    throw refusal('VALIDATION_FAILED', `the recognized amount ${input.recognizedAmount} exceeds the claimed total ${claimedTotal}`, {
      field: 'recognizedAmount',
      claimedTotal: claimedTotal.format(),
      requested: input.recognizedAmount.format(),
    });
  }
  const final = stagesPassed + 1 === programme.stages.length;
  return {
    application: [
      { type: 'StageReviewed', data: { applicationId: id, stage: input.stage, recognizedAmount: input.recognizedAmount?.format() ?? null, reason: input.reason, final } },
    ],
  };
}

export type WithdrawApplication = TypedCommand<'WithdrawApplication', { applicationId: string; reason: string }>;

/** Rule `withdraw-before-approval`: an applicant may withdraw until the award is approved. */
export function decideWithdraw(
  command: WithdrawApplication,
  given: { application: LiveApplication },
): { application: [ApplicationOf<'ApplicationWithdrawn'>]; invoices: ByInvoice<'InvoiceReleased'> } {
  const { application } = given;
  const id = application.submission.applicationId;
  if (!['submitted', 'in_review', 'reviewed', 'in_notice'].includes(application.status)) throw invalidTransition(id, application.status, 'withdrawn');
  return {
    application: [{ type: 'ApplicationWithdrawn', data: { applicationId: id, reason: command.data.reason } }],
    invoices: releaseInvoices(application, 'withdrawn'),
  };
}
