// The event store port: the only way the rest of the ledger reads or writes events.
// Adapters (sqlite/, and later postgres/ and eventstoredb/) implement it; one contract suite pins it.
import type Database from 'better-sqlite3';
import type { EventMetadata } from './event-metadata.js';
import type pg from 'pg';
import { assert } from '../shared/assert.js';
import { ErrorDetails, LedgerError } from '../shared/errors.js';
import type { ChainFileSource, ChainReadOptions, ChainRecord, LogDigest, RecordCheck, SignedDigestJson, VerifyReport } from './hash-chain.js';

/** JSON values as stored in event data. Money is a decimal string here, never a number. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/**
 * What the writer expects of a stream before appending.
 * - `'no-stream'`: the stream must not exist yet;
 * - `'stream-exists'`: it must hold at least one event;
 * - `'any'`: no check;
 * - a bigint: the revision of the stream's last event (the first event of a stream is revision 0n).
 */
export type ExpectedRevision = 'no-stream' | 'stream-exists' | 'any' | bigint;

/** A stream's current revision: its last event's revision, or `'no-stream'` when it holds none. */
export type StreamRevision = 'no-stream' | bigint;

export type { EventMetadata } from './event-metadata.js';

export interface NewEvent {
  /** A uuid chosen by the writer: a retried append with the same ids has its effect once. */
  readonly id: string;
  /** A permanent name, e.g. `"AwardApproved"`; never a class name. */
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: JsonObject;
  readonly metadata: EventMetadata;
}

export interface StoredEvent extends NewEvent {
  readonly stream: string;
  readonly revision: bigint;
  /** Place in the global log. Increasing; dense (1, 2, 3…) where `positionsAreDense`. */
  readonly position: bigint;
  /** SHA-256 of this event chained to the previous event of its stream (`prevHash`). */
  readonly hash: string;
  readonly prevHash: string;
}

/**
 * An event as the read side folds it: where it is, what it says, who recorded it and when; not its
 * hashes, nor its command's ids. A `StoredEvent` is one; a store may read fewer columns to make one.
 */
export interface ProjectedEvent {
  readonly position: bigint;
  readonly stream: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: JsonObject;
  readonly metadata: Pick<EventMetadata, 'actorId' | 'actorRole' | 'recordedAt'>;
}

export interface StreamAppend {
  readonly stream: string;
  readonly expectedRevision: ExpectedRevision;
  readonly events: readonly NewEvent[];
}

/** A stream that must still be at a revision for a multi-stream append to go through. */
export interface StreamCheck {
  readonly stream: string;
  readonly expectedRevision: ExpectedRevision;
}

export interface AppendResult {
  readonly stream: string;
  /** Revision of the last event appended: the next append's expected revision. */
  readonly revision: bigint;
  /** Global position of the last event appended. */
  readonly position: bigint;
}

export interface MultiAppendResult {
  readonly streams: readonly AppendResult[];
  /** Global position of the last event appended by the whole call. */
  readonly position: bigint;
}

export interface ReadStreamOptions {
  /**
   * The read decides a write (the command runner): it sees appends committed with deferred
   * durability before they are on disk, as the writes it decides will follow them into the same
   * flush. Every other reader waits for them to be on disk first.
   */
  readonly forWriter?: boolean;
  readonly direction?: 'forwards' | 'backwards';
  /** First revision read (inclusive). Defaults to the start (forwards) or the end (backwards). */
  readonly fromRevision?: bigint;
  readonly maxCount?: number;
}

/** One stream of a batch read (`readStreams`), read as `readStream` reads it with the same options. */
export interface StreamRead {
  readonly stream: string;
  readonly direction?: 'forwards' | 'backwards';
  readonly fromRevision?: bigint;
  readonly maxCount?: number;
}

export interface AppendOptions {
  /**
   * Resolve once the append is committed, before it is on disk; the caller awaits `flush()` before
   * it tells anyone. Lets an embedded store put one disk sync under many appends (group commit).
   * Stores without `flush` are durable at commit and ignore it.
   */
  readonly deferDurability?: boolean;
}

export interface ReadAllOptions {
  /** Read events whose position is strictly greater than this (0n: from the start). */
  readonly afterPosition?: bigint;
  readonly maxCount?: number;
}

export interface SubscribeOptions {
  /** Deliver events whose position is strictly greater than this: a checkpoint. */
  readonly afterPosition?: bigint;
  readonly signal?: AbortSignal;
}

/**
 * Where a store keeps what a read side may share: the events' own SQLite database, or the PostgreSQL
 * pool (and so the schema) of the events. The composition root hands it to the read side, which never
 * needs to know the store's class.
 */
export type ReadSideHost =
  | {
      readonly kind: 'sqlite';
      readonly database: Database.Database;
      /** The file the events are in; absent for a database in memory, which no other connection can open. */
      readonly path: string | undefined;
    }
  | { readonly kind: 'postgres'; readonly pool: pg.Pool };

export interface EventStore {
  /** Absent: the store keeps no read side beside its events (the read side is configured apart). */
  readonly readSideHost?: ReadSideHost;

  /**
   * The log's head each time it moves, once what it holds is on disk (a store whose appends are
   * durable when answered may yield its head as it is). Stores that another thread can read in the
   * same file offer it, for a projector there (see ThreadedProjector).
   */
  durableHeads?(options?: { readonly signal?: AbortSignal }): AsyncIterable<bigint>;

  /** `true` where positions run 1, 2, 3… without gaps, so a missing position is evidence of removal. */
  readonly positionsAreDense: boolean;

  /**
   * `true` where the store runs inside this process and answers without waiting on I/O (embedded
   * SQLite): running its commands one at a time then costs no parallelism, and spares them the
   * optimistic conflicts they would otherwise have with each other.
   */
  readonly embedded?: boolean;

  append(stream: string, events: readonly NewEvent[], expectedRevision: ExpectedRevision): Promise<AppendResult>;

  /**
   * Appends to several streams at once, each at its expected revision, only if every checked
   * stream is still at its expected revision. All or nothing.
   */
  appendMulti(appends: readonly StreamAppend[], checks?: readonly StreamCheck[], options?: AppendOptions): Promise<MultiAppendResult>;

  /** Resolves once every append made with deferred durability is on disk (absent: every commit is). */
  flush?(): Promise<void>;

  /**
   * Runs `work` as one write transaction, committed with one disk sync, where the store can (absent:
   * every append is its own transaction). Each append inside is still all or nothing on its own (a
   * failed one leaves the others), the writer's reads that follow see it, and none is on disk, nor
   * visible to any other reader, before the returned promise resolves; if the commit fails, none
   * holds. `work` must not wait for I/O or timers: the turn holds the store's write lock, and its
   * connection, which the process's other readers share, must not be read by them while it is open.
   */
  writeTurn?<T>(work: () => Promise<T>): Promise<T>;

  readStream(stream: string, options?: ReadStreamOptions): Promise<StoredEvent[]>;

  /**
   * Several streams in one call (one query where the store can): each answered as `readStream` would
   * answer it alone, in the order asked. A command that knows which streams it needs reads them so,
   * instead of one round trip each. Absent: `readStreamsOf` reads them one by one.
   */
  readStreams?(reads: readonly StreamRead[], options?: Pick<ReadStreamOptions, 'forWriter'>): Promise<StoredEvent[][]>;

  streamRevision(stream: string): Promise<StreamRevision>;

  /** The whole log in global order, paged underneath: memory stays bounded whatever its length. */
  readAll(options?: ReadAllOptions): AsyncIterable<StoredEvent>;

  /** `readAll` as the read side needs it, where the store reads less for that (absent: `readAll`). */
  readAllProjected?(options?: ReadAllOptions): AsyncIterable<ProjectedEvent>;

  /** Catches up from `afterPosition`, then delivers new events as they are appended: in order, no gap, no duplicate. */
  subscribe(options?: SubscribeOptions): AsyncIterable<StoredEvent>;

  /** Position of the last event in the log (0n when empty). */
  headPosition(): Promise<bigint>;

  /** The log as hashed (the stored data text, and each event's MAC), in global order, for verification. */
  readChain(options?: ChainReadOptions): AsyncIterable<ChainRecord>;

  /** `readChain` a page at a time, where the store reads in pages (absent: one record at a time). */
  readChainPages?(options?: ChainReadOptions): AsyncIterable<readonly ChainRecord[]>;

  /**
   * The log for verify where other threads can open the store's file and read it themselves: verify's
   * seal workers then read every page, and the thread that keeps the log's order reads only where
   * the pages begin and end. Absent, or `undefined` (a database in memory): verify reads whole records.
   */
  chainFile?(): ChainFileSource | undefined;

  /**
   * Signed checkpoints kept in the store beside the log (absent: the store keeps none; the checkpoint
   * file is then the only copy). See audit/checkpointer.ts for why a table and not an event.
   */
  readonly checkpoints?: CheckpointTable;

  /** A digest of the log as it is now: keep it, and `verify` it later. */
  digest(): Promise<LogDigest>;

  /**
   * Checks every event's hash and chain, and the log against a digest saved earlier; `recordChecks`
   * add checks of each event's content (the domain's running totals: see audit/verify.ts).
   */
  verify(digest?: LogDigest | readonly LogDigest[], onProgress?: (eventsChecked: number, position: bigint) => void, recordChecks?: readonly RecordCheck[]): Promise<VerifyReport>;

  /** Cheap round trip to the store, for health checks. */
  ping(): Promise<void>;

  close(): Promise<void>;
}

export interface CheckpointTable {
  /**
   * Adds one; append only. Returns whether it was added: `false` when a checkpoint at its position is
   * already kept (another service process on the same store signed it first), which is left as it is.
   */
  add(checkpoint: SignedDigestJson): Promise<boolean>;
  /** The last one added, or `undefined` when none was. */
  last(): Promise<SignedDigestJson | undefined>;
  /** Every one, by position. */
  all(): AsyncIterable<SignedDigestJson>;
}

export const EVENT_STORE = Symbol('EVENT_STORE');

/** Limits on what one call may carry. */
export const eventsPerAppendMax = 1_000;
export const streamReadCountMax = 100_000;
export const streamsPerReadMax = 100;

/** `store.readStreams`, or the same reads one at a time where the store has no batch read. */
export function readStreamsOf(store: EventStore, reads: readonly StreamRead[], options: Pick<ReadStreamOptions, 'forWriter'> = {}): Promise<StoredEvent[][]> {
  if (store.readStreams !== undefined) return store.readStreams(reads, options);
  return Promise.all(reads.map((read) => store.readStream(read.stream, { ...read, ...options })));
}

/** Checks a batch read's shape, as every store does before reading: a programmer's error otherwise. */
export function assertStreamReads(reads: readonly StreamRead[]): void {
  assert(reads.length <= streamsPerReadMax, `a batch read reads at most ${streamsPerReadMax} streams`);
  for (const read of reads) {
    const maxCount = read.maxCount ?? streamReadCountMax;
    assert(Number.isInteger(maxCount) && maxCount >= 0 && maxCount <= streamReadCountMax, `maxCount must be 0..${streamReadCountMax}`);
  }
}

export function describeRevision(revision: ExpectedRevision | StreamRevision): string {
  return typeof revision === 'bigint' ? revision.toString() : revision;
}

/** The stream was not at the revision the writer expected: someone else appended first. */
export class WrongExpectedRevisionError extends LedgerError {
  readonly code = 'CONCURRENCY_CONFLICT' as const;

  constructor(
    readonly stream: string,
    readonly expected: ExpectedRevision,
    readonly actual: StreamRevision,
  ) {
    super(`stream ${stream} is at revision ${describeRevision(actual)}, expected ${describeRevision(expected)}`, {
      stream,
      expected: describeRevision(expected),
      actual: describeRevision(actual),
    } satisfies ErrorDetails);
  }
}

/** Event ids already stored, but for different events: a reused id, not a retry. */
export class EventIdConflictError extends LedgerError {
  readonly code = 'IDEMPOTENCY_KEY_REUSED' as const;

  constructor(
    readonly eventId: string,
    reason: string,
  ) {
    super(`event id ${eventId} is already stored ${reason}`, { eventId, reason });
  }
}

export function matchesExpected(expected: ExpectedRevision, actual: StreamRevision): boolean {
  switch (expected) {
    case 'any':
      return true;
    case 'no-stream':
      return actual === 'no-stream';
    case 'stream-exists':
      return actual !== 'no-stream';
    default:
      return actual === expected;
  }
}
