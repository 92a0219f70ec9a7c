// A recorded collective decision, folded from its stream; and the index that keeps one record per
// body's minutes reference.
import { assertNever } from '../shared/assert.js';
import type { Recorded } from '../shared/event.js';
import { Money } from '../shared/money.js';
import type { StreamKind } from '../shared/stream-kind.js';
import type { CalendarDate } from '../shared/time.js';
import type { DecisionEvent, DecisionKind, DecisionReferenceEvent } from './events.js';

export type Decision =
  | { readonly status: 'none' }
  | {
      readonly status: 'recorded';
      readonly decisionId: string;
      readonly reference: string;
      readonly decidedOn: CalendarDate;
      readonly body: string;
      readonly kind: DecisionKind;
      /** The amount approved for each application it lists. */
      readonly awards: ReadonlyMap<string, Money>;
    };

export type RecordedDecision = Extract<Decision, { status: 'recorded' }>;

export const noDecision: Decision = { status: 'none' };

export function evolveDecision(_state: Decision, event: Recorded<DecisionEvent>): Decision {
  switch (event.type) {
    case 'DecisionRecorded': {
      const d = event.data;
      return {
        status: 'recorded',
        decisionId: d.decisionId,
        reference: d.reference,
        decidedOn: d.decidedOn,
        body: d.body,
        kind: d.kind,
        awards: new Map(d.awards.map((a) => [a.applicationId, Money.of(a.amount)])),
      };
    }
    default:
      return assertNever(event.type, 'unknown event in a decision stream');
  }
}

export const decisionStream: StreamKind<Decision, DecisionEvent> = {
  name: 'decision',
  types: ['DecisionRecorded'],
  initial: noDecision,
  evolve: evolveDecision,
  lastEventSuffices: true,
};

export type DecisionReference = { readonly status: 'free' } | { readonly status: 'used'; readonly decisionId: string };

export const decisionReferenceStream: StreamKind<DecisionReference, DecisionReferenceEvent> = {
  name: 'decision-reference',
  types: ['DecisionReferenceUsed'],
  initial: { status: 'free' },
  evolve: (_state, event) => ({ status: 'used', decisionId: event.data.decisionId }),
  lastEventSuffices: true,
};
