// Digests an auditor saves as checkpoints: one every N events lets verify bound a change to a window
// of N events, and tells how many events no saved digest vouches for yet.
import type { EventStore } from '../event-store/event-store.js';
import type { KeyObject } from 'node:crypto';
import { DigestAccumulator, digestFromJson, type LogDigest } from '../event-store/hash-chain.js';
import { verifySignedDigest } from './signing.js';

/** The log's digest after every `everyEvents` events, and at its head. */
export async function* checkpointsOf(store: EventStore, everyEvents: number): AsyncIterable<LogDigest> {
  const accumulator = new DigestAccumulator();
  let sinceLast = 0;
  for await (const event of store.readAll()) {
    accumulator.add(event.position, event.hash);
    sinceLast += 1;
    if (sinceLast === everyEvents) {
      yield accumulator.value;
      sinceLast = 0;
    }
  }
  if (sinceLast > 0 || accumulator.value.eventCount === 0n) yield accumulator.value;
}

/** Saved digests to check at most, so that a file cannot take all memory. */
export const savedDigestCountMax = 1_000_000;

/**
 * Reads what an auditor saved: one digest (JSON), an array of them, or JSON Lines with one per line.
 * With a public key, every digest must be signed with its private half. Returns the digests, or what
 * is wrong with the text.
 */
export function parseSavedDigests(text: string, publicKey?: KeyObject): { digests: LogDigest[] } | { error: string } {
  let values: unknown[];
  try {
    const trimmed = text.trim();
    values = trimmed.startsWith('[')
      ? (JSON.parse(trimmed) as unknown[])
      : trimmed.includes('\n') && !trimmed.startsWith('{\n')
        ? trimmed
            .split('\n')
            .filter((line) => line.trim() !== '')
            .map((line) => JSON.parse(line) as unknown)
        : [JSON.parse(trimmed) as unknown];
  } catch {
    return { error: 'is not JSON (one digest, an array of digests, or one digest per line)' };
  }
  if (!Array.isArray(values) || values.length === 0) return { error: 'holds no digest' };
  if (values.length > savedDigestCountMax) return { error: `holds more than ${savedDigestCountMax} digests` };
  const digests: LogDigest[] = [];
  for (const [index, value] of values.entries()) {
    const digest = digestFromJson(value);
    if (digest === undefined) return { error: `does not hold a digest (position, eventCount, hash) at entry ${index + 1}` };
    if (publicKey !== undefined && verifySignedDigest(value, publicKey) === undefined) return { error: `entry ${index + 1} is not signed with the public key given` };
    digests.push(digest);
  }
  return { digests };
}
