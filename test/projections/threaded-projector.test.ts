// Beside an SQLite log the read side is kept in a file of its own, and where the code runs compiled
// (the built dist/; `npm test` builds first) the service's projector follows the log on a thread of
// its own. What it writes there must be what the same projector writes on one thread, it must go on
// from its checkpoint after a stop, finish a rebuild a crash cut off, and report a failure to those
// waiting for it instead of leaving them waiting.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadLedgerConfig } from '../../src/config.js';
import { readTables, rebuildMarker } from '../../src/projections/fold.js';
import { readSidePathOf } from '../../src/projections/sqlite-read-file.js';
import type { ReadSide } from '../../src/projections/read-side.js';
import { built } from '../support/built.js';

type SqliteStoreModule = typeof import('../../src/event-store/sqlite/sqlite-event-store.js');
type ReadSideModule = typeof import('../../src/projections/read-side.js');
type ThreadedModule = typeof import('../../src/projections/threaded-projector.js');
type CommandsModule = typeof import('../../src/commands/ledger-commands.js');
type GeneratorModule = typeof import('../../src/synthetic/generator.js');

function snapshot(path: string): Record<string, unknown[]> {
  const db = new Database(path, { readonly: true });
  try {
    const rows: Record<string, unknown[]> = {};
    for (const table of readTables) rows[table] = db.prepare(`SELECT * FROM ${table} ORDER BY 1, 2, 3`).all();
    rows['read_event_times'] = db.prepare('SELECT * FROM read_event_times ORDER BY position').all();
    return rows;
  } finally {
    db.close();
  }
}

describe('the SQLite read side, projected on a thread of its own', () => {
  let dir: string;
  let path: string;
  let readPath: string;
  let storeModule: SqliteStoreModule;
  let readSideModule: ReadSideModule;
  let threaded: ThreadedModule;
  let commands: CommandsModule;
  let generator: GeneratorModule;

  beforeAll(async () => {
    storeModule = await built<SqliteStoreModule>('event-store/sqlite/sqlite-event-store.js');
    readSideModule = await built<ReadSideModule>('projections/read-side.js');
    threaded = await built<ThreadedModule>('projections/threaded-projector.js');
    commands = await built<CommandsModule>('commands/ledger-commands.js');
    generator = await built<GeneratorModule>('synthetic/generator.js');
  });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-threaded-projector-'));
    path = join(dir, 'ledger.db');
    readPath = readSidePathOf(path);
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Stops the projector, then rebuilds the read side from the first event on this thread (as `ledger replay` does): the rows must be those it had. */
  async function expectRowsOfARebuild(readSide: ReadSide): Promise<void> {
    const live = snapshot(readPath);
    await readSide.projector.stop();
    await readSide.projector.rebuild();
    expect(snapshot(readPath)).toEqual(live);
  }

  async function open(options: { readonly lingerMs?: number } = {}) {
    const store = new storeModule.SqliteEventStore({ path });
    const readSide = await readSideModule.openReadSide(store, loadLedgerConfig({ LEDGER_SQLITE_PATH: path }), options);
    return {
      store,
      readSide,
      close: async () => {
        await readSide.projector.stop();
        await readSide.close();
        await store.close();
      },
    };
  }

  it('follows commands as they are answered, and writes the rows a rebuild on one thread writes', async () => {
    const { store, readSide, close } = await open();
    try {
      expect(threaded.projectorThreadAvailable).toBe(true);
      expect(readSide.projector).toBeInstanceOf(threaded.ThreadedProjector);
      expect(readSide.location).toContain(readPath);
      readSide.projector.start();
      const ledger = (await commands.openLedgerCommands(store)).commands;
      await generator.generateSynthetic(ledger, { applications: 40, seed: 11 });
      const head = await store.headPosition();
      expect(head).toBeGreaterThan(500n);
      expect(await readSide.projector.waitFor(head, 30_000)).toBe(true);
      expect(readSide.projector.position).toBe(head);
      // The events' file holds no read side of its own.
      const events = new Database(path, { readonly: true });
      expect(events.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name LIKE 'read_%'").get()).toEqual({ n: 0 });
      events.close();
      const live = snapshot(readPath);
      expect(live['read_applications']!.length).toBeGreaterThan(0);

      await readSide.projector.stop();
      // Rebuilt from the first event on this thread (as `ledger replay` does): the same rows.
      await readSide.projector.rebuild();
      expect(readSide.projector.position).toBe(head);
      expect(snapshot(readPath)).toEqual(live);
    } finally {
      await close();
    }
  }, 120_000);

  it("lingers for more events only while no caller waits: a caller's own write is reflected at once", async () => {
    // A linger far longer than the wait allowed: only the caller's wait can cut it short.
    const { store, readSide, close } = await open({ lingerMs: 60_000 });
    try {
      readSide.projector.start();
      const ledger = (await commands.openLedgerCommands(store)).commands;
      await generator.generateSynthetic(ledger, { applications: 2, seed: 5 });
      const head = await store.headPosition();
      expect(await readSide.projector.waitFor(head, 5_000)).toBe(true);
      // Nobody waits now: the next commands' events wait for the linger.
      await generator.generateSynthetic(ledger, { applications: 1, seed: 6 });
      const next = await store.headPosition();
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(readSide.projector.position).toBeLessThan(next);
      // Stopping cuts the linger short too, and a thread started again follows on.
      const stopping = performance.now();
      await readSide.projector.stop();
      expect(performance.now() - stopping).toBeLessThan(5_000);
      readSide.projector.start();
      expect(await readSide.projector.waitFor(next, 5_000)).toBe(true);
    } finally {
      await close();
    }
  }, 60_000);

  it('goes on from its checkpoint after a stop, in this process or the next', async () => {
    const first = await open();
    const ledger = (await commands.openLedgerCommands(first.store)).commands;
    first.readSide.projector.start();
    await generator.generateSynthetic(ledger, { applications: 10, seed: 3 });
    const head = await first.store.headPosition();
    expect(await first.readSide.projector.waitFor(head, 30_000)).toBe(true);
    await first.readSide.projector.stop();
    // Appended while no projector runs.
    await generator.generateSynthetic(ledger, { applications: 10, seed: 4 });
    const later = await first.store.headPosition();
    expect(later).toBeGreaterThan(head);
    expect(first.readSide.projector.position).toBe(head);
    await first.close();

    const second = await open();
    try {
      expect(second.readSide.projector.position).toBe(head);
      second.readSide.projector.start();
      expect(await second.readSide.projector.waitFor(later, 30_000)).toBe(true);
      await expectRowsOfARebuild(second.readSide);
    } finally {
      await second.close();
    }
  }, 120_000);

  it('projects again from the first event when the events file beside it was replaced by a shorter log', async () => {
    const first = await open();
    first.readSide.projector.start();
    await generator.generateSynthetic((await commands.openLedgerCommands(first.store)).commands, { applications: 10, seed: 8 });
    expect(await first.readSide.projector.waitFor(await first.store.headPosition(), 30_000)).toBe(true);
    await first.close();
    // Another, shorter log in the events' place; the read side's file is left as it was.
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
    const other = new storeModule.SqliteEventStore({ path });
    await generator.generateSynthetic((await commands.openLedgerCommands(other)).commands, { applications: 2, seed: 9 });
    const head = await other.headPosition();
    await other.close();

    const second = await open();
    try {
      expect(second.readSide.projector.position).toBe(0n);
      second.readSide.projector.start();
      expect(await second.readSide.projector.waitFor(head, 30_000)).toBe(true);
      await expectRowsOfARebuild(second.readSide);
    } finally {
      await second.close();
    }
  }, 120_000);

  it('finishes a rebuild a crash cut off, from the first event', async () => {
    const { store, readSide, close } = await open();
    try {
      const ledger = (await commands.openLedgerCommands(store)).commands;
      await generator.generateSynthetic(ledger, { applications: 10, seed: 5 });
      const head = await store.headPosition();
      await readSide.projector.catchUp();
      const expected = snapshot(readPath);
      // As a rebuild leaves the file when it dies part-way: the marker set, the tables part-filled.
      const db = new Database(readPath);
      db.prepare('DELETE FROM read_applications WHERE application_id IN (SELECT application_id FROM read_applications LIMIT 3)').run();
      db.prepare('INSERT INTO read_checkpoints (name, position) VALUES (?, 0)').run(rebuildMarker);
      db.close();
      readSide.projector.start();
      expect(await readSide.projector.waitFor(head, 30_000)).toBe(true);
      await readSide.projector.stop();
      expect(await readSide.model.isRebuildInterrupted()).toBe(false);
      expect(snapshot(readPath)).toEqual(expected);
    } finally {
      await close();
    }
  }, 120_000);

  it('reports a batch that fails on its thread to whoever waits for it', async () => {
    const { store, readSide, close } = await open();
    try {
      readSide.projector.start();
      const ledger = (await commands.openLedgerCommands(store)).commands;
      await generator.generateSynthetic(ledger, { applications: 2, seed: 6 });
      expect(await readSide.projector.waitFor(await store.headPosition(), 30_000)).toBe(true);
      // A table every batch writes to is gone.
      const db = new Database(readPath);
      db.exec('DROP TABLE read_checkpoints');
      db.close();
      await generator.generateSynthetic(ledger, { applications: 2, seed: 7 });
      await expect(readSide.projector.waitFor(await store.headPosition(), 30_000)).rejects.toThrow(/read_checkpoints/);
    } finally {
      await close();
    }
  }, 120_000);
});
