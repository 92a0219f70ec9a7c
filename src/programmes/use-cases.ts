// The programme use cases: definitions shipped with the project published at start, an administrator's
// new programme or new version of one, and later holiday years.
import type { HolidayYear } from '../shared/working-days.js';
import { streams } from '../shared/streams.js';
import { onStreams, useCase } from '../commands/use-case.js';
import * as read from '../shared/parse.js';
import { decidePublishHolidayYear, decidePublishProgramme, decidePublishProgrammeVersion } from './decide.js';
import { parseProgrammeDefinition } from './schema.js';
import { calendarStream, programmeStream } from './state.js';

export const publishProgramme = useCase({
  type: 'PublishProgramme',
  roles: ['admin'],
  // An administrator's definition is checked against the schema here; a shipped one is the project's own typed data.
  parse: ({ body }) => {
    const input = read.objectOf(body);
    read.onlyFields(input, ['definition']);
    const { definition, versionStated } = parseProgrammeDefinition(input['definition'], {});
    return { definition: { ...definition, version: versionStated ?? 1 }, shipped: false };
  },
  load: async (data, reader) => ({ programme: await reader.read(streams.programme(data.definition.id), programmeStream) }),
  decide: decidePublishProgramme,
  write: (decided, command, given) => {
    const { definition } = command.data;
    const version = decided.programme.length > 0 || given.programme.status === 'none' ? definition.version : given.programme.current.version;
    const effectiveOn = decided.programme[0]?.data.effectiveOn ?? null;
    return { writes: onStreams({ stream: streams.programme(definition.id), events: decided.programme }), result: { programmeId: definition.id, version, effectiveOn } };
  },
});

export const publishProgrammeVersion = useCase({
  type: 'PublishProgrammeVersion',
  roles: ['admin'],
  parse: ({ params, body }) => {
    const input = read.objectOf(body);
    read.onlyFields(input, ['effectiveOn', 'definition']);
    const programmeId = read.key(read.param(params, 'programmeId'), 'programmeId');
    const effectiveOn = read.date(input['effectiveOn'], 'effectiveOn');
    return { programmeId, effectiveOn, ...parseProgrammeDefinition(input['definition'], { id: programmeId }) };
  },
  load: async (data, reader) => ({ programme: await reader.read(streams.programme(data.programmeId), programmeStream) }),
  decide: decidePublishProgrammeVersion,
  write: (decided, command) => {
    const [published] = decided.programme;
    return {
      writes: onStreams({ stream: streams.programme(command.data.programmeId), events: decided.programme }),
      result: { programmeId: command.data.programmeId, version: published?.data.definition.version ?? 0, effectiveOn: command.data.effectiveOn },
    };
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
