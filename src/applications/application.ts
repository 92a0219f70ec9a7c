// An application's state, folded from its stream: a union on `status`, so that each step's data
// exists only once the step has happened. Pure: no clock, no I/O.
import { assert, assertNever } from '../shared/assert.js';
import type { Recorded } from '../shared/event.js';
import { Money } from '../shared/money.js';
import { shanghaiDateOf, type CalendarDate } from '../shared/time.js';
import type { StreamKind } from '../shared/stream-kind.js';
import type { ApplicationEvent, ApplicationItem, ApplicationRecognition, InvoiceEvent } from './events.js';

export interface Submission {
  readonly applicationId: string;
  readonly programmeId: string;
  readonly programmeVersion: number;
  readonly uscc: string;
  readonly fiscalYear: number;
  readonly matterKey: string | null;
  readonly level: string | null;
  readonly approvalRef: string | null;
  readonly items: readonly ApplicationItem[];
  readonly claimedTotal: Money;
  readonly recognition: ApplicationRecognition | null;
}

export interface Review {
  /** The latest recognized amount a review set; null: the claimed total is the base. */
  readonly recognized: Money | null;
  readonly stagesPassed: readonly string[];
  readonly lastReviewer: string | null;
}

export interface NoticeRef {
  readonly noticeId: string;
  readonly endsOn: CalendarDate;
  /** The review stage the notice follows; null: recorded before notice stages (it followed the last). */
  readonly afterStage: string | null;
  /** The proposed award it listed (拟奖励金额); null where it listed none. */
  readonly proposedAward: Money | null;
}

export interface Disbursement {
  readonly disbursementId: string;
  readonly amount: Money;
  readonly paymentRef: string;
  readonly recordedBy: string;
  readonly confirmedBy: string | null;
}

export interface Clawback {
  readonly clawbackId: string;
  readonly amount: Money;
  readonly recovered: Money;
  readonly writtenOff: Money;
  /** The Asia/Shanghai day it was ordered: receipts are dated from it. */
  readonly orderedOn: CalendarDate;
  readonly disqualifiesSpend: boolean;
  /** Ordered by a correction (not by an approver): it takes the excess out of the pool's awards. */
  readonly correction: boolean;
  /** Ordered for fraud (骗取): the case may be referred to the judicial organs. */
  readonly fraud: boolean;
  readonly referral: Referral | null;
}

/** A fraud's referral to the judicial organs (Wuhan art. 12), and their decision once known. */
export interface Referral {
  readonly referredOn: CalendarDate;
  readonly reference: string;
  readonly authority: string;
  readonly outcome: { readonly outcome: string; readonly decidedOn: CalendarDate; readonly reference: string } | null;
}

export interface AwardState {
  readonly entitlement: Money;
  /** The award as it stands: approved, less what corrections reduced. */
  readonly award: Money;
  readonly caseByCase: boolean;
  readonly approvedBy: string;
  /** The Asia/Shanghai day of the approval: payments are dated from it. */
  readonly approvedOn: CalendarDate;
  readonly disbursements: ReadonlyMap<string, Disbursement>;
  readonly clawbacks: ReadonlyMap<string, Clawback>;
}

interface Live {
  readonly submission: Submission;
  readonly review: Review;
  /** Every public notice the application was put on, in order (a later one of a stage supersedes). */
  readonly notices: readonly NoticeRef[];
}

export type Application =
  | { readonly status: 'none' }
  | (Live & { readonly status: 'submitted' | 'in_review' | 'reviewed' })
  | (Live & { readonly status: 'in_notice'; readonly notice: NoticeRef })
  | (Live & { readonly status: 'approved'; readonly notice: NoticeRef; readonly award: AwardState })
  | (Live & { readonly status: 'revoked'; readonly notice: NoticeRef; readonly award: AwardState })
  | (Live & { readonly status: 'rejected' | 'withdrawn'; readonly notice: NoticeRef | null });

export type ApplicationStatus = Application['status'];
export type LiveApplication = Exclude<Application, { status: 'none' }>;
export type AwardedApplication = Extract<Application, { status: 'approved' | 'revoked' }>;

export const noApplication: Application = { status: 'none' };

function live(state: Application, event: ApplicationEvent): LiveApplication {
  assert(state.status !== 'none', `${event.type} before the application was submitted`);
  return state;
}

function awarded(state: Application, event: ApplicationEvent): Extract<Application, { status: 'approved' }> {
  assert(state.status === 'approved', `${event.type} on an application that is ${state.status}`);
  return state;
}

function noticeOf(state: LiveApplication): NoticeRef | null {
  return 'notice' in state ? state.notice : null;
}

export function evolveApplication(state: Application, event: Recorded<ApplicationEvent>): Application {
  switch (event.type) {
    case 'ApplicationSubmitted': {
      const d = event.data;
      return {
        status: 'submitted',
        submission: {
          applicationId: d.applicationId,
          programmeId: d.programmeId,
          programmeVersion: d.programmeVersion,
          uscc: d.uscc,
          fiscalYear: d.fiscalYear,
          matterKey: d.matterKey,
          level: d.level,
          approvalRef: d.approvalRef,
          items: d.items,
          claimedTotal: Money.of(d.claimedTotal),
          recognition: d.recognition,
        },
        review: { recognized: null, stagesPassed: [], lastReviewer: null },
        notices: [],
      };
    }
    case 'StageReviewed': {
      const s = live(state, event);
      const review: Review = {
        stagesPassed: [...s.review.stagesPassed, event.data.stage],
        recognized: event.data.recognizedAmount === null ? s.review.recognized : Money.of(event.data.recognizedAmount),
        lastReviewer: event.actorId,
      };
      return { status: event.data.final ? 'reviewed' : 'in_review', submission: s.submission, review, notices: s.notices };
    }
    case 'ApplicationRejected': {
      const s = live(state, event);
      const review = event.data.stage === null ? s.review : { ...s.review, lastReviewer: event.actorId };
      return { status: 'rejected', submission: s.submission, review, notices: s.notices, notice: noticeOf(s) };
    }
    case 'ApplicationWithdrawn': {
      const s = live(state, event);
      return { status: 'withdrawn', submission: s.submission, review: s.review, notices: s.notices, notice: noticeOf(s) };
    }
    case 'ApplicationNoticed': {
      const s = live(state, event);
      const d = event.data;
      const notice: NoticeRef = {
        noticeId: d.noticeId,
        endsOn: d.endsOn,
        afterStage: d.afterStage,
        proposedAward: d.proposedAward === null ? null : Money.of(d.proposedAward),
      };
      return { status: 'in_notice', submission: s.submission, review: s.review, notices: [...s.notices, notice], notice };
    }
    case 'AwardApproved': {
      const s = live(state, event);
      assert(s.status === 'in_notice', `AwardApproved on an application that is ${s.status}`);
      const award: AwardState = {
        entitlement: Money.of(event.data.entitlement),
        award: Money.of(event.data.award),
        caseByCase: event.data.caseByCaseJustification !== null,
        approvedBy: event.actorId,
        approvedOn: shanghaiDateOf(event.recordedAt),
        disbursements: new Map(),
        clawbacks: new Map(),
      };
      return { status: 'approved', submission: s.submission, review: s.review, notices: s.notices, notice: s.notice, award };
    }
    case 'AwardRevoked': {
      const s = awarded(state, event);
      return { ...s, status: 'revoked' };
    }
    case 'AwardReduced': {
      const s = awarded(state, event);
      return { ...s, award: { ...s.award, award: Money.of(event.data.awardAfter) } };
    }
    case 'DisbursementRecorded': {
      const s = awarded(state, event);
      const d = event.data;
      const disbursements = new Map(s.award.disbursements);
      disbursements.set(d.disbursementId, { disbursementId: d.disbursementId, amount: Money.of(d.amount), paymentRef: d.paymentRef, recordedBy: event.actorId, confirmedBy: null });
      return { ...s, award: { ...s.award, disbursements } };
    }
    case 'DisbursementConfirmed': {
      const s = awarded(state, event);
      const disbursements = new Map(s.award.disbursements);
      const current = disbursements.get(event.data.disbursementId);
      assert(current !== undefined, `confirmation of unknown disbursement ${event.data.disbursementId}`);
      disbursements.set(current.disbursementId, { ...current, confirmedBy: event.actorId });
      return { ...s, award: { ...s.award, disbursements } };
    }
    case 'DisbursementRejected': {
      const s = awarded(state, event);
      const disbursements = new Map(s.award.disbursements);
      disbursements.delete(event.data.disbursementId);
      return { ...s, award: { ...s.award, disbursements } };
    }
    case 'ClawbackOrdered': {
      const s = awarded(state, event);
      const clawbacks = new Map(s.award.clawbacks);
      const d = event.data;
      clawbacks.set(d.clawbackId, {
        clawbackId: d.clawbackId,
        amount: Money.of(d.amount),
        recovered: Money.zero,
        writtenOff: Money.zero,
        orderedOn: shanghaiDateOf(event.recordedAt),
        disqualifiesSpend: d.disqualifiesSpend,
        correction: d.cause !== null,
        fraud: d.fraud,
        referral: null,
      });
      return { ...s, award: { ...s.award, clawbacks } };
    }
    case 'FraudReferred':
    case 'FraudReferralConcluded': {
      assert(state.status === 'approved' || state.status === 'revoked', `${event.type} on an application that is ${state.status}`);
      const clawbacks = new Map(state.award.clawbacks);
      const current = clawbacks.get(event.data.clawbackId);
      assert(current !== undefined, `referral of unknown clawback ${event.data.clawbackId}`);
      if (event.type === 'FraudReferred') {
        const d = event.data;
        clawbacks.set(current.clawbackId, { ...current, referral: { referredOn: d.referredOn, reference: d.reference, authority: d.authority, outcome: null } });
      } else {
        assert(current.referral !== null, `an outcome of clawback ${current.clawbackId}, which was never referred`);
        const d = event.data;
        clawbacks.set(current.clawbackId, { ...current, referral: { ...current.referral, outcome: { outcome: d.outcome, decidedOn: d.decidedOn, reference: d.reference } } });
      }
      return { ...state, award: { ...state.award, clawbacks } };
    }
    case 'RecoveryRecorded':
    case 'ClawbackWrittenOff': {
      const s = awarded(state, event);
      const clawbacks = new Map(s.award.clawbacks);
      const current = clawbacks.get(event.data.clawbackId);
      assert(current !== undefined, `recovery of unknown clawback ${event.data.clawbackId}`);
      const amount = Money.of(event.data.amount);
      clawbacks.set(
        current.clawbackId,
        event.type === 'RecoveryRecorded' ? { ...current, recovered: current.recovered.plus(amount) } : { ...current, writtenOff: current.writtenOff.plus(amount) },
      );
      return { ...s, award: { ...s.award, clawbacks } };
    }
    default:
      return assertNever(event, 'unknown event in an application stream');
  }
}

export const applicationStream: StreamKind<Application, ApplicationEvent> = {
  name: 'application',
  types: [
    'ApplicationSubmitted',
    'StageReviewed',
    'ApplicationRejected',
    'ApplicationWithdrawn',
    'ApplicationNoticed',
    'AwardApproved',
    'AwardRevoked',
    'AwardReduced',
    'DisbursementRecorded',
    'DisbursementConfirmed',
    'DisbursementRejected',
    'ClawbackOrdered',
    'RecoveryRecorded',
    'ClawbackWrittenOff',
    'FraudReferred',
    'FraudReferralConcluded',
  ],
  initial: noApplication,
  evolve: evolveApplication,
  lastEventSuffices: false,
};

/** The amount awards are computed on: the latest recognized amount, or the claimed total. */
export function awardBaseOf(application: LiveApplication): Money {
  return application.review.recognized ?? application.submission.claimedTotal;
}

export function paidOf(award: AwardState): Money {
  return Money.sum([...award.disbursements.values()].filter((d) => d.confirmedBy !== null).map((d) => d.amount));
}

export function disbursedOrPendingOf(award: AwardState): Money {
  return Money.sum([...award.disbursements.values()].map((d) => d.amount));
}

export function clawbackOrderedOf(award: AwardState): Money {
  return Money.sum([...award.clawbacks.values()].map((c) => c.amount));
}

/** What clawbacks still have to bring back: ordered, less recovered and written off. */
export function clawbackOutstandingOf(award: AwardState): Money {
  return Money.sum([...award.clawbacks.values()].map((c) => c.amount.minus(c.recovered).minus(c.writtenOff)));
}

/** The part of the award no disbursement has been recorded against (confirmed or not). */
export function undisbursedOf(award: AwardState): Money {
  return award.award.minus(disbursedOrPendingOf(award)).max(Money.zero);
}

export function recoveredOf(award: AwardState): Money {
  return Money.sum([...award.clawbacks.values()].map((c) => c.recovered));
}

/** The application an invoice currently backs, if any, and its enterprise. */
export type InvoiceHolder = { readonly status: 'free' } | { readonly status: 'claimed'; readonly applicationId: string; readonly uscc: string };

export function evolveInvoice(_state: InvoiceHolder, event: Recorded<InvoiceEvent>): InvoiceHolder {
  switch (event.type) {
    case 'InvoiceClaimed':
      return { status: 'claimed', applicationId: event.data.applicationId, uscc: event.data.uscc };
    case 'InvoiceReleased':
      return { status: 'free' };
    default:
      return assertNever(event, 'unknown event in an invoice stream');
  }
}

export const invoiceStream: StreamKind<InvoiceHolder, InvoiceEvent> = {
  name: 'invoice',
  types: ['InvoiceClaimed', 'InvoiceReleased'],
  initial: { status: 'free' },
  evolve: evolveInvoice,
  lastEventSuffices: true,
};

/** A stream that names the application something belongs to (a disbursement, a clawback). */
export type ApplicationIndex = { readonly status: 'none' } | { readonly status: 'indexed'; readonly applicationId: string };

/** The kind of an index stream: one event type, whose data names the application. */
export function applicationIndexKind<E extends { readonly type: string; readonly data: { readonly applicationId: string } }>(
  name: string,
  type: E['type'],
): StreamKind<ApplicationIndex, E> {
  return {
    name,
    types: [type],
    initial: { status: 'none' },
    evolve: (_state, event) => ({ status: 'indexed', applicationId: event.data.applicationId }),
    lastEventSuffices: true,
  };
}
