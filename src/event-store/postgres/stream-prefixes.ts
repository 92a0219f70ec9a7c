// The events of streams this process has read from their first revision. Events never change once
// committed, and a stream's revisions run 0, 1, 2 … without a gap, so a read forwards needs from the
// database only what follows the events already known: a writer that reads its stream before each
// decision reads its new events, not the whole stream again. Every such read still asks the database
// for what follows (another process may have appended): what it returns is what a read of the table
// would, at the moment of that query.
//
// Bounded: at most `eventsMax` events over at most `streamsMax` streams; the stream read longest ago
// is forgotten first, and a stream longer than the bound is not kept. The records are handed to
// several readers: frozen (StoredEventRecord.share).
import { assert } from '../../shared/assert.js';
import type { StoredEventRecord } from '../stored-event.js';

export class StreamPrefixes {
  /** Newest last; each array holds revisions 0 … length − 1 of its stream. */
  private readonly streams = new Map<string, StoredEventRecord[]>();
  private eventCount = 0;

  constructor(
    private readonly eventsMax = 50_000,
    private readonly streamsMax = 10_000,
  ) {
    assert(eventsMax >= 0 && streamsMax >= 0, 'the bounds of the stream prefixes are not negative');
  }

  /** The stream's known events from revision 0, or undefined if none are kept. */
  get(stream: string): readonly StoredEventRecord[] | undefined {
    const events = this.streams.get(stream);
    if (events === undefined) return undefined;
    this.streams.delete(stream);
    this.streams.set(stream, events);
    return events;
  }

  /**
   * Adds the events that follow the stream's known ones (or its first events, or none: the stream read
   * from revision 0 has none yet). Events that do not follow on are not kept.
   */
  extend(stream: string, following: readonly StoredEventRecord[]): void {
    const known = this.streams.get(stream) ?? [];
    const first = following[0];
    if (first !== undefined && first.revision !== BigInt(known.length)) return;
    if (known.length + following.length > this.eventsMax) {
      this.forget(stream);
      return;
    }
    for (const event of following) known.push(event.share());
    this.eventCount += following.length;
    this.streams.delete(stream);
    this.streams.set(stream, known);
    while (this.eventCount > this.eventsMax || this.streams.size > this.streamsMax) {
      const oldest = this.streams.keys().next();
      if (oldest.done === true) break;
      this.forget(oldest.value);
    }
  }

  private forget(stream: string): void {
    const events = this.streams.get(stream);
    if (events === undefined) return;
    this.eventCount -= events.length;
    this.streams.delete(stream);
  }
}
