// Questions asked of the read side: budgets and enterprise totals (now or as of a past position or
// time), applications, the approval queue, histories. Figures are decimal strings.
import type Database from 'better-sqlite3';
import { capPerEnterpriseYear } from '../programmes/award-rules.js';
import type { ProgrammeDefinition } from '../programmes/programme.js';
import { Money } from '../shared/money.js';

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

/** A point in the log's past: a position, or an instant (the log up to the last event recorded at or before it). */
export type AsOf = { position: bigint } | { time: string };

const zero = '0.00';

function applicationOf(r: Record<string, unknown>): ApplicationView {
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

export class ReadQueries {
  // Prepared once per SQL text: preparing on every request cost more than running most queries.
  private readonly statements = new Map<string, Database.Statement>();

  constructor(private readonly db: Database.Database) {}

  private statement(sql: string): Database.Statement {
    let prepared = this.statements.get(sql);
    if (prepared === undefined) {
      prepared = this.db.prepare(sql);
      this.statements.set(sql, prepared);
    }
    return prepared;
  }

  checkpoint(name = 'ledger'): bigint {
    const row = this.statement('SELECT position FROM read_checkpoints WHERE name = ?').safeIntegers(true).get(name) as { position: bigint } | undefined;
    return row?.position ?? 0n;
  }

  programme(programmeId: string): ProgrammeDefinition | undefined {
    const row = this.statement('SELECT definition FROM read_programmes WHERE programme_id = ?').get(programmeId) as { definition: string } | undefined;
    return row === undefined ? undefined : (JSON.parse(row.definition) as ProgrammeDefinition);
  }

  programmes(): ProgrammeDefinition[] {
    return (this.statement('SELECT definition FROM read_programmes ORDER BY programme_id').all() as { definition: string }[]).map((r) => JSON.parse(r.definition) as ProgrammeDefinition);
  }

  /** The log position an as-of refers to. */
  positionOf(asOf: AsOf): bigint {
    if ('position' in asOf) return asOf.position;
    const row = this.statement('SELECT coalesce(max(position), 0) AS position FROM events WHERE recorded_at <= ?').safeIntegers(true).get(asOf.time) as { position: bigint };
    return row.position;
  }

  budget(programmeId: string, year: number, asOf?: AsOf): BudgetView | undefined {
    const programme = this.programme(programmeId);
    if (programme === undefined) return undefined;
    const position = asOf === undefined ? this.checkpoint() : this.positionOf(asOf);
    const row = (
      asOf === undefined
        ? this.statement('SELECT * FROM read_budgets WHERE programme_id = ? AND year = ?').get(programmeId, year)
        : this.statement('SELECT * FROM read_budget_versions WHERE programme_id = ? AND year = ? AND position <= ? ORDER BY position DESC LIMIT 1').get(programmeId, year, position)
    ) as Record<string, string> | undefined;
    const fixed = programme.budget.kind === 'fixed-annual' ? programme.budget.amountYuan : zero;
    const budget = row?.['budget'] ?? fixed;
    const committed = row?.['committed'] ?? zero;
    return {
      programmeId,
      year,
      budget: Money.of(budget).format(),
      committed,
      paid: row?.['paid'] ?? zero,
      clawbackOrdered: row?.['clawback_ordered'] ?? zero,
      recovered: row?.['recovered'] ?? zero,
      remaining: Money.of(budget).minus(Money.of(committed)).format(),
      position: position.toString(),
    };
  }

  enterpriseTotals(uscc: string, options: { year?: number; asOf?: AsOf } = {}): EnterpriseTotalsView[] {
    const year = options.year ?? null;
    const rows = (
      options.asOf === undefined
        ? this.statement('SELECT * FROM read_enterprise_totals WHERE uscc = ? AND (? IS NULL OR year = ?) ORDER BY programme_id, year').all(uscc, year, year)
        : this.db
            .prepare(
              `SELECT v.* FROM read_enterprise_total_versions v
               JOIN (SELECT programme_id, year, max(position) AS position FROM read_enterprise_total_versions
                     WHERE uscc = ? AND position <= ? AND (? IS NULL OR year = ?) GROUP BY programme_id, year) last
                 ON v.programme_id = last.programme_id AND v.year = last.year AND v.position = last.position
               WHERE v.uscc = ? ORDER BY v.programme_id, v.year`,
            )
            .all(uscc, this.positionOf(options.asOf), year, year, uscc)
    ) as Record<string, string | number>[];
    return rows.map((r) => {
      const programme = this.programme(r['programme_id'] as string);
      const cap = programme === undefined ? null : capPerEnterpriseYear(programme.rule);
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
    });
  }

  application(applicationId: string): ApplicationView | undefined {
    const row = this.statement('SELECT * FROM read_applications WHERE application_id = ?').get(applicationId) as Record<string, unknown> | undefined;
    return row === undefined ? undefined : applicationOf(row);
  }

  applications(filter: ApplicationFilter, page: { limit: number; offset: number } = { limit: 100, offset: 0 }): ApplicationView[] {
    const limit = Math.min(Math.max(page.limit, 1), pageSizeMax);
    const rows = this.db
      .prepare(
        `SELECT * FROM read_applications
         WHERE (@programmeId IS NULL OR programme_id = @programmeId) AND (@fiscalYear IS NULL OR fiscal_year = @fiscalYear)
           AND (@status IS NULL OR status = @status) AND (@uscc IS NULL OR uscc = @uscc) AND (@district IS NULL OR district = @district)
         ORDER BY submitted_position LIMIT @limit OFFSET @offset`,
      )
      .all({
        programmeId: filter.programmeId ?? null,
        fiscalYear: filter.fiscalYear ?? null,
        status: filter.status ?? null,
        uscc: filter.uscc ?? null,
        district: filter.district ?? null,
        limit,
        offset: Math.max(page.offset, 0),
      }) as Record<string, unknown>[];
    return rows.map(applicationOf);
  }

  /** Applications awaiting approval (on or past their notice), enterprises with priority tags first. */
  approvalQueue(programmeId?: string, limit = 100): ApplicationView[] {
    const rows = this.db
      .prepare(
        `SELECT * FROM read_applications WHERE status = 'in_notice' AND (? IS NULL OR programme_id = ?)
         ORDER BY priority DESC, submitted_position LIMIT ?`,
      )
      .all(programmeId ?? null, programmeId ?? null, Math.min(limit, pageSizeMax)) as Record<string, unknown>[];
    return rows.map(applicationOf);
  }
}
