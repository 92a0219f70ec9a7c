// A checkpoint's checks on a thread of their own, for a log in an SQLite file (see checkpoint-worker.ts):
// the command thread, which every approval waits on, only reads the head on disk and hands the span to
// the thread. The thread is started at the first checkpoint and kept for the next ones.
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { ChainFileSource } from '../event-store/hash-chain.js';
import type { Anchor, ChainChecks, SpanChecked } from './checkpoint-span.js';

/** What the checkpoint thread is started with. */
export interface CheckpointWorkerData {
  readonly sqlitePath: string;
  readonly spanPositions: number;
  readonly macKey: Uint8Array | undefined;
}

/** The events after `from`, through `through` at most and `maxCount` at most, to check. */
export interface CheckpointRequest {
  readonly from: Anchor;
  readonly through: bigint;
  readonly maxCount: number;
}

export type CheckpointReply = { readonly checked: SpanChecked } | { readonly error: string };

// A worker thread runs JavaScript only: the compiled checkpoint-worker.js beside this module. The
// TypeScript sources, run through a loader in tests, have none, and check on the calling thread.
const workerFile = new URL('./checkpoint-worker.js', import.meta.url);

/** Whether checkpoint checks can run on a thread of their own here: only where the code runs compiled. */
export const checkpointWorkerAvailable = existsSync(workerFile);

interface Running {
  readonly worker: Worker;
  readonly waiting: { resolve(checked: SpanChecked): void; reject(error: Error): void }[];
}

export class ThreadedChainChecks implements ChainChecks {
  private running: Running | undefined;

  constructor(
    private readonly source: ChainFileSource,
    private readonly macKey: Buffer | undefined,
  ) {}

  async check(from: Anchor, maxCount: number): Promise<SpanChecked> {
    // The head as the service's reads see it: after its own deferred appends are on disk, so that a
    // checkpoint never anchors an event a power cut could still take back.
    const through = await this.source.headPosition();
    if (through <= from.digest.position || maxCount <= 0) return { anchor: from, forged: undefined };
    const running = this.started();
    const request: CheckpointRequest = { from, through, maxCount };
    return await new Promise<SpanChecked>((resolve, reject) => {
      running.waiting.push({ resolve, reject });
      // Held open while a check is pending, and only then: an idle thread keeps no process alive.
      running.worker.ref();
      running.worker.postMessage(request);
    });
  }

  async close(): Promise<void> {
    const running = this.running;
    this.running = undefined;
    await running?.worker.terminate();
  }

  private started(): Running {
    if (this.running !== undefined) return this.running;
    const data: CheckpointWorkerData = { sqlitePath: this.source.sqlitePath, spanPositions: this.source.spanPositions, macKey: this.macKey };
    const running: Running = { worker: new Worker(workerFile, { workerData: data }), waiting: [] };
    const { worker, waiting } = running;
    worker.unref();
    worker.on('message', (reply: CheckpointReply) => {
      const waiter = waiting.shift();
      if (waiting.length === 0) worker.unref();
      if ('error' in reply) waiter?.reject(new Error(reply.error));
      else waiter?.resolve(reply.checked);
    });
    const fail = (error: Error): void => {
      if (this.running === running) this.running = undefined;
      for (const waiter of waiting.splice(0)) waiter.reject(error);
    };
    // Errors of other kinds than the plain one lose their message crossing threads: it is kept here.
    worker.on('error', (error: unknown) => fail(new Error(`the checkpoint thread failed: ${error instanceof Error ? error.message : String(error)}`)));
    worker.on('exit', (code: number) => fail(new Error(`the checkpoint thread stopped (exit code ${code})`)));
    this.running = running;
    return running;
  }
}
