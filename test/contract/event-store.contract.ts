// The event store contract, written once and run against every adapter (see *.contract.test.ts).
import fc from 'fast-check';
import {
  EventIdConflictError,
  EventStore,
  ExpectedRevision,
  NewEvent,
  StoredEvent,
  StreamRead,
  WrongExpectedRevisionError,
  readStreamsOf,
} from '../../src/event-store/event-store.js';
import { GENESIS_HASH, VerifyFinding } from '../../src/event-store/hash-chain.js';
import { anEvent, asWritten, collect, someEvents } from '../support/events.js';

/** What someone with write access to the database underneath could do. */
export interface Tamperer {
  /** Overwrites an event's data, leaving its hash as it was. */
  changeData(position: bigint, dataJson: string): Promise<void>;
  remove(position: bigint): Promise<void>;
  /** Exchanges the places of two events in the global log. */
  swap(positionA: bigint, positionB: bigint): Promise<void>;
  /** Inserts a forged event (hashed and chained correctly) at a position, renumbering what follows. */
  insertForged(position: bigint, stream: string, revision: bigint, dataJson: string): Promise<void>;
  /** Changes an event's data and recomputes every hash of its stream from there on: a careful forger. */
  rewrite(position: bigint, dataJson: string): Promise<void>;
}

export interface OpenedStore {
  readonly store: EventStore;
  /** Absent where the store offers no way to alter what it holds. */
  readonly tamperer?: Tamperer;
  /** A second, independent connection to the same store, as another process would have. */
  readonly openAnother?: () => Promise<EventStore>;
  dispose(): Promise<void>;
}

export interface StoreFixture {
  readonly name: string;
  open(): Promise<OpenedStore>;
}

function idsAndRevisions(events: readonly StoredEvent[]): [string, bigint][] {
  return events.map((e) => [e.id, e.revision]);
}

function isConflict(error: unknown, stream: string): boolean {
  return error instanceof WrongExpectedRevisionError && error.stream === stream;
}

export function eventStoreContract(fixture: StoreFixture): void {
  describe(`event store contract: ${fixture.name}`, () => {
    let opened: OpenedStore;
    let store: EventStore;

    beforeEach(async () => {
      opened = await fixture.open();
      store = opened.store;
    });

    afterEach(async () => {
      await opened.dispose();
    });

    /** Does `act` through a second connection to the same store (every fixture gives one), then closes it. */
    async function withAnother(act: (other: EventStore) => Promise<void>): Promise<void> {
      if (opened.openAnother === undefined) throw new Error(`${fixture.name} fixture gives no second connection`);
      const other = await opened.openAnother();
      try {
        await act(other);
      } finally {
        await other.close();
      }
    }

    describe('expected revision', () => {
      it('appends to a new stream under no-stream, numbering revisions from 0 and positions in order', async () => {
        const first = await store.append('a-1', someEvents(3), 'no-stream');
        expect(first.stream).toBe('a-1');
        expect(first.revision).toBe(2n);
        const second = await store.append('b-1', someEvents(1), 'no-stream');
        expect(second.revision).toBe(0n);
        expect(second.position).toBeGreaterThan(first.position);
        expect(await store.streamRevision('a-1')).toBe(2n);
        expect(await store.streamRevision('missing')).toBe('no-stream');
      });

      it('refuses no-stream on an existing stream, naming the stream, the expected and the actual revision', async () => {
        await store.append('a-1', someEvents(2), 'no-stream');
        const attempt = store.append('a-1', someEvents(1), 'no-stream');
        await expect(attempt).rejects.toBeInstanceOf(WrongExpectedRevisionError);
        const error = (await attempt.catch((e: unknown) => e)) as WrongExpectedRevisionError;
        expect(error.stream).toBe('a-1');
        expect(error.expected).toBe('no-stream');
        expect(error.actual).toBe(1n);
        expect(error.code).toBe('CONCURRENCY_CONFLICT');
        expect(error.details).toEqual({ stream: 'a-1', expected: 'no-stream', actual: '1' });
      });

      it('refuses stream-exists on a missing stream and accepts it on an existing one', async () => {
        const missing = await store.append('a-1', someEvents(1), 'stream-exists').catch((e: unknown) => e);
        expect(missing).toBeInstanceOf(WrongExpectedRevisionError);
        expect((missing as WrongExpectedRevisionError).actual).toBe('no-stream');
        await store.append('a-1', someEvents(1), 'no-stream');
        expect((await store.append('a-1', someEvents(1), 'stream-exists')).revision).toBe(1n);
      });

      it('accepts any whether or not the stream exists', async () => {
        expect((await store.append('a-1', someEvents(1), 'any')).revision).toBe(0n);
        expect((await store.append('a-1', someEvents(2), 'any')).revision).toBe(2n);
      });

      it('accepts the exact current revision and refuses a stale, a future or a missing one', async () => {
        await store.append('a-1', someEvents(2), 'no-stream');
        expect((await store.append('a-1', someEvents(1), 1n)).revision).toBe(2n);
        for (const expected of [1n, 5n]) {
          const error = await store.append('a-1', someEvents(1), expected).catch((e: unknown) => e);
          expect(error).toBeInstanceOf(WrongExpectedRevisionError);
          expect((error as WrongExpectedRevisionError).actual).toBe(2n);
        }
        const onMissing = await store.append('b-1', someEvents(1), 0n).catch((e: unknown) => e);
        expect((onMissing as WrongExpectedRevisionError).actual).toBe('no-stream');
      });

      it('writes nothing when an append is refused', async () => {
        await store.append('a-1', someEvents(1), 'no-stream');
        const head = await store.headPosition();
        await store.append('a-1', someEvents(3), 7n).catch(() => undefined);
        expect(await store.headPosition()).toBe(head);
        expect(await store.readStream('a-1')).toHaveLength(1);
      });

      it('is all or nothing: an append whose last event collides with a stored id leaves no trace', async () => {
        const stored = anEvent();
        await store.append('a-1', [stored], 'no-stream');
        const head = await store.headPosition();
        const error = await store.append('b-1', [anEvent(), anEvent(), { ...anEvent(), id: stored.id }], 'no-stream').catch((e: unknown) => e);
        expect(error).toBeInstanceOf(EventIdConflictError);
        expect(await store.headPosition()).toBe(head);
        expect(await store.streamRevision('b-1')).toBe('no-stream');
      });
    });

    describe('multi-stream append with consistency checks', () => {
      it('writes to several streams at once when every stream and check is at its revision', async () => {
        await store.append('budget-1', someEvents(1), 'no-stream');
        await store.append('flags-1', someEvents(2), 'no-stream');
        const result = await store.appendMulti(
          [
            { stream: 'budget-1', expectedRevision: 0n, events: someEvents(1) },
            { stream: 'application-1', expectedRevision: 'no-stream', events: someEvents(2) },
          ],
          [
            { stream: 'flags-1', expectedRevision: 1n },
            { stream: 'matter-1', expectedRevision: 'no-stream' },
          ],
        );
        expect(result.streams.map((s) => [s.stream, s.revision])).toEqual([
          ['budget-1', 1n],
          ['application-1', 1n],
        ]);
        expect(result.position).toBe(await store.headPosition());
        const all = await collect(store.readAll());
        expect(all.slice(-3).map((e) => e.stream)).toEqual(['budget-1', 'application-1', 'application-1']);
        expect(await store.streamRevision('flags-1')).toBe(1n);
        expect(await store.streamRevision('matter-1')).toBe('no-stream');
      });

      it('refuses the whole append when a checked stream has moved, naming it', async () => {
        await store.append('flags-1', someEvents(1), 'no-stream');
        const head = await store.headPosition();
        const error = await store
          .appendMulti(
            [
              { stream: 'budget-1', expectedRevision: 'no-stream', events: someEvents(1) },
              { stream: 'application-1', expectedRevision: 'no-stream', events: someEvents(1) },
            ],
            [{ stream: 'flags-1', expectedRevision: 'no-stream' }],
          )
          .catch((e: unknown) => e);
        expect(isConflict(error, 'flags-1')).toBe(true);
        expect((error as WrongExpectedRevisionError).actual).toBe(0n);
        expect(await store.headPosition()).toBe(head);
        expect(await store.streamRevision('budget-1')).toBe('no-stream');
      });

      it('refuses the whole append when a later stream is not at its revision, undoing the earlier ones', async () => {
        await store.append('application-1', someEvents(2), 'no-stream');
        const head = await store.headPosition();
        const error = await store
          .appendMulti([
            { stream: 'budget-1', expectedRevision: 'no-stream', events: someEvents(1) },
            { stream: 'application-1', expectedRevision: 0n, events: someEvents(1) },
          ])
          .catch((e: unknown) => e);
        expect(isConflict(error, 'application-1')).toBe(true);
        expect(await store.headPosition()).toBe(head);
        expect(await store.streamRevision('budget-1')).toBe('no-stream');
      });
    });

    describe('idempotency', () => {
      it('returns the first result for a retried append and stores nothing new, even under a stale expected revision', async () => {
        const events = someEvents(3);
        const first = await store.append('a-1', events, 'no-stream');
        await store.append('b-1', someEvents(1), 'no-stream');
        const head = await store.headPosition();
        const retry = await store.append('a-1', events, 'no-stream');
        expect(retry).toEqual(first);
        expect(await store.headPosition()).toBe(head);
        expect(await store.readStream('a-1')).toHaveLength(3);
      });

      it('returns the first result for a retried multi-stream append', async () => {
        const appends = [
          { stream: 'budget-1', expectedRevision: 'no-stream' as const, events: someEvents(1) },
          { stream: 'application-1', expectedRevision: 'no-stream' as const, events: someEvents(2) },
        ];
        const first = await store.appendMulti(appends);
        const retry = await store.appendMulti(appends, [{ stream: 'never', expectedRevision: 'stream-exists' }]);
        expect(retry).toEqual(first);
        expect(await store.headPosition()).toBe(first.position);
      });

      it('refuses a stored id reused for a different event, or for part of a different batch', async () => {
        const event = anEvent('A', { amount: '1.00' });
        await store.append('a-1', [event], 'no-stream');
        const head = await store.headPosition();
        const changed = await store.append('a-1', [{ ...event, data: { amount: '2.00' } }], 'any').catch((e: unknown) => e);
        expect(changed).toBeInstanceOf(EventIdConflictError);
        expect((changed as EventIdConflictError).code).toBe('IDEMPOTENCY_KEY_REUSED');
        const elsewhere = await store.append('b-1', [event], 'any').catch((e: unknown) => e);
        expect(elsewhere).toBeInstanceOf(EventIdConflictError);
        const partial = await store.append('a-1', [event, anEvent()], 'any').catch((e: unknown) => e);
        expect(partial).toBeInstanceOf(EventIdConflictError);
        expect(await store.headPosition()).toBe(head);
      });
    });

    describe('reading', () => {
      it('stores every field and gives data and metadata back exactly, Chinese text and decimal strings included', async () => {
        const event = anEvent(
          'AwardApproved',
          {
            amount: '300000.00',
            enterpriseName: '保定数智科技有限公司',
            items: [{ invoiceNumber: '12345678', amount: '12.50' }],
            note: 'line\nbreak "quoted" \u2028',
          },
          {
            schemaVersion: 2,
            metadata: { actorId: 'u-7', actorRole: 'approver', commandId: 'cmd-9', correlationId: 'corr-1', causationId: 'cause-2', recordedAt: '2026-01-01T00:00:00.000Z' },
          },
        );
        const { position } = await store.append('application-1', [event], 'no-stream');
        const [stored] = await store.readStream('application-1');
        expect(stored).toBeDefined();
        expect(asWritten(stored!)).toEqual(event);
        expect(stored!.stream).toBe('application-1');
        expect(stored!.revision).toBe(0n);
        expect(stored!.position).toBe(position);
        expect(stored!.hash).toMatch(/^[0-9a-f]{64}$/);
        expect(stored!.prevHash).toBe(GENESIS_HASH);
      });

      it('chains each event to the previous event of its stream', async () => {
        await store.append('a-1', someEvents(2), 'no-stream');
        await store.append('b-1', someEvents(1), 'no-stream');
        await store.append('a-1', someEvents(1), 1n);
        const events = await store.readStream('a-1');
        expect(events.map((e) => e.prevHash)).toEqual([GENESIS_HASH, events[0]!.hash, events[1]!.hash]);
      });

      it('reads a stream forwards and backwards from a revision, up to a count', async () => {
        await store.append('a-1', someEvents(5), 'no-stream');
        const revisions = (events: StoredEvent[]) => events.map((e) => e.revision);
        expect(revisions(await store.readStream('a-1'))).toEqual([0n, 1n, 2n, 3n, 4n]);
        expect(revisions(await store.readStream('a-1', { fromRevision: 2n, maxCount: 2 }))).toEqual([2n, 3n]);
        expect(revisions(await store.readStream('a-1', { direction: 'backwards', maxCount: 1 }))).toEqual([4n]);
        expect(revisions(await store.readStream('a-1', { direction: 'backwards', fromRevision: 2n }))).toEqual([2n, 1n, 0n]);
        expect(await store.readStream('missing')).toEqual([]);
      });

      it('reads again a stream it read before with what another process appended since, from any revision', async () => {
        const revisions = (events: StoredEvent[]) => events.map((e) => e.revision);
        await store.append('a-1', someEvents(3), 'no-stream');
        expect(revisions(await store.readStream('a-1'))).toEqual([0n, 1n, 2n]);
        expect(await store.readStream('b-1')).toEqual([]);
        await withAnother(async (other) => {
          await other.append('a-1', someEvents(2), 2n);
          await other.append('b-1', someEvents(1), 'no-stream');
        });
        const events = await store.readStream('a-1');
        expect(revisions(events)).toEqual([0n, 1n, 2n, 3n, 4n]);
        expect(events.map((e) => e.prevHash).slice(1)).toEqual(events.map((e) => e.hash).slice(0, 4));
        expect(revisions(await store.readStream('a-1', { fromRevision: 1n, maxCount: 3 }))).toEqual([1n, 2n, 3n]);
        expect(revisions(await store.readStream('a-1', { fromRevision: 2n }))).toEqual([2n, 3n, 4n]);
        expect(revisions(await store.readStream('a-1', { fromRevision: 4n }))).toEqual([4n]);
        expect(revisions(await store.readStream('a-1', { maxCount: 2 }))).toEqual([0n, 1n]);
        expect(revisions(await store.readStream('b-1'))).toEqual([0n]);
      });

      it('reads several streams in one call, each read as it would be read alone, in the order asked', async () => {
        await store.append('a-1', someEvents(5), 'no-stream');
        await store.append('b-1', someEvents(2), 'no-stream');
        const reads: StreamRead[] = [
          { stream: 'a-1' },
          { stream: 'missing' },
          { stream: 'a-1', fromRevision: 2n, maxCount: 2 },
          { stream: 'b-1', direction: 'backwards', maxCount: 1 },
          { stream: 'a-1', direction: 'backwards', fromRevision: 2n },
          { stream: 'b-1', fromRevision: 2n },
          { stream: 'b-1', maxCount: 0 },
          { stream: 'missing', direction: 'backwards', maxCount: 1 },
        ];
        const alone = await Promise.all(reads.map((read) => store.readStream(read.stream, read)));
        for (const forWriter of [false, true]) {
          const together = await readStreamsOf(store, reads, { forWriter });
          expect(together.map(idsAndRevisions)).toEqual(alone.map(idsAndRevisions));
          expect(together.map((events) => events.map((e) => e.revision))).toEqual([[0n, 1n, 2n, 3n, 4n], [], [2n, 3n], [1n], [2n, 1n, 0n], [], [], []]);
          expect(together[0]!.map(asWritten)).toEqual(alone[0]!.map(asWritten));
        }
        expect(await readStreamsOf(store, [])).toEqual([]);
      });

      it('reads in one call what another connection appended since, and the heads it appended', async () => {
        await store.append('a-1', someEvents(2), 'no-stream');
        // Known here first, so that a store keeping stream heads has them to forget.
        await readStreamsOf(store, [{ stream: 'a-1' }, { stream: 'b-1' }], { forWriter: true });
        await withAnother(async (other) => {
          await other.append('a-1', someEvents(1), 1n);
          await other.append('b-1', someEvents(1), 'no-stream');
        });
        const [a, lastOfA, b] = await readStreamsOf(store, [{ stream: 'a-1', fromRevision: 2n }, { stream: 'a-1', direction: 'backwards', maxCount: 1 }, { stream: 'b-1' }], {
          forWriter: true,
        });
        expect(a!.map((e) => e.revision)).toEqual([2n]);
        expect(lastOfA!.map((e) => e.revision)).toEqual([2n]);
        expect(b!.map((e) => e.revision)).toEqual([0n]);
      });

      it('reads the whole log in global order, after a position, across pages', async () => {
        const written: NewEvent[] = [];
        for (let i = 0; i < 5; i += 1) {
          const batch = someEvents(900);
          written.push(...batch);
          await store.append(`s-${i % 2}`, batch, 'any');
        }
        const all = await collect(store.readAll());
        expect(all.map((e) => e.id)).toEqual(written.map((e) => e.id));
        const positions = all.map((e) => e.position);
        expect(positions.every((p, i) => i === 0 || p > positions[i - 1]!)).toBe(true);
        const after = await collect(store.readAll({ afterPosition: all[1999]!.position, maxCount: 10 }));
        expect(after.map((e) => e.id)).toEqual(written.slice(2000, 2010).map((e) => e.id));
        expect(await collect(store.readAll({ afterPosition: await store.headPosition() }))).toEqual([]);
      });
    });

    describe('subscription', () => {
      it('catches up, then delivers live appends in order with no gap and no duplicate', async () => {
        await store.append('a-1', someEvents(5), 'no-stream');
        const checkpoint = (await collect(store.readAll()))[1]!.position;
        const controller = new AbortController();
        const received: StoredEvent[] = [];
        const consuming = (async () => {
          for await (const event of store.subscribe({ afterPosition: checkpoint, signal: controller.signal })) {
            received.push(event);
            // Appends made while the subscription is still catching up, and after it went live.
            if (received.length === 1) await store.append('b-1', someEvents(2), 'no-stream');
            if (received.length === 7) controller.abort();
          }
        })();
        while (received.length < 5) await new Promise((r) => setTimeout(r, 5));
        await store.append('a-1', someEvents(2), 'stream-exists');
        await consuming;
        const expected = await collect(store.readAll({ afterPosition: checkpoint }));
        expect(expected).toHaveLength(7);
        expect(received.map((e) => e.id)).toEqual(expected.map((e) => e.id));
      });

      it('hands over from catch-up to live without losing or repeating an event while appends keep coming', async () => {
        const appendCount = 60;
        const producing = (async () => {
          for (let i = 0; i < appendCount; i += 1) {
            await store.append(`s-${i % 3}`, someEvents(1 + (i % 4)), 'any');
            if (i % 5 === 0) await new Promise((r) => setImmediate(r));
          }
        })();
        await new Promise((r) => setTimeout(r, 1));
        const controller = new AbortController();
        const received: bigint[] = [];
        let expectedTotal = 0;
        for (let i = 0; i < appendCount; i += 1) expectedTotal += 1 + (i % 4);
        for await (const event of store.subscribe({ signal: controller.signal })) {
          received.push(event.position);
          if (received.length === expectedTotal) controller.abort();
        }
        await producing;
        const all = await collect(store.readAll());
        expect(received).toEqual(all.map((e) => e.position));
        expect(new Set(received).size).toBe(expectedTotal);
      });

      it('ends when its signal is aborted, even while waiting for events', async () => {
        const controller = new AbortController();
        const consuming = collect(store.subscribe({ signal: controller.signal }));
        setTimeout(() => controller.abort(), 20);
        expect(await consuming).toEqual([]);
      });

      it('receives events appended through another connection to the same store', async () => {
        await withAnother(async (other) => {
          const controller = new AbortController();
          const consuming = collect(store.subscribe({ signal: controller.signal }), 4);
          await other.append('a-1', someEvents(4), 'no-stream');
          const received = await consuming;
          expect(received.map((e) => e.revision)).toEqual([0n, 1n, 2n, 3n]);
        });
      });
    });

    describe('tamper evidence', () => {
      async function writeHistory(): Promise<StoredEvent[]> {
        await store.append('application-1', someEvents(3), 'no-stream');
        await store.append('budget-2025', someEvents(2), 'no-stream');
        await store.append('application-1', someEvents(3), 2n);
        await store.append('budget-2025', someEvents(2), 1n);
        return collect(store.readAll());
      }

      function firstFinding(findings: readonly VerifyFinding[]): VerifyFinding {
        const first = findings[0];
        if (first === undefined) throw new Error('verify found nothing');
        return first;
      }

      function tamperer() {
        if (opened.tamperer === undefined) throw new Error(`${fixture.name} fixture gives no tamperer`);
        return opened.tamperer;
      }

      it('verifies an untouched log, with and without a digest saved earlier, also after later appends', async () => {
        await writeHistory();
        const digest = await store.digest();
        expect(digest.position).toBe(await store.headPosition());
        expect(digest.eventCount).toBe(10n);
        const now = await store.verify(digest);
        expect(now).toMatchObject({ ok: true, eventsChecked: 10, findings: [], digestChecked: true });
        expect(now.digest).toEqual(digest);
        await store.append('application-2', someEvents(2), 'no-stream');
        expect((await store.verify(digest)).ok).toBe(true);
        expect((await store.verify()).ok).toBe(true);
      });

      it('finds a changed event and reports its position', async () => {
        const events = await writeHistory();
        const target = events[3]!;
        await tamperer().changeData(target.position, JSON.stringify({ index: 99 }));
        const report = await store.verify();
        expect(report.ok).toBe(false);
        expect(firstFinding(report.findings)).toMatchObject({ kind: 'changed', position: target.position, stream: target.stream });
      });

      it('finds a removed event and reports where it was', async () => {
        const events = await writeHistory();
        const target = events[1]!; // application-1@1, followed in its stream by @2
        await tamperer().remove(target.position);
        const report = await store.verify();
        const successor = events[2]!;
        expect(firstFinding(report.findings)).toMatchObject({
          kind: 'removed',
          position: store.positionsAreDense ? target.position : successor.position,
        });
      });

      it('finds two events of a stream swapped and reports the first', async () => {
        const events = await writeHistory();
        const [a, b] = [events[0]!, events[2]!]; // application-1@0 and @2
        await tamperer().swap(a.position, b.position);
        const report = await store.verify();
        expect(firstFinding(report.findings)).toMatchObject({ kind: 'reordered', position: a.position, stream: 'application-1' });
      });

      it('finds a forged event inserted into a stream, even one hashed and chained correctly', async () => {
        const events = await writeHistory();
        const before = events[5]!; // application-1@3, inserted before: becomes @4 and moves one place on
        await tamperer().insertForged(before.position, 'application-1', 3n, JSON.stringify({ index: 1000 }));
        const report = await store.verify();
        expect(firstFinding(report.findings)).toMatchObject({ kind: 'inserted', position: before.position, stream: 'application-1' });
      });

      it('finds a rewritten history whose hashes were all recomputed, against the digest saved before', async () => {
        const events = await writeHistory();
        const digest = await store.digest();
        await tamperer().rewrite(events[1]!.position, JSON.stringify({ index: 7, amount: '999999.00' }));
        // Every chain is consistent again: only the saved digest can tell.
        expect((await store.verify()).ok).toBe(true);
        const report = await store.verify(digest);
        expect(report.ok).toBe(false);
        // One digest vouches for the whole log up to it: the change lies somewhere in that window.
        expect(firstFinding(report.findings)).toMatchObject({ kind: 'digest-mismatch', position: 1n, throughPosition: digest.position });
      });

      it('finds the end of the log cut off, against the digest saved before', async () => {
        const events = await writeHistory();
        const digest = await store.digest();
        const last = events[events.length - 1]!;
        await tamperer().remove(last.position);
        const report = await store.verify(digest);
        expect(report.ok).toBe(false);
        expect(firstFinding(report.findings)).toMatchObject({ kind: 'removed', position: last.position });
      });
    });

    describe('properties', () => {
      type Expectation = 'no-stream' | 'stream-exists' | 'any' | 'current' | 'stale' | 'ahead';
      type Operation =
        | { kind: 'append'; stream: number; count: number; expectation: Expectation }
        | { kind: 'multi'; streams: [number, number]; check: number; checkExpectation: Expectation; count: number }
        | { kind: 'retry' };

      const expectation = fc.constantFrom<Expectation>('no-stream', 'stream-exists', 'any', 'current', 'stale', 'ahead');
      const operation: fc.Arbitrary<Operation> = fc.oneof(
        { weight: 5, arbitrary: fc.record({ kind: fc.constant('append' as const), stream: fc.nat(3), count: fc.integer({ min: 1, max: 3 }), expectation }) },
        {
          weight: 2,
          arbitrary: fc.record({
            kind: fc.constant('multi' as const),
            streams: fc.uniqueArray(fc.nat(3), { minLength: 2, maxLength: 2 }) as fc.Arbitrary<[number, number]>,
            check: fc.integer({ min: 4, max: 5 }),
            checkExpectation: expectation,
            count: fc.integer({ min: 1, max: 2 }),
          }),
        },
        { weight: 1, arbitrary: fc.constant({ kind: 'retry' as const }) },
      );

      // The reference model: streams as plain arrays of event ids, and the global log as one array.
      function revisionFor(model: Map<string, string[]>, stream: string, wanted: Expectation): ExpectedRevision {
        const length = model.get(stream)?.length ?? 0;
        switch (wanted) {
          case 'current':
            return length === 0 ? 'no-stream' : BigInt(length - 1);
          case 'stale':
            return BigInt(length - 2);
          case 'ahead':
            return BigInt(length);
          default:
            return wanted;
        }
      }

      function modelAccepts(model: Map<string, string[]>, stream: string, expected: ExpectedRevision): boolean {
        const length = model.get(stream)?.length ?? 0;
        if (expected === 'any') return true;
        if (expected === 'no-stream') return length === 0;
        if (expected === 'stream-exists') return length > 0;
        return expected === BigInt(length - 1);
      }

      it('agrees with a plain in-memory model over random appends, multi-stream appends and retries', async () => {
        await fc.assert(
          fc.asyncProperty(fc.array(operation, { minLength: 1, maxLength: 25 }), async (operations) => {
            const fresh = await fixture.open();
            try {
              const model = new Map<string, string[]>();
              const log: string[] = [];
              let last: { appends: { stream: string; expectedRevision: ExpectedRevision; events: NewEvent[] }[]; result: unknown } | undefined;
              for (const op of operations) {
                if (op.kind === 'retry') {
                  if (last === undefined) continue;
                  const again = await fresh.store.appendMulti(last.appends);
                  expect(again).toEqual(last.result);
                  continue;
                }
                const targets = op.kind === 'append' ? [op.stream] : op.streams;
                const appends = targets.map((t) => {
                  const stream = `s-${t}`;
                  const wanted = op.kind === 'append' ? op.expectation : 'current';
                  return { stream, expectedRevision: revisionFor(model, stream, wanted), events: someEvents(op.count) };
                });
                const checks = op.kind === 'multi' ? [{ stream: `s-${op.check}`, expectedRevision: revisionFor(model, `s-${op.check}`, op.checkExpectation) }] : [];
                const accepted = [...appends, ...checks].every((a) => modelAccepts(model, a.stream, a.expectedRevision));
                const outcome = await fresh.store.appendMulti(appends, checks).then(
                  (result) => ({ ok: true as const, result }),
                  (error: unknown) => ({ ok: false as const, error }),
                );
                expect(outcome.ok).toBe(accepted);
                if (!outcome.ok) {
                  expect(outcome.error).toBeInstanceOf(WrongExpectedRevisionError);
                  continue;
                }
                for (const append of appends) {
                  const ids = model.get(append.stream) ?? [];
                  ids.push(...append.events.map((e) => e.id));
                  model.set(append.stream, ids);
                  log.push(...append.events.map((e) => e.id));
                }
                last = { appends, result: outcome.result };
              }
              const all = await collect(fresh.store.readAll());
              expect(all.map((e) => e.id)).toEqual(log);
              for (const [stream, ids] of model) {
                const events = await fresh.store.readStream(stream);
                expect(events.map((e) => e.id)).toEqual(ids);
                expect(events.map((e) => e.revision)).toEqual(ids.map((_, i) => BigInt(i)));
              }
              // Every stream, and the last event of each, in one batch read.
              const streams = ['s-0', 's-1', 's-2', 's-3'];
              const together = await readStreamsOf(fresh.store, [
                ...streams.map((stream) => ({ stream })),
                ...streams.map((stream) => ({ stream, direction: 'backwards' as const, maxCount: 1 })),
              ]);
              expect(together.map((events) => events.map((e) => e.id))).toEqual([
                ...streams.map((stream) => model.get(stream) ?? []),
                ...streams.map((stream) => (model.get(stream) ?? []).slice(-1)),
              ]);
              expect((await fresh.store.verify()).ok).toBe(true);
            } finally {
              await fresh.dispose();
            }
          }),
          { numRuns: 60 },
        );
      });
    });

    describe('concurrency', () => {
      it('lets exactly one of N appenders racing on the same exact revision win, every round', async () => {
        const appenderCount = 12;
        const roundCount = 15;
        for (let round = 0; round < roundCount; round += 1) {
          const expected: ExpectedRevision = round === 0 ? 'no-stream' : BigInt(round - 1);
          const outcomes = await Promise.allSettled(Array.from({ length: appenderCount }, (_, who) => store.append('budget-2025', [anEvent('Raced', { who, round })], expected)));
          const won = outcomes.filter((o) => o.status === 'fulfilled');
          expect(won).toHaveLength(1);
          for (const lost of outcomes.filter((o) => o.status === 'rejected')) {
            expect((lost as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedRevisionError);
          }
        }
        const events = await store.readStream('budget-2025');
        expect(events.map((e) => e.revision)).toEqual(Array.from({ length: roundCount }, (_, i) => BigInt(i)));
        expect(events.map((e) => (e.data as { round: number }).round)).toEqual(Array.from({ length: roundCount }, (_, i) => i));
      });

      it('keeps every append of appenders that read, decide and retry on conflict: none lost, none doubled', async () => {
        const appenderCount = 8;
        const appendsEach = 10;
        const appender = async (who: number) => {
          for (let n = 0; n < appendsEach; n += 1) {
            for (;;) {
              const revision = await store.streamRevision('budget-2025');
              await new Promise((r) => setImmediate(r));
              try {
                await store.append('budget-2025', [anEvent('Counted', { who, n })], revision === 'no-stream' ? 'no-stream' : revision);
                break;
              } catch (error) {
                if (!(error instanceof WrongExpectedRevisionError)) throw error;
              }
            }
          }
        };
        await Promise.all(Array.from({ length: appenderCount }, (_, who) => appender(who)));
        const events = await store.readStream('budget-2025');
        expect(events).toHaveLength(appenderCount * appendsEach);
        const seen = new Set(events.map((e) => JSON.stringify(e.data)));
        expect(seen.size).toBe(appenderCount * appendsEach);
        expect((await store.verify()).ok).toBe(true);
      });
    });
  });
}
