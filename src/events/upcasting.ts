// Reading an event is parsing it: the stored schema version is checked, older shapes are upcast to
// the current one step by step, and the result is checked field by field against the current shape.
// An event that fails is a programmer error (or a tampered store): it stops the reader.
import { AssertionError, defined } from '../shared/assert.js';
import type {
  ApplicationEvents,
  ApplicationItemV1,
  ApplicationSubmittedV2,
  AwardApprovedV1,
  ClawbackOrderedV1,
  InvoiceClaimedV1,
  InvoiceReleasedV1,
} from '../applications/events.js';
import type { AwardGrantedV1 } from '../awards/events.js';
import type { NoticeOpenedV1, ObjectionFiledV1 } from '../notices/events.js';
import type { EnterpriseRegisteredV1 } from '../enterprises/events.js';
import type { ProgrammePublishedV2 } from '../programmes/events.js';
import type { EventType, LedgerEvents, ReadEvent } from './catalog.js';

type FieldKind = 'string' | 'string?' | 'number' | 'number?' | 'boolean' | 'list' | 'object' | 'object?' | 'outcome';
type Shape<D> = { readonly [K in keyof D]-?: FieldKind };

/** What a correction of one application's place in a pool carries, on an enterprise-year or a project stream. */
const correctionShape = {
  applicationId: 'string',
  spendRemoved: 'string',
  awardRemoved: 'string',
  cause: 'string',
  causeApplicationId: 'string',
  causeClawbackId: 'string?',
  spendAfter: 'string',
  awardedAfter: 'string',
} as const;

/** The current shape of every event type's data: the compiler insists each lists every field, and no other. */
export const eventShapes: { readonly [T in EventType]: Shape<LedgerEvents[T]> } = {
  ProgrammePublished: { definition: 'object', effectiveOn: 'string' },
  HolidayYearPublished: { year: 'number', holidays: 'list', workdays: 'list', source: 'string' },
  BudgetAllocated: { programmeId: 'string', year: 'number', amount: 'string', budgetAfter: 'string', committedAfter: 'string' },
  AwardCommitted: { programmeId: 'string', year: 'number', applicationId: 'string', amount: 'string', budgetAfter: 'string', committedAfter: 'string' },
  AwardReleased: { programmeId: 'string', year: 'number', applicationId: 'string', amount: 'string', budgetAfter: 'string', committedAfter: 'string' },
  HeadroomRestored: { programmeId: 'string', year: 'number', applicationId: 'string', amount: 'string', budgetAfter: 'string', committedAfter: 'string' },
  EnterpriseRegistered: {
    uscc: 'string',
    name: 'string',
    city: 'string',
    district: 'string?',
    tags: 'list',
    usccCheckOverrideReason: 'string?',
    regionOverrideReason: 'string?',
  },
  TagAdded: { uscc: 'string', tag: 'string', evidenceRef: 'string' },
  TagRemoved: { uscc: 'string', tag: 'string', evidenceRef: 'string?', reason: 'string' },
  FlagRaised: { uscc: 'string', flagId: 'string', list: 'string', source: 'string', since: 'string', checkedAt: 'string', evidenceRef: 'string?', until: 'string?' },
  FlagLifted: { uscc: 'string', flagId: 'string', reason: 'string' },
  AwardGranted: {
    programmeId: 'string',
    uscc: 'string',
    year: 'number',
    applicationId: 'string',
    spend: 'string',
    award: 'string',
    caseByCase: 'boolean',
    spendAfter: 'string',
    awardedAfter: 'string',
  },
  AwardWithdrawn: {
    programmeId: 'string',
    uscc: 'string',
    year: 'number',
    applicationId: 'string',
    spend: 'string',
    award: 'string',
    spendAfter: 'string',
    awardedAfter: 'string',
  },
  AwardCorrected: { programmeId: 'string', uscc: 'string', year: 'number', ...correctionShape },
  ProjectFunded: {
    programmeId: 'string',
    uscc: 'string',
    projectKey: 'string',
    applicationId: 'string',
    spend: 'string',
    award: 'string',
    caseByCase: 'boolean',
    spendAfter: 'string',
    awardedAfter: 'string',
  },
  ProjectReleased: {
    programmeId: 'string',
    uscc: 'string',
    projectKey: 'string',
    applicationId: 'string',
    spend: 'string',
    award: 'string',
    spendAfter: 'string',
    awardedAfter: 'string',
  },
  ProjectCorrected: { programmeId: 'string', uscc: 'string', projectKey: 'string', ...correctionShape },
  EnterpriseHeadroomRestored: { programmeId: 'string', uscc: 'string', year: 'number', applicationId: 'string', amount: 'string', spendAfter: 'string', awardedAfter: 'string' },
  MatterFunded: { uscc: 'string', matterKey: 'string', applicationId: 'string', programmeId: 'string', entitlement: 'string', award: 'string' },
  MatterReleased: { uscc: 'string', matterKey: 'string', applicationId: 'string', programmeId: 'string', award: 'string' },
  ApplicationSubmitted: {
    applicationId: 'string',
    programmeId: 'string',
    programmeVersion: 'number',
    uscc: 'string',
    fiscalYear: 'number',
    matterKey: 'string?',
    level: 'string?',
    approvalRef: 'string?',
    items: 'list',
    claimedTotal: 'string',
    recognition: 'object?',
  },
  StageReviewed: { applicationId: 'string', stage: 'string', recognizedAmount: 'string?', reason: 'string?', final: 'boolean' },
  ApplicationRejected: { applicationId: 'string', stage: 'string?', reason: 'string', objectionId: 'string?' },
  ApplicationWithdrawn: { applicationId: 'string', reason: 'string' },
  ApplicationNoticed: { applicationId: 'string', noticeId: 'string', opensOn: 'string', endsOn: 'string', afterStage: 'string?', proposedAward: 'string?' },
  AwardApproved: {
    applicationId: 'string',
    decisionRef: 'string',
    decidedAmount: 'string?',
    noticedAmount: 'string?',
    base: 'string',
    entitlement: 'string',
    award: 'string',
    caseByCaseJustification: 'string?',
    matterReduction: 'string',
    programmeVersion: 'number?',
  },
  AwardRevoked: { applicationId: 'string', award: 'string', reason: 'string' },
  AwardReduced: { applicationId: 'string', amount: 'string', awardAfter: 'string', cause: 'string', causeApplicationId: 'string', causeClawbackId: 'string?' },
  DisbursementRecorded: { applicationId: 'string', disbursementId: 'string', amount: 'string', paymentRef: 'string', paidOn: 'string' },
  DisbursementConfirmed: { applicationId: 'string', disbursementId: 'string', amount: 'string' },
  DisbursementRejected: { applicationId: 'string', disbursementId: 'string', amount: 'string', reason: 'string' },
  ClawbackOrdered: {
    applicationId: 'string',
    clawbackId: 'string',
    amount: 'string',
    reason: 'string',
    fraud: 'boolean',
    disqualifiesSpend: 'boolean',
    cause: 'string?',
    causeApplicationId: 'string?',
    causeClawbackId: 'string?',
  },
  RecoveryRecorded: { applicationId: 'string', clawbackId: 'string', amount: 'string', receivedOn: 'string', receiptRef: 'string' },
  FraudReferred: { applicationId: 'string', clawbackId: 'string', uscc: 'string', referredOn: 'string', reference: 'string', authority: 'string' },
  FraudReferralConcluded: { applicationId: 'string', clawbackId: 'string', outcome: 'string', decidedOn: 'string', reference: 'string', summary: 'string?' },
  ClawbackWrittenOff: { applicationId: 'string', clawbackId: 'string', amount: 'string', reason: 'string' },
  InvoiceClaimed: { invoiceNumber: 'string', invoiceCode: 'string?', applicationId: 'string', uscc: 'string' },
  InvoiceReleased: { invoiceNumber: 'string', invoiceCode: 'string?', applicationId: 'string', reason: 'string' },
  NoticeOpened: {
    noticeId: 'string',
    programmeId: 'string',
    afterStage: 'string?',
    listsAmounts: 'boolean',
    applicationIds: 'list',
    entries: 'list',
    opensOn: 'string',
    endsOn: 'string',
  },
  ObjectionFiled: {
    noticeId: 'string',
    objectionId: 'string',
    applicationId: 'string',
    summary: 'string',
    objector: 'string?',
    channel: 'string?',
    receivedOn: 'string?',
  },
  DecisionRecorded: { decisionId: 'string', reference: 'string', decidedOn: 'string', body: 'string', kind: 'string', awards: 'list' },
  DecisionReferenceUsed: { body: 'string', reference: 'string', decisionId: 'string' },
  ObjectionResolved: { noticeId: 'string', objectionId: 'string', applicationId: 'string', outcome: 'outcome', reason: 'string' },
  DisbursementIndexed: { disbursementId: 'string', applicationId: 'string' },
  PaymentReferenceUsed: { paymentRef: 'string', applicationId: 'string', disbursementId: 'string' },
  ClawbackIndexed: { clawbackId: 'string', applicationId: 'string' },
  CommandProcessed: { commandType: 'string', requestHash: 'string', result: 'object' },
  TokensRevoked: { userId: 'string', issuedBefore: 'string', reason: 'string' },
};

export const eventTypes = Object.keys(eventShapes) as EventType[];

type Data = Readonly<Record<string, unknown>>;
type Upcaster = (data: Data) => Data;

/**
 * The shapes that changed: for each type, the step from version v to v + 1. An event type's current
 * version is one more than its number of steps. Old shapes stay as types beside the events.
 */
const upcasters: { readonly [T in EventType]?: readonly Upcaster[] } = {
  // Version 2 of ApplicationSubmitted: each item names its 发票代码 (null for a 全电发票, and for every
  // item recorded before the code was kept).
  ApplicationSubmitted: [
    (data) => {
      const v1 = data as unknown as Omit<ApplicationEvents['ApplicationSubmitted'], 'items'> & { items: ApplicationItemV1[] };
      return {
        ...v1,
        items: v1.items.map((item) => ({ invoiceNumber: item.invoiceNumber, invoiceCode: null, invoiceDate: item.invoiceDate, amount: item.amount, category: item.category })),
      };
    },
    // Version 3: a recognition award carries its recognition instead of invoices; every earlier
    // application was on invoices.
    (data) => ({ ...(data as unknown as ApplicationSubmittedV2), recognition: null }),
  ],
  // Version 2 of ApplicationNoticed: the stage the notice follows and the proposed award it listed.
  // Before notice stages every notice followed the last review, and no amount was recorded.
  ApplicationNoticed: [(data) => ({ ...data, afterStage: null, proposedAward: null })],
  // Version 2 of AwardApproved: the cited decision's amount, the noticed amount the award was held to,
  // and the programme version the approval used (the one in force that day). Version 1 cited a
  // free-text reference, no notice listed amounts, and it used the version of the submission (null).
  AwardApproved: [(data) => ({ ...(data as unknown as AwardApprovedV1), decidedAmount: null, noticedAmount: null, programmeVersion: null })],
  // Version 2 of NoticeOpened: the stage, and the public listing. A version-1 notice listed the
  // applications only; its lines carry nothing else.
  NoticeOpened: [
    (data) => {
      const v1 = data as unknown as NoticeOpenedV1;
      return {
        ...v1,
        afterStage: null,
        listsAmounts: false,
        entries: v1.applicationIds.map((applicationId) => ({ applicationId, uscc: null, enterpriseName: null, matterKey: null, proposedAward: null, proposedBy: null })),
      };
    },
  ],
  // Version 2 of ObjectionFiled: who objected, by which channel and when; not recorded before.
  ObjectionFiled: [(data) => ({ ...(data as unknown as ObjectionFiledV1), objector: null, channel: null, receivedOn: null })],
  // Version 2 of EnterpriseRegistered: the administrator's reason for admitting a code registered outside
  // the city. Version 1 recorded none; its enterprises are held to the region their code states.
  EnterpriseRegistered: [(data) => ({ ...(data as unknown as EnterpriseRegisteredV1), regionOverrideReason: null })],
  // Version 2 of the invoice events: the 发票代码 beside the number. Version 1 kept none; its claims sit
  // on the stream of the number alone, and are read with a null code (rule `invoice-identity`).
  InvoiceClaimed: [(data) => ({ ...(data as unknown as InvoiceClaimedV1), invoiceCode: null })],
  InvoiceReleased: [(data) => ({ ...(data as unknown as InvoiceReleasedV1), invoiceCode: null })],
  // Version 2 of AwardGranted: a 一事一议 award is marked (it stays outside the caps when the pool is
  // recomputed). Version 1 did not say; it is read as ordinary.
  AwardGranted: [(data) => ({ ...(data as unknown as AwardGrantedV1), caseByCase: false })],
  // Version 2 of ClawbackOrdered: whether it disqualifies the spend, and the correction that ordered it.
  // Every version-1 order was an approver's and disqualified nothing.
  ClawbackOrdered: [(data) => ({ ...(data as unknown as ClawbackOrderedV1), disqualifiesSpend: false, cause: null, causeApplicationId: null, causeClawbackId: null })],
  // Version 2 of a programme's definition: the last day it accepts applications (until then, the end of
  // its validity), and a proportional rule's cap named for what it bounds, the project.
  ProgrammePublished: [
    (data) => {
      const definition = (data as { definition: Record<string, unknown> & { validUntil: string | null; rule: Record<string, unknown> } }).definition;
      const { capPerApplicationYuan, ...rule } = definition.rule;
      return {
        definition: {
          ...definition,
          lastApplicationDay: definition.validUntil,
          rule: capPerApplicationYuan === undefined ? rule : { ...rule, capPerProjectYuan: capPerApplicationYuan },
        },
      };
    },
    // Version 3: the notice stages, and the day the version takes effect. Before, every programme held one
    // notice, after its last review stage, listing the applications (their amounts were not recorded);
    // and a version was in force from its publication for the applications submitted under it: it is
    // read as in force from its first day of validity (every such decision recorded the version it used,
    // so none is re-decided).
    (data) => {
      const v2 = data as unknown as ProgrammePublishedV2 & { definition: { stages: string[] } };
      const { stages } = v2.definition;
      return { ...v2, definition: { ...v2.definition, noticeStages: [{ afterStage: stages[stages.length - 1], listsAmounts: true }] }, effectiveOn: v2.definition.validFrom };
    },
  ],
};

export function schemaVersionOf(type: EventType): number {
  return (upcasters[type]?.length ?? 0) + 1;
}

export function isEventType(type: string): type is EventType {
  return Object.prototype.hasOwnProperty.call(eventShapes, type);
}

function hasKind(value: unknown, kind: FieldKind): boolean {
  switch (kind) {
    case 'string':
      return typeof value === 'string';
    case 'string?':
      return value === null || typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'number?':
      return value === null || (typeof value === 'number' && Number.isFinite(value));
    case 'boolean':
      return typeof value === 'boolean';
    case 'list':
      return Array.isArray(value);
    case 'object':
      return value !== null && typeof value === 'object' && !Array.isArray(value);
    case 'object?':
      return value === null || (typeof value === 'object' && !Array.isArray(value));
    case 'outcome':
      return value === 'upheld' || value === 'dismissed';
  }
}

/** Each type's fields and their kinds, as pairs: read once per event read, not built again for each. */
const shapeFields = new Map<string, readonly (readonly [string, FieldKind])[]>(Object.entries(eventShapes).map(([type, shape]) => [type, Object.entries(shape)]));

/**
 * The data of an event of `type` stored at `schemaVersion`, in the current shape. `where` names the
 * event in a refusal (a function: it runs for every event read, and its text is wanted only then).
 */
export function upcast(type: string, schemaVersion: number, data: Data, where: () => string = () => ''): Data {
  if (!isEventType(type)) throw new AssertionError(`unknown event type ${type}${where()}`);
  const current = schemaVersionOf(type);
  if (!(Number.isInteger(schemaVersion) && schemaVersion >= 1 && schemaVersion <= current)) {
    throw new AssertionError(`${type}${where()} has schema version ${schemaVersion}; this code reads 1 to ${current}`);
  }
  let upcast = data;
  const steps = upcasters[type] ?? [];
  for (let version = schemaVersion; version < current; version += 1) upcast = defined(steps[version - 1], `the upcaster of ${type} from version ${version}`)(upcast);
  for (const [field, kind] of defined(shapeFields.get(type), 'the shape of a known type')) {
    if (!hasKind(upcast[field], kind)) throw new AssertionError(`${type}${where()}: ${field} is not a ${kind}`);
  }
  return upcast;
}

/** What the readers of the domain get: an event in its current shape, with who recorded it and when. */
export function readEventOf(stored: {
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: Data;
  readonly position: bigint;
  readonly metadata: { readonly actorId: string; readonly recordedAt: string };
}): ReadEvent {
  const data = upcast(stored.type, stored.schemaVersion, stored.data, () => ` at position ${stored.position}`);
  // The checks above are what make this one cast true.
  return { type: stored.type, data, actorId: stored.metadata.actorId, recordedAt: stored.metadata.recordedAt } as unknown as ReadEvent;
}
