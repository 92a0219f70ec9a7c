// The events table's rows as the SQLite store reads them, and as verify's seal workers read them on
// threads of their own (a connection each, read only): one list of columns and one way to make a
// record of a row, whichever thread reads it.
import Database from 'better-sqlite3';
import type { EventMetadata } from '../event-metadata.js';
import type { JsonObject, ProjectedEvent } from '../event-store.js';
import type { ChainRecord } from '../hash-chain.js';
import { StoredEventRecord } from '../stored-event.js';

export const eventColumns =
  'position, id, stream, revision, type, schema_version, data, actor_id, actor_role, command_id, correlation_id, causation_id, recorded_at, prev_hash, hash, mac';

export type EventRow = [
  position: bigint,
  id: string,
  stream: string,
  revision: bigint,
  type: string,
  schemaVersion: bigint,
  data: string,
  actorId: string,
  actorRole: string,
  commandId: string,
  correlationId: string,
  causationId: string | null,
  recordedAt: string,
  prevHash: string,
  hash: string,
  mac: string | null,
];

/** An event's row, or a row that begins with one (a batch read's row carries its subquery after it). */
type RowOfEvent = EventRow | [...EventRow, ...unknown[]];

function metadataOf(row: RowOfEvent): EventMetadata {
  return {
    actorId: row[7],
    actorRole: row[8],
    commandId: row[9],
    correlationId: row[10],
    causationId: row[11],
    recordedAt: row[12],
  };
}

export function eventOf(row: RowOfEvent): StoredEventRecord {
  return new StoredEventRecord(row[0], row[1], row[2], row[3], row[4], Number(row[5]), row[6], metadataOf(row), row[13], row[14]);
}

export function chainRecordOf(row: EventRow): ChainRecord {
  return {
    position: row[0],
    id: row[1],
    stream: row[2],
    revision: row[3],
    type: row[4],
    schemaVersion: Number(row[5]),
    dataJson: row[6],
    metadata: metadataOf(row),
    prevHash: row[13],
    hash: row[14],
    mac: row[15],
  };
}

/** What the read side folds of an event: half of the row's text, and its data parsed when asked for. */
export const projectedColumns = 'position, stream, type, schema_version, data, actor_id, actor_role, recorded_at';

export type ProjectedRow = [position: bigint, stream: string, type: string, schemaVersion: bigint, data: string, actorId: string, actorRole: string, recordedAt: string];

class ProjectedEventRecord implements ProjectedEvent {
  private parsed: JsonObject | undefined;

  constructor(
    readonly position: bigint,
    readonly stream: string,
    readonly type: string,
    readonly schemaVersion: number,
    private readonly dataJson: string,
    readonly metadata: ProjectedEvent['metadata'],
  ) {}

  get data(): JsonObject {
    this.parsed ??= JSON.parse(this.dataJson) as JsonObject;
    return this.parsed;
  }
}

export function projectedEventOf(row: ProjectedRow): ProjectedEvent {
  return new ProjectedEventRecord(row[0], row[1], row[2], Number(row[3]), row[4], { actorId: row[5], actorRole: row[6], recordedAt: row[7] });
}

/** What a seal worker read of a span of the log's positions. */
export interface SpanRows {
  /** The last event before the span (none: the span starts the log). */
  readonly before: ChainRecord | undefined;
  /** The events in the span, in order. */
  readonly records: ChainRecord[];
  /** The first position after the span (null: none). */
  readonly next: bigint | null;
}

/** A seal worker's own connection to the log, read only. */
export class ChainRowReader {
  private readonly db: Database.Database;
  private readonly span: Database.Statement<[bigint, bigint], EventRow>;
  private readonly next: Database.Statement<[bigint], bigint | null>;

  constructor(path: string) {
    this.db = new Database(path, { readonly: true, fileMustExist: true });
    // From the last event at or before the span's start: the one before the span, if any. Positions
    // start at 1: as every read of the log, this one leaves out any row at 0 or below.
    this.span = this.db
      .prepare<[bigint, bigint], EventRow>(
        `SELECT ${eventColumns} FROM events
         WHERE position >= (SELECT coalesce(max(position), 1) FROM events WHERE position > 0 AND position <= ?) AND position <= ?
         ORDER BY position ASC`,
      )
      .raw(true)
      .safeIntegers(true);
    this.next = this.db.prepare<[bigint], bigint | null>('SELECT min(position) FROM events WHERE position > ?').pluck(true).safeIntegers(true);
  }

  /** The events after position `after` through `through`, the one before them, and the position after them. */
  read(after: bigint, through: bigint): SpanRows {
    const records = this.span.all(after, through).map(chainRecordOf);
    const first = records[0];
    const before = first !== undefined && first.position <= after ? first : undefined;
    return { before, records: before === undefined ? records : records.slice(1), next: this.next.get(through) ?? null };
  }

  close(): void {
    this.db.close();
  }
}
