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
  | 'OBJECTION_UNRESOLVED';

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
