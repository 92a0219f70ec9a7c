// The public-notice use cases (approvers): open a notice, file and resolve objections.
import { refusal } from '../shared/errors.js';
import { derivedUuid } from '../shared/identifiers.js';
import * as read from '../shared/parse.js';
import { objectionOutcomes } from '../shared/patterns.js';
import { streams } from '../shared/streams.js';
import { onStreams, useCase, type StreamReader } from '../commands/use-case.js';
import { applicationStream, type Application } from '../applications/application.js';
import { onInvoiceStreams } from '../applications/use-cases.js';
import { calendarOf, calendarStream, programmeStream, requireProgramme } from '../programmes/state.js';
import { decideFileObjection, decideOpenNotice, decideResolveObjection } from './decide.js';
import { noticeStream, type OpenedNotice } from './notice.js';

async function loadNotice(reader: StreamReader, noticeId: string): Promise<OpenedNotice> {
  const notice = await reader.read(streams.notice(noticeId), noticeStream);
  if (notice.status === 'none') throw refusal('NOT_FOUND', `notice ${noticeId} does not exist`, { id: noticeId });
  return notice;
}

export const openNotice = useCase({
  type: 'OpenNotice',
  roles: ['approver'],
  parse: ({ body }, context) => {
    const input = read.objectOf(body);
    read.onlyFields(input, ['programmeId', 'applicationIds', 'opensOn']);
    return {
      noticeId: derivedUuid(context.commandId, 'notice'),
      programmeId: read.key(input['programmeId'], 'programmeId'),
      applicationIds: read.list(input['applicationIds'], 'applicationIds', read.noticeApplicationCountMax).map((id, i) => read.key(id, `applicationIds[${i}]`)),
      opensOn: read.date(input['opensOn'], 'opensOn'),
    };
  },
  load: async (data, reader) => {
    const programme = requireProgramme(await reader.read(streams.programme(data.programmeId), programmeStream), data.programmeId);
    const applications = new Map<string, Application>();
    for (const id of new Set(data.applicationIds)) applications.set(id, await reader.read(streams.application(id), applicationStream));
    const calendar = calendarOf(await reader.read(streams.calendar(), calendarStream));
    return { programme: programme.current, applications, calendar };
  },
  decide: decideOpenNotice,
  write: (decided, command) => {
    const { noticeId, opensOn } = command.data;
    return {
      writes: onStreams(
        { stream: streams.notice(noticeId), expectedRevision: 'no-stream', events: decided.notice },
        ...Object.entries(decided.applications).map(([applicationId, events]) => ({ stream: streams.application(applicationId), events })),
      ),
      result: { noticeId, opensOn, endsOn: decided.notice[0].data.endsOn },
    };
  },
});

export const fileObjection = useCase({
  type: 'FileObjection',
  roles: ['approver'],
  parse: ({ params, body }, context) => {
    const input = read.objectOf(body);
    read.onlyFields(input, ['applicationId', 'summary']);
    return {
      noticeId: read.param(params, 'noticeId'),
      objectionId: derivedUuid(context.commandId, 'objection'),
      applicationId: read.key(input['applicationId'], 'applicationId'),
      summary: read.text(input['summary'], 'summary'),
    };
  },
  load: async (data, reader) => {
    const notice = await loadNotice(reader, data.noticeId);
    return { notice, application: await reader.read(streams.application(data.applicationId), applicationStream) };
  },
  decide: decideFileObjection,
  write: (decided, command) => ({
    writes: onStreams({ stream: streams.notice(command.data.noticeId), events: decided.notice }),
    result: { noticeId: command.data.noticeId, objectionId: command.data.objectionId },
  }),
});

export const resolveObjection = useCase({
  type: 'ResolveObjection',
  roles: ['approver'],
  parse: ({ params, body }) => {
    const input = read.objectOf(body);
    read.onlyFields(input, ['outcome', 'reason']);
    return {
      noticeId: read.param(params, 'noticeId'),
      objectionId: read.param(params, 'objectionId'),
      outcome: read.oneOf(input['outcome'], objectionOutcomes, 'outcome'),
      reason: read.text(input['reason'], 'reason'),
    };
  },
  load: async (data, reader) => {
    const notice = await loadNotice(reader, data.noticeId);
    const objection = notice.objections.get(data.objectionId);
    if (objection === undefined) throw refusal('NOT_FOUND', `objection ${data.objectionId} does not exist`, { id: data.objectionId });
    return { notice, application: await reader.read(streams.application(objection.applicationId), applicationStream) };
  },
  decide: decideResolveObjection,
  write: (decided, command, given) => {
    const applicationId = decided.notice[0].data.applicationId;
    const applicationStatus = decided.application !== undefined ? 'rejected' : given.application.status;
    return {
      writes: onStreams(
        { stream: streams.notice(command.data.noticeId), events: decided.notice },
        decided.application === undefined ? null : { stream: streams.application(applicationId), events: decided.application },
        ...onInvoiceStreams(decided.invoices, true),
      ),
      result: { noticeId: command.data.noticeId, objectionId: command.data.objectionId, outcome: command.data.outcome, applicationStatus },
    };
  },
});
