// A revocation this process records is honoured by its very next check, however fast the machine:
// the handler reads the revocations (for a retried request's answer) just before it appends, and on
// a fast machine that read, the append and the next check fall in one millisecond. A read counts as
// after the revocation only if it began after it, whatever the clock says.
import { jest } from '@jest/globals';
import { TokenRevocations } from '../../src/http/token-revocations.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { derivedUuid } from '../../src/shared/identifiers.js';
import { streams } from '../../src/shared/streams.js';

describe('the revocation cache after a revocation recorded here', () => {
  afterEach(() => jest.restoreAllMocks());

  it('reads the store again at the next check, even within the millisecond of a read made just before the append', async () => {
    const store = new SqliteEventStore({ path: ':memory:' });
    try {
      const revocations = new TokenRevocations(store);
      const nowMs = Date.parse('2025-07-01T01:30:00.000Z');
      // The clock stands still: every read, the append and the check share one millisecond.
      jest.spyOn(Date, 'now').mockReturnValue(nowMs);
      const issuedAt = Math.floor(nowMs / 1000) - 60;
      expect(await revocations.isRevoked('reviewer-7', issuedAt)).toBe(false);
      // As the route does: look for an earlier answer to the key, append, invalidate.
      const eventId = derivedUuid('revoke-reviewer-7', 'TokensRevoked');
      expect(await revocations.recorded(eventId)).toBeUndefined();
      const issuedBefore = new Date(nowMs).toISOString();
      await store.append(
        streams.tokenRevocations(),
        [
          {
            id: eventId,
            type: 'TokensRevoked',
            schemaVersion: 1,
            data: { userId: 'reviewer-7', issuedBefore, reason: 'laptop lost' },
            metadata: { actorId: 'admin-1', actorRole: 'admin', commandId: 'revoke-reviewer-7', correlationId: 'revoke-reviewer-7', causationId: null, recordedAt: issuedBefore },
          },
        ],
        'no-stream',
      );
      revocations.invalidate();
      expect(await revocations.isRevoked('reviewer-7', issuedAt)).toBe(true);
      expect(await revocations.isRevoked('reviewer-8', issuedAt)).toBe(false);
      // Without another revocation here, the clock's bound alone decides when to read again.
      expect(await revocations.recorded(eventId)).toMatchObject({ userId: 'reviewer-7', issuedBefore });
    } finally {
      await store.close();
    }
  });
});
