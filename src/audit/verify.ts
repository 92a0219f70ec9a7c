// Verification of the whole log as auditors run it (CLI and HTTP): every hash and chain link, every
// commit's MAC where the verifier holds the key, the log against saved digests and the signed
// checkpoints the store keeps, and the running totals the domain's streams carry.
import type { KeyObject } from 'node:crypto';
import type { EventStore } from '../event-store/event-store.js';
import {
  fileSealWorkersDefault,
  sealWorkerAvailable,
  sealWorkersDefault,
  verifyFilePages,
  verifyRecordPages,
  verifyRecords,
  type LogDigest,
  type VerifyReport,
} from '../event-store/hash-chain.js';
import { runningTotalsCheck } from './running-totals.js';
import { savedDigestCountMax } from './checkpoints.js';
import { verifySignedDigest } from './signing.js';

export function verifyLog(
  store: EventStore,
  digest?: LogDigest | readonly LogDigest[],
  onProgress?: (eventsChecked: number, position: bigint) => void,
  macKey?: Buffer,
): Promise<VerifyReport> {
  const options = {
    positionsAreDense: store.positionsAreDense,
    recordChecks: [runningTotalsCheck()],
    ...(digest === undefined ? {} : { digest }),
    ...(onProgress === undefined ? {} : { onProgress }),
    ...(macKey === undefined ? {} : { macKey }),
  };
  // The whole log, at an auditor's request: worth threads of their own. Where they can read the log
  // themselves (a SQLite file), they read it once and this thread only keeps its order.
  const file = sealWorkerAvailable ? store.chainFile?.() : undefined;
  if (file !== undefined) return verifyFilePages(file, { ...options, sealWorkers: fileSealWorkersDefault });
  const records = { ...options, sealWorkers: sealWorkersDefault };
  return store.readChainPages === undefined ? verifyRecords(store.readChain(), records) : verifyRecordPages(store.readChainPages(), records);
}

export interface StoredCheckpoints {
  /** The checkpoints the store keeps that are signed with the key given. */
  readonly digests: LogDigest[];
  /** Rows that are not: edited, or signed with another key. They vouch for nothing. */
  readonly rejected: number;
}

/** The signed checkpoints the store keeps beside the log, checked against a public key. */
export async function storedCheckpoints(store: EventStore, publicKey: KeyObject): Promise<StoredCheckpoints> {
  const digests: LogDigest[] = [];
  let rejected = 0;
  if (store.checkpoints === undefined) return { digests, rejected };
  for await (const signed of store.checkpoints.all()) {
    const digest = verifySignedDigest(signed, publicKey);
    if (digest === undefined) rejected += 1;
    else if (digests.length < savedDigestCountMax) digests.push(digest);
  }
  return { digests, rejected };
}

/** Saved digests and stored checkpoints together, once each (a shipped checkpoint file repeats the table). */
export function mergeDigests(...lists: readonly (readonly LogDigest[])[]): LogDigest[] {
  const seen = new Map<string, LogDigest>();
  for (const digest of lists.flat()) seen.set(`${digest.position}:${digest.eventCount}:${digest.hash}`, digest);
  return [...seen.values()].sort((a, b) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0));
}
