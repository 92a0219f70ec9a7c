// How the port's notions map onto KurrentDB's: positions, expected revisions, stream names and the
// metadata that carries the hash chain. Pure functions, so they are tested without a server.
import { ANY, NO_STREAM, STREAM_EXISTS, type AppendStreamState, type CurrentStreamState, type Position } from '@kurrent/kurrentdb-client';
import { assert } from '../../shared/assert.js';
import type { EventMetadata, ExpectedRevision, StreamRevision } from '../event-store.js';

// ---------------------------------------------------------------------------------------------
// Positions
// ---------------------------------------------------------------------------------------------

/**
 * KurrentDB places an event in `$all` by a pair (commit, prepare), ordered by commit then prepare;
 * an event's prepare record comes before (or is) its commit, within one append's size. Several
 * events of one append may share a commit position, so the port's one number per event packs the
 * pair as commit · 2²² + (2²² − 1 − (commit − prepare)): it sorts exactly like `$all`, decodes back,
 * and stays below 2⁶³, so read sides keep it in an ordinary 64-bit integer column and the API in 19
 * digits. The bounds this sets (commit − prepare below 4 MiB, four times KurrentDB's default largest
 * append; a log of up to 2 TiB) are checked: a position outside them is refused loudly, never folded
 * into another.
 */
const gapBits = 22n;
const gapLimit = 1n << gapBits;
const commitLimit = 1n << (63n - gapBits);

export function encodePosition(position: Position): bigint {
  const gap = position.commit - position.prepare;
  assert(position.commit >= 0n && position.commit < commitLimit, `commit position out of range: ${position.commit}`);
  assert(position.prepare >= 0n && gap >= 0n && gap < gapLimit, `prepare position ${position.prepare} is not within ${gapLimit} bytes before its commit ${position.commit}`);
  return (position.commit << gapBits) | (gapLimit - 1n - gap);
}

/** The pair a number stands for; a number between two events decodes to a place between them. */
export function decodePosition(encoded: bigint): Position {
  assert(encoded >= 0n && encoded >> gapBits < commitLimit, `not a KurrentDB log position: ${encoded}`);
  const commit = encoded >> gapBits;
  const prepare = commit - (gapLimit - 1n - (encoded & (gapLimit - 1n)));
  return { commit, prepare: prepare < 0n ? 0n : prepare };
}

// ---------------------------------------------------------------------------------------------
// Expected revisions
// ---------------------------------------------------------------------------------------------

/** The port's expectation as the client spells it: the same four cases, one for one. */
export function toStreamState(expected: ExpectedRevision): AppendStreamState {
  switch (expected) {
    case 'no-stream':
      return NO_STREAM;
    case 'stream-exists':
      return STREAM_EXISTS;
    case 'any':
      return ANY;
    default:
      assert(expected >= 0n, `an expected revision is never negative: ${expected}`);
      return expected;
  }
}

export function fromStreamState(state: AppendStreamState): ExpectedRevision {
  switch (state) {
    case NO_STREAM:
      return 'no-stream';
    case STREAM_EXISTS:
      return 'stream-exists';
    case ANY:
      return 'any';
    default:
      return state;
  }
}

/**
 * A stream's state as the server reports it in a conflict. Deleted (−5) and tombstoned (−6)
 * streams hold no readable event: for the port they are streams that do not exist.
 */
export function fromCurrentState(state: CurrentStreamState): StreamRevision {
  if (state === NO_STREAM) return 'no-stream';
  return state < 0n ? 'no-stream' : state;
}

/** The exact state an append must find the stream in, given the head the adapter read. */
export function exactStateOf(head: StreamRevision): AppendStreamState {
  return head === 'no-stream' ? NO_STREAM : head;
}

// ---------------------------------------------------------------------------------------------
// Stream names
// ---------------------------------------------------------------------------------------------

/**
 * Where the ledger's streams live on a shared server. Every port stream is stored as
 * `prefix + name`, so that `$all` read with a prefix filter yields the ledger's events and nothing
 * else. Event-id claims (the id index KurrentDB lacks) live beside them under a prefix that the
 * filter does not match: they are bookkeeping, not events of the ledger.
 */
export class StreamNaming {
  readonly claimPrefix: string;

  constructor(readonly prefix: string) {
    assert(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/.test(prefix), `a stream prefix is 1..64 letters, digits or _.:- and does not start with $: "${prefix}"`);
    this.claimPrefix = `event-id-of-${prefix}`;
    assert(!this.claimPrefix.startsWith(prefix), `stream prefix "${prefix}" would also match its event-id claims: choose another`);
  }

  stored(stream: string): string {
    return this.prefix + stream;
  }

  /** The port's name of a stored stream; undefined for a stream outside the ledger. */
  portName(storedName: string): string | undefined {
    return storedName.startsWith(this.prefix) ? storedName.slice(this.prefix.length) : undefined;
  }

  claim(eventId: string): string {
    return this.claimPrefix + eventId;
  }

  claimedId(storedName: string): string | undefined {
    return storedName.startsWith(this.claimPrefix) ? storedName.slice(this.claimPrefix.length) : undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Metadata
// ---------------------------------------------------------------------------------------------

/**
 * What the ledger keeps in a KurrentDB event's metadata. `appendRecords` takes metadata as a JSON
 * object of strings only, so the schema version is written in decimal and a null causation id is
 * left out (an empty string stays an empty string).
 */
export type RecordMetadata = Record<string, string>;

export interface ChainedMetadata {
  readonly schemaVersion: number;
  readonly metadata: EventMetadata;
  readonly prevHash: string;
  readonly hash: string;
}

export function toRecordMetadata(chained: ChainedMetadata): RecordMetadata {
  const m = chained.metadata;
  return {
    schemaVersion: String(chained.schemaVersion),
    actorId: m.actorId,
    actorRole: m.actorRole,
    commandId: m.commandId,
    correlationId: m.correlationId,
    ...(m.causationId === null ? {} : { causationId: m.causationId }),
    recordedAt: m.recordedAt,
    prevHash: chained.prevHash,
    hash: chained.hash,
  };
}

/** Thrown when an event under the ledger's prefix does not carry the ledger's metadata. */
export class ForeignEventError extends Error {
  override readonly name = 'ForeignEventError';
}

/**
 * Reads the ledger's metadata back. The server may add keys of its own (schema information): they
 * are ignored. A missing or malformed key means the event was not written by this adapter.
 */
export function fromRecordMetadata(raw: unknown, where: string): ChainedMetadata {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || raw instanceof Uint8Array) {
    throw new ForeignEventError(`${where} carries no JSON metadata: it was not written by the ledger`);
  }
  const record = raw as Record<string, unknown>;
  const text = (key: string): string => {
    const value = record[key];
    if (typeof value !== 'string') throw new ForeignEventError(`${where} has no "${key}" in its metadata: it was not written by the ledger`);
    return value;
  };
  const schemaText = text('schemaVersion');
  if (!/^[1-9][0-9]{0,8}$/.test(schemaText)) throw new ForeignEventError(`${where} has a malformed schemaVersion "${schemaText}"`);
  const causation = record['causationId'];
  return {
    schemaVersion: Number(schemaText),
    metadata: {
      actorId: text('actorId'),
      actorRole: text('actorRole'),
      commandId: text('commandId'),
      correlationId: text('correlationId'),
      causationId: typeof causation === 'string' ? causation : null,
      recordedAt: text('recordedAt'),
    },
    prevHash: text('prevHash'),
    hash: text('hash'),
  };
}

/**
 * The data text as written. The client parses JSON data on read; the adapter wrote
 * `JSON.stringify(data)`, and re-serialising a parsed `JSON.stringify` output gives the same text,
 * so the hash is checked against what was written. Data that is not JSON (a tampered event) comes
 * back as its raw text or bytes, and then fails its hash.
 */
export function dataJsonOf(data: unknown): string {
  if (data instanceof Uint8Array) return Buffer.from(data).toString('utf8');
  if (typeof data === 'string') return data;
  return JSON.stringify(data);
}

// ---------------------------------------------------------------------------------------------
// Server capability
// ---------------------------------------------------------------------------------------------

/** The gRPC method behind `appendRecords`: a server that lists it can append atomically with checks. */
export const appendRecordsMethodPath = '/kurrentdb.protocol.v2.streams.StreamsService/AppendRecords';
export const appendRecordsVersionMin = '26.1';
