// The state of each kind of stream, folded from its events. Pure: no clock, no I/O.
import { Money } from '../shared/money.js';
import type { CalendarDate } from '../shared/time.js';
import type { ApplicationItem, ReadEvent } from './events.js';

// ---- running totals: the last event of the stream carries them, so one event is read, not all.

export interface BudgetState {
  readonly allocated: Money;
  readonly committed: Money;
}

export function budgetStateOf(last: ReadEvent | undefined): BudgetState {
  switch (last?.type) {
    case undefined:
      return { allocated: Money.zero, committed: Money.zero };
    case 'BudgetAllocated':
    case 'AwardCommitted':
    case 'AwardReleased':
    case 'HeadroomRestored':
      return { allocated: Money.of(last.data.budgetAfter), committed: Money.of(last.data.committedAfter) };
    default:
      throw new Error(`unexpected ${last?.type} in a budget stream`);
  }
}

export interface EnterpriseYearState {
  readonly spend: Money;
  readonly awarded: Money;
}

export function enterpriseYearStateOf(last: ReadEvent | undefined): EnterpriseYearState {
  switch (last?.type) {
    case undefined:
      return { spend: Money.zero, awarded: Money.zero };
    case 'AwardGranted':
    case 'AwardWithdrawn':
    case 'EnterpriseHeadroomRestored':
      return { spend: Money.of(last.data.spendAfter), awarded: Money.of(last.data.awardedAfter) };
    default:
      throw new Error(`unexpected ${last?.type} in an enterprise-year stream`);
  }
}

/** The application an invoice currently backs, if any. */
export function invoiceHolderOf(last: ReadEvent | undefined): string | null {
  switch (last?.type) {
    case undefined:
    case 'InvoiceReleased':
      return null;
    case 'InvoiceClaimed':
      return last.data.applicationId;
    default:
      throw new Error(`unexpected ${last?.type} in an invoice stream`);
  }
}

// ---- folded streams

export interface Flag {
  readonly flagId: string;
  readonly list: string;
  readonly source: string;
  readonly since: CalendarDate;
  readonly until: CalendarDate | null;
}

export interface EnterpriseState {
  readonly registered: boolean;
  readonly uscc: string;
  readonly name: string;
  readonly city: string;
  readonly district: string | null;
  readonly tags: readonly string[];
  readonly flags: ReadonlyMap<string, Flag>;
}

export const noEnterprise: EnterpriseState = { registered: false, uscc: '', name: '', city: '', district: null, tags: [], flags: new Map() };

export function evolveEnterprise(state: EnterpriseState, event: ReadEvent): EnterpriseState {
  switch (event.type) {
    case 'EnterpriseRegistered':
      return { ...state, registered: true, uscc: event.data.uscc, name: event.data.name, city: event.data.city, district: event.data.district, tags: event.data.tags };
    case 'FlagRaised': {
      const flags = new Map(state.flags);
      flags.set(event.data.flagId, { flagId: event.data.flagId, list: event.data.list, source: event.data.source, since: event.data.since, until: event.data.until });
      return { ...state, flags };
    }
    case 'FlagLifted': {
      const flags = new Map(state.flags);
      flags.delete(event.data.flagId);
      return { ...state, flags };
    }
    default:
      throw new Error(`unexpected ${event.type} in an enterprise stream`);
  }
}

/** A major safety accident bars an enterprise for three years from the accident (Wuhan art. 4). */
export const safetyAccidentBarYears = 3;

/** Flags in force on a date: not lifted, started, not past their end, and a safety accident less than three years old. */
export function flagsInForce(state: EnterpriseState, today: CalendarDate): Flag[] {
  return [...state.flags.values()].filter((flag) => {
    if (flag.since > today) return false;
    if (flag.until !== null && today > flag.until) return false;
    if (flag.list === 'major-safety-accident') {
      const barEnds = `${Number(flag.since.slice(0, 4)) + safetyAccidentBarYears}${flag.since.slice(4)}`;
      return today < barEnds;
    }
    return true;
  });
}

export type ApplicationStatus = 'submitted' | 'in_review' | 'reviewed' | 'in_notice' | 'approved' | 'rejected' | 'withdrawn' | 'revoked';

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
}

export interface ApplicationState {
  readonly exists: boolean;
  readonly applicationId: string;
  readonly status: ApplicationStatus;
  readonly programmeId: string;
  readonly programmeVersion: number;
  readonly uscc: string;
  readonly fiscalYear: number;
  readonly matterKey: string | null;
  readonly level: string | null;
  readonly approvalRef: string | null;
  readonly items: readonly ApplicationItem[];
  readonly claimedTotal: Money;
  /** The latest recognized amount a review set; null: the claimed total is the base. */
  readonly recognized: Money | null;
  readonly stagesPassed: readonly string[];
  readonly lastReviewer: string | null;
  readonly noticeId: string | null;
  readonly noticeEndsOn: CalendarDate | null;
  readonly entitlement: Money;
  readonly award: Money;
  readonly approvedBy: string | null;
  readonly disbursements: ReadonlyMap<string, Disbursement>;
  readonly clawbacks: ReadonlyMap<string, Clawback>;
}

export const noApplication: ApplicationState = {
  exists: false,
  applicationId: '',
  status: 'submitted',
  programmeId: '',
  programmeVersion: 0,
  uscc: '',
  fiscalYear: 0,
  matterKey: null,
  level: null,
  approvalRef: null,
  items: [],
  claimedTotal: Money.zero,
  recognized: null,
  stagesPassed: [],
  lastReviewer: null,
  noticeId: null,
  noticeEndsOn: null,
  entitlement: Money.zero,
  award: Money.zero,
  approvedBy: null,
  disbursements: new Map(),
  clawbacks: new Map(),
};

export function evolveApplication(state: ApplicationState, event: ReadEvent): ApplicationState {
  switch (event.type) {
    case 'ApplicationSubmitted': {
      const d = event.data;
      return {
        ...noApplication,
        exists: true,
        applicationId: d.applicationId,
        status: 'submitted',
        programmeId: d.programmeId,
        programmeVersion: d.programmeVersion,
        uscc: d.uscc,
        fiscalYear: d.fiscalYear,
        matterKey: d.matterKey,
        level: d.level,
        approvalRef: d.approvalRef,
        items: d.items,
        claimedTotal: Money.of(d.claimedTotal),
      };
    }
    case 'StageReviewed':
      return {
        ...state,
        status: event.data.final ? 'reviewed' : 'in_review',
        stagesPassed: [...state.stagesPassed, event.data.stage],
        recognized: event.data.recognizedAmount === null ? state.recognized : Money.of(event.data.recognizedAmount),
        lastReviewer: event.actorId,
      };
    case 'ApplicationRejected':
      return { ...state, status: 'rejected', lastReviewer: event.data.stage === null ? state.lastReviewer : event.actorId };
    case 'ApplicationWithdrawn':
      return { ...state, status: 'withdrawn' };
    case 'ApplicationNoticed':
      return { ...state, status: 'in_notice', noticeId: event.data.noticeId, noticeEndsOn: event.data.endsOn };
    case 'AwardApproved':
      return { ...state, status: 'approved', entitlement: Money.of(event.data.entitlement), award: Money.of(event.data.award), approvedBy: event.actorId };
    case 'AwardRevoked':
      return { ...state, status: 'revoked' };
    case 'DisbursementRecorded': {
      const disbursements = new Map(state.disbursements);
      const d = event.data;
      disbursements.set(d.disbursementId, { disbursementId: d.disbursementId, amount: Money.of(d.amount), paymentRef: d.paymentRef, recordedBy: event.actorId, confirmedBy: null });
      return { ...state, disbursements };
    }
    case 'DisbursementConfirmed': {
      const disbursements = new Map(state.disbursements);
      const current = disbursements.get(event.data.disbursementId);
      if (current === undefined) throw new Error(`confirmation of unknown disbursement ${event.data.disbursementId}`);
      disbursements.set(current.disbursementId, { ...current, confirmedBy: event.actorId });
      return { ...state, disbursements };
    }
    case 'DisbursementRejected': {
      const disbursements = new Map(state.disbursements);
      disbursements.delete(event.data.disbursementId);
      return { ...state, disbursements };
    }
    case 'ClawbackOrdered': {
      const clawbacks = new Map(state.clawbacks);
      clawbacks.set(event.data.clawbackId, { clawbackId: event.data.clawbackId, amount: Money.of(event.data.amount), recovered: Money.zero, writtenOff: Money.zero });
      return { ...state, clawbacks };
    }
    case 'RecoveryRecorded':
    case 'ClawbackWrittenOff': {
      const clawbacks = new Map(state.clawbacks);
      const current = clawbacks.get(event.data.clawbackId);
      if (current === undefined) throw new Error(`recovery of unknown clawback ${event.data.clawbackId}`);
      const amount = Money.of(event.data.amount);
      clawbacks.set(
        current.clawbackId,
        event.type === 'RecoveryRecorded' ? { ...current, recovered: current.recovered.plus(amount) } : { ...current, writtenOff: current.writtenOff.plus(amount) },
      );
      return { ...state, clawbacks };
    }
    default:
      throw new Error(`unexpected ${event.type} in an application stream`);
  }
}

/** The amount awards are computed on: the latest recognized amount, or the claimed total. */
export function awardBaseOf(application: ApplicationState): Money {
  return application.recognized ?? application.claimedTotal;
}

export function paidOf(application: ApplicationState): Money {
  return Money.sum([...application.disbursements.values()].filter((d) => d.confirmedBy !== null).map((d) => d.amount));
}

export function disbursedOrPendingOf(application: ApplicationState): Money {
  return Money.sum([...application.disbursements.values()].map((d) => d.amount));
}

export function clawbackOrderedOf(application: ApplicationState): Money {
  return Money.sum([...application.clawbacks.values()].map((c) => c.amount));
}

export function recoveredOf(application: ApplicationState): Money {
  return Money.sum([...application.clawbacks.values()].map((c) => c.recovered));
}

export interface Objection {
  readonly objectionId: string;
  readonly applicationId: string;
  readonly outcome: 'upheld' | 'dismissed' | null;
}

export interface NoticeState {
  readonly exists: boolean;
  readonly noticeId: string;
  readonly programmeId: string;
  readonly applicationIds: readonly string[];
  readonly opensOn: CalendarDate;
  readonly endsOn: CalendarDate;
  readonly objections: ReadonlyMap<string, Objection>;
}

export const noNotice: NoticeState = { exists: false, noticeId: '', programmeId: '', applicationIds: [], opensOn: '', endsOn: '', objections: new Map() };

export function evolveNotice(state: NoticeState, event: ReadEvent): NoticeState {
  switch (event.type) {
    case 'NoticeOpened':
      return { ...state, exists: true, noticeId: event.data.noticeId, programmeId: event.data.programmeId, applicationIds: event.data.applicationIds, opensOn: event.data.opensOn, endsOn: event.data.endsOn };
    case 'ObjectionFiled': {
      const objections = new Map(state.objections);
      objections.set(event.data.objectionId, { objectionId: event.data.objectionId, applicationId: event.data.applicationId, outcome: null });
      return { ...state, objections };
    }
    case 'ObjectionResolved': {
      const objections = new Map(state.objections);
      const current = objections.get(event.data.objectionId);
      if (current === undefined) throw new Error(`resolution of unknown objection ${event.data.objectionId}`);
      objections.set(current.objectionId, { ...current, outcome: event.data.outcome });
      return { ...state, objections };
    }
    default:
      throw new Error(`unexpected ${event.type} in a notice stream`);
  }
}

/** The notice is over once its last day has passed in Shanghai. */
export function noticeHasEnded(notice: { endsOn: CalendarDate }, today: CalendarDate): boolean {
  return today > notice.endsOn;
}

export interface MatterFunding {
  readonly applicationId: string;
  readonly programmeId: string;
  readonly entitlement: Money;
  readonly award: Money;
}

export function evolveMatter(state: ReadonlyMap<string, MatterFunding>, event: ReadEvent): ReadonlyMap<string, MatterFunding> {
  const next = new Map(state);
  switch (event.type) {
    case 'MatterFunded':
      next.set(event.data.applicationId, { applicationId: event.data.applicationId, programmeId: event.data.programmeId, entitlement: Money.of(event.data.entitlement), award: Money.of(event.data.award) });
      return next;
    case 'MatterReleased':
      next.delete(event.data.applicationId);
      return next;
    default:
      throw new Error(`unexpected ${event.type} in a matter stream`);
  }
}
