// Operating errors: typed, with a stable code and the figures a user needs. Mapped once to
// HTTP problem+json and to CLI exit codes; never thrown as strings.
export type ErrorCode =
  | 'VALIDATION_FAILED'
  | 'NOT_FOUND'
  | 'FORBIDDEN'
  | 'INVALID_TRANSITION'
  | 'BUDGET_EXCEEDED'
  | 'ENTERPRISE_CAP_EXCEEDED'
  | 'INELIGIBLE_ENTERPRISE'
  | 'DUPLICATE_INVOICE'
  | 'NOTICE_NOT_ENDED'
  | 'AMOUNT_ABOVE_ENTITLEMENT'
  | 'NO_BUDGET'
  | 'SEGREGATION_OF_DUTIES'
  | 'CONCURRENCY_CONFLICT'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'STORE_UNAVAILABLE'
  | 'ALREADY_EXISTS'
  | 'MATTER_ALREADY_FUNDED'
  | 'DISBURSEMENT_EXCEEDS_AWARD'
  | 'CLAWBACK_EXCEEDS_PAID'
  | 'RECOVERY_EXCEEDS_ORDERED'
  | 'DUPLICATE_PAYMENT_REFERENCE'
  | 'CALENDAR_MISSING'
  | 'NOTICE_CLOSED'
  | 'OBJECTION_UNRESOLVED'
  | 'APPLICATION_WINDOW_CLOSED'
  | 'DATE_OUT_OF_RANGE'
  | 'CLAWBACK_OUTSTANDING'
  | 'PAYMENT_PENDING'
  | 'DECISION_NOT_RECORDED'
  | 'DECISION_MISMATCH'
  | 'AMOUNT_ABOVE_DECISION'
  | 'AMOUNT_ABOVE_NOTICE'
  | 'NOTICE_STAGE_PENDING'
  | 'RETROACTIVE_VERSION'
  | 'RECOGNITION_ALREADY_AWARDED';

/** Figures attached to an error: strings, so that money and bigints survive JSON unchanged. */
export type ErrorDetails = Readonly<Record<string, string | null>>;

export abstract class LedgerError extends Error {
  abstract readonly code: ErrorCode;

  protected constructor(
    message: string,
    readonly details: ErrorDetails = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A rule of the ledger refused a command: the code says which, the details carry the figures. */
export class DomainError extends LedgerError {
  constructor(
    readonly code: ErrorCode,
    message: string,
    details: ErrorDetails = {},
  ) {
    super(message, details);
  }
}

type Figures<K extends string> = { readonly [key in K]: string | null };

/**
 * The details each refusal carries, by code: what a user needs to act on it. A refusal made with
 * `refusal(code, …)` must give exactly these, so the same code never comes with other figures.
 */
export interface RefusalDetails {
  VALIDATION_FAILED: Figures<'field'> & Partial<Figures<'claimedTotal' | 'requested' | 'applicationId' | 'max'>>;
  NOT_FOUND: Figures<'id'>;
  FORBIDDEN: Figures<'required' | 'actor'>;
  INVALID_TRANSITION: Partial<Figures<'applicationId' | 'status' | 'stageExpected' | 'programmeId' | 'objectionId' | 'disbursementId' | 'clawbackId'>>;
  BUDGET_EXCEEDED: Figures<'programmeId' | 'year' | 'budget' | 'committed' | 'remaining' | 'requested'>;
  ENTERPRISE_CAP_EXCEEDED: Figures<'uscc' | 'cap' | 'awarded' | 'requested'>;
  INELIGIBLE_ENTERPRISE: Figures<'uscc' | 'reason'> & Partial<Figures<'city' | 'jurisdiction' | 'list' | 'flagId' | 'entityType' | 'region'>>;
  DUPLICATE_INVOICE: Figures<'invoiceNumber' | 'invoiceCode'> & Partial<Figures<'applicationId'>>;
  NOTICE_NOT_ENDED: Figures<'applicationId' | 'endsOn' | 'today'>;
  AMOUNT_ABOVE_ENTITLEMENT: Figures<'applicationId' | 'entitlement' | 'requested'> & Partial<Figures<'recognized' | 'matterAwarded'>>;
  NO_BUDGET: Figures<'programmeId' | 'year'>;
  SEGREGATION_OF_DUTIES: Figures<'actor'> & Partial<Figures<'applicationId' | 'disbursementId'>>;
  CONCURRENCY_CONFLICT: Figures<'stream' | 'attempts'>;
  IDEMPOTENCY_KEY_REUSED: Figures<'commandId'>;
  STORE_UNAVAILABLE: Partial<Figures<'store'>>;
  ALREADY_EXISTS: Partial<Figures<'uscc' | 'programmeId' | 'decisionId' | 'tag' | 'clawbackId'>>;
  MATTER_ALREADY_FUNDED: Figures<'matterKey'>;
  DISBURSEMENT_EXCEEDS_AWARD: Figures<'applicationId' | 'award' | 'requested'> & Partial<Figures<'disbursed'>>;
  CLAWBACK_EXCEEDS_PAID: Figures<'applicationId' | 'paid' | 'ordered' | 'requested'>;
  RECOVERY_EXCEEDS_ORDERED: Figures<'clawbackId' | 'ordered' | 'recovered' | 'outstanding' | 'requested'>;
  DUPLICATE_PAYMENT_REFERENCE: Figures<'paymentRef' | 'applicationId'>;
  CALENDAR_MISSING: Partial<Figures<'year'>>;
  NOTICE_CLOSED: Figures<'opensOn' | 'endsOn' | 'today'>;
  OBJECTION_UNRESOLVED: Figures<'applicationId' | 'objectionId'>;
  APPLICATION_WINDOW_CLOSED: Figures<'programmeId' | 'version' | 'lastApplicationDay' | 'today'>;
  DATE_OUT_OF_RANGE: Figures<'field' | 'value' | 'earliest' | 'latest'>;
  CLAWBACK_OUTSTANDING: Figures<'applicationId' | 'outstanding'>;
  PAYMENT_PENDING: Figures<'applicationId' | 'disbursementId'>;
  DECISION_NOT_RECORDED: Figures<'decisionRef'>;
  DECISION_MISMATCH: Figures<'decisionId' | 'applicationId' | 'reason'>;
  AMOUNT_ABOVE_DECISION: Figures<'applicationId' | 'decisionId' | 'decided' | 'requested'>;
  AMOUNT_ABOVE_NOTICE: Figures<'applicationId' | 'noticeId' | 'noticed' | 'requested'>;
  NOTICE_STAGE_PENDING: Figures<'applicationId' | 'afterStage' | 'noticeId' | 'endsOn'>;
  RETROACTIVE_VERSION: Figures<'programmeId' | 'effectiveOn' | 'earliest'>;
  RECOGNITION_ALREADY_AWARDED: Figures<'programmeId' | 'uscc' | 'matterKey' | 'level' | 'held'>;
}

/** The one factory of refusals: a code, the sentence a user reads, and the figures typed by the code. */
export function refusal<C extends ErrorCode>(code: C, message: string, details: RefusalDetails[C]): DomainError {
  return new DomainError(code, message, details as ErrorDetails);
}

/** A field of a command's input that cannot be used: always `VALIDATION_FAILED` naming the field. */
export function invalidField(field: string, message: string): DomainError {
  return refusal('VALIDATION_FAILED', message, { field });
}
