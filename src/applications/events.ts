// The events of an application's stream and of the invoice streams that keep an invoice behind one
// live application. Every step of an application, whoever decides it, is recorded on its stream.
import type { Amount, EventOf } from '../shared/event.js';
import type { CorrectionCause } from '../awards/events.js';

/** An invoice as the tax system identifies it: the 20-digit 全电发票 number, or a 发票代码 with its 号码. */
export interface ApplicationItem {
  readonly invoiceNumber: string;
  /** 发票代码 of an older invoice; null for a 全电发票 (and for every item recorded before version 2). */
  readonly invoiceCode: string | null;
  readonly invoiceDate: string;
  readonly amount: Amount;
  readonly category: string | null;
}

/**
 * The recognition a recognition award (Baoding measures 4 and 5: platforms, standards) is applied for
 * with, instead of invoices: the recognizing document, who issued it, and when.
 */
export interface ApplicationRecognition {
  readonly documentRef: string;
  readonly issuer: string;
  readonly issuedOn: string;
}

/** Version 1 of an item: no invoice code. Kept so that stored events are read. */
export type ApplicationItemV1 = Omit<ApplicationItem, 'invoiceCode'>;

export interface ApplicationEvents {
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
    /** The recognition of a recognition award (then `items` is empty); null for an application on invoices. */
    recognition: ApplicationRecognition | null;
  };
  StageReviewed: { applicationId: string; stage: string; recognizedAmount: Amount | null; reason: string | null; final: boolean };
  /** `stage` null: rejected by an upheld objection (`objectionId`), not by a review. */
  ApplicationRejected: { applicationId: string; stage: string | null; reason: string; objectionId: string | null };
  ApplicationWithdrawn: { applicationId: string; reason: string };
  /**
   * `afterStage`: the review stage the notice follows (null: recorded before notice stages, the last);
   * `proposedAward`: the amount it listed (null where it lists none).
   */
  ApplicationNoticed: { applicationId: string; noticeId: string; opensOn: string; endsOn: string; afterStage: string | null; proposedAward: Amount | null };
  /**
   * `decisionRef`: the recorded decision cited (a free-text reference before decisions were recorded);
   * `decidedAmount` and `noticedAmount`: what it approved and what the notice listed (null: not recorded).
   */
  AwardApproved: {
    applicationId: string;
    decisionRef: string;
    decidedAmount: Amount | null;
    noticedAmount: Amount | null;
    base: Amount;
    entitlement: Amount;
    award: Amount;
    caseByCaseJustification: string | null;
    matterReduction: Amount;
    /** The programme version the approval used (the one in force that day); null: approved before it was kept, under the version of the submission. */
    programmeVersion: number | null;
  };
  AwardRevoked: { applicationId: string; award: Amount; reason: string };
  /**
   * A correction lowered the undisbursed part of the award (its budget is released): another award of
   * the pool was revoked or its spend disqualified (`causeApplicationId`, `causeClawbackId`), or this
   * application's own spend was disqualified.
   */
  AwardReduced: {
    applicationId: string;
    amount: Amount;
    awardAfter: Amount;
    cause: CorrectionCause;
    causeApplicationId: string;
    causeClawbackId: string | null;
  };
  DisbursementRecorded: { applicationId: string; disbursementId: string; amount: Amount; paymentRef: string; paidOn: string };
  DisbursementConfirmed: { applicationId: string; disbursementId: string; amount: Amount };
  /** The checker refused the maker's record: nothing was paid, and the amount no longer counts against the award. */
  DisbursementRejected: { applicationId: string; disbursementId: string; amount: Amount; reason: string };
  /**
   * `disqualifiesSpend`: the application's spend no longer counts (false invoices, fraud), and its pool
   * is recomputed. `cause` set: ordered by a correction, not by an approver, for the excess already
   * paid over what the pool now allows.
   */
  ClawbackOrdered: {
    applicationId: string;
    clawbackId: string;
    amount: Amount;
    reason: string;
    fraud: boolean;
    disqualifiesSpend: boolean;
    cause: CorrectionCause | null;
    causeApplicationId: string | null;
    causeClawbackId: string | null;
  };
  RecoveryRecorded: { applicationId: string; clawbackId: string; amount: Amount; receivedOn: string; receiptRef: string };
  /** A fraud clawback's case referred to the judicial organs (Wuhan art. 12: 移送司法机关): when, their reference, to whom. */
  FraudReferred: { applicationId: string; clawbackId: string; uscc: string; referredOn: string; reference: string; authority: string };
  /** What the judicial organs decided on a referral, once known: one of `referralOutcomes`, its date and reference. */
  FraudReferralConcluded: { applicationId: string; clawbackId: string; outcome: string; decidedOn: string; reference: string; summary: string | null };
  ClawbackWrittenOff: { applicationId: string; clawbackId: string; amount: Amount; reason: string };
}

export type ApplicationEvent = EventOf<ApplicationEvents>;

/** Version 2 of ApplicationSubmitted: before recognition awards, every application was on invoices. */
export type ApplicationSubmittedV2 = Omit<ApplicationEvents['ApplicationSubmitted'], 'recognition'>;

/** Version 1 of AwardApproved: the programme version used was not recorded. */
export type AwardApprovedV1 = Omit<ApplicationEvents['AwardApproved'], 'programmeVersion' | 'decidedAmount' | 'noticedAmount'>;

/** Version 1 of ClawbackOrdered: every order was an approver's, none disqualified the spend. */
export type ClawbackOrderedV1 = Pick<ApplicationEvents['ClawbackOrdered'], 'applicationId' | 'clawbackId' | 'amount' | 'reason' | 'fraud'>;

/**
 * The events of an invoice's stream, named by the invoice's identity (`invoiceIdentity`): the
 * 20-digit number, or the 发票代码 and the 8-digit 号码. `invoiceCode` null: a 全电发票, or a claim
 * recorded before codes were kept (version 1, on a stream named by the number alone).
 */
export interface InvoiceEvents {
  InvoiceClaimed: { invoiceNumber: string; invoiceCode: string | null; applicationId: string; uscc: string };
  InvoiceReleased: { invoiceNumber: string; invoiceCode: string | null; applicationId: string; reason: string };
}

/** Version 1 of the invoice events: no code. Kept so that stored events are read. */
export type InvoiceClaimedV1 = Omit<InvoiceEvents['InvoiceClaimed'], 'invoiceCode'>;
export type InvoiceReleasedV1 = Omit<InvoiceEvents['InvoiceReleased'], 'invoiceCode'>;

export type InvoiceEvent = EventOf<InvoiceEvents>;
