// The parts of the KurrentDB store that need no server: positions, expected revisions, stream names
// and the metadata that carries the hash chain. The store itself is checked by the contract suite,
// against a real server only (test/contract/kurrentdb.contract.test.ts).
import fc from 'fast-check';
import { ANY, NO_STREAM, STREAM_EXISTS } from '@kurrent/kurrentdb-client';
import streamsGrpc from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v2/streams/streams_grpc_pb.js';
import { ConfigError } from '../../src/config.js';
import { AssertionError } from '../../src/shared/assert.js';
import type { EventMetadata, ExpectedRevision } from '../../src/event-store/event-store.js';
import { GENESIS_HASH, computeEventHash } from '../../src/event-store/hash-chain.js';
import {
  ForeignEventError,
  StreamNaming,
  appendRecordsMethodPath,
  dataJsonOf,
  decodePosition,
  encodePosition,
  exactStateOf,
  fromCurrentState,
  fromRecordMetadata,
  fromStreamState,
  toRecordMetadata,
  toStreamState,
} from '../../src/event-store/kurrentdb/kurrentdb-mapping.js';
import { KurrentDbEventStore, KurrentDbServerTooOldError, KurrentDbUnavailableError } from '../../src/event-store/kurrentdb/kurrentdb-event-store.js';
import { testMetadata } from '../support/events.js';

const commitMax = (1n << 41n) - 1n;
const gapMax = (1n << 22n) - 1n;
/** Pairs the server writes: a prepare at most one (large) append before its commit. */
const logPosition = fc
  .record({ commit: fc.bigInt({ min: 0n, max: commitMax }), gap: fc.bigInt({ min: 0n, max: gapMax }) })
  .filter(({ commit, gap }) => gap <= commit)
  .map(({ commit, gap }) => ({ commit, prepare: commit - gap }));

function compareAll(a: { commit: bigint; prepare: bigint }, b: { commit: bigint; prepare: bigint }): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  return a.prepare === b.prepare ? 0 : a.prepare < b.prepare ? -1 : 1;
}

describe('KurrentDB positions', () => {
  it('decode what they encode, for every pair within the bounds', () => {
    fc.assert(
      fc.property(logPosition, (position) => {
        expect(decodePosition(encodePosition(position))).toEqual(position);
      }),
    );
  });

  it('sort exactly like $all: by commit position, then by prepare position', () => {
    fc.assert(
      fc.property(logPosition, logPosition, (a, b) => {
        const [x, y] = [encodePosition(a), encodePosition(b)];
        expect(x === y ? 0 : x < y ? -1 : 1).toBe(compareAll(a, b));
      }),
    );
  });

  it('give each event of one commit its own increasing number, whatever the prepare positions', () => {
    // One append's events may share a commit position: their prepare positions tell them apart.
    fc.assert(
      fc.property(fc.bigInt({ min: gapMax, max: commitMax }), fc.uniqueArray(fc.bigInt({ min: 0n, max: gapMax }), { minLength: 2, maxLength: 20 }), (commit, gaps) => {
        const prepares = gaps.map((gap) => commit - gap).sort((p, q) => (p < q ? -1 : p > q ? 1 : 0));
        const encoded = prepares.map((prepare) => encodePosition({ commit, prepare }));
        expect(encoded.every((p, i) => i === 0 || p > encoded[i - 1]!)).toBe(true);
        expect(encoded.every((p) => p > 0n)).toBe(true);
      }),
    );
  });

  it('stay within a signed 64-bit integer, and above 0 for every event, so 0n keeps meaning "from the start"', () => {
    expect(encodePosition({ commit: commitMax, prepare: commitMax })).toBeLessThan(1n << 63n);
    expect(encodePosition({ commit: 0n, prepare: 0n })).toBe(gapMax);
    expect(encodePosition({ commit: 1n, prepare: 0n })).toBe((1n << 22n) + gapMax - 1n);
    expect(decodePosition(0n)).toEqual({ commit: 0n, prepare: 0n });
  });

  it('refuse a pair outside the bounds rather than fold it into another', () => {
    expect(() => encodePosition({ commit: 10n, prepare: 11n })).toThrow(AssertionError);
    expect(() => encodePosition({ commit: gapMax + 5n, prepare: 4n })).toThrow(AssertionError);
    expect(() => encodePosition({ commit: commitMax + 1n, prepare: commitMax + 1n })).toThrow(AssertionError);
  });

  it('refuse what is not a position', () => {
    expect(() => decodePosition(-1n)).toThrow(AssertionError);
    expect(() => decodePosition(1n << 63n)).toThrow(AssertionError);
    expect(() => encodePosition({ commit: -1n, prepare: 0n })).toThrow(AssertionError);
    expect(() => encodePosition({ commit: 0n, prepare: 1n << 63n })).toThrow(AssertionError);
  });
});

describe('KurrentDB expected revisions', () => {
  it('map one for one onto the client constants and back', () => {
    const cases: [ExpectedRevision, unknown][] = [
      ['no-stream', NO_STREAM],
      ['stream-exists', STREAM_EXISTS],
      ['any', ANY],
      [0n, 0n],
      [41n, 41n],
    ];
    for (const [port, client] of cases) {
      expect(toStreamState(port)).toBe(client);
      expect(fromStreamState(toStreamState(port))).toBe(port);
    }
  });

  it('round-trip every revision', () => {
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: (1n << 63n) - 1n }), (revision) => expect(fromStreamState(toStreamState(revision))).toBe(revision)));
  });

  it('read a conflict’s actual state as the port’s stream revision; deleted and tombstoned streams hold nothing', () => {
    expect(fromCurrentState(NO_STREAM)).toBe('no-stream');
    expect(fromCurrentState(7n)).toBe(7n);
    expect(fromCurrentState(0n)).toBe(0n);
    expect(fromCurrentState(-5n)).toBe('no-stream');
    expect(fromCurrentState(-6n)).toBe('no-stream');
  });

  it('append at exactly the head read: the revision, or no stream', () => {
    expect(exactStateOf('no-stream')).toBe(NO_STREAM);
    expect(exactStateOf(3n)).toBe(3n);
  });
});

describe('KurrentDB stream names', () => {
  it('store every port stream under the prefix and give its name back', () => {
    const naming = new StreamNaming('ledger-');
    expect(naming.stored('budget-wuhan-data-product-2025')).toBe('ledger-budget-wuhan-data-product-2025');
    expect(naming.portName('ledger-budget-wuhan-data-product-2025')).toBe('budget-wuhan-data-product-2025');
    expect(naming.portName('$stats-127.0.0.1:2113')).toBeUndefined();
    expect(naming.portName('orders-1')).toBeUndefined();
  });

  it('keep event-id claims out of the prefix filter, for any prefix', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9][a-z0-9_.:-]{0,20}-$/), fc.uuid(), (prefix, id) => {
        fc.pre(!`event-id-of-${prefix}`.startsWith(prefix));
        const naming = new StreamNaming(prefix);
        const claim = naming.claim(id);
        expect(claim.startsWith(prefix)).toBe(false);
        expect(naming.portName(claim)).toBeUndefined();
        expect(naming.claimedId(claim)).toBe(id);
        expect(naming.claimedId(naming.stored('a-1'))).toBeUndefined();
      }),
    );
  });

  it('refuse a system prefix, and one that would also match its own claims', () => {
    expect(() => new StreamNaming('$ledger-')).toThrow(AssertionError);
    expect(() => new StreamNaming('')).toThrow(AssertionError);
    expect(() => new StreamNaming('e')).toThrow(/would also match its event-id claims/);
  });
});

describe('KurrentDB event metadata', () => {
  const chained = (metadata: EventMetadata) => ({ schemaVersion: 2, metadata, prevHash: GENESIS_HASH, hash: 'a'.repeat(64) });
  // The server keeps appendRecords metadata as a JSON object; the client parses it back.
  const throughServer = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

  it('is a JSON object of strings only, as appendRecords requires', () => {
    const record = toRecordMetadata(chained(testMetadata));
    expect(Object.values(record).every((v) => typeof v === 'string')).toBe(true);
    expect(record).toMatchObject({ schemaVersion: '2', prevHash: GENESIS_HASH, hash: 'a'.repeat(64), actorId: testMetadata.actorId });
  });

  it('round-trips the port’s metadata, schema version and chain exactly, a null causation apart from an empty one', () => {
    const metadata = fc.record({
      actorId: fc.string(),
      actorRole: fc.string(),
      commandId: fc.string(),
      correlationId: fc.string(),
      causationId: fc.option(fc.string(), { nil: null }),
      recordedAt: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
    });
    fc.assert(
      fc.property(metadata, fc.integer({ min: 1, max: 999 }), fc.stringMatching(/^[0-9a-f]{64}$/), (m, schemaVersion, hash) => {
        const written = { schemaVersion, metadata: m, prevHash: GENESIS_HASH, hash };
        expect(fromRecordMetadata(throughServer(toRecordMetadata(written)), 'event x')).toEqual(written);
      }),
    );
    const empty = { ...testMetadata, causationId: '' };
    expect(fromRecordMetadata(throughServer(toRecordMetadata(chained(empty))), 'event x').metadata.causationId).toBe('');
  });

  it('ignores keys the server adds of its own', () => {
    const read = fromRecordMetadata({ ...toRecordMetadata(chained(testMetadata)), '$schema.name': 'TestRecorded', '$schema.format': 'Json' }, 'event x');
    expect(read).toEqual(chained(testMetadata));
  });

  it('refuses an event the ledger did not write, naming it', () => {
    expect(() => fromRecordMetadata(undefined, 'event e-1 (orders-1@0)')).toThrow(ForeignEventError);
    expect(() => fromRecordMetadata(new Uint8Array([1, 2]), 'event e-1')).toThrow(/no JSON metadata/);
    const { hash: _hash, ...withoutHash } = toRecordMetadata(chained(testMetadata));
    expect(() => fromRecordMetadata(withoutHash, 'event e-1 (ledger-a-1@0)')).toThrow(/event e-1 \(ledger-a-1@0\) has no "hash"/);
    expect(() => fromRecordMetadata({ ...toRecordMetadata(chained(testMetadata)), schemaVersion: '1.5' }, 'event e-1')).toThrow(/malformed schemaVersion/);
  });
});

describe('KurrentDB event data', () => {
  it('is hashed as written: the text the client parses serialises back to the same text', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (data) => {
        const written = JSON.stringify(data);
        expect(dataJsonOf(JSON.parse(written))).toBe(written);
      }),
    );
  });

  it('keeps a hash valid across the round trip, Chinese text and decimal strings included', () => {
    const data = { amount: '300000.00', enterpriseName: '保定数智科技有限公司', note: 'line\nbreak "quoted" \u2028' };
    const input = {
      prevHash: GENESIS_HASH,
      stream: 'application-1',
      revision: 0n,
      id: '0b9d3c1e-2f4a-4c5b-8d6e-7f8091a2b3c4',
      type: 'AwardApproved',
      schemaVersion: 1,
      metadata: testMetadata,
    };
    const hash = computeEventHash({ ...input, dataJson: JSON.stringify(data) });
    expect(computeEventHash({ ...input, dataJson: dataJsonOf(JSON.parse(JSON.stringify(data))) })).toBe(hash);
  });

  it('is read as raw text when it is not JSON, so a damaged event fails its hash rather than the read', () => {
    expect(dataJsonOf('{"amount": "1.00"')).toBe('{"amount": "1.00"');
    expect(dataJsonOf(new TextEncoder().encode('{"a":1}'))).toBe('{"a":1}');
  });
});

describe('KurrentDB server', () => {
  it('is asked for the very method appendRecords needs', () => {
    expect(appendRecordsMethodPath).toBe(streamsGrpc.StreamsServiceService.appendRecords.path);
  });

  it('older than 26.1 is refused at start with a configuration error that says why and what to do', () => {
    const error = new KurrentDbServerTooOldError('25.0.1');
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(/version 25\.0\.1/);
    expect(error.message).toMatch(/26\.1 or later/);
    expect(error.message).toMatch(/atomic multi-stream appends with consistency checks/);
  });

  it('that cannot be reached makes open fail as STORE_UNAVAILABLE, not hang', async () => {
    // A closed local port: a real refusal, no server faked.
    const opening = KurrentDbEventStore.open({ connectionString: 'kurrentdb://127.0.0.1:1?tls=false&maxDiscoverAttempts=1' });
    await expect(opening).rejects.toBeInstanceOf(KurrentDbUnavailableError);
    await expect(opening).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
  });
});
