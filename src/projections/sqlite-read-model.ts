// The read side in SQLite, in the same database as the events (or, for a store that keeps none,
// in a file of its own): budgets, enterprise totals, enterprises, applications, and versions of the
// money figures for as-of queries. A batch of events and the checkpoint after it are committed in
// one transaction: a crash never applies an event twice or skips one.
import type Database from 'better-sqlite3';
import type { ProjectedEvent } from '../event-store/event-store.js';
import {
  RowCache,
  foldEvent,
  projectionName,
  readTables,
  rebuildMarker,
  type ApplicationRow,
  type BudgetRow,
  type EnterpriseRow,
  type FoldTarget,
  type TotalsRow,
} from './fold.js';
import { applicationColumnValues, applicationRowOf } from './queries.js';
import { ReadSideRebuildingError, type ReadModel } from './read-model.js';

export { priorityTags, projectionName, readTables } from './fold.js';

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
  {
    // When the events are elsewhere (another store), as-of-a-time needs the time of every position.
    version: 2,
    sql: `
      CREATE TABLE read_event_times (position INTEGER PRIMARY KEY, recorded_at TEXT NOT NULL);
      CREATE INDEX read_event_times_by_time ON read_event_times (recorded_at, position);
    `,
  },
];

/**
 * Indexes of the append-only tables. A rebuild drops them, fills the tables in log order, and builds
 * them again by sorting once, which is much cheaper than keeping them up to date row by row.
 */
const appendOnlyIndexes = [
  'CREATE UNIQUE INDEX IF NOT EXISTS read_budget_versions_key ON read_budget_versions (programme_id, year, position)',
  'CREATE UNIQUE INDEX IF NOT EXISTS read_enterprise_total_versions_key ON read_enterprise_total_versions (uscc, programme_id, year, position)',
] as const;
const appendOnlyIndexNames = ['read_budget_versions_key', 'read_enterprise_total_versions_key'] as const;

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

export interface SqliteReadModelOptions {
  readonly name?: string;
  /**
   * The events are not in this database: keep the time of every position (read_event_times), for
   * as-of-a-time queries. Off when the read side sits beside the events table, which has them.
   */
  readonly ownTimeline?: boolean;
}

export class SqliteReadModel implements ReadModel, FoldTarget {
  readonly name: string;
  private readonly ownTimeline: boolean;
  readonly budgets: RowCache<BudgetRow>;
  readonly totals: RowCache<TotalsRow>;
  readonly enterprises: RowCache<EnterpriseRow>;
  readonly applications: RowCache<ApplicationRow>;
  private readonly statements;
  private readonly applyBatchInTransaction: Database.Transaction<(events: readonly ProjectedEvent[]) => bigint>;
  private bulk = false;

  constructor(
    readonly db: Database.Database,
    options: SqliteReadModelOptions | string = {},
  ) {
    // A name alone, as callers gave it before the options existed.
    const settings = typeof options === 'string' ? { name: options } : options;
    this.name = settings.name ?? projectionName;
    this.ownTimeline = settings.ownTimeline ?? false;
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
      eventTime: db.prepare('INSERT OR REPLACE INTO read_event_times (position, recorded_at) VALUES (?, ?)'),
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
      (r) => s.saveTotals.run(r.uscc, r.programmeId, r.year, r.recognizedSpend, r.awarded, r.paid, r.clawbackOrdered, r.recovered, r.position),
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
        const r = s.application.get(id) as Record<string, unknown> | undefined;
        return r === undefined ? undefined : applicationRowOf(r);
      },
      (r) => s.saveApplication.run(...applicationColumnValues(r)),
    );

    this.applyBatchInTransaction = db.transaction((events: readonly ProjectedEvent[]) => {
      // Outside a rebuild of its own, a live batch must not land in tables another process is rebuilding.
      if (!this.bulk && s.checkpoint.get(rebuildMarker) !== undefined) throw new ReadSideRebuildingError();
      // Read inside the transaction: events another projector already applied are skipped, not applied twice.
      const checkpoint = (s.checkpoint.get(this.name) as bigint | undefined) ?? 0n;
      for (const event of events) {
        if (event.position <= checkpoint) continue;
        foldEvent(this, event);
        if (this.ownTimeline) s.eventTime.run(event.position, event.metadata.recordedAt);
      }
      this.budgets.flush();
      this.totals.flush();
      this.enterprises.flush();
      this.applications.flush();
      const last = events[events.length - 1];
      if (last === undefined || last.position <= checkpoint) return checkpoint;
      s.setCheckpoint.run(this.name, last.position);
      return last.position;
    });
  }

  programme(definition: { id: string; version: number }): void {
    this.statements.programme.run(definition.id, definition.version, JSON.stringify(definition));
  }

  budgetVersion(row: BudgetRow, event: ProjectedEvent): void {
    this.statements.budgetVersion.run(
      row.programmeId,
      row.year,
      event.position,
      event.metadata.recordedAt,
      row.budget,
      row.committed,
      row.paid,
      row.clawbackOrdered,
      row.recovered,
    );
  }

  totalsVersion(row: TotalsRow, event: ProjectedEvent): void {
    this.statements.totalsVersion.run(
      row.uscc,
      row.programmeId,
      row.year,
      event.position,
      event.metadata.recordedAt,
      row.recognizedSpend,
      row.awarded,
      row.paid,
      row.clawbackOrdered,
      row.recovered,
    );
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
    this.db
      .transaction(() => {
        for (const table of [...readTables, 'read_event_times']) this.db.exec(`DELETE FROM ${table}`);
        this.db.prepare('DELETE FROM read_checkpoints WHERE name = ?').run(this.name);
        for (const index of appendOnlyIndexNames) this.db.exec(`DROP INDEX IF EXISTS ${index}`);
        this.statements.setCheckpoint.run(rebuildMarker, 0);
      })
      .immediate();
    this.bulk = true;
    for (const cache of this.caches) cache.bulk = true;
  }

  /** Writes the rows kept in memory, builds the indexes, and removes the marker: one transaction. */
  endBulk(): void {
    this.db
      .transaction(() => {
        for (const cache of this.caches) cache.flush(true);
        for (const index of appendOnlyIndexes) this.db.exec(index);
        this.db.prepare('DELETE FROM read_checkpoints WHERE name = ?').run(rebuildMarker);
      })
      .immediate();
    this.leaveBulk();
  }

  /** The marker stays: the next start rebuilds. */
  abortBulk(): void {
    this.leaveBulk();
  }

  private leaveBulk(): void {
    this.bulk = false;
    for (const cache of this.caches) {
      cache.bulk = false;
      cache.discard();
    }
  }

  isRebuildInterrupted(): boolean {
    return this.statements.checkpoint.get(rebuildMarker) !== undefined;
  }

  /** Applies events (in log order) that are after the checkpoint, and moves the checkpoint: one transaction. */
  applyBatch(events: readonly ProjectedEvent[]): bigint {
    if (events.length === 0) return this.checkpoint();
    // Committed without a disk sync of its own: the read side is derived from the log, and a batch a
    // power cut loses goes with its checkpoint (the write-ahead log loses a tail, never a middle), so
    // it is applied again. The connection's own setting is put back for the events' commits.
    const synchronous = this.db.pragma('synchronous', { simple: true }) as number;
    if (synchronous > 1) this.db.pragma('synchronous = NORMAL');
    try {
      return this.applyBatchInTransaction.immediate(events);
    } catch (error) {
      // Rolled back: rows changed in memory for this batch are not the table's any more.
      if (!this.bulk) for (const cache of this.caches) cache.discard();
      throw error;
    } finally {
      if (synchronous > 1) this.db.pragma(`synchronous = ${synchronous}`);
    }
  }

  /** Empties every read table and the checkpoint, for a replay from the start. */
  reset(): void {
    this.db
      .transaction(() => {
        for (const table of [...readTables, 'read_event_times']) this.db.exec(`DELETE FROM ${table}`);
        this.db.prepare('DELETE FROM read_checkpoints WHERE name = ?').run(this.name);
      })
      .immediate();
  }
}
