// A programme's versions as published, and the working-day calendar as the State Council's notices
// give it. Decisions use the version an application was submitted under, budgets the current one.
import { assert, assertNever } from '../shared/assert.js';
import { refusal } from '../shared/errors.js';
import type { Recorded } from '../shared/event.js';
import type { StreamKind } from '../shared/stream-kind.js';
import { WorkingDayCalendar, holidayYearsBuiltIn, type HolidayYear } from '../shared/working-days.js';
import type { CalendarEvent, ProgrammeEvent } from './events.js';
import type { ProgrammeDefinition } from './programme.js';

export type Programme =
  { readonly status: 'none' } | { readonly status: 'published'; readonly versions: ReadonlyMap<number, ProgrammeDefinition>; readonly current: ProgrammeDefinition };

export type PublishedProgramme = Extract<Programme, { status: 'published' }>;

export function evolveProgramme(state: Programme, event: Recorded<ProgrammeEvent>): Programme {
  switch (event.type) {
    case 'ProgrammePublished': {
      const versions = new Map(state.status === 'published' ? state.versions : []);
      versions.set(event.data.definition.version, event.data.definition);
      return { status: 'published', versions, current: event.data.definition };
    }
    default:
      return assertNever(event.type, 'unknown event in a programme stream');
  }
}

export const programmeStream: StreamKind<Programme, ProgrammeEvent> = {
  name: 'programme',
  types: ['ProgrammePublished'],
  initial: { status: 'none' },
  evolve: evolveProgramme,
  lastEventSuffices: false,
};

export function requireProgramme(programme: Programme, programmeId: string): PublishedProgramme {
  if (programme.status === 'none') throw refusal('NOT_FOUND', `programme ${programmeId} does not exist`, { id: programmeId });
  return programme;
}

/** The definition an application was submitted under: its rule, stages and notice period. */
export function versionOf(programme: PublishedProgramme, version: number): ProgrammeDefinition {
  const definition = programme.versions.get(version);
  assert(definition !== undefined, `programme ${programme.current.id} lacks version ${version}`);
  return definition;
}

/** Holiday years published by administrators, by year; the built-in years fill the rest. */
export type PublishedHolidayYears = ReadonlyMap<number, HolidayYear>;

export function evolveCalendar(state: PublishedHolidayYears, event: Recorded<CalendarEvent>): PublishedHolidayYears {
  switch (event.type) {
    case 'HolidayYearPublished': {
      const years = new Map(state);
      years.set(event.data.year, event.data);
      return years;
    }
    default:
      return assertNever(event.type, 'unknown event in the calendar stream');
  }
}

export const calendarStream: StreamKind<PublishedHolidayYears, CalendarEvent> = {
  name: 'calendar',
  types: ['HolidayYearPublished'],
  initial: new Map(),
  evolve: evolveCalendar,
  lastEventSuffices: false,
};

export function calendarOf(published: PublishedHolidayYears): WorkingDayCalendar {
  return new WorkingDayCalendar([...holidayYearsBuiltIn.filter((b) => !published.has(b.year)), ...published.values()]);
}
