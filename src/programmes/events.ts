// The events of a programme's stream (each version of its definition) and of the holiday calendar.
import type { EventOf } from '../shared/event.js';
import type { HolidayYear } from '../shared/working-days.js';
import type { ProgrammeDefinition } from './programme.js';

export interface ProgrammeEvents {
  ProgrammePublished: { definition: ProgrammeDefinition };
}

export type ProgrammeEvent = EventOf<ProgrammeEvents>;

export interface CalendarEvents {
  HolidayYearPublished: HolidayYear;
}

export type CalendarEvent = EventOf<CalendarEvents>;
