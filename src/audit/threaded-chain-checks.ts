// A checkpoint's checks on a thread of their own, for a log in an SQLite file (see checkpoint-worker.ts):
// the command thread, which every approval waits on, only reads the head on disk and hands the span to
// the thread. The thread is started at the first checkpoint and kept for the next ones.
import { existsSync } from 'node:fs';
import { WorkerCalls } from '../shared/worker-calls.js';
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

export class ThreadedChainChecks implements ChainChecks {
  private thread: WorkerCalls<CheckpointRequest, CheckpointReply> | undefined;

  constructor(
    private readonly source: ChainFileSource,
    private readonly macKey: Buffer | undefined,
  ) {}

  async check(from: Anchor, maxCount: number): Promise<SpanChecked> {
    // The head as the service's reads see it: after its own deferred appends are on disk, so that a
    // checkpoint never anchors an event a power cut could still take back.
    const through = await this.source.headPosition();
    if (through <= from.digest.position || maxCount <= 0) return { anchor: from, forged: undefined };
    // Started at the first check, and again after a failure or a close.
    if (this.thread === undefined || this.thread.failed) {
      const data: CheckpointWorkerData = { sqlitePath: this.source.sqlitePath, spanPositions: this.source.spanPositions, macKey: this.macKey };
      this.thread = new WorkerCalls(workerFile, data, { name: 'the checkpoint thread', heldOnlyWhileCalled: true });
    }
    const reply = await this.thread.call({ from, through, maxCount });
    if ('error' in reply) throw new Error(reply.error);
    return reply.checked;
  }

  async close(): Promise<void> {
    const thread = this.thread;
    this.thread = undefined;
    await thread?.terminate();
  }
}
