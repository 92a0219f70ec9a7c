// Given / when / then over a pure decider: given named input states (folded from events where that
// reads better), when a typed command, then the events it produces keyed by those inputs, or the
// typed refusal. No store, no clock: the decider alone.
import { LedgerError } from '../../src/shared/errors.js';
import type { Recorded } from '../../src/shared/event.js';
import type { StreamKind } from '../../src/shared/stream-kind.js';

export interface Then<O> {
  /** The events, keyed by input, exactly. */
  then(expected: O): void;
  /** A typed refusal: its code, and the figures it must carry. */
  thenRefused(code: string, details?: Readonly<Record<string, string | null>>): void;
}

export function deciderSpec<C, G, O>(decide: (command: C, given: G) => O) {
  return {
    given: (given: G) => ({
      when: (command: C): Then<O> => ({
        then: (expected) => expect(decide(command, given)).toEqual(expected),
        thenRefused: (code, details) => {
          let refused: unknown;
          try {
            decide(command, given);
          } catch (error) {
            refused = error;
          }
          expect(refused).toBeInstanceOf(LedgerError);
          expect((refused as LedgerError).code).toBe(code);
          if (details !== undefined) expect((refused as LedgerError).details).toMatchObject(details);
        },
      }),
    }),
  };
}

/** A state as a stream's events make it: the events recorded by `actorId` at a fixed time. */
export function folded<S, E extends { type: string }>(kind: StreamKind<S, E>, events: readonly E[], actorId = 'someone'): S {
  return events.reduce((state, event) => kind.evolve(state, { ...event, actorId, recordedAt: '2025-06-01T02:00:00.000Z' } as Recorded<E>), kind.initial);
}

/** The metadata a command comes with: who, and the day in Shanghai. */
export function on(today: string, actorId = 'approver-1') {
  return { actorId, now: `${today}T02:00:00.000Z`, today };
}
