// What a use case needs to read one kind of stream: the event types it may hold, the state before
// any event, and how an event changes it. A reader refuses (as a programmer error) an event of
// another type, so `evolve` switches only over its own union.
import type { Recorded } from './event.js';

export interface StreamKind<S, E extends { type: string }> {
  /** For messages: "application", "budget". */
  readonly name: string;
  readonly types: readonly E['type'][];
  readonly initial: S;
  readonly evolve: (state: S, event: Recorded<E>) => S;
  /**
   * True where each event carries the stream's whole state (running totals, holders): the last
   * event alone gives the state, and a reader reads only that one.
   */
  readonly lastEventSuffices: boolean;
  /**
   * True where many commands write the stream at once (a programme-year's budget): where commands
   * race, a process's commands take turns on it before reading it (see commands/hot-streams.ts).
   */
  readonly contended?: boolean;
}
