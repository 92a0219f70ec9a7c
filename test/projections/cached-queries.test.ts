// Answers remembered until the read side moves: never staler than the position they carry, never
// kept past the next batch, and never kept when the question failed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLedgerCommands, type LedgerCommands } from '../../src/commands/ledger-commands.js';
import { loadLedgerConfig } from '../../src/config.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { CachedReadQueries } from '../../src/projections/cached-queries.js';
import { openReadSide, type ReadSide } from '../../src/projections/read-side.js';
import type { ReadSideQueries } from '../../src/projections/queries.js';

const admin = (key: string) => ({ commandId: key, actor: { id: 'admin-1', roles: ['admin' as const] }, now: '2025-03-01T02:00:00.000Z' });

describe('cached read queries', () => {
  let dir: string;
  let store: SqliteEventStore;
  let ledger: LedgerCommands;
  let ours: ReadSide;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-cached-'));
    const path = join(dir, 'ledger.db');
    store = new SqliteEventStore({ path });
    ledger = (await openLedgerCommands(store)).commands;
    await ledger.publishBuiltInProgrammes('2025-01-01T00:00:00.000Z');
    ours = await openReadSide(store, loadLedgerConfig({ LEDGER_SQLITE_PATH: path }));
  });

  afterEach(async () => {
    await ours.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers from memory until its projector moves, then from the database again', async () => {
    await ledger.dispatch('AllocateBudget', admin('b-1'), { params: { programmeId: 'wuhan-data-product' }, body: { year: 2025, amount: '1000000.00' } });
    await ours.projector.catchUp();
    const first = await ours.queries.budget('wuhan-data-product', 2025);
    expect(first).toMatchObject({ budget: '1000000.00', position: ours.projector.position.toString() });
    expect(await ours.queries.budget('wuhan-data-product', 2025)).toBe(first);

    const raised = await ledger.dispatch('AllocateBudget', admin('b-2'), { params: { programmeId: 'wuhan-data-product' }, body: { year: 2025, amount: '2500000.00' } });
    // Allocations add up. Written but not yet projected: the read side, and so the answer, is still at the earlier position.
    expect(await ours.queries.budget('wuhan-data-product', 2025)).toBe(first);
    await ours.projector.catchUp();
    const second = await ours.queries.budget('wuhan-data-product', 2025);
    expect(second).toMatchObject({ budget: '3500000.00', position: raised.position });
  });

  it('carries the position it was read at when another process projected further, until its own projector catches up', async () => {
    await ledger.dispatch('AllocateBudget', admin('b-1'), { params: { programmeId: 'wuhan-data-product' }, body: { year: 2025, amount: '1000000.00' } });
    await ours.projector.catchUp();
    const before = await ours.queries.budget('wuhan-data-product', 2025);

    // Another process's projector, on the same file, applies the next allocation first.
    const other = new SqliteEventStore({ path: join(dir, 'ledger.db') });
    const theirs = await openReadSide(other, loadLedgerConfig({ LEDGER_SQLITE_PATH: join(dir, 'ledger.db') }));
    try {
      const raised = await ledger.dispatch('AllocateBudget', admin('b-2'), { params: { programmeId: 'wuhan-data-product' }, body: { year: 2025, amount: '3000000.00' } });
      await theirs.projector.catchUp();
      // Ours answers what it said before, for the position it said it then: still true of that position.
      expect(await ours.queries.budget('wuhan-data-product', 2025)).toEqual(before);
      await ours.projector.catchUp();
      expect(await ours.queries.budget('wuhan-data-product', 2025)).toMatchObject({ budget: '4000000.00', position: raised.position });
    } finally {
      await theirs.close();
      await other.close();
    }
  });

  it('asks again after a question failed, and passes as-of questions straight through', async () => {
    let calls = 0;
    let fail = true;
    const inner = {
      budget: async () => {
        calls += 1;
        if (fail) throw new Error('database away');
        return undefined;
      },
    } as unknown as ReadSideQueries;
    const cached = new CachedReadQueries(inner, () => 1n);
    await expect(cached.budget('p', 2025)).rejects.toThrow('database away');
    fail = false;
    await expect(cached.budget('p', 2025)).resolves.toBeUndefined();
    await expect(cached.budget('p', 2025)).resolves.toBeUndefined();
    expect(calls).toBe(2);
    await cached.budget('p', 2025, { position: 1n });
    await cached.budget('p', 2025, { position: 1n });
    expect(calls).toBe(4);
  });
});
