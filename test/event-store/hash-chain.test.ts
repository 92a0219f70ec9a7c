// The event hash and its versions: null and '' hash differently now, logs hashed before still verify,
// and an event of the old version after one of the current version is a rewrite.
import { GENESIS_HASH, computeEventHash, verifyRecords, type ChainRecord, type EventHashVersion } from '../../src/event-store/hash-chain.js';
import { testMetadata } from '../support/events.js';

/** A chain of `count` events in one stream, hashed with the versions given (the last one repeats). */
function chainOf(count: number, versions: EventHashVersion[], causationIds: (string | null)[] = []): ChainRecord[] {
  const records: ChainRecord[] = [];
  let prevHash = GENESIS_HASH;
  for (let i = 0; i < count; i += 1) {
    const input = {
      stream: 'budget-test-2025',
      revision: BigInt(i),
      id: `event-${i}`,
      type: 'TestRecorded',
      schemaVersion: 1,
      dataJson: JSON.stringify({ index: i }),
      metadata: { ...testMetadata, causationId: causationIds[i] ?? null },
      prevHash,
    };
    const hash = computeEventHash(input, versions[Math.min(i, versions.length - 1)]!);
    records.push({ ...input, position: BigInt(i + 1), hash });
    prevHash = hash;
  }
  return records;
}

async function* each<T>(items: readonly T[]): AsyncIterable<T> {
  yield* items;
}

describe('event hash versions', () => {
  it('hashes a null causation id and an empty one differently (version 1 did not)', () => {
    const base = { stream: 's', revision: 0n, id: 'e', type: 'T', schemaVersion: 1, dataJson: '{}', prevHash: GENESIS_HASH };
    const withNull = { ...base, metadata: { ...testMetadata, causationId: null } };
    const withEmpty = { ...base, metadata: { ...testMetadata, causationId: '' } };
    expect(computeEventHash(withNull)).not.toBe(computeEventHash(withEmpty));
    expect(computeEventHash(withNull, 1)).toBe(computeEventHash(withEmpty, 1));
    // The versions never agree on one event.
    expect(computeEventHash(withNull, 1)).not.toBe(computeEventHash(withNull, 2));
  });

  it('still verifies a log hashed with version 1, and counts its events', async () => {
    const report = await verifyRecords(each(chainOf(5, [1])), { positionsAreDense: true });
    expect(report).toMatchObject({ ok: true, findings: [], legacyHashEvents: 5 });
  });

  it('verifies a log whose old events are version 1 and new ones version 2', async () => {
    const report = await verifyRecords(each(chainOf(6, [1, 1, 1, 2])), { positionsAreDense: true });
    expect(report).toMatchObject({ ok: true, findings: [], legacyHashEvents: 3 });
  });

  it('finds a null causation id turned into an empty one, at its position', async () => {
    const records = chainOf(4, [2]);
    records[2] = { ...records[2]!, metadata: { ...records[2]!.metadata, causationId: '' } };
    const report = await verifyRecords(each(records), { positionsAreDense: true });
    expect(report.ok).toBe(false);
    expect(report.findings[0]).toMatchObject({ kind: 'changed', position: 3n });
  });

  it('reports an event of version 1 after events of version 2 as rewritten', async () => {
    const report = await verifyRecords(each(chainOf(5, [2, 2, 2, 1, 2])), { positionsAreDense: true });
    expect(report.ok).toBe(false);
    expect(report.findings).toEqual([expect.objectContaining({ kind: 'changed', position: 4n, detail: expect.stringMatching(/version 1 after events of version 2/) })]);
  });
});
