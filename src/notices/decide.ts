// Rules of the public notice (公示, Wuhan art. 9 and 10; SPEC §3): which applications a notice may
// list and at which stage, the proposed award of each, how long it runs on the State Council's
// working days, objections received during it and what an upheld one does.
import type { TypedCommand } from '../shared/command.js';
import { refusal } from '../shared/errors.js';
import type { Money } from '../shared/money.js';
import type { CalendarDate } from '../shared/time.js';
import type { WorkingDayCalendar } from '../shared/working-days.js';
import type { Application, LiveApplication } from '../applications/application.js';
import { invalidTransition, releaseInvoices, requireApplication, type ByInvoice } from '../applications/decide.js';
import type { ApplicationEvents } from '../applications/events.js';
import { proposalsInOrder, type AwardPools, type PoolKeys } from '../awards/entitlement.js';
import type { Enterprise } from '../enterprises/enterprise.js';
import type { NoticeStage, ProgrammeDefinition } from '../programmes/programme.js';
import type { NoticeEntry, NoticeEvents } from './events.js';
import { noticeHasEnded, noticeStageOf, unresolvedObjectionOf, type Notice, type ObjectionChannel, type OpenedNotice } from './notice.js';

type NoticeOf<T extends keyof NoticeEvents> = { readonly type: T; readonly data: NoticeEvents[T] };
type ApplicationOf<T extends keyof ApplicationEvents> = { readonly type: T; readonly data: ApplicationEvents[T] };

export type OpenNotice = TypedCommand<
  'OpenNotice',
  { noticeId: string; programmeId: string; applicationIds: readonly string[]; opensOn: CalendarDate; proposedAwards: ReadonlyMap<string, Money> }
>;

export interface OpenNoticeGiven {
  readonly programme: ProgrammeDefinition;
  readonly applications: ReadonlyMap<string, Application>;
  /** The notice each listed application is on now, where it is on one (a new notice of its stage supersedes it). */
  readonly currentNotices: ReadonlyMap<string, Notice>;
  readonly enterprises: ReadonlyMap<string, Enterprise>;
  /** The pools each listed application's award would count in, and where they are kept. */
  readonly pools: ReadonlyMap<string, { readonly pools: AwardPools; readonly keys: PoolKeys }>;
  readonly calendar: WorkingDayCalendar;
}

/**
 * Rules `notice-stages` and `notice-amounts` (Wuhan art. 9: 确认主体 … 对社会公示; 项目认定 … 形成拟奖励的
 * 项目清单并对社会公示; art. 10; Baoding): a notice lists applications of one programme that have just
 * passed the same review stage after which the programme holds a notice; it opens today or later and
 * lasts the programme's working days, the opening day not counted. A notice of proposed awards fixes
 * each application's 拟奖励金额 as it opens: the entitlement as the pools stand, counting the
 * applications listed before it, or a lower amount the approver proposes (up to the recognized amount
 * where the programme allows 一事一议). An application already on a notice of its stage may be listed
 * again (to show a higher amount) once no objection to it is open; the new notice supersedes the old.
 */
export function decideOpenNotice(
  command: OpenNotice,
  given: OpenNoticeGiven,
): { notice: [NoticeOf<'NoticeOpened'>]; applications: Readonly<Record<string, [ApplicationOf<'ApplicationNoticed'>]>> } {
  const input = command.data;
  const { programme } = given;
  if (new Set(input.applicationIds).size !== input.applicationIds.length) {
    throw refusal('VALIDATION_FAILED', 'applicationIds lists an application twice', { field: 'applicationIds' });
  }
  if (input.opensOn < command.metadata.today) throw refusal('VALIDATION_FAILED', `a notice cannot open in the past (${input.opensOn})`, { field: 'opensOn' });
  for (const applicationId of input.proposedAwards.keys()) {
    if (!input.applicationIds.includes(applicationId)) {
      throw refusal('VALIDATION_FAILED', `proposedAwards names application ${applicationId}, which the notice does not list`, { field: 'proposedAwards', applicationId });
    }
  }
  let stage: NoticeStage | null = null;
  const listed: LiveApplication[] = [];
  for (const applicationId of input.applicationIds) {
    const application = requireApplication(given.applications.get(applicationId) ?? { status: 'none' }, applicationId);
    if (application.submission.programmeId !== programme.id) {
      throw refusal('VALIDATION_FAILED', `application ${applicationId} belongs to ${application.submission.programmeId}, not ${programme.id}`, {
        field: 'applicationIds',
        applicationId,
      });
    }
    const own = noticeStageOf(application, programme);
    if (!['in_review', 'reviewed', 'in_notice'].includes(application.status) || own === null) {
      throw invalidTransition(
        applicationId,
        application.status,
        `put on public notice (${programme.id} holds notices after ${programme.noticeStages.map((s) => s.afterStage).join(', ')})`,
      );
    }
    if (application.status === 'in_notice') {
      const open = unresolvedObjectionOf(given.currentNotices.get(applicationId) ?? { status: 'none' }, applicationId);
      if (open !== undefined) {
        throw refusal('OBJECTION_UNRESOLVED', `objection ${open.objectionId} to application ${applicationId} is not resolved: resolve it before a new notice`, {
          applicationId,
          objectionId: open.objectionId,
        });
      }
    }
    if (stage !== null && stage.afterStage !== own.afterStage) {
      throw refusal('VALIDATION_FAILED', `a notice lists applications at one stage: ${applicationId} is after ${own.afterStage}, the others after ${stage.afterStage}`, {
        field: 'applicationIds',
        applicationId,
      });
    }
    stage = own;
    listed.push(application);
  }
  if (stage === null) throw refusal('VALIDATION_FAILED', 'a notice lists at least one application', { field: 'applicationIds' });
  if (!stage.listsAmounts && input.proposedAwards.size > 0) {
    throw refusal('VALIDATION_FAILED', `the notice after ${stage.afterStage} confirms the applicants and lists no amounts`, { field: 'proposedAwards' });
  }

  const proposals = stage.listsAmounts
    ? proposalsInOrder(
        programme.rule,
        listed.map((application) => {
          const id = application.submission.applicationId;
          const pools = given.pools.get(id);
          if (pools === undefined) throw new Error(`the pools of application ${id} were not read`);
          return { application, ...pools, proposed: input.proposedAwards.get(id) ?? null };
        }),
      )
    : null;

  const entries: NoticeEntry[] = listed.map((application, i) => {
    const { applicationId, uscc, matterKey } = application.submission;
    const enterprise = given.enterprises.get(uscc);
    const line = { applicationId, uscc, enterpriseName: enterprise?.status === 'registered' ? enterprise.name : null, matterKey };
    const proposal = proposals?.[i];
    if (proposal === undefined) return { ...line, proposedAward: null, proposedBy: null };
    const proposed = input.proposedAwards.get(applicationId);
    if (proposed === undefined) return { ...line, proposedAward: proposal.entitlement.format(), proposedBy: 'entitlement' };
    // A 一事一议 decision may go up to the recognized amount; an ordinary award never above the entitlement.
    const bound = programme.caseByCaseAllowed ? proposal.base : proposal.entitlement;
    if (proposed.greaterThan(bound)) {
      throw refusal(
        'AMOUNT_ABOVE_ENTITLEMENT',
        `the proposed award of ${proposed} for ${applicationId} exceeds ${programme.caseByCaseAllowed ? 'the recognized amount' : 'the entitlement'} ${bound}`,
        {
          applicationId,
          entitlement: proposal.entitlement.format(),
          requested: proposed.format(),
          recognized: proposal.base.format(),
        },
      );
    }
    return { ...line, proposedAward: proposed.format(), proposedBy: 'approver' };
  });

  const endsOn = given.calendar.addWorkingDays(input.opensOn, programme.noticeWorkingDays);
  const noticed: Record<string, [ApplicationOf<'ApplicationNoticed'>]> = {};
  for (const entry of entries) {
    noticed[entry.applicationId] = [
      {
        type: 'ApplicationNoticed',
        data: { applicationId: entry.applicationId, noticeId: input.noticeId, opensOn: input.opensOn, endsOn, afterStage: stage.afterStage, proposedAward: entry.proposedAward },
      },
    ];
  }
  return {
    notice: [
      {
        type: 'NoticeOpened',
        data: {
          noticeId: input.noticeId,
          programmeId: programme.id,
          afterStage: stage.afterStage,
          listsAmounts: stage.listsAmounts,
          applicationIds: [...input.applicationIds],
          entries,
          opensOn: input.opensOn,
          endsOn,
        },
      },
    ],
    applications: noticed,
  };
}

export type FileObjection = TypedCommand<
  'FileObjection',
  { noticeId: string; objectionId: string; applicationId: string; summary: string; objector: string | null; channel: ObjectionChannel; receivedOn: CalendarDate | null }
>;

/**
 * Rule `notice-objections`: an objection to an application on the notice, received during its period
 * (recorded on the day or later, while the application awaits its decision), with who objected (or
 * anonymous), the channel and a summary.
 */
export function decideFileObjection(command: FileObjection, given: { notice: OpenedNotice; application: Application }): { notice: [NoticeOf<'ObjectionFiled'>] } {
  const input = command.data;
  const { notice, application } = given;
  const { today } = command.metadata;
  const receivedOn = input.receivedOn ?? today;
  if (!notice.applicationIds.includes(input.applicationId)) {
    throw refusal('VALIDATION_FAILED', `application ${input.applicationId} is not on notice ${notice.noticeId}`, { field: 'applicationId' });
  }
  if (receivedOn > today) {
    throw refusal('DATE_OUT_OF_RANGE', `receivedOn ${receivedOn} is in the future`, { field: 'receivedOn', value: receivedOn, earliest: notice.opensOn, latest: today });
  }
  if (receivedOn < notice.opensOn || noticeHasEnded(notice, receivedOn)) {
    throw refusal('NOTICE_CLOSED', `notice ${notice.noticeId} takes objections received from ${notice.opensOn} to ${notice.endsOn}`, {
      opensOn: notice.opensOn,
      endsOn: notice.endsOn,
      today: receivedOn,
    });
  }
  if (application.status !== 'in_notice' || application.notice.noticeId !== notice.noticeId)
    throw invalidTransition(input.applicationId, application.status, `objected to on notice ${notice.noticeId}`);
  return {
    notice: [
      {
        type: 'ObjectionFiled',
        data: {
          noticeId: notice.noticeId,
          objectionId: input.objectionId,
          applicationId: input.applicationId,
          summary: input.summary,
          objector: input.objector,
          channel: input.channel,
          receivedOn,
        },
      },
    ],
  };
}

export type ResolveObjection = TypedCommand<'ResolveObjection', { noticeId: string; objectionId: string; outcome: 'upheld' | 'dismissed'; reason: string }>;

/** Rule `notice-objections`: an upheld objection rejects the application (unless it already left the notice). */
export function decideResolveObjection(
  command: ResolveObjection,
  given: { notice: OpenedNotice; application: Application },
): { notice: [NoticeOf<'ObjectionResolved'>]; application?: [ApplicationOf<'ApplicationRejected'>]; invoices?: ByInvoice<'InvoiceReleased'> } {
  const { objectionId, outcome, reason } = command.data;
  const { notice } = given;
  const objection = notice.objections.get(objectionId);
  if (objection === undefined) throw refusal('NOT_FOUND', `objection ${objectionId} does not exist`, { id: objectionId });
  if (objection.outcome !== null) throw refusal('INVALID_TRANSITION', `objection ${objectionId} was already resolved (${objection.outcome})`, { objectionId });
  const application = requireApplication(given.application, objection.applicationId);
  const resolved: NoticeOf<'ObjectionResolved'> = {
    type: 'ObjectionResolved',
    data: { noticeId: notice.noticeId, objectionId, applicationId: objection.applicationId, outcome, reason },
  };
  if (outcome === 'dismissed' || application.status !== 'in_notice') return { notice: [resolved] };
  return {
    notice: [resolved],
    application: [{ type: 'ApplicationRejected', data: { applicationId: objection.applicationId, stage: null, reason: `objection upheld: ${reason}`, objectionId } }],
    invoices: releaseInvoices(application, 'objection upheld'),
  };
}
