// The PostgreSQL read side's answers: the same questions, the same SQL as in SQLite where the two
// dialects agree, and the same views (built by the functions in queries.ts). Text is ordered with the
// "C" collation, byte by byte as SQLite does, so that both read sides list rows in the same order.
import { defined } from '../shared/assert.js';
import type pg from 'pg';
import { PostgresUnavailableError } from '../event-store/store-unavailable.js';
import type { ProgrammeDefinition } from '../programmes/programme.js';
import { projectionName } from './fold.js';
import {
  applicationOf,
  budgetViewOf,
  figuresOf,
  pageOf,
  totalsViewOf,
  type ApplicationFilter,
  type ApplicationView,
  type AsOf,
  type BudgetView,
  type EnterpriseTotalsView,
  type ReadFigures,
  type ReadSideQueries,
} from './queries.js';

type Row = Record<string, unknown>;

/** A database that cannot be reached is the store being unavailable (503), as for the events, not a 500. */
function unavailableOr(error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if ((typeof code === 'string' && code.startsWith('08')) || /ECONNREFUSED|terminating connection|Connection terminated/.test(message))
    return new PostgresUnavailableError(message);
  return error;
}

export class PostgresReadQueries implements ReadSideQueries {
  private readonly timeSql: string;

  constructor(
    private readonly pool: pg.Pool,
    options: { ownTimeline?: boolean } = {},
  ) {
    // Beside the events, their own times; elsewhere, the times the read side keeps (PostgresReadModel's ownTimeline).
    // Either way only events the read side reflects count: its figures cannot be of a later position.
    const checkpoint = `(SELECT coalesce(max(position), 0) FROM read_checkpoints WHERE name = '${projectionName}')`;
    this.timeSql =
      options.ownTimeline === true
        ? `SELECT coalesce(max(position), 0) AS position FROM read_event_times WHERE recorded_at <= $1 AND position <= ${checkpoint}`
        : `SELECT coalesce(max(position), 0) AS position FROM events WHERE recorded_at <= $1 AND position <= ${checkpoint}`;
  }

  private async rows(sql: string, values: unknown[] = [], client: pg.Pool | pg.PoolClient = this.pool): Promise<Row[]> {
    try {
      return (await client.query<Row>(sql, values)).rows;
    } catch (error) {
      throw unavailableOr(error);
    }
  }

  async checkpoint(name = projectionName): Promise<bigint> {
    const [row] = await this.rows('SELECT position FROM read_checkpoints WHERE name = $1', [name]);
    return row === undefined ? 0n : BigInt(row['position'] as string);
  }

  async programme(programmeId: string): Promise<ProgrammeDefinition | undefined> {
    const [row] = await this.rows('SELECT definition FROM read_programmes WHERE programme_id = $1', [programmeId]);
    return row === undefined ? undefined : (JSON.parse(row['definition'] as string) as ProgrammeDefinition);
  }

  async programmes(): Promise<ProgrammeDefinition[]> {
    return (await this.rows('SELECT definition FROM read_programmes ORDER BY programme_id COLLATE "C"')).map((r) => JSON.parse(r['definition'] as string) as ProgrammeDefinition);
  }

  async positionOf(asOf: AsOf): Promise<bigint> {
    if ('position' in asOf) return asOf.position;
    const [row] = await this.rows(this.timeSql, [asOf.time]);
    return BigInt(defined(row, 'the checkpoint row')['position'] as string);
  }

  async budget(programmeId: string, year: number, asOf?: AsOf): Promise<BudgetView | undefined> {
    const programme = await this.programme(programmeId);
    if (programme === undefined) return undefined;
    const position = asOf === undefined ? await this.checkpoint() : await this.positionOf(asOf);
    const [row] =
      asOf === undefined
        ? await this.rows('SELECT * FROM read_budgets WHERE programme_id = $1 AND year = $2', [programmeId, year])
        : await this.rows('SELECT * FROM read_budget_versions WHERE programme_id = $1 AND year = $2 AND position <= $3 ORDER BY position DESC LIMIT 1', [
            programmeId,
            year,
            position.toString(),
          ]);
    return budgetViewOf(programme, programmeId, year, row, position);
  }

  async budgets(): Promise<BudgetView[]> {
    const position = await this.checkpoint();
    const rows = await this.rows('SELECT b.*, p.definition FROM read_budgets b LEFT JOIN read_programmes p USING (programme_id) ORDER BY b.programme_id COLLATE "C", b.year');
    return rows.map((r) => {
      const programme = r['definition'] === null ? undefined : (JSON.parse(r['definition'] as string) as ProgrammeDefinition);
      return budgetViewOf(programme, r['programme_id'] as string, Number(r['year']), r, position);
    });
  }

  async enterpriseTotals(uscc: string, options: { year?: number; asOf?: AsOf } = {}): Promise<EnterpriseTotalsView[]> {
    const year = options.year ?? null;
    const rows =
      options.asOf === undefined
        ? await this.rows(
            `SELECT t.*, p.definition FROM read_enterprise_totals t LEFT JOIN read_programmes p USING (programme_id)
             WHERE t.uscc = $1 AND ($2::int IS NULL OR t.year = $2) ORDER BY t.programme_id COLLATE "C", t.year`,
            [uscc, year],
          )
        : await this.rows(
            `SELECT v.*, p.definition FROM read_enterprise_total_versions v
             JOIN (SELECT programme_id, year, max(position) AS position FROM read_enterprise_total_versions
                   WHERE uscc = $1 AND position <= $2 AND ($3::int IS NULL OR year = $3) GROUP BY programme_id, year) last
               ON v.programme_id = last.programme_id AND v.year = last.year AND v.position = last.position
             LEFT JOIN read_programmes p ON p.programme_id = v.programme_id
             WHERE v.uscc = $1 ORDER BY v.programme_id COLLATE "C", v.year`,
            [uscc, (await this.positionOf(options.asOf)).toString(), year],
          );
    return rows.map((r) => totalsViewOf(r, r['definition'] === null ? undefined : (JSON.parse(r['definition'] as string) as ProgrammeDefinition)));
  }

  async application(applicationId: string): Promise<ApplicationView | undefined> {
    const [row] = await this.rows('SELECT * FROM read_applications WHERE application_id = $1', [applicationId]);
    return row === undefined ? undefined : applicationOf(row);
  }

  async applications(filter: ApplicationFilter, page: { limit: number; offset: number } = { limit: 100, offset: 0 }): Promise<ApplicationView[]> {
    const { limit, offset } = pageOf(page);
    const rows = await this.rows(
      `SELECT * FROM read_applications
       WHERE ($1::text IS NULL OR programme_id = $1) AND ($2::int IS NULL OR fiscal_year = $2)
         AND ($3::text IS NULL OR status = $3) AND ($4::text IS NULL OR uscc = $4) AND ($5::text IS NULL OR district = $5)
       ORDER BY submitted_position LIMIT $6 OFFSET $7`,
      [filter.programmeId ?? null, filter.fiscalYear ?? null, filter.status ?? null, filter.uscc ?? null, filter.district ?? null, limit, offset],
    );
    return rows.map(applicationOf);
  }

  async approvalQueue(programmeId?: string, limit = 100): Promise<ApplicationView[]> {
    // Rule `baoding-m8-tags`: the enterprise's tags as they are now rank it, not as they were at submission.
    const rows = await this.rows(
      `SELECT a.*, COALESCE(e.priority, a.priority) AS queue_priority FROM read_applications a LEFT JOIN read_enterprises e ON e.uscc = a.uscc
       WHERE a.status = 'in_notice' AND ($1::text IS NULL OR a.programme_id = $1)
       ORDER BY queue_priority DESC, a.submitted_position LIMIT $2`,
      [programmeId ?? null, pageOf({ limit, offset: 0 }).limit],
    );
    return rows.map((r) => applicationOf({ ...r, priority: r['queue_priority'] }));
  }

  async figures(): Promise<ReadFigures> {
    const client = await this.pool.connect().catch((error: unknown) => Promise.reject(unavailableOr(error)));
    try {
      // One snapshot: the rows and the checkpoint are of the same moment, even while a projector commits.
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const [checkpoint] = await this.rows('SELECT position FROM read_checkpoints WHERE name = $1', [projectionName], client);
      const figures = figuresOf(checkpoint === undefined ? 0n : BigInt(checkpoint['position'] as string), {
        applications: await this.rows('SELECT * FROM read_applications', [], client),
        budgets: await this.rows('SELECT * FROM read_budgets', [], client),
        totals: await this.rows('SELECT * FROM read_enterprise_totals', [], client),
      });
      await client.query('COMMIT');
      return figures;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}
