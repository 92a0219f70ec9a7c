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

/** Tokens issued at the same second as a revocation are revoked too: `iat` has whole seconds only. */
interface Revocation {
  readonly issuedBeforeMs: number;
}

@Injectable()
export class TokenRevocations {
  private byUser = new Map<string, Revocation>();
  private readRevision: bigint | 'no-stream' = 'no-stream';
  private checkedAtMs = Number.NEGATIVE_INFINITY;
  private refreshing: Promise<void> | undefined;

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  /** Whether a token of `userId` issued at `issuedAtSeconds` is revoked (as of at most a second ago). */
  async isRevoked(userId: string, issuedAtSeconds: number): Promise<boolean> {
    if (Date.now() - this.checkedAtMs >= revocationsRefreshMs) await (this.refreshing ??= this.refresh().finally(() => (this.refreshing = undefined)));
    const revocation = this.byUser.get(userId);
    return revocation !== undefined && issuedAtSeconds * 1000 < revocation.issuedBeforeMs;
  }

  /** Forgets what it read: the next check reads the store (after a revocation this process recorded). */
  invalidate(): void {
    this.checkedAtMs = Number.NEGATIVE_INFINITY;
  }

  private async refresh(): Promise<void> {
    const revision = await this.store.streamRevision(streams.tokenRevocations());
    this.checkedAtMs = Date.now();
    if (revision === this.readRevision) return;
    const byUser = new Map<string, Revocation>();
    for (const event of await this.store.readStream(streams.tokenRevocations())) {
      const { userId, issuedBefore } = event.data as { userId: string; issuedBefore: string };
      const issuedBeforeMs = Date.parse(issuedBefore);
      if (issuedBeforeMs > (byUser.get(userId)?.issuedBeforeMs ?? Number.NEGATIVE_INFINITY)) byUser.set(userId, { issuedBeforeMs });
    }
    this.byUser = byUser;
    this.readRevision = revision;
  }
}
