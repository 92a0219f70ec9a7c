// The disbursement use cases (finance): record a payment (maker), confirm or reject it (checker).
import { refusal } from '../shared/errors.js';
import { Money } from '../shared/money.js';
import { paidOf } from '../applications/application.js';
import { timeOrderedUuid } from '../shared/identifiers.js';
import * as read from '../shared/parse.js';
import { streams } from '../shared/streams.js';
import { onStreams, useCase, type StreamReader } from '../commands/use-case.js';
import { loadApplication } from '../applications/use-cases.js';
import { enterpriseStream } from '../enterprises/enterprise.js';
import { decideConfirmDisbursement, decideRecordDisbursement, decideRejectDisbursement } from './decide.js';
import { disbursementIndexStream, paymentReferenceStream } from './indexes.js';

/** The application a disbursement belongs to, through its index stream. */
export async function applicationOfDisbursement(reader: StreamReader, disbursementId: string): Promise<string> {
  const indexed = await reader.read(streams.disbursement(disbursementId), disbursementIndexStream);
  if (indexed.status === 'none') throw refusal('NOT_FOUND', `disbursement ${disbursementId} does not exist`, { id: disbursementId });
  return indexed.applicationId;
}

export const recordDisbursement = useCase({
  type: 'RecordDisbursement',
  roles: ['finance'],
  parse: ({ params, body }, context) => {
    const input = read.objectOf(body);
    read.onlyFields(input, ['amount', 'paymentRef', 'paidOn']);
    return {
      applicationId: read.param(params, 'applicationId'),
      disbursementId: timeOrderedUuid(context.now, context.commandId, 'disbursement'),
      amount: read.money(input['amount'], 'amount'),
      paymentRef: read.key(input['paymentRef'], 'paymentRef'),
      paidOn: read.date(input['paidOn'], 'paidOn'),
    };
  },
  load: async (data, reader, metadata) => {
    const { application, programme } = await loadApplication(reader, data.applicationId, metadata.today);
    const enterprise = await reader.read(streams.enterprise(application.submission.uscc), enterpriseStream);
    const paymentReference = await reader.read(streams.paymentReference(data.paymentRef), paymentReferenceStream);
    return { application, programme, enterprise, paymentReference };
  },
  decide: decideRecordDisbursement,
  write: (decided, command) => {
    const { applicationId, disbursementId, paymentRef } = command.data;
    return {
      writes: onStreams(
        { stream: streams.application(applicationId), events: decided.application },
        { stream: streams.disbursement(disbursementId), expectedRevision: 'no-stream', events: decided.disbursement },
        { stream: streams.paymentReference(paymentRef), expectedRevision: 'no-stream', events: decided.paymentReference },
      ),
      result: { disbursementId, applicationId, status: 'recorded' as const },
    };
  },
});

export const confirmDisbursement = useCase({
  type: 'ConfirmDisbursement',
  roles: ['finance'],
  parse: ({ params }) => ({ disbursementId: read.param(params, 'disbursementId') }),
  load: async (data, reader, metadata) => {
    const { application, programme } = await loadApplication(reader, await applicationOfDisbursement(reader, data.disbursementId), metadata.today);
    const enterprise = await reader.read(streams.enterprise(application.submission.uscc), enterpriseStream);
    return { application, programme, enterprise };
  },
  decide: decideConfirmDisbursement,
  write: (decided, command, given) => {
    const { disbursementId } = command.data;
    const applicationId = given.application.submission.applicationId;
    return {
      writes: onStreams({ stream: streams.application(applicationId), events: decided.application }),
      result: { disbursementId, applicationId, status: 'confirmed' as const, paid: paidAfterConfirming(given.application, decided.application[0].data.amount) },
    };
  },
});

function paidAfterConfirming(application: Parameters<typeof decideConfirmDisbursement>[1]['application'], amount: string): string {
  return 'award' in application ? paidOf(application.award).plus(Money.of(amount)).format() : amount;
}

export const rejectDisbursement = useCase({
  type: 'RejectDisbursement',
  roles: ['finance'],
  parse: ({ params, body }) => {
    const input = read.objectOf(body);
    read.onlyFields(input, ['reason']);
    return { disbursementId: read.param(params, 'disbursementId'), reason: read.text(input['reason'], 'reason') };
  },
  load: async (data, reader, metadata) => {
    const { application } = await loadApplication(reader, await applicationOfDisbursement(reader, data.disbursementId), metadata.today);
    return { application };
  },
  decide: decideRejectDisbursement,
  write: (decided, command, given) => {
    const applicationId = given.application.submission.applicationId;
    return {
      writes: onStreams({ stream: streams.application(applicationId), events: decided.application }),
      result: { disbursementId: command.data.disbursementId, applicationId, status: 'rejected' as const },
    };
  },
});
