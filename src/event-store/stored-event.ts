// A stored event as the adapters return it. Its data is parsed on first use: readers that look only at
// an event's type and position (projections skip about two events in five) pay nothing for the rest.
import type { EventMetadata, JsonObject, StoredEvent } from './event-store.js';

/** A parsed JSON value frozen through and through. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

export class StoredEventRecord implements StoredEvent {
  private parsed: JsonObject | undefined;
  private shared = false;

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
    if (this.parsed === undefined) {
      this.parsed = JSON.parse(this.dataJson) as JsonObject;
      if (this.shared) deepFreeze(this.parsed);
    }
    return this.parsed;
  }

  /**
   * The same record is handed to several readers (a store's cache of stream heads): its data, once
   * parsed, and its metadata are frozen, so that no reader can change what the others see.
   */
  share(): this {
    this.shared = true;
    Object.freeze(this.metadata);
    if (this.parsed !== undefined) deepFreeze(this.parsed);
    return this;
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
