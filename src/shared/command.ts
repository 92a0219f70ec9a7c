// A typed command as a decider receives it: its type, its parsed data, and what came with it from
// outside (who and when). Deciders take the date from here; they never read a clock.
import type { CalendarDate } from './time.js';

export interface CommandMetadata {
  readonly actorId: string;
  /** ISO-8601 instant the command was received. */
  readonly now: string;
  /** The date in Asia/Shanghai at `now`. */
  readonly today: CalendarDate;
}

export interface TypedCommand<T extends string, D> {
  readonly type: T;
  readonly data: D;
  readonly metadata: CommandMetadata;
}
