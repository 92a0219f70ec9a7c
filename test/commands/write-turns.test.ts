// How much work a write turn holds before it commits: a few times its commit's time, growing from
// turn to turn at most twice, and short again after the writer was idle longer than a turn works; and
// how long a turn waits for the commands of callers that keep coming.
import { jest } from '@jest/globals';
import {
  WriteTurns,
  backlogShare,
  expectedAfter,
  gatherBusyIdleMs,
  gatherFor,
  gatheredAfter,
  gatheringAtFirst,
  gatherProbeEveryMax,
  gatherProbeEveryMin,
  turnWorkMsMax,
  turnWorkMsMaxAfter,
  turnWorkMsMin,
  type Gathering,
} from '../../src/commands/write-turns.js';

describe('the work a write turn holds', () => {
  it('starts a burst that follows lone commands with the least turn, whatever the last commit cost', () => {
    expect(turnWorkMsMaxAfter({ workMs: 0.4, commitMs: 12, idleMs: 0 })).toBe(turnWorkMsMin);
  });

  it('grows at most twice from one turn to the next', () => {
    expect(turnWorkMsMaxAfter({ workMs: 3, commitMs: 12, idleMs: 0 })).toBe(6);
    expect(turnWorkMsMaxAfter({ workMs: 6, commitMs: 12, idleMs: 0 })).toBe(12);
  });

  it('holds at most four times the last commit, and never more than its bound', () => {
    expect(turnWorkMsMaxAfter({ workMs: 30, commitMs: 2, idleMs: 0 })).toBe(8);
    expect(turnWorkMsMaxAfter({ workMs: 40, commitMs: 30, idleMs: 0 })).toBe(turnWorkMsMax);
  });

  it('starts short again after the writer was idle for longer than any turn works', () => {
    expect(turnWorkMsMaxAfter({ workMs: 20, commitMs: 10, idleMs: turnWorkMsMax })).toBe(40);
    expect(turnWorkMsMaxAfter({ workMs: 20, commitMs: 10, idleMs: turnWorkMsMax + 1 })).toBe(turnWorkMsMin);
  });
});

describe('the share of a backlog a write turn takes', () => {
  it('takes a little more than half of the commands waiting, more the dearer a commit is against a command', () => {
    expect(backlogShare(50, 0.5, 0)).toBe(25);
    expect(backlogShare(50, 0.5, 1)).toBe(26);
    expect(backlogShare(50, 0.5, 2)).toBe(27);
    expect(backlogShare(24, 0.5, 1.5)).toBe(14);
  });

  it('takes every command waiting when a commit costs as much as the rest of them, and half without a measure of a command', () => {
    expect(backlogShare(10, 0.2, 5)).toBe(10);
    expect(backlogShare(9, 0, 1)).toBe(5);
    expect(backlogShare(1, 0.5, 1)).toBe(1);
    expect(backlogShare(0, 0.5, 1)).toBe(0);
  });

  it('is the first turn that makes the commands of a burst wait least in all', () => {
    // Two turns of n and waiting − n commands: each command waits for its turn's end.
    const waitedInAll = (waiting: number, n: number, w: number, c: number) => n * (c + n * w) + (waiting - n) * (2 * c + waiting * w);
    for (const [waiting, w, c] of [
      [50, 0.5, 1.5],
      [50, 0.2, 2],
      [30, 1, 1],
    ] as const) {
      const share = backlogShare(waiting, w, c);
      for (let n = 1; n < waiting; n += 1) expect(waitedInAll(waiting, share, w, c)).toBeLessThanOrEqual(waitedInAll(waiting, n, w, c) + waiting * w);
    }
  });
});

describe('a turn gathering the commands of callers that keep coming', () => {
  const busyMs = 0.5;
  const learnt = (expected: number, untilProbe = 3, fellShort = false): Gathering => ({ expected, fellShort, untilProbe, probeEvery: gatherProbeEveryMin });

  it('starts at once when the writer is not busy, and forgets what it expected', () => {
    expect(gatherFor(learnt(10), 2, gatherBusyIdleMs + 0.1)).toEqual({ target: 0, probe: false, gathering: gatheringAtFirst });
    expect(gatherFor(learnt(10, 0), 2, gatherBusyIdleMs + 0.1)).toEqual({ target: 0, probe: false, gathering: gatheringAtFirst });
  });

  it('starts at once with the commands the last turn left for lack of room, and counts no busy turn', () => {
    expect(gatherFor(learnt(10), 4, busyMs, true)).toEqual({ target: 0, probe: false, gathering: learnt(10) });
    expect(gatherFor(learnt(10, 0), 4, busyMs, true)).toEqual({ target: 0, probe: false, gathering: learnt(10, 0) });
  });

  it('waits for as many as it expects, and starts at once when they are already waiting', () => {
    expect(gatherFor(learnt(10), 4, busyMs)).toEqual({ target: 10, probe: false, gathering: learnt(10, 2) });
    expect(gatherFor(learnt(10), 10, busyMs).target).toBe(0);
    expect(gatherFor(learnt(10), 12, busyMs).target).toBe(0);
  });

  it('now and then waits for twice as many as it expects or finds, to learn of callers it has not seen', () => {
    expect(gatherFor(learnt(5, 0), 5, busyMs)).toEqual({ target: 10, probe: true, gathering: learnt(5, 0) });
    expect(gatherFor(learnt(5, 0), 2, busyMs).target).toBe(10);
    expect(gatherFor(learnt(5, 0), 8, busyMs).target).toBe(16);
    expect(gatherFor(learnt(1, 0), 2, busyMs).target).toBe(4);
  });

  it('starts a burst at once, without a probe, when more than twice as many as it expects and as the last turn held are waiting', () => {
    expect(gatherFor(learnt(0, 0), 50, busyMs, false, 1)).toEqual({ target: 0, probe: false, gathering: learnt(0, -1) });
    expect(gatherFor(learnt(5, 0), 11, busyMs, false, 5).target).toBe(0);
    expect(gatherFor(learnt(5, 0), 10, busyMs, false, 5)).toMatchObject({ target: 20, probe: true });
    // A second group as large as the first, after a turn that held the first: a probe joins them.
    expect(gatherFor(learnt(0, 0), 5, busyMs, false, 5)).toMatchObject({ target: 10, probe: true });
  });

  it('never probes for a second caller while one caller sends command after command', () => {
    expect(gatherFor(learnt(1, 0), 1, busyMs).target).toBe(0);
    expect(gatherFor(gatheringAtFirst, 1, busyMs).target).toBe(0);
  });

  it('expects what came when at least what it expected came, half-way down to it when fewer did, and what came when fewer did twice in a row', () => {
    const once = (expected: number) => ({ expected, fellShort: false });
    const again = (expected: number) => ({ expected, fellShort: true });
    expect(expectedAfter(once(5), 10)).toBe(10);
    expect(expectedAfter(once(10), 10)).toBe(10);
    expect(expectedAfter(once(10), 9)).toBe(10);
    expect(expectedAfter(once(10), 6)).toBe(8);
    expect(expectedAfter(once(10), 1)).toBe(6);
    expect(expectedAfter(once(2), 1)).toBe(2);
    expect(expectedAfter(again(2), 1)).toBe(1);
    expect(expectedAfter(again(10), 9)).toBe(9);
    expect(expectedAfter(again(8), 10)).toBe(10);
  });

  it('probes soon again after a probe that found more callers, and ever less often after probes that found none', () => {
    const found = gatheredAfter(learnt(5, 0), { probe: true, seen: 5, came: 10 });
    expect(found).toEqual({ expected: 10, fellShort: false, untilProbe: gatherProbeEveryMin, probeEvery: gatherProbeEveryMin });
    let gathering = found;
    const intervals: number[] = [];
    for (let probe = 0; probe < 6; probe += 1) {
      gathering = gatheredAfter(gathering, { probe: true, seen: 10, came: 10 });
      intervals.push(gathering.untilProbe);
    }
    expect(intervals).toEqual([16, 32, 64, 128, 128, 128].map((n) => Math.min(n, gatherProbeEveryMax)));
    expect(gathering.expected).toBe(10);
    // A wait that is not a probe leaves the probes' schedule alone.
    expect(gatheredAfter(learnt(10, 5), { probe: false, seen: 10, came: 6 })).toEqual(learnt(8, 5, true));
    expect(gatheredAfter(learnt(8, 5, true), { probe: false, seen: 8, came: 6 })).toEqual(learnt(6, 5, true));
    expect(gatheredAfter(learnt(6, 5, true), { probe: false, seen: 6, came: 6 })).toEqual(learnt(6, 5));
  });
});

/** A store whose turns count the commands they hold, and commit as a disk sync does: holding the thread for a while. */
function countingStore(commitMs = 2) {
  const turns: number[] = [];
  let current = 0;
  const calling = { inside: false, turnsBegunInside: 0 };
  const store = {
    embedded: true,
    writeTurn: async <T>(work: () => Promise<T>): Promise<T> => {
      if (calling.inside) calling.turnsBegunInside += 1;
      current = 0;
      const result = await work();
      const synced = performance.now() + commitMs;
      while (performance.now() < synced);
      turns.push(current);
      return result;
    },
  };
  return { turns, calling, store: store as unknown as ConstructorParameters<typeof WriteTurns>[0], command: async () => void (current += 1) };
}

describe('write turns with callers that keep coming', () => {
  afterEach(() => jest.restoreAllMocks());

  it("joins two groups of callers, each answered while the other waited, into one turn, never begun inside a caller's call", async () => {
    const { turns, calling, store, command } = countingStore();
    const writer = new WriteTurns(store);
    const callers = 10;
    const rounds = 30;
    // Each caller sends its next command a while after its answer (a timer: an answer's way to a caller
    // over a socket and the caller's next command back, shorter than a commit); the second group starts
    // once the first group's first turn has begun. Without gathering, each group's next commands come
    // back while the other group's turn holds the thread, and the groups take turns, five a turn.
    const caller = async () => {
      for (let round = 0; round < rounds; round += 1) {
        // A turn that begins inside the call that brought the last command it waited for would run
        // while the caller's other promises do: the store would be seen with the turn open.
        calling.inside = true;
        const answered = writer.run(command);
        calling.inside = false;
        await answered;
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
    };
    const first = Array.from({ length: callers / 2 }, caller);
    await new Promise((resolve) => setImmediate(resolve));
    const second = Array.from({ length: callers / 2 }, caller);
    await Promise.all([...first, ...second]);
    expect(turns.reduce((sum, held) => sum + held, 0)).toBe(callers * rounds);
    // The first busy turn learns of the second group; from then on a turn holds every caller's command
    // (the groups taking turns make twice as many turns as rounds, none holding all ten). A loaded
    // machine may hold a timer back past a turn's wait now and then: a turn of nine, another of one.
    expect(turns.length).toBeLessThanOrEqual(1.5 * rounds);
    expect(turns.filter((held) => held === callers).length).toBeGreaterThanOrEqual(rounds / 2);
    expect(calling.turnsBegunInside).toBe(0);
  });

  it('never makes one caller sending command after command wait for another', async () => {
    const { turns, store, command } = countingStore();
    const writer = new WriteTurns(store);
    const timers = jest.spyOn(global, 'setTimeout');
    for (let sent = 0; sent < 3 * gatherProbeEveryMin; sent += 1) await writer.run(command);
    expect(turns).toEqual(Array.from({ length: 3 * gatherProbeEveryMin }, () => 1));
    expect(timers).not.toHaveBeenCalled();
  });

  it("answers more than half of a burst that follows lone commands after the burst's first turn, in turns that shrink", async () => {
    const { turns, store, command: counted } = countingStore(1);
    const writer = new WriteTurns(store);
    let held = 0;
    // Each command keeps the thread a while, as a command's reads and decision do.
    const command = async () => {
      const done = performance.now() + 0.2;
      while (performance.now() < done);
      held += 1;
      await counted();
    };
    for (let sent = 0; sent < 5; sent += 1) await writer.run(command);
    const burst = 50;
    const answered: number[] = [];
    await Promise.all(Array.from({ length: burst }, () => writer.run(command).then(() => answered.push(held))));
    const [first = 0, ...rest] = turns.slice(5);
    expect([first, ...rest].reduce((sum, n) => sum + n, 0)).toBe(burst);
    // The 26th answer (the burst's median) came with the first turn; turns grow no more after it.
    expect(first).toBeGreaterThanOrEqual(burst / 2 + 1);
    expect(rest.every((held, turn) => held <= (turn === 0 ? first : (rest[turn - 1] ?? 0)))).toBe(true);
    expect(answered[burst / 2]).toBe(5 + first);
  });

  it('makes one caller who goes on alone after a burst wait at most twice', async () => {
    const { turns, store, command } = countingStore(0);
    const writer = new WriteTurns(store);
    // Two callers, command after command: the writer learns to expect two.
    const pair = async () => {
      for (let sent = 0; sent < 3 * gatherProbeEveryMin; sent += 1) await writer.run(command);
    };
    await Promise.all([pair(), pair()]);
    expect(turns.filter((held) => held === 2).length).toBeGreaterThan(0);
    const timers = jest.spyOn(global, 'setTimeout');
    for (let sent = 0; sent < 3 * gatherProbeEveryMin; sent += 1) await writer.run(command);
    expect(timers.mock.calls.length).toBeLessThanOrEqual(2);
  });
});
