// The clawback use cases: an approver orders a recovery or writes off what cannot be recovered;
// finance records receipts.
import { refusal } from '../shared/errors.js';
import { timeOrderedUuid } from '../shared/identifiers.js';
import * as read from '../shared/parse.js';
import { streams } from '../shared/streams.js';
import { onStreams, useCase, type StreamReader } from '../commands/use-case.js';
import { loadApplication } from '../applications/use-cases.js';
import { emptyPool, enterpriseYearStream } from '../awards/award-streams.js';
import { correctionSummary, correctionWrites, loadPool } from '../awards/use-cases.js';
import { budgetStream } from '../budgets/budget.js';
import { enterpriseStream } from '../enterprises/enterprise.js';
import { referralOutcomes } from '../shared/patterns.js';
import {
  clawbackIndexStream,
  decideConcludeReferral,
  decideOrderClawback,
  decideRecordRecovery,
  decideReferFraud,
  decideWriteOff,
  recoveryTotals,
  type ReferralInput,
} from './decide.js';

/** The application a clawback belongs to, through its index stream. */
async function applicationOfClawback(reader: StreamReader, clawbackId: string): Promise<string> {
  const indexed = await reader.read(streams.clawback(clawbackId), clawbackIndexStream);
  if (indexed.status === 'none') throw refusal('NOT_FOUND', `clawback ${clawbackId} does not exist`, { id: clawbackId });
  return indexed.applicationId;
}

/** A referral to the judicial organs: `{referredOn, reference, authority}`; `prefix` names its fields in errors. */
function referralOf(value: unknown, prefix: string): ReferralInput {
  const input = read.objectOf(value, prefix === '' ? undefined : prefix.slice(0, -1));
  read.onlyFields(input, ['referredOn', 'reference', 'authority'], prefix === '' ? undefined : prefix.slice(0, -1));
  return {
    referredOn: read.date(input['referredOn'], `${prefix}referredOn`),
    reference: read.name(input['reference'], `${prefix}reference`, 200),
    authority: read.name(input['authority'], `${prefix}authority`, 200),
  };
}

export const orderClawback = useCase({
  type: 'OrderClawback',
  roles: ['approver'],
  parse: ({ params, body }, context) => {
    const input = read.objectOf(body);
    read.onlyFields(input, ['amount', 'reason', 'fraud', 'disqualifiesSpend', 'banUntil', 'referral']);
    if (input['fraud'] !== undefined && typeof input['fraud'] !== 'boolean') throw refusal('VALIDATION_FAILED', 'fraud must be true or false', { field: 'fraud' });
    if (input['disqualifiesSpend'] !== undefined && typeof input['disqualifiesSpend'] !== 'boolean') {
      throw refusal('VALIDATION_FAILED', 'disqualifiesSpend must be true or false', { field: 'disqualifiesSpend' });
    }
    const fraud = input['fraud'] === true;
    return {
      applicationId: read.param(params, 'applicationId'),
      clawbackId: timeOrderedUuid(context.now, context.commandId, 'clawback'),
      amount: read.money(input['amount'], 'amount'),
      reason: read.text(input['reason'], 'reason'),
      fraud,
      // Fraud disqualifies the spend unless the order says otherwise; false invoices without fraud say so explicitly.
      disqualifiesSpend: input['disqualifiesSpend'] === undefined ? fraud : input['disqualifiesSpend'] === true,
      flagId: timeOrderedUuid(context.now, context.commandId, 'flag'),
      commandId: context.commandId,
      banUntil: read.optionalDate(input['banUntil'], 'banUntil'),
      referral: input['referral'] === undefined || input['referral'] === null ? null : referralOf(input['referral'], 'referral.'),
    };
  },
  load: async (data, reader, metadata) => {
    const { application, programme, programmeCurrent } = await loadApplication(reader, data.applicationId, metadata.today);
    const enterprise = await reader.read(streams.enterprise(application.submission.uscc), enterpriseStream);
    const pool = data.disqualifiesSpend && application.status === 'approved' ? await loadPool(reader, application, programme, programmeCurrent) : null;
    return { application, enterprise, pool, programme };
  },
  decide: decideOrderClawback,
  write: (decided, command, given) => {
    const { applicationId, clawbackId } = command.data;
    return {
      writes: [
        ...onStreams(
          { stream: streams.application(applicationId), events: decided.application },
          { stream: streams.clawback(clawbackId), expectedRevision: 'no-stream', events: decided.clawback },
          decided.enterprise === undefined ? null : { stream: streams.enterprise(given.application.submission.uscc), events: decided.enterprise },
        ),
        ...correctionWrites(decided, given.application, given.programme),
      ],
      result: { clawbackId, applicationId, flagged: decided.enterprise !== undefined, disqualifiesSpend: command.data.disqualifiesSpend, corrections: correctionSummary(decided) },
    };
  },
});

export const recordRecovery = useCase({
  type: 'RecordRecovery',
  roles: ['finance'],
  parse: ({ params, body }) => {
    const input = read.objectOf(body);
    read.onlyFields(input, ['amount', 'receivedOn', 'receiptRef']);
    return {
      clawbackId: read.param(params, 'clawbackId'),
      amount: read.money(input['amount'], 'amount'),
      receivedOn: read.date(input['receivedOn'], 'receivedOn'),
      receiptRef: read.text(input['receiptRef'], 'receiptRef', 100),
    };
  },
  load: async (data, reader, metadata) => {
    const { application, programmeCurrent } = await loadApplication(reader, await applicationOfClawback(reader, data.clawbackId), metadata.today);
    const { programmeId, uscc, fiscalYear } = application.submission;
    // The budget and the enterprise-year are read (and so guarded) only where a receipt restores their headroom.
    const restores = programmeCurrent.recoveryRestoresHeadroom;
    const budget = restores ? await reader.read(streams.budget(programmeId, fiscalYear), budgetStream) : budgetStream.initial;
    const enterpriseYear = restores ? await reader.read(streams.enterpriseYear(programmeId, uscc, fiscalYear), enterpriseYearStream) : emptyPool;
    return { application, programmeCurrent, budget, enterpriseYear };
  },
  decide: decideRecordRecovery,
  write: (decided, command, given) => {
    const { programmeId, uscc, fiscalYear, applicationId } = given.application.submission;
    return {
      writes: onStreams(
        { stream: streams.application(applicationId), events: decided.application },
        decided.budget === undefined ? null : { stream: streams.budget(programmeId, fiscalYear), events: decided.budget },
        decided.enterpriseYear === undefined ? null : { stream: streams.enterpriseYear(programmeId, uscc, fiscalYear), events: decided.enterpriseYear },
      ),
      result: { clawbackId: command.data.clawbackId, applicationId, ...recoveryTotals(given.application, command) },
    };
  },
});

export const writeOffClawback = useCase({
  type: 'WriteOffClawback',
  roles: ['approver'],
  parse: ({ params, body }) => {
    const input = read.objectOf(body);
    read.onlyFields(input, ['reason']);
    return { clawbackId: read.param(params, 'clawbackId'), reason: read.text(input['reason'], 'reason') };
  },
  load: async (data, reader, metadata) => {
    const { application } = await loadApplication(reader, await applicationOfClawback(reader, data.clawbackId), metadata.today);
    return { application };
  },
  decide: decideWriteOff,
  write: (decided, command, given) => ({
    writes: onStreams({ stream: streams.application(given.application.submission.applicationId), events: decided.application }),
    result: { clawbackId: command.data.clawbackId, writtenOff: decided.application[0].data.amount },
  }),
});

export const referFraud = useCase({
  type: 'ReferFraud',
  roles: ['approver'],
  parse: ({ params, body }) => ({ clawbackId: read.param(params, 'clawbackId'), ...referralOf(body, '') }),
  load: async (data, reader, metadata) => {
    const { application } = await loadApplication(reader, await applicationOfClawback(reader, data.clawbackId), metadata.today);
    return { application };
  },
  decide: decideReferFraud,
  write: (decided, command, given) => ({
    writes: onStreams({ stream: streams.application(given.application.submission.applicationId), events: decided.application }),
    result: { clawbackId: command.data.clawbackId, applicationId: given.application.submission.applicationId, referredOn: command.data.referredOn },
  }),
});

export const concludeReferral = useCase({
  type: 'ConcludeReferral',
  roles: ['approver'],
  parse: ({ params, body }) => {
    const input = read.objectOf(body);
    read.onlyFields(input, ['outcome', 'decidedOn', 'reference', 'summary']);
    return {
      clawbackId: read.param(params, 'clawbackId'),
      outcome: read.oneOf(input['outcome'], referralOutcomes, 'outcome'),
      decidedOn: read.date(input['decidedOn'], 'decidedOn'),
      reference: read.name(input['reference'], 'reference', 200),
      summary: read.optionalText(input['summary'], 'summary'),
    };
  },
  load: async (data, reader, metadata) => {
    const { application } = await loadApplication(reader, await applicationOfClawback(reader, data.clawbackId), metadata.today);
    return { application };
  },
  decide: decideConcludeReferral,
  write: (decided, command, given) => ({
    writes: onStreams({ stream: streams.application(given.application.submission.applicationId), events: decided.application }),
    result: { clawbackId: command.data.clawbackId, applicationId: given.application.submission.applicationId, outcome: command.data.outcome },
  }),
});
