// The award use cases (approvers): approve an award by collective decision, revoke an undisbursed one.
import * as read from '../shared/parse.js';
import { streams } from '../shared/streams.js';
import { InconsistentReadError, need, onStreams, useCase, type StreamNeed } from '../commands/use-case.js';
import { loadApplication, onInvoiceStreams } from '../applications/use-cases.js';
import { budgetStream } from '../budgets/budget.js';
import { enterpriseStream } from '../enterprises/enterprise.js';
import { noNotice, noticeStream } from '../notices/notice.js';
import { decisionStream, noDecision } from '../decisions/decision.js';
import { keyPattern } from '../shared/patterns.js';
import { applicationStream, type AwardedApplication, type LiveApplication } from '../applications/application.js';
import type { Budget } from '../budgets/budget.js';
import type { ProgrammeDefinition } from '../programmes/programme.js';
import type { StreamReader, StreamWrite } from '../commands/use-case.js';
import type { CalendarDate } from '../shared/time.js';
import { emptyPool, enterpriseYearStream, matterStream, projectStream, type Pool } from './award-streams.js';
import type { Member } from './corrections.js';
import { decideApprove, decideRevoke, type Corrected, type PoolGiven } from './decide.js';
import { poolOf, projectKeyOf, proposalOf, type PoolKeys } from './entitlement.js';

/** The project stream of an application under a proportional rule, or null. */
export function projectStreamOf(programme: ProgrammeDefinition, application: LiveApplication): string | null {
  const { programmeId, uscc } = application.submission;
  const key = projectKeyOf(programme.rule, application.submission);
  return key === null ? null : streams.project(programmeId, uscc, key);
}

/** The pools an application's award counts in, for a proposal or an approval. */
export async function loadAwardPools(reader: StreamReader, application: LiveApplication, programme: ProgrammeDefinition) {
  const { programmeId, uscc, fiscalYear, matterKey } = application.submission;
  const enterpriseYear = await reader.read(streams.enterpriseYear(programmeId, uscc, fiscalYear), enterpriseYearStream);
  const projectName = projectStreamOf(programme, application);
  const project = projectName === null ? null : await reader.read(projectName, projectStream);
  const matter = matterKey === null ? null : await reader.read(streams.matter(uscc, matterKey), matterStream);
  return { enterpriseYear, project, matter };
}

/** Where the application's pools are kept: what identifies them when several applications are weighed together. */
export function poolKeysOf(application: LiveApplication, programme: ProgrammeDefinition): PoolKeys {
  const { programmeId, uscc, fiscalYear, matterKey } = application.submission;
  return {
    enterpriseYear: streams.enterpriseYear(programmeId, uscc, fiscalYear),
    project: projectStreamOf(programme, application),
    matter: matterKey === null ? null : streams.matter(uscc, matterKey),
  };
}

/**
 * What a correction of the application's pool reads (guarding each by its revision): the pool, every
 * other member's award, and the budget and enterprise-year of each fiscal year they belong to.
 */
export async function loadPool(reader: StreamReader, application: LiveApplication, programme: ProgrammeDefinition, programmeCurrent: ProgrammeDefinition): Promise<PoolGiven> {
  const { programmeId, uscc, fiscalYear, applicationId } = application.submission;
  const budgets = new Map<number, Budget>();
  const enterpriseYears = new Map<number, Pool>();
  const readYear = async (year: number): Promise<void> => {
    if (budgets.has(year)) return;
    budgets.set(year, await reader.read(streams.budget(programmeId, year), budgetStream));
    enterpriseYears.set(year, await reader.read(streams.enterpriseYear(programmeId, uscc, year), enterpriseYearStream));
  };
  await readYear(fiscalYear);
  const projectName = projectStreamOf(programme, application);
  const project = projectName === null ? null : await reader.read(projectName, projectStream);
  const pool = poolOf(programme.rule, { enterpriseYear: enterpriseYears.get(fiscalYear) ?? emptyPool, project });
  const poolStream = programme.rule.kind === 'proportional' && projectName !== null ? projectName : streams.enterpriseYear(programmeId, uscc, fiscalYear);
  const members = new Map<string, Member>();
  for (const memberId of pool?.entries.keys() ?? []) {
    if (memberId === applicationId) continue;
    const member = await reader.read(streams.application(memberId), applicationStream);
    // A revocation takes the award out of the pool in the same append: a pool that still holds it
    // was read before that append, the application after it.
    if (member.status === 'revoked') throw new InconsistentReadError(poolStream);
    if (member.status !== 'approved') continue;
    await readYear(member.submission.fiscalYear);
    members.set(memberId, { applicationId: memberId, programmeId, uscc, fiscalYear: member.submission.fiscalYear, award: (member as AwardedApplication).award });
  }
  return { programme, programmeCurrent, budgets, enterpriseYears, project, members };
}

/** A correction's writes: the pool's other applications, each year's budget and enterprise-year, the project, the new clawbacks. */
export function correctionWrites(corrected: Partial<Corrected>, application: LiveApplication, programme: ProgrammeDefinition): StreamWrite[] {
  const { programmeId, uscc } = application.submission;
  const projectName = projectStreamOf(programme, application);
  return onStreams(
    ...[...(corrected.members ?? [])].map(([id, events]) => ({ stream: streams.application(id), events })),
    ...[...(corrected.budgets ?? [])].map(([year, events]) => ({ stream: streams.budget(programmeId, year), events })),
    ...[...(corrected.enterpriseYears ?? [])].map(([year, events]) => ({ stream: streams.enterpriseYear(programmeId, uscc, year), events })),
    projectName === null ? null : { stream: projectName, events: corrected.project ?? [] },
    ...[...(corrected.clawbacks ?? [])].map(([clawbackId, events]) => ({ stream: streams.clawback(clawbackId), expectedRevision: 'no-stream' as const, events })),
  );
}

/** What an approval reads that its application names (all but the project, which its programme's rule names). */
function approvalReads(application: LiveApplication): StreamNeed[] {
  const { programmeId, uscc, fiscalYear, matterKey } = application.submission;
  return [
    need(streams.enterprise(uscc), enterpriseStream),
    ...(application.status === 'in_notice' ? [need(streams.notice(application.notice.noticeId), noticeStream)] : []),
    need(streams.enterpriseYear(programmeId, uscc, fiscalYear), enterpriseYearStream),
    ...(matterKey === null ? [] : [need(streams.matter(uscc, matterKey), matterStream)]),
    need(streams.budget(programmeId, fiscalYear), budgetStream),
  ];
}

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
  reads: (data) => [
    need(streams.application(data.applicationId), applicationStream),
    ...(keyPattern.test(data.decisionRef) ? [need(streams.decision(data.decisionRef), decisionStream)] : []),
  ],
  load: async (data, reader, metadata) => {
    const { application, programme, programmeCurrent } = await loadApplication(reader, data.applicationId, metadata.today, approvalReads);
    const { programmeId, uscc, fiscalYear } = application.submission;
    const enterprise = await reader.read(streams.enterprise(uscc), enterpriseStream);
    const notice = application.status === 'in_notice' ? await reader.read(streams.notice(application.notice.noticeId), noticeStream) : noNotice;
    // A reference that cannot be a decision's id (free text, as cited before decisions were recorded) names none.
    const decision = keyPattern.test(data.decisionRef) ? await reader.read(streams.decision(data.decisionRef), decisionStream) : noDecision;
    const pools = await loadAwardPools(reader, application, programme);
    // Last: where commands race, racers queue for the budget before reading it, and hold their turn
    // only for this read, the decision and the append.
    const budget = await reader.read(streams.budget(programmeId, fiscalYear), budgetStream);
    return { application, programme, programmeCurrent, enterprise, notice, decision, budget, ...pools };
  },
  decide: decideApprove,
  write: (decided, command, given) => {
    const { applicationId } = command.data;
    const { programmeId, uscc, fiscalYear, matterKey } = given.application.submission;
    const approved = decided.application[0].data;
    const projectName = projectStreamOf(given.programme, given.application);
    return {
      writes: onStreams(
        { stream: streams.application(applicationId), events: decided.application },
        { stream: streams.budget(programmeId, fiscalYear), events: decided.budget },
        { stream: streams.enterpriseYear(programmeId, uscc, fiscalYear), events: decided.enterpriseYear },
        projectName === null || decided.project === undefined ? null : { stream: projectName, events: decided.project },
        matterKey === null || decided.matter === undefined ? null : { stream: streams.matter(uscc, matterKey), events: decided.matter },
      ),
      result: { applicationId, status: 'approved' as const, entitlement: approved.entitlement, award: approved.award },
    };
  },
});

export const revokeAward = useCase({
  type: 'RevokeAward',
  roles: ['approver'],
  reads: (data) => [need(streams.application(data.applicationId), applicationStream)],
  parse: ({ params, body }, context) => {
    const input = read.objectOf(body);
    read.onlyFields(input, ['reason']);
    return { applicationId: read.param(params, 'applicationId'), reason: read.text(input['reason'], 'reason'), commandId: context.commandId };
  },
  load: async (data, reader, metadata) => {
    const { application, programme, programmeCurrent } = await loadApplication(reader, data.applicationId, metadata.today);
    const { uscc, matterKey } = application.submission;
    const pool = await loadPool(reader, application, programme, programmeCurrent);
    // The matter is read so that its release is appended at the revision it was read.
    if (matterKey !== null) await reader.read(streams.matter(uscc, matterKey), matterStream);
    return { ...pool, application };
  },
  decide: decideRevoke,
  write: (decided, command, given) => {
    const { applicationId } = command.data;
    const { uscc, matterKey } = given.application.submission;
    return {
      writes: [
        ...onStreams(
          { stream: streams.application(applicationId), events: decided.application },
          ...onInvoiceStreams(decided.invoices, true),
          matterKey === null || decided.matter === undefined ? null : { stream: streams.matter(uscc, matterKey), events: decided.matter },
        ),
        ...correctionWrites(decided, given.application, given.programme),
      ],
      result: { applicationId, status: 'revoked' as const, corrections: correctionSummary(decided) },
    };
  },
});

/** What a caller is told of a correction: each application reduced or clawed back, and by how much. */
export function correctionSummary(corrected: Partial<Corrected>): { applicationId: string; reduced: string; clawbackOrdered: string; clawbackId: string | null }[] {
  return [...(corrected.members ?? [])].map(([applicationId, events]) => {
    const reduced = events.find((e) => e.type === 'AwardReduced');
    const ordered = events.find((e) => e.type === 'ClawbackOrdered');
    return {
      applicationId,
      reduced: reduced?.data.amount ?? '0.00',
      clawbackOrdered: ordered?.data.amount ?? '0.00',
      clawbackId: ordered?.type === 'ClawbackOrdered' ? ordered.data.clawbackId : null,
    };
  });
}

/**
 * Rule `proposed-award`: from the final review on, what an approval now would grant the application
 * (before any explicit reduction), worked out on the pools as they stand; null before the final
 * review and once decided.
 */
export async function proposedAwardOf(reader: StreamReader, applicationId: string, today: CalendarDate): Promise<{ entitlement: string; base: string } | null> {
  const { application, programme } = await loadApplication(reader, applicationId, today);
  if (application.status !== 'reviewed' && application.status !== 'in_notice') return null;
  const proposal = proposalOf(application, programme.rule, await loadAwardPools(reader, application, programme));
  return { entitlement: proposal.entitlement.format(), base: proposal.base.format() };
}
