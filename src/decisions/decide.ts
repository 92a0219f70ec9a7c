// Rules of collective decisions (集体研究, SPEC §3): a decision is recorded once, as minuted, listing
// the applications it approved and the amount of each; an approval cites one that covers it.
import type { TypedCommand } from '../shared/command.js';
import { refusal } from '../shared/errors.js';
import type { Money } from '../shared/money.js';
import { assertDateWithin, type CalendarDate } from '../shared/time.js';
import type { Application } from '../applications/application.js';
import { invalidTransition, requireApplication } from '../applications/decide.js';
import type { Decision, DecisionReference, RecordedDecision } from './decision.js';
import type { DecisionEvents, DecisionKind, DecisionReferenceEvents } from './events.js';

type Of<M, T extends keyof M> = { readonly type: T; readonly data: M[T] };

export type RecordDecision = TypedCommand<
  'RecordDecision',
  { decisionId: string; reference: string; decidedOn: CalendarDate; body: string; kind: DecisionKind; awards: readonly { applicationId: string; amount: Money }[] }
>;

/** The earliest day a decision can be dated: before the first programme of the seeds. */
const decisionsFrom: CalendarDate = '2020-01-01';

/**
 * Rule `collective-decision` (Wuhan art. 9(三)4, 10(二)4: 经市数据局党组集体研究通过后拨付资金; the
 * 专班 for Baoding's 一事一议): a decision is recorded with its date (not in the future), minutes
 * reference, body and the amount approved for each application it lists; each listed application has
 * passed its reviews and awaits its award; the same body's minutes are recorded once.
 */
export function decideRecordDecision(
  command: RecordDecision,
  given: { reference: DecisionReference; applications: ReadonlyMap<string, Application> },
): { decision: [Of<DecisionEvents, 'DecisionRecorded'>]; reference: [Of<DecisionReferenceEvents, 'DecisionReferenceUsed'>] } {
  const input = command.data;
  assertDateWithin('decidedOn', input.decidedOn, decisionsFrom, command.metadata.today);
  if (given.reference.status === 'used') {
    throw refusal('ALREADY_EXISTS', `${input.body} minutes ${input.reference} are recorded already as decision ${given.reference.decisionId}`, {
      decisionId: given.reference.decisionId,
    });
  }
  const seen = new Set<string>();
  for (const { applicationId } of input.awards) {
    if (seen.has(applicationId)) throw refusal('VALIDATION_FAILED', `awards lists application ${applicationId} twice`, { field: 'awards', applicationId });
    seen.add(applicationId);
    const application = requireApplication(given.applications.get(applicationId) ?? { status: 'none' }, applicationId);
    if (application.status !== 'reviewed' && application.status !== 'in_notice') throw invalidTransition(applicationId, application.status, 'listed in a decision');
  }
  return {
    decision: [
      {
        type: 'DecisionRecorded',
        data: {
          decisionId: input.decisionId,
          reference: input.reference,
          decidedOn: input.decidedOn,
          body: input.body,
          kind: input.kind,
          awards: input.awards.map((a) => ({ applicationId: a.applicationId, amount: a.amount.format() })),
        },
      },
    ],
    reference: [{ type: 'DecisionReferenceUsed', data: { body: input.body, reference: input.reference, decisionId: input.decisionId } }],
  };
}

/**
 * Rule `collective-decision`, at approval: the cited decision is recorded, lists the application at
 * an amount of at least the award, and is a 一事一议 decision exactly when the approval is one.
 * Returns what the decision approved for the application.
 */
export function decidedAmountOf(decision: Decision, decisionRef: string, applicationId: string, caseByCase: boolean): { decision: RecordedDecision; amount: Money } {
  if (decision.status === 'none') {
    throw refusal('DECISION_NOT_RECORDED', `decision ${decisionRef} is not recorded: record it with POST /api/decisions and cite its id`, { decisionRef });
  }
  const amount = decision.awards.get(applicationId);
  if (amount === undefined) {
    throw refusal('DECISION_MISMATCH', `decision ${decision.decisionId} (${decision.reference}) does not list application ${applicationId}`, {
      decisionId: decision.decisionId,
      applicationId,
      reason: 'not-listed',
    });
  }
  if ((decision.kind === 'case-by-case') !== caseByCase) {
    const reason = caseByCase ? 'not-case-by-case' : 'case-by-case';
    throw refusal(
      'DECISION_MISMATCH',
      caseByCase
        ? `a 一事一议 award cites a 一事一议 decision; ${decision.reference} is a collective decision`
        : `decision ${decision.reference} is a 一事一议 decision: approve with caseByCase and its justification`,
      { decisionId: decision.decisionId, applicationId, reason },
    );
  }
  return { decision, amount };
}
