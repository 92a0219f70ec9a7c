// Invariants 1 and 2 at the decision itself: for any budget state, enterprise-year state and
// application, approval goes through exactly when the award fits both, and says why when it does not.
import fc from 'fast-check';
import { decideApprove, type ApproveAward, type ApproveGiven } from '../../src/awards/decide.js';
import { builtInProgrammes } from '../../src/programmes/definitions.js';
import { DomainError } from '../../src/shared/errors.js';
import { Money } from '../../src/shared/money.js';
import { aDecision, aNoticeRef, aRegisteredEnterprise, aSubmission, anOpenedNotice, noPool } from '../support/states.js';

const fen = (amount: bigint): string => `${amount / 100n}.${String(amount % 100n).padStart(2, '0')}`;
const programme = (id: string) => builtInProgrammes.find((p) => p.id === id)!;

function given(programmeId: string, baseFen: bigint, budgetFen: bigint, committedFen: bigint, spendFen: bigint, awardedFen: bigint): ApproveGiven {
  const definition = programme(programmeId);
  return {
    application: {
      status: 'in_notice',
      submission: aSubmission({ programmeId, claimed: fen(baseFen) }),
      review: { recognized: null, stagesPassed: ['district-preliminary', 'city-re-review', 'expert-review'], lastReviewer: null },
      notices: [aNoticeRef()],
      notice: aNoticeRef(),
    },
    programme: definition,
    programmeCurrent: definition,
    enterprise: aRegisteredEnterprise(definition.jurisdiction),
    notice: anOpenedNotice({ programmeId }),
    decision: aDecision({ 'a-1': '100000000000.00' }),
    budget: { status: 'open', allocated: Money.of(fen(budgetFen)), committed: Money.of(fen(committedFen)) },
    enterpriseYear: { entries: new Map(), spend: Money.of(fen(spendFen)), awarded: Money.of(fen(awardedFen)) },
    project: programmeId === 'wuhan-data-product' ? noPool : null,
    matter: null,
  };
}

const approve: ApproveAward = {
  type: 'ApproveAward',
  data: { applicationId: 'a-1', decisionRef: 'd-1', amount: null, caseByCaseJustification: null },
  metadata: { actorId: 'approver-1', now: '2025-06-11T02:00:00.000Z', today: '2025-06-11' },
};

function attempt(g: ApproveGiven): { ok: true; award: bigint } | { ok: false; code: string } {
  try {
    const decided = decideApprove(approve, g);
    return { ok: true, award: BigInt(decided.application[0].data.award.replace('.', '')) };
  } catch (error) {
    if (error instanceof DomainError) return { ok: false, code: error.code };
    throw error;
  }
}

describe('approval limits', () => {
  it('invariant 1: an award is committed exactly when it fits what remains of the budget, to the fen', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 1_000_000_000n }),
        fc.bigInt({ min: 1n, max: 500_000_000n }),
        fc.bigInt({ min: 0n, max: 100n }),
        (baseFen, budgetFen, shareOfBudget) => {
          const committedFen = (budgetFen * shareOfBudget) / 100n;
          const awardFen = (baseFen * 3n) / 10n < 200_000_000n ? (baseFen * 3n) / 10n : 200_000_000n;
          const outcome = attempt(given('wuhan-data-product', baseFen, budgetFen, committedFen, 0n, 0n));
          if (committedFen + awardFen <= budgetFen) expect(outcome).toEqual({ ok: true, award: awardFen });
          else expect(outcome).toEqual({ ok: false, code: 'BUDGET_EXCEEDED' });
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('invariant 2: under the 数智券 an enterprise year never passes its 300,000.00 cap, whatever it had before', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 200_000_000n }),
        fc.bigInt({ min: 0n, max: 200_000_000n }),
        fc.bigInt({ min: 0n, max: 30_000_000n }),
        (baseFen, spendFen, awardedFen) => {
          const outcome = attempt(given('baoding-data-voucher', baseFen, 2_000_000_000n, 0n, spendFen, awardedFen));
          expect(outcome.ok).toBe(true);
          if (outcome.ok) expect(awardedFen + outcome.award <= 30_000_000n).toBe(true);
        },
      ),
      { numRuns: 2_000 },
    );
  });
});
