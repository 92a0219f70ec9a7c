// The public-notice use cases (approvers): open a notice, file and resolve objections.
import { refusal } from '../shared/errors.js';
import { timeOrderedUuid } from '../shared/identifiers.js';
import * as read from '../shared/parse.js';
import type { Money } from '../shared/money.js';
import { objectionOutcomes } from '../shared/patterns.js';
import { streams } from '../shared/streams.js';
import { onStreams, useCase, type StreamReader } from '../commands/use-case.js';
import { applicationStream, type Application } from '../applications/application.js';
import { onInvoiceStreams } from '../applications/use-cases.js';
import { loadAwardPools, poolKeysOf } from '../awards/use-cases.js';
import { enterpriseStream, type Enterprise } from '../enterprises/enterprise.js';
import { calendarOf, calendarStream, programmeStream, requireProgramme, versionInForce } from '../programmes/state.js';
import type { AwardPools, PoolKeys } from '../awards/entitlement.js';
import { decideFileObjection, decideOpenNotice, decideResolveObjection } from './decide.js';
import { noticeStream, objectionChannels, type Notice, type OpenedNotice } from './notice.js';

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
    read.onlyFields(input, ['programmeId', 'applicationIds', 'opensOn', 'proposedAwards']);
    const proposedAwards = new Map<string, Money>();
    if (input['proposedAwards'] !== undefined) {
      read.list(input['proposedAwards'], 'proposedAwards', read.noticeApplicationCountMax).forEach((raw, i) => {
        const entry = read.objectOf(raw, `proposedAwards[${i}]`);
        read.onlyFields(entry, ['applicationId', 'amount'], `proposedAwards[${i}]`);
        const applicationId = read.key(entry['applicationId'], `proposedAwards[${i}].applicationId`);
        if (proposedAwards.has(applicationId)) throw read.invalid(`proposedAwards[${i}].applicationId`, `names application ${applicationId} twice`);
        proposedAwards.set(applicationId, read.moneyOrZero(entry['amount'], `proposedAwards[${i}].amount`));
      });
    }
    return {
      noticeId: timeOrderedUuid(context.now, context.commandId, 'notice'),
      programmeId: read.key(input['programmeId'], 'programmeId'),
      applicationIds: read.list(input['applicationIds'], 'applicationIds', read.noticeApplicationCountMax).map((id, i) => read.key(id, `applicationIds[${i}]`)),
      opensOn: read.date(input['opensOn'], 'opensOn'),
      proposedAwards: proposedAwards as ReadonlyMap<string, Money>,
    };
  },
  load: async (data, reader, metadata) => {
    const published = requireProgramme(await reader.read(streams.programme(data.programmeId), programmeStream), data.programmeId);
    // The version in force today: its notice stages and period, and the rule the proposed awards follow.
    const programme = versionInForce(published, metadata.today);
    const applications = new Map<string, Application>();
    const currentNotices = new Map<string, Notice>();
    const enterprises = new Map<string, Enterprise>();
    const pools = new Map<string, { pools: AwardPools; keys: PoolKeys }>();
    for (const id of new Set(data.applicationIds)) {
      const application = await reader.read(streams.application(id), applicationStream);
      applications.set(id, application);
      if (application.status === 'none' || application.submission.programmeId !== data.programmeId) continue;
      if (application.status === 'in_notice') currentNotices.set(id, await reader.read(streams.notice(application.notice.noticeId), noticeStream));
      const { uscc } = application.submission;
      if (!enterprises.has(uscc)) enterprises.set(uscc, await reader.read(streams.enterprise(uscc), enterpriseStream));
      pools.set(id, { pools: await loadAwardPools(reader, application, programme), keys: poolKeysOf(application, programme) });
    }
    const calendar = calendarOf(await reader.read(streams.calendar(), calendarStream));
    return { programme, applications, currentNotices, enterprises, pools, calendar };
  },
  decide: decideOpenNotice,
  write: (decided, command) => {
    const { noticeId, opensOn } = command.data;
    return {
      writes: onStreams(
        { stream: streams.notice(noticeId), expectedRevision: 'no-stream', events: decided.notice },
        ...Object.entries(decided.applications).map(([applicationId, events]) => ({ stream: streams.application(applicationId), events })),
      ),
      result: {
        noticeId,
        afterStage: decided.notice[0].data.afterStage,
        opensOn,
        endsOn: decided.notice[0].data.endsOn,
        entries: decided.notice[0].data.entries.map((e) => ({ applicationId: e.applicationId, proposedAward: e.proposedAward })),
      },
    };
  },
});

export const fileObjection = useCase({
  type: 'FileObjection',
  // The approver, or the reviewer who keeps the public channel (letters, the hotline, the website).
  roles: ['approver', 'reviewer'],
  parse: ({ params, body }, context) => {
    const input = read.objectOf(body);
    read.onlyFields(input, ['applicationId', 'summary', 'objector', 'channel', 'receivedOn']);
    return {
      noticeId: read.param(params, 'noticeId'),
      objectionId: timeOrderedUuid(context.now, context.commandId, 'objection'),
      applicationId: read.key(input['applicationId'], 'applicationId'),
      summary: read.text(input['summary'], 'summary'),
      // Absent or null: anonymous (匿名).
      objector: read.optionalName(input['objector'], 'objector', 200),
      channel: input['channel'] === undefined ? 'other' : read.oneOf(input['channel'], objectionChannels, 'channel'),
      receivedOn: read.optionalDate(input['receivedOn'], 'receivedOn'),
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
