// The command path's reading: folds remembered by revision, and commands taking turns on an embedded store.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventStore, ReadStreamOptions, StoredEvent } from '../../src/event-store/event-store.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { CommandRunner, FoldCache, StreamLoader } from '../../src/commands/runner.js';
import { anEvent } from '../support/events.js';
import { countEvent, countUseCase, counterKind } from '../support/counter.js';
import type { StreamKind } from '../../src/shared/stream-kind.js';
import type { CalendarEvent } from '../../src/programmes/events.js';

/** Counts what each fold asked the store for. */
function countingReads(store: EventStore): { store: EventStore; reads: ReadStreamOptions[] } {
  const reads: ReadStreamOptions[] = [];
  const counting = Object.create(store) as EventStore;
  counting.readStream = (stream: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> => {
    reads.push(options);
    return store.readStream(stream, options);
  };
  return { store: counting, reads };
}

const n = (value: number) => anEvent(countEvent(value).type, countEvent(value).data);
const startingAt = (initial: readonly number[]): StreamKind<readonly number[], CalendarEvent> => ({ ...counterKind, initial });

describe('the command path', () => {
  let dir: string;
  let store: SqliteEventStore;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-loader-'));
    store = new SqliteEventStore({ path: join(dir, 'ledger.db') });
  });

  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('folds a stream once, then reads only what was appended after the revision it remembers', async () => {
    await store.append('s-1', [n(1), n(2)], 'no-stream');
    const { store: counted, reads } = countingReads(store);
    const folds = new FoldCache();

    const first = new StreamLoader(counted, folds);
    expect(await first.read('s-1', counterKind)).toEqual([1, 2]);
    expect(first.revisionOf('s-1')).toBe(1n);

    await store.append('s-1', [n(3)], 1n);
    const second = new StreamLoader(counted, folds);
    expect(await second.read('s-1', counterKind)).toEqual([1, 2, 3]);
    expect(second.revisionOf('s-1')).toBe(2n);

    const third = new StreamLoader(counted, folds);
    expect(await third.read('s-1', counterKind)).toEqual([1, 2, 3]);
    expect(third.revisionOf('s-1')).toBe(2n);

    expect(reads.map((r) => r.fromRevision ?? 'all')).toEqual(['all', 2n, 3n]);
  });

  it('does not mix folds of one stream made with another evolve function or initial state', async () => {
    await store.append('s-1', [n(5)], 'no-stream');
    const folds = new FoldCache();
    expect(await new StreamLoader(store, folds).read('s-1', counterKind)).toEqual([5]);
    const doubled: StreamKind<readonly number[], CalendarEvent> = { ...counterKind, evolve: (total, event) => [...total, 2 * event.data.year] };
    expect(await new StreamLoader(store, folds).read('s-1', doubled)).toEqual([10]);
    expect(await new StreamLoader(store, folds).read('s-1', startingAt([0]))).toEqual([0, 5]);
    expect(await new StreamLoader(store, folds).read('s-2', counterKind)).toEqual([]);
  });

  it('forgets the least recently used folds beyond its bound', async () => {
    for (const stream of ['a', 'b', 'c']) await store.append(stream, [n(1)], 'no-stream');
    const { store: counted, reads } = countingReads(store);
    const folds = new FoldCache(2);
    for (const stream of ['a', 'b', 'a', 'c', 'a', 'b']) await new StreamLoader(counted, folds).read(stream, counterKind);
    // b was forgotten when c came (a had been used since); then c went for b.
    expect(reads.map((r) => r.fromRevision ?? 'all')).toEqual(['all', 'all', 1n, 'all', 1n, 'all']);
  });

  it('runs the commands of one process on an embedded store one after another: racing writers never conflict', async () => {
    const runner = new CommandRunner(store, () => Promise.reject(new Error('no command should need a retry')));
    const context = (n: number) => ({ commandId: `c-${n}`, actor: { id: 'u', roles: ['admin' as const] }, now: '2025-06-01T00:00:00.000Z' });
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => runner.run(context(i), countUseCase(), { i }, { i })));
    expect(results.map((r) => r.seen)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect((await store.readStream('counter')).map((e) => (e.data as { year: number }).year)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('decides on what a writer outside the process appended, which waits while a turn is open', async () => {
    const other = new SqliteEventStore({ path: join(dir, 'ledger.db'), busyTimeoutMs: 50 });
    try {
      const runner = new CommandRunner(store, () => Promise.reject(new Error('no command should need a retry')));
      const context = (id: string) => ({ commandId: id, actor: { id: 'u', roles: ['admin' as const] }, now: '2025-06-01T00:00:00.000Z' });
      await runner.run(context('c-1'), countUseCase(), {}, {});
      // Another process appends between two commands: the second reads it (this connection's heads are stale).
      await other.append('counter', [n(100)], 'any');
      // While a command decides, its turn holds the write lock: the other process cannot append in between.
      let refusedDuringTurn: unknown;
      const count = countUseCase(async () => {
        refusedDuringTurn = await other.append('counter', [n(200)], 'any').then(
          () => undefined,
          (error: unknown) => error,
        );
      });
      const result = await runner.run(context('c-2'), count, {}, {});
      expect(result.seen).toBe(2);
      expect(refusedDuringTurn).toMatchObject({ code: 'STORE_UNAVAILABLE' });
      expect((await store.readStream('counter')).map((e) => (e.data as { year: number }).year)).toEqual([0, 100, 2]);
    } finally {
      await other.close();
    }
  });
});
