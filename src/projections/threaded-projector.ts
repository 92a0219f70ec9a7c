// A projector whose live following runs on a thread of its own (projector-worker.ts): the SQLite
// read side, in a file of its own, is written there, while this thread only tells it how far the log
// is on disk. Catching up, rebuilding and resuming on request (the CLI) run here as any projector's.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { EventStore } from '../event-store/event-store.js';
import { Projector, projectorDefaults, type ProjectorOptions } from './projector.js';
import { lingerCut, positionSlot, signalSlot, threadLingerMs, type ProjectorWorkerData } from './projector-thread.js';
import type { SqliteReadModel } from './sqlite-read-model.js';

// The thread runs the compiled projector-worker.js beside this module: a worker thread runs
// JavaScript only, and the TypeScript sources, run through a loader in tests, have none beside them.
const workerFile = new URL('./projector-worker.js', import.meta.url);

/** Whether the live projector can run on a thread of its own here: only where the code runs compiled. */
export const projectorThreadAvailable = existsSync(fileURLToPath(workerFile));

/** The log's head each time it moves, once it is on disk (EventStore.durableHeads), until `signal`. */
export type DurableHeads = (signal: AbortSignal) => AsyncIterable<bigint>;

export class ThreadedProjector extends Projector {
  private readonly positions = new BigInt64Array(new SharedArrayBuffer(2 * BigInt64Array.BYTES_PER_ELEMENT));
  private readonly signals = new Int32Array(new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT));
  private thread: { readonly worker: Worker; readonly exited: Promise<void>; readonly heads: AbortController; readonly telling: Promise<void> } | undefined;

  constructor(
    store: EventStore,
    private readonly durableHeads: DurableHeads,
    override readonly model: SqliteReadModel,
    private readonly files: { readonly events: string; readonly read: string },
    private readonly options: ProjectorOptions = {},
  ) {
    super(store, model, options);
  }

  override get position(): bigint {
    // The thread's checkpoint while it runs (lower than before while it rebuilds); this thread's own
    // catching up or rebuilding otherwise.
    return this.thread === undefined ? this.checkpointKnown : Atomics.load(this.positions, positionSlot.checkpoint);
  }

  override start(): void {
    if (this.thread !== undefined) return;
    this.failure = undefined;
    // A rebuild a crash cut off starts again on the thread: until then it reflects nothing.
    Atomics.store(this.positions, positionSlot.checkpoint, this.model.isRebuildInterrupted() ? 0n : this.checkpointKnown);
    Atomics.store(this.positions, positionSlot.durableHead, -1n);
    Atomics.store(this.signals, signalSlot.stop, 0);
    Atomics.and(this.signals, signalSlot.lingerCut, ~lingerCut.stopping);
    const data: ProjectorWorkerData = {
      eventsPath: this.files.events,
      readPath: this.files.read,
      batchSizeMax: this.options.batchSizeMax ?? projectorDefaults.batchSizeMax,
      lingerMs: this.options.lingerMs ?? threadLingerMs,
      positions: this.positions.buffer as SharedArrayBuffer,
      signals: this.signals.buffer as SharedArrayBuffer,
    };
    const worker = new Worker(workerFile, { workerData: data });
    let stopping = false;
    worker.on('message', () => this.wake());
    worker.on('error', (error: unknown) => this.fail(error));
    const exited = new Promise<void>((resolve) =>
      worker.once('exit', (code: number) => {
        if (!stopping) this.fail(new Error(`the projector's thread stopped (exit code ${code})`));
        resolve();
      }),
    );
    const heads = new AbortController();
    heads.signal.addEventListener('abort', () => (stopping = true), { once: true });
    this.thread = { worker, exited, heads, telling: this.tellHeads(heads.signal) };
  }

  /** A caller waits for a position: the thread's batch stops lingering. */
  protected override hurry(waiting: boolean): void {
    if (!waiting) {
      Atomics.and(this.signals, signalSlot.lingerCut, ~lingerCut.callerWaiting);
      return;
    }
    Atomics.or(this.signals, signalSlot.lingerCut, lingerCut.callerWaiting);
    Atomics.notify(this.signals, signalSlot.lingerCut);
  }

  /** Stops the thread once the batch it is applying is committed. */
  override async stop(): Promise<void> {
    const thread = this.thread;
    if (thread === undefined) return;
    thread.heads.abort();
    await thread.telling;
    Atomics.store(this.signals, signalSlot.stop, 1);
    Atomics.or(this.signals, signalSlot.lingerCut, lingerCut.stopping);
    Atomics.notify(this.signals, signalSlot.lingerCut);
    Atomics.add(this.signals, signalSlot.headMoves, 1);
    Atomics.notify(this.signals, signalSlot.headMoves);
    await thread.exited;
    this.checkpointKnown = Atomics.load(this.positions, positionSlot.checkpoint);
    this.thread = undefined;
  }

  /** Tells the thread the log's head each time it moves on disk, until stopped. */
  private async tellHeads(signal: AbortSignal): Promise<void> {
    try {
      for await (const head of this.durableHeads(signal)) {
        Atomics.store(this.positions, positionSlot.durableHead, head);
        Atomics.add(this.signals, signalSlot.headMoves, 1);
        Atomics.notify(this.signals, signalSlot.headMoves);
      }
    } catch (error) {
      if (!signal.aborted) this.fail(error);
    }
  }

  private fail(error: unknown): void {
    this.failure ??= error;
    this.wake();
  }
}
