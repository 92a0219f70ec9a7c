// How much work a write turn holds before it commits: a few times its commit's time, growing from
// turn to turn at most twice, and short again after the writer was idle longer than a turn works.
import { turnWorkMsMax, turnWorkMsMaxAfter, turnWorkMsMin } from '../../src/commands/write-turns.js';

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
