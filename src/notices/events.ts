// The events of a public notice's stream (公示): the applications it lists, the period, objections.
import type { EventOf } from '../shared/event.js';

export interface NoticeEvents {
  NoticeOpened: { noticeId: string; programmeId: string; applicationIds: string[]; opensOn: string; endsOn: string };
  ObjectionFiled: { noticeId: string; objectionId: string; applicationId: string; summary: string };
  ObjectionResolved: { noticeId: string; objectionId: string; applicationId: string; outcome: 'upheld' | 'dismissed'; reason: string };
}

export type NoticeEvent = EventOf<NoticeEvents>;
