// The memory the rate limiter and the revocation cache keep is bounded: the limiter remembers at
// most a fixed number of callers (the oldest windows forgotten first), and the revocation cache holds
// one entry per revoked user and revocation, reading only what was appended since its last read
// (before, every change re-read the whole stream, and a stream past the store's read cap was cut short).
import { FixedWindowLimiter } from '../../src/http/rate-limit.js';
import { TokenRevocations } from '../../src/http/token-revocations.js';
import type { EventStore, NewEvent, ReadStreamOptions, StoredEvent } from '../../src/event-store/event-store.js';
import { streamReadCountMax } from '../../src/event-store/event-store.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { derivedUuid } from '../../src/shared/identifiers.js';
import { streams } from '../../src/shared/streams.js';

describe('the rate limiter remembers a bounded number of callers', () => {
  it('keeps at most its bound of windows however many callers come, forgetting the oldest first', () => {
    const limiter = new FixedWindowLimiter(2, 1_000);
    for (let n = 0; n < 5_000; n += 1) limiter.hit(`ip:10.0.${n >> 8}.${n & 255}`);
    expect(limiter.trackedCallers).toBe(1_000);
    // The last callers are still counted; the first were forgotten (a fresh window).
    const last = 'ip:10.0.19.135'; // caller 4999
    expect(limiter.peek(last).requestsLeft).toBe(1);
    expect(limiter.peek('ip:10.0.0.0').requestsLeft).toBe(2);
  });

  it('still limits each caller it remembers', () => {
    const limiter = new FixedWindowLimiter(3, 10);
    const states = Array.from({ length: 5 }, () => limiter.hit('user:u1'));
    expect(states.map((state) => state.allowed)).toEqual([true, true, true, false, false]);
    for (let n = 0; n < 8; n += 1) limiter.hit(`user:other-${n}`);
    expect(limiter.peek('user:u1').allowed).toBe(false);
    expect(limiter.trackedCallers).toBeLessThanOrEqual(10);
  });
});

/** The store, counting the events its readStream returns. */
function counting(store: EventStore): { store: EventStore; eventsRead: () => number } {
  let read = 0;
  const counted = new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'readStream') {
        return async (stream: string, options?: ReadStreamOptions): Promise<StoredEvent[]> => {
          const events = await target.readStream(stream, options);
          read += events.length;
          return events;
        };
      }
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { store: counted, eventsRead: () => read };
}

function revocation(n: number, issuedBefore: string): NewEvent {
  return {
    id: derivedUuid(`revoke-${n}`, 'TokensRevoked'),
    type: 'TokensRevoked',
    schemaVersion: 1,
    data: { userId: `user-${n}`, issuedBefore, reason: 'soak' },
    metadata: { actorId: 'admin-1', actorRole: 'admin', commandId: `revoke-${n}`, correlationId: `revoke-${n}`, causationId: null, recordedAt: issuedBefore },
  };
}

describe('the revocation cache', () => {
  it(`reads a stream of more revocations than one read returns (${streamReadCountMax + 1}), then only what is new`, async () => {
    const sqlite = new SqliteEventStore({ path: ':memory:' });
    try {
      const issuedBefore = new Date(Date.now() - 60_000).toISOString();
      const count = streamReadCountMax + 1;
      // In appends of at most 1,000 events (the store's bound on one append).
      for (let first = 0; first < count; first += 1_000) {
        const events = Array.from({ length: Math.min(1_000, count - first) }, (_, k) => revocation(first + k, issuedBefore));
        await sqlite.append(streams.tokenRevocations(), events, first === 0 ? 'no-stream' : BigInt(first - 1));
      }
      const { store, eventsRead } = counting(sqlite);
      const revocations = new TokenRevocations(store);
      const issuedAt = Math.floor(Date.parse(issuedBefore) / 1000) - 10;
      // The last user's revocation is past the store's cap on one read.
      expect(await revocations.isRevoked(`user-${count - 1}`, issuedAt)).toBe(true);
      expect(await revocations.isRevoked('user-0', issuedAt)).toBe(true);
      expect(await revocations.isRevoked('someone-else', issuedAt)).toBe(false);
      expect(revocations.usersRevoked).toBe(count);
      expect(eventsRead()).toBe(count);

      // One more revocation: the next read (forced, as after a revocation recorded here) reads it alone.
      await sqlite.append(streams.tokenRevocations(), [revocation(count, issuedBefore)], BigInt(count - 1));
      revocations.invalidate();
      expect(await revocations.isRevoked(`user-${count}`, issuedAt)).toBe(true);
      expect(eventsRead()).toBe(count + 1);
      expect(await revocations.recorded(derivedUuid(`revoke-${count}`, 'TokensRevoked'))).toMatchObject({ userId: `user-${count}`, position: BigInt(count + 1) });
      // However many users present tokens, nothing more is kept.
      for (let n = 0; n < 10_000; n += 1) await revocations.isRevoked(`caller-${n}`, issuedAt);
      expect(revocations.usersRevoked).toBe(count + 1);
    } finally {
      await sqlite.close();
    }
  });
});
