// Group commit on the embedded store: appends with deferred durability, and the commands of one write
// turn, share one disk sync; nobody but a writer reads them before it; a command's result waits for
// it, but not for the rest of its burst; a failed sync stops the store.
import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandRunner } from '../../src/commands/runner.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { anEvent, collect } from '../support/events.js';
import { countEvent, counterKind, countUseCase } from '../support/counter.js';
import { useCase } from '../../src/commands/use-case.js';
import { turnWorkMsMin } from '../../src/commands/write-turns.js';

const flushesOf = (path: string): number => {
  const db = new Database(path, { readonly: true });
  try {
    return (db.prepare('SELECT flushes FROM durability_marks').get() as { flushes: number }).flushes;
  } finally {
    db.close();
  }
};

/** Files this process has open that SQLite made for temporary data (it names them etilqs_…); Linux only. */
const temporaryFilesOpen = (): string[] =>
  readdirSync('/proc/self/fd').flatMap((fd) => {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      return target.includes('etilqs_') ? [target] : [];
    } catch {
      return []; // closed meanwhile (the directory's own descriptor)
    }
  });
const openFilesListed = existsSync('/proc/self/fd');
if (!openFilesListed) console.log('sqlite group commit: the test of temporary files is SKIPPED: this system has no /proc/self/fd to list open files');

describe('sqlite group commit', () => {
  let dir: string;
  let path: string;
  let store: SqliteEventStore;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-group-'));
    path = join(dir, 'ledger.db');
    store = new SqliteEventStore({ path });
  });

  afterEach(async () => {
    await store.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows a deferred append to writers at once, and to every other reader only once it is on disk', async () => {
    await store.appendMulti([{ stream: 's-1', expectedRevision: 'no-stream', events: [anEvent('N', { n: 1 })] }], [], { deferDurability: true });
    const order: string[] = [];
    // A writer deciding the next append sees it now.
    expect(await store.readStream('s-1', { forWriter: true })).toHaveLength(1);
    const reader = store.readStream('s-1').then((events) => order.push(`reader saw ${events.length}`));
    const head = store.headPosition().then((position) => order.push(`head ${position}`));
    const flushed = store.flush().then(() => order.push('flushed'));
    await Promise.all([reader, head, flushed]);
    expect(order[0]).toBe('flushed');
    expect(order).toEqual(expect.arrayContaining(['reader saw 1', 'head 1']));
    expect(flushesOf(path)).toBe(1);
    // Nothing left to sync: a flush returns without another sync.
    await store.flush();
    expect(flushesOf(path)).toBe(1);
  });

  it('puts the appends of many commands racing on one stream under a few syncs, each result given only after its own', async () => {
    const runner = new CommandRunner(store, () => Promise.reject(new Error('no command should need a retry')));
    const context = (n: number) => ({ commandId: `c-${n}`, actor: { id: 'u', roles: ['admin' as const] }, now: '2025-06-01T00:00:00.000Z' });
    const syncsBefore = flushesOf(path);
    const results = await Promise.all(
      Array.from({ length: 25 }, (_, n) =>
        runner
          .run(context(n), countUseCase(), { n }, { n })
          // What the caller is told is already on disk: the sync counter moved before it.
          .then((result) => ({ ...result, syncsAtResult: flushesOf(path) })),
      ),
    );
    expect(results.map((r) => r.seen)).toEqual(Array.from({ length: 25 }, (_, n) => n));
    expect(results.every((r) => r.syncsAtResult > syncsBefore)).toBe(true);
    // A few syncs for the 25 appends (they arrived together), not 25: a turn takes a few milliseconds of commands.
    expect(flushesOf(path) - syncsBefore).toBeLessThanOrEqual(Math.ceil(25 / 2));
    expect(flushesOf(path) - syncsBefore).toBeGreaterThanOrEqual(1);
    const other = new SqliteEventStore({ path });
    try {
      expect((await other.readStream('counter')).map((e) => (e.data as { year: number }).year)).toEqual(Array.from({ length: 25 }, (_, n) => n));
    } finally {
      await other.close();
    }
  });

  it('answers the first commands of a burst without waiting for the whole burst', async () => {
    const runner = new CommandRunner(store, () => Promise.reject(new Error('no command should need a retry')));
    const context = (n: number) => ({ commandId: `c-${n}`, actor: { id: 'u', roles: ['admin' as const] }, now: '2025-06-01T00:00:00.000Z' });
    // Each decision takes 2 ms of work: a turn holds two or three of them.
    const busy = countUseCase(async () => {
      const until = performance.now() + 2;
      while (performance.now() < until);
    });
    const answeredAt: number[] = [];
    let lastCommitted = -1;
    await Promise.all(
      Array.from({ length: 20 }, (_, n) =>
        runner.run(context(n), busy, { n }, { n }).then(() => {
          answeredAt[n] = flushesOf(path);
          lastCommitted = Math.max(lastCommitted, n);
        }),
      ),
    );
    expect(lastCommitted).toBe(19);
    // The first command was answered after an earlier sync than the last one: not all at the end.
    expect(answeredAt[0]).toBeLessThan(answeredAt[19] ?? 0);
    expect(answeredAt).toEqual([...answeredAt].sort((a, b) => a - b));
  });

  it('answers the first half of a burst before it decides the rest, and every caller in the order they came', async () => {
    const runner = new CommandRunner(store, () => Promise.reject(new Error('no command should need a retry')));
    const context = (n: number) => ({ commandId: `c-${n}`, actor: { id: 'u', roles: ['admin' as const] }, now: '2025-06-01T00:00:00.000Z' });
    const happened: string[] = [];
    // Each decision takes at least the least work a turn holds: the burst's first turn holds the half
    // of it that a turn takes at least (a new writer has no measure of a command's work yet).
    const busy = useCase({
      type: 'Count',
      roles: ['admin'],
      parse: ({ body }) => body as { n: number },
      load: async (data: { n: number }, reader) => {
        const seen = await reader.read('counter', counterKind);
        const until = performance.now() + turnWorkMsMin;
        while (performance.now() < until);
        happened.push(`decided ${data.n}`);
        return { seen };
      },
      decide: (_command, given) => ({ counter: [countEvent(given.seen.length)] }),
      write: (decided, _command, given) => ({ writes: [{ stream: 'counter', events: decided.counter }], result: { seen: given.seen.length } }),
    });
    const burst = Array.from({ length: 12 }, (_, n) => n);
    const results = await Promise.all(
      burst.map((n) =>
        runner.run(context(n), busy, { n }, { n }).then((result) => {
          happened.push(`answered ${n}`);
          return result;
        }),
      ),
    );
    expect(results.map((r) => r.seen)).toEqual(burst);
    const half = burst.length / 2;
    expect(happened.indexOf(`decided ${half - 1}`)).toBeLessThan(happened.indexOf('answered 0'));
    expect(happened.indexOf(`answered ${half - 1}`)).toBeLessThan(happened.indexOf(`decided ${half}`));
    expect(happened.filter((h) => h.startsWith('answered'))).toEqual(burst.map((n) => `answered ${n}`));
    expect(happened.filter((h) => h.startsWith('decided'))).toEqual(burst.map((n) => `decided ${n}`));
  });

  (openFilesListed ? it : it.skip)('keeps what a write turn needs to undo an append in memory, not in a temporary file', async () => {
    // Each append of a turn is a savepoint; SQLite spills a savepoint's page copies past 64 KiB to a
    // temporary file unless told to keep them in memory. A log of 2,000 events first (a savepoint copies
    // only pages that existed before it), then appends of an approval's size, 30 in a turn.
    const note = 'x'.repeat(400);
    for (let batch = 0; batch < 20; batch += 1) {
      await store.appendMulti(
        Array.from({ length: 100 }, (_, n) => ({ stream: `earlier-${batch}-${n}`, expectedRevision: 'any' as const, events: [anEvent('Earlier', { note })] })),
      );
    }
    const opened = await store.writeTurn(async () => {
      for (let n = 0; n < 30; n += 1) {
        await store.appendMulti(
          ['budget', 'notice', `application-${n}`, `award-${n}`, `command-${n}`].map((stream) => ({
            stream,
            expectedRevision: 'any' as const,
            events: [anEvent('Appended', { n, note })],
          })),
        );
      }
      return temporaryFilesOpen();
    });
    expect(opened).toEqual([]);
    expect(await collect(store.readAll())).toHaveLength(2_150);
  });

  it('keeps appends without deferral durable at commit, as every caller of the port expects', async () => {
    const syncsBefore = flushesOf(path);
    await store.append('s-1', [anEvent('N', { n: 1 })], 'no-stream');
    expect(flushesOf(path)).toBe(syncsBefore);
    await store.flush();
    expect(flushesOf(path)).toBe(syncsBefore);
    expect(await collect(store.readAll())).toHaveLength(1);
  });

  it('stops the store when a sync fails: the waiting writers are refused, and nothing after claims to be on disk', async () => {
    await store.appendMulti([{ stream: 's-1', expectedRevision: 'no-stream', events: [anEvent('N', { n: 1 })] }], [], { deferDurability: true });
    // The row the sync writes is gone: its commit fails as a failing disk would.
    const vandal = new Database(path);
    vandal.exec('DROP TABLE durability_marks');
    vandal.close();
    await expect(store.flush()).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    await expect(store.readStream('s-1')).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    await expect(store.append('s-2', [anEvent('N', { n: 2 })], 'no-stream')).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
  });

  it('refuses every command of a turn whose commit fails, keeps none of their events, and stops the store', async () => {
    const runner = new CommandRunner(store, () => Promise.reject(new Error('no command should need a retry')));
    const context = (n: number) => ({ commandId: `c-${n}`, actor: { id: 'u', roles: ['admin' as const] }, now: '2025-06-01T00:00:00.000Z' });
    await runner.run(context(0), countUseCase(), {}, {});
    // The row the turn's commit counts its sync in is gone: the commit fails as a failing disk would.
    const vandal = new Database(path);
    vandal.exec('DROP TABLE durability_marks');
    vandal.close();
    const outcomes = await Promise.allSettled([1, 2, 3].map((n) => runner.run(context(n), countUseCase(), { n }, { n })));
    expect(outcomes.map((o) => (o.status === 'rejected' ? (o.reason as { code?: string }).code : 'answered'))).toEqual([
      'STORE_UNAVAILABLE',
      'STORE_UNAVAILABLE',
      'STORE_UNAVAILABLE',
    ]);
    await expect(store.append('s-2', [anEvent('N', { n: 2 })], 'no-stream')).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    const file = new Database(path, { readonly: true });
    try {
      expect(file.prepare("SELECT count(*) AS n FROM events WHERE stream = 'counter'").get()).toEqual({ n: 1 });
    } finally {
      file.close();
    }
  });

  it('lets no reader slip between its wait and its read: an append committed meanwhile is waited for too', async () => {
    await store.appendMulti([{ stream: 's-1', expectedRevision: 'no-stream', events: [anEvent('N', { n: 1 })] }], [], { deferDurability: true });
    const firstSync = store.flush();
    // Runs as soon as the first sync is done, before the waiting reader goes on: another append.
    const appendedMeanwhile = firstSync.then(() => store.appendMulti([{ stream: 's-1', expectedRevision: 0n, events: [anEvent('N', { n: 2 })] }], [], { deferDurability: true }));
    const seen = await store.readStream('s-1').then((events) => ({ events: events.length, syncs: flushesOf(path) }));
    await appendedMeanwhile;
    expect(seen).toEqual({ events: 2, syncs: 2 });
  });

  it('syncs before reading what another process committed without a sync of its own', async () => {
    await store.appendMulti([{ stream: 's-1', expectedRevision: 'no-stream', events: [anEvent('N', { n: 1 })] }], [], { deferDurability: true });
    const other = new SqliteEventStore({ path });
    try {
      expect(flushesOf(path)).toBe(0);
      const events = await other.readStream('s-1');
      expect(events).toHaveLength(1);
      // The other process saw it only after a sync (its own, of the whole write-ahead log).
      expect(flushesOf(path)).toBe(1);
      // And a writer in that process decides on it only to give its answer after a sync too.
      await store.appendMulti([{ stream: 's-1', expectedRevision: 0n, events: [anEvent('N', { n: 2 })] }], [], { deferDurability: true });
      expect((await other.readStream('s-1', { forWriter: true })).length).toBe(2);
      await other.flush();
      expect(flushesOf(path)).toBe(2);
    } finally {
      await other.close();
    }
  });

  it('answers a retried append only once what it returns is on disk', async () => {
    const event = anEvent('N', { n: 1 });
    await store.appendMulti([{ stream: 's-1', expectedRevision: 'no-stream', events: [event] }], [], { deferDurability: true });
    expect(flushesOf(path)).toBe(0);
    const replayed = await store.append('s-1', [event], 'no-stream');
    expect(replayed.revision).toBe(0n);
    expect(flushesOf(path)).toBe(1);
  });

  it('refuses a flush that waited too long for the write lock, without stopping the store, and syncs on the next', async () => {
    await store.close();
    store = new SqliteEventStore({ path, busyTimeoutMs: 100 });
    await store.appendMulti([{ stream: 's-1', expectedRevision: 'no-stream', events: [anEvent('N', { n: 1 })] }], [], { deferDurability: true });
    const holder = new Database(path, { timeout: 100 });
    holder.exec('BEGIN IMMEDIATE');
    try {
      await expect(store.flush()).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
    await store.flush();
    expect(flushesOf(path)).toBe(1);
    expect(await store.readStream('s-1')).toHaveLength(1);
    await store.append('s-2', [anEvent('N', { n: 2 })], 'no-stream');
  });

  it('syncs what another process committed between its check and its read, before giving it out', async () => {
    const other = new SqliteEventStore({ path });
    try {
      await store.readStream('s-1');
      const syncsBefore = flushesOf(path);
      // Another process commits, without a sync of its own, right after this store has checked.
      const dataVersion = (store as unknown as { statements: { dataVersion: { get: () => unknown } } }).statements.dataVersion;
      const check = dataVersion.get.bind(dataVersion);
      let armed = true;
      dataVersion.get = () => {
        const version = check();
        if (armed) {
          armed = false;
          void other.appendMulti([{ stream: 's-1', expectedRevision: 'no-stream', events: [anEvent('N', { n: 1 })] }], [], { deferDurability: true });
        }
        return version;
      };
      const events = await store.readStream('s-1');
      expect(armed).toBe(false);
      expect(events).toHaveLength(1);
      expect(flushesOf(path)).toBe(syncsBefore + 1);
    } finally {
      await other.close();
    }
  });

  it('closes once however often it is asked to, and refuses to flush after', async () => {
    await store.appendMulti([{ stream: 's-1', expectedRevision: 'no-stream', events: [anEvent('N', { n: 1 })] }], [], { deferDurability: true });
    await Promise.all([store.close(), store.close()]);
    expect(flushesOf(path)).toBe(1);
    await expect(store.flush()).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
  });
});
