// The award use cases (approvers): approve an award by collective decision, revoke an undisbursed one.
import * as read from '../shared/parse.js';
import { streams } from '../shared/streams.js';
import { onStreams, useCase } from '../commands/use-case.js';
import { loadApplication, onInvoiceStreams } from '../applications/use-cases.js';
import { budgetStream } from '../budgets/budget.js';
import { enterpriseStream } from '../enterprises/enterprise.js';
import { noNotice, noticeStream } from '../notices/notice.js';
import { enterpriseYearStream, matterStream } from './award-streams.js';
import { decideApprove, decideRevoke } from './decide.js';

export const approveAward = useCase({
  type: 'ApproveAward',
  roles: ['approver'],
  parse: ({ params, body }) => {
    const input = read.objectOf(body);
    read.onlyFields(input, ['decisionRef', 'amount', 'caseByCase']);
    let caseByCaseJustification: string | null = null;
    if (input['caseByCase'] !== undefined) {
      const caseByCase = read.objectOf(input['caseByCase'], 'caseByCase');
      read.onlyFields(caseByCase, ['justification'], 'caseByCase');
      caseByCaseJustification = read.text(caseByCase['justification'], 'caseByCase.justification');
    }
    return {
      applicationId: read.param(params, 'applicationId'),
      decisionRef: read.text(input['decisionRef'], 'decisionRef', 200),
      amount: input['amount'] === undefined ? null : read.money(input['amount'], 'amount'),
      caseByCaseJustification,
    };
  },
  load: async (data, reader) => {
    const { application, programme, programmeCurrent } = await loadApplication(reader, data.applicationId);
    const { programmeId, uscc, fiscalYear, matterKey } = application.submission;
    const enterprise = await reader.read(streams.enterprise(uscc), enterpriseStream);
    const notice = application.status === 'in_notice' ? await reader.read(streams.notice(application.notice.noticeId), noticeStream) : noNotice;
    const budget = await reader.read(streams.budget(programmeId, fiscalYear), budgetStream);
    const enterpriseYear = await reader.read(streams.enterpriseYear(programmeId, uscc, fiscalYear), enterpriseYearStream);
    const matter = matterKey === null ? null : await reader.read(streams.matter(uscc, matterKey), matterStream);
    return { application, programme, programmeCurrent, enterprise, notice, budget, enterpriseYear, matter };
  },
  decide: decideApprove,
  write: (decided, command, given) => {
    const { applicationId } = command.data;
    const { programmeId, uscc, fiscalYear, matterKey } = given.application.submission;
    const approved = decided.application[0].data;
    return {
      writes: onStreams(
        { stream: streams.application(applicationId), events: decided.application },
        { stream: streams.budget(programmeId, fiscalYear), events: decided.budget },
        { stream: streams.enterpriseYear(programmeId, uscc, fiscalYear), events: decided.enterpriseYear },
        matterKey === null || decided.matter === undefined ? null : { stream: streams.matter(uscc, matterKey), events: decided.matter },
      ),
      result: { applicationId, status: 'approved' as const, entitlement: approved.entitlement, award: approved.award },
    };
  },
});

export const revokeAward = useCase({
  type: 'RevokeAward',
  roles: ['approver'],
  parse: ({ params, body }) => {
    const input = read.objectOf(body);
    read.onlyFields(input, ['reason']);
    return { applicationId: read.param(params, 'applicationId'), reason: read.text(input['reason'], 'reason') };
  },
  load: async (data, reader) => {
    const { application, programmeCurrent } = await loadApplication(reader, data.applicationId);
    const { programmeId, uscc, fiscalYear, matterKey } = application.submission;
    const budget = await reader.read(streams.budget(programmeId, fiscalYear), budgetStream);
    const enterpriseYear = await reader.read(streams.enterpriseYear(programmeId, uscc, fiscalYear), enterpriseYearStream);
    // The matter is read so that its release is appended at the revision it was read.
    if (matterKey !== null) await reader.read(streams.matter(uscc, matterKey), matterStream);
    return { application, programmeCurrent, budget, enterpriseYear };
  },
  decide: decideRevoke,
  write: (decided, command, given) => {
    const { applicationId } = command.data;
    const { programmeId, uscc, fiscalYear, matterKey } = given.application.submission;
    return {
      writes: onStreams(
        { stream: streams.application(applicationId), events: decided.application },
        { stream: streams.budget(programmeId, fiscalYear), events: decided.budget },
        { stream: streams.enterpriseYear(programmeId, uscc, fiscalYear), events: decided.enterpriseYear },
        ...onInvoiceStreams(decided.invoices, true),
        matterKey === null || decided.matter === undefined ? null : { stream: streams.matter(uscc, matterKey), events: decided.matter },
      ),
      result: { applicationId, status: 'revoked' as const },
    };
  },
});
