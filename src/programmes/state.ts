// A programme's versions as published, each with the day it takes effect, and the working-day calendar
// as the State Council's notices give it. Decisions use the version in force on the day of the command.
import { assert, assertNever } from '../shared/assert.js';
import { refusal } from '../shared/errors.js';
import type { Recorded } from '../shared/event.js';
import type { StreamKind } from '../shared/stream-kind.js';
import type { CalendarDate } from '../shared/time.js';
import { WorkingDayCalendar, holidayYearsBuiltIn, type HolidayYear } from '../shared/working-days.js';
import type { CalendarEvent, ProgrammeEvent } from './events.js';
import type { ProgrammeDefinition } from './programme.js';

export type Programme =
  | { readonly status: 'none' }
  | {
      readonly status: 'published';
      readonly versions: ReadonlyMap<number, ProgrammeDefinition>;
      /** The first day each version is in force, by version. */
      readonly effectiveOn: ReadonlyMap<number, CalendarDate>;
      /** The latest version published (which may take effect later). */
      readonly current: ProgrammeDefinition;
    };

export type PublishedProgramme = Extract<Programme, { status: 'published' }>;

export function evolveProgramme(state: Programme, event: Recorded<ProgrammeEvent>): Programme {
  switch (event.type) {
    case 'ProgrammePublished': {
      const versions = new Map(state.status === 'published' ? state.versions : []);
      const effectiveOn = new Map(state.status === 'published' ? state.effectiveOn : []);
      versions.set(event.data.definition.version, event.data.definition);
      effectiveOn.set(event.data.definition.version, event.data.effectiveOn);
      return { status: 'published', versions, effectiveOn, current: event.data.definition };
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

/**
 * Rule `programme-version-in-force` (SPEC §2: 新版本自规定之日起施行): the version a decision taken on
 * `today` uses is the one with the latest day of effect on or before `today` (of two taking effect the
 * same day, the later published). Before the first version takes effect, the first version: its own
 * validity window then refuses what it does not cover.
 */
export function versionInForce(programme: PublishedProgramme, today: CalendarDate): ProgrammeDefinition {
  let chosen: { version: number; effectiveOn: CalendarDate } | null = null;
  let first: { version: number; effectiveOn: CalendarDate } | null = null;
  for (const [version, effectiveOn] of programme.effectiveOn) {
    const candidate = { version, effectiveOn };
    if (first === null || effectiveOn < first.effectiveOn || (effectiveOn === first.effectiveOn && version < first.version)) first = candidate;
    if (effectiveOn > today) continue;
    if (chosen === null || effectiveOn > chosen.effectiveOn || (effectiveOn === chosen.effectiveOn && version > chosen.version)) chosen = candidate;
  }
  const version = chosen ?? first;
  assert(version !== null, `programme ${programme.current.id} has no version`);
  return versionOf(programme, version.version);
}

/** A version as published: the definition a decision recorded it used. */
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
