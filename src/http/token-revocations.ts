// Revocation of a user's tokens issued before an instant (the route: token-revocations.controller.ts),
// recorded by an administrator as a
// `TokensRevoked` event on its own stream. An event rather than a table: the log is already shared by
// every process serving the store, is hash-chained, and shows who revoked whom and why, on every store
// kind with no schema of its own. It is appended here, by the HTTP layer, rather than through the
// command runner: a revocation touches no invariant of the ledger's (no stream is read to decide it),
// so it needs neither the runner's retries nor its conflict checks. A retried request (the same
// Idempotency-Key) answers the event recorded the first time; two retries at the very same moment in
// two processes can record it twice, which revokes nothing more.
import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.js';
import { streams } from '../shared/streams.js';

/** How long a process trusts what it read of the revocations before it asks the store again. */
export const revocationsRefreshMs = 1_000;
/** Events read at once when catching up with the revocations stream. */
const revocationsPageSize = 5_000;

/** Tokens issued at the same second as a revocation are revoked too: `iat` has whole seconds only. */
interface Revocation {
  readonly issuedBeforeMs: number;
}

/** A revocation as recorded, for the answer to a retried request. */
export interface RecordedRevocation {
  readonly userId: string;
  readonly issuedBefore: string;
  readonly position: bigint;
}

/**
 * What this process knows of the revocations stream, read once and then only what was appended since
 * (a refresh reads the events after the last revision it read, a page at a time): one entry per user
 * with a revocation and one per revocation recorded, whatever the number of users presenting tokens.
 */
@Injectable()
export class TokenRevocations {
  private readonly byUser = new Map<string, Revocation>();
  private readonly byEventId = new Map<string, RecordedRevocation>();
  private readRevision: bigint | 'no-stream' = 'no-stream';
  /** When the last read of the store began: what it found is true of that moment at least. */
  private readAtMs = Number.NEGATIVE_INFINITY;
  /**
   * Set when this process records a revocation, cleared when a read of the store begins: only a read
   * begun after the revocation counts. Not a time: a read begun in the same millisecond as the
   * revocation's append, before it, must not count.
   */
  private stale = false;
  private refreshing: Promise<void> | undefined;

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  /** Whether a token of `userId` issued at `issuedAtSeconds` is revoked, by what a read begun at most a second ago found. */
  async isRevoked(userId: string, issuedAtSeconds: number): Promise<boolean> {
    await this.readSince(Date.now() - revocationsRefreshMs + 1);
    const revocation = this.byUser.get(userId);
    return revocation !== undefined && issuedAtSeconds * 1000 < revocation.issuedBeforeMs;
  }

  /** The revocation recorded as event `eventId`, as the store holds it now (for a retried request). */
  async recorded(eventId: string): Promise<RecordedRevocation | undefined> {
    await this.readSince(Date.now());
    return this.byEventId.get(eventId);
  }

  /** The next check reads the store again (after a revocation this process recorded). */
  invalidate(): void {
    this.stale = true;
  }

  /** Users with a revocation known here (the memory this cache holds grows with them, not with callers). */
  get usersRevoked(): number {
    return this.byUser.size;
  }

  /**
   * Waits for a read of the store begun at `notBeforeMs` or later, and after the last revocation this
   * process recorded: the one under way if it began then, else a new one.
   */
  private async readSince(notBeforeMs: number): Promise<void> {
    while (this.readAtMs < notBeforeMs || this.stale) {
      await (this.refreshing ??= this.refresh().finally(() => (this.refreshing = undefined)));
    }
  }

  private async refresh(): Promise<void> {
    const startedAtMs = Date.now();
    this.stale = false;
    try {
      await this.readNew();
    } catch (error) {
      // Not read after all: the revocation is still to be read.
      this.stale = true;
      throw error;
    }
    this.readAtMs = startedAtMs;
  }

  /** The revocations appended since the last one read, a page at a time. */
  private async readNew(): Promise<void> {
    const stream = streams.tokenRevocations();
    for (;;) {
      const fromRevision = this.readRevision === 'no-stream' ? 0n : this.readRevision + 1n;
      const events = await this.store.readStream(stream, { fromRevision, maxCount: revocationsPageSize });
      for (const event of events) {
        const { userId, issuedBefore } = event.data as { userId: string; issuedBefore: string };
        const issuedBeforeMs = Date.parse(issuedBefore);
        if (issuedBeforeMs > (this.byUser.get(userId)?.issuedBeforeMs ?? Number.NEGATIVE_INFINITY)) this.byUser.set(userId, { issuedBeforeMs });
        this.byEventId.set(event.id, { userId, issuedBefore, position: event.position });
        this.readRevision = event.revision;
      }
      if (events.length < revocationsPageSize) break;
    }
  }
}
