// What the service and the thread projecting its SQLite read side share (see ThreadedProjector and
// projector-worker.ts): two words of memory each side reads without a message, and the settings the
// thread starts with.

/** Slots of `positions` (64-bit). */
export const positionSlot = {
  /** The read side's checkpoint, set by the thread after each batch it commits. */
  checkpoint: 0,
  /** The log's head as far as it is on disk, set by the service; -1 until it is first known. */
  durableHead: 1,
} as const;

/** Slots of `signals` (32-bit): the thread sleeps on `headMoves` between batches. */
export const signalSlot = {
  /** Counts the service's moves of the durable head. */
  headMoves: 0,
  /** 1 once the service asks the thread to stop (after the batch it is applying); a linger sleeps on it. */
  stop: 1,
} as const;

export interface ProjectorWorkerData {
  readonly eventsPath: string;
  readonly readPath: string;
  readonly batchSizeMax: number;
  /** How long a batch waits for more events once the head has moved. */
  readonly lingerMs: number;
  /** BigInt64Array of `positionSlot`s. */
  readonly positions: SharedArrayBuffer;
  /** Int32Array of `signalSlot`s. */
  readonly signals: SharedArrayBuffer;
}

/** How long the thread sleeps without news before it looks at the stop signal again. */
export const idleWaitMs = 1_000;
