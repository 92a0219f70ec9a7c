// The KurrentDB (EventStoreDB) store: the port on a server that keeps the log itself. Multi-stream
// appends go through `appendRecords` (KurrentDB ≥ 26.1), atomic with its stream-state checks; the
// adapter adds what the server does not give: the per-stream hash chain (it reads each stream's last
// hash and appends at exactly the revision it read), an index of event ids (one claim stream per id,
// written in the same atomic append) and one increasing number per event.
import { randomUUID } from 'node:crypto';
import {
  AppendConsistencyViolationError,
  BACKWARDS,
  END,
  FORWARDS,
  KurrentDBClient,
  NO_STREAM,
  START,
  STREAM_STATE,
  StreamNotFoundError,
  UnsupportedError,
  WrongExpectedVersionError,
  streamNameFilter,
  type AllStreamResolvedEvent,
  type AppendRecordInput,
  type ConsistencyCheck,
  type ConsistencyViolation,
  type CurrentStreamState,
  type Filter,
  type ReadRevision,
  type ResolvedEvent,
} from '@kurrent/kurrentdb-client';
import { assert, defined } from '../../shared/assert.js';
import { LedgerError } from '../../shared/errors.js';
import { ConfigError } from '../../config.js';
import {
  AppendResult,
  EventIdConflictError,
  EventStore,
  ExpectedRevision,
  MultiAppendResult,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  StoredEvent,
  StreamAppend,
  StreamCheck,
  StreamRead,
  StreamRevision,
  SubscribeOptions,
  WrongExpectedRevisionError,
  assertStreamReads,
  matchesExpected,
  streamReadCountMax,
} from '../event-store.js';
import { StoredEventRecord } from '../stored-event.js';
import { assertWellFormed, replayOfRetriedAppend, type StoredById } from '../append-rules.js';
import { ChainRecord, GENESIS_HASH, LogDigest, VerifyReport, RecordCheck, computeEventHash, digestRecords, verifyRecords, type ChainReadOptions } from '../hash-chain.js';
import {
  ForeignEventError,
  StreamNaming,
  appendRecordsMethodPath,
  appendRecordsVersionMin,
  dataJsonOf,
  decodePosition,
  encodePosition,
  exactStateOf,
  fromCurrentState,
  fromRecordMetadata,
  toRecordMetadata,
  toStreamState,
} from './kurrentdb-mapping.js';

export interface KurrentDbEventStoreOptions {
  /** e.g. `kurrentdb://127.0.0.1:2113?tls=false`. */
  readonly connectionString: string;
  /** Every port stream is stored as prefix + name; `$all` is read through this prefix only. */
  readonly streamPrefix?: string;
  /** Events per `$all` read call: memory stays bounded whatever the log's length. */
  readonly readPageSize?: number;
  /** Attempts of one append that loses races its expectations allowed (`'any'`, `'stream-exists'`). */
  readonly appendAttemptCountMax?: number;
  /** Consecutive failed resubscriptions before a subscription gives up. */
  readonly resubscribeCountMax?: number;
}

export const defaultStreamPrefix = 'ledger-';

export class KurrentDbUnavailableError extends LedgerError {
  readonly code = 'STORE_UNAVAILABLE' as const;

  constructor(reason: string) {
    super(`the KurrentDB store is unavailable: ${reason}`, { reason });
  }
}

/** The server cannot keep the port's guarantees: refused at start, not weakened. */
export class KurrentDbServerTooOldError extends ConfigError {
  constructor(serverVersion: string) {
    super(
      `the KurrentDB server is version ${serverVersion}, which has no appendRecords: the ledger needs KurrentDB ${appendRecordsVersionMin} or later ` +
        'for atomic multi-stream appends with consistency checks, and will not run with weaker ones. Upgrade the server ' +
        '(docker-compose.yml runs kurrentplatform/kurrentdb:26.1.1)',
    );
  }
}

/** What the client learns from the server's ServerFeatures service, and `appendRecords` consults. */
interface ServerFeaturesView {
  readonly serverVersion: string;
  supports(method: { path: string }): boolean;
}

/** An event as read, with the data text the hash covers: what the chain checks. */
type Decoded = ChainRecord;

interface Head {
  readonly revision: bigint;
  readonly hash: string;
}

type ClientReadStreamOptions = NonNullable<Parameters<KurrentDBClient['readStream']>[1]>;

const claimEventType = 'LedgerEventIdClaimed';
const lowerCaseUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const claimLookupConcurrencyMax = 32;
const resubscribeDelayMsMax = 5_000;

function storedEventOf(event: Decoded): StoredEvent {
  return new StoredEventRecord(event.position, event.id, event.stream, event.revision, event.type, event.schemaVersion, event.dataJson, event.metadata, event.prevHash, event.hash);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

function isNotFound(error: unknown): boolean {
  return error instanceof StreamNotFoundError;
}

/** Errors that mean the server could not be reached or did not answer in time: worth another try later. */
function isTransient(error: unknown): boolean {
  const type = (error as { type?: unknown } | null)?.type;
  return type === 'unavailable' || type === 'deadline-exceeded' || type === 'timeout' || type === 'not-leader' || type === 'cancelled' || type === 'unknown';
}

export class KurrentDbEventStore implements EventStore {
  readonly positionsAreDense = false;

  private readonly naming: StreamNaming;
  private readonly filter: Filter;
  private readonly readPageSize: number;
  private readonly appendAttemptCountMax: number;
  private readonly resubscribeCountMax: number;
  private closed = false;
  /** Ends the live subscriptions on close. */
  private readonly stoppers = new Set<() => void>();

  private constructor(
    private readonly client: KurrentDBClient,
    options: KurrentDbEventStoreOptions,
  ) {
    this.naming = new StreamNaming(options.streamPrefix ?? defaultStreamPrefix);
    this.filter = streamNameFilter({ prefixes: [this.naming.prefix] });
    this.readPageSize = options.readPageSize ?? 1_000;
    this.appendAttemptCountMax = options.appendAttemptCountMax ?? 25;
    this.resubscribeCountMax = options.resubscribeCountMax ?? 30;
    assert(Number.isInteger(this.readPageSize) && this.readPageSize >= 1 && this.readPageSize <= 10_000, 'readPageSize must be 1..10000');
    assert(Number.isInteger(this.appendAttemptCountMax) && this.appendAttemptCountMax >= 1, 'appendAttemptCountMax must be a positive integer');
  }

  /** Connects and refuses a server without `appendRecords` (KurrentDB < 26.1). */
  static async open(options: KurrentDbEventStoreOptions): Promise<KurrentDbEventStore> {
    const client = KurrentDBClient.connectionString(options.connectionString);
    try {
      const features = await serverFeaturesOf(client);
      if (!features.supports({ path: appendRecordsMethodPath })) throw new KurrentDbServerTooOldError(features.serverVersion);
      return new KurrentDbEventStore(client, options);
    } catch (error) {
      await client.dispose().catch(() => undefined);
      if (error instanceof ConfigError || error instanceof LedgerError) throw error;
      throw new KurrentDbUnavailableError(error instanceof Error ? error.message : String(error));
    }
  }

  get streamPrefix(): string {
    return this.naming.prefix;
  }

  async append(stream: string, events: readonly NewEvent[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    const result = await this.appendMulti([{ stream, expectedRevision, events }]);
    const only = result.streams[0];
    assert(only !== undefined, 'a one-stream append returns one stream');
    return only;
  }

  async appendMulti(appends: readonly StreamAppend[], checks: readonly StreamCheck[] = []): Promise<MultiAppendResult> {
    this.assertOpen();
    assertWellFormed(appends, checks);
    for (const append of appends) {
      for (const event of append.events) assert(lowerCaseUuid.test(event.id), `KurrentDB keeps event ids as UUIDs: ${event.id} must be a lower-case UUID`);
    }
    let lastConflict: { stream: string; expected: ExpectedRevision; actual: StreamRevision } | undefined;
    for (let attempt = 1; attempt <= this.appendAttemptCountMax; attempt += 1) {
      // A retry is answered before any expectation is checked, as on the other stores. The heads
      // are read meanwhile: most appends are not retries.
      const [replay, heads] = await Promise.all([this.replayIfRetried(appends), Promise.all(appends.map((a) => this.head(a.stream)))]);
      if (replay !== undefined) return replay;
      appends.forEach((append, i) => this.assertAt(append.stream, append.expectedRevision, heads[i]));
      for (const check of checks) {
        // A revision below 0 matches no stream, and the server has no way to say so: refused here.
        if (typeof check.expectedRevision === 'bigint' && check.expectedRevision < 0n) this.assertAt(check.stream, check.expectedRevision, await this.head(check.stream));
      }

      const built = this.build(appends, heads, checks);
      let outcome: Awaited<ReturnType<KurrentDBClient['appendRecords']>>;
      try {
        outcome = await this.client.appendRecords(built.records, built.checks);
      } catch (error) {
        const violations = violationsOf(error);
        if (violations === undefined) throw this.translate(error);
        const claimed = violations.map((v) => this.naming.claimedId(v.streamName)).find((id) => id !== undefined);
        if (claimed !== undefined) {
          // Another append holds one of these ids: a concurrent retry of this very append, or a reuse.
          const replayed = await this.replayIfRetried(appends);
          if (replayed !== undefined) return replayed;
          throw new EventIdConflictError(claimed, 'by another append');
        }
        for (const violation of violations) {
          const check = checks.find((c) => this.naming.stored(c.stream) === violation.streamName);
          // Checks are sent as the caller wrote them: a failed one is the caller's conflict.
          if (check !== undefined) throw new WrongExpectedRevisionError(check.stream, check.expectedRevision, fromCurrentState(violation.actualState));
        }
        // An appended stream moved since its head was read. The next round reads it again and
        // refuses if the caller's own expectation no longer holds; otherwise it chains onto the new head.
        const moved = violations[0];
        const append = appends.find((a) => moved !== undefined && this.naming.stored(a.stream) === moved.streamName);
        if (append === undefined || moved === undefined) throw this.translate(error);
        lastConflict = { stream: append.stream, expected: append.expectedRevision, actual: fromCurrentState(moved.actualState) };
        await sleep(Math.floor(Math.random() * Math.min(2 ** attempt, 50)));
        continue;
      }
      for (const response of outcome.responses) {
        const append = appends.find((a) => this.naming.stored(a.stream) === response.streamName);
        if (append !== undefined)
          assert(response.revision === built.revisions.get(append.stream), `KurrentDB put ${append.stream} at revision ${response.revision}, not the one chained`);
      }
      return this.resultOf(appends, built.revisions);
    }
    assert(lastConflict !== undefined, 'an append is attempted again only after its stream moved');
    throw new WrongExpectedRevisionError(lastConflict.stream, lastConflict.expected, lastConflict.actual);
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    this.assertOpen();
    const maxCount = options.maxCount ?? streamReadCountMax;
    assert(Number.isInteger(maxCount) && maxCount >= 0 && maxCount <= streamReadCountMax, `maxCount must be 0..${streamReadCountMax}`);
    if (maxCount === 0) return [];
    const backwards = options.direction === 'backwards';
    const fromRevision: ReadRevision = options.fromRevision ?? (backwards ? END : START);
    const events = await this.readDecoded(this.naming.stored(stream), { direction: backwards ? BACKWARDS : FORWARDS, fromRevision, maxCount });
    return events.map(storedEventOf);
  }

  /** KurrentDB reads one stream per call: the streams are read at once, each on its own call. */
  async readStreams(reads: readonly StreamRead[]): Promise<StoredEvent[][]> {
    this.assertOpen();
    assertStreamReads(reads);
    return Promise.all(reads.map((read) => this.readStream(read.stream, read)));
  }

  async streamRevision(stream: string): Promise<StreamRevision> {
    this.assertOpen();
    return (await this.head(stream))?.revision ?? 'no-stream';
  }

  async *readAll(options: ReadAllOptions = {}): AsyncIterable<StoredEvent> {
    for await (const event of this.decodedAll(options.afterPosition ?? 0n, options.maxCount)) yield storedEventOf(event);
  }

  async *subscribe(options: SubscribeOptions = {}): AsyncIterable<StoredEvent> {
    this.assertOpen();
    const signal = options.signal;
    let positionLast = options.afterPosition ?? 0n;
    let failureCount = 0;
    while (!this.isStopped(signal)) {
      // From the last event delivered: after a drop, the new subscription catches up from there.
      const subscription = this.client.subscribeToAll({
        fromPosition: positionLast === 0n ? START : decodePosition(positionLast),
        filter: this.filter,
        requiresLeader: true,
      });
      let stopped = false;
      const stop = (): void => {
        stopped = true;
        void subscription.unsubscribe().catch(() => undefined);
        subscription.destroy();
      };
      this.stoppers.add(stop);
      signal?.addEventListener('abort', stop, { once: true });
      subscription.once('confirmation', () => {
        failureCount = 0;
      });
      try {
        for await (const resolved of subscription as AsyncIterable<AllStreamResolvedEvent>) {
          const event = this.decode(resolved);
          // Catch-up starts at the checkpoint itself (the server's start position is inclusive for
          // some versions): what was delivered already is skipped, so nothing repeats.
          if (event === undefined || event.position <= positionLast) continue;
          failureCount = 0;
          yield storedEventOf(event);
          positionLast = event.position;
          if (this.isStopped(signal)) return;
        }
        if (stopped || this.isStopped(signal)) return;
        failureCount += 1;
      } catch (error) {
        if (stopped || this.isStopped(signal)) return;
        if (!isTransient(error)) throw this.translate(error);
        failureCount += 1;
        if (failureCount > this.resubscribeCountMax) throw this.translate(error);
      } finally {
        signal?.removeEventListener('abort', stop);
        this.stoppers.delete(stop);
        if (!stopped) stop();
      }
      // Bounded back-off: 100 ms, 200 ms, … up to 5 s between attempts.
      await sleep(Math.min(100 * 2 ** Math.min(failureCount, 10), resubscribeDelayMsMax), signal);
    }
  }

  async headPosition(): Promise<bigint> {
    this.assertOpen();
    try {
      for await (const resolved of this.client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1, filter: this.filter, requiresLeader: true })) {
        const event = this.decode(resolved);
        if (event !== undefined) return event.position;
      }
      return 0n;
    } catch (error) {
      throw this.translate(error);
    }
  }

  async digest(): Promise<LogDigest> {
    return digestRecords(this.decodedAll(0n));
  }

  /** KurrentDB keeps no MACs (its events carry none yet): verify finds them all unkeyed. */
  readChain(options: ChainReadOptions = {}): AsyncIterable<ChainRecord> {
    return this.decodedAll(options.afterPosition ?? 0n, options.maxCount);
  }

  async verify(
    digest?: LogDigest | readonly LogDigest[],
    onProgress?: (eventsChecked: number, position: bigint) => void,
    recordChecks?: readonly RecordCheck[],
  ): Promise<VerifyReport> {
    return verifyRecords(this.decodedAll(0n), {
      positionsAreDense: this.positionsAreDense,
      ...(digest === undefined ? {} : { digest }),
      ...(onProgress === undefined ? {} : { onProgress }),
      ...(recordChecks === undefined ? {} : { recordChecks }),
    });
  }

  async ping(): Promise<void> {
    this.assertOpen();
    try {
      // Any one event will do, the ledger's or not: the round trip is what is measured.
      const iterator = this.client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 })[Symbol.asyncIterator]();
      await iterator.next();
      await iterator.return?.();
    } catch (error) {
      throw this.translate(error);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const stop of [...this.stoppers]) stop();
    await this.client.dispose();
  }

  /** The records and checks of one attempt, chained onto the heads just read. */
  private build(
    appends: readonly StreamAppend[],
    heads: readonly (Head | undefined)[],
    checks: readonly StreamCheck[],
  ): { records: AppendRecordInput[]; checks: ConsistencyCheck[]; revisions: Map<string, bigint> } {
    const records: AppendRecordInput[] = [];
    const claims: AppendRecordInput[] = [];
    const serverChecks: ConsistencyCheck[] = [];
    const revisions = new Map<string, bigint>();
    appends.forEach((append, i) => {
      const head = heads[i];
      const storedName = this.naming.stored(append.stream);
      // Exactly the revision read, whatever the caller allowed: the chain links to that head's hash.
      serverChecks.push({ type: STREAM_STATE, streamName: storedName, expectedState: exactStateOf(head?.revision ?? 'no-stream') });
      let revision = head === undefined ? -1n : head.revision;
      let prevHash = head === undefined ? GENESIS_HASH : head.hash;
      for (const event of append.events) {
        revision += 1n;
        const dataJson = JSON.stringify(event.data);
        const hash = computeEventHash({ ...event, stream: append.stream, revision, dataJson, prevHash });
        records.push({
          streamName: storedName,
          record: {
            id: event.id,
            contentType: 'application/json',
            type: event.type,
            data: event.data,
            metadata: toRecordMetadata({ schemaVersion: event.schemaVersion, metadata: event.metadata, prevHash, hash }),
          },
        });
        const claimStream = this.naming.claim(event.id);
        claims.push({
          streamName: claimStream,
          record: { id: randomUUID(), contentType: 'application/json', type: claimEventType, data: { stream: append.stream, revision: revision.toString() }, metadata: undefined },
        });
        serverChecks.push({ type: STREAM_STATE, streamName: claimStream, expectedState: NO_STREAM });
        prevHash = hash;
      }
      revisions.set(append.stream, revision);
    });
    for (const check of checks) {
      if (check.expectedRevision === 'any') continue;
      serverChecks.push({ type: STREAM_STATE, streamName: this.naming.stored(check.stream), expectedState: toStreamState(check.expectedRevision) });
    }
    return { records: [...records, ...claims], checks: serverChecks, revisions };
  }

  /** Positions are the server's: read back the last event appended to each stream. */
  private async resultOf(appends: readonly StreamAppend[], revisions: ReadonlyMap<string, bigint>): Promise<MultiAppendResult> {
    const streams = await Promise.all(
      appends.map(async (append): Promise<AppendResult> => {
        const revision = defined(revisions.get(append.stream), 'revisions.get(append.stream)');
        const [last] = await this.readDecoded(this.naming.stored(append.stream), { direction: FORWARDS, fromRevision: revision, maxCount: 1 });
        assert(last !== undefined && last.revision === revision, `${append.stream}@${revision} was appended but cannot be read back`);
        return { stream: append.stream, revision, position: last.position };
      }),
    );
    const position = streams.reduce((max, s) => (s.position > max ? s.position : max), 0n);
    return { streams, position };
  }

  private async head(stream: string): Promise<Head | undefined> {
    const [last] = await this.readDecoded(this.naming.stored(stream), { direction: BACKWARDS, fromRevision: END, maxCount: 1 });
    return last === undefined ? undefined : { revision: last.revision, hash: last.hash };
  }

  private assertAt(stream: string, expected: ExpectedRevision, head: Head | undefined): void {
    const actual: StreamRevision = head === undefined ? 'no-stream' : head.revision;
    if (!matchesExpected(expected, actual)) throw new WrongExpectedRevisionError(stream, expected, actual);
  }

  /**
   * What the first attempt returned, when this append's first event id is claimed already;
   * `EventIdConflictError` when the ids were used for something else; undefined when not a retry.
   */
  private async replayIfRetried(appends: readonly StreamAppend[]): Promise<MultiAppendResult | undefined> {
    const first = appends[0]?.events[0];
    assert(first !== undefined, 'an append carries at least one event');
    if ((await this.claimOf(first.id)) === undefined) return undefined;
    const storedById = await this.storedByIds(appends.flatMap((a) => a.events.map((e) => e.id)));
    return replayOfRetriedAppend(appends, (id) => storedById.get(id));
  }

  /** Where an event id was stored, from its claim; undefined when no append holds it. */
  private async claimOf(eventId: string): Promise<{ stream: string; revision: bigint } | undefined> {
    const claimStream = this.naming.claim(eventId);
    let found: { stream: string; revision: bigint } | undefined;
    try {
      for await (const resolved of this.client.readStream(claimStream, { maxCount: 1, requiresLeader: true })) {
        const data = resolved.event?.data as { stream?: unknown; revision?: unknown } | undefined;
        if (typeof data?.stream !== 'string' || typeof data.revision !== 'string' || !/^[0-9]{1,19}$/.test(data.revision)) {
          throw new ForeignEventError(`the claim of event id ${eventId} (${claimStream}) is malformed`);
        }
        found = { stream: data.stream, revision: BigInt(data.revision) };
      }
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw this.translate(error);
    }
    return found;
  }

  /** The stored events behind the ids that are claimed, to answer a retry. */
  private async storedByIds(ids: readonly string[]): Promise<Map<string, StoredById>> {
    const found = new Map<string, StoredById>();
    for (let start = 0; start < ids.length; start += claimLookupConcurrencyMax) {
      await Promise.all(
        ids.slice(start, start + claimLookupConcurrencyMax).map(async (id) => {
          const claim = await this.claimOf(id);
          if (claim === undefined) return;
          const [event] = await this.readDecoded(this.naming.stored(claim.stream), { direction: FORWARDS, fromRevision: claim.revision, maxCount: 1 });
          // Written in one atomic append with its claim: a missing event was removed underneath.
          if (event === undefined || event.id !== id) throw new ForeignEventError(`event id ${id} is claimed by ${claim.stream}@${claim.revision}, which does not hold it`);
          found.set(id, { stream: event.stream, revision: event.revision, position: event.position, type: event.type, dataJson: event.dataJson });
        }),
      );
    }
    return found;
  }

  private async readDecoded(storedName: string, options: ClientReadStreamOptions): Promise<Decoded[]> {
    const events: Decoded[] = [];
    try {
      for await (const resolved of this.client.readStream(storedName, { ...options, requiresLeader: true })) {
        const event = this.decode(resolved);
        if (event !== undefined) events.push(event);
      }
    } catch (error) {
      // A stream never written reads as empty, as on the other stores.
      if (isNotFound(error)) return [];
      throw this.translate(error);
    }
    return events;
  }

  private async *decodedAll(afterPosition: bigint, maxCount?: number): AsyncIterable<Decoded> {
    let positionLast = afterPosition;
    let remaining = maxCount ?? Number.POSITIVE_INFINITY;
    while (remaining > 0) {
      this.assertOpen();
      // One more than wanted when starting at an event: the read includes it, and it is skipped.
      const requested = Math.min(this.readPageSize, remaining) + (positionLast === 0n ? 0 : 1);
      let received = 0;
      let yielded = 0;
      try {
        const page = this.client.readAll({
          fromPosition: positionLast === 0n ? START : decodePosition(positionLast),
          maxCount: requested,
          filter: this.filter,
          requiresLeader: true,
        });
        for await (const resolved of page) {
          received += 1;
          const event = this.decode(resolved);
          if (event === undefined || event.position <= positionLast) continue;
          yield event;
          positionLast = event.position;
          yielded += 1;
          remaining -= 1;
          if (remaining <= 0) return;
        }
      } catch (error) {
        throw this.translate(error);
      }
      if (received < requested || yielded === 0) return;
    }
  }

  /** A ledger event as read; undefined for what is not one (a link, a stream outside the prefix). */
  private decode(resolved: ResolvedEvent | AllStreamResolvedEvent): Decoded | undefined {
    const event = resolved.event;
    if (event === undefined) return undefined;
    const stream = this.naming.portName(event.streamId);
    if (stream === undefined) return undefined;
    const where = `event ${event.id} (${event.streamId}@${event.revision})`;
    if (event.position === undefined) throw new ForeignEventError(`${where} came without its log position`);
    const chained = fromRecordMetadata(event.metadata, where);
    return {
      position: encodePosition(event.position),
      id: event.id,
      stream,
      revision: event.revision,
      type: event.type,
      schemaVersion: chained.schemaVersion,
      dataJson: dataJsonOf(event.data),
      metadata: chained.metadata,
      prevHash: chained.prevHash,
      hash: chained.hash,
    };
  }

  private translate(error: unknown): unknown {
    if (error instanceof LedgerError || error instanceof ConfigError) return error;
    if (error instanceof UnsupportedError) return new KurrentDbServerTooOldError(`below ${error.minimumVersion}`);
    if (isTransient(error)) return new KurrentDbUnavailableError(error instanceof Error ? error.message : String(error));
    return error;
  }

  private isStopped(signal: AbortSignal | undefined): boolean {
    return this.closed || signal?.aborted === true;
  }

  private assertOpen(): void {
    assert(!this.closed, 'the event store is closed');
  }
}

/** The violations of a refused `appendRecords`, one per failed check; undefined for other errors. */
function violationsOf(error: unknown): readonly { streamName: string; actualState: CurrentStreamState }[] | undefined {
  if (error instanceof AppendConsistencyViolationError) return error.violations.map((v: ConsistencyViolation) => ({ streamName: v.streamName, actualState: v.actualState }));
  if (error instanceof WrongExpectedVersionError) return [{ streamName: error.streamName, actualState: error.actualState }];
  return undefined;
}

/**
 * The server's features, as the client fetched them (ServerFeatures.GetSupportedMethods) for its own
 * `supports` checks. The client keeps them behind a protected getter: read through it rather than
 * open a second gRPC channel with the same credentials.
 */
async function serverFeaturesOf(client: KurrentDBClient): Promise<ServerFeaturesView> {
  const features = (await (client as unknown as { capabilities: Promise<ServerFeaturesView | undefined> }).capabilities) as ServerFeaturesView | undefined;
  if (features === undefined || typeof features.supports !== 'function') {
    throw new ConfigError('this @kurrent/kurrentdb-client no longer reports the server features the ledger checks at start: pin @kurrent/kurrentdb-client 1.3');
  }
  return features;
}
