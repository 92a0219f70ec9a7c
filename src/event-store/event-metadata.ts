// What every stored event records beside its data: who, for which command, and when. Kept apart so
// that the hash chain can name it without depending on the whole port.
export interface EventMetadata {
  readonly actorId: string;
  readonly actorRole: string;
  /** The command that produced the event; retries of one command share it. */
  readonly commandId: string;
  readonly correlationId: string;
  readonly causationId: string | null;
  /** ISO-8601 instant in UTC, taken from the command: decisions never read a clock. */
  readonly recordedAt: string;
}
