// A stored event as the adapters return it. Its data is parsed on first use: readers that look only at
// an event's type and position (projections skip about two events in five) pay nothing for the rest.
import type { EventMetadata, JsonObject, StoredEvent } from './event-store.js';

export class StoredEventRecord implements StoredEvent {
  private parsed: JsonObject | undefined;

  constructor(
    readonly position: bigint,
    readonly id: string,
    readonly stream: string,
    readonly revision: bigint,
    readonly type: string,
    readonly schemaVersion: number,
    private readonly dataJson: string,
    readonly metadata: EventMetadata,
    readonly prevHash: string,
    readonly hash: string,
  ) {}

  get data(): JsonObject {
    this.parsed ??= JSON.parse(this.dataJson) as JsonObject;
    return this.parsed;
  }

  /** JSON of the event as written, with its data (not the private fields). */
  toJSON(): Record<string, unknown> {
    return {
      position: this.position.toString(),
      id: this.id,
      stream: this.stream,
      revision: this.revision.toString(),
      type: this.type,
      schemaVersion: this.schemaVersion,
      data: this.data,
      metadata: this.metadata,
      prevHash: this.prevHash,
      hash: this.hash,
    };
  }
}
