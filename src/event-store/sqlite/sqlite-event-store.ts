// The embedded store: one SQLite file (WAL, synchronous=FULL), safe for several processes at once.
// Writers may defer durability to share one disk sync among the appends that arrive together.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { assert, defined } from '../../shared/assert.js';
import { LedgerError } from '../../shared/errors.js';
import {
  AppendOptions,
  AppendResult,
  EventIdConflictError,
  EventStore,
  ExpectedRevision,
  MultiAppendResult,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  ProjectedEvent,
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
  type CheckpointTable,
  type ReadSideHost,
} from '../event-store.js';
import {
  ChainRecord,
  GENESIS_HASH,
  LogDigest,
  VerifyReport,
  computeEventHash,
  digestRecords,
  verifyRecordPages,
  type ChainFileSource,
  type ChainReadOptions,
  type RecordCheck,
  signedDigestFromText,
  type SignedDigestJson,
} from '../hash-chain.js';
import { CommitMac } from '../commit-mac.js';
import { migrate } from './migrations.js';
import { assertWellFormed, replayOfRetriedAppend } from '../append-rules.js';
import { StoredEventRecord } from '../stored-event.js';
import { chainRecordOf, eventColumns, eventOf, projectedColumns, projectedEventOf, type EventRow, type ProjectedRow } from './event-rows.js';
import { StreamHeads, type StreamHead } from './stream-heads.js';

export interface SqliteEventStoreOptions {
  /** File of the database; created with its folder on first use. `:memory:` for a private, volatile one. */
  readonly path: string;
  /** How long an append waits for another process's write lock before giving up. */
  readonly busyTimeoutMs?: number;
  /** Rows per page when reading the whole log. */
  readonly readPageSize?: number;
  /** How often a live subscription looks for events appended by other processes. */
  readonly pollIntervalMs?: number;
  /**
   * `full` (default): an append is on disk when it returns. `normal`: WAL commits are synced at
   * checkpoints only; a power loss may drop the last appends (never corrupt the file). For bulk
   * generation of synthetic histories, not for a ledger of record.
   */
  readonly durability?: 'full' | 'normal';
  /** The key every commit is MACed with (see commit-mac.ts); absent: events are written without a MAC. */
  readonly macKey?: Buffer;
}

/** The store could not be written within its time limit (another process holds the lock too long). */
export class StoreUnavailableError extends LedgerError {
  readonly code = 'STORE_UNAVAILABLE' as const;

  constructor(reason: string) {
    super(`the event store is unavailable: ${reason}`, { reason });
  }
}

// Column order of every event read; rows are read as arrays (`raw`) to skip building objects twice.
/** The highest revision a stream may have: where a backwards read starts by default. */
const revisionMax = BigInt('9223372036854775807');

/** Statements of batch reads kept prepared, one per shape (the directions of its streams). */
const batchReadShapesMax = 64;

/** A row of a batch read: an event, and the index of the subquery (the stream read) it answers. */
type BatchRow = [...EventRow, subquery: bigint];

/** What one append transaction did: its result, the data version it saw (none: a replay, nothing written), and the streams' new heads. */
interface BatchOutcome {
  readonly result: MultiAppendResult;
  readonly dataVersion: bigint | undefined;
  readonly heads: readonly [string, StreamHead][];
}

export class SqliteEventStore implements EventStore {
  readonly positionsAreDense = true;
  readonly embedded = true;

  get readSideHost(): ReadSideHost {
    return { kind: 'sqlite', database: this.database, path: this.path === ':memory:' || this.path === '' ? undefined : this.path };
  }

  private readonly db: Database.Database;
  private readonly readPageSize: number;
  private readonly pollIntervalMs: number;
  private readonly statements;
  private readonly appendBatch;
  private closed = false;
  private closing: Promise<void> | undefined;
  // Wakes this process's live subscriptions at once; other processes' appends are found by polling.
  private appendSequence = 0;
  private readonly waiters = new Set<() => void>();
  // Group commit: appends committed without a disk sync, and the one sync that will cover them.
  private readonly syncsEveryCommit: boolean;
  private notDurable = false;
  private flushing: Promise<void> | undefined;
  private failure: unknown;
  // Other connections' commits since this one's last sync: they may be deferred appends of another
  // process not yet on disk (PRAGMA data_version moves with every commit of another connection).
  // -1: what the file held at opening may hold such appends too; the first read syncs, once.
  private dataVersionSynced = -1n;
  // Heads of streams known to this connection; an append's new heads are kept once it has committed.
  private readonly heads = new StreamHeads();
  private readonly batchReads = new Map<string, Database.Statement>();
  // The write turn open on the connection, if any (see writeTurn).
  private turnOpen = false;
  private readonly commitMac: CommitMac | undefined;
  private readonly path: string;

  constructor(options: SqliteEventStoreOptions) {
    this.path = options.path;
    if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
    this.readPageSize = options.readPageSize ?? 2_000;
    assert(Number.isSafeInteger(this.readPageSize) && this.readPageSize > 0, 'readPageSize is a whole number of events, at least 1');
    this.pollIntervalMs = options.pollIntervalMs ?? 50;
    this.commitMac = options.macKey === undefined ? undefined : new CommitMac(options.macKey);
    this.db = new Database(options.path, { timeout: options.busyTimeoutMs ?? 10_000 });
    this.db.pragma('journal_mode = WAL');
    // FULL: a commit is on disk when append returns, even if the machine loses power.
    this.syncsEveryCommit = options.durability !== 'normal';
    migrate(this.db);
    // A write turn makes each append a savepoint of the turn's transaction, and SQLite keeps what a
    // savepoint needs to undo (a copy of each page it changes: its sub-journal) in memory only up to
    // 64 KiB, then in a temporary file: an approval's append (5 events) spilled into a new file every
    // turn, some 25 writes an append, and its inserts took three times as long as outside a turn.
    // Kept in memory, a sub-journal holds one append's pages at most (a savepoint is released when the
    // append returns); the statements of this connection sort nothing into temporary tables.
    this.db.pragma('temp_store = MEMORY');

    const prepare = (sql: string) => this.db.prepare(sql).safeIntegers(true);
    this.statements = {
      head: prepare('SELECT revision, hash FROM events WHERE stream = ? ORDER BY revision DESC LIMIT 1').raw(true),
      byId: prepare('SELECT stream, revision, position, type, data FROM events WHERE id = ?').raw(true),
      insert: prepare(
        `INSERT INTO events (position, id, stream, revision, type, schema_version, data, actor_id, actor_role, command_id,
           correlation_id, causation_id, recorded_at, prev_hash, hash, mac)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      // Limits are written into the statements where they are known: SQLite prepares a statement
      // again each time a parameter of its LIMIT is bound (the planner weighs the limit), which made
      // a read of a missing stream five times as slow. The usual reads (a whole stream, its last
      // event, its first, a page of the log) have statements of their own; other counts are bound.
      forwards: prepare(`SELECT ${eventColumns} FROM events WHERE stream = ? AND revision >= ? ORDER BY revision ASC LIMIT ?`).raw(true),
      backwards: prepare(`SELECT ${eventColumns} FROM events WHERE stream = ? AND revision <= ? ORDER BY revision DESC LIMIT ?`).raw(true),
      forwardsAll: prepare(`SELECT ${eventColumns} FROM events WHERE stream = ? AND revision >= ? ORDER BY revision ASC LIMIT ${streamReadCountMax}`).raw(true),
      forwardsOne: prepare(`SELECT ${eventColumns} FROM events WHERE stream = ? AND revision >= ? ORDER BY revision ASC LIMIT 1`).raw(true),
      backwardsOne: prepare(`SELECT ${eventColumns} FROM events WHERE stream = ? AND revision <= ? ORDER BY revision DESC LIMIT 1`).raw(true),
      page: prepare(`SELECT ${eventColumns} FROM events WHERE position > ? ORDER BY position ASC LIMIT ?`).raw(true),
      fullPage: prepare(`SELECT ${eventColumns} FROM events WHERE position > ? ORDER BY position ASC LIMIT ${this.readPageSize}`).raw(true),
      projectedPage: prepare(`SELECT ${projectedColumns} FROM events WHERE position > ? ORDER BY position ASC LIMIT ?`).raw(true),
      projectedFullPage: prepare(`SELECT ${projectedColumns} FROM events WHERE position > ? ORDER BY position ASC LIMIT ${this.readPageSize}`).raw(true),
      headPosition: prepare('SELECT coalesce(max(position), 0) FROM events').pluck(true),
      begin: this.db.prepare('BEGIN IMMEDIATE'),
      commit: this.db.prepare('COMMIT'),
      rollback: this.db.prepare('ROLLBACK'),
      syncOff: this.db.prepare('PRAGMA synchronous = NORMAL'),
      syncOn: this.db.prepare('PRAGMA synchronous = FULL'),
      durabilityMark: this.db.prepare('UPDATE durability_marks SET flushes = flushes + 1 WHERE id = 1'),
      dataVersion: prepare('PRAGMA data_version').pluck(true),
      checkpointAdd: prepare('INSERT OR IGNORE INTO checkpoints (position, signed) VALUES (?, ?)'),
      checkpointLast: prepare('SELECT signed FROM checkpoints ORDER BY position DESC LIMIT 1').pluck(true),
      checkpointPage: prepare(`SELECT position, signed FROM checkpoints WHERE position > ? ORDER BY position LIMIT ${this.readPageSize}`).raw(true),
    };
    // After the statements: SQLite applies PRAGMA synchronous when it prepares one (syncOn above
    // would otherwise leave every store at FULL, `normal` included).
    this.db.pragma(this.syncsEveryCommit ? 'synchronous = FULL' : 'synchronous = NORMAL');
    this.appendBatch = this.db.transaction((appends: readonly StreamAppend[], checks: readonly StreamCheck[]): BatchOutcome => {
      const replay = this.replayIfAlreadyAppended(appends);
      if (replay !== undefined) return { result: replay, dataVersion: undefined, heads: [] };
      const dataVersion = this.statements.dataVersion.get() as bigint;
      this.heads.validate(dataVersion);
      const heads: [string, StreamHead][] = [];
      for (const check of checks) this.assertAt(check.stream, check.expectedRevision, this.headOf(check.stream));
      const results: AppendResult[] = [];
      // Positions are taken under the write lock, before the insert: each event's MAC binds its position.
      let position = this.statements.headPosition.get() as bigint;
      let mac: string | null = null;
      for (const append of appends) {
        const head = this.headOf(append.stream);
        this.assertAt(append.stream, append.expectedRevision, head);
        let revision = head === undefined ? -1n : head.revision;
        let prevHash = head === undefined ? GENESIS_HASH : head.hash;
        let last: StoredEventRecord | undefined;
        for (const event of append.events) {
          revision += 1n;
          const dataJson = JSON.stringify(event.data);
          const hash = computeEventHash({ ...event, stream: append.stream, revision, dataJson, prevHash });
          position += 1n;
          mac = this.commitMac === undefined ? null : this.commitMac.of(mac, position, hash);
          const m = event.metadata;
          this.statements.insert.run(
            position,
            event.id,
            append.stream,
            revision,
            event.type,
            event.schemaVersion,
            dataJson,
            m.actorId,
            m.actorRole,
            m.commandId,
            m.correlationId,
            m.causationId,
            m.recordedAt,
            prevHash,
            hash,
            mac,
          );
          last = new StoredEventRecord(position, event.id, append.stream, revision, event.type, event.schemaVersion, dataJson, { ...m }, prevHash, hash);
          prevHash = hash;
        }
        if (last !== undefined) heads.push([append.stream, { revision, hash: prevHash, event: last }]);
        results.push({ stream: append.stream, revision, position });
      }
      return { result: { streams: results, position }, dataVersion, heads };
    });
  }

  async append(stream: string, events: readonly NewEvent[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    const result = await this.appendMulti([{ stream, expectedRevision, events }]);
    const only = result.streams[0];
    assert(only !== undefined, 'a one-stream append returns one stream');
    return only;
  }

  async appendMulti(appends: readonly StreamAppend[], checks: readonly StreamCheck[] = [], options: AppendOptions = {}): Promise<MultiAppendResult> {
    this.assertOpen();
    assertWellFormed(appends, checks);
    if (this.turnOpen) return this.appendInTurn(appends, checks);
    // Inside another transaction of this connection the append would be a savepoint, undone with it
    // after its heads were kept and its durability counted.
    assert(!this.db.inTransaction, "an append cannot run inside another transaction of the store's connection");
    const deferred = options.deferDurability === true && this.syncsEveryCommit;
    let outcome: BatchOutcome;
    try {
      // IMMEDIATE takes the write lock before reading heads: no other process can append in between.
      // Deferred: committed without a sync of its own; flush() syncs it with the others of its group.
      if (deferred) this.statements.syncOff.run();
      try {
        outcome = this.appendBatch.immediate(appends, checks);
      } finally {
        if (deferred) this.statements.syncOn.run();
      }
    } catch (error) {
      // Whatever was learnt of heads during a failed append is not trusted.
      this.heads.forgetAll();
      throw this.translate(error, appends);
    }
    const { result, dataVersion } = outcome;
    if (dataVersion === undefined) {
      // A replay, nothing written: the events returned may be a deferred append not on disk yet.
      if (!deferred) await this.flush();
      return result;
    }
    for (const [stream, head] of outcome.heads) this.heads.set(stream, head);
    if (deferred) this.notDurable = true;
    else if (this.syncsEveryCommit) {
      // A commit with its own sync puts everything before it on disk too, other connections' included.
      this.notDurable = false;
      this.dataVersionSynced = dataVersion;
    }
    this.appendSequence += 1;
    for (const wake of this.waiters) wake();
    return result;
  }

  /**
   * A turn of the command queue: one transaction (BEGIN IMMEDIATE: the write lock is held from the
   * start, so no other process appends while the turn reads and decides), each append in it a
   * savepoint, and one commit under synchronous=FULL, whose sync of the write-ahead log covers the
   * whole turn and every commit before it. Heads learnt in the turn are forgotten if it does not
   * commit: they may be of appends that never were.
   */
  async writeTurn<T>(work: () => Promise<T>): Promise<T> {
    this.assertOpen();
    assert(!this.turnOpen && !this.db.inTransaction, "a write turn cannot open inside another transaction of the store's connection");
    try {
      this.statements.begin.run();
    } catch (error) {
      throw this.translate(error, []);
    }
    this.turnOpen = true;
    let result: T;
    try {
      result = await work();
    } catch (error) {
      this.turnOpen = false;
      this.rollBackTurn();
      throw error;
    }
    this.turnOpen = false;
    try {
      // Counted as a sync, as a flush is: the file itself says how many commits were synced.
      if (this.syncsEveryCommit) this.statements.durabilityMark.run();
      this.statements.commit.run();
    } catch (error) {
      this.rollBackTurn();
      throw this.syncFailed(error);
    }
    if (this.syncsEveryCommit) {
      this.notDurable = false;
      this.dataVersionSynced = this.statements.dataVersion.get() as bigint;
    }
    this.appendSequence += 1;
    for (const wake of this.waiters) wake();
    return result;
  }

  /** Undoes a turn (SQLite may have undone it already, after a failed commit): none of its heads were. */
  private rollBackTurn(): void {
    this.heads.forgetAll();
    if (this.db.inTransaction) this.statements.rollback.run();
  }

  /** An append inside a write turn: a savepoint of the turn's transaction, on disk with the turn. */
  private appendInTurn(appends: readonly StreamAppend[], checks: readonly StreamCheck[]): MultiAppendResult {
    let outcome: BatchOutcome;
    try {
      outcome = this.appendBatch(appends, checks);
    } catch (error) {
      this.heads.forgetAll();
      throw this.translate(error, appends);
    }
    for (const [stream, head] of outcome.heads) this.heads.set(stream, head);
    return outcome.result;
  }

  /**
   * One disk sync for every append committed with deferred durability so far, here or by another
   * process on the file: taken once the appends that arrived together have been committed (the
   * event loop's check phase), by a commit of one small row under synchronous=FULL, whose sync of
   * the write-ahead log covers every commit before it. A failed sync stops the store: nothing after
   * it may claim to be on disk. A sync that only waited too long for the write lock is refused, and
   * tried again by the next flush.
   */
  flush(): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.unavailable());
    if (this.closed) return Promise.reject(new StoreUnavailableError('the event store is closed'));
    if (!this.mayBeNotDurable()) return Promise.resolve();
    this.flushing ??= new Promise<void>((resolve, reject) => {
      setImmediate(() => {
        this.flushing = undefined;
        if (this.failure !== undefined) return reject(this.unavailable());
        if (this.closed) return reject(new StoreUnavailableError('the event store was closed before its last appends were synced'));
        const pending = this.notDurable;
        try {
          this.notDurable = false;
          this.db
            .transaction(() => {
              // Under the write lock: no other connection commits until this sync is done.
              this.dataVersionSynced = this.statements.dataVersion.get() as bigint;
              this.statements.durabilityMark.run();
            })
            .immediate();
          resolve();
        } catch (error) {
          this.notDurable = pending || this.notDurable;
          reject(this.syncFailed(error));
        }
      });
    });
    return this.flushing;
  }

  /** Appends committed here, or commits of another connection, that no sync is known to cover. */
  private mayBeNotDurable(): boolean {
    return this.notDurable || (this.syncsEveryCommit && (this.statements.dataVersion.get() as bigint) !== this.dataVersionSynced);
  }

  /**
   * Readers other than a writer see only what is on disk: they wait for the sync under way. Called
   * with no await between it and the read, so nothing can be committed in between.
   */
  private mustWaitForDisk(): boolean {
    this.assertOpen();
    assert(!this.turnOpen, 'a read of what is on disk cannot run while a write turn is open on the connection');
    return this.failure !== undefined || this.mayBeNotDurable();
  }

  /**
   * Reads only what is on disk. This process's deferred appends are waited for first (their sync
   * comes with the group). Another process may commit between that check and the read, so what was
   * read may hold its appends before their sync: then the read is made again under the write lock,
   * where nothing else commits, and the commit that ends it syncs everything it read.
   */
  private async durableRead<T>(read: () => T): Promise<T> {
    while (this.mustWaitForDisk()) await this.flush();
    const result = read();
    if (!this.mayBeNotDurable()) return result;
    try {
      return this.db
        .transaction(() => {
          const again = read();
          this.dataVersionSynced = this.statements.dataVersion.get() as bigint;
          this.statements.durabilityMark.run();
          return again;
        })
        .immediate();
    } catch (error) {
      throw this.syncFailed(error);
    } finally {
      // The commit synced this process's deferred appends too, if it went through.
      if (this.failure === undefined && (this.statements.dataVersion.get() as bigint) === this.dataVersionSynced) this.notDurable = false;
    }
  }

  /** A sync that only waited too long for the write lock is refused, to be tried again; any other failure stops the store. */
  private syncFailed(error: unknown): StoreUnavailableError {
    if ((error as { code?: unknown })?.code === 'SQLITE_BUSY') {
      return new StoreUnavailableError('another process held the write lock past the busy timeout; appends are not yet known to be on disk');
    }
    this.failure = error;
    return this.unavailable();
  }

  private unavailable(): StoreUnavailableError {
    return new StoreUnavailableError(`a sync to disk failed (${this.failure instanceof Error ? this.failure.message : String(this.failure)}); restart the service`);
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    this.assertOpen();
    const maxCount = options.maxCount ?? streamReadCountMax;
    assert(Number.isInteger(maxCount) && maxCount >= 0 && maxCount <= streamReadCountMax, `maxCount must be 0..${streamReadCountMax}`);
    const read = (): StoredEvent[] => {
      this.heads.validate(this.statements.dataVersion.get() as bigint);
      return this.known(stream, options, maxCount) ?? this.readFromFile(stream, options, maxCount);
    };
    return options.forWriter === true ? read() : this.durableRead(read);
  }

  /**
   * The streams the heads known here do not answer are read in one statement: one subquery per
   * stream, each with its own order and limit, their rows told apart by the subquery's index.
   */
  async readStreams(reads: readonly StreamRead[], options: Pick<ReadStreamOptions, 'forWriter'> = {}): Promise<StoredEvent[][]> {
    this.assertOpen();
    assertStreamReads(reads);
    const read = (): StoredEvent[][] => {
      this.heads.validate(this.statements.dataVersion.get() as bigint);
      const results = reads.map((r) => this.known(r.stream, r, r.maxCount ?? streamReadCountMax));
      const asked = reads.flatMap((r, i) => (results[i] === undefined ? [i] : []));
      const only = asked[0];
      if (asked.length === 1 && only !== undefined) {
        const r = defined(reads[only], 'the one read asked');
        results[only] = this.readFromFile(r.stream, r, r.maxCount ?? streamReadCountMax);
      } else if (asked.length > 1) {
        const shapes = asked.map((i) => {
          const r = defined(reads[i], 'a read asked');
          const maxCount = r.maxCount ?? streamReadCountMax;
          return { backwards: r.direction === 'backwards', limit: maxCount === 1 || maxCount === streamReadCountMax ? maxCount : undefined };
        });
        const rows = this.batchReadOf(shapes).all(
          ...asked.flatMap((i, k) => {
            const r = defined(reads[i], 'a read asked');
            const { backwards, limit } = defined(shapes[k], 'the shape of a read');
            const from = r.fromRevision ?? (backwards ? revisionMax : 0n);
            return limit === undefined ? [r.stream, from, r.maxCount ?? streamReadCountMax] : [r.stream, from];
          }),
        ) as BatchRow[];
        const bySubquery = asked.map((): StoredEventRecord[] => []);
        for (const row of rows) defined(bySubquery[Number(row[16])], 'the subquery of a row').push(eventOf(row));
        for (const [k, events] of bySubquery.entries()) {
          const i = defined(asked[k], 'the read of a subquery');
          const r = defined(reads[i], 'a read asked');
          const backwards = r.direction === 'backwards';
          // Each subquery is ordered; the order of rows across a compound select is not promised.
          events.sort((a, b) => (a.revision === b.revision ? 0 : a.revision < b.revision !== backwards ? -1 : 1));
          const learnt = StreamHeads.learnt(events, r, r.maxCount ?? streamReadCountMax);
          if (learnt !== undefined) this.heads.set(r.stream, learnt);
          results[i] = events;
        }
      }
      return results.map((events) => defined(events, 'every read answered'));
    };
    return options.forWriter === true ? read() : this.durableRead(read);
  }

  /** A read answered from the stream's known head, where that is enough (see StreamHeads.answer). */
  private known(stream: string, options: ReadStreamOptions, maxCount: number): StoredEvent[] | undefined {
    const head = this.heads.get(stream);
    return head === undefined ? undefined : StreamHeads.answer(head, options, maxCount);
  }

  /** A read of the file; what it shows of the stream's head is learnt. */
  private readFromFile(stream: string, options: ReadStreamOptions, maxCount: number): StoredEvent[] {
    const rows = this.streamRows(stream, options.direction === 'backwards', options.fromRevision, maxCount);
    const events = rows.map(eventOf);
    const learnt = StreamHeads.learnt(events, options, maxCount);
    if (learnt !== undefined) this.heads.set(stream, learnt);
    return events;
  }

  /** A stream's rows from the file, by the statement whose limit is written in it where there is one. */
  private streamRows(stream: string, backwards: boolean, fromRevision: bigint | undefined, maxCount: number): EventRow[] {
    const s = this.statements;
    if (backwards) {
      const from = fromRevision ?? revisionMax;
      return (maxCount === 1 ? s.backwardsOne.all(stream, from) : s.backwards.all(stream, from, maxCount)) as EventRow[];
    }
    const from = fromRevision ?? 0n;
    if (maxCount === streamReadCountMax) return s.forwardsAll.all(stream, from) as EventRow[];
    return (maxCount === 1 ? s.forwardsOne.all(stream, from) : s.forwards.all(stream, from, maxCount)) as EventRow[];
  }

  /** The statement of a batch read of streams read in these directions, prepared once per shape. */
  private batchReadOf(shapes: readonly { backwards: boolean; limit: number | undefined }[]): Database.Statement {
    const shape = shapes.map(({ backwards, limit }) => `${backwards ? 'b' : 'f'}${limit ?? '?'}`).join(',');
    let statement = this.batchReads.get(shape);
    if (statement === undefined) {
      // A limit is written in where usual (see the statements above), else bound.
      const subqueries = shapes.map(
        ({ backwards: b, limit }, i) =>
          `SELECT * FROM (SELECT ${eventColumns}, ${i} AS k FROM events WHERE stream = ? AND revision ${b ? '<=' : '>='} ? ORDER BY revision ${b ? 'DESC' : 'ASC'} LIMIT ${limit ?? '?'})`,
      );
      statement = this.db.prepare(subqueries.join(' UNION ALL ')).safeIntegers(true).raw(true);
      // Shapes are few (a use case reads its streams the same way each time); a bound all the same.
      if (this.batchReads.size >= batchReadShapesMax) this.batchReads.clear();
      this.batchReads.set(shape, statement);
    }
    return statement;
  }

  async streamRevision(stream: string): Promise<StreamRevision> {
    return (
      (
        await this.durableRead(() => {
          this.heads.validate(this.statements.dataVersion.get() as bigint);
          return this.headOf(stream);
        })
      )?.revision ?? 'no-stream'
    );
  }

  async *readAll(options: ReadAllOptions = {}): AsyncIterable<StoredEvent> {
    for await (const rows of this.pages(options.afterPosition ?? 0n, options.maxCount)) {
      for (const row of rows) yield eventOf(row);
    }
  }

  async *readAllProjected(options: ReadAllOptions = {}): AsyncIterable<ProjectedEvent> {
    for await (const rows of this.pages<ProjectedRow>(options.afterPosition ?? 0n, options.maxCount, {
      full: this.statements.projectedFullPage,
      bounded: this.statements.projectedPage,
    })) {
      for (const row of rows) yield projectedEventOf(row);
    }
  }

  async *subscribe(options: SubscribeOptions = {}): AsyncIterable<StoredEvent> {
    let positionLast = options.afterPosition ?? 0n;
    const signal = options.signal;
    while (!this.isStopped(signal)) {
      const sequenceSeen = this.appendSequence;
      const from = positionLast;
      const rows = await this.durableRead(() => this.statements.fullPage.all(from) as EventRow[]);
      for (const row of rows) {
        yield eventOf(row);
        positionLast = row[0];
        if (this.isStopped(signal)) return;
      }
      if (rows.length === 0 && sequenceSeen === this.appendSequence) await this.nextAppend(signal);
    }
  }

  /**
   * The log's head each time it moves, once it is on disk: at once after this process's appends
   * (after their sync), by polling for other processes'. A reader elsewhere (a projector on another
   * thread reading the file itself) reads no further than this, and so never projects an event a
   * power cut could still take back.
   */
  async *durableHeads(options: { readonly signal?: AbortSignal } = {}): AsyncIterable<bigint> {
    let last = -1n;
    while (!this.isStopped(options.signal)) {
      const sequenceSeen = this.appendSequence;
      const head = await this.headPosition();
      if (head !== last) {
        last = head;
        yield head;
      }
      if (sequenceSeen === this.appendSequence) await this.nextAppend(options.signal);
    }
  }

  async headPosition(): Promise<bigint> {
    return this.durableRead(() => this.statements.headPosition.get() as bigint);
  }

  async digest(): Promise<LogDigest> {
    return digestRecords(this.chainRecords());
  }

  readonly checkpoints: CheckpointTable = {
    add: async (checkpoint) => {
      this.assertOpen();
      return this.statements.checkpointAdd.run(BigInt(checkpoint.position), JSON.stringify(checkpoint)).changes === 1;
    },
    last: async () => {
      const text = await this.durableRead(() => this.statements.checkpointLast.get() as string | undefined);
      return text === undefined ? undefined : signedDigestFromText(text);
    },
    all: () => this.allCheckpoints(),
  };

  private async *allCheckpoints(): AsyncIterable<SignedDigestJson> {
    let after = -1n;
    for (;;) {
      const from = after;
      const rows = await this.durableRead(() => this.statements.checkpointPage.all(from) as [bigint, string][]);
      for (const [, text] of rows) {
        const signed = signedDigestFromText(text);
        if (signed !== undefined) yield signed;
      }
      const last = rows[rows.length - 1];
      if (last === undefined || rows.length < this.readPageSize) return;
      after = last[0];
    }
  }

  async *readChain(options: ChainReadOptions = {}): AsyncIterable<ChainRecord> {
    for await (const rows of this.pages(options.afterPosition ?? 0n, options.maxCount)) {
      for (const row of rows) yield chainRecordOf(row);
    }
  }

  async *readChainPages(options: ChainReadOptions = {}): AsyncIterable<readonly ChainRecord[]> {
    for await (const rows of this.pages(options.afterPosition ?? 0n, options.maxCount)) yield rows.map(chainRecordOf);
  }

  chainFile(): ChainFileSource | undefined {
    // A database in memory (or a temporary one) is this connection's alone: no other thread can open it.
    if (this.path === ':memory:' || this.path === '') return undefined;
    // The head is read as every read is: after this process's deferred appends are on disk.
    return { headPosition: () => this.headPosition(), sqlitePath: this.path, spanPositions: this.readPageSize };
  }

  async verify(
    digest?: LogDigest | readonly LogDigest[],
    onProgress?: (eventsChecked: number, position: bigint) => void,
    recordChecks?: readonly RecordCheck[],
  ): Promise<VerifyReport> {
    return verifyRecordPages(this.readChainPages(), {
      positionsAreDense: this.positionsAreDense,
      ...(digest === undefined ? {} : { digest }),
      ...(onProgress === undefined ? {} : { onProgress }),
      ...(recordChecks === undefined ? {} : { recordChecks }),
    });
  }

  async ping(): Promise<void> {
    this.assertOpen();
    this.db.prepare('SELECT 1').get();
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      // Appends already committed reach the disk before the file is closed.
      for (let attempt = 0; attempt < 3 && this.notDurable && this.failure === undefined; attempt += 1) await this.flush().catch(() => undefined);
      this.closed = true;
      for (const wake of this.waiters) wake();
      this.db.close();
    })();
    return this.closing;
  }

  /** The log as hashed, for verification: the stored data text, not parsed. */
  private async *chainRecords(): AsyncIterable<ChainRecord> {
    for await (const rows of this.pages(0n)) {
      for (const row of rows) yield chainRecordOf(row);
    }
  }

  /** Pages of the log's rows; `statements`: those that read a page of these columns (a full one with its size written in). */
  private async *pages<Row extends [bigint, ...unknown[]] = EventRow>(
    afterPosition: bigint,
    maxCount?: number,
    statements = { full: this.statements.fullPage, bounded: this.statements.page },
  ): AsyncIterable<Row[]> {
    let positionLast = afterPosition;
    let remaining = maxCount ?? Number.POSITIVE_INFINITY;
    while (remaining > 0) {
      const [from, count] = [positionLast, Math.min(this.readPageSize, remaining)];
      const rows = await this.durableRead(() => (count === this.readPageSize ? statements.full.all(from) : statements.bounded.all(from, count)) as Row[]);
      const last = rows[rows.length - 1];
      if (last === undefined) return;
      yield rows;
      positionLast = last[0];
      remaining -= rows.length;
      if (rows.length < this.readPageSize) return;
    }
  }

  private nextAppend(signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, this.pollIntervalMs);
      this.waiters.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  /** The stream's head, known or read (and then known); the caller has validated the heads. */
  private headOf(stream: string): { revision: bigint; hash: string } | undefined {
    const known = this.heads.get(stream);
    if (known !== undefined) return known ?? undefined;
    const row = this.statements.head.get(stream) as [bigint, string] | undefined;
    const head = row === undefined ? null : { revision: row[0], hash: row[1], event: undefined };
    this.heads.set(stream, head);
    return head ?? undefined;
  }

  private assertAt(stream: string, expected: ExpectedRevision, head: { revision: bigint } | undefined): void {
    const actual: StreamRevision = head === undefined ? 'no-stream' : head.revision;
    if (!matchesExpected(expected, actual)) throw new WrongExpectedRevisionError(stream, expected, actual);
  }

  private replayIfAlreadyAppended(appends: readonly StreamAppend[]): MultiAppendResult | undefined {
    return replayOfRetriedAppend(appends, (id) => {
      const row = this.statements.byId.get(id) as [string, bigint, bigint, string, string] | undefined;
      return row === undefined ? undefined : { stream: row[0], revision: row[1], position: row[2], type: row[3], dataJson: row[4] };
    });
  }

  private translate(error: unknown, appends: readonly StreamAppend[]): unknown {
    // By name, not instanceof: the error may come from another copy of the module or another realm.
    const { name, code, message } = (typeof error === 'object' && error !== null ? error : {}) as Record<string, unknown>;
    if (name === 'SqliteError') {
      if (code === 'SQLITE_CONSTRAINT_UNIQUE' && typeof message === 'string' && message.includes('events.id')) {
        const ids = appends.flatMap((a) => a.events.map((e) => e.id));
        const taken = ids.find((id) => this.statements.byId.get(id) !== undefined) ?? ids[0] ?? '?';
        return new EventIdConflictError(taken, 'by another append');
      }
      if (code === 'SQLITE_BUSY') return new StoreUnavailableError('another process held the write lock past the busy timeout');
    }
    return error;
  }

  private isStopped(signal: AbortSignal | undefined): boolean {
    return this.closed || signal?.aborted === true;
  }

  /** The connection, for a read side kept in the same database (transactions beside the events). */
  get database(): Database.Database {
    return this.db;
  }

  private assertOpen(): void {
    assert(!this.closed, 'the event store is closed');
    if (this.failure !== undefined) throw this.unavailable();
  }
}
