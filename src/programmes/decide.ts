// Rules for programmes and the calendar: definitions are data, published as events; a holiday year
// is checked as an administrator submits it.
import type { TypedCommand } from '../shared/command.js';
import { refusal } from '../shared/errors.js';
import { validateHolidayYear, type HolidayYear } from '../shared/working-days.js';
import type { CalendarEvents, ProgrammeEvents } from './events.js';
import type { ProgrammeDefinition } from './programme.js';
import type { Programme } from './state.js';

/** `shipped`: a definition that comes with the project, published at start; otherwise an administrator's. */
export type PublishProgramme = TypedCommand<'PublishProgramme', { definition: ProgrammeDefinition; shipped: boolean }>;

/**
 * Rule `programme-versions`: programmes are data; an amendment is a new version with a higher
 * number. A definition shipped with the project is published once: a log that already holds that
 * version, or a later one, takes nothing (safe at every start).
 */
export function decidePublishProgramme(
  command: PublishProgramme,
  given: { programme: Programme },
): { programme: { type: 'ProgrammePublished'; data: ProgrammeEvents['ProgrammePublished'] }[] } {
  const { definition, shipped } = command.data;
  const { programme } = given;
  if (programme.status === 'published' && definition.version <= programme.current.version) {
    if (shipped) return { programme: [] };
    throw refusal('INVALID_TRANSITION', `programme ${definition.id} is at version ${programme.current.version}: an amendment needs a higher version`, {
      programmeId: definition.id,
    });
  }
  return { programme: [{ type: 'ProgrammePublished', data: { definition } }] };
}

export type PublishHolidayYear = TypedCommand<'PublishHolidayYear', HolidayYear>;

/** Rule `notice-working-days`: a later year's holidays and 调休 workdays, from the State Council's notice. */
export function decidePublishHolidayYear(command: PublishHolidayYear): { calendar: [{ type: 'HolidayYearPublished'; data: CalendarEvents['HolidayYearPublished'] }] } {
  validateHolidayYear(command.data);
  return { calendar: [{ type: 'HolidayYearPublished', data: command.data }] };
}
