// Rules for programmes and the calendar: definitions are data, published as events; a holiday year
// is checked as an administrator submits it.
import type { TypedCommand } from '../shared/command.js';
import { refusal } from '../shared/errors.js';
import { validateHolidayYear, type HolidayYear } from '../shared/working-days.js';
import type { CalendarEvents, ProgrammeEvents } from './events.js';
import type { ProgrammeDefinition } from './programme.js';
import { requireProgramme, type Programme } from './state.js';
import type { CalendarDate } from '../shared/time.js';

/**
 * A new programme: `shipped`, one that comes with the project, published at start; otherwise an
 * administrator's (POST /api/programmes). Either is in force from the first day of its validity.
 */
export type PublishProgramme = TypedCommand<'PublishProgramme', { definition: ProgrammeDefinition; shipped: boolean }>;

type Published = { programme: { type: 'ProgrammePublished'; data: ProgrammeEvents['ProgrammePublished'] }[] };

/**
 * Rule `programme-versions`: programmes are data, published as events. A definition shipped with the
 * project is published once: a log that already holds that version, or a later one, takes nothing
 * (safe at every start). An administrator's new programme takes an id no programme has, at version 1.
 */
export function decidePublishProgramme(command: PublishProgramme, given: { programme: Programme }): Published {
  const { definition, shipped } = command.data;
  const { programme } = given;
  if (shipped) {
    if (programme.status === 'published' && definition.version <= programme.current.version) return { programme: [] };
    return { programme: [{ type: 'ProgrammePublished', data: { definition, effectiveOn: definition.validFrom } }] };
  }
  if (programme.status === 'published') {
    throw refusal('ALREADY_EXISTS', `programme ${definition.id} exists (version ${programme.current.version}): publish a new version of it instead`, {
      programmeId: definition.id,
    });
  }
  if (definition.version !== 1) throw refusal('VALIDATION_FAILED', `a new programme starts at version 1, not ${definition.version}`, { field: 'definition.version' });
  return { programme: [{ type: 'ProgrammePublished', data: { definition, effectiveOn: definition.validFrom } }] };
}

/** An amendment (POST /api/programmes/:id/versions): the definition of the next version and the day it takes effect. */
export type PublishProgrammeVersion = TypedCommand<
  'PublishProgrammeVersion',
  { programmeId: string; effectiveOn: CalendarDate; definition: Omit<ProgrammeDefinition, 'version'>; versionStated: number | null }
>;

/**
 * Rules `programme-versions` and `programme-version-in-force`: an amendment is the next version of an
 * existing programme and takes effect on a stated day, never before the day it is published nor before
 * a version published earlier: the decisions already taken stand on the version they used.
 */
export function decidePublishProgrammeVersion(command: PublishProgrammeVersion, given: { programme: Programme }): Published {
  const { programmeId, effectiveOn, versionStated } = command.data;
  const { today } = command.metadata;
  const programme = requireProgramme(given.programme, programmeId);
  const next = programme.current.version + 1;
  if (versionStated !== null && versionStated !== next) {
    throw refusal('INVALID_TRANSITION', `programme ${programmeId} is at version ${programme.current.version}: the amendment is version ${next}, not ${versionStated}`, {
      programmeId,
    });
  }
  const definition: ProgrammeDefinition = { ...command.data.definition, id: programmeId, version: next };
  const earliest = [...programme.effectiveOn.values()].reduce((latest, day) => (day > latest ? day : latest), today);
  if (effectiveOn < earliest) {
    throw refusal(
      'RETROACTIVE_VERSION',
      `version ${next} of ${programmeId} would take effect on ${effectiveOn}: a version takes effect on or after ${earliest} (today, and the latest day an earlier version takes effect)`,
      { programmeId, effectiveOn, earliest },
    );
  }
  return { programme: [{ type: 'ProgrammePublished', data: { definition, effectiveOn } }] };
}

export type PublishHolidayYear = TypedCommand<'PublishHolidayYear', HolidayYear>;

/** Rule `notice-working-days`: a later year's holidays and 调休 workdays, from the State Council's notice. */
export function decidePublishHolidayYear(command: PublishHolidayYear): { calendar: [{ type: 'HolidayYearPublished'; data: CalendarEvents['HolidayYearPublished'] }] } {
  validateHolidayYear(command.data);
  return { calendar: [{ type: 'HolidayYearPublished', data: command.data }] };
}
