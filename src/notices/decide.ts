// Rules of the public notice (公示, Wuhan art. 9 and 10; SPEC §3): who may be listed, how long it
// runs on the State Council's working days, objections during it and what an upheld one does.
import type { TypedCommand } from '../shared/command.js';
import { refusal } from '../shared/errors.js';
import type { CalendarDate } from '../shared/time.js';
import type { WorkingDayCalendar } from '../shared/working-days.js';
import type { Application } from '../applications/application.js';
import { invalidTransition, releaseInvoices, requireApplication, type ByInvoice } from '../applications/decide.js';
import type { ApplicationEvents } from '../applications/events.js';
import type { ProgrammeDefinition } from '../programmes/programme.js';
import type { NoticeEvents } from './events.js';
import { noticeHasEnded, type OpenedNotice } from './notice.js';

type NoticeOf<T extends keyof NoticeEvents> = { readonly type: T; readonly data: NoticeEvents[T] };
type ApplicationOf<T extends keyof ApplicationEvents> = { readonly type: T; readonly data: ApplicationEvents[T] };

export type OpenNotice = TypedCommand<'OpenNotice', { noticeId: string; programmeId: string; applicationIds: readonly string[]; opensOn: CalendarDate }>;

/**
 * Rule `notice-period`: a notice lists reviewed applications of one programme, opens today or later
 * and lasts the programme's working days, the opening day not counted.
 */
export function decideOpenNotice(
  command: OpenNotice,
  given: { programme: ProgrammeDefinition; applications: ReadonlyMap<string, Application>; calendar: WorkingDayCalendar },
): { notice: [NoticeOf<'NoticeOpened'>]; applications: Readonly<Record<string, [ApplicationOf<'ApplicationNoticed'>]>> } {
  const input = command.data;
  const { programme } = given;
  if (new Set(input.applicationIds).size !== input.applicationIds.length) {
    throw refusal('VALIDATION_FAILED', 'applicationIds lists an application twice', { field: 'applicationIds' });
  }
  if (input.opensOn < command.metadata.today) throw refusal('VALIDATION_FAILED', `a notice cannot open in the past (${input.opensOn})`, { field: 'opensOn' });
  for (const applicationId of input.applicationIds) {
    const application = requireApplication(given.applications.get(applicationId) ?? { status: 'none' }, applicationId);
    if (application.submission.programmeId !== programme.id) {
      throw refusal('VALIDATION_FAILED', `application ${applicationId} belongs to ${application.submission.programmeId}, not ${programme.id}`, {
        field: 'applicationIds',
        applicationId,
      });
    }
    if (application.status !== 'reviewed') throw invalidTransition(applicationId, application.status, 'put on public notice');
  }
  const endsOn = given.calendar.addWorkingDays(input.opensOn, programme.noticeWorkingDays);
  const noticed: Record<string, [ApplicationOf<'ApplicationNoticed'>]> = {};
  for (const applicationId of input.applicationIds) {
    noticed[applicationId] = [{ type: 'ApplicationNoticed', data: { applicationId, noticeId: input.noticeId, opensOn: input.opensOn, endsOn } }];
  }
  return {
    notice: [{ type: 'NoticeOpened', data: { noticeId: input.noticeId, programmeId: programme.id, applicationIds: [...input.applicationIds], opensOn: input.opensOn, endsOn } }],
    applications: noticed,
  };
}

export type FileObjection = TypedCommand<'FileObjection', { noticeId: string; objectionId: string; applicationId: string; summary: string }>;

/** Rule `notice-objections`: objections to an application on the notice, during its period. */
export function decideFileObjection(command: FileObjection, given: { notice: OpenedNotice; application: Application }): { notice: [NoticeOf<'ObjectionFiled'>] } {
  const input = command.data;
  const { notice, application } = given;
  const { today } = command.metadata;
  if (!notice.applicationIds.includes(input.applicationId)) {
    throw refusal('VALIDATION_FAILED', `application ${input.applicationId} is not on notice ${notice.noticeId}`, { field: 'applicationId' });
  }
  if (today < notice.opensOn || noticeHasEnded(notice, today)) {
    throw refusal('NOTICE_CLOSED', `notice ${notice.noticeId} takes objections from ${notice.opensOn} to ${notice.endsOn}`, {
      opensOn: notice.opensOn,
      endsOn: notice.endsOn,
      today,
    });
  }
  if (application.status !== 'in_notice') throw invalidTransition(input.applicationId, application.status, 'objected to');
  return { notice: [{ type: 'ObjectionFiled', data: { noticeId: notice.noticeId, objectionId: input.objectionId, applicationId: input.applicationId, summary: input.summary } }] };
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
