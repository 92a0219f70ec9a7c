// Exports of the log for auditors: JSON Lines (every field, exactly), and CSV that Excel opens with
// Chinese text intact (UTF-8 with a BOM, one header row, amounts as text with two decimals).
import { stringify } from 'csv-stringify';
import type { EventStore, StoredEvent } from '../event-store/event-store.js';

export function eventAsJson(event: StoredEvent): Record<string, unknown> {
  return {
    position: event.position.toString(),
    stream: event.stream,
    revision: event.revision.toString(),
    id: event.id,
    type: event.type,
    schemaVersion: event.schemaVersion,
    data: event.data,
    metadata: event.metadata,
    prevHash: event.prevHash,
    hash: event.hash,
  };
}

export interface ExportRange {
  /** Export the events after this position. */
  readonly afterPosition?: bigint;
  readonly maxCount?: number;
}

function rangeOf(range: ExportRange): { afterPosition: bigint; maxCount?: number } {
  return { afterPosition: range.afterPosition ?? 0n, ...(range.maxCount === undefined ? {} : { maxCount: range.maxCount }) };
}

export async function* exportJsonl(store: EventStore, range: ExportRange = {}, onEvent?: (event: StoredEvent) => void): AsyncIterable<string> {
  for await (const event of store.readAll(rangeOf(range))) {
    onEvent?.(event);
    yield `${JSON.stringify(eventAsJson(event))}\n`;
  }
}

export const csvColumns = [
  'position',
  'recorded_at',
  'type',
  'stream',
  'revision',
  'actor_id',
  'actor_role',
  'command_id',
  'application_id',
  'uscc',
  'amount',
  'reason',
  'data',
  'hash',
] as const;

/** The event's main amount, if it has one: already a decimal string with two decimals. */
function amountOf(data: Record<string, unknown>): string {
  for (const field of ['amount', 'award', 'claimedTotal', 'recognizedAmount']) {
    const value = data[field];
    if (typeof value === 'string') return value;
  }
  return '';
}

export function csvRecordOf(event: StoredEvent): string[] {
  const data = event.data as Record<string, unknown>;
  const text = (value: unknown): string => (typeof value === 'string' ? value : '');
  return [
    event.position.toString(),
    event.metadata.recordedAt,
    event.type,
    event.stream,
    event.revision.toString(),
    event.metadata.actorId,
    event.metadata.actorRole,
    event.metadata.commandId,
    text(data['applicationId']),
    text(data['uscc']),
    amountOf(data),
    text(data['reason']),
    JSON.stringify(data),
    event.hash,
  ];
}

export async function* exportCsv(store: EventStore, range: ExportRange = {}, onEvent?: (event: StoredEvent) => void): AsyncIterable<string> {
  // Every field quoted, so that commas, quotes and line breaks in Chinese text stay inside their cell.
  const stringifier = stringify({ bom: true, header: true, columns: [...csvColumns], quoted: true, quoted_empty: true, record_delimiter: 'windows' });
  const feeding = (async () => {
    for await (const event of store.readAll(rangeOf(range))) {
      onEvent?.(event);
      if (!stringifier.write(csvRecordOf(event))) await new Promise((resolve) => stringifier.once('drain', resolve));
    }
    stringifier.end();
  })();
  for await (const chunk of stringifier) yield typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8');
  await feeding;
}
