// The read side in PostgreSQL: the same tables as in SQLite, in the schema of the PostgreSQL event
// store (or, for a store that keeps none, in a schema of its own). A batch loads the rows its events
// read, by key, folds the events over them in memory (the fold SQLite uses), and writes the rows,
// their versions and the checkpoint back in one transaction. The checkpoint row is locked first, so
// projectors in several processes take turns, and each skips the events another has applied.
import { defined } from '../shared/assert.js';
import pg from 'pg';
import type { ProjectedEvent } from '../event-store/event-store.js';
import type { ProgrammeDefinition } from '../programmes/programme.js';
import { assert } from '../shared/assert.js';
import {
  RowCache,
  budgetKey,
  foldEvent,
  projectionName,
  readTables,
  rebuildMarker,
  rowKeysRead,
  totalsKey,
  type ApplicationRow,
  type BudgetRow,
  type EnterpriseRow,
  type FoldTarget,
  type TotalsRow,
} from './fold.js';
import { applicationColumnValues, applicationRowOf } from './queries.js';
import { ReadSideRebuildingError, type ReadModel } from './read-model.js';

const readMigrations: readonly { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'read side',
    sql: `
      CREATE TABLE read_checkpoints (name TEXT PRIMARY KEY, position BIGINT NOT NULL);
      CREATE TABLE read_programmes (programme_id TEXT PRIMARY KEY, version INTEGER NOT NULL, definition TEXT NOT NULL);
      CREATE TABLE read_budgets (
        programme_id TEXT NOT NULL, year INTEGER NOT NULL,
        budget TEXT NOT NULL, committed TEXT NOT NULL, paid TEXT NOT NULL, clawback_ordered TEXT NOT NULL, recovered TEXT NOT NULL,
        position BIGINT NOT NULL, PRIMARY KEY (programme_id, year));
      CREATE TABLE read_budget_versions (
        programme_id TEXT NOT NULL, year INTEGER NOT NULL, position BIGINT NOT NULL, recorded_at TEXT NOT NULL,
        budget TEXT NOT NULL, committed TEXT NOT NULL, paid TEXT NOT NULL, clawback_ordered TEXT NOT NULL, recovered TEXT NOT NULL,
        PRIMARY KEY (programme_id, year, position));
      CREATE TABLE read_enterprise_totals (
        uscc TEXT NOT NULL, programme_id TEXT NOT NULL, year INTEGER NOT NULL,
        recognized_spend TEXT NOT NULL, awarded TEXT NOT NULL, paid TEXT NOT NULL, clawback_ordered TEXT NOT NULL, recovered TEXT NOT NULL,
        position BIGINT NOT NULL, PRIMARY KEY (uscc, programme_id, year));
      CREATE TABLE read_enterprise_total_versions (
        uscc TEXT NOT NULL, programme_id TEXT NOT NULL, year INTEGER NOT NULL, position BIGINT NOT NULL, recorded_at TEXT NOT NULL,
        recognized_spend TEXT NOT NULL, awarded TEXT NOT NULL, paid TEXT NOT NULL, clawback_ordered TEXT NOT NULL, recovered TEXT NOT NULL,
        PRIMARY KEY (uscc, programme_id, year, position));
      CREATE TABLE read_enterprises (
        uscc TEXT PRIMARY KEY, name TEXT NOT NULL, city TEXT NOT NULL, district TEXT, tags TEXT NOT NULL,
        priority INTEGER NOT NULL, flags TEXT NOT NULL, position BIGINT NOT NULL);
      CREATE TABLE read_applications (
        application_id TEXT PRIMARY KEY, programme_id TEXT NOT NULL, fiscal_year INTEGER NOT NULL, uscc TEXT NOT NULL,
        district TEXT, priority INTEGER NOT NULL, status TEXT NOT NULL, claimed TEXT NOT NULL, recognized TEXT,
        entitlement TEXT NOT NULL, award TEXT NOT NULL, paid TEXT NOT NULL, clawback_ordered TEXT NOT NULL, recovered TEXT NOT NULL,
        notice_id TEXT, notice_ends_on TEXT, submitted_position BIGINT NOT NULL, submitted_at TEXT NOT NULL,
        position BIGINT NOT NULL);
      CREATE INDEX read_applications_by_programme ON read_applications (programme_id, fiscal_year, status);
      CREATE INDEX read_applications_by_enterprise ON read_applications (uscc);
      CREATE INDEX read_applications_queue ON read_applications (status, priority DESC, submitted_position);
      CREATE INDEX read_applications_in_log_order ON read_applications (submitted_position);
      -- When the events are elsewhere (another store), as-of-a-time needs the time of every position.
      CREATE TABLE read_event_times (position BIGINT PRIMARY KEY, recorded_at TEXT NOT NULL);
      CREATE INDEX read_event_times_by_time ON read_event_times (recorded_at, position);
    `,
  },
];

/** Rows written per statement when a rebuild writes what it kept in memory. */
const rowsPerStatementMax = 10_000;

function quoteIdentifier(name: string): string {
  assert(/^[a-z_][a-z0-9_]{0,62}$/.test(name), `schema name must be a lower-case identifier: ${name}`);
  return `"${name}"`;
}

/**
 * A pool whose connections work in `schema` (created if missing), for a read side that does not
 * share the event store's pool.
 */
export function postgresReadPool(connectionString: string, schema: string, poolSizeMax = 5): pg.Pool {
  const pool = new pg.Pool({ connectionString, max: poolSizeMax, options: `-c search_path=${quoteIdentifier(schema)}` });
  // An idle client's error (the server restarting) must not take the process down.
  pool.on('error', () => undefined);
  return pool;
}

/** Applies the read side's missing migrations, one process at a time (an advisory lock per schema). */
export async function migratePostgresReadSide(pool: pg.Pool, schema: string): Promise<void> {
  const client = await pool.connect();
  const lock = `ledger-read-migrations-${schema}`;
  try {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [lock]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(schema)}`);
    await client.query('CREATE TABLE IF NOT EXISTS read_schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())');
    const { rows } = await client.query<{ version: number | null }>('SELECT max(version) AS version FROM read_schema_migrations');
    const current = rows[0]?.version ?? 0;
    const known = Math.max(...readMigrations.map((m) => m.version));
    if (current > known) throw new Error(`the read side's schema is at version ${current}, newer than this build knows (${known}): upgrade the service`);
    for (const migration of readMigrations) {
      if (migration.version <= current) continue;
      await client.query('BEGIN');
      await client.query(migration.sql);
      await client.query('INSERT INTO read_schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
      await client.query('COMMIT');
    }
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await client.query('SELECT pg_advisory_unlock(hashtext($1))', [lock]).catch(() => undefined);
    client.release();
  }
}

/** A column of a bulk write: its name, and its type for unnest. */
type Column = readonly [name: string, type: string];

const budgetColumns: readonly Column[] = [
  ['programme_id', 'text'],
  ['year', 'int'],
  ['budget', 'text'],
  ['committed', 'text'],
  ['paid', 'text'],
  ['clawback_ordered', 'text'],
  ['recovered', 'text'],
  ['position', 'bigint'],
];
const budgetVersionColumns: readonly Column[] = [
  ['programme_id', 'text'],
  ['year', 'int'],
  ['position', 'bigint'],
  ['recorded_at', 'text'],
  ['budget', 'text'],
  ['committed', 'text'],
  ['paid', 'text'],
  ['clawback_ordered', 'text'],
  ['recovered', 'text'],
];
const totalsColumns: readonly Column[] = [
  ['uscc', 'text'],
  ['programme_id', 'text'],
  ['year', 'int'],
  ['recognized_spend', 'text'],
  ['awarded', 'text'],
  ['paid', 'text'],
  ['clawback_ordered', 'text'],
  ['recovered', 'text'],
  ['position', 'bigint'],
];
const totalsVersionColumns: readonly Column[] = [
  ['uscc', 'text'],
  ['programme_id', 'text'],
  ['year', 'int'],
  ['position', 'bigint'],
  ['recorded_at', 'text'],
  ['recognized_spend', 'text'],
  ['awarded', 'text'],
  ['paid', 'text'],
  ['clawback_ordered', 'text'],
  ['recovered', 'text'],
];
const enterpriseColumns: readonly Column[] = [
  ['uscc', 'text'],
  ['name', 'text'],
  ['city', 'text'],
  ['district', 'text'],
  ['tags', 'text'],
  ['priority', 'int'],
  ['flags', 'text'],
  ['position', 'bigint'],
];
const applicationColumns: readonly Column[] = [
  ['application_id', 'text'],
  ['programme_id', 'text'],
  ['fiscal_year', 'int'],
  ['uscc', 'text'],
  ['district', 'text'],
  ['priority', 'int'],
  ['status', 'text'],
  ['claimed', 'text'],
  ['recognized', 'text'],
  ['entitlement', 'text'],
  ['award', 'text'],
  ['paid', 'text'],
  ['clawback_ordered', 'text'],
  ['recovered', 'text'],
  ['notice_id', 'text'],
  ['notice_ends_on', 'text'],
  ['submitted_position', 'bigint'],
  ['submitted_at', 'text'],
  ['position', 'bigint'],
];
const programmeColumns: readonly Column[] = [
  ['programme_id', 'text'],
  ['version', 'int'],
  ['definition', 'text'],
];
const eventTimeColumns: readonly Column[] = [
  ['position', 'bigint'],
  ['recorded_at', 'text'],
];

/** Rows for one statement, column by column (unnest takes one array per column). */
class Rows {
  readonly values: unknown[][];
  count = 0;

  constructor(readonly columns: readonly Column[]) {
    this.values = columns.map(() => []);
  }

  push(...row: unknown[]): void {
    assert(row.length === this.columns.length, `a row of ${this.columns.length} columns, got ${row.length}`);
    row.forEach((value, i) => defined(this.values[i], 'a column of the batch').push(typeof value === 'bigint' ? value.toString() : value));
    this.count += 1;
  }

  clear(): void {
    for (const column of this.values) column.length = 0;
    this.count = 0;
  }
}

/** INSERT … SELECT FROM unnest(…): one statement for any number of rows; with `key`, an upsert on it. */
async function insertRows(client: pg.PoolClient, table: string, rows: Rows, key?: readonly string[]): Promise<void> {
  if (rows.count === 0) return;
  const names = rows.columns.map(([name]) => name);
  const arrays = rows.columns.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ');
  const upsert =
    key === undefined
      ? ''
      : ` ON CONFLICT (${key.join(', ')}) DO UPDATE SET ${names
          .filter((n) => !key.includes(n))
          .map((n) => `${n} = excluded.${n}`)
          .join(', ')}`;
  for (let start = 0; start < rows.count; start += rowsPerStatementMax) {
    const chunk = rows.values.map((column) => column.slice(start, start + rowsPerStatementMax));
    await client.query(`INSERT INTO ${table} (${names.join(', ')}) SELECT * FROM unnest(${arrays})${upsert}`, chunk);
  }
}

type Row = Record<string, string | number | null>;

function budgetOf(r: Row): BudgetRow {
  return {
    programmeId: r['programme_id'] as string,
    year: Number(r['year']),
    budget: r['budget'] as string,
    committed: r['committed'] as string,
    paid: r['paid'] as string,
    clawbackOrdered: r['clawback_ordered'] as string,
    recovered: r['recovered'] as string,
    position: BigInt(r['position'] as string),
  };
}

function totalsOf(r: Row): TotalsRow {
  return {
    uscc: r['uscc'] as string,
    programmeId: r['programme_id'] as string,
    year: Number(r['year']),
    recognizedSpend: r['recognized_spend'] as string,
    awarded: r['awarded'] as string,
    paid: r['paid'] as string,
    clawbackOrdered: r['clawback_ordered'] as string,
    recovered: r['recovered'] as string,
    position: BigInt(r['position'] as string),
  };
}

function enterpriseOf(r: Row): EnterpriseRow {
  return {
    uscc: r['uscc'] as string,
    name: r['name'] as string,
    city: r['city'] as string,
    district: r['district'] as string | null,
    tags: JSON.parse(r['tags'] as string) as string[],
    priority: Number(r['priority']),
    flags: JSON.parse(r['flags'] as string) as Record<string, string>,
    position: BigInt(r['position'] as string),
  };
}

/** The rows a batch loaded, by key; a key the batch did not ask for is a programmer error. */
class LoadedRows<R> {
  private readonly rows = new Map<string, R | undefined>();

  constructor(private readonly table: string) {}

  fill(keys: Iterable<string>, found: Iterable<[string, R]>): void {
    for (const key of keys) this.rows.set(key, undefined);
    for (const [key, row] of found) this.rows.set(key, row);
  }

  get(key: string): R | undefined {
    assert(this.rows.has(key), `${this.table}: the batch did not load the row ${key}`);
    return this.rows.get(key);
  }

  clear(): void {
    this.rows.clear();
  }
}

export interface PostgresReadModelOptions {
  /** Connections whose search_path is the read side's schema. */
  readonly pool: pg.Pool;
  /** The schema (for its locks); by default the pool's current schema. */
  readonly schema?: string;
  readonly name?: string;
  /** The events are not in this database: keep the time of every position (read_event_times). */
  readonly ownTimeline?: boolean;
}

export class PostgresReadModel implements ReadModel, FoldTarget {
  readonly name: string;
  readonly budgets: RowCache<BudgetRow>;
  readonly totals: RowCache<TotalsRow>;
  readonly enterprises: RowCache<EnterpriseRow>;
  readonly applications: RowCache<ApplicationRow>;
  private readonly pool: pg.Pool;
  private readonly ownTimeline: boolean;
  /** Live batches take it shared, a rebuild exclusive: a live projector waits for a rebuild to end. */
  private readonly rebuildLock: string;
  private readonly loaded = {
    budgets: new LoadedRows<BudgetRow>('read_budgets'),
    totals: new LoadedRows<TotalsRow>('read_enterprise_totals'),
    enterprises: new LoadedRows<EnterpriseRow>('read_enterprises'),
    applications: new LoadedRows<ApplicationRow>('read_applications'),
  };
  // What a batch writes, gathered while it folds.
  private readonly budgetRows = new Rows(budgetColumns);
  private readonly budgetVersions = new Rows(budgetVersionColumns);
  private readonly totalsRows = new Rows(totalsColumns);
  private readonly totalsVersions = new Rows(totalsVersionColumns);
  private readonly enterpriseRows = new Rows(enterpriseColumns);
  private readonly applicationRows = new Rows(applicationColumns);
  private readonly programmeRows = new Map<string, ProgrammeDefinition>();
  private readonly eventTimes = new Rows(eventTimeColumns);
  private bulk = false;
  /** The connection holding the rebuild lock while a rebuild runs. */
  private rebuildClient: pg.PoolClient | undefined;

  private constructor(options: PostgresReadModelOptions, schema: string) {
    this.pool = options.pool;
    this.name = options.name ?? projectionName;
    this.ownTimeline = options.ownTimeline ?? false;
    this.rebuildLock = `ledger-read-rebuild-${schema}-${this.name}`;
    this.budgets = new RowCache(
      (key) => this.loaded.budgets.get(key),
      (r) => this.budgetRows.push(r.programmeId, r.year, r.budget, r.committed, r.paid, r.clawbackOrdered, r.recovered, r.position),
    );
    this.totals = new RowCache(
      (key) => this.loaded.totals.get(key),
      (r) => this.totalsRows.push(r.uscc, r.programmeId, r.year, r.recognizedSpend, r.awarded, r.paid, r.clawbackOrdered, r.recovered, r.position),
    );
    this.enterprises = new RowCache(
      (key) => this.loaded.enterprises.get(key),
      (r) => this.enterpriseRows.push(r.uscc, r.name, r.city, r.district, JSON.stringify(r.tags), r.priority, JSON.stringify(r.flags), r.position),
    );
    this.applications = new RowCache(
      (key) => this.loaded.applications.get(key),
      (r) => this.applicationRows.push(...applicationColumnValues(r)),
    );
  }

  /** Applies the read side's migrations and returns its model. */
  static async open(options: PostgresReadModelOptions): Promise<PostgresReadModel> {
    const schema = options.schema ?? (await options.pool.query<{ schema: string | null }>('SELECT current_schema() AS schema')).rows[0]?.schema;
    assert(typeof schema === 'string', 'the read side needs a schema: the pool has no current schema');
    await migratePostgresReadSide(options.pool, schema);
    return new PostgresReadModel(options, schema);
  }

  programme(definition: ProgrammeDefinition): void {
    this.programmeRows.set(definition.id, definition);
  }

  budgetVersion(row: BudgetRow, event: ProjectedEvent): void {
    this.budgetVersions.push(row.programmeId, row.year, event.position, event.metadata.recordedAt, row.budget, row.committed, row.paid, row.clawbackOrdered, row.recovered);
  }

  totalsVersion(row: TotalsRow, event: ProjectedEvent): void {
    this.totalsVersions.push(
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

  async checkpoint(): Promise<bigint> {
    const { rows } = await this.pool.query<{ position: string }>('SELECT position FROM read_checkpoints WHERE name = $1', [this.name]);
    return rows[0] === undefined ? 0n : BigInt(rows[0].position);
  }

  async isRebuildInterrupted(): Promise<boolean> {
    const { rows } = await this.pool.query('SELECT 1 FROM read_checkpoints WHERE name = $1', [rebuildMarker]);
    return rows.length > 0;
  }

  async applyBatch(events: readonly ProjectedEvent[]): Promise<bigint> {
    if (events.length === 0) return this.checkpoint();
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      if (!this.bulk) {
        await client.query('SELECT pg_advisory_xact_lock_shared(hashtext($1))', [this.rebuildLock]);
        const { rows } = await client.query('SELECT 1 FROM read_checkpoints WHERE name = $1', [rebuildMarker]);
        if (rows.length > 0) throw new ReadSideRebuildingError();
      }
      // Locks the checkpoint row (creating it if needed) and reads its latest value: a projector in
      // another process that got here first has committed, and its events are skipped here.
      const { rows } = await client.query<{ position: string }>(
        'INSERT INTO read_checkpoints (name, position) VALUES ($1, 0) ON CONFLICT (name) DO UPDATE SET position = read_checkpoints.position RETURNING position',
        [this.name],
      );
      const checkpoint = BigInt(defined(rows[0], 'the checkpoint row').position);
      const fresh = events.filter((e) => e.position > checkpoint);
      const last = fresh[fresh.length - 1];
      if (last === undefined) {
        await client.query('ROLLBACK');
        return checkpoint;
      }
      if (!this.bulk) await this.load(client, fresh);
      for (const event of fresh) {
        foldEvent(this, event);
        if (this.ownTimeline) this.eventTimes.push(event.position, event.metadata.recordedAt);
      }
      await this.write(client, false);
      await client.query('UPDATE read_checkpoints SET position = $2 WHERE name = $1', [this.name, last.position.toString()]);
      await client.query('COMMIT');
      return last.position;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      this.forgetBatch();
      throw error;
    } finally {
      client.release();
      for (const loaded of Object.values(this.loaded)) loaded.clear();
    }
  }

  /** Loads the rows the batch reads: enterprises and applications, then the years the figures add to. */
  private async load(client: pg.PoolClient, events: readonly ProjectedEvent[]): Promise<void> {
    const { keys, figureKeys } = rowKeysRead(events);
    const enterprises = keys.enterprises.size === 0 ? [] : (await client.query<Row>('SELECT * FROM read_enterprises WHERE uscc = ANY($1::text[])', [[...keys.enterprises]])).rows;
    const applications =
      keys.applications.size === 0 ? [] : (await client.query<Row>('SELECT * FROM read_applications WHERE application_id = ANY($1::text[])', [[...keys.applications]])).rows;
    this.loaded.enterprises.fill(
      keys.enterprises,
      enterprises.map((r) => [r['uscc'] as string, enterpriseOf(r)]),
    );
    const applicationRows = applications.map(applicationRowOf);
    this.loaded.applications.fill(
      keys.applications,
      applicationRows.map((r) => [r.applicationId, r]),
    );
    const byId = new Map(applicationRows.map((r) => [r.applicationId, r]));
    figureKeys((id) => byId.get(id));
    const budgetKeys = [...keys.budgets].map((k) => k.split('|') as [string, string]);
    const totalKeys = [...keys.totals].map((k) => k.split('|') as [string, string, string]);
    const budgets =
      budgetKeys.length === 0
        ? []
        : (
            await client.query<Row>('SELECT b.* FROM read_budgets b JOIN unnest($1::text[], $2::int[]) AS k(programme_id, year) USING (programme_id, year)', [
              budgetKeys.map(([p]) => p),
              budgetKeys.map(([, y]) => Number(y)),
            ])
          ).rows;
    const totals =
      totalKeys.length === 0
        ? []
        : (
            await client.query<Row>(
              'SELECT t.* FROM read_enterprise_totals t JOIN unnest($1::text[], $2::text[], $3::int[]) AS k(uscc, programme_id, year) USING (uscc, programme_id, year)',
              [totalKeys.map(([u]) => u), totalKeys.map(([, p]) => p), totalKeys.map(([, , y]) => Number(y))],
            )
          ).rows;
    this.loaded.budgets.fill(
      keys.budgets,
      budgets.map((r) => {
        const row = budgetOf(r);
        return [budgetKey(row.programmeId, row.year), row];
      }),
    );
    this.loaded.totals.fill(
      keys.totals,
      totals.map((r) => {
        const row = totalsOf(r);
        return [totalsKey(row.uscc, row.programmeId, row.year), row];
      }),
    );
  }

  /** Writes what the batch gathered (with `force`, also the rows a rebuild kept in memory). */
  private async write(client: pg.PoolClient, force: boolean): Promise<void> {
    for (const cache of this.caches) cache.flush(force);
    const programmes = new Rows(programmeColumns);
    for (const d of this.programmeRows.values()) programmes.push(d.id, d.version, JSON.stringify(d));
    await insertRows(client, 'read_programmes', programmes, ['programme_id']);
    await insertRows(client, 'read_budgets', this.budgetRows, ['programme_id', 'year']);
    await insertRows(client, 'read_enterprise_totals', this.totalsRows, ['uscc', 'programme_id', 'year']);
    await insertRows(client, 'read_enterprises', this.enterpriseRows, ['uscc']);
    await insertRows(client, 'read_applications', this.applicationRows, ['application_id']);
    await insertRows(client, 'read_budget_versions', this.budgetVersions);
    await insertRows(client, 'read_enterprise_total_versions', this.totalsVersions);
    await insertRows(client, 'read_event_times', this.eventTimes);
    this.clearGathered();
  }

  private clearGathered(): void {
    for (const rows of [this.budgetRows, this.budgetVersions, this.totalsRows, this.totalsVersions, this.enterpriseRows, this.applicationRows, this.eventTimes]) rows.clear();
    this.programmeRows.clear();
  }

  /** After a rollback: nothing of the batch stays in memory (in a rebuild, the rebuild is lost: see Projector.rebuild). */
  private forgetBatch(): void {
    this.clearGathered();
    if (!this.bulk) for (const cache of this.caches) cache.discard();
  }

  private get caches(): RowCache<unknown>[] {
    return [this.budgets, this.totals, this.enterprises, this.applications] as RowCache<unknown>[];
  }

  /**
   * Starts a rebuild: takes the rebuild lock (live batches of other projectors wait for the end), empties
   * the tables and sets the marker. The mutable rows then stay in memory until `endBulk`; batches
   * commit the append-only rows and the checkpoint as usual.
   */
  async beginBulk(): Promise<void> {
    assert(this.rebuildClient === undefined, 'a rebuild is already under way on this read model');
    const client = await this.pool.connect();
    try {
      await client.query('SELECT pg_advisory_lock(hashtext($1))', [this.rebuildLock]);
      await client.query('BEGIN');
      await client.query(`TRUNCATE ${[...readTables, 'read_event_times'].join(', ')}`);
      await client.query('DELETE FROM read_checkpoints WHERE name = $1', [this.name]);
      await client.query('INSERT INTO read_checkpoints (name, position) VALUES ($1, 0) ON CONFLICT (name) DO NOTHING', [rebuildMarker]);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', [this.rebuildLock]).catch(() => undefined);
      client.release();
      throw error;
    }
    this.rebuildClient = client;
    this.bulk = true;
    for (const cache of this.caches) cache.bulk = true;
  }

  /** Writes the rows kept in memory and removes the marker in one transaction, then lets live batches go on. */
  async endBulk(): Promise<void> {
    const client = this.rebuildClient;
    assert(client !== undefined, 'endBulk without beginBulk');
    try {
      await client.query('BEGIN');
      await this.write(client, true);
      await client.query('DELETE FROM read_checkpoints WHERE name = $1', [rebuildMarker]);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
    await this.leaveBulk();
  }

  async abortBulk(): Promise<void> {
    await this.leaveBulk();
  }

  private async leaveBulk(): Promise<void> {
    this.bulk = false;
    this.clearGathered();
    for (const cache of this.caches) {
      cache.bulk = false;
      cache.discard();
    }
    const client = this.rebuildClient;
    this.rebuildClient = undefined;
    if (client === undefined) return;
    await client.query('SELECT pg_advisory_unlock(hashtext($1))', [this.rebuildLock]).catch(() => undefined);
    client.release();
  }

  async reset(): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      // Exclusive: a live batch of another projector is not half-way through when the tables are emptied.
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [this.rebuildLock]);
      await client.query(`TRUNCATE ${[...readTables, 'read_event_times'].join(', ')}`);
      await client.query('DELETE FROM read_checkpoints WHERE name = $1', [this.name]);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}
