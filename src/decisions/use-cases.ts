// The decision use case (approvers): record a collective decision (集体研究) or a 一事一议 decision.
import { timeOrderedUuid } from '../shared/identifiers.js';
import * as read from '../shared/parse.js';
import { streams } from '../shared/streams.js';
import { onStreams, useCase } from '../commands/use-case.js';
import { applicationStream, type Application } from '../applications/application.js';
import { decideRecordDecision } from './decide.js';
import { decisionReferenceStream } from './decision.js';
import { decisionKinds } from './events.js';

export const recordDecision = useCase({
  type: 'RecordDecision',
  roles: ['approver'],
  parse: ({ body }, context) => {
    const input = read.objectOf(body);
    read.onlyFields(input, ['reference', 'decidedOn', 'body', 'kind', 'awards']);
    return {
      decisionId: timeOrderedUuid(context.now, context.commandId, 'decision'),
      reference: read.name(input['reference'], 'reference', 200),
      decidedOn: read.date(input['decidedOn'], 'decidedOn'),
      body: read.name(input['body'], 'body', 200),
      kind: read.oneOf(input['kind'], decisionKinds, 'kind'),
      awards: read.list(input['awards'], 'awards', read.noticeApplicationCountMax).map((raw, i) => {
        const award = read.objectOf(raw, `awards[${i}]`);
        read.onlyFields(award, ['applicationId', 'amount'], `awards[${i}]`);
        return { applicationId: read.key(award['applicationId'], `awards[${i}].applicationId`), amount: read.moneyOrZero(award['amount'], `awards[${i}].amount`) };
      }),
    };
  },
  load: async (data, reader) => {
    const reference = await reader.read(streams.decisionReference(data.body, data.reference), decisionReferenceStream);
    const applications = new Map<string, Application>();
    for (const { applicationId } of data.awards) {
      if (!applications.has(applicationId)) applications.set(applicationId, await reader.read(streams.application(applicationId), applicationStream));
    }
    return { reference, applications };
  },
  decide: decideRecordDecision,
  write: (decided, command) => {
    const { decisionId, body, reference } = command.data;
    return {
      writes: onStreams(
        { stream: streams.decision(decisionId), expectedRevision: 'no-stream', events: decided.decision },
        { stream: streams.decisionReference(body, reference), expectedRevision: 'no-stream', events: decided.reference },
      ),
      result: { decisionId, reference, decidedOn: command.data.decidedOn, kind: command.data.kind, awards: decided.decision[0].data.awards },
    };
  },
});
