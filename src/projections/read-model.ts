// The read model's port: what the projector needs of a read side, whichever database keeps it.
// SQLite answers synchronously (its replay speed depends on it), PostgreSQL with promises: the
// projector awaits either.
import type { ProjectedEvent } from '../event-store/event-store.js';

export type Awaitable<T> = T | Promise<T>;

export interface ReadModel {
  /** The checkpoint's name: the projection this model keeps. */
  readonly name: string;
  /** Position of the last event the read side reflects (0 when empty). */
  checkpoint(): Awaitable<bigint>;
  /**
   * Applies the events (in log order) that are after the checkpoint, and moves the checkpoint to the
   * last of them, in one transaction; events at or before the checkpoint, applied already by another
   * projector, are skipped. Returns the checkpoint after the batch.
   */
  applyBatch(events: readonly ProjectedEvent[]): Awaitable<bigint>;
  /** Empties the read side and starts a rebuild: rows may stay in memory until `endBulk`. */
  beginBulk(): Awaitable<void>;
  /** Writes what the rebuild kept in memory and marks the read side complete, in one transaction. */
  endBulk(): Awaitable<void>;
  /** Leaves a failed rebuild: nothing more is kept in memory, and the read side stays marked incomplete. */
  abortBulk(): Awaitable<void>;
  /** True when a rebuild was cut off: the read side must be rebuilt before it is used. */
  isRebuildInterrupted(): Awaitable<boolean>;
  /** Empties every read table and the checkpoint, for a replay from the start. */
  reset(): Awaitable<void>;
}

/**
 * A live batch found the read side marked incomplete: another process is rebuilding it, or a rebuild
 * was cut off. Applying the batch to half-built tables would corrupt them, so it is refused.
 */
export class ReadSideRebuildingError extends Error {
  override readonly name = 'ReadSideRebuildingError';

  constructor() {
    super('the read side is being rebuilt, or a rebuild was cut off: restart the projector once `ledger replay` has finished');
  }
}
