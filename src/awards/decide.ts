// Rules of the award (集体研究, SPEC §2–3): approval after the notice, the amount the programme's
// rule allows within the enterprise-year, the matter and the budget; revocation of an undisbursed award.
import type { TypedCommand } from '../shared/command.js';
import { refusal } from '../shared/errors.js';
import { Money } from '../shared/money.js';
import { awardBaseOf, type LiveApplication } from '../applications/application.js';
import { invalidTransition, releaseInvoices, type ByInvoice } from '../applications/decide.js';
import type { ApplicationEvents } from '../applications/events.js';
import { budgetTotalOf, committedOf, type Budget } from '../budgets/budget.js';
import type { BudgetEvents } from '../budgets/events.js';
import { assertEligible, type Enterprise } from '../enterprises/enterprise.js';
import { noticeHasEnded, type Notice } from '../notices/notice.js';
import { capPerEnterpriseYear, entitlementOf } from '../programmes/award-rules.js';
import type { ProgrammeDefinition } from '../programmes/programme.js';
import type { EnterpriseYear, Matter } from './award-streams.js';
import type { EnterpriseYearEvents, MatterEvents } from './events.js';

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
  readonly budget: Budget;
  readonly enterpriseYear: EnterpriseYear;
  /** Live awards for the same matter of the same enterprise (就高不重复); null where the application names no matter. */
  readonly matter: Matter | null;
}

export interface Approved {
  readonly application: [Of<ApplicationEvents, 'AwardApproved'>];
  readonly budget: [Of<BudgetEvents, 'AwardCommitted'>];
  readonly enterpriseYear: [Of<EnterpriseYearEvents, 'AwardGranted'>];
  readonly matter?: [Of<MatterEvents, 'MatterFunded'>];
}

export function decideApprove(command: ApproveAward, given: ApproveGiven): Approved {
  const input = command.data;
  const { today, actorId } = command.metadata;
  const { application, programme, notice } = given;
  const { submission } = application;
  const id = submission.applicationId;
  if (application.status !== 'in_notice') throw invalidTransition(id, application.status, 'approved');
  // Rule `notice-before-approval`: approval only once the notice has ended, with no objection open.
  if (notice.status === 'none' || !noticeHasEnded(notice, today)) {
    const endsOn = notice.status === 'none' ? '' : notice.endsOn;
    throw refusal('NOTICE_NOT_ENDED', `the public notice of application ${id} runs until ${endsOn}`, { applicationId: id, endsOn, today });
  }
  const open = [...notice.objections.values()].find((o) => o.applicationId === id && o.outcome === null);
  if (open !== undefined) {
    throw refusal('OBJECTION_UNRESOLVED', `objection ${open.objectionId} to application ${id} is not resolved`, { applicationId: id, objectionId: open.objectionId });
  }
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

  // Rules `baoding-m1-rate`, `baoding-m3-rate`, `baoding-m4-levels`, `baoding-m5-levels`, `wuhan-a6-rate`, `wuhan-a7-rate`.
  const base = awardBaseOf(application);
  const { amount: ruleEntitlement, spendAfter } = entitlementOf(programme.rule, {
    base,
    level: submission.level,
    spendBefore: given.enterpriseYear.spend,
    awardedBefore: given.enterpriseYear.awarded,
  });

  // Rule `highest-not-repeated` (就高不重复): the matter's awards together never exceed the highest single entitlement.
  let entitlement = ruleEntitlement;
  if (given.matter !== null && given.matter.size > 0) {
    if (programme.duplicateMatterPolicy === 'refuse') {
      throw refusal('MATTER_ALREADY_FUNDED', `matter ${submission.matterKey} of ${submission.uscc} is already funded`, { matterKey: submission.matterKey });
    }
    const matterAwarded = Money.sum([...given.matter.values()].map((f) => f.award));
    entitlement = ruleEntitlement.minus(matterAwarded).max(Money.zero);
  }

  // Rule `case-by-case` (一事一议) and `award-at-most-entitlement`.
  let award = entitlement;
  const caseByCase = input.caseByCaseJustification !== null;
  if (caseByCase) {
    if (!programme.caseByCaseAllowed) throw refusal('INVALID_TRANSITION', `programme ${programme.id} does not allow 一事一议`, { programmeId: programme.id });
    if (input.amount === null) throw refusal('VALIDATION_FAILED', 'a 一事一议 approval states its amount', { field: 'amount' });
    award = input.amount;
  } else if (input.amount !== null) {
    if (input.amount.greaterThan(entitlement)) {
      throw refusal('AMOUNT_ABOVE_ENTITLEMENT', `the amount ${input.amount} exceeds the entitlement ${entitlement}`, {
        applicationId: id,
        entitlement: entitlement.format(),
        requested: input.amount.format(),
      });
    }
    award = input.amount;
  }

  // Rule `baoding-m1-cap`: at most 30万 per enterprise per year (一事一议 aside).
  const cap = capPerEnterpriseYear(programme.rule);
  const awardedAfter = given.enterpriseYear.awarded.plus(award);
  if (!caseByCase && cap !== null && awardedAfter.greaterThan(cap)) {
    throw refusal('ENTERPRISE_CAP_EXCEEDED', `the award would bring ${submission.uscc}'s ${submission.fiscalYear} total to ${awardedAfter}, above the cap ${cap}`, {
      uscc: submission.uscc,
      cap: cap.format(),
      awarded: given.enterpriseYear.awarded.format(),
      requested: award.format(),
    });
  }
  // Rule `baoding-m1-budget` (and every programme's budget): Σ committed ≤ the year's budget.
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
  const approved: Approved = {
    application: [
      {
        type: 'AwardApproved',
        data: {
          applicationId: id,
          decisionRef: input.decisionRef,
          base: base.format(),
          entitlement: entitlement.format(),
          award: award.format(),
          caseByCaseJustification: input.caseByCaseJustification,
          matterReduction: ruleEntitlement.minus(entitlement).format(),
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
          uscc: submission.uscc,
          year,
          applicationId: id,
          spend: base.format(),
          award: award.format(),
          spendAfter: spendAfter.format(),
          awardedAfter: awardedAfter.format(),
        },
      },
    ],
  };
  if (submission.matterKey === null) return approved;
  return {
    ...approved,
    matter: [
      {
        type: 'MatterFunded',
        data: {
          uscc: submission.uscc,
          matterKey: submission.matterKey,
          applicationId: id,
          programmeId: programme.id,
          entitlement: ruleEntitlement.format(),
          award: award.format(),
        },
      },
    ],
  };
}

export type RevokeAward = TypedCommand<'RevokeAward', { applicationId: string; reason: string }>;

export interface Revoked {
  readonly application: [Of<ApplicationEvents, 'AwardRevoked'>];
  readonly budget: [Of<BudgetEvents, 'AwardReleased'>];
  readonly enterpriseYear: [Of<EnterpriseYearEvents, 'AwardWithdrawn'>];
  readonly invoices: ByInvoice<'InvoiceReleased'>;
  readonly matter?: [Of<MatterEvents, 'MatterReleased'>];
}

/** Rule `revoke-undisbursed`: an approved award not yet disbursed can be revoked, releasing its budget. */
export function decideRevoke(
  command: RevokeAward,
  given: { application: LiveApplication; programmeCurrent: ProgrammeDefinition; budget: Budget; enterpriseYear: EnterpriseYear },
): Revoked {
  const { application } = given;
  const { submission } = application;
  const id = submission.applicationId;
  if (application.status !== 'approved') throw invalidTransition(id, application.status, 'revoked');
  if (application.award.disbursements.size > 0) {
    throw refusal('INVALID_TRANSITION', `application ${id} has disbursements recorded: order a clawback instead of revoking`, { applicationId: id, status: 'approved' });
  }
  const { programmeId, fiscalYear: year, uscc, matterKey } = submission;
  const award = application.award.award;
  const base = awardBaseOf(application);
  const revoked: Revoked = {
    application: [{ type: 'AwardRevoked', data: { applicationId: id, award: award.format(), reason: command.data.reason } }],
    budget: [
      {
        type: 'AwardReleased',
        data: {
          programmeId,
          year,
          applicationId: id,
          amount: award.format(),
          budgetAfter: budgetTotalOf(given.programmeCurrent, given.budget).format(),
          committedAfter: committedOf(given.budget).minus(award).format(),
        },
      },
    ],
    enterpriseYear: [
      {
        type: 'AwardWithdrawn',
        data: {
          programmeId,
          uscc,
          year,
          applicationId: id,
          spend: base.format(),
          award: award.format(),
          spendAfter: given.enterpriseYear.spend.minus(base).format(),
          awardedAfter: given.enterpriseYear.awarded.minus(award).format(),
        },
      },
    ],
    invoices: releaseInvoices(application, 'revoked'),
  };
  if (matterKey === null) return revoked;
  return { ...revoked, matter: [{ type: 'MatterReleased', data: { uscc, matterKey, applicationId: id, programmeId, award: award.format() } }] };
}
