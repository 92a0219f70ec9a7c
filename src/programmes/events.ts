// The events of a programme's stream (each version of its definition) and of the holiday calendar.
import type { EventOf } from '../shared/event.js';
import type { CalendarDate } from '../shared/time.js';
import type { HolidayYear } from '../shared/working-days.js';
import type { ProgrammeDefinition } from './programme.js';

export interface ProgrammeEvents {
  /** `effectiveOn`: the first day decisions use this version (rule `programme-version-in-force`). */
  ProgrammePublished: { definition: ProgrammeDefinition; effectiveOn: CalendarDate };
}

export type ProgrammeEvent = EventOf<ProgrammeEvents>;

/** Version 2 of ProgrammePublished: no day of effect (read as the version's first day of validity). */
export type ProgrammePublishedV2 = Omit<ProgrammeEvents['ProgrammePublished'], 'effectiveOn'>;

export interface CalendarEvents {
  HolidayYearPublished: HolidayYear;
}

export type CalendarEvent = EventOf<CalendarEvents>;
