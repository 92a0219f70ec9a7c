// Questions asked of the read side: budgets and enterprise totals (now or as of a past position or
// time), applications, the approval queue. Figures are decimal strings. The port (ReadSideQueries),
// the views both read sides build from their rows, and the SQLite read side's answers (ReadQueries).
import type Database from 'better-sqlite3';
import { poolCap } from '../programmes/award-rules.js';
import type { ProgrammeDefinition } from '../programmes/programme.js';
import { Money } from '../shared/money.js';
import { projectionName, type ApplicationRow } from './fold.js';

export interface BudgetView {
  programmeId: string;
  year: number;
  budget: string;
  committed: string;
  paid: string;
  clawbackOrdered: string;
  recovered: string;
  remaining: string;
  /** The log position these figures reflect. */
  position: string;
}

export interface EnterpriseTotalsView {
  programmeId: string;
  year: number;
  recognizedSpend: string;
  awarded: string;
  paid: string;
  clawbackOrdered: string;
  recovered: string;
  /** What the enterprise may still be awarded under the per-enterprise cap; null where the programme has none. */
  headroom: string | null;
}

export interface ApplicationView {
  applicationId: string;
  programmeId: string;
  fiscalYear: number;
  uscc: string;
  district: string | null;
  priority: number;
  status: string;
  claimed: string;
  recognized: string | null;
  entitlement: string;
  award: string;
  paid: string;
  clawbackOrdered: string;
  recovered: string;
  noticeId: string | null;
  noticeEndsOn: string | null;
  submittedAt: string;
}

export interface ApplicationFilter {
  programmeId?: string;
  fiscalYear?: number;
  status?: string;
  uscc?: string;
  district?: string;
}

export const pageSizeMax = 500;

/**
 * A point in the log's past: a position, or an instant (the log up to the last event recorded at or
 * before it, among the events the read side reflects).
 */
export type AsOf = { position: bigint } | { time: string };

/** The figures of every row, by table and key, for reconciliation with the log. */
export interface ReadFigures {
  /** The checkpoint these rows reflect: read in the same snapshot as the rows. */
  readonly position: bigint;
  /** By application id: status, award, entitlement, paid, clawback_ordered, recovered. */
  readonly applications: Map<string, Record<string, string>>;
  /** By `programme|year`: budget, committed, paid, clawback_ordered, recovered. */
  readonly budgets: Map<string, Record<string, string>>;
  /** By `uscc|programme|year`: recognized_spend, awarded, paid, clawback_ordered, recovered. */
  readonly totals: Map<string, Record<string, string>>;
}

/** What a read side answers, whichever database keeps it. */
export interface ReadSideQueries {
  checkpoint(name?: string): Promise<bigint>;
  programme(programmeId: string): Promise<ProgrammeDefinition | undefined>;
  programmes(): Promise<ProgrammeDefinition[]>;
  /** The log position an as-of refers to. */
  positionOf(asOf: AsOf): Promise<bigint>;
  budget(programmeId: string, year: number, asOf?: AsOf): Promise<BudgetView | undefined>;
  /** Every programme-year with a budget row, now. */
  budgets(): Promise<BudgetView[]>;
  enterpriseTotals(uscc: string, options?: { year?: number; asOf?: AsOf }): Promise<EnterpriseTotalsView[]>;
  application(applicationId: string): Promise<ApplicationView | undefined>;
  applications(filter: ApplicationFilter, page?: { limit: number; offset: number }): Promise<ApplicationView[]>;
  /** Applications awaiting approval (on or past their notice), enterprises with priority tags first. */
  approvalQueue(programmeId?: string, limit?: number): Promise<ApplicationView[]>;
  figures(): Promise<ReadFigures>;
}

const zero = '0.00';

/** A budget as of `position`, from its row (undefined: nothing recorded yet, the programme's fixed amount if any). */
export function budgetViewOf(
  programme: ProgrammeDefinition | undefined,
  programmeId: string,
  year: number,
  row: Record<string, unknown> | undefined,
  position: bigint,
): BudgetView {
  const fixed = programme?.budget.kind === 'fixed-annual' ? programme.budget.amountYuan : zero;
  const budget = (row?.['budget'] as string | undefined) ?? fixed;
  const committed = (row?.['committed'] as string | undefined) ?? zero;
  return {
    programmeId,
    year,
    budget: Money.of(budget).format(),
    committed,
    paid: (row?.['paid'] as string | undefined) ?? zero,
    clawbackOrdered: (row?.['clawback_ordered'] as string | undefined) ?? zero,
    recovered: (row?.['recovered'] as string | undefined) ?? zero,
    remaining: Money.of(budget).minus(Money.of(committed)).format(),
    position: position.toString(),
  };
}

export function totalsViewOf(r: Record<string, unknown>, programme: ProgrammeDefinition | undefined): EnterpriseTotalsView {
  // Headroom is the enterprise-year's: only the cumulative rule caps it (per-project caps are the project's).
  const cap = programme?.rule.kind === 'cumulative-annual' ? poolCap(programme.rule) : null;
  const awarded = Money.of(r['awarded'] as string);
  return {
    programmeId: r['programme_id'] as string,
    year: Number(r['year']),
    recognizedSpend: r['recognized_spend'] as string,
    awarded: awarded.format(),
    paid: r['paid'] as string,
    clawbackOrdered: r['clawback_ordered'] as string,
    recovered: r['recovered'] as string,
    headroom: cap === null ? null : cap.minus(awarded).max(Money.zero).format(),
  };
}

/** The figures reconciliation compares, from rows of any read side (column names are the same in both). */
export function figuresOf(
  position: bigint,
  rows: {
    applications: Iterable<Record<string, unknown>>;
    budgets: Iterable<Record<string, unknown>>;
    totals: Iterable<Record<string, unknown>>;
  },
): ReadFigures {
  const pick = (r: Record<string, unknown>, fields: readonly string[]): Record<string, string> => Object.fromEntries(fields.map((f) => [f, r[f] as string]));
  const figures: ReadFigures = { position, applications: new Map(), budgets: new Map(), totals: new Map() };
  for (const r of rows.applications) figures.applications.set(r['application_id'] as string, pick(r, ['status', 'award', 'entitlement', 'paid', 'clawback_ordered', 'recovered']));
  for (const r of rows.budgets)
    figures.budgets.set(`${r['programme_id'] as string}|${Number(r['year'])}`, pick(r, ['budget', 'committed', 'paid', 'clawback_ordered', 'recovered']));
  for (const r of rows.totals) {
    figures.totals.set(
      `${r['uscc'] as string}|${r['programme_id'] as string}|${Number(r['year'])}`,
      pick(r, ['recognized_spend', 'awarded', 'paid', 'clawback_ordered', 'recovered']),
    );
  }
  return figures;
}

/** Page limits as every read side applies them. */
export function pageOf(page: { limit: number; offset: number }): { limit: number; offset: number } {
  return { limit: Math.min(Math.max(page.limit, 1), pageSizeMax), offset: Math.max(page.offset, 0) };
}

export function applicationOf(r: Record<string, unknown>): ApplicationView {
  return {
    applicationId: r['application_id'] as string,
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
    submittedAt: r['submitted_at'] as string,
  };
}

/** The row a projection folds into, from the same columns (as bigint or decimal text, by driver). */
export function applicationRowOf(r: Record<string, unknown>): ApplicationRow {
  return {
    ...applicationOf(r),
    submittedPosition: BigInt(r['submitted_position'] as bigint | string),
    position: BigInt(r['position'] as bigint | string),
  };
}

/** The row's values in the order of the read_applications columns, as both read models write them. */
export function applicationColumnValues(r: ApplicationRow) {
  return [
    r.applicationId,
    r.programmeId,
    r.fiscalYear,
    r.uscc,
    r.district,
    r.priority,
    r.status,
    r.claimed,
    r.recognized,
    r.entitlement,
    r.award,
    r.paid,
    r.clawbackOrdered,
    r.recovered,
    r.noticeId,
    r.noticeEndsOn,
    r.submittedPosition,
    r.submittedAt,
    r.position,
  ] as const;
}

/** The SQLite read side's answers. Each runs synchronously inside (better-sqlite3), then resolves. */
export class ReadQueries implements ReadSideQueries {
  // Prepared once per SQL text: preparing on every request cost more than running most queries.
  private readonly statements = new Map<string, Database.Statement>();
  private readonly definitions = new Map<string, { version: number; definition: ProgrammeDefinition }>();
  private readonly timeSql: string;

  constructor(
    private readonly db: Database.Database,
    options: { ownTimeline?: boolean; eventsSchema?: string } = {},
  ) {
    // Beside the events (or with their file attached as `eventsSchema`), their own times; elsewhere,
    // the times the read side keeps (SqliteReadModel's ownTimeline). Either way only events the read
    // side reflects count: its figures cannot be of a later position.
    const events = options.eventsSchema === undefined ? 'events' : `${options.eventsSchema}.events`;
    this.timeSql =
      options.ownTimeline === true
        ? 'SELECT coalesce(max(position), 0) AS position FROM read_event_times WHERE recorded_at <= ? AND position <= ?'
        : `SELECT coalesce(max(position), 0) AS position FROM ${events} WHERE recorded_at <= ? AND position <= ?`;
  }

  private statement(sql: string): Database.Statement {
    let prepared = this.statements.get(sql);
    if (prepared === undefined) {
      prepared = this.db.prepare(sql);
      this.statements.set(sql, prepared);
    }
    return prepared;
  }

  private checkpointNow(name = projectionName): bigint {
    const row = this.statement('SELECT position FROM read_checkpoints WHERE name = ?').safeIntegers(true).get(name) as { position: bigint } | undefined;
    return row?.position ?? 0n;
  }

  private programmeNow(programmeId: string): ProgrammeDefinition | undefined {
    const row = this.statement('SELECT version FROM read_programmes WHERE programme_id = ?').get(programmeId) as { version: number } | undefined;
    return row === undefined ? undefined : this.definition(programmeId, row.version);
  }

  /**
   * A programme's definition at a version, parsed once: a version's definition never changes (an
   * amendment is a new version), and parsing it again for every budget query cost more than the query.
   */
  private definition(programmeId: string, version: number): ProgrammeDefinition {
    const known = this.definitions.get(programmeId);
    if (known !== undefined && known.version === version) return known.definition;
    // Version and definition in one statement: another process may amend the programme meanwhile,
    // and the definition read must be the one of the version remembered with it.
    const row = this.statement('SELECT version, definition FROM read_programmes WHERE programme_id = ?').get(programmeId) as { version: number; definition: string } | undefined;
    if (row === undefined) throw new Error(`programme ${programmeId} disappeared from the read side while it was read`);
    const definition = JSON.parse(row.definition) as ProgrammeDefinition;
    this.definitions.set(programmeId, { version: row.version, definition });
    return definition;
  }

  private positionNow(asOf: AsOf): bigint {
    if ('position' in asOf) return asOf.position;
    return (this.statement(this.timeSql).safeIntegers(true).get(asOf.time, this.checkpointNow()) as { position: bigint }).position;
  }

  async checkpoint(name = projectionName): Promise<bigint> {
    return this.checkpointNow(name);
  }

  async programme(programmeId: string): Promise<ProgrammeDefinition | undefined> {
    return this.programmeNow(programmeId);
  }

  async programmes(): Promise<ProgrammeDefinition[]> {
    return (this.statement('SELECT definition FROM read_programmes ORDER BY programme_id').all() as { definition: string }[]).map(
      (r) => JSON.parse(r.definition) as ProgrammeDefinition,
    );
  }

  async positionOf(asOf: AsOf): Promise<bigint> {
    return this.positionNow(asOf);
  }

  async budget(programmeId: string, year: number, asOf?: AsOf): Promise<BudgetView | undefined> {
    if (asOf === undefined) {
      // Now: the programme's version, the budget row and the checkpoint in one statement, so in one
      // snapshot (the figures are exactly those of the position given with them), and one round.
      const row = this.statement(
        `SELECT p.version AS programme_version, b.budget, b.committed, b.paid, b.clawback_ordered, b.recovered,
           (SELECT position FROM read_checkpoints WHERE name = ?) AS checkpoint
         FROM read_programmes p LEFT JOIN read_budgets b ON b.programme_id = p.programme_id AND b.year = ?
         WHERE p.programme_id = ?`,
      )
        .safeIntegers(true)
        .get(projectionName, year, programmeId) as (Record<string, string | null> & { programme_version: bigint; checkpoint: bigint | null }) | undefined;
      if (row === undefined) return undefined;
      const programme = this.definition(programmeId, Number(row.programme_version));
      return budgetViewOf(programme, programmeId, year, row['budget'] === null ? undefined : row, row.checkpoint ?? 0n);
    }
    const programme = this.programmeNow(programmeId);
    if (programme === undefined) return undefined;
    const position = this.positionNow(asOf);
    const row = this.statement('SELECT * FROM read_budget_versions WHERE programme_id = ? AND year = ? AND position <= ? ORDER BY position DESC LIMIT 1').get(
      programmeId,
      year,
      position,
    ) as Record<string, string> | undefined;
    return budgetViewOf(programme, programmeId, year, row, position);
  }

  async budgets(): Promise<BudgetView[]> {
    const position = this.checkpointNow();
    const rows = this.statement('SELECT * FROM read_budgets ORDER BY programme_id, year').all() as Record<string, unknown>[];
    return rows.map((r) => budgetViewOf(this.programmeNow(r['programme_id'] as string), r['programme_id'] as string, Number(r['year']), r, position));
  }

  async enterpriseTotals(uscc: string, options: { year?: number; asOf?: AsOf } = {}): Promise<EnterpriseTotalsView[]> {
    const year = options.year ?? null;
    const rows = (
      options.asOf === undefined
        ? this.statement('SELECT * FROM read_enterprise_totals WHERE uscc = ? AND (? IS NULL OR year = ?) ORDER BY programme_id, year').all(uscc, year, year)
        : this.statement(
            `SELECT v.* FROM read_enterprise_total_versions v
             JOIN (SELECT programme_id, year, max(position) AS position FROM read_enterprise_total_versions
                   WHERE uscc = ? AND position <= ? AND (? IS NULL OR year = ?) GROUP BY programme_id, year) last
               ON v.programme_id = last.programme_id AND v.year = last.year AND v.position = last.position
             WHERE v.uscc = ? ORDER BY v.programme_id, v.year`,
          ).all(uscc, this.positionNow(options.asOf), year, year, uscc)
    ) as Record<string, unknown>[];
    return rows.map((r) => totalsViewOf(r, this.programmeNow(r['programme_id'] as string)));
  }

  async application(applicationId: string): Promise<ApplicationView | undefined> {
    const row = this.statement('SELECT * FROM read_applications WHERE application_id = ?').get(applicationId) as Record<string, unknown> | undefined;
    return row === undefined ? undefined : applicationOf(row);
  }

  async applications(filter: ApplicationFilter, page: { limit: number; offset: number } = { limit: 100, offset: 0 }): Promise<ApplicationView[]> {
    const { limit, offset } = pageOf(page);
    const rows = this.statement(
      `SELECT * FROM read_applications
       WHERE (@programmeId IS NULL OR programme_id = @programmeId) AND (@fiscalYear IS NULL OR fiscal_year = @fiscalYear)
         AND (@status IS NULL OR status = @status) AND (@uscc IS NULL OR uscc = @uscc) AND (@district IS NULL OR district = @district)
       ORDER BY submitted_position LIMIT @limit OFFSET @offset`,
    ).all({
      programmeId: filter.programmeId ?? null,
      fiscalYear: filter.fiscalYear ?? null,
      status: filter.status ?? null,
      uscc: filter.uscc ?? null,
      district: filter.district ?? null,
      limit,
      offset,
    }) as Record<string, unknown>[];
    return rows.map(applicationOf);
  }

  async approvalQueue(programmeId?: string, limit = 100): Promise<ApplicationView[]> {
    // Rule `baoding-m8-tags`: the enterprise's tags as they are now rank it, not as they were at submission.
    const rows = this.statement(
      `SELECT a.*, COALESCE(e.priority, a.priority) AS queue_priority FROM read_applications a LEFT JOIN read_enterprises e ON e.uscc = a.uscc
       WHERE a.status = 'in_notice' AND (? IS NULL OR a.programme_id = ?)
       ORDER BY queue_priority DESC, a.submitted_position LIMIT ?`,
    ).all(programmeId ?? null, programmeId ?? null, pageOf({ limit, offset: 0 }).limit) as Record<string, unknown>[];
    return rows.map((r) => applicationOf({ ...r, priority: r['queue_priority'] }));
  }

  async figures(): Promise<ReadFigures> {
    // One read transaction: the rows and the checkpoint are of the same moment, even while a projector commits.
    return this.db.transaction(() =>
      figuresOf(this.checkpointNow(), {
        applications: this.statement('SELECT * FROM read_applications').all() as Record<string, unknown>[],
        budgets: this.statement('SELECT * FROM read_budgets').all() as Record<string, unknown>[],
        totals: this.statement('SELECT * FROM read_enterprise_totals').all() as Record<string, unknown>[],
      }),
    )();
  }
}
