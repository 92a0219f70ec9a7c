// The events of a collective decision's stream (党组集体研究, Wuhan art. 9(三)4 and 10(二)4; the 专班's
// 一事一议 for Baoding): the decision as minuted, with the applications it approved and the amount of
// each. Approvals cite it; it never changes once recorded.
import type { Amount, EventOf } from '../shared/event.js';

export const decisionKinds = ['collective', 'case-by-case'] as const;
export type DecisionKind = (typeof decisionKinds)[number];

export interface DecidedAward {
  readonly applicationId: string;
  readonly amount: Amount;
}

export interface DecisionEvents {
  DecisionRecorded: {
    decisionId: string;
    /** The minutes' reference (会议纪要文号). */
    reference: string;
    decidedOn: string;
    /** The body that took it: 市数据局党组, 保定国家数据标注基地建设工作专班, … */
    body: string;
    kind: DecisionKind;
    awards: DecidedAward[];
  };
}

export type DecisionEvent = EventOf<DecisionEvents>;

export interface DecisionReferenceEvents {
  /** A body's minutes reference names one recorded decision: a second record of the same minutes is refused. */
  DecisionReferenceUsed: { body: string; reference: string; decisionId: string };
}

export type DecisionReferenceEvent = EventOf<DecisionReferenceEvents>;
