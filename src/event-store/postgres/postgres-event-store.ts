// The PostgreSQL store. Appends take no lock on the whole store: each takes a transaction-scoped lock
// per stream it writes or checks (always in one order, so that two appends never wait for each other
// in a cycle), checks the streams' revisions under them, and numbers its events from a sequence. An
// append that waits on a stream's lock sees, once it has it, every event its holder committed.
//
// A sequence hands out positions in one order but they commit in another: a reader that read position
// N could later find N − 1 committed behind it. So every append, with its positions, takes a shared
// lock keyed by the first, held until it ends; a reader reads only below the lowest such key of the
// appends in flight (ledger_events_after below). Whatever lies below it is final: committed and
// visible, or never to be written. See docs/postgres.md.
//
// The commit MAC (commit-mac.ts) covers each event's position, and is made with a key the database
// never sees: an append is two round trips, one that locks, checks and takes the positions, one that
// writes the events hashed and MACed and commits.
// Live subscriptions are woken by NOTIFY, and poll as a bound on lag if a notification is lost.
import { PostgresUnavailableError } from '../store-unavailable.js';
import { createHash } from 'node:crypto';
import pg from 'pg';
import { assert, defined } from '../../shared/assert.js';
import { LedgerError } from '../../shared/errors.js';
import {
  AppendResult,
  EventIdConflictError,
  EventMetadata,
  EventStore,
  ExpectedRevision,
  MultiAppendResult,
  describeRevision,
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
  type ReadSideHost,
} from '../event-store.js';
import { StoredEventRecord } from '../stored-event.js';
import { assertWellFormed, replayOfRetriedAppend } from '../append-rules.js';
import {
  ChainRecord,
  GENESIS_HASH,
  LogDigest,
  VerifyReport,
  RecordCheck,
  computeEventHash,
  digestRecords,
  verifyRecordPages,
  type ChainReadOptions,
  signedDigestFromText,
  type SignedDigestJson,
} from '../hash-chain.js';
import { CommitMac } from '../commit-mac.js';
import { StreamPrefixes } from './stream-prefixes.js';
import type { CheckpointTable } from '../event-store.js';

export interface PostgresEventStoreOptions {
  readonly connectionString: string;
  /** Schema holding the ledger's tables (created if missing). */
  readonly schema?: string;
  readonly poolSizeMax?: number;
  readonly readPageSize?: number;
  /** Longest a live subscription waits before looking for new events if no notification came. */
  readonly pollIntervalMs?: number;
  /** The key every commit is MACed with (see commit-mac.ts); absent: events are written without a MAC. */
  readonly macKey?: Buffer;
}

export { PostgresUnavailableError } from '../store-unavailable.js';

const notifyChannel = 'ledger_events';

const migrations: readonly { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'events',
    sql: `
      CREATE TABLE events (
        position        BIGINT PRIMARY KEY,
        id              TEXT   NOT NULL UNIQUE,
        stream          TEXT   NOT NULL,
        revision        BIGINT NOT NULL,
        type            TEXT   NOT NULL,
        schema_version  INTEGER NOT NULL,
        data            TEXT   NOT NULL,
        actor_id        TEXT   NOT NULL,
        actor_role      TEXT   NOT NULL,
        command_id      TEXT   NOT NULL,
        correlation_id  TEXT   NOT NULL,
        causation_id    TEXT,
        recorded_at     TEXT   NOT NULL,
        prev_hash       TEXT   NOT NULL,
        hash            TEXT   NOT NULL,
        UNIQUE (stream, revision)
      );
      -- Events are never updated or deleted: corrections are new events (SPEC §5, invariant 4).
      CREATE FUNCTION events_are_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'events are immutable: record a correcting event instead'; END $$;
      CREATE TRIGGER events_are_immutable BEFORE UPDATE OR DELETE ON events FOR EACH ROW EXECUTE FUNCTION events_are_immutable();
      CREATE TRIGGER events_are_not_truncated BEFORE TRUNCATE ON events FOR EACH STATEMENT EXECUTE FUNCTION events_are_immutable();
    `,
  },
  {
    version: 2,
    name: 'commit MACs and signed checkpoints',
    // The MAC column is written by the insert that writes the event (commit-mac.ts); events before it
    // have none. Checkpoints are signed rows beside the log (audit/checkpointer.ts), append only.
    sql: `
      ALTER TABLE events ADD COLUMN mac TEXT;
      CREATE TABLE checkpoints (position BIGINT PRIMARY KEY, signed TEXT NOT NULL);
      CREATE TRIGGER checkpoints_are_immutable BEFORE UPDATE OR DELETE ON checkpoints FOR EACH ROW EXECUTE FUNCTION events_are_immutable();
    `,
  },
  {
    version: 3,
    name: 'positions from a sequence, locks per stream',
    // The sequence goes on from the highest position written under the store-wide lock of versions 1
    // and 2. Both functions run as several statements, each with a snapshot of its own: a statement
    // that follows a lock sees what the lock's last holder committed.
    sql: `
      CREATE SEQUENCE event_positions;
      SELECT setval('event_positions', coalesce((SELECT max(position) FROM events), 0) + 1, false);

      -- A number of 0..2^32 − 1 as the int4 of the same 32 bits, as advisory locks' two-key form takes them.
      CREATE FUNCTION ledger_int4(bits bigint) RETURNS integer LANGUAGE sql IMMUTABLE AS
        'SELECT (CASE WHEN bits >= 2147483648 THEN bits - 4294967296 ELSE bits END)::integer';

      -- Locks the streams, returns the events already stored with any of the ids (a retry: nothing
      -- more is done), else the streams' heads, and, when every stream is at the revision expected,
      -- the first of the append's positions.
      CREATE FUNCTION ledger_begin_append(stream_lock_space integer, position_lock_space integer, position_lock_key bigint, streams text[], expected text[], ids text[], event_count integer)
      RETURNS TABLE (kind text, id text, stream text, revision bigint, "position" bigint, type text, data text, hash text)
      LANGUAGE plpgsql AS $$
      #variable_conflict use_column
      DECLARE
        stream_key integer;
        moved boolean;
        first_position bigint;
      BEGIN
        FOR stream_key IN SELECT DISTINCT hashtext(s) FROM unnest(streams) AS s ORDER BY 1 LOOP
          PERFORM pg_advisory_xact_lock(stream_lock_space, stream_key);
        END LOOP;
        RETURN QUERY SELECT 'event'::text, e.id, e.stream, e.revision, e.position, e.type, e.data, NULL::text FROM events e WHERE e.id = ANY(ids);
        IF FOUND THEN RETURN; END IF;
        RETURN QUERY SELECT 'head'::text, NULL::text, s.name, h.revision, NULL::bigint, NULL::text, NULL::text, h.hash
          FROM unnest(streams) AS s(name)
          JOIN LATERAL (SELECT e.revision, e.hash FROM events e WHERE e.stream = s.name ORDER BY e.revision DESC LIMIT 1) h ON true;
        SELECT coalesce(bool_or(CASE x.wanted
                 WHEN 'any' THEN false
                 WHEN 'no-stream' THEN h.revision IS NOT NULL
                 WHEN 'stream-exists' THEN h.revision IS NULL
                 ELSE h.revision IS DISTINCT FROM x.wanted::bigint END), false)
          INTO moved
          FROM unnest(streams, expected) AS x(name, wanted)
          LEFT JOIN LATERAL (SELECT e.revision FROM events e WHERE e.stream = x.name ORDER BY e.revision DESC LIMIT 1) h ON true;
        IF moved THEN RETURN; END IF;
        -- The positions of one append follow each other (its commit's MACs run through them), and its
        -- shared lock keyed by the first is taken with them: appends take them one at a time, under a lock
        -- held for three calls and released before anything waits or commits, which readers take too.
        PERFORM pg_advisory_lock(position_lock_key);
        first_position := nextval('event_positions');
        IF event_count > 1 THEN PERFORM setval('event_positions', first_position + event_count - 1); END IF;
        PERFORM pg_advisory_xact_lock_shared(ledger_int4((position_lock_space::bigint + (first_position >> 32)) % 4294967296), ledger_int4(first_position % 4294967296));
        PERFORM pg_advisory_unlock(position_lock_key);
        RETURN QUERY SELECT 'position'::text, NULL::text, NULL::text, NULL::bigint, first_position, NULL::text, NULL::text, NULL::text;
      END $$;

      -- The events after a position that no append in flight can still write behind: below the lowest
      -- first position of the appends in flight (the key of the shared lock each holds until it ends:
      -- its high bits added to the schema's lock space, its low 32 bits the second key), looked at under
      -- the lock appends take their positions under, so that none is between the two.
      CREATE FUNCTION ledger_events_after(position_lock_space integer, position_lock_key bigint, after bigint, count_max integer) RETURNS SETOF events
      LANGUAGE plpgsql AS $$
      DECLARE
        in_flight bigint;
      BEGIN
        PERFORM pg_advisory_lock(position_lock_key);
        SELECT min((((l.classid::bigint - position_lock_space::bigint) % 4294967296 + 4294967296) % 4294967296 << 32) | l.objid::bigint) INTO in_flight
          FROM pg_locks l
          WHERE l.locktype = 'advisory' AND l.objsubid = 2
            AND ((l.classid::bigint - position_lock_space::bigint) % 4294967296 + 4294967296) % 4294967296 < 16
            AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database());
        PERFORM pg_advisory_unlock(position_lock_key);
        RETURN QUERY SELECT * FROM events e
          WHERE e.position > after AND (in_flight IS NULL OR e.position < in_flight)
          ORDER BY e.position LIMIT count_max;
      END $$;
    `,
  },
  {
    version: 4,
    name: 'plans made for each call',
    // A PL/pgSQL function keeps the plans of its statements for the life of the connection: planned
    // while the log was small, the look-ups by id and by stream stayed sequential scans as it grew (a
    // 10-event append took 8.8 ms at 20,000 events instead of 0.9). Planned for each call, they use the
    // indexes at any size.
    sql: `
      ALTER FUNCTION ledger_begin_append(integer, integer, bigint, text[], text[], text[], integer) SET plan_cache_mode = force_custom_plan;
      ALTER FUNCTION ledger_events_after(integer, bigint, bigint, integer) SET plan_cache_mode = force_custom_plan;
    `,
  },
  {
    version: 5,
    name: 'stream locks released on refusal',
    // Version 3 held a stream's lock until the transaction ended: an append refused under it (the
    // stream had moved) kept every append behind it waiting for one more round trip, its ROLLBACK, and
    // ten callers racing on one stream were refused one round trip at a time. Here the stream locks are
    // session locks: released by the function itself when it refuses or finds a retry, and by the
    // append right after its COMMIT (in the same round trip) when it writes. Locks of both versions
    // share their keys, so a process of either waits for the other's.
    //
    // An append that cannot take its locks at once first looks, without them, at whether it is already
    // refused for good (its ids stored; a stream past the revision it expects, or existing where it
    // expects none): heads only move forward, so that answer cannot change, and it need not wait for
    // an append in flight to be told so. Otherwise it waits for the locks and decides under them.
    //
    // The caller gives the streams' lock keys (ledgerStreamKeys below), in the order they are taken.
    // No SQL-language helper on this path: PostgreSQL plans their bodies again at every call. The
    // function's statements are planned once per connection, not at every call as in version 4 (a
    // third of the function's time), and to use the indexes whatever the size of the log: every look-up
    // it makes has one, and a plan made while the log was small must not scan it whole once it is not.
    sql: `
      CREATE FUNCTION ledger_reserve_append(stream_lock_space integer, position_lock_space integer, position_lock_key bigint, streams text[], expected text[], ids text[], event_count integer, stream_keys integer[])
      RETURNS TABLE (kind text, id text, stream text, revision bigint, "position" bigint, type text, data text, hash text)
      LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan SET enable_seqscan = off AS $$
      #variable_conflict use_column
      DECLARE
        stream_key integer;
        held integer := 0;
        locked boolean := true;
        refused boolean := false;
        moved boolean := false;
        first_position bigint;
        found_row record;
      BEGIN
        FOREACH stream_key IN ARRAY stream_keys LOOP
          EXIT WHEN NOT pg_try_advisory_lock(stream_lock_space, stream_key);
          held := held + 1;
        END LOOP;
        IF held < cardinality(stream_keys) THEN
          refused := EXISTS (SELECT FROM events e WHERE e.id = ANY(ids))
            OR EXISTS (SELECT FROM unnest(streams, expected) AS x(name, wanted)
                 JOIN LATERAL (SELECT e.revision FROM events e WHERE e.stream = x.name ORDER BY e.revision DESC LIMIT 1) h ON true
                 WHERE CASE x.wanted WHEN 'any' THEN false WHEN 'stream-exists' THEN false WHEN 'no-stream' THEN true ELSE h.revision > x.wanted::bigint END);
          IF refused THEN
            -- Answered below without the locks: what refused it stays so.
            PERFORM pg_advisory_unlock(stream_lock_space, k) FROM unnest(stream_keys[1:held]) AS k;
            locked := false;
          ELSE
            FOR i IN held + 1 .. cardinality(stream_keys) LOOP
              PERFORM pg_advisory_lock(stream_lock_space, stream_keys[i]);
            END LOOP;
          END IF;
        END IF;
        -- One statement, with a snapshot of its own taken after the locks: it sees whatever their
        -- previous holders committed. The events stored with the ids (a retry), and the streams' heads.
        FOR found_row IN
          SELECT 'event'::text AS kind, e.id, e.stream, e.revision, e.position, e.type, e.data, NULL::text AS hash, false AS off
            FROM events e WHERE e.id = ANY(ids)
          UNION ALL
          SELECT 'head'::text, NULL::text, x.name, h.revision, NULL::bigint, NULL::text, NULL::text, h.hash,
                 CASE x.wanted
                   WHEN 'any' THEN false
                   WHEN 'no-stream' THEN h.revision IS NOT NULL
                   WHEN 'stream-exists' THEN h.revision IS NULL
                   ELSE h.revision IS DISTINCT FROM x.wanted::bigint END
            FROM unnest(streams, expected) AS x(name, wanted)
            LEFT JOIN LATERAL (SELECT e.revision, e.hash FROM events e WHERE e.stream = x.name ORDER BY e.revision DESC LIMIT 1) h ON true
        LOOP
          moved := moved OR found_row.kind = 'event' OR found_row.off;
          IF found_row.kind = 'event' OR found_row.revision IS NOT NULL THEN
            kind := found_row.kind; id := found_row.id; stream := found_row.stream; revision := found_row.revision;
            "position" := found_row.position; type := found_row.type; data := found_row.data; hash := found_row.hash;
            RETURN NEXT;
          END IF;
        END LOOP;
        IF moved OR NOT locked THEN
          IF locked THEN PERFORM pg_advisory_unlock(stream_lock_space, k) FROM unnest(stream_keys) AS k; END IF;
          RETURN;
        END IF;
        -- As in ledger_begin_append: positions and the shared lock keyed by the first, taken together.
        PERFORM pg_advisory_lock(position_lock_key);
        first_position := nextval('event_positions');
        IF event_count > 1 THEN PERFORM setval('event_positions', first_position + event_count - 1); END IF;
        PERFORM pg_advisory_xact_lock_shared(ledger_int4((position_lock_space::bigint + (first_position >> 32)) % 4294967296), ledger_int4(first_position % 4294967296));
        PERFORM pg_advisory_unlock(position_lock_key);
        kind := 'position'; id := NULL; stream := NULL; revision := NULL; "position" := first_position; type := NULL; data := NULL; hash := NULL;
        RETURN NEXT;
      END $$;
    `,
  },
];

const eventColumns =
  'position, id, stream, revision, type, schema_version, data, actor_id, actor_role, command_id, correlation_id, causation_id, recorded_at, prev_hash, hash, mac';

/** The columns of an event as readers of events see it (the MAC is for the verifier alone). */
const readColumns = 'position, id, stream, revision, type, schema_version, data, actor_id, actor_role, command_id, correlation_id, causation_id, recorded_at, prev_hash, hash';

interface EventRow {
  position: string;
  id: string;
  stream: string;
  revision: string;
  type: string;
  schema_version: number;
  data: string;
  actor_id: string;
  actor_role: string;
  command_id: string;
  correlation_id: string;
  causation_id: string | null;
  recorded_at: string;
  prev_hash: string;
  hash: string;
  mac: string | null;
}

/** An events row as the append writes it (JSON to json_populate_recordset): as it is read. */
type InsertRow = EventRow;

/** An events row as readers of events read it (readColumns). */
type ReadRow = Omit<EventRow, 'mac'>;

/** A position given to an append that failed: filled by an event of this type, in a stream of its own. */
const skippedPositionType = 'PositionSkipped';
const skippedPositionStream = '$position-skipped-';

function isSkippedPosition(row: EventRow): boolean {
  return row.type === skippedPositionType && row.stream.startsWith(skippedPositionStream);
}

/** One row of the append's look-up: a stored event with one of the ids, a stream's head, or the append's first position. */
interface LookupRow {
  kind: 'event' | 'head' | 'position';
  id: string | null;
  stream: string;
  revision: string;
  position: string | null;
  type: string | null;
  data: string | null;
  hash: string | null;
}

function metadataOf(row: ReadRow): EventMetadata {
  return {
    actorId: row.actor_id,
    actorRole: row.actor_role,
    commandId: row.command_id,
    correlationId: row.correlation_id,
    causationId: row.causation_id,
    recordedAt: row.recorded_at,
  };
}

function eventOf(row: ReadRow): StoredEventRecord {
  return new StoredEventRecord(BigInt(row.position), row.id, row.stream, BigInt(row.revision), row.type, row.schema_version, row.data, metadataOf(row), row.prev_hash, row.hash);
}

function chainRecordOf(row: EventRow): ChainRecord {
  return {
    position: BigInt(row.position),
    id: row.id,
    stream: row.stream,
    revision: BigInt(row.revision),
    type: row.type,
    schemaVersion: row.schema_version,
    dataJson: row.data,
    metadata: metadataOf(row),
    prevHash: row.prev_hash,
    hash: row.hash,
    mac: row.mac,
  };
}

/** Whether the error is the server's answer on a connection still open (a SQLSTATE not of a lost connection or a shutdown). */
function answeredByServer(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && !code.startsWith('08') && !code.startsWith('57P');
}

/** A text[] literal of the values, each quoted by the client's own escaping. */
function textArrayOf(client: pg.ClientBase, values: readonly string[]): string {
  return `ARRAY[${values.map((v) => client.escapeLiteral(v)).join(', ')}]::text[]`;
}

/** The keys of the streams' locks (ledger_reserve_append), as SQL: distinct, in the order they are taken. */
function ledgerStreamKeys(client: pg.ClientBase, streams: readonly string[]): string {
  const only = streams.length === 1 ? streams[0] : undefined;
  return only !== undefined ? `ARRAY[hashtext(${client.escapeLiteral(only)})]` : `ARRAY(SELECT DISTINCT hashtext(s) FROM unnest(${textArrayOf(client, streams)}) AS s ORDER BY 1)`;
}

function quoteIdentifier(name: string): string {
  assert(/^[a-z_][a-z0-9_]{0,62}$/.test(name), `schema name must be a lower-case identifier: ${name}`);
  return `"${name}"`;
}

export class PostgresEventStore implements EventStore {
  readonly positionsAreDense = true;

  private readonly pool: pg.Pool;
  private readonly readPageSize: number;
  private readonly pollIntervalMs: number;
  private readonly schema: string;
  /**
   * The advisory locks of appends, one set per schema so that ledgers in other schemas neither wait
   * nor hold readers back: the space of the streams' locks, that of the appends' first positions, and
   * the key of the lock positions are taken under.
   */
  private readonly streamLockSpace: number;
  private readonly positionLockSpace: number;
  private readonly positionLockKey: string;
  private listener: pg.Client | undefined;
  private listening: Promise<void> | undefined;
  private closed = false;
  private appendSequence = 0;
  private readonly waiters = new Set<() => void>();
  private readonly commitMac: CommitMac | undefined;
  private readonly prefixes = new StreamPrefixes();

  private constructor(private readonly options: PostgresEventStoreOptions) {
    this.schema = options.schema ?? 'ledger';
    this.commitMac = options.macKey === undefined ? undefined : new CommitMac(options.macKey);
    this.readPageSize = options.readPageSize ?? 2_000;
    this.pollIntervalMs = options.pollIntervalMs ?? 250;
    this.streamLockSpace = createHash('sha256').update(`ledger-streams:${this.schema}`).digest().readInt32BE(0);
    this.positionLockSpace = createHash('sha256').update(`ledger-positions:${this.schema}`).digest().readInt32BE(0);
    this.positionLockKey = createHash('sha256').update(`ledger-taking-positions:${this.schema}`).digest().readBigInt64BE(0).toString();
    this.pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.poolSizeMax ?? 10,
      options: `-c search_path=${quoteIdentifier(this.schema)}`,
    });
    // An idle client's error (the server restarting) must not take the process down.
    this.pool.on('error', () => undefined);
  }

  /** Connects, creates the schema if needed and applies the missing migrations. */
  static async open(options: PostgresEventStoreOptions): Promise<PostgresEventStore> {
    const store = new PostgresEventStore(options);
    await store.migrate();
    return store;
  }

  private async migrate(): Promise<void> {
    const client = await this.connect();
    try {
      // One process migrates at a time, whatever the number starting together.
      await client.query('SELECT pg_advisory_lock(hashtext($1))', [`ledger-migrations-${this.schema}`]);
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(this.schema)}`);
      await client.query('CREATE TABLE IF NOT EXISTS ledger_schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())');
      const { rows } = await client.query<{ version: number | null }>('SELECT max(version) AS version FROM ledger_schema_migrations');
      const current = rows[0]?.version ?? 0;
      const known = Math.max(...migrations.map((m) => m.version));
      if (current > known) throw new Error(`the database's schema is at version ${current}, newer than this build knows (${known}): upgrade the service`);
      for (const migration of migrations) {
        if (migration.version <= current) continue;
        await client.query('BEGIN');
        await client.query(migration.sql);
        await client.query('INSERT INTO ledger_schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
        await client.query('COMMIT');
      }
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', [`ledger-migrations-${this.schema}`]).catch(() => undefined);
      client.release();
    }
  }

  private async connect(): Promise<pg.PoolClient> {
    try {
      return await this.pool.connect();
    } catch (error) {
      throw new PostgresUnavailableError(error instanceof Error ? error.message : String(error));
    }
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
    const client = await this.connect();
    // An error from the server may have come between taking and releasing the lock on positions, or
    // while the streams' locks are held: the connection is then closed, not returned to the pool, which
    // releases whatever it held.
    let connectionBroken = false;
    /** Whether this append holds its streams' locks (session locks: they outlive a ROLLBACK). */
    let streamsLocked = false;
    /** The rows of the append once it holds positions: written as skipped if it fails. */
    let reserved: readonly InsertRow[] | undefined;
    try {
      const found = await this.beginAppend(client, appends, checks);
      streamsLocked = found.some((r) => r.kind === 'position');
      const stored = found.filter((r) => r.kind === 'event');
      const replay = this.replayIfAlreadyAppended(appends, stored);
      if (replay !== undefined) {
        assert(!streamsLocked, 'a retry is not given positions');
        this.endRefused(client);
        return replay;
      }
      // Some of the ids are stored, but not the first: ids reused, not a retry.
      const reused = stored[0];
      if (reused !== undefined) throw new EventIdConflictError(defined(reused.id, 'reused.id'), 'by another append');
      const heads = new Map(found.filter((r) => r.kind === 'head').map((r) => [r.stream, { revision: BigInt(r.revision), hash: defined(r.hash, 'r.hash') }]));
      for (const check of checks) this.assertAt(check.stream, check.expectedRevision, heads.get(check.stream));
      for (const append of appends) this.assertAt(append.stream, append.expectedRevision, heads.get(append.stream));
      const first = found.find((r) => r.kind === 'position');
      assert(first !== undefined, 'an append at the revisions expected is given positions');
      let position = BigInt(defined(first.position, 'first.position')) - 1n;
      const rows: InsertRow[] = [];
      const results: AppendResult[] = [];
      let mac: string | null = null;
      for (const append of appends) {
        const streamHead = heads.get(append.stream);
        let revision = streamHead === undefined ? -1n : streamHead.revision;
        let prevHash = streamHead === undefined ? GENESIS_HASH : streamHead.hash;
        for (const event of append.events) {
          revision += 1n;
          position += 1n;
          const row = this.insertRow(event, append.stream, revision, position, prevHash, mac);
          rows.push(row);
          mac = row.mac;
          prevHash = row.hash;
        }
        results.push({ stream: append.stream, revision, position });
      }
      reserved = rows;
      // One round trip: the rows travel as one JSON text, and the commit goes with them.
      // The streams' locks are released after the COMMIT, once its events are visible to the next holder.
      // Each key once is enough: two streams with one key (hashtext collides) hold it once, and the
      // second release of it is a warning, not an error.
      const unlocks = [...appends, ...checks].map((a) => `pg_advisory_unlock(${this.streamLockSpace}, hashtext(${client.escapeLiteral(a.stream)}))`);
      // Subscribers are notified after the COMMIT, in a transaction of its own: PostgreSQL holds a lock
      // of the whole server from a notifying transaction's commit until its disk flush, and appends
      // that notified in their own transaction committed one at a time. The notification need not be
      // on disk (none survives a restart): its transaction does not wait for a flush.
      await client.query(
        `INSERT INTO events (${eventColumns}) SELECT ${eventColumns} FROM json_populate_recordset(NULL::events, ${client.escapeLiteral(JSON.stringify(rows))});
         COMMIT;
         SELECT ${unlocks.join(', ')};
         BEGIN; SET LOCAL synchronous_commit = off; SELECT pg_notify('${notifyChannel}', ''); COMMIT`,
      );
      streamsLocked = false;
      this.appendSequence += 1;
      for (const wake of this.waiters) wake();
      return { streams: results, position };
    } catch (error) {
      connectionBroken = streamsLocked || !(error instanceof LedgerError);
      // The failed transaction still holds its positions' lock, and so readers below them, until it is
      // rolled back: the skipped positions are written first, and no reader ever passes them empty.
      // Not where the connection was lost: its transaction has ended, and readers may have passed them.
      if (reserved !== undefined && answeredByServer(error)) await this.recordSkipped(reserved).catch(() => undefined);
      if (!connectionBroken) this.endRefused(client);
      throw this.translate(error, appends);
    } finally {
      client.release(connectionBroken);
    }
  }

  /**
   * Ends the transaction of an append refused (or found already made) by ledger_reserve_append, which
   * holds no lock by then and wrote nothing: the caller is answered without waiting for the ROLLBACK,
   * which the connection sends before anything its next user asks.
   */
  private endRefused(client: pg.PoolClient): void {
    client.query('ROLLBACK').catch(() => undefined);
  }

  /** An event as the append inserts it: hashed onto its stream, MACed onto its commit. */
  private insertRow(event: NewEvent, stream: string, revision: bigint, position: bigint, prevHash: string, macPrevious: string | null): InsertRow {
    const dataJson = JSON.stringify(event.data);
    const hash = computeEventHash({ ...event, stream, revision, dataJson, prevHash });
    const m = event.metadata;
    return {
      position: position.toString(),
      id: event.id,
      stream,
      revision: revision.toString(),
      type: event.type,
      schema_version: event.schemaVersion,
      data: dataJson,
      actor_id: m.actorId,
      actor_role: m.actorRole,
      command_id: m.commandId,
      correlation_id: m.correlationId,
      causation_id: m.causationId,
      recorded_at: m.recordedAt,
      prev_hash: prevHash,
      hash,
      mac: this.commitMac === undefined ? null : this.commitMac.of(macPrevious, position, hash),
    };
  }

  /**
   * Fills the positions of an append that failed after it was given them with events that say so,
   * each in a stream of its own, hashed and MACed as any commit: positions stay dense, so that a
   * missing one is still evidence of removal. Readers of events skip them; the chain keeps them.
   */
  private async recordSkipped(failed: readonly InsertRow[]): Promise<void> {
    const first = defined(failed[0], 'failed[0]').position;
    const rows: InsertRow[] = [];
    let mac: string | null = null;
    for (const { position } of failed) {
      const row = this.insertRow(
        {
          id: `${skippedPositionStream}${position}`,
          type: skippedPositionType,
          schemaVersion: 1,
          data: { failedAppendFrom: first },
          metadata: {
            actorId: 'ledger',
            actorRole: 'system',
            commandId: `skipped-${first}`,
            correlationId: `skipped-${first}`,
            causationId: null,
            recordedAt: new Date().toISOString(),
          },
        },
        `${skippedPositionStream}${position}`,
        0n,
        BigInt(position),
        GENESIS_HASH,
        mac,
      );
      rows.push(row);
      mac = row.mac;
    }
    // A connection of its own, not one of the pool's: the pool's may all be taken by appends waiting
    // on the failed append's stream locks, which it releases only once this is written.
    const client = new pg.Client({ connectionString: this.options.connectionString, options: `-c search_path=${quoteIdentifier(this.schema)}` });
    await client.connect();
    try {
      await client.query(`INSERT INTO events (${eventColumns}) SELECT ${eventColumns} FROM json_populate_recordset(NULL::events, $1::json)`, [JSON.stringify(rows)]);
    } finally {
      await client.end();
    }
  }

  /**
   * Opens the append's transaction and, in the same round trip, locks its streams and looks them up
   * (ledger_begin_append): the events stored with its ids, or its streams' heads and its first position.
   */
  private async beginAppend(client: pg.PoolClient, appends: readonly StreamAppend[], checks: readonly StreamCheck[]): Promise<LookupRow[]> {
    const streams = [...appends, ...checks];
    const ids = appends.flatMap((a) => a.events.map((e) => e.id));
    const names = textArrayOf(
      client,
      streams.map((s) => s.stream),
    );
    const expected = textArrayOf(
      client,
      streams.map((s) => describeRevision(s.expectedRevision)),
    );
    const keys = ledgerStreamKeys(
      client,
      streams.map((s) => s.stream),
    );
    const results = (await client.query(
      `BEGIN;
       SELECT * FROM ledger_reserve_append(${this.streamLockSpace}, ${this.positionLockSpace}, ${this.positionLockKey}, ${names}, ${expected}, ${textArrayOf(client, ids)}, ${ids.length}, ${keys})`,
    )) as unknown as pg.QueryResult<LookupRow>[];
    return defined(results[1], 'the result of ledger_reserve_append').rows;
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    this.assertOpen();
    const maxCount = options.maxCount ?? streamReadCountMax;
    assert(Number.isInteger(maxCount) && maxCount >= 0 && maxCount <= streamReadCountMax, `maxCount must be 0..${streamReadCountMax}`);
    if (options.direction === 'backwards') {
      const { rows } = await this.query<ReadRow>(`SELECT ${readColumns} FROM events WHERE stream = $1 AND revision <= $2 ORDER BY revision DESC LIMIT $3`, [
        stream,
        (options.fromRevision ?? 9223372036854775807n).toString(),
        maxCount,
      ]);
      return rows.map(eventOf);
    }
    const from = options.fromRevision ?? 0n;
    // The events already known from the stream's start (none known: a read from the start learns them).
    const prefix = this.prefixes.get(stream) ?? (from === 0n ? [] : undefined);
    const known = prefix === undefined || from >= BigInt(prefix.length) ? [] : prefix.slice(Number(from), Number(from) + maxCount);
    if (known.length === maxCount) return known;
    const after = prefix === undefined ? from : from > BigInt(prefix.length) ? from : BigInt(prefix.length);
    const { rows } = await this.query<ReadRow>(`SELECT ${readColumns} FROM events WHERE stream = $1 AND revision >= $2 ORDER BY revision ASC LIMIT $3`, [
      stream,
      after.toString(),
      maxCount - known.length,
    ]);
    const read = rows.map(eventOf);
    if (prefix !== undefined && after === BigInt(prefix.length)) this.prefixes.extend(stream, read);
    return known.length === 0 ? read : [...known, ...read];
  }

  /**
   * Several streams in one query: one row per read (its stream, first revision, count and direction)
   * and, laterally, that read's events in its order, each labelled with the read it answers.
   */
  async readStreams(reads: readonly StreamRead[]): Promise<StoredEvent[][]> {
    this.assertOpen();
    assertStreamReads(reads);
    if (reads.length === 0) return [];
    const backwards = reads.map((r) => r.direction === 'backwards');
    const { rows } = await this.query<EventRow & { read: string }>(
      `SELECT e.*, r.read FROM unnest($1::text[], $2::bigint[], $3::int[], $4::boolean[]) WITH ORDINALITY AS r (stream, from_revision, max_count, backwards, read)
       CROSS JOIN LATERAL (
         (SELECT ${eventColumns} FROM events WHERE stream = r.stream AND NOT r.backwards AND revision >= r.from_revision ORDER BY revision ASC LIMIT r.max_count)
         UNION ALL
         (SELECT ${eventColumns} FROM events WHERE stream = r.stream AND r.backwards AND revision <= r.from_revision ORDER BY revision DESC LIMIT r.max_count)
       ) e`,
      [
        reads.map((r) => r.stream),
        reads.map((r, i) => (r.fromRevision ?? (backwards[i] === true ? 9223372036854775807n : 0n)).toString()),
        reads.map((r) => r.maxCount ?? streamReadCountMax),
        backwards,
      ],
    );
    const results = reads.map((): StoredEvent[] => []);
    for (const row of rows) defined(results[Number(row.read) - 1], 'the read a row answers').push(eventOf(row));
    // Each read's events in its own order: the order of rows across the reads is not promised.
    for (const [i, events] of results.entries()) events.sort((a, b) => (a.revision === b.revision ? 0 : a.revision < b.revision !== backwards[i] ? -1 : 1));
    return results;
  }

  async streamRevision(stream: string): Promise<StreamRevision> {
    this.assertOpen();
    const { rows } = await this.query<{ revision: string }>('SELECT revision FROM events WHERE stream = $1 ORDER BY revision DESC LIMIT 1', [stream]);
    return rows[0] === undefined ? 'no-stream' : BigInt(rows[0].revision);
  }

  async *readAll(options: ReadAllOptions = {}): AsyncIterable<StoredEvent> {
    for await (const rows of this.pages(options.afterPosition ?? 0n, options.maxCount)) {
      for (const row of rows) if (!isSkippedPosition(row)) yield eventOf(row);
    }
  }

  async *subscribe(options: SubscribeOptions = {}): AsyncIterable<StoredEvent> {
    await this.listen();
    let positionLast = options.afterPosition ?? 0n;
    const signal = options.signal;
    while (!this.isStopped(signal)) {
      const sequenceSeen = this.appendSequence;
      const { rows } = await this.query<EventRow>(`SELECT ${eventColumns} FROM ledger_events_after($1, $2, $3, $4)`, [
        this.positionLockSpace,
        this.positionLockKey,
        positionLast.toString(),
        this.readPageSize,
      ]);
      for (const row of rows) {
        if (this.isStopped(signal)) return;
        if (!isSkippedPosition(row)) yield eventOf(row);
        positionLast = BigInt(row.position);
      }
      if (rows.length === 0 && sequenceSeen === this.appendSequence) await this.nextAppend(signal);
    }
  }

  async headPosition(): Promise<bigint> {
    const { rows } = await this.query<{ position: string }>('SELECT coalesce(max(position), 0) AS position FROM events');
    return BigInt(defined(rows[0], 'rows[0]').position);
  }

  async digest(): Promise<LogDigest> {
    return digestRecords(this.chainRecords());
  }

  async *readChain(options: ChainReadOptions = {}): AsyncIterable<ChainRecord> {
    for await (const rows of this.pages(options.afterPosition ?? 0n, options.maxCount)) {
      for (const row of rows) yield chainRecordOf(row);
    }
  }

  async *readChainPages(options: ChainReadOptions = {}): AsyncIterable<readonly ChainRecord[]> {
    for await (const rows of this.pages(options.afterPosition ?? 0n, options.maxCount)) yield rows.map(chainRecordOf);
  }

  readonly checkpoints: CheckpointTable = {
    add: async (checkpoint) => {
      const { rowCount } = await this.query('INSERT INTO checkpoints (position, signed) VALUES ($1, $2) ON CONFLICT (position) DO NOTHING', [
        checkpoint.position,
        JSON.stringify(checkpoint),
      ]);
      return rowCount === 1;
    },
    last: async () => {
      const { rows } = await this.query<{ signed: string }>('SELECT signed FROM checkpoints ORDER BY position DESC LIMIT 1');
      return rows[0] === undefined ? undefined : signedDigestFromText(rows[0].signed);
    },
    all: () => this.allCheckpoints(),
  };

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
    await this.query('SELECT 1');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const wake of this.waiters) wake();
    await this.listener?.end().catch(() => undefined);
    await this.pool.end();
  }

  /** The pool, for a read side kept in the same database. */
  get readSideHost(): ReadSideHost {
    return { kind: 'postgres', pool: this.pool };
  }

  get connectionPool(): pg.Pool {
    return this.pool;
  }

  private async query<R extends pg.QueryResultRow>(sql: string, values: unknown[] = []): Promise<pg.QueryResult<R>> {
    this.assertOpen();
    try {
      return await this.pool.query<R>(sql, values);
    } catch (error) {
      if (error instanceof Error && /ECONNREFUSED|terminating connection|Connection terminated/.test(error.message)) throw new PostgresUnavailableError(error.message);
      throw error;
    }
  }

  private async *chainRecords(): AsyncIterable<ChainRecord> {
    for await (const rows of this.pages(0n)) {
      for (const row of rows) yield chainRecordOf(row);
    }
  }

  private async *allCheckpoints(): AsyncIterable<SignedDigestJson> {
    let after = '-1';
    for (;;) {
      const { rows } = await this.query<{ position: string; signed: string }>('SELECT position, signed FROM checkpoints WHERE position > $1 ORDER BY position LIMIT $2', [
        after,
        this.readPageSize,
      ]);
      for (const row of rows) {
        const signed = signedDigestFromText(row.signed);
        if (signed !== undefined) yield signed;
      }
      const last = rows[rows.length - 1];
      if (last === undefined || rows.length < this.readPageSize) return;
      after = last.position;
    }
  }

  private async *pages(afterPosition: bigint, maxCount?: number): AsyncIterable<EventRow[]> {
    let positionLast = afterPosition;
    let remaining = maxCount ?? Number.POSITIVE_INFINITY;
    while (remaining > 0) {
      const { rows } = await this.query<EventRow>(`SELECT ${eventColumns} FROM ledger_events_after($1, $2, $3, $4)`, [
        this.positionLockSpace,
        this.positionLockKey,
        positionLast.toString(),
        Math.min(this.readPageSize, remaining),
      ]);
      const last = rows[rows.length - 1];
      if (last === undefined) return;
      yield rows;
      positionLast = BigInt(last.position);
      remaining -= rows.length;
      if (rows.length < this.readPageSize) return;
    }
  }

  /** One LISTEN connection per store, shared by its subscriptions; polling covers a lost one. */
  private listen(): Promise<void> {
    this.listening ??= (async () => {
      const client = new pg.Client({ connectionString: this.options.connectionString });
      client.on('error', () => {
        this.listener = undefined;
        this.listening = undefined;
      });
      client.on('notification', () => {
        this.appendSequence += 1;
        for (const wake of this.waiters) wake();
      });
      await client.connect();
      await client.query(`LISTEN ${notifyChannel}`);
      this.listener = client;
    })().catch(() => {
      // Without notifications, subscriptions still see new events within the poll interval.
      this.listening = undefined;
    });
    return this.listening;
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

  private assertAt(stream: string, expected: ExpectedRevision, head: { revision: bigint } | undefined): void {
    const actual: StreamRevision = head === undefined ? 'no-stream' : head.revision;
    if (!matchesExpected(expected, actual)) throw new WrongExpectedRevisionError(stream, expected, actual);
  }

  private replayIfAlreadyAppended(appends: readonly StreamAppend[], stored: readonly LookupRow[]): MultiAppendResult | undefined {
    const byId = new Map(stored.map((r) => [defined(r.id, 'r.id'), r]));
    return replayOfRetriedAppend(appends, (id) => {
      const row = byId.get(id);
      return row === undefined
        ? undefined
        : {
            stream: row.stream,
            revision: BigInt(row.revision),
            position: BigInt(defined(row.position, 'row.position')),
            type: defined(row.type, 'row.type'),
            dataJson: defined(row.data, 'row.data'),
          };
    });
  }

  private translate(error: unknown, appends: readonly StreamAppend[]): unknown {
    if (error instanceof LedgerError) return error;
    const { code, constraint } = (typeof error === 'object' && error !== null ? error : {}) as Record<string, unknown>;
    if (code === '23505' && constraint === 'events_id_key') {
      return new EventIdConflictError(appends[0]?.events[0]?.id ?? '?', 'by another append');
    }
    if (typeof code === 'string' && code.startsWith('08')) return new PostgresUnavailableError(String((error as Error).message));
    return error;
  }

  private isStopped(signal: AbortSignal | undefined): boolean {
    return this.closed || signal?.aborted === true;
  }

  private assertOpen(): void {
    assert(!this.closed, 'the event store is closed');
  }
}
