// The events of a public notice's stream (公示): what it listed and at what proposed amounts, its
// period, the objections received during it and how each was resolved.
import type { Amount, EventOf } from '../shared/event.js';

/** One line of the public listing, as the public saw it. */
export interface NoticeEntry {
  readonly applicationId: string;
  /** Null on notices recorded before the listing was kept (version 1). */
  readonly uscc: string | null;
  readonly enterpriseName: string | null;
  readonly matterKey: string | null;
  /** 拟奖励金额; null where the notice lists no amounts (a 确认主体 notice, or version 1). */
  readonly proposedAward: Amount | null;
  /** Where the amount came from: the entitlement as the pools stood, or the approver's proposal. */
  readonly proposedBy: 'entitlement' | 'approver' | null;
}

export interface NoticeEvents {
  NoticeOpened: {
    noticeId: string;
    programmeId: string;
    /** The review stage the notice follows; null on notices recorded before notice stages (the last stage). */
    afterStage: string | null;
    listsAmounts: boolean;
    applicationIds: string[];
    entries: NoticeEntry[];
    opensOn: string;
    endsOn: string;
  };
  /**
   * `objector` null: anonymous. `channel` and `receivedOn` are null on objections recorded before they
   * were kept (version 1).
   */
  ObjectionFiled: {
    noticeId: string;
    objectionId: string;
    applicationId: string;
    summary: string;
    objector: string | null;
    channel: string | null;
    receivedOn: string | null;
  };
  ObjectionResolved: { noticeId: string; objectionId: string; applicationId: string; outcome: 'upheld' | 'dismissed'; reason: string };
}

export type NoticeEvent = EventOf<NoticeEvents>;

/** Version 1 of NoticeOpened: the applications only. */
export type NoticeOpenedV1 = Pick<NoticeEvents['NoticeOpened'], 'noticeId' | 'programmeId' | 'applicationIds' | 'opensOn' | 'endsOn'>;
/** Version 1 of ObjectionFiled: the summary only. */
export type ObjectionFiledV1 = Pick<NoticeEvents['ObjectionFiled'], 'noticeId' | 'objectionId' | 'applicationId' | 'summary'>;
