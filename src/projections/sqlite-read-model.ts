// The read side in SQLite, in the same database as the events: budgets, enterprise totals,
// enterprises, applications, histories, and versions of the money figures for as-of queries.
// A batch of events and the checkpoint after it are committed in one transaction: a crash
// never applies an event twice or skips one.
import type Database from 'better-sqlite3';
import type { StoredEvent } from '../event-store/event-store.js';
import type { DomainEvents, EventType } from '../domain/events.js';
import { Money } from '../shared/money.js';

export const projectionName = 'ledger';

/** Tags that put an enterprise first in the approval queue (Baoding measure 8). */
export const priorityTags = ['unicorn', 'potential-unicorn', 'specialized-little-giant', 'hidden-champion'] as const;

const readMigrations: readonly { version: number; sql: string }[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE read_checkpoints (name TEXT PRIMARY KEY, position INTEGER NOT NULL);
      CREATE TABLE read_programmes (programme_id TEXT PRIMARY KEY, version INTEGER NOT NULL, definition TEXT NOT NULL);
      CREATE TABLE read_budgets (
        programme_id TEXT NOT NULL, year INTEGER NOT NULL,
        budget TEXT NOT NULL, committed TEXT NOT NULL, paid TEXT NOT NULL, clawback_ordered TEXT NOT NULL, recovered TEXT NOT NULL,
        position INTEGER NOT NULL, PRIMARY KEY (programme_id, year)) WITHOUT ROWID;
      CREATE TABLE read_budget_versions (
        programme_id TEXT NOT NULL, year INTEGER NOT NULL, position INTEGER NOT NULL, recorded_at TEXT NOT NULL,
        budget TEXT NOT NULL, committed TEXT NOT NULL, paid TEXT NOT NULL, clawback_ordered TEXT NOT NULL, recovered TEXT NOT NULL);
      CREATE TABLE read_enterprise_totals (
        uscc TEXT NOT NULL, programme_id TEXT NOT NULL, year INTEGER NOT NULL,
        recognized_spend TEXT NOT NULL, awarded TEXT NOT NULL, paid TEXT NOT NULL, clawback_ordered TEXT NOT NULL, recovered TEXT NOT NULL,
        position INTEGER NOT NULL, PRIMARY KEY (uscc, programme_id, year)) WITHOUT ROWID;
      CREATE TABLE read_enterprise_total_versions (
        uscc TEXT NOT NULL, programme_id TEXT NOT NULL, year INTEGER NOT NULL, position INTEGER NOT NULL, recorded_at TEXT NOT NULL,
        recognized_spend TEXT NOT NULL, awarded TEXT NOT NULL, paid TEXT NOT NULL, clawback_ordered TEXT NOT NULL, recovered TEXT NOT NULL);
      CREATE TABLE read_enterprises (
        uscc TEXT PRIMARY KEY, name TEXT NOT NULL, city TEXT NOT NULL, district TEXT, tags TEXT NOT NULL,
        priority INTEGER NOT NULL, flags TEXT NOT NULL, position INTEGER NOT NULL) WITHOUT ROWID;
      CREATE TABLE read_applications (
        application_id TEXT PRIMARY KEY, programme_id TEXT NOT NULL, fiscal_year INTEGER NOT NULL, uscc TEXT NOT NULL,
        district TEXT, priority INTEGER NOT NULL, status TEXT NOT NULL, claimed TEXT NOT NULL, recognized TEXT,
        entitlement TEXT NOT NULL, award TEXT NOT NULL, paid TEXT NOT NULL, clawback_ordered TEXT NOT NULL, recovered TEXT NOT NULL,
        notice_id TEXT, notice_ends_on TEXT, submitted_position INTEGER NOT NULL, submitted_at TEXT NOT NULL,
        position INTEGER NOT NULL) WITHOUT ROWID;
      CREATE INDEX read_applications_by_programme ON read_applications (programme_id, fiscal_year, status);
      CREATE INDEX read_applications_by_enterprise ON read_applications (uscc);
      CREATE INDEX read_applications_queue ON read_applications (status, priority DESC, submitted_position);
    `,
  },
];

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

/**
 * Indexes of the append-only tables. A rebuild drops them, fills the tables in log order, and builds
 * them again by sorting once, which is much cheaper than keeping them up to date row by row.
 */
const appendOnlyIndexes = [
  'CREATE UNIQUE INDEX IF NOT EXISTS read_budget_versions_key ON read_budget_versions (programme_id, year, position)',
  'CREATE UNIQUE INDEX IF NOT EXISTS read_enterprise_total_versions_key ON read_enterprise_total_versions (uscc, programme_id, year, position)',
] as const;
const appendOnlyIndexNames = ['read_budget_versions_key', 'read_enterprise_total_versions_key'] as const;

/** A rebuild under way: its checkpoint row. Found at start, it means a rebuild was cut off: start again. */
const rebuildMarker = 'rebuild-in-progress';

export function migrateReadSide(db: Database.Database): void {
  db.transaction(() => {
    db.exec('CREATE TABLE IF NOT EXISTS read_migrations (version INTEGER PRIMARY KEY)');
    const current = (db.prepare('SELECT coalesce(max(version), 0) AS v FROM read_migrations').get() as { v: number }).v;
    for (const migration of readMigrations) {
      if (migration.version <= current) continue;
      db.exec(migration.sql);
      db.prepare('INSERT INTO read_migrations (version) VALUES (?)').run(migration.version);
    }
    for (const index of appendOnlyIndexes) db.exec(index);
  }).immediate();
}

/** Amounts are kept as the decimal strings they are stored as; arithmetic on them goes through Money. */
type Amount = string;

interface Figures {
  paid: Amount;
  clawbackOrdered: Amount;
  recovered: Amount;
}

interface BudgetRow extends Figures {
  programmeId: string;
  year: number;
  budget: Amount;
  committed: Amount;
  position: bigint;
}

interface TotalsRow extends Figures {
  uscc: string;
  programmeId: string;
  year: number;
  recognizedSpend: Amount;
  awarded: Amount;
  position: bigint;
}

interface EnterpriseRow {
  uscc: string;
  name: string;
  city: string;
  district: string | null;
  tags: string[];
  priority: number;
  flags: Record<string, string>;
  position: bigint;
}

interface ApplicationRow extends Figures {
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

/** Rows touched by one batch: read once from the table, written once at the end. */
class RowCache<R> {
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
}

const zero = '0.00';

type Data<T extends EventType> = DomainEvents[T];

export class SqliteReadModel {
  private readonly budgets: RowCache<BudgetRow>;
  private readonly totals: RowCache<TotalsRow>;
  private readonly enterprises: RowCache<EnterpriseRow>;
  private readonly applications: RowCache<ApplicationRow>;
  private readonly statements;
  private readonly applyBatchInTransaction: Database.Transaction<(events: readonly StoredEvent[]) => void>;

  constructor(
    readonly db: Database.Database,
    readonly name = projectionName,
  ) {
    migrateReadSide(db);
    const s = {
      checkpoint: db.prepare('SELECT position FROM read_checkpoints WHERE name = ?').pluck().safeIntegers(true),
      setCheckpoint: db.prepare('INSERT INTO read_checkpoints (name, position) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET position = excluded.position'),
      programme: db.prepare('INSERT OR REPLACE INTO read_programmes (programme_id, version, definition) VALUES (?, ?, ?)'),
      budget: db.prepare('SELECT * FROM read_budgets WHERE programme_id = ? AND year = ?').safeIntegers(true),
      saveBudget: db.prepare('INSERT OR REPLACE INTO read_budgets VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
      budgetVersion: db.prepare('INSERT INTO read_budget_versions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)'),
      totals: db.prepare('SELECT * FROM read_enterprise_totals WHERE uscc = ? AND programme_id = ? AND year = ?').safeIntegers(true),
      saveTotals: db.prepare('INSERT OR REPLACE INTO read_enterprise_totals VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)'),
      totalsVersion: db.prepare('INSERT INTO read_enterprise_total_versions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'),
      enterprise: db.prepare('SELECT * FROM read_enterprises WHERE uscc = ?').safeIntegers(true),
      saveEnterprise: db.prepare('INSERT OR REPLACE INTO read_enterprises VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
      application: db.prepare('SELECT * FROM read_applications WHERE application_id = ?').safeIntegers(true),
      saveApplication: db.prepare('INSERT OR REPLACE INTO read_applications VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'),
    };
    this.statements = s;

    this.budgets = new RowCache(
      (key) => {
        const [programmeId, year] = key.split('|') as [string, string];
        const r = s.budget.get(programmeId, Number(year)) as Record<string, string | bigint> | undefined;
        return r === undefined
          ? undefined
          : {
              programmeId,
              year: Number(year),
              budget: r['budget'] as string,
              committed: r['committed'] as string,
              paid: r['paid'] as string,
              clawbackOrdered: r['clawback_ordered'] as string,
              recovered: r['recovered'] as string,
              position: r['position'] as bigint,
            };
      },
      (r) => s.saveBudget.run(r.programmeId, r.year, r.budget, r.committed, r.paid, r.clawbackOrdered, r.recovered, r.position),
    );
    this.totals = new RowCache(
      (key) => {
        const [uscc, programmeId, year] = key.split('|') as [string, string, string];
        const r = s.totals.get(uscc, programmeId, Number(year)) as Record<string, string | bigint> | undefined;
        return r === undefined
          ? undefined
          : {
              uscc,
              programmeId,
              year: Number(year),
              recognizedSpend: r['recognized_spend'] as string,
              awarded: r['awarded'] as string,
              paid: r['paid'] as string,
              clawbackOrdered: r['clawback_ordered'] as string,
              recovered: r['recovered'] as string,
              position: r['position'] as bigint,
            };
      },
      (r) =>
        s.saveTotals.run(r.uscc, r.programmeId, r.year, r.recognizedSpend, r.awarded, r.paid, r.clawbackOrdered, r.recovered, r.position),
    );
    this.enterprises = new RowCache(
      (uscc) => {
        const r = s.enterprise.get(uscc) as Record<string, string | bigint | null> | undefined;
        return r === undefined
          ? undefined
          : {
              uscc,
              name: r['name'] as string,
              city: r['city'] as string,
              district: r['district'] as string | null,
              tags: JSON.parse(r['tags'] as string) as string[],
              priority: Number(r['priority']),
              flags: JSON.parse(r['flags'] as string) as Record<string, string>,
              position: r['position'] as bigint,
            };
      },
      (r) => s.saveEnterprise.run(r.uscc, r.name, r.city, r.district, JSON.stringify(r.tags), r.priority, JSON.stringify(r.flags), r.position),
    );
    this.applications = new RowCache(
      (id) => {
        const r = s.application.get(id) as Record<string, string | bigint | null> | undefined;
        return r === undefined
          ? undefined
          : {
              applicationId: id,
              programmeId: r['programme_id'] as string,
              fiscalYear: Number(r['fiscal_year']),
              uscc: r['uscc'] as string,
              district: r['district'] as string | null,
              priority: Number(r['priority']),
              status: r['status'] as string,
              claimed: r['claimed'] as string,
              recognized: r['recognized'] as string | null,
              entitlement: r['entitlement'] as string,
              award: r['award'] as string,
              paid: r['paid'] as string,
              clawbackOrdered: r['clawback_ordered'] as string,
              recovered: r['recovered'] as string,
              noticeId: r['notice_id'] as string | null,
              noticeEndsOn: r['notice_ends_on'] as string | null,
              submittedPosition: r['submitted_position'] as bigint,
              submittedAt: r['submitted_at'] as string,
              position: r['position'] as bigint,
            };
      },
      (r) =>
        s.saveApplication.run(
          r.applicationId, r.programmeId, r.fiscalYear, r.uscc, r.district, r.priority, r.status, r.claimed, r.recognized,
          r.entitlement, r.award, r.paid, r.clawbackOrdered, r.recovered, r.noticeId, r.noticeEndsOn,
          r.submittedPosition, r.submittedAt, r.position,
        ),
    );

    this.applyBatchInTransaction = db.transaction((events: readonly StoredEvent[]) => {
      // Read inside the transaction: events another projector already applied are skipped, not applied twice.
      const checkpoint = (s.checkpoint.get(this.name) as bigint | undefined) ?? 0n;
      for (const event of events) if (event.position > checkpoint) this.apply(event);
      this.budgets.flush();
      this.totals.flush();
      this.enterprises.flush();
      this.applications.flush();
      const last = events[events.length - 1];
      if (last !== undefined && last.position > checkpoint) s.setCheckpoint.run(this.name, last.position);
    });
  }

  checkpoint(): bigint {
    return (this.statements.checkpoint.get(this.name) as bigint | undefined) ?? 0n;
  }

  private get caches(): RowCache<unknown>[] {
    return [this.budgets, this.totals, this.enterprises, this.applications] as RowCache<unknown>[];
  }

  /**
   * Starts a rebuild from an empty read side: the mutable rows are kept in memory until `endBulk`,
   * the append-only tables are filled without indexes. Batches commit as usual (with the checkpoint),
   * but a marker says the read side is incomplete until the end: if the process dies first, the
   * next start finds the marker and starts the rebuild again.
   */
  beginBulk(): void {
    this.db.transaction(() => {
      for (const table of readTables) this.db.exec(`DELETE FROM ${table}`);
      this.db.prepare('DELETE FROM read_checkpoints WHERE name = ?').run(this.name);
      for (const index of appendOnlyIndexNames) this.db.exec(`DROP INDEX IF EXISTS ${index}`);
      this.statements.setCheckpoint.run(rebuildMarker, 0);
    }).immediate();
    for (const cache of this.caches) cache.bulk = true;
  }

  /** Writes the rows kept in memory, builds the indexes, and removes the marker: one transaction. */
  endBulk(): void {
    this.db.transaction(() => {
      for (const cache of this.caches) cache.flush(true);
      for (const index of appendOnlyIndexes) this.db.exec(index);
      this.db.prepare('DELETE FROM read_checkpoints WHERE name = ?').run(rebuildMarker);
    }).immediate();
    for (const cache of this.caches) cache.bulk = false;
  }

  /** True when a rebuild was cut off: the read side must be rebuilt before it is used. */
  get rebuildInterrupted(): boolean {
    return this.statements.checkpoint.get(rebuildMarker) !== undefined;
  }

  /** Applies events (in log order) that are after the checkpoint, and moves the checkpoint: one transaction. */
  applyBatch(events: readonly StoredEvent[]): void {
    if (events.length === 0) return;
    this.applyBatchInTransaction.immediate(events);
  }

  /** Empties every read table and the checkpoint, for a replay from the start. */
  reset(): void {
    this.db.transaction(() => {
      for (const table of readTables) this.db.exec(`DELETE FROM ${table}`);
      this.db.prepare('DELETE FROM read_checkpoints WHERE name = ?').run(this.name);
    }).immediate();
  }

  private budgetVersion(row: BudgetRow, event: StoredEvent): void {
    row.position = event.position;
    this.statements.budgetVersion.run(
      row.programmeId, row.year, event.position, event.metadata.recordedAt, row.budget, row.committed, row.paid, row.clawbackOrdered, row.recovered,
    );
  }

  private totalsVersion(row: TotalsRow, event: StoredEvent): void {
    row.position = event.position;
    this.statements.totalsVersion.run(
      row.uscc, row.programmeId, row.year, event.position, event.metadata.recordedAt, row.recognizedSpend, row.awarded, row.paid,
      row.clawbackOrdered, row.recovered,
    );
  }

  private budgetRow(programmeId: string, year: number): BudgetRow {
    const key = `${programmeId}|${year}`;
    const row = this.budgets.get(key) ?? { programmeId, year, budget: zero, committed: zero, paid: zero, clawbackOrdered: zero, recovered: zero, position: 0n };
    this.budgets.set(key, row);
    return row;
  }

  private totalsRow(uscc: string, programmeId: string, year: number): TotalsRow {
    const key = `${uscc}|${programmeId}|${year}`;
    const row = this.totals.get(key) ?? {
      uscc, programmeId, year, recognizedSpend: zero, awarded: zero, paid: zero, clawbackOrdered: zero, recovered: zero, position: 0n,
    };
    this.totals.set(key, row);
    return row;
  }

  private applicationRow(applicationId: string): ApplicationRow {
    const row = this.applications.get(applicationId);
    if (row === undefined) throw new Error(`event for application ${applicationId}, which was never submitted`);
    this.applications.set(applicationId, row);
    return row;
  }

  /** Adds to paid, clawback ordered or recovered on the application, its budget and its enterprise year. */
  private addFigure(applicationId: string, figure: keyof Figures, amountText: Amount, event: StoredEvent): void {
    const amount = Money.of(amountText);
    const add = (current: Amount): Amount => Money.of(current).plus(amount).format();
    const application = this.applicationRow(applicationId);
    application[figure] = add(application[figure]);
    application.position = event.position;
    const budget = this.budgetRow(application.programmeId, application.fiscalYear);
    budget[figure] = add(budget[figure]);
    this.budgetVersion(budget, event);
    const totals = this.totalsRow(application.uscc, application.programmeId, application.fiscalYear);
    totals[figure] = add(totals[figure]);
    this.totalsVersion(totals, event);
  }

  private apply(event: StoredEvent): void {
    const type = event.type as EventType;
    switch (type) {
      case 'ProgrammePublished': {
        const d = event.data as unknown as Data<'ProgrammePublished'>;
        this.statements.programme.run(d.definition.id, d.definition.version, JSON.stringify(d.definition));
        return;
      }
      case 'BudgetAllocated':
      case 'AwardCommitted':
      case 'AwardReleased':
      case 'HeadroomRestored': {
        const d = event.data as unknown as Data<'AwardCommitted'>;
        const row = this.budgetRow(d.programmeId, d.year);
        row.budget = d.budgetAfter;
        row.committed = d.committedAfter;
        this.budgetVersion(row, event);
        return;
      }
      case 'AwardGranted':
      case 'AwardWithdrawn':
      case 'EnterpriseHeadroomRestored': {
        const d = event.data as unknown as Data<'AwardGranted'>;
        const row = this.totalsRow(d.uscc, d.programmeId, d.year);
        row.recognizedSpend = d.spendAfter;
        row.awarded = d.awardedAfter;
        this.totalsVersion(row, event);
        return;
      }
      case 'EnterpriseRegistered': {
        const d = event.data as unknown as Data<'EnterpriseRegistered'>;
        const priority = d.tags.some((t) => (priorityTags as readonly string[]).includes(t)) ? 1 : 0;
        this.enterprises.set(d.uscc, { uscc: d.uscc, name: d.name, city: d.city, district: d.district, tags: d.tags, priority, flags: {}, position: event.position });
        return;
      }
      case 'FlagRaised':
      case 'FlagLifted': {
        const d = event.data as unknown as Data<'FlagRaised'>;
        const row = this.enterprises.get(d.uscc);
        if (row === undefined) throw new Error(`flag on unregistered enterprise ${d.uscc}`);
        const flags = { ...row.flags };
        if (type === 'FlagRaised') flags[d.flagId] = d.list;
        else delete flags[d.flagId];
        this.enterprises.set(d.uscc, { ...row, flags, position: event.position });
        return;
      }
      case 'ApplicationSubmitted': {
        const d = event.data as unknown as Data<'ApplicationSubmitted'>;
        const enterprise = this.enterprises.get(d.uscc);
        this.applications.set(d.applicationId, {
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
        const d = event.data as unknown as Data<'StageReviewed'>;
        const row = this.applicationRow(d.applicationId);
        row.status = d.final ? 'reviewed' : 'in_review';
        if (d.recognizedAmount !== null) row.recognized = d.recognizedAmount;
        row.position = event.position;
        return;
      }
      case 'ApplicationRejected':
      case 'ApplicationWithdrawn':
      case 'AwardRevoked': {
        const d = event.data as unknown as Data<'ApplicationRejected'>;
        const row = this.applicationRow(d.applicationId);
        row.status = type === 'ApplicationRejected' ? 'rejected' : type === 'ApplicationWithdrawn' ? 'withdrawn' : 'revoked';
        row.position = event.position;
        return;
      }
      case 'ApplicationNoticed': {
        const d = event.data as unknown as Data<'ApplicationNoticed'>;
        const row = this.applicationRow(d.applicationId);
        row.status = 'in_notice';
        row.noticeId = d.noticeId;
        row.noticeEndsOn = d.endsOn;
        row.position = event.position;
        return;
      }
      case 'AwardApproved': {
        const d = event.data as unknown as Data<'AwardApproved'>;
        const row = this.applicationRow(d.applicationId);
        row.status = 'approved';
        row.entitlement = d.entitlement;
        row.award = d.award;
        row.position = event.position;
        return;
      }
      case 'DisbursementConfirmed': {
        const d = event.data as unknown as Data<'DisbursementConfirmed'>;
        this.addFigure(d.applicationId, 'paid', d.amount, event);
        return;
      }
      case 'ClawbackOrdered': {
        const d = event.data as unknown as Data<'ClawbackOrdered'>;
        this.addFigure(d.applicationId, 'clawbackOrdered', d.amount, event);
        return;
      }
      case 'RecoveryRecorded': {
        const d = event.data as unknown as Data<'RecoveryRecorded'>;
        this.addFigure(d.applicationId, 'recovered', d.amount, event);
        return;
      }
      // Nothing here changes a figure of the read side (histories come from the streams themselves).
      case 'DisbursementRecorded':
      case 'DisbursementRejected':
      case 'ClawbackWrittenOff':
      case 'ObjectionFiled':
      case 'ObjectionResolved':
      case 'HolidayYearPublished':
      case 'InvoiceClaimed':
      case 'InvoiceReleased':
      case 'MatterFunded':
      case 'MatterReleased':
      case 'NoticeOpened':
      case 'DisbursementIndexed':
      case 'ClawbackIndexed':
      case 'PaymentReferenceUsed':
      case 'CommandProcessed':
        return;
      default: {
        const unknown: never = type;
        throw new Error(`the read side does not know event type ${String(unknown)}`);
      }
    }
  }
}
