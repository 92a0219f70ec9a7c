// Runs one command: load the streams it needs (with their revisions), decide, append everything at
// once with those revisions as expectations, retry a bounded number of times on a conflict.
// A command id is recorded in its own stream in the same append: a retry returns the first result.
import { hash } from 'node:crypto';
import { assert, defined } from '../shared/assert.js';
import { LedgerError, refusal } from '../shared/errors.js';
import { timeOrderedUuid } from '../shared/identifiers.js';
import { RecentMap } from '../shared/recent-map.js';
import {
  EventIdConflictError,
  EventStore,
  JsonObject,
  NewEvent,
  StoredEvent,
  StreamRead,
  StreamRevision,
  WrongExpectedRevisionError,
  readStreamsOf,
  streamReadCountMax,
} from '../event-store/event-store.js';
import { isEventType, readEventOf, schemaVersionOf } from '../events/upcasting.js';
import type { EventType } from '../events/catalog.js';
import type { Actor, CommandContext, Role } from '../shared/actor.js';
import type { TypedCommand } from '../shared/command.js';
import type { Recorded } from '../shared/event.js';
import type { StreamKind } from '../shared/stream-kind.js';
import { streams } from '../shared/streams.js';
import { shanghaiDateOf } from '../shared/time.js';
import { InconsistentReadError, type StreamNeed, type StreamReader, type StreamWrite, type UseCase, type Written } from './use-case.js';
import { HotStreams } from './hot-streams.js';
import { WriteTurns } from './write-turns.js';

export type { Actor, CommandContext, Role } from '../shared/actor.js';

export type CommandResult<R extends object> = R & { readonly position: string };

/**
 * Attempts of one command against concurrent writers. A hot stream (one programme-year's budget at
 * the end of a round of approvals) serialises its writers, so with n racing, the last one may need n
 * attempts; the jittered back-off spreads them out.
 */
export const conflictRetryCountMax = 50;
export const conflictBackoffMsMax = 64;

interface FoldedStream {
  readonly kind: unknown;
  readonly revision: bigint;
  readonly state: unknown;
}

/**
 * States folded from streams, by the revision they reflect. The log is append-only and states are
 * immutable values, so a state folded up to revision r stays true: the next fold reads only what
 * came after r. This spares every approval from parsing its notice (hundreds of application ids)
 * and its programme definition again.
 */
export class FoldCache {
  private readonly entries: RecentMap<string, FoldedStream>;

  constructor(streamsMax = 20_000) {
    this.entries = new RecentMap(streamsMax);
  }

  get<S>(stream: string, kind: StreamKind<S, never>): { revision: bigint; state: S } | undefined {
    const entry = this.entries.get(stream);
    if (entry === undefined || entry.kind !== kind) return undefined;
    return { revision: entry.revision, state: entry.state as S };
  }

  /** After a write turn was undone: states folded in it may hold events that never were. */
  forgetAll(): void {
    this.entries.clear();
  }

  set<S>(stream: string, kind: StreamKind<S, never>, revision: bigint, state: S): void {
    this.entries.set(stream, { kind, revision, state });
  }
}

/** What a read ahead gave for one stream: its events, read on top of the fold known then (if any). */
interface ReadAhead {
  readonly kind: StreamNeed['kind'];
  readonly known: { revision: bigint; state: unknown } | undefined;
  readonly events: readonly StoredEvent[];
}

/** Reads streams for one decision and remembers the revision each was at. */
export class StreamLoader implements StreamReader {
  private readonly revisions = new Map<string, StreamRevision>();
  private readonly ahead = new Map<string, ReadAhead>();

  constructor(
    private readonly store: EventStore,
    private readonly folds: FoldCache = new FoldCache(),
    private readonly policy: LoadPolicy = {},
  ) {}

  async read<S, E extends { type: string }>(stream: string, kind: StreamKind<S, E>): Promise<S> {
    const kept = this.kept(stream, kind);
    if (kept !== undefined) return kept.state;
    const waiting = this.policy.beforeRead?.(stream, kind.contended === true);
    if (waiting !== undefined) {
      // Its turn came only now: what was read ahead of it may be stale.
      this.ahead.delete(stream);
      await waiting;
    }
    return kind.lastEventSuffices ? this.last(stream, kind) : this.fold(stream, kind);
  }

  async readAhead(needs: readonly StreamNeed[]): Promise<void> {
    await this.readAheadWith(needs, []);
  }

  /**
   * Reads the streams named (each as its `read` would: the last event, or what follows the fold
   * known) and `also` (as given, for the caller) in one call to the store. Not read ahead: streams
   * already read or read ahead, those an earlier attempt kept, and those that must wait for their
   * turn (see LoadPolicy.mayReadAhead).
   */
  async readAheadWith(needs: readonly StreamNeed[], also: readonly StreamRead[]): Promise<StoredEvent[][]> {
    const named: { stream: string; kind: StreamNeed['kind']; known: ReadAhead['known'] }[] = [];
    for (const { stream, kind } of needs) {
      if (this.revisions.has(stream) || this.ahead.has(stream) || named.some((n) => n.stream === stream)) continue;
      if (this.policy.unmoved?.has(stream) === true || this.policy.mayReadAhead?.(stream, kind.contended === true) === false) continue;
      named.push({ stream, kind, known: kind.lastEventSuffices ? undefined : this.folds.get(stream, kind as StreamKind<unknown, never>) });
    }
    if (named.length + also.length === 0) return [];
    const reads: StreamRead[] = named.map(({ stream, kind, known }) =>
      kind.lastEventSuffices ? { stream, direction: 'backwards', maxCount: 1 } : known === undefined ? { stream } : { stream, fromRevision: known.revision + 1n },
    );
    const results = await readStreamsOf(this.store, [...reads, ...also], { forWriter: true });
    for (const [i, { stream, kind, known }] of named.entries()) this.ahead.set(stream, { kind, known, events: defined(results[i], 'a read ahead') });
    return results.slice(named.length);
  }

  /** What was read ahead of the stream's read, once (a kind other than named is read again). */
  private takeAhead(stream: string, kind: StreamNeed['kind']): ReadAhead | undefined {
    const ahead = this.ahead.get(stream);
    this.ahead.delete(stream);
    return ahead?.kind === kind ? ahead : undefined;
  }

  /** The state an earlier attempt of the command read, where it may stand without reading again. */
  private kept<S, E extends { type: string }>(stream: string, kind: StreamKind<S, E>): { state: S } | undefined {
    const revision = this.policy.unmoved?.get(stream);
    if (revision === undefined) return undefined;
    if (revision === 'no-stream') {
      this.revisions.set(stream, revision);
      return { state: kind.initial };
    }
    const known = this.folds.get(stream, kind as unknown as StreamKind<S, never>);
    if (known?.revision !== revision) return undefined;
    this.revisions.set(stream, revision);
    return { state: known.state };
  }

  private async fold<S, E extends { type: string }>(stream: string, kind: StreamKind<S, E>): Promise<S> {
    const cacheKind = kind as unknown as StreamKind<S, never>;
    const ahead = this.takeAhead(stream, cacheKind);
    // Read ahead, the events follow the fold known then: folded on top of that one, not of a later one.
    const known = ahead === undefined ? this.folds.get(stream, cacheKind) : (ahead.known as { revision: bigint; state: S } | undefined);
    const events = ahead?.events ?? (await this.store.readStream(stream, known === undefined ? { forWriter: true } : { forWriter: true, fromRevision: known.revision + 1n }));
    const last = events[events.length - 1];
    assert(last === undefined || last.revision + 1n < BigInt(streamReadCountMax), `stream ${stream} is too long to fold; keep running totals in its events`);
    if (last === undefined) {
      this.revisions.set(stream, known?.revision ?? 'no-stream');
      return known?.state ?? kind.initial;
    }
    this.remember(stream, last);
    const state = events.reduce((folded, event) => kind.evolve(folded, eventOfKind(stream, kind, event)), known?.state ?? kind.initial);
    this.folds.set(stream, cacheKind, last.revision, state);
    return state;
  }

  /** The stream's last event only: for streams whose events carry the whole state. */
  private async last<S, E extends { type: string }>(stream: string, kind: StreamKind<S, E>): Promise<S> {
    const cacheKind = kind as unknown as StreamKind<S, never>;
    const [event] = this.takeAhead(stream, cacheKind)?.events ?? (await this.store.readStream(stream, { forWriter: true, direction: 'backwards', maxCount: 1 }));
    this.remember(stream, event);
    if (event === undefined) return kind.initial;
    // The state of that event, if already made: a decision's awards are parsed once, not per approval.
    const known = this.folds.get(stream, cacheKind);
    if (known !== undefined && known.revision === event.revision) return known.state;
    const state = kind.evolve(kind.initial, eventOfKind(stream, kind, event));
    this.folds.set(stream, cacheKind, event.revision, state);
    return state;
  }

  revisionOf(stream: string): StreamRevision | undefined {
    return this.revisions.get(stream);
  }

  get loaded(): ReadonlyMap<string, StreamRevision> {
    return this.revisions;
  }

  private remember(stream: string, last: StoredEvent | undefined): void {
    this.revisions.set(stream, last === undefined ? 'no-stream' : last.revision);
  }
}

/** How a loader reads for a command that may race with others (see CommandRunner.attempt). */
export interface LoadPolicy {
  /**
   * Streams an earlier attempt read, at the revision it read them, that did not move: their states
   * stand without a read (the append still checks their revisions). A retry reads only what moved.
   */
  readonly unmoved?: ReadonlyMap<string, StreamRevision>;
  /** Awaited before a stream is read (`contended`: its kind says many commands write it at once). */
  readonly beforeRead?: (stream: string, contended: boolean) => Promise<void> | undefined;
  /** Whether the stream may be read ahead of its read (absent: any may), i.e. it waits for no turn. */
  readonly mayReadAhead?: (stream: string, contended: boolean) => boolean;
}

/** A stored event as one of the events a kind of stream may hold: anything else is a programmer error. */
function eventOfKind<S, E extends { type: string }>(stream: string, kind: StreamKind<S, E>, stored: StoredEvent): Recorded<E> {
  const event = readEventOf(stored);
  assert((kind.types as readonly string[]).includes(event.type), `unexpected ${event.type} in ${kind.name} stream ${stream}`);
  return event as unknown as Recorded<E>;
}

/** JSON with sorted keys: the same request always hashes alike, whatever order its fields came in. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function requireRole(actor: Actor, allowed: readonly Role[], what: string): Role {
  const role = allowed.find((r) => actor.roles.includes(r));
  if (role === undefined) {
    throw refusal('FORBIDDEN', `${what} needs the role ${allowed.join(' or ')}`, { required: allowed.join(','), actor: actor.id });
  }
  return role;
}

/** What calls for another attempt: a stream moved before the append, or between two reads. */
type Conflict = WrongExpectedRevisionError | EventIdConflictError | InconsistentReadError;

function isConflict(outcome: unknown): outcome is Conflict {
  return outcome instanceof WrongExpectedRevisionError || outcome instanceof EventIdConflictError || outcome instanceof InconsistentReadError;
}

/** One attempt's outcome, and the revisions it read the streams at. */
interface Attempted<R extends object> {
  readonly result: CommandResult<R> | Conflict;
  readonly loaded: ReadonlyMap<string, StreamRevision>;
}

/** The hot streams of each store on which commands race, shared by every runner on it in this process. */
const hotStreams = new WeakMap<EventStore, HotStreams>();

/** The turns of an embedded store and the states folded in them, shared by every runner on it in this process. */
const embeddedTurns = new WeakMap<EventStore, { readonly turns: WriteTurns; readonly folds: FoldCache }>();

function turnsOf(store: EventStore): { readonly turns: WriteTurns; readonly folds: FoldCache } | undefined {
  if (!WriteTurns.canRunOn(store)) return undefined;
  let shared = embeddedTurns.get(store);
  if (shared === undefined) {
    const folds = new FoldCache();
    const turns = new WriteTurns(store);
    turns.onUndone(() => folds.forgetAll());
    shared = { turns, folds };
    embeddedTurns.set(store, shared);
  }
  return shared;
}

export class CommandRunner {
  private readonly folds: FoldCache;
  private readonly turns: WriteTurns | undefined;
  private readonly hot: HotStreams;
  private answeredUpTo = 0n;

  constructor(
    private readonly store: EventStore,
    private readonly backoff: (attempt: number) => Promise<void> = (attempt) =>
      new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * Math.min(2 ** attempt, conflictBackoffMsMax)))),
  ) {
    const shared = turnsOf(store);
    this.turns = shared?.turns;
    this.folds = shared?.folds ?? new FoldCache();
    if (!hotStreams.has(store)) hotStreams.set(store, new HotStreams());
    this.hot = defined(hotStreams.get(store), 'the hot streams of the store');
  }

  /**
   * Runs a command to its result. On an embedded store the process's commands take turns (see
   * write-turns.ts): each turn one transaction and one disk sync, its commands never conflicting with
   * each other, and none answered (with a result or a refusal) before everything it was decided on is
   * on disk. Other processes on the same file, and every other store, are met by optimistic retries.
   *
   * The request was parsed at the edge; a retry after a conflict runs only load, decide and append.
   */
  /** Position of the last result this runner gave: what its callers' next reads should show. */
  get lastAnswered(): bigint {
    return this.answeredUpTo;
  }

  async run<T extends string, D, G, O, R extends object>(context: CommandContext, useCase: UseCase<T, D, G, O, R>, data: D, request: unknown): Promise<CommandResult<R>> {
    const result = await this.runToResult(context, useCase, data, request);
    const position = BigInt(result.position);
    if (position > this.answeredUpTo) this.answeredUpTo = position;
    return result;
  }

  private async runToResult<T extends string, D, G, O, R extends object>(
    context: CommandContext,
    useCase: UseCase<T, D, G, O, R>,
    data: D,
    request: unknown,
  ): Promise<CommandResult<R>> {
    assert(context.commandId.length > 0 && context.commandId.length <= 200, 'a command id is 1..200 characters');
    const role = requireRole(context.actor, useCase.roles, useCase.type);
    const commandType = useCase.type;
    const requestHash = hash('sha256', `${commandType}\u0000${canonicalJson(request)}`, 'hex');
    const command: TypedCommand<T, D> = { type: useCase.type, data, metadata: { actorId: context.actor.id, now: context.now, today: shanghaiDateOf(context.now) } };
    const ahead = useCase.reads?.(data) ?? [];
    const decide = async (loader: StreamLoader): Promise<Written<R>> => {
      const given = await useCase.load(data, loader, command.metadata);
      return useCase.write(useCase.decide(command, given), command, given);
    };
    const turns = this.turns;
    if (turns !== undefined) {
      // No other command, of this process or another, writes while a turn reads and decides (it holds
      // the write lock): a conflict here would be a store's fault, met as anywhere else.
      for (let attempts = 1; ; attempts += 1) {
        const { result } = await turns.run(() => this.attempt(context, commandType, role, requestHash, decide, ahead, {}, true));
        if (!isConflict(result)) return result;
        if (attempts >= conflictRetryCountMax) throw tooManyConflicts(commandType, result, attempts);
        await this.backoff(attempts - 1);
      }
    }
    let unmoved: ReadonlyMap<string, StreamRevision> | undefined;
    for (let attempts = 1; ; attempts += 1) {
      let release: (() => void) | undefined;
      const policy: LoadPolicy = {
        ...(unmoved === undefined ? {} : { unmoved }),
        // A stream that waits for its turn is read only once the turn has come, never ahead.
        mayReadAhead: (stream, contended) => !this.hot.isHot(stream, contended),
        // A command queues for one hot stream at most, and only while it holds none.
        beforeRead: (stream, contended) => {
          if (release !== undefined || !this.hot.isHot(stream, contended)) return undefined;
          return this.hot.take(stream).then((done) => {
            release = done;
          });
        },
      };
      let outcome: Attempted<R>;
      try {
        outcome = await this.attempt(context, commandType, role, requestHash, decide, ahead, policy, unmoved === undefined);
      } finally {
        release?.();
      }
      const conflict = outcome.result;
      if (!isConflict(conflict)) return conflict;
      if (attempts >= conflictRetryCountMax) throw tooManyConflicts(commandType, conflict, attempts);
      // The next attempt reads again only the stream that moved (and its command's record where that
      // may be it), after queueing for it here: this process's racers wait instead of retrying.
      const moved = conflict instanceof EventIdConflictError ? undefined : conflict.stream;
      if (moved !== undefined && moved !== streams.command(context.commandId)) {
        this.hot.markConflicted(moved);
        unmoved = new Map([...outcome.loaded].filter(([stream]) => stream !== moved));
      } else unmoved = undefined;
      // The first retry queues behind this process's writers; later ones meet other processes' too.
      if (attempts > 1) await this.backoff(attempts - 2);
    }
  }

  /** Reads, decides and appends once: the result, or the conflict that calls for another attempt. */
  private async attempt<R extends object>(
    context: CommandContext,
    commandType: string,
    role: Role,
    requestHash: string,
    decide: (loader: StreamLoader) => Promise<Written<R>>,
    ahead: readonly StreamNeed[],
    policy: LoadPolicy,
    askEarlier: boolean,
  ): Promise<Attempted<R>> {
    const commandStream = streams.command(context.commandId);
    const loader = new StreamLoader(this.store, this.folds, policy);
    const attempted = (result: Attempted<R>['result']): Attempted<R> => ({ result, loaded: loader.loaded });
    // The command's record is read with the streams the use case names: one call to the store. A
    // retry after a conflict on another stream skips it: if the record exists after all, its append
    // conflicts on it, and the attempt after that reads it.
    const [recorded] = await loader.readAheadWith(ahead, askEarlier ? [{ stream: commandStream, maxCount: 1 }] : []);
    const earlier = recorded === undefined ? undefined : this.resultOf<R>(recorded[0], context.commandId, commandType, requestHash);
    if (earlier !== undefined) return attempted(earlier);

    let decision: Written<R>;
    try {
      decision = await decide(loader);
    } catch (error) {
      // Streams read at different moments of another command's write: read them all again.
      if (error instanceof InconsistentReadError) return attempted(error);
      // A refusal is answered only if the key has no result yet. The same key may have run at once in
      // another process (or an earlier attempt here may have been committed but not answered): the state
      // read above then already holds its effect (an application approved), and deciding again refuses
      // what in fact succeeded. The first result is the answer, as for any retry. Refusals themselves
      // record nothing (they change nothing, not even the log): a key refused and sent again is decided
      // again, on the state as it is then.
      if (error instanceof LedgerError) {
        const answered = await this.earlierResult<R>(commandStream, context.commandId, commandType, requestHash);
        if (answered !== undefined) return attempted(answered);
      }
      throw error;
    }
    const result = JSON.parse(JSON.stringify(decision.result)) as R;
    const writes: StreamWrite[] = [
      ...decision.writes,
      {
        stream: commandStream,
        expectedRevision: 'no-stream',
        events: [{ type: 'CommandProcessed', data: { commandType, requestHash, result: result as Record<string, unknown> } }],
      },
    ];
    const written = new Set(writes.map((w) => w.stream));
    assert(written.size === writes.length, 'a decision writes each stream once');
    const appends = writes.map((write) => {
      const expectedRevision = write.expectedRevision ?? loader.revisionOf(write.stream);
      assert(expectedRevision !== undefined, `stream ${write.stream} is written without having been read`);
      return { stream: write.stream, expectedRevision, events: write.events.map((event, i) => this.newEvent(context, role, write.stream, i, event)) };
    });
    const checks = [...loader.loaded].filter(([stream]) => !written.has(stream)).map(([stream, revision]) => ({ stream, expectedRevision: revision }));
    try {
      const appended = await this.store.appendMulti(appends, checks);
      return attempted({ ...result, position: appended.position.toString() });
    } catch (error) {
      // A conflict: someone else wrote first. An id conflict: the same command ran concurrently and
      // won; either way, start again from reading (which finds the first run's result).
      if (error instanceof WrongExpectedRevisionError || error instanceof EventIdConflictError) return attempted(error);
      throw error;
    }
  }

  /** The result a command id already has, if any; the same id with another request is refused. */
  private async earlierResult<R extends object>(commandStream: string, commandId: string, commandType: string, requestHash: string): Promise<CommandResult<R> | undefined> {
    const [first] = await this.store.readStream(commandStream, { forWriter: true, maxCount: 1 });
    return this.resultOf<R>(first, commandId, commandType, requestHash);
  }

  /** The result recorded by the first event of a command's stream, if it has one. */
  private resultOf<R extends object>(first: StoredEvent | undefined, commandId: string, commandType: string, requestHash: string): CommandResult<R> | undefined {
    if (first === undefined) return undefined;
    const processed = first.data as { commandType: string; requestHash: string; result: R };
    if (processed.commandType !== commandType || processed.requestHash !== requestHash) {
      throw refusal('IDEMPOTENCY_KEY_REUSED', `the idempotency key ${commandId} was already used for a different request`, { commandId });
    }
    return { ...processed.result, position: first.position.toString() };
  }

  private newEvent(context: CommandContext, role: Role, stream: string, index: number, event: StreamWrite['events'][number]): NewEvent {
    return {
      id: timeOrderedUuid(context.now, context.commandId, `${stream}#${index}`),
      type: event.type,
      schemaVersion: schemaVersionOf(eventTypeOf(event.type)),
      data: event.data as unknown as JsonObject,
      metadata: {
        actorId: context.actor.id,
        actorRole: role,
        commandId: context.commandId,
        correlationId: context.correlationId ?? context.commandId,
        causationId: context.causationId ?? null,
        recordedAt: context.now,
      },
    };
  }
}

function tooManyConflicts(commandType: string, conflict: Conflict, attempts: number): LedgerError {
  return refusal('CONCURRENCY_CONFLICT', `${commandType} kept conflicting with concurrent writes; try again`, {
    stream: conflict instanceof EventIdConflictError ? null : conflict.stream,
    attempts: String(attempts),
  });
}

function eventTypeOf(type: string): EventType {
  assert(isEventType(type), `a decision wrote an event of unknown type ${type}`);
  return type;
}
