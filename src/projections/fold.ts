// How events change the rows of the read side, whatever database keeps them: the rows, the cache a
// batch works in, and the fold itself. SQLite and PostgreSQL differ only in how rows are loaded and
// written, so both read sides give the same figures from the same log.
import type { ProjectedEvent } from '../event-store/event-store.js';
import type { EventType } from '../events/catalog.js';
import { isEventType, readEventOf } from '../events/upcasting.js';
import { assertNever } from '../shared/assert.js';
import type { ProgrammeDefinition } from '../programmes/programme.js';
import { Money } from '../shared/money.js';
import { enterpriseTags } from '../shared/patterns.js';

export const projectionName = 'ledger';

/** A rebuild under way: its checkpoint row. Found at start, it means a rebuild was cut off: start again. */
export const rebuildMarker = 'rebuild-in-progress';

/** Rule `baoding-m8-priority`: tags that put an enterprise first in the approval queue (Baoding measure 8). */
export const priorityTags = enterpriseTags;

/** 1 where the tags hold a priority tag: the approval queue ranks by it. */
function priorityOf(tags: readonly string[]): number {
  return tags.some((t) => (priorityTags as readonly string[]).includes(t)) ? 1 : 0;
}

/** Every read table, for rebuilding and for comparing a replay with the live rows. */
export const readTables = [
  'read_programmes',
  'read_budgets',
  'read_budget_versions',
  'read_enterprise_totals',
  'read_enterprise_total_versions',
  'read_enterprises',
  'read_applications',
] as const;

/** Amounts are kept as the decimal strings they are stored as; arithmetic on them goes through Money. */
export type Amount = string;

export interface Figures {
  paid: Amount;
  clawbackOrdered: Amount;
  recovered: Amount;
}

export interface BudgetRow extends Figures {
  programmeId: string;
  year: number;
  budget: Amount;
  committed: Amount;
  position: bigint;
}

export interface TotalsRow extends Figures {
  uscc: string;
  programmeId: string;
  year: number;
  recognizedSpend: Amount;
  awarded: Amount;
  position: bigint;
}

export interface EnterpriseRow {
  uscc: string;
  name: string;
  city: string;
  district: string | null;
  tags: string[];
  priority: number;
  flags: Record<string, string>;
  position: bigint;
}

export interface ApplicationRow extends Figures {
  applicationId: string;
  programmeId: string;
  fiscalYear: number;
  uscc: string;
  district: string | null;
  priority: number;
  status: string;
  claimed: Amount;
  recognized: Amount | null;
  entitlement: Amount;
  award: Amount;
  noticeId: string | null;
  noticeEndsOn: string | null;
  submittedPosition: bigint;
  submittedAt: string;
  position: bigint;
}

export const budgetKey = (programmeId: string, year: number): string => `${programmeId}|${year}`;
export const totalsKey = (uscc: string, programmeId: string, year: number): string => `${uscc}|${programmeId}|${year}`;

/** Rows touched by one batch: read once from the table, written once at the end. */
export class RowCache<R> {
  private readonly rows = new Map<string, R | undefined>();
  private readonly dirty = new Set<string>();
  /** During a rebuild the table starts empty and every row stays here until the end. */
  bulk = false;

  constructor(
    private readonly load: (key: string) => R | undefined,
    private readonly save: (row: R) => void,
  ) {}

  get(key: string): R | undefined {
    if (!this.rows.has(key)) this.rows.set(key, this.bulk ? undefined : this.load(key));
    return this.rows.get(key);
  }

  set(key: string, row: R): void {
    this.rows.set(key, row);
    this.dirty.add(key);
  }

  flush(force = false): void {
    if (this.bulk && !force) return;
    for (const key of this.dirty) {
      const row = this.rows.get(key);
      if (row !== undefined) this.save(row);
    }
    this.rows.clear();
    this.dirty.clear();
  }

  /** Forgets what a rolled-back transaction left here, so that the next batch reads the table again. */
  discard(): void {
    this.rows.clear();
    this.dirty.clear();
  }
}

/** What the fold reads and writes: the mutable rows, and the append-only tables beside them. */
export interface FoldTarget {
  readonly budgets: RowCache<BudgetRow>;
  readonly totals: RowCache<TotalsRow>;
  readonly enterprises: RowCache<EnterpriseRow>;
  readonly applications: RowCache<ApplicationRow>;
  programme(definition: ProgrammeDefinition): void;
  /** A new version of a budget row, at the event that made it (for as-of queries). */
  budgetVersion(row: BudgetRow, event: ProjectedEvent): void;
  totalsVersion(row: TotalsRow, event: ProjectedEvent): void;
}

const zero = '0.00';

/** The event types that change a row of the read side; every other type is passed over. */
const foldedTypes: ReadonlySet<EventType> = new Set<EventType>([
  'ProgrammePublished',
  'BudgetAllocated',
  'AwardCommitted',
  'AwardReleased',
  'HeadroomRestored',
  'AwardGranted',
  'AwardWithdrawn',
  'AwardCorrected',
  'EnterpriseHeadroomRestored',
  'EnterpriseRegistered',
  'FlagRaised',
  'FlagLifted',
  'TagAdded',
  'TagRemoved',
  'ApplicationSubmitted',
  'StageReviewed',
  'ApplicationRejected',
  'ApplicationWithdrawn',
  'AwardRevoked',
  'AwardReduced',
  'ApplicationNoticed',
  'AwardApproved',
  'DisbursementConfirmed',
  'ClawbackOrdered',
  'RecoveryRecorded',
]);

function budgetRow(target: FoldTarget, programmeId: string, year: number): BudgetRow {
  const key = budgetKey(programmeId, year);
  const row = target.budgets.get(key) ?? { programmeId, year, budget: zero, committed: zero, paid: zero, clawbackOrdered: zero, recovered: zero, position: 0n };
  target.budgets.set(key, row);
  return row;
}

function totalsRow(target: FoldTarget, uscc: string, programmeId: string, year: number): TotalsRow {
  const key = totalsKey(uscc, programmeId, year);
  const row = target.totals.get(key) ?? {
    uscc,
    programmeId,
    year,
    recognizedSpend: zero,
    awarded: zero,
    paid: zero,
    clawbackOrdered: zero,
    recovered: zero,
    position: 0n,
  };
  target.totals.set(key, row);
  return row;
}

function applicationRow(target: FoldTarget, applicationId: string): ApplicationRow {
  const row = target.applications.get(applicationId);
  if (row === undefined) throw new Error(`event for application ${applicationId}, which was never submitted`);
  target.applications.set(applicationId, row);
  return row;
}

function budgetVersion(target: FoldTarget, row: BudgetRow, event: ProjectedEvent): void {
  row.position = event.position;
  target.budgetVersion(row, event);
}

function totalsVersion(target: FoldTarget, row: TotalsRow, event: ProjectedEvent): void {
  row.position = event.position;
  target.totalsVersion(row, event);
}

/** Adds to paid, clawback ordered or recovered on the application, its budget and its enterprise year. */
function addFigure(target: FoldTarget, applicationId: string, figure: keyof Figures, amountText: Amount, event: ProjectedEvent): void {
  const amount = Money.of(amountText);
  const add = (current: Amount): Amount => Money.of(current).plus(amount).format();
  const application = applicationRow(target, applicationId);
  application[figure] = add(application[figure]);
  application.position = event.position;
  const budget = budgetRow(target, application.programmeId, application.fiscalYear);
  budget[figure] = add(budget[figure]);
  budgetVersion(target, budget, event);
  const totals = totalsRow(target, application.uscc, application.programmeId, application.fiscalYear);
  totals[figure] = add(totals[figure]);
  totalsVersion(target, totals, event);
}

/** Applies one event to the rows of the read side. Events must come in log order, each once. */
export function foldEvent(target: FoldTarget, event: ProjectedEvent): void {
  // Events that change no figure are passed over without parsing their data.
  if (isEventType(event.type) && !foldedTypes.has(event.type)) return;
  const read = readEventOf(event);
  switch (read.type) {
    case 'ProgrammePublished': {
      const d = read.data;
      target.programme(d.definition);
      return;
    }
    case 'BudgetAllocated':
    case 'AwardCommitted':
    case 'AwardReleased':
    case 'HeadroomRestored': {
      const d = read.data;
      const row = budgetRow(target, d.programmeId, d.year);
      row.budget = d.budgetAfter;
      row.committed = d.committedAfter;
      budgetVersion(target, row, event);
      return;
    }
    case 'AwardGranted':
    case 'AwardWithdrawn':
    case 'AwardCorrected':
    case 'EnterpriseHeadroomRestored': {
      const d = read.data;
      const row = totalsRow(target, d.uscc, d.programmeId, d.year);
      row.recognizedSpend = d.spendAfter;
      row.awarded = d.awardedAfter;
      totalsVersion(target, row, event);
      return;
    }
    case 'EnterpriseRegistered': {
      const d = read.data;
      target.enterprises.set(d.uscc, {
        uscc: d.uscc,
        name: d.name,
        city: d.city,
        district: d.district,
        tags: d.tags,
        priority: priorityOf(d.tags),
        flags: {},
        position: event.position,
      });
      return;
    }
    // Rule `baoding-m8-tags`: a tag added or removed later moves the enterprise in the approval queue.
    case 'TagAdded':
    case 'TagRemoved': {
      const d = read.data;
      const row = target.enterprises.get(d.uscc);
      if (row === undefined) throw new Error(`tag on unregistered enterprise ${d.uscc}`);
      const tags = read.type === 'TagAdded' ? [...row.tags, d.tag] : row.tags.filter((tag) => tag !== d.tag);
      target.enterprises.set(d.uscc, { ...row, tags, priority: priorityOf(tags), position: event.position });
      return;
    }
    case 'FlagRaised':
    case 'FlagLifted': {
      const d = read.data;
      const row = target.enterprises.get(d.uscc);
      if (row === undefined) throw new Error(`flag on unregistered enterprise ${d.uscc}`);
      const flags =
        read.type === 'FlagRaised' ? { ...row.flags, [d.flagId]: read.data.list } : Object.fromEntries(Object.entries(row.flags).filter(([flagId]) => flagId !== d.flagId));
      target.enterprises.set(d.uscc, { ...row, flags, position: event.position });
      return;
    }
    case 'ApplicationSubmitted': {
      const d = read.data;
      const enterprise = target.enterprises.get(d.uscc);
      target.applications.set(d.applicationId, {
        applicationId: d.applicationId,
        programmeId: d.programmeId,
        fiscalYear: d.fiscalYear,
        uscc: d.uscc,
        district: enterprise?.district ?? null,
        priority: enterprise?.priority ?? 0,
        status: 'submitted',
        claimed: d.claimedTotal,
        recognized: null,
        entitlement: zero,
        award: zero,
        paid: zero,
        clawbackOrdered: zero,
        recovered: zero,
        noticeId: null,
        noticeEndsOn: null,
        submittedPosition: event.position,
        submittedAt: event.metadata.recordedAt,
        position: event.position,
      });
      return;
    }
    case 'StageReviewed': {
      const d = read.data;
      const row = applicationRow(target, d.applicationId);
      row.status = d.final ? 'reviewed' : 'in_review';
      if (d.recognizedAmount !== null) row.recognized = d.recognizedAmount;
      row.position = event.position;
      return;
    }
    case 'ApplicationRejected':
    case 'ApplicationWithdrawn':
    case 'AwardRevoked': {
      const d = read.data;
      const row = applicationRow(target, d.applicationId);
      row.status = read.type === 'ApplicationRejected' ? 'rejected' : read.type === 'ApplicationWithdrawn' ? 'withdrawn' : 'revoked';
      row.position = event.position;
      return;
    }
    case 'ApplicationNoticed': {
      const d = read.data;
      const row = applicationRow(target, d.applicationId);
      row.status = 'in_notice';
      row.noticeId = d.noticeId;
      row.noticeEndsOn = d.endsOn;
      row.position = event.position;
      return;
    }
    case 'AwardApproved': {
      const d = read.data;
      const row = applicationRow(target, d.applicationId);
      row.status = 'approved';
      row.entitlement = d.entitlement;
      row.award = d.award;
      row.position = event.position;
      return;
    }
    case 'AwardReduced': {
      const d = read.data;
      const row = applicationRow(target, d.applicationId);
      row.award = d.awardAfter;
      row.position = event.position;
      return;
    }
    case 'DisbursementConfirmed': {
      const d = read.data;
      addFigure(target, d.applicationId, 'paid', d.amount, event);
      return;
    }
    case 'ClawbackOrdered': {
      const d = read.data;
      addFigure(target, d.applicationId, 'clawbackOrdered', d.amount, event);
      return;
    }
    case 'RecoveryRecorded': {
      const d = read.data;
      addFigure(target, d.applicationId, 'recovered', d.amount, event);
      return;
    }
    // Nothing here changes a figure of the read side (histories come from the streams themselves).
    case 'DisbursementRecorded':
    case 'DisbursementRejected':
    case 'ClawbackWrittenOff':
    case 'FraudReferred':
    case 'FraudReferralConcluded':
    case 'ObjectionFiled':
    case 'ObjectionResolved':
    case 'HolidayYearPublished':
    case 'InvoiceClaimed':
    case 'InvoiceReleased':
    case 'MatterFunded':
    case 'MatterReleased':
    case 'ProjectFunded':
    case 'ProjectReleased':
    case 'ProjectCorrected':
    case 'NoticeOpened':
    case 'DecisionRecorded':
    case 'DecisionReferenceUsed':
    case 'DisbursementIndexed':
    case 'ClawbackIndexed':
    case 'PaymentReferenceUsed':
    case 'CommandProcessed':
    case 'TokensRevoked':
      return;
    default:
      return assertNever(read, 'the read side does not know this event');
  }
}

/** The rows a batch reads, by table: what a read side that cannot read row by row loads up front. */
export interface RowKeys {
  readonly budgets: Set<string>;
  readonly totals: Set<string>;
  readonly enterprises: Set<string>;
  readonly applications: Set<string>;
}

/**
 * The keys the fold will read for these events. An event that adds to paid, ordered or recovered
 * also reads its application's budget and enterprise year, which only the application row names:
 * `coordinatesOf` gives them for applications loaded from the table (those submitted in the same
 * batch are found in the batch).
 */
export function rowKeysRead(events: readonly ProjectedEvent[]): { keys: RowKeys; figureKeys: (coordinatesOf: (applicationId: string) => Coordinates | undefined) => void } {
  const keys: RowKeys = { budgets: new Set(), totals: new Set(), enterprises: new Set(), applications: new Set() };
  const submitted = new Map<string, Coordinates>();
  const figureApplications = new Set<string>();
  for (const event of events) {
    const d = event.data as Record<string, unknown>;
    switch (event.type) {
      case 'BudgetAllocated':
      case 'AwardCommitted':
      case 'AwardReleased':
      case 'HeadroomRestored':
        keys.budgets.add(budgetKey(d['programmeId'] as string, d['year'] as number));
        break;
      case 'AwardGranted':
      case 'AwardWithdrawn':
      case 'AwardCorrected':
      case 'EnterpriseHeadroomRestored':
        keys.totals.add(totalsKey(d['uscc'] as string, d['programmeId'] as string, d['year'] as number));
        break;
      case 'FlagRaised':
      case 'FlagLifted':
      case 'TagAdded':
      case 'TagRemoved':
        keys.enterprises.add(d['uscc'] as string);
        break;
      case 'ApplicationSubmitted':
        keys.enterprises.add(d['uscc'] as string);
        submitted.set(d['applicationId'] as string, { programmeId: d['programmeId'] as string, fiscalYear: d['fiscalYear'] as number, uscc: d['uscc'] as string });
        break;
      case 'DisbursementConfirmed':
      case 'ClawbackOrdered':
      case 'RecoveryRecorded':
        figureApplications.add(d['applicationId'] as string);
        keys.applications.add(d['applicationId'] as string);
        break;
      case 'StageReviewed':
      case 'ApplicationRejected':
      case 'ApplicationWithdrawn':
      case 'AwardRevoked':
      case 'AwardReduced':
      case 'ApplicationNoticed':
      case 'AwardApproved':
        keys.applications.add(d['applicationId'] as string);
        break;
      default:
        break;
    }
  }
  const figureKeys = (coordinatesOf: (applicationId: string) => Coordinates | undefined): void => {
    for (const id of figureApplications) {
      const c = submitted.get(id) ?? coordinatesOf(id);
      // Unknown: the fold will refuse the event, naming the application.
      if (c === undefined) continue;
      keys.budgets.add(budgetKey(c.programmeId, c.fiscalYear));
      keys.totals.add(totalsKey(c.uscc, c.programmeId, c.fiscalYear));
    }
  };
  return { keys, figureKeys };
}

/** Where an application's figures are added up: its programme-year and its enterprise's year. */
export interface Coordinates {
  readonly programmeId: string;
  readonly fiscalYear: number;
  readonly uscc: string;
}
