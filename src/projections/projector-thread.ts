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
  /** 1 once the service asks the thread to stop (after the batch it is applying). */
  stop: 1,
  /**
   * What cuts a linger short (`lingerCut` bits): a caller waiting for a position the read side has
   * not reached, or the service stopping the thread. A linger sleeps on this slot while it is 0, so a
   * cut that comes just before the sleep begins is not missed.
   */
  lingerCut: 2,
} as const;

/** Bits of the `lingerCut` slot. */
export const lingerCut = { callerWaiting: 1, stopping: 2 } as const;

export interface ProjectorWorkerData {
  readonly eventsPath: string;
  readonly readPath: string;
  readonly batchSizeMax: number;
  /** How long a batch waits for more events once the head has moved, while no caller waits for it. */
  readonly lingerMs: number;
  /** BigInt64Array of `positionSlot`s. */
  readonly positions: SharedArrayBuffer;
  /** Int32Array of `signalSlot`s. */
  readonly signals: SharedArrayBuffer;
}

/** How long the thread sleeps without news before it looks at the stop signal again. */
export const idleWaitMs = 1_000;

/**
 * The thread's linger (see ProjectorOptions.lingerMs): longer than the calling thread's 2 ms, since a
 * caller waiting for its own write cuts it short. Under a stream of commands a batch then holds a few
 * turns' events instead of one's, and the read side's commits and page writes are spread over more.
 */
export const threadLingerMs = 10;
