// Commands racing on a store where they race (every store but the embedded one): this process's
// racers queue for a hot stream before reading it instead of retrying, and a retry reads again only
// the stream that moved.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandRunner } from '../../src/commands/runner.js';
import { InconsistentReadError, useCase } from '../../src/commands/use-case.js';
import type { EventStore, ReadStreamOptions, StoredEvent, StreamRead } from '../../src/event-store/event-store.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import type { CalendarEvent } from '../../src/programmes/events.js';
import type { StreamKind } from '../../src/shared/stream-kind.js';
import { countEvent, counterKind } from '../support/counter.js';

/** The store as one on which commands race (no write turns), counting the reads of each stream. */
function racingStore(store: SqliteEventStore): { store: EventStore; reads: Map<string, number> } {
  const reads = new Map<string, number>();
  const racing = Object.create(store) as EventStore & { embedded: boolean };
  Object.defineProperty(racing, 'embedded', { value: false });
  Object.defineProperty(racing, 'writeTurn', { value: undefined });
  racing.readStream = async (stream: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> => {
    reads.set(stream, (reads.get(stream) ?? 0) + 1);
    // A read whose answer arrives later, as one over a network does: others may append meanwhile.
    const events = await store.readStream(stream, options);
    await new Promise((resolve) => setImmediate(resolve));
    return events;
  };
  // Streams read together (a command's record and the streams its use case names) count one read each.
  racing.readStreams = async (batch: readonly StreamRead[], options?: Pick<ReadStreamOptions, 'forWriter'>): Promise<StoredEvent[][]> => {
    for (const { stream } of batch) reads.set(stream, (reads.get(stream) ?? 0) + 1);
    const events = await store.readStreams(batch, options);
    await new Promise((resolve) => setImmediate(resolve));
    return events;
  };
  return { store: racing, reads };
}

/** Reads a stream nobody writes, then the counter, and appends the count it saw to the counter. */
function countAfterReading(kind: StreamKind<readonly number[], CalendarEvent>, attempts: Map<number, number>) {
  return useCase({
    type: 'Count',
    roles: ['admin'],
    parse: ({ body }) => body as { n: number },
    load: async (data, reader) => {
      attempts.set(data.n, (attempts.get(data.n) ?? 0) + 1);
      await reader.read('static', counterKind);
      return { seen: await reader.read('counter', kind) };
    },
    decide: (_command, given) => ({ counter: [countEvent(given.seen.length)] }),
    write: (decided, _command, given) => ({ writes: [{ stream: 'counter', events: decided.counter }], result: { seen: given.seen.length } }),
  });
}

describe('commands racing for a hot stream', () => {
  let dir: string;
  let sqlite: SqliteEventStore;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-hot-'));
    sqlite = new SqliteEventStore({ path: join(dir, 'ledger.db') });
  });

  afterEach(async () => {
    await sqlite.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const context = (n: number) => ({ commandId: `c-${n}`, actor: { id: 'u', roles: ['admin' as const] }, now: '2025-06-01T00:00:00.000Z' });

  it('queues for a stream whose kind is contended before reading it: 20 racers, no retry', async () => {
    const { store } = racingStore(sqlite);
    const runner = new CommandRunner(store, () => Promise.reject(new Error('no command should back off')));
    const attempts = new Map<number, number>();
    const count = countAfterReading({ ...counterKind, contended: true }, attempts);
    const results = await Promise.all(Array.from({ length: 20 }, (_, n) => runner.run(context(n), count, { n }, { n })));
    expect(results.map((r) => r.seen).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect([...attempts.values()].every((a) => a === 1)).toBe(true);
  });

  it('tries a command again, reading the stream again, when its load finds two streams disagreeing', async () => {
    const { store, reads } = racingStore(sqlite);
    const runner = new CommandRunner(store, () => Promise.reject(new Error('no command should back off')));
    let loads = 0;
    const disagreeingOnce = useCase({
      type: 'Count',
      roles: ['admin'],
      parse: ({ body }) => body,
      load: async (_data, reader) => {
        loads += 1;
        await reader.read('static', counterKind);
        const seen = await reader.read('counter', counterKind);
        if (loads === 1) throw new InconsistentReadError('counter');
        return { seen };
      },
      decide: (_command, given) => ({ counter: [countEvent(given.seen.length)] }),
      write: (decided, _command, given) => ({ writes: [{ stream: 'counter', events: decided.counter }], result: { seen: given.seen.length } }),
    });
    expect(await runner.run(context(1), disagreeingOnce, {}, {})).toMatchObject({ seen: 0 });
    expect(loads).toBe(2);
    expect(reads.get('counter')).toBe(2);
    expect(reads.get('static')).toBe(1);
  });

  it('learns a stream is hot from a conflict: each racer retries once at most, reading again only the stream that moved', async () => {
    const { store, reads } = racingStore(sqlite);
    const runner = new CommandRunner(store, () => Promise.reject(new Error('no command should back off')));
    const attempts = new Map<number, number>();
    const count = countAfterReading(counterKind, attempts);
    const results = await Promise.all(Array.from({ length: 20 }, (_, n) => runner.run(context(n), count, { n }, { n })));
    expect(results.map((r) => r.seen).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    const retried = [...attempts.values()].filter((a) => a > 1).length;
    expect(retried).toBeGreaterThan(0);
    expect(Math.max(...attempts.values())).toBe(2);
    // The stream nobody writes and the commands' records were read once per command, not again on retry.
    expect(reads.get('static')).toBe(20);
    const recordReads = [...reads].filter(([stream]) => stream.startsWith('command-')).reduce((sum, [, count]) => sum + count, 0);
    expect(recordReads).toBe(20);
    expect(reads.get('counter')).toBe(20 + retried);
  });
});
