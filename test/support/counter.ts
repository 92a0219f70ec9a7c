// A counter for tests of the command path: a stream kind whose state lists the numbers its events
// carry, and a use case that appends the count it read. Any event type of the catalogue can carry a
// number; a holiday year's `year` does.
import { useCase } from '../../src/commands/use-case.js';
import type { StreamKind } from '../../src/shared/stream-kind.js';
import type { CalendarEvent } from '../../src/programmes/events.js';

export function countEvent(n: number): { type: 'HolidayYearPublished'; data: { year: number; holidays: string[]; workdays: string[]; source: string } } {
  return { type: 'HolidayYearPublished', data: { year: n, holidays: [], workdays: [], source: 'count' } };
}

export const counterKind: StreamKind<readonly number[], CalendarEvent> = {
  name: 'counter',
  types: ['HolidayYearPublished'],
  initial: [],
  evolve: (seen, event) => [...seen, event.data.year],
  lastEventSuffices: false,
};

/** Reads `counter`, appends the count it saw; `beforeDecide` runs after each read (to slip a write in). */
export function countUseCase(beforeDecide: () => Promise<void> = async () => undefined) {
  return useCase({
    type: 'Count',
    roles: ['admin'],
    parse: ({ body }) => body,
    load: async (_data, reader) => {
      const seen = await reader.read('counter', counterKind);
      await beforeDecide();
      return { seen };
    },
    decide: (_command, given) => ({ counter: [countEvent(given.seen.length)] }),
    write: (decided, _command, given) => ({ writes: [{ stream: 'counter', events: decided.counter }], result: { seen: given.seen.length } }),
  });
}
