// What a use case is: one entry that says, once, which command it runs, who may run it, how its
// request is parsed into typed data, which states it loads, which pure decider it calls, and where
// the decider's events go. The runner does the rest (idempotency, revisions, retries).
import type { CommandContext, Role } from '../shared/actor.js';
import type { CommandMetadata, TypedCommand } from '../shared/command.js';
import type { StreamKind } from '../shared/stream-kind.js';

/** A request as it reaches the ledger from any edge: the route's ids and the body, still untyped. */
export interface CommandRequest {
  readonly params: Readonly<Record<string, string>>;
  readonly body: unknown;
}

/**
 * A stream a use case will read, named before it reads it: the streams named together are read in one
 * call to the store (`StreamReader.readAhead`), not one call each.
 */
export interface StreamNeed {
  readonly stream: string;
  readonly kind: Pick<StreamKind<unknown, never>, 'name' | 'lastEventSuffices' | 'contended'>;
}

export function need<S, E extends { type: string }>(stream: string, kind: StreamKind<S, E>): StreamNeed {
  return { stream, kind };
}

/** Reads a stream's state for a decision; the revision read then guards the append. */
export interface StreamReader {
  read<S, E extends { type: string }>(stream: string, kind: StreamKind<S, E>): Promise<S>;
  /**
   * Reads the streams named in one call to the store; their `read`s that follow take what it read.
   * Only an optimisation: a stream named and not read, or read and not named, is still right.
   */
  readAhead(needs: readonly StreamNeed[]): Promise<void>;
}

export interface StreamWrite {
  readonly stream: string;
  readonly events: readonly { readonly type: string; readonly data: object }[];
  /** For a stream the use case did not read: 'no-stream' for a new one, 'stream-exists' where another stream already orders its writers. */
  readonly expectedRevision?: 'no-stream' | 'stream-exists';
}

/**
 * Thrown by a `load` that finds two streams it read disagreeing (a pool holding an award its
 * application no longer has): another command wrote between the two reads. The command is tried
 * again on fresh reads, as after any conflict; on a store where commands take turns it cannot happen.
 */
export class InconsistentReadError extends Error {
  constructor(readonly stream: string) {
    super(`stream ${stream} moved while the streams that depend on it were read`);
  }
}

export interface Written<R> {
  readonly writes: readonly StreamWrite[];
  readonly result: R;
}

export interface UseCase<T extends string, D, G, O, R extends object> {
  readonly type: T;
  readonly roles: readonly Role[];
  /** Unknown in, typed out, or a VALIDATION_FAILED naming the field. Runs once, at the edge. */
  readonly parse: (request: CommandRequest, context: CommandContext) => D;
  /**
   * Streams `load` will read whose names the command's data gives (absent: none named): they are
   * read in the same call to the store as the command's idempotency record.
   */
  readonly reads?: (data: D) => readonly StreamNeed[];
  /**
   * The named input states of the decider, read through `reader` (and so guarded by their revisions).
   * `metadata` says the day of the command: a programme's version in force is chosen by it.
   */
  readonly load: (data: D, reader: StreamReader, metadata: CommandMetadata) => Promise<G>;
  /** The pure rule: events keyed by the inputs, or a typed refusal. */
  readonly decide: (command: TypedCommand<T, D>, given: G) => O;
  /** Where the decider's events go, and what the caller is answered. */
  readonly write: (decided: O, command: TypedCommand<T, D>, given: G) => Written<R>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the table holds use cases of every shape
export type AnyUseCase = UseCase<any, any, any, any, any>;

/** Declares a use case, keeping every type it names. */
export function useCase<T extends string, D, G, O, R extends object>(definition: UseCase<T, D, G, O, R>): UseCase<T, D, G, O, R> {
  return definition;
}

/** Puts each keyed list of events on its stream, in the order given. Empty lists write nothing. */
export function onStreams(...writes: (StreamWrite | null | undefined)[]): StreamWrite[] {
  return writes.filter((w): w is StreamWrite => w !== null && w !== undefined && w.events.length > 0);
}
