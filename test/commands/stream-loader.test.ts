// The command path's reading: folds remembered by revision, and commands taking turns on an embedded store.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readStreamsOf, type EventStore, type ReadStreamOptions, type StoredEvent, type StreamRead } from '../../src/event-store/event-store.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { CommandRunner, FoldCache, StreamLoader } from '../../src/commands/runner.js';
import { anEvent } from '../support/events.js';
import { countEvent, countUseCase, counterKind } from '../support/counter.js';
import { need, useCase } from '../../src/commands/use-case.js';
import type { StreamKind } from '../../src/shared/stream-kind.js';
import type { CalendarEvent } from '../../src/programmes/events.js';

/** Counts what each fold asked the store for, and each batch read (the streams it read together). */
function countingReads(store: EventStore): { store: EventStore; reads: ReadStreamOptions[]; batches: StreamRead[][] } {
  const reads: ReadStreamOptions[] = [];
  const batches: StreamRead[][] = [];
  const counting = Object.create(store) as EventStore;
  counting.readStream = (stream: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> => {
    reads.push(options);
    return store.readStream(stream, options);
  };
  counting.readStreams = (batch: readonly StreamRead[], options?: Pick<ReadStreamOptions, 'forWriter'>): Promise<StoredEvent[][]> => {
    batches.push([...batch]);
    return readStreamsOf(store, batch, options);
  };
  return { store: counting, reads, batches };
}

/** A kind whose last event alone gives the state. */
const lastOnly: StreamKind<readonly number[], CalendarEvent> = { ...counterKind, lastEventSuffices: true, evolve: (_seen, event) => [event.data.year] };

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

  it('reads the streams named ahead in one call, each as its read would, and keeps the revision each was read at', async () => {
    await store.append('s-1', [n(1), n(2)], 'no-stream');
    await store.append('s-2', [n(3)], 'no-stream');
    await store.append('last', [n(7), n(8)], 'no-stream');
    const folds = new FoldCache();
    await new StreamLoader(store, folds).read('s-1', counterKind);
    await store.append('s-1', [n(4)], 1n);
    const { store: counted, reads, batches } = countingReads(store);

    const loader = new StreamLoader(counted, folds);
    await loader.readAhead([need('s-1', counterKind), need('s-2', counterKind), need('last', lastOnly), need('missing', counterKind), need('s-2', counterKind)]);
    expect(batches).toEqual([[{ stream: 's-1', fromRevision: 2n }, { stream: 's-2' }, { stream: 'last', direction: 'backwards', maxCount: 1 }, { stream: 'missing' }]]);
    expect(await loader.read('s-1', counterKind)).toEqual([1, 2, 4]);
    expect(await loader.read('s-2', counterKind)).toEqual([3]);
    expect(await loader.read('last', lastOnly)).toEqual([8]);
    expect(await loader.read('missing', counterKind)).toEqual([]);
    expect(reads).toEqual([]);
    expect([...loader.loaded]).toEqual([
      ['s-1', 2n],
      ['s-2', 0n],
      ['last', 1n],
      ['missing', 'no-stream'],
    ]);
    // Read already: not read ahead again, nor read again.
    await loader.readAhead([need('s-1', counterKind)]);
    expect(await loader.read('s-1', counterKind)).toEqual([1, 2, 4]);
    expect(batches).toHaveLength(1);
    expect(reads).toHaveLength(1);
  });

  it('folds what it read ahead on the fold known then, though another command folded the stream further meanwhile', async () => {
    await store.append('s-1', [n(1)], 'no-stream');
    const folds = new FoldCache();
    const early = new StreamLoader(store, folds);
    await early.readAhead([need('s-1', counterKind)]);
    await store.append('s-1', [n(2)], 0n);
    expect(await new StreamLoader(store, folds).read('s-1', counterKind)).toEqual([1, 2]);
    // The early reader decides on what it read, at the revision it read: its append would conflict.
    expect(await early.read('s-1', counterKind)).toEqual([1]);
    expect(early.revisionOf('s-1')).toBe(0n);
  });

  it('reads ahead no stream that waits for its turn, and reads again one whose turn came only at its read', async () => {
    await store.append('hot', [n(1)], 'no-stream');
    await store.append('cold', [n(2)], 'no-stream');
    await store.append('turned', [n(3)], 'no-stream');
    const { store: counted, batches } = countingReads(store);
    const waited: string[] = [];
    const loader = new StreamLoader(counted, new FoldCache(), {
      mayReadAhead: (stream) => stream !== 'hot',
      beforeRead: (stream) => {
        if (stream === 'cold') return undefined;
        waited.push(stream);
        return Promise.resolve();
      },
    });
    await loader.readAhead([need('hot', counterKind), need('cold', counterKind), need('turned', counterKind)]);
    expect(batches.map((batch) => batch.map((r) => r.stream))).toEqual([['cold', 'turned']]);
    await store.append('turned', [n(4)], 0n);
    await store.append('cold', [n(5)], 0n);
    expect(await loader.read('turned', counterKind)).toEqual([3, 4]);
    expect(await loader.read('hot', counterKind)).toEqual([1]);
    // No turn to wait for: what was read ahead stands (the append's check would find it moved).
    expect(await loader.read('cold', counterKind)).toEqual([2]);
    expect(waited).toEqual(['turned', 'hot']);
  });

  it("reads a command's record with the streams its use case names, in one call to the store", async () => {
    await store.append('counter', [n(1)], 'no-stream');
    const { store: counted, reads, batches } = countingReads(store);
    const runner = new CommandRunner(counted, () => Promise.reject(new Error('no command should need a retry')));
    const named = useCase({ ...countUseCase(), reads: () => [need('counter', counterKind)] });
    const context = { commandId: 'c-1', actor: { id: 'u', roles: ['admin' as const] }, now: '2025-06-01T00:00:00.000Z' };
    expect(await runner.run(context, named, {}, {})).toMatchObject({ seen: 1 });
    expect(batches.map((batch) => batch.map((r) => r.stream))).toEqual([['counter', 'command-c-1']]);
    expect(reads).toEqual([]);
    // Sent again: the record read with the named streams answers it, as the first result.
    expect(await runner.run(context, named, {}, {})).toMatchObject({ seen: 1 });
    expect(await store.readStream('counter')).toHaveLength(2);
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
