// What every adapter checks of an append before writing it, and how every adapter answers a retry:
// one definition, so the stores cannot drift apart on either.
import { assert } from '../shared/assert.js';
import { EventIdConflictError, eventsPerAppendMax, type AppendResult, type MultiAppendResult, type StreamAppend, type StreamCheck } from './event-store.js';

export const streamNameLengthMax = 256;

/** Programmer errors: an append the ledger should never have built. */
export function assertWellFormed(appends: readonly StreamAppend[], checks: readonly StreamCheck[]): void {
  assert(appends.length > 0, 'an append needs at least one stream');
  const streams = new Set<string>();
  const ids = new Set<string>();
  let eventCount = 0;
  for (const { stream } of [...appends, ...checks]) {
    assert(stream.length > 0 && stream.length <= streamNameLengthMax, `stream name must be 1..${streamNameLengthMax} characters`);
    assert(!streams.has(stream), `stream ${stream} appears twice in one append`);
    streams.add(stream);
  }
  for (const append of appends) {
    assert(append.events.length > 0, `append to ${append.stream} carries no event`);
    for (const event of append.events) {
      assert(!ids.has(event.id), `event id ${event.id} appears twice in one append`);
      ids.add(event.id);
      assert(event.type.length > 0, 'an event needs a type');
      assert(Number.isInteger(event.schemaVersion) && event.schemaVersion >= 1, 'schema version must be a positive integer');
      assert(!Number.isNaN(Date.parse(event.metadata.recordedAt)), `recordedAt must be an ISO instant: ${event.metadata.recordedAt}`);
      eventCount += 1;
    }
  }
  assert(eventCount <= eventsPerAppendMax, `at most ${eventsPerAppendMax} events per append, got ${eventCount}`);
}

/** An event of the batch as the store already holds it, found by its id. */
export interface StoredById {
  readonly stream: string;
  readonly revision: bigint;
  readonly position: bigint;
  readonly type: string;
  readonly dataJson: string;
}

/**
 * A retried append finds its first event already stored: it returns what the first attempt
 * returned, provided every event of the batch is stored exactly as asked, in order; otherwise the
 * ids were reused for something else. Undefined when the first event is not stored (no retry).
 */
export function replayOfRetriedAppend(appends: readonly StreamAppend[], storedById: (id: string) => StoredById | undefined): MultiAppendResult | undefined {
  const first = appends[0]?.events[0];
  assert(first !== undefined, 'an append carries at least one event');
  if (storedById(first.id) === undefined) return undefined;
  const results: AppendResult[] = [];
  let position = 0n;
  for (const append of appends) {
    let revisionPrevious: bigint | undefined;
    let positionPrevious = 0n;
    for (const event of append.events) {
      const stored = storedById(event.id);
      if (stored === undefined) throw new EventIdConflictError(first.id, 'but not all events of this append are: a partial retry');
      if (stored.stream !== append.stream) throw new EventIdConflictError(event.id, `in stream ${stored.stream}, not ${append.stream}`);
      if (stored.type !== event.type || stored.dataJson !== JSON.stringify(event.data)) throw new EventIdConflictError(event.id, 'with a different type or data');
      if (revisionPrevious !== undefined && stored.revision !== revisionPrevious + 1n) throw new EventIdConflictError(event.id, 'but not in the order of this append');
      revisionPrevious = stored.revision;
      positionPrevious = stored.position;
    }
    assert(revisionPrevious !== undefined, 'an append carries at least one event');
    results.push({ stream: append.stream, revision: revisionPrevious, position: positionPrevious });
    if (positionPrevious > position) position = positionPrevious;
  }
  return { streams: results, position };
}
