// Rules of the award (集体研究, SPEC §2–3): approval after the notice, the amount the programme's rule
// allows as an increment of its pool (the enterprise-year or the project) within the matter and the
// budget; 一事一议 within the recognized amount; revocation of an undisbursed award, and the corrections
// it causes in its pool.
import type { TypedCommand } from '../shared/command.js';
import { refusal } from '../shared/errors.js';
import { Money } from '../shared/money.js';
import type { LiveApplication } from '../applications/application.js';
import { invalidTransition, releaseInvoices, type ByInvoice } from '../applications/decide.js';
import type { ApplicationEvents } from '../applications/events.js';
import { budgetTotalOf, committedOf, type Budget } from '../budgets/budget.js';
import type { BudgetEvents } from '../budgets/events.js';
import type { ClawbackIndexEvents } from '../clawbacks/events.js';
import { assertEligible, type Enterprise } from '../enterprises/enterprise.js';
import { assertNoticeStageComplete, type Notice } from '../notices/notice.js';
import type { Decision } from '../decisions/decision.js';
import { decidedAmountOf } from '../decisions/decide.js';
import { isPooled } from '../programmes/award-rules.js';
import type { ProgrammeDefinition } from '../programmes/programme.js';
import { emptyPool, type Matter, type Pool } from './award-streams.js';
import { CorrectionLedger, correctionsOf, poolWithout, type Member } from './corrections.js';
import { matterTopUp, poolOf, proposalOf, projectKeyOf } from './entitlement.js';
import type { EnterpriseYearEvents, MatterEvents, ProjectEvents } from './events.js';
import { refuseRecognitionHeld } from './recognition.js';

type Of<M, T extends keyof M> = { readonly type: T; readonly data: M[T] };

export type ApproveAward = TypedCommand<'ApproveAward', { applicationId: string; decisionRef: string; amount: Money | null; caseByCaseJustification: string | null }>;

export interface ApproveGiven {
  readonly application: LiveApplication;
  /** The definition the application was submitted under (its rule and stages). */
  readonly programme: ProgrammeDefinition;
  /** The programme's current definition (its budget). */
  readonly programmeCurrent: ProgrammeDefinition;
  readonly enterprise: Enterprise;
  readonly notice: Notice;
  /** The collective decision the approval cites (none where no decision of that id is recorded). */
  readonly decision: Decision;
  readonly budget: Budget;
  readonly enterpriseYear: Pool;
  /** The application's project under a proportional rule; null under any other. */
  readonly project: Pool | null;
  /** Live awards for the same matter of the same enterprise (就高不重复); null where the application names no matter. */
  readonly matter: Matter | null;
}

export interface Approved {
  readonly application: [Of<ApplicationEvents, 'AwardApproved'>];
  readonly budget: [Of<BudgetEvents, 'AwardCommitted'>];
  readonly enterpriseYear: [Of<EnterpriseYearEvents, 'AwardGranted'>];
  readonly project?: [Of<ProjectEvents, 'ProjectFunded'>];
  readonly matter?: [Of<MatterEvents, 'MatterFunded'>];
}

export function decideApprove(command: ApproveAward, given: ApproveGiven): Approved {
  const input = command.data;
  const { today, actorId } = command.metadata;
  const { application, programme, notice } = given;
  const { submission } = application;
  const id = submission.applicationId;
  if (application.status !== 'in_notice') throw invalidTransition(id, application.status, 'approved');
  const stageExpected = programme.stages[application.review.stagesPassed.length];
  if (stageExpected !== undefined) {
    throw refusal('INVALID_TRANSITION', `application ${id} awaits the ${stageExpected} stage before its approval`, {
      applicationId: id,
      status: application.status,
      stageExpected,
    });
  }
  // Rules `notice-before-approval` and `notice-stages`: approval only once the last notice has ended, with no objection open.
  assertNoticeStageComplete(application, programme, notice, today);
  // Rule `segregation-of-duties`: whoever recorded the final review does not approve.
  if (application.review.lastReviewer === actorId) {
    throw refusal('SEGREGATION_OF_DUTIES', `${actorId} recorded the final review of application ${id} and may not approve it`, { applicationId: id, actor: actorId });
  }
  assertEligible(given.enterprise, programme.jurisdiction, today, submission.uscc);

  const budgetTotal = budgetTotalOf(given.programmeCurrent, given.budget);
  if (budgetTotal.isZero()) {
    throw refusal('NO_BUDGET', `programme ${programme.id} has no budget for ${submission.fiscalYear}: an administrator must allocate one first`, {
      programmeId: programme.id,
      year: String(submission.fiscalYear),
    });
  }

  if (programme.rule.kind === 'fixed' && submission.recognition !== null) refuseRecognitionHeld(programme.id, programme.rule, submission, given.matter);
  const proposal = proposalOf(application, programme.rule, given);
  const { base, ruleEntitlement } = proposal;
  const caseByCase = input.caseByCaseJustification !== null;
  if (given.matter !== null && given.matter.size > 0 && programme.duplicateMatterPolicy === 'refuse') {
    throw refusal('MATTER_ALREADY_FUNDED', `matter ${submission.matterKey} of ${submission.uscc} is already funded`, { matterKey: submission.matterKey });
  }

  // Rule `collective-decision`: the cited decision lists the application at an amount of at least the award.
  const { decision, amount: decided } = decidedAmountOf(given.decision, input.decisionRef, id, caseByCase);
  let entitlement: Money;
  let award: Money;
  let matterEntitlement: Money;
  if (caseByCase) {
    // Rule `case-by-case` (一事一议): lifts the caps and the threshold, nothing else. The decision states
    // an amount of at most the recognized amount; 就高不重复 pays it as a top-up of the matter.
    if (!programme.caseByCaseAllowed) throw refusal('INVALID_TRANSITION', `programme ${programme.id} does not allow 一事一议`, { programmeId: programme.id });
    const requested = input.amount ?? decided;
    if (requested.greaterThan(base)) {
      throw refusal('AMOUNT_ABOVE_ENTITLEMENT', `a 一事一议 award of ${requested} exceeds the recognized amount ${base} (100 % at most)`, {
        applicationId: id,
        entitlement: base.format(),
        requested: requested.format(),
        recognized: base.format(),
      });
    }
    matterEntitlement = requested;
    entitlement = matterTopUp(programme.id, requested, given.matter);
    award = entitlement;
  } else {
    matterEntitlement = ruleEntitlement;
    entitlement = proposal.entitlement;
    // Without an amount, the approval awards what the decision approved, within the entitlement.
    award = entitlement.min(decided);
    if (input.amount !== null) {
      // Rule `award-at-most-entitlement`: an explicit amount may be lower (and the reduction is final), never higher.
      if (input.amount.greaterThan(entitlement)) {
        throw refusal('AMOUNT_ABOVE_ENTITLEMENT', `the amount ${input.amount} exceeds the entitlement ${entitlement}`, {
          applicationId: id,
          entitlement: entitlement.format(),
          requested: input.amount.format(),
        });
      }
      award = input.amount;
    }
  }
  if (award.greaterThan(decided)) {
    throw refusal('AMOUNT_ABOVE_DECISION', `the award of ${award} is above the ${decided} decision ${decision.reference} approved for application ${id}`, {
      applicationId: id,
      decisionId: decision.decisionId,
      decided: decided.format(),
      requested: award.format(),
    });
  }
  // Rule `notice-amounts`: never above what the public notice listed; a lower award is recorded beside it.
  const noticed = application.notice.proposedAward;
  if (noticed !== null && award.greaterThan(noticed)) {
    throw refusal(
      'AMOUNT_ABOVE_NOTICE',
      `the award of ${award} is above the ${noticed} listed on notice ${application.notice.noticeId}: a new notice must list the higher amount`,
      {
        applicationId: id,
        noticeId: application.notice.noticeId,
        noticed: noticed.format(),
        requested: award.format(),
      },
    );
  }

  // Rule `baoding-m1-budget` (and every programme's budget): Σ committed ≤ the year's budget. 一事一议 included.
  const committed = committedOf(given.budget);
  const committedAfter = committed.plus(award);
  if (committedAfter.greaterThan(budgetTotal)) {
    throw refusal('BUDGET_EXCEEDED', `the award of ${award} exceeds what remains of the ${submission.fiscalYear} budget of ${programme.id}`, {
      programmeId: programme.id,
      year: String(submission.fiscalYear),
      budget: budgetTotal.format(),
      committed: committed.format(),
      remaining: budgetTotal.minus(committed).format(),
      requested: award.format(),
    });
  }

  const year = submission.fiscalYear;
  const { uscc } = submission;
  const approved: Approved = {
    application: [
      {
        type: 'AwardApproved',
        data: {
          applicationId: id,
          decisionRef: decision.decisionId,
          decidedAmount: decided.format(),
          noticedAmount: noticed?.format() ?? null,
          base: base.format(),
          entitlement: entitlement.format(),
          award: award.format(),
          caseByCaseJustification: input.caseByCaseJustification,
          matterReduction: matterEntitlement.minus(entitlement).format(),
          programmeVersion: programme.version,
        },
      },
    ],
    budget: [
      {
        type: 'AwardCommitted',
        data: { programmeId: programme.id, year, applicationId: id, amount: award.format(), budgetAfter: budgetTotal.format(), committedAfter: committedAfter.format() },
      },
    ],
    enterpriseYear: [
      {
        type: 'AwardGranted',
        data: {
          programmeId: programme.id,
          uscc,
          year,
          applicationId: id,
          spend: base.format(),
          award: award.format(),
          caseByCase,
          spendAfter: given.enterpriseYear.spend.plus(base).format(),
          awardedAfter: given.enterpriseYear.awarded.plus(award).format(),
        },
      },
    ],
  };
  const projectKey = projectKeyOf(programme.rule, submission);
  const withProject: Approved =
    projectKey === null || given.project === null
      ? approved
      : {
          ...approved,
          project: [
            {
              type: 'ProjectFunded',
              data: {
                programmeId: programme.id,
                uscc,
                projectKey,
                applicationId: id,
                spend: base.format(),
                award: award.format(),
                caseByCase,
                spendAfter: given.project.spend.plus(base).format(),
                awardedAfter: given.project.awarded.plus(award).format(),
              },
            },
          ],
        };
  if (submission.matterKey === null) return withProject;
  return {
    ...withProject,
    matter: [
      {
        type: 'MatterFunded',
        data: { uscc, matterKey: submission.matterKey, applicationId: id, programmeId: programme.id, entitlement: matterEntitlement.format(), award: award.format() },
      },
    ],
  };
}

export type RevokeAward = TypedCommand<'RevokeAward', { applicationId: string; reason: string; commandId: string }>;

/** The states a correction of a pool reads: every member's award, and each fiscal year's budget and enterprise-year. */
export interface PoolGiven {
  readonly programme: ProgrammeDefinition;
  readonly programmeCurrent: ProgrammeDefinition;
  readonly budgets: ReadonlyMap<number, Budget>;
  readonly enterpriseYears: ReadonlyMap<number, Pool>;
  readonly project: Pool | null;
  /** The other live approved applications of the pool the award belongs to, by id. */
  readonly members: ReadonlyMap<string, Member>;
}

export interface Corrected {
  /** Events of the pool's other applications, by application id. */
  readonly members: ReadonlyMap<string, (Of<ApplicationEvents, 'AwardReduced'> | Of<ApplicationEvents, 'ClawbackOrdered'>)[]>;
  readonly budgets: ReadonlyMap<number, Of<BudgetEvents, 'AwardReleased'>[]>;
  readonly enterpriseYears: ReadonlyMap<number, (Of<EnterpriseYearEvents, 'AwardWithdrawn'> | Of<EnterpriseYearEvents, 'AwardCorrected'>)[]>;
  readonly project: (Of<ProjectEvents, 'ProjectReleased'> | Of<ProjectEvents, 'ProjectCorrected'>)[];
  readonly clawbacks: ReadonlyMap<string, [Of<ClawbackIndexEvents, 'ClawbackIndexed'>]>;
}

export interface Revoked extends Corrected {
  readonly application: [Of<ApplicationEvents, 'AwardRevoked'>];
  readonly invoices: ByInvoice<'InvoiceReleased'>;
  readonly matter?: [Of<MatterEvents, 'MatterReleased'>];
}

/** Applies the corrections of the pool (of `year`'s enterprise-year, or the project) left once `removed` no longer counts in it. */
export function correctPool(ledger: CorrectionLedger, given: PoolGiven, year: number, removed: string): void {
  const rule = given.programme.rule;
  const pool = poolOf(rule, { enterpriseYear: given.enterpriseYears.get(year) ?? emptyPool, project: given.project });
  if (pool === null || !isPooled(rule)) return;
  const remaining = poolWithout(pool, removed);
  const awards = new Map([...given.members].map(([id, m]) => [id, m.award]));
  for (const share of correctionsOf(rule, remaining, awards)) {
    const member = given.members.get(share.applicationId);
    if (member === undefined) throw new Error(`the pool holds application ${share.applicationId}, which was not read`);
    ledger.correct(member, { reduce: share.reduce, clawBack: share.clawBack, spendRemoved: Money.zero, inProject: rule.kind === 'proportional' });
  }
}

/** Rules `revoke-undisbursed` and `corrections-recompute`: an approved award not yet disbursed can be revoked, releasing its budget; its pool is recomputed. */
export function decideRevoke(command: RevokeAward, given: PoolGiven & { application: LiveApplication }): Revoked {
  const { application } = given;
  const { submission } = application;
  const id = submission.applicationId;
  if (application.status !== 'approved') throw invalidTransition(id, application.status, 'revoked');
  if (application.award.disbursements.size > 0) {
    throw refusal('INVALID_TRANSITION', `application ${id} has disbursements recorded: order a clawback instead of revoking`, { applicationId: id, status: 'approved' });
  }
  const { programmeId, fiscalYear: year, uscc, matterKey } = submission;
  const award = application.award.award;
  const enterpriseYear = given.enterpriseYears.get(year);
  const budget = given.budgets.get(year);
  if (enterpriseYear === undefined || budget === undefined) throw new Error(`the enterprise-year and budget ${year} of application ${id} were not read`);
  // What the pools hold of this application (its award there may be less than its award after a correction clawback).
  const own = enterpriseYear.entries.get(id);
  const spend = own?.spend ?? Money.zero;
  const pooledAward = own?.award ?? award;
  const projectKey = projectKeyOf(given.programme.rule, submission);
  const project = projectKey !== null && given.project !== null ? { key: projectKey, pool: given.project } : null;
  const ledger = new CorrectionLedger(given.programmeCurrent, given.budgets, given.enterpriseYears, project, {
    cause: 'revocation',
    causeApplicationId: id,
    causeClawbackId: null,
    commandId: command.data.commandId,
  });
  // The revoked award's own commitment is released first; the corrections' releases follow it on the same stream.
  ledger.release({ applicationId: id, programmeId, uscc, fiscalYear: year, award: application.award }, award);
  ledger.moveTotals(year, spend, pooledAward, project !== null);
  const totals = { spend: spend.format(), award: pooledAward.format() };
  const withdrawn: Of<EnterpriseYearEvents, 'AwardWithdrawn'> = {
    type: 'AwardWithdrawn',
    data: {
      programmeId,
      uscc,
      year,
      applicationId: id,
      ...totals,
      spendAfter: enterpriseYear.spend.minus(spend).format(),
      awardedAfter: enterpriseYear.awarded.minus(pooledAward).format(),
    },
  };
  const projectReleased: Of<ProjectEvents, 'ProjectReleased'>[] =
    project === null
      ? []
      : [
          {
            type: 'ProjectReleased',
            data: {
              programmeId,
              uscc,
              projectKey: project.key,
              applicationId: id,
              ...totals,
              spendAfter: project.pool.spend.minus(spend).format(),
              awardedAfter: project.pool.awarded.minus(pooledAward).format(),
            },
          },
        ];
  correctPool(ledger, given, year, id);

  const revoked: Revoked = {
    application: [{ type: 'AwardRevoked', data: { applicationId: id, award: award.format(), reason: command.data.reason } }],
    invoices: releaseInvoices(application, 'revoked'),
    ...merged(ledger, { year, enterpriseYear: [withdrawn], project: projectReleased }),
  };
  if (matterKey === null) return revoked;
  return { ...revoked, matter: [{ type: 'MatterReleased', data: { uscc, matterKey, applicationId: id, programmeId, award: award.format() } }] };
}

/** A correction's events after those the command itself puts first on the same streams. */
export function merged(
  ledger: CorrectionLedger,
  first: {
    year: number;
    enterpriseYear: (Of<EnterpriseYearEvents, 'AwardWithdrawn'> | Of<EnterpriseYearEvents, 'AwardCorrected'>)[];
    project: (Of<ProjectEvents, 'ProjectReleased'> | Of<ProjectEvents, 'ProjectCorrected'>)[];
  },
): Corrected {
  const enterpriseYears = new Map<number, (Of<EnterpriseYearEvents, 'AwardWithdrawn'> | Of<EnterpriseYearEvents, 'AwardCorrected'>)[]>([[first.year, first.enterpriseYear]]);
  for (const [year, events] of ledger.enterpriseYears) enterpriseYears.set(year, [...(enterpriseYears.get(year) ?? []), ...events]);
  return { members: ledger.applications, budgets: ledger.budgets, enterpriseYears, project: [...first.project, ...ledger.project], clawbacks: ledger.clawbacks };
}
