// The embedded store answers a writer's reads of streams it knows from their heads, without a query.
// Those answers must be exactly what the file holds, whoever else writes to it.
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MultiAppendResult, ReadStreamOptions, StoredEvent, StreamAppend, StreamCheck, WrongExpectedRevisionError } from '../../src/event-store/event-store.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { anEvent, someEvents, testMetadata } from '../support/events.js';

const streamNames = ['s-a', 's-b', 's-c'] as const;

interface Row {
  position: bigint;
  id: string;
  revision: bigint;
  type: string;
  data: string;
  actorId: string;
  commandId: string;
  recordedAt: string;
  prevHash: string;
  hash: string;
}

const columns = 'position, id, revision, type, data, actor_id AS actorId, command_id AS commandId, recorded_at AS recordedAt, prev_hash AS prevHash, hash';

/** A read straight from the file, by a connection of its own: the truth the store's answers are held to. */
function truth(db: Database.Database, stream: string, options: ReadStreamOptions): Row[] {
  const maxCount = options.maxCount ?? 100_000;
  const rows =
    options.direction === 'backwards'
      ? db
          .prepare(`SELECT ${columns} FROM events WHERE stream = ? AND revision <= ? ORDER BY revision DESC LIMIT ?`)
          .safeIntegers(true)
          .all(stream, options.fromRevision ?? 2n ** 62n, maxCount)
      : db
          .prepare(`SELECT ${columns} FROM events WHERE stream = ? AND revision >= ? ORDER BY revision ASC LIMIT ?`)
          .safeIntegers(true)
          .all(stream, options.fromRevision ?? 0n, maxCount);
  return rows as Row[];
}

const shapeOf = (events: StoredEvent[]): Row[] =>
  events.map((e) => ({
    position: e.position,
    id: e.id,
    revision: e.revision,
    type: e.type,
    data: JSON.stringify(e.data),
    actorId: e.metadata.actorId,
    commandId: e.metadata.commandId,
    recordedAt: e.metadata.recordedAt,
    prevHash: e.prevHash,
    hash: e.hash,
  }));

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

  it('keeps no head of an append refused part-way when the next append is a retry of an earlier one', async () => {
    const store = new SqliteEventStore({ path });
    try {
      const first = [{ stream: 's-a', expectedRevision: 'no-stream' as const, events: someEvents(1) }];
      const done = await store.appendMulti(first);
      await expect(
        store.appendMulti([
          { stream: 's-a', expectedRevision: 0n, events: someEvents(2) },
          { stream: 's-b', expectedRevision: 7n, events: someEvents(1) },
        ]),
      ).rejects.toBeInstanceOf(WrongExpectedRevisionError);
      expect(await store.appendMulti(first)).toEqual(done);
      expect(await store.streamRevision('s-a')).toBe(0n);
      expect(await store.readStream('s-a', { forWriter: true, fromRevision: 1n })).toEqual([]);
      expect((await store.append('s-a', someEvents(1), 0n)).revision).toBe(1n);
      expect((await store.verify()).ok).toBe(true);
    } finally {
      await store.close();
    }
  });

  it('hands out a stream head it keeps frozen: no reader can change what the next one reads', async () => {
    const store = new SqliteEventStore({ path });
    try {
      await store.append('s-a', [anEvent('TestRecorded', { amount: '10.00', items: [{ n: 1 }] })], 'no-stream');
      const [first] = await store.readStream('s-a', { forWriter: true, direction: 'backwards', maxCount: 1 });
      expect(() => {
        (first!.data as { amount: string }).amount = '99.00';
      }).toThrow(TypeError);
      expect(() => {
        (first!.data as { items: { n: number }[] }).items[0]!.n = 2;
      }).toThrow(TypeError);
      expect(() => {
        (first!.metadata as { actorId: string }).actorId = 'someone-else';
      }).toThrow(TypeError);
      const [again] = await store.readStream('s-a', { forWriter: true, direction: 'backwards', maxCount: 1 });
      expect(again!.data).toEqual({ amount: '10.00', items: [{ n: 1 }] });
      expect(again!.metadata.actorId).toBe(testMetadata.actorId);
    } finally {
      await store.close();
    }
  });

  it('learns nothing from a read of no events: a stream read backwards with maxCount 0 still exists', async () => {
    const writer = new SqliteEventStore({ path });
    await writer.append('s-a', someEvents(2), 'no-stream');
    await writer.close();
    const store = new SqliteEventStore({ path });
    try {
      expect(await store.readStream('s-a', { forWriter: true, direction: 'backwards', maxCount: 0 })).toEqual([]);
      expect(await store.streamRevision('s-a')).toBe(1n);
      expect(await store.readStream('s-a', { forWriter: true, direction: 'backwards', maxCount: 1 })).toHaveLength(1);
      await expect(store.append('s-a', someEvents(1), 'no-stream')).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    } finally {
      await store.close();
    }
  });

  it('refuses an append inside another transaction of its connection, which could be undone after the append counted as done', async () => {
    const store = new SqliteEventStore({ path });
    try {
      await store.append('s-a', someEvents(1), 'no-stream');
      let appending: Promise<unknown> = Promise.resolve();
      store.database.transaction(() => {
        appending = store.append('s-a', someEvents(1), 0n);
      })();
      await expect(appending).rejects.toThrow(/inside another transaction/);
      expect(await store.streamRevision('s-a')).toBe(0n);
    } finally {
      await store.close();
    }
  });

  it('answers every read as the file would, over random appends and reads by two connections', async () => {
    const operation = fc.oneof(
      fc.record({ kind: fc.constant('append' as const), by: fc.nat(1), stream: fc.constantFrom(...streamNames), count: fc.integer({ min: 1, max: 3 }), stale: fc.boolean() }),
      fc.record({
        kind: fc.constant('multi' as const),
        by: fc.nat(1),
        streams: fc.uniqueArray(fc.constantFrom(...streamNames), { minLength: 1, maxLength: 3 }),
        // The last stream is at the wrong revision: the streams before it are written, then undone.
        fail: fc.boolean(),
        // The streams not appended to are checked at the revision read.
        checkOthers: fc.boolean(),
        deferred: fc.boolean(),
      }),
      // Sends the last append that went through again, with the same ids: answered, nothing written.
      fc.record({ kind: fc.constant('retry' as const), by: fc.nat(1) }),
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
        let lastDone: { appends: StreamAppend[]; result: MultiAppendResult } | undefined;
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
              const appends = [{ stream: op.stream, expectedRevision: expected, events: someEvents(op.count) }];
              const appending = store.appendMulti(appends);
              if (expected === revision) lastDone = { appends, result: await appending };
              else await expect(appending).rejects.toBeInstanceOf(WrongExpectedRevisionError);
            } else if (op.kind === 'multi') {
              const appends: StreamAppend[] = [];
              for (const [i, stream] of op.streams.entries()) {
                const revision = await store.streamRevision(stream);
                const wrong = op.fail && i === op.streams.length - 1;
                appends.push({ stream, expectedRevision: wrong ? (typeof revision === 'bigint' ? revision + 7n : 7n) : revision, events: someEvents(2) });
              }
              const checks: StreamCheck[] = [];
              if (op.checkOthers) {
                for (const stream of streamNames.filter((name) => !op.streams.includes(name))) checks.push({ stream, expectedRevision: await store.streamRevision(stream) });
              }
              const appending = store.appendMulti(appends, checks, { deferDurability: op.deferred });
              if (op.fail) await expect(appending).rejects.toBeInstanceOf(WrongExpectedRevisionError);
              else lastDone = { appends, result: await appending };
              await store.flush();
            } else if (lastDone !== undefined) {
              expect(await store.appendMulti(lastDone.appends)).toEqual(lastDone.result);
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
      { numRuns: 100 },
    );
  });
});
