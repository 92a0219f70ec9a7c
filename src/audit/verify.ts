// Verification of the whole log as auditors run it (CLI and HTTP): every hash and chain link, the
// log against a saved digest, and the running totals the domain's streams carry.
import type { EventStore } from '../event-store/event-store.js';
import type { LogDigest, VerifyReport } from '../event-store/hash-chain.js';
import { runningTotalsCheck } from './running-totals.js';

export function verifyLog(store: EventStore, digest?: LogDigest | readonly LogDigest[], onProgress?: (eventsChecked: number, position: bigint) => void): Promise<VerifyReport> {
  return store.verify(digest, onProgress, [runningTotalsCheck()]);
}
