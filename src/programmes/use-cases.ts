// The programme use cases: definitions shipped with the project published at start, and later
// holiday years published by an administrator.
import type { HolidayYear } from '../shared/working-days.js';
import { streams } from '../shared/streams.js';
import { onStreams, useCase } from '../commands/use-case.js';
import { decidePublishHolidayYear, decidePublishProgramme } from './decide.js';
import type { ProgrammeDefinition } from './programme.js';
import { calendarStream, programmeStream } from './state.js';

export const publishProgramme = useCase({
  type: 'PublishProgramme',
  roles: ['admin'],
  // Definitions come from the project's own files or an administrator's, already checked as typed data.
  parse: ({ body }) => ({ definition: (body as { definition: ProgrammeDefinition }).definition, shipped: false }),
  load: async (data, reader) => ({ programme: await reader.read(streams.programme(data.definition.id), programmeStream) }),
  decide: decidePublishProgramme,
  write: (decided, command, given) => {
    const { definition } = command.data;
    const version = decided.programme.length > 0 || given.programme.status === 'none' ? definition.version : given.programme.current.version;
    return { writes: onStreams({ stream: streams.programme(definition.id), events: decided.programme }), result: { programmeId: definition.id, version } };
  },
});

export const publishHolidayYear = useCase({
  type: 'PublishHolidayYear',
  roles: ['admin'],
  // The body was checked field by field at the edge (HTTP DTO); the decider checks its dates.
  parse: ({ body }) => body as HolidayYear,
  load: async (_data, reader) => ({ calendar: await reader.read(streams.calendar(), calendarStream) }),
  decide: (command) => decidePublishHolidayYear(command),
  write: (decided, command) => ({ writes: onStreams({ stream: streams.calendar(), events: decided.calendar }), result: { year: command.data.year } }),
});
