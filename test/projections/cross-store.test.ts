// One log, three read sides: SQLite in the events' file, PostgreSQL in a schema of its own, and an
// SQLite file of its own (the last two are what a store that keeps no read side gets). Every query,
// now and as of past positions and times, must answer the same on all of them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openLedgerCommands } from '../../src/commands/ledger-commands.js';
import type { EventStore, StoredEvent } from '../../src/event-store/event-store.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { PostgresReadModel, postgresReadPool } from '../../src/projections/postgres-read-model.js';
import { PostgresReadQueries } from '../../src/projections/postgres-queries.js';
import { Projector } from '../../src/projections/projector.js';
import { pageSizeMax, type AsOf, type ReadSideQueries } from '../../src/projections/queries.js';
import { reconcile } from '../../src/projections/reconcile.js';
import { openReadSide, type ReadSide } from '../../src/projections/read-side.js';
import { loadLedgerConfig } from '../../src/config.js';
import { generateSynthetic } from '../../src/synthetic/generator.js';
import { collect } from '../support/events.js';
import { dropSchema, freshSchemaName, postgresAvailability, postgresUrl } from '../support/postgres.js';

const available = await postgresAvailability('projections: SQLite and PostgreSQL read sides answer alike');

/** Every question the read side answers, asked about this log; the answers, by question. */
async function answers(queries: ReadSideQueries, events: readonly StoredEvent[]): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const ask = async (question: string, answer: Promise<unknown>): Promise<void> => {
    out[question] = await answer;
  };
  const programmes = await queries.programmes();
  await ask('programmes', Promise.resolve(programmes));
  await ask('checkpoint', queries.checkpoint());
  await ask('budgets', queries.budgets());
  const positions = [1n, 200n, 1_000n, BigInt(Math.floor(events.length / 2)), BigInt(events.length - 7), BigInt(events.length), BigInt(events.length + 50)];
  const times = [events[0]!, events[300]!, events[Math.floor(events.length * 0.7)]!].map((e) => e.metadata.recordedAt);
  times.push('2024-01-01T00:00:00.000Z', '2030-01-01T00:00:00.000Z');
  const asOfs: (AsOf | undefined)[] = [undefined, ...positions.map((position) => ({ position })), ...times.map((time) => ({ time }))];
  for (const time of times) await ask(`positionOf ${time}`, queries.positionOf({ time }));
  for (const { id } of programmes) {
    await ask(`programme ${id}`, queries.programme(id));
    for (const year of [2025, 2026, 2027, 2028]) {
      for (const asOf of asOfs)
        await ask(`budget ${id} ${year} ${JSON.stringify(asOf, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}`, queries.budget(id, year, asOf));
    }
  }
  await ask('programme none', queries.programme('no-such-programme'));
  await ask('budget none', queries.budget('no-such-programme', 2025));

  const all = await queries.applications({}, { limit: pageSizeMax, offset: 0 });
  const enterprises = [...new Set(all.map((a) => a.uscc))].sort();
  for (const uscc of enterprises) {
    await ask(`totals ${uscc}`, queries.enterpriseTotals(uscc));
    await ask(`totals ${uscc} 2026`, queries.enterpriseTotals(uscc, { year: 2026 }));
    for (const position of [positions[3]!, positions[4]!]) await ask(`totals ${uscc} as of ${position}`, queries.enterpriseTotals(uscc, { asOf: { position } }));
    await ask(`totals ${uscc} as of ${times[2]}`, queries.enterpriseTotals(uscc, { year: 2025, asOf: { time: times[2]! } }));
  }
  for (const { applicationId } of all) await ask(`application ${applicationId}`, queries.application(applicationId));
  await ask('application none', queries.application('no-such-application'));

  const districts = [...new Set(all.map((a) => a.district))].filter((d): d is string => d !== null).sort();
  const statuses = [...new Set(all.map((a) => a.status))].sort();
  const filters = [
    {},
    ...districts.map((district) => ({ district })),
    ...statuses.map((status) => ({ status })),
    ...programmes.map(({ id }) => ({ programmeId: id, fiscalYear: 2026 })),
    { uscc: enterprises[0]!, status: 'approved' },
    { district: districts[0]!, programmeId: 'baoding-data-voucher', fiscalYear: 2025, status: 'approved' },
  ];
  for (const filter of filters) {
    for (const page of [
      { limit: 100, offset: 0 },
      { limit: 37, offset: 74 },
      { limit: 0, offset: -5 },
      { limit: 10_000, offset: 0 },
    ]) {
      await ask(`applications ${JSON.stringify(filter)} ${JSON.stringify(page)}`, queries.applications(filter, page));
    }
  }
  await ask('queue', queries.approvalQueue());
  await ask('queue 3', queries.approvalQueue(undefined, 3));
  for (const { id } of programmes) await ask(`queue ${id}`, queries.approvalQueue(id));
  await ask('figures', queries.figures());
  return out;
}

(available ? describe : describe.skip)(`one log, three read sides${available ? '' : ' — SKIPPED, no PostgreSQL to test against (reason printed above)'}`, () => {
  let dir: string;
  let schema: string;
  let store: SqliteEventStore;
  let events: StoredEvent[];
  let inFile: ReadSide;
  let separateSqlite: ReadSide;
  let pool: pg.Pool;
  let postgresModel: PostgresReadModel;
  let postgres: ReadSideQueries;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-cross-'));
    schema = freshSchemaName();
    store = new SqliteEventStore({ path: join(dir, 'ledger.db') });
    await generateSynthetic((await openLedgerCommands(store)).commands, { applications: 260, seed: 11 });
    events = await collect(store.readAll());
    expect(events.length).toBeGreaterThan(4_000);

    inFile = await openReadSide(store, loadLedgerConfig({ LEDGER_SQLITE_PATH: join(dir, 'ledger.db') }));
    // Another store's read side, without DATABASE_URL: a file of its own, fed from the same log.
    separateSqlite = await openReadSide(new NotSqlite(store) as unknown as EventStore, loadLedgerConfig({ LEDGER_SQLITE_PATH: join(dir, 'read-side.db') }));
    expect(separateSqlite).toMatchObject({ kind: 'sqlite' });
    pool = postgresReadPool(postgresUrl, schema);
    postgresModel = await PostgresReadModel.open({ pool, schema, ownTimeline: true });
    postgres = new PostgresReadQueries(pool, { ownTimeline: true });
  });

  afterAll(async () => {
    await separateSqlite?.close();
    await pool?.end();
    await store?.close();
    if (schema !== undefined) await dropSchema(schema);
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers every query identically part-way through the log, with notices open and priority enterprises queued', async () => {
    // Part-way through the log (from a quarter on, batch by batch), at the first point where the
    // approval queue holds a priority enterprise ahead of others: notices open, the queue ranked. The
    // point is found with PostgreSQL's queries, which keep nothing in memory; the read sides that do
    // are asked once, there.
    let found = false;
    for (let start = 0; start < events.length && !found; start += 500) {
      const batch = events.slice(start, start + 500);
      await inFile.model.applyBatch(batch);
      await separateSqlite.model.applyBatch(batch);
      await postgresModel.applyBatch(batch);
      if (start + 500 < events.length / 4) continue;
      const queue = await postgres.approvalQueue();
      found = queue[0]?.priority === 1 && queue.length > 1;
    }
    if (!found) throw new Error('the synthetic history never queued a priority enterprise ahead of others');
    const expected = await answers(inFile.queries, events);
    const queue = expected['queue'] as { priority: number }[];
    expect(queue[0]?.priority === 1 && queue.length > 1).toBe(true);
    expect(await answers(postgres, events)).toEqual(expected);
    expect(await answers(separateSqlite.queries, events)).toEqual(expected);
  });

  it('answers every query identically at the head, now and as of past positions and times', async () => {
    // Live batches of odd sizes into PostgreSQL, a rebuild and a catch-up into the others: the rows must not depend on it.
    const head = await store.headPosition();
    expect(await new Projector(store, postgresModel, { batchSizeMax: 411 }).catchUp()).toBe(head);
    expect(await inFile.projector.rebuild()).toBe(head);
    expect(await separateSqlite.projector.catchUp()).toBe(head);
    const expected = await answers(inFile.queries, events);
    expect(Object.keys(expected).length).toBeGreaterThan(700);
    expect(await answers(postgres, events)).toEqual(expected);
    expect(await answers(separateSqlite.queries, events)).toEqual(expected);
  });

  it('reconciles each read side with the log', async () => {
    for (const queries of [inFile.queries, postgres, separateSqlite.queries]) expect(await reconcile(store, queries)).toMatchObject({ ok: true, differences: [] });
  });
});

/** The SQLite log seen as "some other store" (what a KurrentDB store is to the wiring): what a projector reads of it. */
class NotSqlite {
  readonly positionsAreDense = true;
  constructor(private readonly inner: SqliteEventStore) {}
  readAll = (...args: Parameters<SqliteEventStore['readAll']>) => this.inner.readAll(...args);
  subscribe = (...args: Parameters<SqliteEventStore['subscribe']>) => this.inner.subscribe(...args);
  headPosition = () => this.inner.headPosition();
}
