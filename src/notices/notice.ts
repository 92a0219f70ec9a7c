// A public notice's state: its period and the objections filed during it.
import { assert, assertNever } from '../shared/assert.js';
import type { Recorded } from '../shared/event.js';
import type { StreamKind } from '../shared/stream-kind.js';
import type { CalendarDate } from '../shared/time.js';
import { refusal } from '../shared/errors.js';
import type { LiveApplication } from '../applications/application.js';
import type { NoticeStage, ProgrammeDefinition } from '../programmes/programme.js';
import type { NoticeEntry, NoticeEvent } from './events.js';

export interface Objection {
  readonly objectionId: string;
  readonly applicationId: string;
  readonly summary: string;
  /** Null: anonymous (or recorded before objectors were kept). */
  readonly objector: string | null;
  readonly channel: string | null;
  readonly receivedOn: CalendarDate | null;
  /** Who recorded it, and who resolved it, with the outcome and the reason. */
  readonly filedBy: string;
  readonly outcome: 'upheld' | 'dismissed' | null;
  readonly reason: string | null;
  readonly resolvedBy: string | null;
}

/** The channels by which the public's objections reach the department (来信、来电、来访、网上、电子邮件). */
export const objectionChannels = ['letter', 'phone', 'visit', 'online', 'email', 'other'] as const;
export type ObjectionChannel = (typeof objectionChannels)[number];

export type Notice =
  | { readonly status: 'none' }
  | {
      readonly status: 'opened';
      readonly noticeId: string;
      readonly programmeId: string;
      /** The review stage it follows; null on notices recorded before notice stages (the last). */
      readonly afterStage: string | null;
      readonly applicationIds: readonly string[];
      /** The public listing, by application. */
      readonly entries: ReadonlyMap<string, NoticeEntry>;
      readonly opensOn: CalendarDate;
      readonly endsOn: CalendarDate;
      readonly objections: ReadonlyMap<string, Objection>;
    };

export type OpenedNotice = Extract<Notice, { status: 'opened' }>;

export const noNotice: Notice = { status: 'none' };

export function evolveNotice(state: Notice, event: Recorded<NoticeEvent>): Notice {
  switch (event.type) {
    case 'NoticeOpened': {
      const d = event.data;
      return {
        status: 'opened',
        noticeId: d.noticeId,
        programmeId: d.programmeId,
        afterStage: d.afterStage,
        applicationIds: d.applicationIds,
        entries: new Map(d.entries.map((entry) => [entry.applicationId, entry])),
        opensOn: d.opensOn,
        endsOn: d.endsOn,
        objections: new Map(),
      };
    }
    case 'ObjectionFiled': {
      assert(state.status === 'opened', 'an objection to a notice that was never opened');
      const objections = new Map(state.objections);
      const d = event.data;
      objections.set(d.objectionId, {
        objectionId: d.objectionId,
        applicationId: d.applicationId,
        summary: d.summary,
        objector: d.objector,
        channel: d.channel,
        receivedOn: d.receivedOn,
        filedBy: event.actorId,
        outcome: null,
        reason: null,
        resolvedBy: null,
      });
      return { ...state, objections };
    }
    case 'ObjectionResolved': {
      assert(state.status === 'opened', 'a resolution on a notice that was never opened');
      const objections = new Map(state.objections);
      const current = objections.get(event.data.objectionId);
      assert(current !== undefined, `resolution of unknown objection ${event.data.objectionId}`);
      objections.set(current.objectionId, { ...current, outcome: event.data.outcome, reason: event.data.reason, resolvedBy: event.actorId });
      return { ...state, objections };
    }
    default:
      return assertNever(event, 'unknown event in a notice stream');
  }
}

export const noticeStream: StreamKind<Notice, NoticeEvent> = {
  name: 'notice',
  types: ['NoticeOpened', 'ObjectionFiled', 'ObjectionResolved'],
  initial: noNotice,
  evolve: evolveNotice,
  lastEventSuffices: false,
};

/** Rule `notice-period`: the notice is over once its last day has passed in Shanghai. */
export function noticeHasEnded(notice: { endsOn: CalendarDate }, today: CalendarDate): boolean {
  return today > notice.endsOn;
}

/** The first objection to the application on the notice that is not resolved, if any. */
export function unresolvedObjectionOf(notice: Notice, applicationId: string): Objection | undefined {
  if (notice.status === 'none') return undefined;
  return [...notice.objections.values()].find((o) => o.applicationId === applicationId && o.outcome === null);
}

/** The review stage an application has passed last, if any. */
function lastStageOf(application: LiveApplication): string | null {
  return application.review.stagesPassed[application.review.stagesPassed.length - 1] ?? null;
}

/** The notice stage that follows the application's last review, or null where none follows it. */
export function noticeStageOf(application: LiveApplication, programme: ProgrammeDefinition): NoticeStage | null {
  const last = lastStageOf(application);
  return programme.noticeStages.find((stage) => stage.afterStage === last) ?? null;
}

/**
 * Rule `notice-stages`: where the programme holds a notice after the stage an application passed
 * last, the next step (the next review, or the approval) waits until that notice has ended with no
 * objection open. Returns nothing; refuses otherwise.
 */
export function assertNoticeStageComplete(application: LiveApplication, programme: ProgrammeDefinition, notice: Notice, today: CalendarDate): void {
  const id = application.submission.applicationId;
  const stage = noticeStageOf(application, programme);
  if (stage === null) return;
  if (application.status !== 'in_notice') {
    throw refusal('NOTICE_STAGE_PENDING', `application ${id} goes on the public notice after ${stage.afterStage} before its next step`, {
      applicationId: id,
      afterStage: stage.afterStage,
      noticeId: null,
      endsOn: null,
    });
  }
  if (notice.status === 'none' || !noticeHasEnded(notice, today)) {
    const endsOn = notice.status === 'none' ? application.notice.endsOn : notice.endsOn;
    throw refusal('NOTICE_NOT_ENDED', `the public notice of application ${id} runs until ${endsOn}`, { applicationId: id, endsOn, today });
  }
  const open = unresolvedObjectionOf(notice, id);
  if (open !== undefined) {
    throw refusal('OBJECTION_UNRESOLVED', `objection ${open.objectionId} to application ${id} is not resolved`, { applicationId: id, objectionId: open.objectionId });
  }
}
