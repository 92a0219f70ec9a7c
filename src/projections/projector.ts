// Feeds the read side from the store: catches up in batches from its checkpoint, then follows the log
// live. Each batch and its checkpoint commit together (see ReadModel.applyBatch), in SQLite or in
// PostgreSQL alike.
import type { EventStore, ProjectedEvent } from '../event-store/event-store.js';
import type { ReadModel } from './read-model.js';

export interface ProjectorOptions {
  /**
   * Events per transaction while catching up. Small batches are faster, not slower: their events die
   * young, and the garbage collector's cost, not SQLite's, dominated replays with batches of 20,000
   * (1M events: 6.4 s at 20,000, 4.4 s at 2,000, with a third less memory).
   */
  readonly batchSizeMax?: number;
  /**
   * How long a live batch may wait for more events before it is committed. A projector on a thread
   * of its own waits only while no caller waits for a position (see ThreadedProjector.hurry).
   */
  readonly lingerMs?: number;
}

export const projectorDefaults = { batchSizeMax: 2_000, lingerMs: 2 } as const;

export class Projector {
  private readonly batchSizeMax: number;
  private readonly lingerMs: number;
  private controller: AbortController | undefined;
  private running: Promise<void> | undefined;
  private readonly waiters = new Set<() => void>();
  /** Callers of waitFor not yet answered. */
  private waiting = 0;
  protected failure: unknown;
  /**
   * The checkpoint as of the last batch this projector committed (or read): callers read the position
   * synchronously, and a PostgreSQL read side cannot answer synchronously.
   */
  protected checkpointKnown = 0n;

  constructor(
    private readonly store: EventStore,
    readonly model: ReadModel,
    options: ProjectorOptions = {},
  ) {
    this.batchSizeMax = options.batchSizeMax ?? projectorDefaults.batchSizeMax;
    this.lingerMs = options.lingerMs ?? projectorDefaults.lingerMs;
    const checkpoint = model.checkpoint();
    // An asynchronous read side is read by `refresh`, which opening a read side calls.
    if (typeof checkpoint === 'bigint') this.checkpointKnown = checkpoint;
  }

  /** Position of the last event the read side reflects. */
  get position(): bigint {
    return this.checkpointKnown;
  }

  /** Reads the checkpoint again from the read side (another process may have moved it). */
  async refresh(): Promise<bigint> {
    this.checkpointKnown = await this.model.checkpoint();
    this.wake();
    return this.checkpointKnown;
  }

  /** Applies everything in the log now, in batches; returns the checkpoint reached. */
  async catchUp(onProgress?: (position: bigint) => void): Promise<bigint> {
    await this.refresh();
    for (;;) {
      const batch: ProjectedEvent[] = [];
      const page = { afterPosition: this.position, maxCount: this.batchSizeMax };
      for await (const event of this.store.readAllProjected?.(page) ?? this.store.readAll(page)) batch.push(event);
      if (batch.length === 0) return this.position;
      await this.apply(batch);
      onProgress?.(this.position);
    }
  }

  /** Empties the read side and rebuilds it from the first event (in bulk: see ReadModel.beginBulk). */
  async rebuild(onProgress?: (position: bigint) => void): Promise<bigint> {
    await this.model.beginBulk();
    let position: bigint;
    try {
      position = await this.catchUp(onProgress);
      await this.model.endBulk();
    } catch (error) {
      await this.model.abortBulk();
      throw error;
    }
    this.wake();
    return position;
  }

  /** Catches up, first finishing a rebuild that a crash cut off. */
  async resume(onProgress?: (position: bigint) => void): Promise<bigint> {
    return (await this.model.isRebuildInterrupted()) ? this.rebuild(onProgress) : this.catchUp(onProgress);
  }

  /** Follows the log live until stopped. */
  start(): void {
    if (this.running !== undefined) return;
    const controller = new AbortController();
    this.controller = controller;
    this.running = this.follow(controller.signal).catch((error: unknown) => {
      this.failure = error;
      this.wake();
    });
  }

  async stop(): Promise<void> {
    this.controller?.abort();
    await this.running;
    this.running = undefined;
    this.controller = undefined;
  }

  /** Resolves true once the read side reflects `position`, false after `timeoutMs`. */
  async waitFor(position: bigint, timeoutMs: number): Promise<boolean> {
    if (this.position >= position) return true;
    const deadline = Date.now() + timeoutMs;
    this.waiting += 1;
    if (this.waiting === 1) this.hurry(true);
    try {
      while (this.position < position) {
        if (this.failure !== undefined) throw this.failure;
        const left = deadline - Date.now();
        if (left <= 0) return false;
        await new Promise<void>((resolve) => {
          const done = (): void => {
            clearTimeout(timer);
            this.waiters.delete(done);
            resolve();
          };
          const timer = setTimeout(done, Math.min(left, 100));
          this.waiters.add(done);
        });
      }
      return true;
    } finally {
      this.waiting -= 1;
      if (this.waiting === 0) this.hurry(false);
    }
  }

  /** Told when callers start waiting for a position the read side has not reached, and when none is left. */
  protected hurry(_waiting: boolean): void {}

  private async follow(signal: AbortSignal): Promise<void> {
    await this.resume();
    // Stops the subscription when a batch fails, as well as when the projector is stopped.
    const following = new AbortController();
    const stop = (): void => following.abort();
    signal.addEventListener('abort', stop, { once: true });
    let buffer: ProjectedEvent[] = [];
    let timer: NodeJS.Timeout | undefined;
    // Batches are applied one after the other, in log order, even when the read side answers later.
    let applying: Promise<void> = Promise.resolve();
    const flush = (): Promise<void> => {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      if (buffer.length === 0) return applying;
      const batch = buffer;
      buffer = [];
      applying = applying.then(() => this.apply(batch));
      return applying;
    };
    try {
      for await (const event of this.store.subscribe({ afterPosition: this.position, signal: following.signal })) {
        buffer.push(event);
        // A full batch waits for the ones before it: the subscription never runs far ahead of the read side.
        if (buffer.length >= this.batchSizeMax) await flush();
        else timer ??= setTimeout(() => void flush().catch(stop), this.lingerMs);
      }
    } finally {
      signal.removeEventListener('abort', stop);
      await flush();
    }
  }

  private async apply(batch: readonly ProjectedEvent[]): Promise<void> {
    this.checkpointKnown = await this.model.applyBatch(batch);
    this.wake();
  }

  protected wake(): void {
    for (const wake of this.waiters) wake();
  }
}
