// A worker thread that answers each message it is sent with one reply, in the order sent: verify's
// seal workers and the checkpoint's checks. A thread that fails or stops fails every call waiting on
// it, and every later one, with an error that keeps its message (errors other than plain ones lose
// theirs crossing threads).
import { Worker } from 'node:worker_threads';

export interface WorkerCallsOptions {
  /** Says in errors which thread it was ("a seal worker", "the checkpoint thread"). */
  readonly name: string;
  /** Keeps the process alive only while a call waits: an idle thread does not hold it open. */
  readonly heldOnlyWhileCalled?: boolean;
}

interface Waiter<Reply> {
  resolve(reply: Reply): void;
  reject(error: Error): void;
}

export class WorkerCalls<Request, Reply> {
  private readonly worker: Worker;
  private readonly waiting: Waiter<Reply>[] = [];
  private failure: Error | undefined;

  constructor(
    file: URL,
    workerData: unknown,
    private readonly options: WorkerCallsOptions,
  ) {
    this.worker = new Worker(file, { workerData });
    if (options.heldOnlyWhileCalled === true) this.worker.unref();
    this.worker.on('message', (reply: Reply) => {
      const waiter = this.waiting.shift();
      if (this.waiting.length === 0 && options.heldOnlyWhileCalled === true) this.worker.unref();
      waiter?.resolve(reply);
    });
    this.worker.on('error', (error: unknown) => this.fail(new Error(`${options.name} failed: ${error instanceof Error ? error.message : String(error)}`)));
    this.worker.on('exit', (code: number) => this.fail(new Error(`${options.name} stopped (exit code ${code})`)));
  }

  /** Whether the thread has failed or stopped: no call will be answered. */
  get failed(): boolean {
    return this.failure !== undefined;
  }

  call(request: Request): Promise<Reply> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise<Reply>((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      if (this.options.heldOnlyWhileCalled === true) this.worker.ref();
      this.worker.postMessage(request);
    });
  }

  async terminate(): Promise<void> {
    await this.worker.terminate();
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const waiter of this.waiting.splice(0)) waiter.reject(this.failure);
  }
}
