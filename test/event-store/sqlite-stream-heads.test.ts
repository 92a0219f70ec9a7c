// The embedded store answers a writer's reads of streams it knows from their heads, without a query.
// Those answers must be exactly what the file holds, whoever else writes to it.
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReadStreamOptions, StoredEvent, WrongExpectedRevisionError } from '../../src/event-store/event-store.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { someEvents } from '../support/events.js';

const streamNames = ['s-a', 's-b', 's-c'] as const;

/** A read straight from the file, by a connection of its own: the truth the store's answers are held to. */
function truth(db: Database.Database, stream: string, options: ReadStreamOptions): { id: string; revision: bigint; hash: string }[] {
  const maxCount = options.maxCount ?? 100_000;
  const rows =
    options.direction === 'backwards'
      ? db.prepare('SELECT id, revision, hash FROM events WHERE stream = ? AND revision <= ? ORDER BY revision DESC LIMIT ?').safeIntegers(true).all(stream, options.fromRevision ?? 2n ** 62n, maxCount)
      : db.prepare('SELECT id, revision, hash FROM events WHERE stream = ? AND revision >= ? ORDER BY revision ASC LIMIT ?').safeIntegers(true).all(stream, options.fromRevision ?? 0n, maxCount);
  return rows as { id: string; revision: bigint; hash: string }[];
}

const shapeOf = (events: StoredEvent[]) => events.map((e) => ({ id: e.id, revision: e.revision, hash: e.hash }));

describe('sqlite event store: stream heads', () => {
  let dir: string;
  let path: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-heads-'));
    path = join(dir, 'ledger.db');
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('sees what another connection appended to a stream it knows, and refuses an append at the old revision', async () => {
    const here = new SqliteEventStore({ path });
    const other = new SqliteEventStore({ path });
    try {
      await here.append('s-a', someEvents(2), 'no-stream');
      expect(await here.readStream('s-a', { forWriter: true, fromRevision: 2n })).toEqual([]);
      const [last] = await here.readStream('s-a', { forWriter: true, direction: 'backwards', maxCount: 1 });
      expect(last?.revision).toBe(1n);

      const theirs = someEvents(1);
      await other.append('s-a', theirs, 1n);

      expect((await here.readStream('s-a', { forWriter: true, fromRevision: 2n })).map((e) => e.id)).toEqual([theirs[0]!.id]);
      await expect(here.append('s-a', someEvents(1), 1n)).rejects.toBeInstanceOf(WrongExpectedRevisionError);
      await here.append('s-a', someEvents(1), 2n);
      expect(await here.streamRevision('s-a')).toBe(3n);
    } finally {
      await here.close();
      await other.close();
    }
  });

  it('keeps nothing of an append that was refused part-way (the first stream fine, the second at the wrong revision)', async () => {
    const store = new SqliteEventStore({ path });
    try {
      await store.append('s-a', someEvents(1), 'no-stream');
      await store.append('s-b', someEvents(1), 'no-stream');
      await expect(
        store.appendMulti([
          { stream: 's-a', expectedRevision: 0n, events: someEvents(2) },
          { stream: 's-b', expectedRevision: 5n, events: someEvents(1) },
        ]),
      ).rejects.toBeInstanceOf(WrongExpectedRevisionError);
      expect(await store.streamRevision('s-a')).toBe(0n);
      expect(await store.readStream('s-a', { forWriter: true, fromRevision: 1n })).toEqual([]);
      const appended = await store.append('s-a', someEvents(1), 0n);
      expect(appended.revision).toBe(1n);
    } finally {
      await store.close();
    }
  });

  it('answers every read as the file would, over random appends and reads by two connections', async () => {
    const operation = fc.oneof(
      fc.record({ kind: fc.constant('append' as const), by: fc.nat(1), stream: fc.constantFrom(...streamNames), count: fc.integer({ min: 1, max: 3 }), stale: fc.boolean() }),
      fc.record({ kind: fc.constant('multi' as const), by: fc.nat(1), streams: fc.uniqueArray(fc.constantFrom(...streamNames), { minLength: 2, maxLength: 3 }), fail: fc.boolean() }),
      fc.record({
        kind: fc.constant('read' as const),
        by: fc.nat(1),
        stream: fc.constantFrom(...streamNames, 's-never'),
        backwards: fc.boolean(),
        fromRevision: fc.option(fc.integer({ min: 0, max: 8 }), { nil: undefined }),
        maxCount: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
        forWriter: fc.boolean(),
      }),
    );
    let round = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { minLength: 1, maxLength: 40 }), async (operations) => {
        round += 1;
        const file = join(dir, `round-${round}.db`);
        const stores = [new SqliteEventStore({ path: file }), new SqliteEventStore({ path: file })] as const;
        const db = new Database(file, { readonly: true });
        try {
          for (const op of operations) {
            const store = stores[op.by]!;
            if (op.kind === 'read') {
              const options: ReadStreamOptions = {
                forWriter: op.forWriter,
                ...(op.backwards ? { direction: 'backwards' as const } : {}),
                ...(op.fromRevision === undefined ? {} : { fromRevision: BigInt(op.fromRevision) }),
                ...(op.maxCount === undefined ? {} : { maxCount: op.maxCount }),
              };
              expect(shapeOf(await store.readStream(op.stream, options))).toEqual(truth(db, op.stream, options));
            } else if (op.kind === 'append') {
              const revision = await store.streamRevision(op.stream);
              const expected = op.stale && typeof revision === 'bigint' && revision > 0n ? revision - 1n : revision;
              const appending = store.append(op.stream, someEvents(op.count), expected);
              if (expected === revision) await appending;
              else await expect(appending).rejects.toBeInstanceOf(WrongExpectedRevisionError);
            } else {
              const appends = await Promise.all(
                op.streams.map(async (stream, i) => {
                  const revision = await store.streamRevision(stream);
                  const wrong = op.fail && i === op.streams.length - 1;
                  return { stream, expectedRevision: wrong ? (typeof revision === 'bigint' ? revision + 7n : 7n) : revision, events: someEvents(1) };
                }),
              );
              const appending = store.appendMulti(appends);
              if (op.fail) await expect(appending).rejects.toBeInstanceOf(WrongExpectedRevisionError);
              else await appending;
            }
          }
          for (const store of stores) {
            for (const stream of streamNames) {
              expect(shapeOf(await store.readStream(stream, { forWriter: true }))).toEqual(truth(db, stream, {}));
            }
          }
        } finally {
          db.close();
          for (const store of stores) await store.close();
        }
      }),
      { numRuns: 60 },
    );
  });
});
