// The read side: live projection, replay from empty, as-of, checkpoint resume, reconciliation, export.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJsonl } from '../../src/audit/export.js';
import { openLedgerCommands } from '../../src/commands/ledger-commands.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { Projector } from '../../src/projections/projector.js';
import { ReadQueries } from '../../src/projections/queries.js';
import { reconcile } from '../../src/projections/reconcile.js';
import { applicationHistory } from '../../src/projections/history.js';
import { SqliteReadModel, readTables } from '../../src/projections/sqlite-read-model.js';
import { generateSynthetic } from '../../src/synthetic/generator.js';
import { collect } from '../support/events.js';

function snapshot(db: Database.Database): Record<string, unknown[]> {
  const rows: Record<string, unknown[]> = {};
  for (const table of readTables) rows[table] = db.prepare(`SELECT * FROM ${table} ORDER BY 1, 2, 3`).all();
  return rows;
}

describe('projections', () => {
  let dir: string;
  let store: SqliteEventStore;
  let model: SqliteReadModel;
  let projector: Projector;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-projections-'));
    store = new SqliteEventStore({ path: join(dir, 'ledger.db') });
    model = new SqliteReadModel(store.database);
    projector = new Projector(store, model, { batchSizeMax: 300 });
    // Live: the projector follows the log while the history is being written.
    projector.start();
    const summary = await generateSynthetic((await openLedgerCommands(store)).commands, { applications: 240, seed: 7 });
    expect(summary.applications).toBe(240);
    expect(await projector.waitFor(await store.headPosition(), 120_000)).toBe(true);
    await projector.stop();
  });

  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('made a history with every kind of event in it', async () => {
    const types = new Set((await collect(store.readAll())).map((e) => e.type));
    for (const type of [
      'ApplicationRejected',
      'ApplicationWithdrawn',
      'ObjectionResolved',
      'AwardApproved',
      'AwardRevoked',
      'DisbursementConfirmed',
      'ClawbackOrdered',
      'RecoveryRecorded',
      'FlagLifted',
    ]) {
      expect(types).toContain(type);
    }
  });

  it('rebuilds, from an empty read side, exactly the rows the live projection made', async () => {
    const live = snapshot(store.database);
    expect((live['read_applications'] ?? []).length).toBeGreaterThan(100);
    await projector.rebuild();
    expect(snapshot(store.database)).toEqual(live);
  });

  it('is deterministic: the same seed writes the same log, hash for hash', async () => {
    const other = new SqliteEventStore({ path: join(dir, 'again.db') });
    await generateSynthetic((await openLedgerCommands(other)).commands, { applications: 240, seed: 7 });
    expect((await other.digest()).hash).toBe((await store.digest()).hash);
    await other.close();
  });

  it('answers budget and enterprise questions as of past positions and times, as a read side built up to then would', async () => {
    const queries = new ReadQueries(store.database);
    const events = await collect(store.readAll());
    const approvals = events.filter((e) => e.type === 'AwardCommitted' || e.type === 'DisbursementConfirmed' || e.type === 'RecoveryRecorded');
    const points = [approvals[3]!, approvals[Math.floor(approvals.length / 2)]!, approvals[approvals.length - 2]!].map((e) => e.position);
    for (const position of points) {
      const partial = new Database(':memory:');
      const partialModel = new SqliteReadModel(partial);
      partialModel.applyBatch(events.filter((e) => e.position <= position));
      const partialQueries = new ReadQueries(partial);
      for (const programmeId of ['baoding-data-voucher', 'wuhan-data-product', 'baoding-rnd-project']) {
        for (const year of [2025, 2026, 2027]) {
          const asOf = await queries.budget(programmeId, year, { position });
          const then = await partialQueries.budget(programmeId, year);
          expect({ ...asOf, position: undefined }).toEqual({ ...then, position: undefined });
        }
      }
      const uscc = (partial.prepare('SELECT uscc FROM read_enterprise_totals LIMIT 1').get() as { uscc: string }).uscc;
      expect(await queries.enterpriseTotals(uscc, { asOf: { position } })).toEqual(await partialQueries.enterpriseTotals(uscc));
      partial.close();
    }
    // By time: the log up to the last event recorded at or before it.
    const middle = events[Math.floor(events.length / 2)]!;
    const position = await queries.positionOf({ time: middle.metadata.recordedAt });
    expect(position).toBeGreaterThanOrEqual(middle.position);
    expect(events.filter((e) => e.position <= position).every((e) => e.metadata.recordedAt <= middle.metadata.recordedAt)).toBe(true);
    expect(await queries.budget('baoding-data-voucher', 2025, { time: middle.metadata.recordedAt })).toEqual(await queries.budget('baoding-data-voucher', 2025, { position }));
  });

  it('starts a rebuild again when one was cut off before it finished', async () => {
    const expected = snapshot(store.database);
    const doomed = new SqliteReadModel(store.database);
    doomed.beginBulk();
    doomed.applyBatch(await collect(store.readAll({ maxCount: 2_000 })));
    // The process dies here: rows held in memory are lost, the marker stays.
    const restarted = new SqliteReadModel(store.database);
    expect(restarted.isRebuildInterrupted()).toBe(true);
    await new Projector(store, restarted).resume();
    expect(restarted.isRebuildInterrupted()).toBe(false);
    expect(snapshot(store.database)).toEqual(expected);
  });

  it('resumes from its checkpoint after a stop, applying nothing twice and skipping nothing', async () => {
    const expected = snapshot(store.database);
    model.reset();
    const head = await store.headPosition();
    // Apply part of the log, then hand over to a new projector (as after a restart).
    const firstPart = await collect(store.readAll({ maxCount: 1_000 }));
    model.applyBatch(firstPart);
    // A batch overlapping what is applied already changes nothing twice.
    model.applyBatch(await collect(store.readAll({ maxCount: 1_200 })));
    const restarted = new Projector(store, new SqliteReadModel(store.database), { batchSizeMax: 333 });
    expect(restarted.position).toBe(firstPart.length > 0 ? 1_200n : 0n);
    expect(await restarted.catchUp()).toBe(head);
    expect(snapshot(store.database)).toEqual(expected);
  });

  it('reconciles with the consistency-boundary streams, and reports a corrupted row by table, key and field', async () => {
    const queries = new ReadQueries(store.database);
    const clean = await reconcile(store, queries);
    expect(clean).toMatchObject({ ok: true, differences: [] });
    expect(clean.rowsChecked).toBeGreaterThan(200);
    const row = store.database.prepare('SELECT programme_id, year, committed FROM read_budgets LIMIT 1').get() as { programme_id: string; year: number; committed: string };
    store.database.prepare("UPDATE read_budgets SET committed = '1.00' WHERE programme_id = ? AND year = ?").run(row.programme_id, row.year);
    const app = store.database.prepare("SELECT application_id, paid FROM read_applications WHERE paid <> '0.00' LIMIT 1").get() as { application_id: string; paid: string };
    store.database.prepare("UPDATE read_applications SET paid = '0.00' WHERE application_id = ?").run(app.application_id);
    const report = await reconcile(store, queries);
    expect(report.ok).toBe(false);
    expect(report.differences).toEqual(
      expect.arrayContaining([
        { table: 'read_budgets', key: `${row.programme_id}|${row.year}`, field: 'committed', expected: row.committed, actual: '1.00' },
        { table: 'read_applications', key: app.application_id, field: 'paid', expected: app.paid, actual: '0.00' },
      ]),
    );
    await projector.rebuild();
    expect((await reconcile(store, queries)).ok).toBe(true);
  });

  it("gives an application's history from its stream, with the objections to it on its notice", async () => {
    const objection = (await collect(store.readAll())).find((e) => e.type === 'ObjectionResolved')!;
    const applicationId = (objection.data as { applicationId: string }).applicationId;
    const history = (await applicationHistory(store, applicationId))!;
    const types = history.map((h) => h.type);
    expect(types.slice(0, 5)).toEqual(['ApplicationSubmitted', 'StageReviewed', 'StageReviewed', 'StageReviewed', 'ApplicationNoticed']);
    expect(types).toContain('ObjectionFiled');
    expect(types).toContain('ObjectionResolved');
    const positions = history.map((h) => BigInt(h.position));
    expect(positions).toEqual([...positions].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(history.find((h) => h.type === 'ObjectionResolved')!.reason).toMatch(/经核实/);
    expect(await applicationHistory(store, 'no-such-application')).toBeUndefined();
  });

  it('exports JSON Lines with every field of every event, from a position', async () => {
    const lines = (await collect(exportJsonl(store, { afterPosition: 10n }))).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ position: '11' });
    expect(Object.keys(lines[0]!).sort()).toEqual(['data', 'hash', 'id', 'metadata', 'position', 'prevHash', 'revision', 'schemaVersion', 'stream', 'type']);
    expect(lines).toHaveLength(Number(await store.headPosition()) - 10);
  });
});
