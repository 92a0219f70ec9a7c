// Every event the domain writes: a permanent type string, a schema version, and data whose amounts
// are decimal strings. Old shapes stay here when a version changes, and are upcast on read.
import type { ProgrammeDefinition } from '../programmes/programme.js';
import type { HolidayYear } from '../shared/working-days.js';

/** An amount as stored: a decimal string with two decimals ("300000.00"). */
export type Amount = string;

export interface ApplicationItem {
  readonly invoiceNumber: string;
  readonly invoiceDate: string;
  readonly amount: Amount;
  readonly category: string | null;
}

export interface DomainEvents {
  ProgrammePublished: { definition: ProgrammeDefinition };
  HolidayYearPublished: HolidayYear;

  BudgetAllocated: { programmeId: string; year: number; amount: Amount; budgetAfter: Amount; committedAfter: Amount };
  AwardCommitted: { programmeId: string; year: number; applicationId: string; amount: Amount; budgetAfter: Amount; committedAfter: Amount };
  AwardReleased: { programmeId: string; year: number; applicationId: string; amount: Amount; budgetAfter: Amount; committedAfter: Amount };
  HeadroomRestored: { programmeId: string; year: number; applicationId: string; amount: Amount; budgetAfter: Amount; committedAfter: Amount };

  EnterpriseRegistered: {
    uscc: string;
    name: string;
    city: string;
    district: string | null;
    tags: string[];
    usccCheckOverrideReason: string | null;
  };
  FlagRaised: {
    uscc: string;
    flagId: string;
    list: string;
    source: string;
    since: string;
    checkedAt: string;
    evidenceRef: string | null;
    until: string | null;
  };
  FlagLifted: { uscc: string; flagId: string; reason: string };

  AwardGranted: {
    programmeId: string;
    uscc: string;
    year: number;
    applicationId: string;
    spend: Amount;
    award: Amount;
    spendAfter: Amount;
    awardedAfter: Amount;
  };
  AwardWithdrawn: {
    programmeId: string;
    uscc: string;
    year: number;
    applicationId: string;
    spend: Amount;
    award: Amount;
    spendAfter: Amount;
    awardedAfter: Amount;
  };
  EnterpriseHeadroomRestored: {
    programmeId: string;
    uscc: string;
    year: number;
    applicationId: string;
    amount: Amount;
    spendAfter: Amount;
    awardedAfter: Amount;
  };

  InvoiceClaimed: { invoiceNumber: string; applicationId: string; uscc: string };
  InvoiceReleased: { invoiceNumber: string; applicationId: string; reason: string };

  MatterFunded: { uscc: string; matterKey: string; applicationId: string; programmeId: string; entitlement: Amount; award: Amount };
  MatterReleased: { uscc: string; matterKey: string; applicationId: string; programmeId: string; award: Amount };

  ApplicationSubmitted: {
    applicationId: string;
    programmeId: string;
    programmeVersion: number;
    uscc: string;
    fiscalYear: number;
    matterKey: string | null;
    level: string | null;
    approvalRef: string | null;
    items: ApplicationItem[];
    claimedTotal: Amount;
  };
  StageReviewed: { applicationId: string; stage: string; recognizedAmount: Amount | null; reason: string | null; final: boolean };
  ApplicationRejected: { applicationId: string; stage: string | null; reason: string; objectionId: string | null };
  ApplicationWithdrawn: { applicationId: string; reason: string };
  ApplicationNoticed: { applicationId: string; noticeId: string; opensOn: string; endsOn: string };
  AwardApproved: {
    applicationId: string;
    decisionRef: string;
    base: Amount;
    entitlement: Amount;
    award: Amount;
    caseByCaseJustification: string | null;
    matterReduction: Amount;
  };
  AwardRevoked: { applicationId: string; award: Amount; reason: string };
  DisbursementRecorded: { applicationId: string; disbursementId: string; amount: Amount; paymentRef: string; paidOn: string };
  DisbursementConfirmed: { applicationId: string; disbursementId: string; amount: Amount };
  /** The checker refused the maker's record: nothing was paid, and the amount no longer counts against the award. */
  DisbursementRejected: { applicationId: string; disbursementId: string; amount: Amount; reason: string };
  ClawbackOrdered: { applicationId: string; clawbackId: string; amount: Amount; reason: string; fraud: boolean };
  RecoveryRecorded: { applicationId: string; clawbackId: string; amount: Amount; receivedOn: string; receiptRef: string };
  ClawbackWrittenOff: { applicationId: string; clawbackId: string; amount: Amount; reason: string };

  NoticeOpened: { noticeId: string; programmeId: string; applicationIds: string[]; opensOn: string; endsOn: string };
  ObjectionFiled: { noticeId: string; objectionId: string; applicationId: string; summary: string };
  ObjectionResolved: { noticeId: string; objectionId: string; applicationId: string; outcome: 'upheld' | 'dismissed'; reason: string };

  DisbursementIndexed: { disbursementId: string; applicationId: string };
  ClawbackIndexed: { clawbackId: string; applicationId: string };
  PaymentReferenceUsed: { paymentRef: string; applicationId: string; disbursementId: string };

  CommandProcessed: { commandType: string; requestHash: string; result: { [key: string]: unknown } };
}

export type EventType = keyof DomainEvents;

/** An event a decision wants written: the runner adds id, schema version and metadata. */
export interface DraftEvent<T extends EventType = EventType> {
  readonly type: T;
  readonly data: DomainEvents[T];
}

export function draft<T extends EventType>(type: T, data: DomainEvents[T]): DraftEvent<T> {
  return { type, data };
}

/** Event types whose data shape changed: their current schema version. Every other type is at 1. */
const schemaVersionsChanged: Partial<Record<EventType, number>> = {};

export function schemaVersionOf(type: EventType): number {
  return schemaVersionsChanged[type] ?? 1;
}

/** An event as read back, typed by its `type`. */
export type ReadEvent = { [T in EventType]: { type: T; data: DomainEvents[T]; actorId: string; recordedAt: string } }[EventType];
