// Streams that many commands write at once (a programme-year's budget at the end of a round of
// approvals) make optimistic writers retry: with n racing, each append invalidates the reads of the
// other n − 1. On stores where commands race (all but the embedded one, whose commands take turns),
// a process's commands therefore queue for such a stream before reading it, one at a time, and its
// racers wait instead of retrying. Other processes are still met by the expected-revision check.
//
// A stream is hot if its kind says so (`contended`), or if a command conflicted on it lately. A
// command waits for at most one stream, and only while it holds none: no two commands ever wait for
// each other in a circle.

/** How long a stream stays hot after a conflict on it. */
export const hotAfterConflictMs = 2_000;

export class HotStreams {
  private readonly conflictedUntil = new Map<string, number>();
  // The last holder's release of each stream being waited for: the queue's tail.
  private readonly tails = new Map<string, Promise<void>>();

  markConflicted(stream: string): void {
    this.conflictedUntil.set(stream, performance.now() + hotAfterConflictMs);
  }

  isHot(stream: string, contended: boolean): boolean {
    if (contended) return true;
    const until = this.conflictedUntil.get(stream);
    if (until === undefined) return false;
    if (until > performance.now()) return true;
    this.conflictedUntil.delete(stream);
    return false;
  }

  /** Waits for the stream's turn; call the returned function when the command's append is done. */
  async take(stream: string): Promise<() => void> {
    const before = this.tails.get(stream) ?? Promise.resolve();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const tail = before.then(() => held);
    this.tails.set(stream, tail);
    await before;
    return () => {
      release();
      if (this.tails.get(stream) === tail) this.tails.delete(stream);
    };
  }
}
