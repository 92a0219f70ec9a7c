// What the console's work lists need and the read side does not keep: payments awaiting their
// checker, clawbacks still owed, enterprises by name, who approved what. Folded from the log in
// memory, caught up from the last position seen on every question, so it never lags a write the
// caller has already seen acknowledged.
import type { EventStore, StoredEvent } from '../event-store/event-store.js';

export interface EnterpriseEntry {
  uscc: string;
  name: string;
  city: string;
  district: string | null;
  /** Priority tags as they stand (added and removed since registration). */
  tags: string[];
  /** Flags in the log not lifted: their list and term (a fraud ban's end date is the decision's). */
  flags: { flagId: string; list: string; since: string; until: string | null }[];
}

export interface DisbursementEntry {
  disbursementId: string;
  applicationId: string;
  programmeId: string | null;
  uscc: string | null;
  enterpriseName: string | null;
  amount: string;
  paymentRef: string;
  paidOn: string;
  status: 'recorded' | 'confirmed' | 'rejected';
  recordedBy: string;
  recordedAt: string;
  recordedPosition: string;
  /** Who checked it (confirmed or rejected), and when. */
  checkedBy: string | null;
  checkedAt: string | null;
  rejectionReason: string | null;
  /** Who approved the award: segregation of duties keeps them from recording or confirming its payments. */
  approvedBy: string | null;
  award: string | null;
  decisionRef: string | null;
}

export interface ClawbackEntry {
  clawbackId: string;
  applicationId: string;
  programmeId: string | null;
  uscc: string | null;
  enterpriseName: string | null;
  amount: string;
  reason: string;
  fraud: boolean;
  /** A fraud's referral to the judicial organs, and their decision once known (Wuhan art. 12). */
  referral: { referredOn: string; reference: string; authority: string; outcome: string | null; decidedOn: string | null; outcomeReference: string | null } | null;
  orderedBy: string;
  orderedAt: string;
  /** Receipts recorded, in fen (an integer: exact). */
  recoveredFen: bigint;
  writtenOff: boolean;
}

/** One change of a programme-year's committed or paid figures, where and when it happened. */
interface BudgetMovement {
  position: bigint;
  recordedAtMs: number;
  /** Beijing calendar month, 1..12, of the time recorded. */
  month: number;
  district: string | null;
  committedAfterFen: bigint;
  committedDeltaFen: bigint;
  paidDeltaFen: bigint;
}

export interface BudgetBreakdown {
  programmeId: string;
  year: number;
  /** The last log position the figures include. */
  position: string;
  /** Committed (as the budget's stream says it) and paid, at the end of each month of the year so far. */
  months: Array<{ month: string; committed: string; paid: string }>;
  /** Net awards committed, by the district of the enterprise. */
  districts: Array<{ district: string | null; committed: string; applications: number }>;
}

export type BreakdownAsOf = { position: bigint } | { timeMs: number };

const beijingOffsetMs = 8 * 60 * 60 * 1000;

function beijingMonthOf(iso: string): number {
  return new Date(Date.parse(iso) + beijingOffsetMs).getUTCMonth() + 1;
}

interface ApplicationFacts {
  programmeId: string;
  fiscalYear: number;
  uscc: string;
  approvedBy: string | null;
  award: string | null;
  decisionRef: string | null;
}

/** Most entries one list answers: a work list longer than this is worked from the top. */
export const worklistLengthMax = 500;
/** Most enterprises one search answers. */
export const enterpriseMatchCountMax = 50;

/** Fen of a decimal string with at most two decimals: exact integer arithmetic, never a float. */
export function fenOf(amount: string): bigint {
  const [whole = '0', fraction = ''] = amount.split('.');
  return BigInt(whole) * 100n + BigInt((fraction + '00').slice(0, 2));
}

export function yuanOf(fen: bigint): string {
  const sign = fen < 0n ? '-' : '';
  const abs = fen < 0n ? -fen : fen;
  return `${sign}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
}

export class Worklists {
  private position = 0n;
  private catchingUp: Promise<void> | null = null;
  private readonly enterprises = new Map<string, EnterpriseEntry>();
  private readonly applications = new Map<string, ApplicationFacts>();
  private readonly disbursements = new Map<string, DisbursementEntry>();
  private readonly clawbacks = new Map<string, ClawbackEntry>();
  private readonly movements = new Map<string, BudgetMovement[]>();
  /** Applications approved and not revoked: where payments can still be due. */
  private readonly awarded = new Set<string>();
  /** The minutes' reference of each recorded decision, by its id: what a person reads. */
  private readonly decisionReferences = new Map<string, string>();

  constructor(private readonly store: EventStore) {}

  /** Folds everything appended since the last call; concurrent callers share one pass. */
  async catchUp(): Promise<void> {
    while (this.catchingUp !== null) await this.catchingUp;
    this.catchingUp = (async () => {
      for await (const event of this.store.readAll({ afterPosition: this.position })) {
        this.apply(event);
        this.position = event.position;
      }
    })();
    try {
      await this.catchingUp;
    } finally {
      this.catchingUp = null;
    }
  }

  private apply(event: StoredEvent): void {
    const data = event.data as Record<string, unknown>;
    const actor = event.metadata.actorId;
    const at = event.metadata.recordedAt;
    switch (event.type) {
      case 'EnterpriseRegistered':
        this.enterprises.set(data['uscc'] as string, {
          uscc: data['uscc'] as string,
          name: data['name'] as string,
          city: data['city'] as string,
          district: (data['district'] as string | null) ?? null,
          tags: [...(data['tags'] as string[])],
          flags: [],
        });
        break;
      case 'TagAdded':
      case 'TagRemoved': {
        const enterprise = this.enterprises.get(data['uscc'] as string);
        if (enterprise === undefined) break;
        const tag = data['tag'] as string;
        enterprise.tags = event.type === 'TagAdded' ? [...enterprise.tags, tag] : enterprise.tags.filter((t) => t !== tag);
        break;
      }
      case 'FlagRaised': {
        const enterprise = this.enterprises.get(data['uscc'] as string);
        if (enterprise === undefined) break;
        enterprise.flags.push({ flagId: data['flagId'] as string, list: data['list'] as string, since: data['since'] as string, until: (data['until'] as string | null) ?? null });
        break;
      }
      case 'FlagLifted': {
        const enterprise = this.enterprises.get(data['uscc'] as string);
        if (enterprise !== undefined) enterprise.flags = enterprise.flags.filter((flag) => flag.flagId !== data['flagId']);
        break;
      }
      case 'FraudReferred': {
        const clawback = this.clawbacks.get(data['clawbackId'] as string);
        if (clawback !== undefined) {
          const referral = { referredOn: data['referredOn'] as string, reference: data['reference'] as string, authority: data['authority'] as string };
          clawback.referral = { ...referral, outcome: null, decidedOn: null, outcomeReference: null };
        }
        break;
      }
      case 'FraudReferralConcluded': {
        const referral = this.clawbacks.get(data['clawbackId'] as string)?.referral;
        if (referral !== undefined && referral !== null) {
          Object.assign(referral, { outcome: data['outcome'] as string, decidedOn: data['decidedOn'] as string, outcomeReference: data['reference'] as string });
        }
        break;
      }
      case 'ApplicationSubmitted':
        this.applications.set(data['applicationId'] as string, {
          programmeId: data['programmeId'] as string,
          fiscalYear: Number(data['fiscalYear']),
          uscc: data['uscc'] as string,
          approvedBy: null,
          award: null,
          decisionRef: null,
        });
        break;
      case 'DecisionRecorded':
        this.decisionReferences.set(data['decisionId'] as string, data['reference'] as string);
        break;
      case 'AwardApproved': {
        const application = this.applications.get(data['applicationId'] as string);
        const cited = data['decisionRef'] as string;
        // The decision's minutes reference (an approval before decisions were recorded cited text).
        if (application !== undefined) Object.assign(application, { approvedBy: actor, award: data['award'] as string, decisionRef: this.decisionReferences.get(cited) ?? cited });
        this.awarded.add(data['applicationId'] as string);
        break;
      }
      case 'AwardRevoked':
        this.awarded.delete(data['applicationId'] as string);
        break;
      case 'AwardReduced': {
        const application = this.applications.get(data['applicationId'] as string);
        if (application !== undefined) application.award = data['awardAfter'] as string;
        break;
      }
      case 'DisbursementRecorded': {
        const applicationId = data['applicationId'] as string;
        const application = this.applications.get(applicationId);
        this.disbursements.set(data['disbursementId'] as string, {
          disbursementId: data['disbursementId'] as string,
          applicationId,
          programmeId: application?.programmeId ?? null,
          uscc: application?.uscc ?? null,
          enterpriseName: null,
          amount: data['amount'] as string,
          paymentRef: data['paymentRef'] as string,
          paidOn: data['paidOn'] as string,
          status: 'recorded',
          recordedBy: actor,
          recordedAt: at,
          recordedPosition: event.position.toString(),
          checkedBy: null,
          checkedAt: null,
          rejectionReason: null,
          approvedBy: null,
          award: null,
          decisionRef: null,
        });
        break;
      }
      case 'BudgetAllocated':
      case 'AwardCommitted':
      case 'AwardReleased':
      case 'HeadroomRestored': {
        const applicationId = data['applicationId'] as string | undefined;
        this.move(data['programmeId'] as string, Number(data['year']), event, applicationId, { committedAfterFen: fenOf(data['committedAfter'] as string) });
        break;
      }
      case 'DisbursementConfirmed':
      case 'DisbursementRejected': {
        const disbursement = this.disbursements.get(data['disbursementId'] as string);
        if (disbursement === undefined) break;
        const application = this.applications.get(disbursement.applicationId);
        if (event.type === 'DisbursementConfirmed' && application !== undefined) {
          this.move(application.programmeId, application.fiscalYear, event, disbursement.applicationId, { paidFen: fenOf(data['amount'] as string) });
        }
        disbursement.status = event.type === 'DisbursementConfirmed' ? 'confirmed' : 'rejected';
        disbursement.checkedBy = actor;
        disbursement.checkedAt = at;
        disbursement.rejectionReason = event.type === 'DisbursementRejected' ? (data['reason'] as string) : null;
        break;
      }
      case 'ClawbackOrdered': {
        const applicationId = data['applicationId'] as string;
        const application = this.applications.get(applicationId);
        this.clawbacks.set(data['clawbackId'] as string, {
          clawbackId: data['clawbackId'] as string,
          applicationId,
          programmeId: application?.programmeId ?? null,
          uscc: application?.uscc ?? null,
          enterpriseName: null,
          amount: data['amount'] as string,
          reason: data['reason'] as string,
          fraud: data['fraud'] === true,
          referral: null,
          orderedBy: actor,
          orderedAt: at,
          recoveredFen: 0n,
          writtenOff: false,
        });
        break;
      }
      case 'RecoveryRecorded': {
        const clawback = this.clawbacks.get(data['clawbackId'] as string);
        if (clawback !== undefined) clawback.recoveredFen += fenOf(data['amount'] as string);
        break;
      }
      case 'ClawbackWrittenOff': {
        const clawback = this.clawbacks.get(data['clawbackId'] as string);
        if (clawback !== undefined) clawback.writtenOff = true;
        break;
      }
      default:
        break;
    }
  }

  private move(programmeId: string, year: number, event: StoredEvent, applicationId: string | undefined, change: { committedAfterFen?: bigint; paidFen?: bigint }): void {
    const key = `${programmeId}|${year}`;
    const list = this.movements.get(key) ?? [];
    if (list.length === 0) this.movements.set(key, list);
    const before = list.at(-1)?.committedAfterFen ?? 0n;
    const application = applicationId === undefined ? undefined : this.applications.get(applicationId);
    const committedAfterFen = change.committedAfterFen ?? before;
    list.push({
      position: event.position,
      recordedAtMs: Date.parse(event.metadata.recordedAt),
      month: beijingMonthOf(event.metadata.recordedAt),
      district: application === undefined ? null : (this.enterprises.get(application.uscc)?.district ?? null),
      committedAfterFen,
      committedDeltaFen: committedAfterFen - before,
      paidDeltaFen: change.paidFen ?? 0n,
    });
  }

  /**
   * A programme-year's committed and paid figures month by month and its awards by district, now or
   * as of a position or an instant. Months are those of the year up to the last figure included.
   */
  async budgetBreakdown(programmeId: string, year: number, asOf?: BreakdownAsOf): Promise<BudgetBreakdown> {
    await this.catchUp();
    const included = (this.movements.get(`${programmeId}|${year}`) ?? []).filter((m) =>
      asOf === undefined ? true : 'position' in asOf ? m.position <= asOf.position : m.recordedAtMs <= asOf.timeMs,
    );
    const committedAtMonthEnd: bigint[] = new Array<bigint>(13).fill(-1n);
    const paidInMonth: bigint[] = new Array<bigint>(13).fill(0n);
    const byDistrict = new Map<string | null, { fen: bigint; applications: number }>();
    let lastMonth = 0;
    for (const m of included) {
      // Events of the year's programme budget recorded before or after the calendar year fall on its first or last month.
      const year0 = new Date(m.recordedAtMs + beijingOffsetMs).getUTCFullYear();
      const month = year0 < year ? 1 : year0 > year ? 12 : m.month;
      committedAtMonthEnd[month] = m.committedAfterFen;
      paidInMonth[month] = (paidInMonth[month] ?? 0n) + m.paidDeltaFen;
      lastMonth = Math.max(lastMonth, month);
      if (m.committedDeltaFen !== 0n) {
        const entry = byDistrict.get(m.district) ?? { fen: 0n, applications: 0 };
        entry.fen += m.committedDeltaFen;
        if (m.committedDeltaFen > 0n) entry.applications += 1;
        byDistrict.set(m.district, entry);
      }
    }
    const months: BudgetBreakdown['months'] = [];
    let committed = 0n;
    let paid = 0n;
    for (let month = 1; month <= lastMonth; month += 1) {
      const committedAtEnd = committedAtMonthEnd[month] ?? -1n;
      if (committedAtEnd >= 0n) committed = committedAtEnd;
      paid += paidInMonth[month] ?? 0n;
      months.push({ month: `${year}-${String(month).padStart(2, '0')}`, committed: yuanOf(committed), paid: yuanOf(paid) });
    }
    return {
      programmeId,
      year,
      position: (included.at(-1)?.position ?? 0n).toString(),
      months,
      districts: [...byDistrict.entries()]
        .filter(([, v]) => v.fen !== 0n)
        .map(([district, v]) => ({ district, committed: yuanOf(v.fen), applications: v.applications }))
        .sort((a, b) => (fenOf(b.committed) > fenOf(a.committed) ? 1 : fenOf(b.committed) < fenOf(a.committed) ? -1 : 0)),
    };
  }

  /**
   * Awarded applications that may still be due a payment, with the amount of their payments awaiting
   * a check, for the caller to weigh against the award and paid figures of the read side (which
   * follow every correction).
   */
  async awardedApplications(): Promise<Array<{ applicationId: string; uscc: string | null; enterpriseName: string | null; approvedBy: string | null; pending: string }>> {
    await this.catchUp();
    const pendingFen = new Map<string, bigint>();
    const paidFen = new Map<string, bigint>();
    for (const d of this.disbursements.values()) {
      const into = d.status === 'recorded' ? pendingFen : d.status === 'confirmed' ? paidFen : null;
      into?.set(d.applicationId, (into.get(d.applicationId) ?? 0n) + fenOf(d.amount));
    }
    // The award as approved bounds the award after any correction (they only reduce it): an award
    // paid and checked in full by that bound is not due, and is not looked up.
    const due = [...this.awarded].filter((applicationId) => {
      const award = this.applications.get(applicationId)?.award;
      return award === null || award === undefined || fenOf(award) - (paidFen.get(applicationId) ?? 0n) - (pendingFen.get(applicationId) ?? 0n) > 0n;
    });
    return due.map((applicationId) => {
      const application = this.applications.get(applicationId);
      const uscc = application?.uscc ?? null;
      return {
        applicationId,
        uscc,
        enterpriseName: uscc === null ? null : (this.enterprises.get(uscc)?.name ?? null),
        approvedBy: application?.approvedBy ?? null,
        pending: yuanOf(pendingFen.get(applicationId) ?? 0n),
      };
    });
  }

  /** A disbursement with what its application and enterprise say now. */
  private disbursementView(entry: DisbursementEntry): DisbursementEntry {
    const application = this.applications.get(entry.applicationId);
    return {
      ...entry,
      enterpriseName: entry.uscc === null ? null : (this.enterprises.get(entry.uscc)?.name ?? null),
      approvedBy: application?.approvedBy ?? null,
      award: application?.award ?? null,
      decisionRef: application?.decisionRef ?? null,
    };
  }

  /**
   * Payments in the order they were recorded, at most worklistLengthMax; with `latest`, the last
   * `latest` recorded, newest first (what a page lists as the latest payments).
   */
  async disbursementList(status?: DisbursementEntry['status'], latest?: number): Promise<DisbursementEntry[]> {
    await this.catchUp();
    const found: DisbursementEntry[] = [];
    const entries = [...this.disbursements.values()];
    if (latest !== undefined) entries.reverse();
    const countMax = latest ?? worklistLengthMax;
    for (const entry of entries) {
      if (status !== undefined && entry.status !== status) continue;
      found.push(this.disbursementView(entry));
      if (found.length >= countMax) break;
    }
    return found;
  }

  async disbursement(disbursementId: string): Promise<DisbursementEntry | undefined> {
    await this.catchUp();
    const entry = this.disbursements.get(disbursementId);
    return entry === undefined ? undefined : this.disbursementView(entry);
  }

  /** Clawbacks not yet recovered in full nor written off (all of them with `outstanding` false). */
  async clawbackList(outstanding: boolean): Promise<Array<Omit<ClawbackEntry, 'recoveredFen'> & { recovered: string; outstanding: string }>> {
    await this.catchUp();
    const found = [];
    for (const entry of this.clawbacks.values()) {
      const owedFen = fenOf(entry.amount) - entry.recoveredFen;
      if (outstanding && (entry.writtenOff || owedFen <= 0n)) continue;
      const { recoveredFen, ...rest } = entry;
      found.push({
        ...rest,
        enterpriseName: entry.uscc === null ? null : (this.enterprises.get(entry.uscc)?.name ?? null),
        recovered: yuanOf(recoveredFen),
        outstanding: yuanOf(entry.writtenOff ? 0n : owedFen),
      });
      if (found.length >= worklistLengthMax) break;
    }
    return found;
  }

  /** Enterprises whose USCC starts with, or whose name contains, the text (case-insensitive). */
  async enterpriseSearch(text: string): Promise<EnterpriseEntry[]> {
    await this.catchUp();
    const wanted = text.trim().toUpperCase();
    const found: EnterpriseEntry[] = [];
    if (wanted.length === 0) return found;
    for (const entry of this.enterprises.values()) {
      if (entry.uscc.startsWith(wanted) || entry.name.toUpperCase().includes(wanted)) found.push(entry);
      if (found.length >= enterpriseMatchCountMax) break;
    }
    return found;
  }

  async enterprise(uscc: string): Promise<EnterpriseEntry | undefined> {
    await this.catchUp();
    return this.enterprises.get(uscc);
  }
}
