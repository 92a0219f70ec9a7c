// A public notice's state: its period and the objections filed during it.
import { assert, assertNever } from '../shared/assert.js';
import type { Recorded } from '../shared/event.js';
import type { StreamKind } from '../shared/stream-kind.js';
import type { CalendarDate } from '../shared/time.js';
import type { NoticeEvent } from './events.js';

export interface Objection {
  readonly objectionId: string;
  readonly applicationId: string;
  readonly outcome: 'upheld' | 'dismissed' | null;
}

export type Notice =
  | { readonly status: 'none' }
  | {
      readonly status: 'opened';
      readonly noticeId: string;
      readonly programmeId: string;
      readonly applicationIds: readonly string[];
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
      return { status: 'opened', noticeId: d.noticeId, programmeId: d.programmeId, applicationIds: d.applicationIds, opensOn: d.opensOn, endsOn: d.endsOn, objections: new Map() };
    }
    case 'ObjectionFiled': {
      assert(state.status === 'opened', 'an objection to a notice that was never opened');
      const objections = new Map(state.objections);
      objections.set(event.data.objectionId, { objectionId: event.data.objectionId, applicationId: event.data.applicationId, outcome: null });
      return { ...state, objections };
    }
    case 'ObjectionResolved': {
      assert(state.status === 'opened', 'a resolution on a notice that was never opened');
      const objections = new Map(state.objections);
      const current = objections.get(event.data.objectionId);
      assert(current !== undefined, `resolution of unknown objection ${event.data.objectionId}`);
      objections.set(current.objectionId, { ...current, outcome: event.data.outcome });
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
