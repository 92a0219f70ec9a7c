// Commands on an embedded store take turns: the commands waiting when a turn starts run one after
// another inside one write transaction of the store, committed with one disk sync, and are answered
// once it is on disk, in the order they arrived. They never conflict with each other (each sees the
// ones before it), and a burst shares its syncs without any command waiting for the whole burst: a
// turn ends after a few times as much work as its commit costs, and at most twice as much as the turn
// before it did, but not before it has taken a little more than half of the commands waiting when it
// started (see backlogShare): a burst's first turn answers half of it, and the turns after it shrink
// as it drains. While commands keep coming, a turn about to start waits a moment for as many commands
// as turns have lately held (see gatherFor).
import type { EventStore } from '../event-store/event-store.js';

/**
 * Work after which a turn commits, answers its commands, and lets the next take the rest: a few times
 * as long as the last turn's commit took, within bounds. With a turn's work bounded by its commit's
 * time alone, syncing took half of the time under load: commands ran at half the rate they could,
 * and a turn held two or three of ten callers' commands instead of all ten (each answered a sync
 * later). Four times bounds syncing to a fifth of the time.
 */
export const turnWorkPerCommitMax = 4;
export const turnWorkMsMin = 2;
export const turnWorkMsMax = 50;
/**
 * A turn's work grows at most this many times the last turn's. Bounded by the commit alone, the first
 * turn of a burst took all the work its budget allowed, up to 50 ms, set by a commit made before the
 * burst: a burst of 50 approvals often went in one turn, each caller answered at its end. A backlog
 * still gets at least its share (backlogShare) whatever the growth allows. Commands that keep coming
 * at one rate keep turns of one size.
 */
export const turnWorkGrowthMax = 2;

/** What the last turn took, and how long the writer has been idle since it ended. */
export interface LastTurn {
  readonly workMs: number;
  readonly commitMs: number;
  readonly idleMs: number;
}

/**
 * The work after which a turn commits. After a pause longer than any turn's work, the writer was not
 * kept busy and the rate commands come at is no longer known: growth starts again from the least (a
 * burst after a quiet minute starts short though the last burst ended long). Shorter pauses keep it:
 * callers that send their next command once answered come back within one (with a pause as long as
 * the last turn, approvals over HTTP made a quarter more syncs each).
 */
export function turnWorkMsMaxAfter(last: LastTurn): number {
  const grownFromMs = last.idleMs > turnWorkMsMax ? 0 : last.workMs;
  const workMs = Math.min(turnWorkPerCommitMax * last.commitMs, turnWorkGrowthMax * grownFromMs);
  return Math.min(turnWorkMsMax, Math.max(turnWorkMsMin, workMs));
}

/**
 * The fewest of `waiting` commands a turn takes before it may commit: a little more than half of them,
 * (waiting + commitMs / perCommandMs) / 2. Commands waiting together are answered in turns, each turn
 * paying a commit; the time they wait in all, each command's wait summed, is least when the first turn
 * takes that share and each turn after it the same share of what is left (with two turns of n and
 * waiting − n commands it is n·(C + n·w) + (waiting − n)·(2C + waiting·w), least at n = (waiting +
 * C / w) / 2), so the turns shrink as a burst drains. Turns that only grow answer the first few early
 * and make the rest wait: a burst of 50 approvals answered its 26th after two thirds of the burst's
 * time. Without a measure of a command's work yet, half of those waiting. Commands that keep coming a
 * few at a time are all taken by the time bound anyway; the bound on a turn's work still holds.
 */
export function backlogShare(waiting: number, perCommandMs: number, commitMs: number): number {
  if (waiting <= 1) return waiting;
  const commitsPerCommand = perCommandMs > 0 && commitMs > 0 ? commitMs / perCommandMs : 0;
  return Math.min(waiting, Math.ceil((waiting + commitsPerCommand) / 2));
}

/**
 * Longest a turn waits for more commands before it starts: about a commit's time on a disk whose
 * syncs are slow (a longer wait would cost more than the commit it saves), and longer than it took the
 * answers of a turn to reach callers over HTTP on the same machine and their next commands to come
 * back (1 to 2 ms after the next turn's first command).
 */
export const gatherWaitMs = 2;
/** A turn that starts within this long of the last one's end finds the writer busy: commands keep coming. */
export const gatherBusyIdleMs = 5;
/**
 * Busy turns between two probes: the fewest after a probe that found callers it had not seen, twice as
 * many after each that found none, up to the most (a probe that finds none waits its whole time).
 */
export const gatherProbeEveryMin = 8;
export const gatherProbeEveryMax = 128;

/** What the writer has learnt of how many commands come together, and when it looks for more. */
export interface Gathering {
  /** Commands a busy turn waits for. */
  readonly expected: number;
  /** Whether the last wait ran out with fewer than were expected. */
  readonly fellShort: boolean;
  /** Busy turns before the next probe. */
  readonly untilProbe: number;
  /** Busy turns between probes, now. */
  readonly probeEvery: number;
}

export const gatheringAtFirst: Gathering = { expected: 0, fellShort: false, untilProbe: 0, probeEvery: gatherProbeEveryMin };

/** A turn about to start: how many commands it waits for (0: it starts at once), and whether that is a probe. */
export interface Gather {
  readonly target: number;
  readonly probe: boolean;
  readonly gathering: Gathering;
}

/**
 * How many commands a turn about to start waits for (at most gatherWaitMs).
 *
 * Callers that send their next command once answered come back together only if they were answered
 * together. Over HTTP, ten such callers settled into two groups of five: one group's commands queued
 * while the other's turn ran, and started the next turn before the first group's answers had reached
 * their callers and come back, turn after turn, each turn holding half of them (twice the commits of
 * the same callers in process, whose next commands are queued before the next turn starts). So a
 * busy writer's turn waits until as many commands are waiting as it has learnt to expect, and now and
 * then (a probe) for twice as many as it expects or finds: a probe that finds more joins the groups,
 * and what came is what is expected next; a wait that runs out lowers what is expected half-way to
 * what came, and a second in a row to what came. A writer that is not busy starts at once and forgets
 * what it expected; commands the last turn left for lack of room (`leftOver`) start at once; and one
 * caller sending command after command is never probed: it waits at most twice after others stop.
 * Nor is a backlog of more than twice as many as expected or as the last turn held (`lastHeld`; 0:
 * none yet), a burst: what a probe would look for is already waiting, and its wait would only hold
 * the whole burst back (2 ms on every racer's answer, after lone commands had made the next busy turn
 * a probe).
 */
export function gatherFor(gathering: Gathering, waiting: number, idleMs: number, leftOver = false, lastHeld = 0): Gather {
  if (idleMs > gatherBusyIdleMs) return { target: 0, probe: false, gathering: gatheringAtFirst };
  if (leftOver) return { target: 0, probe: false, gathering };
  const burst = waiting > 2 * Math.max(1, gathering.expected, lastHeld);
  if (gathering.untilProbe <= 0 && (waiting > 1 || gathering.expected > 1) && !burst) {
    return { target: 2 * Math.max(gathering.expected, waiting), probe: true, gathering };
  }
  const counted = { ...gathering, untilProbe: gathering.untilProbe - 1 };
  return { target: waiting < gathering.expected ? gathering.expected : 0, probe: false, gathering: counted };
}

/** What the writer expects after a turn waited: `seen` commands expected or waiting when it began, `came` when it ended. */
export function gatheredAfter(gathering: Gathering, gather: { readonly probe: boolean; readonly seen: number; readonly came: number }): Gathering {
  const fellShort = gather.came < gathering.expected;
  const expected = expectedAfter(gathering, gather.came);
  if (!gather.probe) return { ...gathering, expected, fellShort };
  const probeEvery = gather.came > gather.seen ? gatherProbeEveryMin : Math.min(gatherProbeEveryMax, 2 * gathering.probeEvery);
  return { expected, fellShort, untilProbe: probeEvery, probeEvery };
}

/**
 * What to expect after a wait: what came if at least what was expected; else half-way down to it (one
 * late caller does not halve the turns), and what came if the wait before fell short too.
 */
export function expectedAfter(gathering: Pick<Gathering, 'expected' | 'fellShort'>, came: number): number {
  if (came >= gathering.expected || gathering.fellShort) return came;
  return Math.ceil((gathering.expected + came) / 2);
}

type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

interface Waiting {
  readonly task: () => Promise<unknown>;
  readonly settle: (outcome: Outcome<unknown>) => void;
}

type TurnStore = EventStore & { writeTurn<T>(work: () => Promise<T>): Promise<T> };

export class WriteTurns {
  private readonly waiting: Waiting[] = [];
  private scheduled = false;
  private readonly undone = new Set<() => void>();
  private lastCommitMs = turnWorkMsMin;
  private lastWorkMs = 0;
  private lastCommands = 0;
  private lastEndedMs = Number.NEGATIVE_INFINITY;
  private gathering: Gathering = gatheringAtFirst;
  /** While a turn waits for more commands: how many it waits for, and what to do once they are in. */
  private gather: { readonly target: number; readonly reached: () => void } | undefined;
  /** Whether the last turn left commands waiting for lack of room. */
  private leftOver = false;

  constructor(private readonly store: TurnStore) {}

  /** Whether the store can run turns: embedded, with write turns. */
  static canRunOn(store: EventStore): store is TurnStore {
    return store.embedded === true && typeof store.writeTurn === 'function';
  }

  /**
   * Runs `task` in a turn; its result (or its error) is given once the turn is on disk. If the turn
   * does not commit, every task of it fails with the turn's error: none of what they did holds.
   */
  run<T>(task: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({ task, settle: (outcome) => (outcome.ok ? resolve(outcome.value as T) : reject(outcome.error)) });
      if (this.gather !== undefined && this.waiting.length >= this.gather.target) this.gather.reached();
      this.schedule();
    });
  }

  /** Called when a turn is undone: states read in it may be of appends that never were. */
  onUndone(forget: () => void): void {
    this.undone.add(forget);
  }

  // The first turn of a burst starts after the requests that arrived together have queued their commands.
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.gatherThenTurn());
  }

  private gatherThenTurn(): void {
    const seen = this.waiting.length;
    const { target, probe, gathering } = gatherFor(this.gathering, seen, performance.now() - this.lastEndedMs, this.leftOver, this.lastCommands);
    this.gathering = gathering;
    if (target === 0) return void this.turn();
    const begin = () => {
      this.gather = undefined;
      this.gathering = gatheredAfter(this.gathering, { probe, seen: Math.max(seen, this.gathering.expected), came: this.waiting.length });
      void this.turn();
    };
    const timer = setTimeout(begin, gatherWaitMs);
    this.gather = {
      target,
      // Reached in a caller's own call: the turn begins on the event loop's next round, as every turn
      // does, never inside the caller's work (whose promises then run while the turn is open).
      reached: () => {
        clearTimeout(timer);
        this.gather = undefined;
        setImmediate(begin);
      },
    };
  }

  private async turn(): Promise<void> {
    const started = performance.now();
    const workMsMax = turnWorkMsMaxAfter({ workMs: this.lastWorkMs, commitMs: this.lastCommitMs, idleMs: started - this.lastEndedMs });
    const least = backlogShare(this.waiting.length, this.lastCommands > 0 ? this.lastWorkMs / this.lastCommands : 0, this.lastCommitMs);
    let worked = started;
    let full = false;
    const ran: { waiting: Waiting; outcome: Outcome<unknown> }[] = [];
    this.leftOver = false;
    try {
      await this.store.writeTurn(async () => {
        for (let next = this.waiting.shift(); next !== undefined; next = this.waiting.shift()) {
          ran.push({ waiting: next, outcome: await outcomeOf(next.task) });
          worked = performance.now();
          full = (ran.length >= least && worked - started >= workMsMax) || worked - started >= turnWorkMsMax;
          if (full) break;
        }
      });
      this.leftOver = full && this.waiting.length > 0;
      this.lastEndedMs = performance.now();
      this.lastCommitMs = this.lastEndedMs - worked;
      this.lastWorkMs = worked - started;
      this.lastCommands = ran.length;
      for (const { waiting, outcome } of ran) waiting.settle(outcome);
    } catch (error) {
      for (const forget of this.undone) forget();
      for (const { waiting } of ran) waiting.settle({ ok: false, error });
      // A turn that could not even start (the write lock held past the busy timeout) fails those
      // waiting too, rather than holding them while it tries again.
      if (ran.length === 0) for (const waiting of this.waiting.splice(0)) waiting.settle({ ok: false, error });
    } finally {
      this.scheduled = false;
      if (this.waiting.length > 0) this.schedule();
    }
  }
}

async function outcomeOf(task: () => Promise<unknown>): Promise<Outcome<unknown>> {
  try {
    return { ok: true, value: await task() };
  } catch (error) {
    return { ok: false, error };
  }
}
