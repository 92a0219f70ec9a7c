// The last event of each stream this connection has seen, so that a writer's reads of a stream it
// already knows cost no query: "nothing after revision r", "the last event". Kept only while no other
// connection has committed (PRAGMA data_version moves with every such commit, and never with this
// connection's own): then everything is forgotten at once, and learnt again from the file.
import { RecentMap } from '../../shared/recent-map.js';
import type { ReadStreamOptions, StoredEvent } from '../event-store.js';
import type { StoredEventRecord } from '../stored-event.js';

/** A stream's head as known: its revision and hash, and its last event if it was read or written here. */
export interface StreamHead {
  readonly revision: bigint;
  readonly hash: string;
  readonly event: StoredEventRecord | undefined;
}

/** `null`: the stream is known not to exist. */
export type KnownHead = StreamHead | null;

export class StreamHeads {
  private readonly heads: RecentMap<string, KnownHead>;
  private dataVersion = -1n;

  constructor(streamsMax = 20_000) {
    this.heads = new RecentMap(streamsMax);
  }

  /** Forgets every head if another connection has committed since they were learnt. */
  validate(dataVersion: bigint): void {
    if (dataVersion === this.dataVersion) return;
    this.heads.clear();
    this.dataVersion = dataVersion;
  }

  get(stream: string): KnownHead | undefined {
    return this.heads.get(stream);
  }

  /** The head used least recently is forgotten when full. The event is handed out again: frozen. */
  set(stream: string, head: KnownHead): void {
    head?.event?.share();
    this.heads.set(stream, head);
  }

  forgetAll(): void {
    this.heads.clear();
  }

  /**
   * A read of one stream answered from its known head, if the head alone answers it: a stream that
   * does not exist, nothing at or after the revision asked, or only the last event. Undefined: ask
   * the file.
   */
  static answer(head: KnownHead, options: ReadStreamOptions, maxCount: number): StoredEvent[] | undefined {
    if (head === null || maxCount === 0) return [];
    if (options.direction === 'backwards') {
      if (options.fromRevision !== undefined && options.fromRevision < head.revision) return undefined;
      return maxCount === 1 && head.event !== undefined ? [head.event] : undefined;
    }
    const from = options.fromRevision ?? 0n;
    if (head.revision < from) return [];
    return head.revision === from && head.event !== undefined ? [head.event] : undefined;
  }

  /** What a read of the file shows of the stream's head, if it reached the head. */
  static learnt(events: readonly StoredEventRecord[], options: ReadStreamOptions, maxCount: number): KnownHead | undefined {
    if (options.direction === 'backwards') {
      if (options.fromRevision !== undefined || maxCount === 0) return undefined;
      const first = events[0];
      return first === undefined ? null : { revision: first.revision, hash: first.hash, event: first };
    }
    if (events.length >= maxCount) return undefined;
    const last = events[events.length - 1];
    if (last !== undefined) return { revision: last.revision, hash: last.hash, event: last };
    return (options.fromRevision ?? 0n) === 0n ? null : undefined;
  }
}
