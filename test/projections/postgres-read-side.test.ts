// The read side in PostgreSQL, in the schema of a PostgreSQL log: the behaviours projections.test.ts
// pins for SQLite (replay equals live, as-of, interrupted rebuilds, resuming, reconciliation), plus
// two projectors in two "processes" following the same database at once.
import pg from 'pg';
import { openLedgerCommands } from '../../src/commands/ledger-commands.js';
import { loadLedgerConfig } from '../../src/config.js';
import type { StoredEvent } from '../../src/event-store/event-store.js';
import { PostgresEventStore } from '../../src/event-store/postgres/postgres-event-store.js';
import { readTables } from '../../src/projections/fold.js';
import { PostgresReadModel, postgresReadPool } from '../../src/projections/postgres-read-model.js';
import { PostgresReadQueries } from '../../src/projections/postgres-queries.js';
import { Projector } from '../../src/projections/projector.js';
import { ReadSideRebuildingError } from '../../src/projections/read-model.js';
import { openReadSide, type ReadSide } from '../../src/projections/read-side.js';
import { reconcile } from '../../src/projections/reconcile.js';
import { generateSynthetic } from '../../src/synthetic/generator.js';
import { collect } from '../support/events.js';
import { dropSchema, freshSchemaName, postgresAvailability, postgresUrl } from '../support/postgres.js';

const available = await postgresAvailability('projections: PostgreSQL read side');

/** Every row of every read table, in an order that does not depend on how the rows were written. */
async function snapshot(pool: pg.Pool): Promise<Record<string, unknown[]>> {
  const rows: Record<string, unknown[]> = {};
  for (const table of readTables) rows[table] = (await pool.query(`SELECT * FROM ${table} t ORDER BY t::text COLLATE "C"`)).rows;
  return rows;
}

const config = loadLedgerConfig({ LEDGER_STORE: 'postgres', DATABASE_URL: postgresUrl });

(available ? describe : describe.skip)(`projections in PostgreSQL${available ? '' : ' — SKIPPED, no PostgreSQL to test against (reason printed above)'}`, () => {
  const schemas: string[] = [];
  let store: PostgresEventStore;
  let other: PostgresEventStore;
  let readSide: ReadSide;
  let otherSide: ReadSide;
  let events: StoredEvent[];

  beforeAll(async () => {
    const schema = freshSchemaName();
    schemas.push(schema);
    store = await PostgresEventStore.open({ connectionString: postgresUrl, schema, pollIntervalMs: 50 });
    // A second process: its own pool, its own projector, the same database and schema.
    other = await PostgresEventStore.open({ connectionString: postgresUrl, schema, pollIntervalMs: 50 });
    readSide = await openReadSide(store, config, { batchSizeMax: 300 });
    otherSide = await openReadSide(other, config, { batchSizeMax: 170 });
    expect([readSide.kind, otherSide.kind]).toEqual(['postgres', 'postgres']);
    readSide.projector.start();
    otherSide.projector.start();
    const summary = await generateSynthetic((await openLedgerCommands(store)).commands, { applications: 240, seed: 7 });
    expect(summary.applications).toBe(240);
    const head = await store.headPosition();
    expect(await readSide.projector.waitFor(head, 300_000)).toBe(true);
    expect(await otherSide.projector.waitFor(head, 300_000)).toBe(true);
    await readSide.projector.stop();
    await otherSide.projector.stop();
    events = await collect(store.readAll());
    // 240 applications written command by command into a PostgreSQL shared with other work: over
    // 180 s with three suites at once on a loaded machine.
  }, 900_000);

  afterAll(async () => {
    await readSide?.close();
    await otherSide?.close();
    await store?.close();
    await other?.close();
    for (const schema of schemas) await dropSchema(schema);
  });

  it('keeps its tables in the schema of the events', async () => {
    const { rows } = await store.connectionPool.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name LIKE 'read\\_%' ORDER BY table_name",
    );
    expect(rows.map((r) => r.table_name)).toEqual(expect.arrayContaining([...readTables, 'read_checkpoints', 'read_schema_migrations']));
    expect(await readSide.queries.checkpoint()).toBe(events[events.length - 1]!.position);
  });

  it('ends, after two projectors followed the same database at once, with exactly the rows of one clean replay', async () => {
    const live = await snapshot(store.connectionPool);
    expect((live['read_applications'] ?? []).length).toBe(events.filter((e) => e.type === 'ApplicationSubmitted').length);
    expect(await readSide.projector.rebuild()).toBe(await store.headPosition());
    expect(await snapshot(store.connectionPool)).toEqual(live);
    expect(await reconcile(store, readSide.queries)).toMatchObject({ ok: true, differences: [] });
  });

  it('answers budget and enterprise questions as of past positions and times, as a read side built up to then would', async () => {
    const partialSchema = freshSchemaName();
    schemas.push(partialSchema);
    const partialPool = postgresReadPool(postgresUrl, partialSchema);
    try {
      const partialModel = await PostgresReadModel.open({ pool: partialPool, schema: partialSchema, ownTimeline: true });
      const partialQueries = new PostgresReadQueries(partialPool, { ownTimeline: true });
      const queries = readSide.queries;
      const moving = events.filter((e) => e.type === 'AwardCommitted' || e.type === 'DisbursementConfirmed' || e.type === 'RecoveryRecorded');
      const points = [moving[3]!, moving[Math.floor(moving.length / 2)]!, moving[moving.length - 2]!].map((e) => e.position);
      for (const position of points) {
        await partialModel.reset();
        await partialModel.applyBatch(events.filter((e) => e.position <= position));
        for (const programmeId of ['baoding-data-voucher', 'wuhan-data-product', 'baoding-rnd-project']) {
          for (const year of [2025, 2026, 2027]) {
            const asOf = await queries.budget(programmeId, year, { position });
            const then = await partialQueries.budget(programmeId, year);
            expect({ ...asOf, position: undefined }).toEqual({ ...then, position: undefined });
          }
        }
        const { rows } = await partialPool.query<{ uscc: string }>('SELECT uscc FROM read_enterprise_totals ORDER BY uscc LIMIT 3');
        for (const { uscc } of rows) expect(await queries.enterpriseTotals(uscc, { asOf: { position } })).toEqual(await partialQueries.enterpriseTotals(uscc));
      }
      // By time: the log up to the last event recorded at or before it (from the events table here).
      const middle = events[Math.floor(events.length / 2)]!;
      const position = await queries.positionOf({ time: middle.metadata.recordedAt });
      expect(position).toBeGreaterThanOrEqual(middle.position);
      expect(events.filter((e) => e.position <= position).every((e) => e.metadata.recordedAt <= middle.metadata.recordedAt)).toBe(true);
      expect(await queries.budget('baoding-data-voucher', 2025, { time: middle.metadata.recordedAt })).toEqual(await queries.budget('baoding-data-voucher', 2025, { position }));
    } finally {
      await partialPool.end();
    }
  });

  it('filters applications by programme, year, status, enterprise and district, pages them, and ranks the approval queue', async () => {
    const queries = readSide.queries;
    const all: Awaited<ReturnType<typeof queries.applications>> = [];
    for (let offset = 0; ; offset += 70) {
      const page = await queries.applications({}, { limit: 70, offset });
      all.push(...page);
      if (page.length < 70) break;
    }
    expect(all).toHaveLength(events.filter((e) => e.type === 'ApplicationSubmitted').length);
    expect(all).toEqual(await queries.applications({}, { limit: 500, offset: 0 }));
    const sample = all[17]!;
    expect(sample.district).not.toBeNull();
    for (const filter of [{ district: sample.district! }, { uscc: sample.uscc }, { programmeId: sample.programmeId, fiscalYear: sample.fiscalYear }, { status: 'approved' }]) {
      const expected = all.filter((a) => Object.entries(filter).every(([k, v]) => a[k as keyof typeof a] === v));
      expect(expected.length).toBeGreaterThan(0);
      expect(await queries.applications(filter, { limit: 500, offset: 0 })).toEqual(expected);
    }
    const queue = await queries.approvalQueue();
    expect(queue.every((a) => a.status === 'in_notice')).toBe(true);
    const priorities = queue.map((a) => a.priority);
    expect(priorities).toEqual([...priorities].sort((a, b) => b - a));
  });

  it('starts a rebuild again when one was cut off, and refuses live batches until then', async () => {
    const expected = await snapshot(store.connectionPool);
    const doomed = await PostgresReadModel.open({ pool: store.connectionPool });
    await doomed.beginBulk();
    await doomed.applyBatch(await collect(store.readAll({ maxCount: 2_000 })));
    // The process dies here: the rows it kept in memory are lost, its connection (and lock) go, the marker stays.
    await doomed.abortBulk();
    const restarted = await PostgresReadModel.open({ pool: store.connectionPool });
    expect(await restarted.isRebuildInterrupted()).toBe(true);
    await expect(restarted.applyBatch(await collect(store.readAll({ afterPosition: 2_000n, maxCount: 10 })))).rejects.toBeInstanceOf(ReadSideRebuildingError);
    await new Projector(store, restarted).resume();
    expect(await restarted.isRebuildInterrupted()).toBe(false);
    expect(await snapshot(store.connectionPool)).toEqual(expected);
  });

  it('resumes from its checkpoint after a stop, applying nothing twice and skipping nothing', async () => {
    const expected = await snapshot(store.connectionPool);
    const model = await PostgresReadModel.open({ pool: store.connectionPool });
    await model.reset();
    expect(await model.applyBatch(await collect(store.readAll({ maxCount: 1_000 })))).toBe(1_000n);
    // A batch overlapping what is applied already changes nothing twice.
    expect(await model.applyBatch(await collect(store.readAll({ maxCount: 1_200 })))).toBe(1_200n);
    const restarted = new Projector(store, await PostgresReadModel.open({ pool: store.connectionPool }), { batchSizeMax: 333 });
    expect(await restarted.refresh()).toBe(1_200n);
    expect(await restarted.catchUp()).toBe(await store.headPosition());
    expect(await snapshot(store.connectionPool)).toEqual(expected);
  });

  it('reconciles with the consistency-boundary streams, and reports a corrupted row by table, key and field', async () => {
    const pool = store.connectionPool;
    const { rows: budgets } = await pool.query<{ programme_id: string; year: number; committed: string }>(
      'SELECT programme_id, year, committed FROM read_budgets ORDER BY 1, 2 LIMIT 1',
    );
    const row = budgets[0]!;
    await pool.query("UPDATE read_budgets SET committed = '1.00' WHERE programme_id = $1 AND year = $2", [row.programme_id, row.year]);
    const { rows: paid } = await pool.query<{ application_id: string; paid: string }>("SELECT application_id, paid FROM read_applications WHERE paid <> '0.00' ORDER BY 1 LIMIT 1");
    const app = paid[0]!;
    await pool.query("UPDATE read_applications SET paid = '0.00' WHERE application_id = $1", [app.application_id]);
    const report = await reconcile(store, readSide.queries);
    expect(report.ok).toBe(false);
    expect(report.differences).toEqual(
      expect.arrayContaining([
        { table: 'read_budgets', key: `${row.programme_id}|${row.year}`, field: 'committed', expected: row.committed, actual: '1.00' },
        { table: 'read_applications', key: app.application_id, field: 'paid', expected: app.paid, actual: '0.00' },
      ]),
    );
    await readSide.projector.rebuild();
    expect((await reconcile(store, readSide.queries)).ok).toBe(true);
  });
});
