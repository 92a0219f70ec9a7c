// What the embedded store guarantees beyond the contract: durability settings, schema versions,
// immutability in the file itself, and several processes appending to one file.
import Database from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { migrate, sqliteMigrations } from '../../src/event-store/sqlite/migrations.js';
import { collect, someEvents } from '../support/events.js';

const run = promisify(execFile);

describe('sqlite event store', () => {
  let dir: string;
  let path: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-sqlite-'));
    path = join(dir, 'nested', 'ledger.db');
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates its folder and file on first use, in WAL mode with synchronous=FULL', async () => {
    const store = new SqliteEventStore({ path });
    await store.append('a-1', someEvents(1), 'no-stream');
    await store.close();
    expect(existsSync(path)).toBe(true);
    const db = new Database(path);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
    // synchronous is per connection: check the store's own.
    const store2 = new SqliteEventStore({ path });
    expect((store2 as unknown as { db: Database.Database }).db.pragma('synchronous', { simple: true })).toBe(2);
    await store2.close();
  });

  it('reads for the read side what it reads in full, from any position, a page at a time', async () => {
    const store = new SqliteEventStore({ path, readPageSize: 3 });
    await store.append('a-1', someEvents(4), 'no-stream');
    await store.append('b-1', someEvents(5, 'OtherRecorded'), 'no-stream');
    await store.append('a-1', someEvents(2), 3n);
    for (const options of [{}, { afterPosition: 2n }, { afterPosition: 4n, maxCount: 5 }, { afterPosition: 11n }]) {
      const full = await collect(store.readAll(options));
      const projected = await collect(store.readAllProjected(options));
      expect(projected.map((e) => [e.position, e.stream, e.type, e.schemaVersion, e.data, { ...e.metadata }])).toEqual(
        full.map((e) => [
          e.position,
          e.stream,
          e.type,
          e.schemaVersion,
          e.data,
          { actorId: e.metadata.actorId, actorRole: e.metadata.actorRole, recordedAt: e.metadata.recordedAt },
        ]),
      );
    }
    expect((await collect(store.readAllProjected({ afterPosition: 4n, maxCount: 5 }))).map((e) => e.position)).toEqual([5n, 6n, 7n, 8n, 9n]);
    await store.close();
  });

  it('records each schema migration once, across reopenings', async () => {
    for (let i = 0; i < 2; i += 1) await new SqliteEventStore({ path }).close();
    const db = new Database(path);
    const versions = db.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all();
    expect(versions).toEqual(sqliteMigrations.map((m) => m.version));
    db.close();
  });

  it('refuses to open a database whose schema is newer than the code', async () => {
    await new SqliteEventStore({ path }).close();
    const db = new Database(path);
    db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', '2030-01-01')").run();
    expect(() => migrate(db)).toThrow(/schema is at version 999, newer than this build knows/);
    db.close();
  });

  it('refuses, in the file itself, to update or delete a stored event', async () => {
    const store = new SqliteEventStore({ path });
    await store.append('a-1', someEvents(2), 'no-stream');
    await store.close();
    const db = new Database(path);
    expect(() => db.prepare("UPDATE events SET data = '{}' WHERE position = 1").run()).toThrow(/events are immutable/);
    expect(() => db.prepare('DELETE FROM events WHERE position = 1').run()).toThrow(/events are immutable/);
    db.close();
  });

  it('keeps the appends of several processes on one file whole: none lost, doubled or interleaved', async () => {
    const processCount = 3;
    const appendCount = 100;
    await new SqliteEventStore({ path }).close();
    const worker = join(import.meta.dirname, 'sqlite-appender.worker.ts');
    const startAt = Date.now() + 2_500;
    const outputs = await Promise.all(
      Array.from({ length: processCount }, (_, who) =>
        run(process.execPath, ['--import', 'tsx', worker, path, `p${who}`, String(appendCount), String(startAt)], {
          cwd: join(import.meta.dirname, '..', '..'),
        }),
      ),
    );
    const conflicts = outputs.map((o) => JSON.parse(o.stdout.trim().split('\n').pop()!).conflicts as number);

    const store = new SqliteEventStore({ path });
    const all = await collect(store.readAll());
    expect(all).toHaveLength(processCount * appendCount * 6);
    expect(all.map((e) => e.position)).toEqual(all.map((_, i) => BigInt(i + 1)));
    for (let who = 0; who < processCount; who += 1) {
      const own = all.filter((e) => e.stream === `own-p${who}`);
      expect(own.map((e) => e.revision)).toEqual(own.map((_, i) => BigInt(i)));
      for (let n = 0; n < appendCount; n += 1) {
        const batch = own.filter((e) => (e.data as { n: number }).n === n).map((e) => Number(e.position));
        expect(batch).toHaveLength(5);
        expect(batch[4]! - batch[0]!).toBe(4);
      }
    }
    const shared = await store.readStream('shared');
    expect(shared).toHaveLength(processCount * appendCount);
    expect(new Set(shared.map((e) => JSON.stringify(e.data))).size).toBe(processCount * appendCount);
    expect((await store.verify()).ok).toBe(true);
    await store.close();
    // The processes did race: at least one exact-revision append lost and was retried.
    expect(conflicts.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  });
});
