// The award rules (SPEC §2–3; Baoding measures 1, 3–5; Wuhan art. 6, 7, 9) as given / when / then
// over `decideApprove` and `decideRevoke`. Each test is one rule, named by its id in docs/rules.md.
import { decideApprove, decideRevoke, type ApproveAward, type ApproveGiven } from '../../src/awards/decide.js';
import { decideOrderClawback } from '../../src/clawbacks/decide.js';
import { proposalOf } from '../../src/awards/entitlement.js';
import type { Application } from '../../src/applications/application.js';
import { builtInProgrammes } from '../../src/programmes/definitions.js';
import { Money } from '../../src/shared/money.js';
import { aClawback, aDecision, aNoticeRef, aPool, aRegisteredEnterprise, aSubmission, anAward, anObjection, anOpenedNotice, noPool } from '../support/states.js';
import { deciderSpec, on } from '../support/decider-spec.js';

const programme = (id: string) => builtInProgrammes.find((p) => p.id === id)!;
const allStages = ['district-preliminary', 'city-re-review', 'expert-review'];
/** The 专班's 一事一议 decision, listing a-1 above any amount here. */
const caseByCaseDecision = aDecision({ 'a-1': '100000000.00' }, 'case-by-case');

function inNotice(claimed: string, options: { programmeId?: string; matterKey?: string; lastReviewer?: string } = {}): Extract<Application, { status: 'in_notice' }> {
  return {
    status: 'in_notice',
    submission: aSubmission({ claimed, programmeId: options.programmeId ?? 'baoding-data-voucher', matterKey: options.matterKey ?? null }),
    review: { recognized: null, stagesPassed: allStages, lastReviewer: options.lastReviewer ?? 'reviewer-1' },
    notices: [aNoticeRef()],
    notice: aNoticeRef(),
  };
}

function given(overrides: Partial<ApproveGiven> & { claimed?: string } = {}): ApproveGiven {
  const definition = programme(overrides.application?.submission.programmeId ?? 'baoding-data-voucher');
  return {
    application: inNotice(overrides.claimed ?? '400000.00'),
    programme: definition,
    programmeCurrent: definition,
    enterprise: aRegisteredEnterprise(definition.jurisdiction),
    notice: anOpenedNotice({ programmeId: definition.id }),
    // The collective decision lists a-1 above any entitlement here: the award is the entitlement.
    decision: aDecision({ 'a-1': '100000000.00' }),
    budget: { status: 'none' },
    enterpriseYear: noPool,
    project: definition.rule.kind === 'proportional' ? noPool : null,
    matter: null,
    ...overrides,
  };
}

function approve(data: Partial<ApproveAward['data']> = {}, today = '2025-06-11', actorId = 'approver-1'): ApproveAward {
  return {
    type: 'ApproveAward',
    data: { applicationId: 'a-1', decisionRef: 'd-1', amount: null, caseByCaseJustification: null, ...data },
    metadata: on(today, actorId),
  };
}

const spec = deciderSpec(decideApprove);

describe('awards', () => {
  it('baoding-m1-rate: 200,000 already counted, 150,000 more → S = 350,000, award 105,000.00', () => {
    const result = decideApprove(approve(), given({ claimed: '150000.00', enterpriseYear: aPool([{ id: 'a-0', spend: '200000.00', award: '0.00' }]) }));
    expect(result.application[0].data).toMatchObject({ entitlement: '105000.00', award: '105000.00' });
    expect(result.enterpriseYear[0].data).toMatchObject({ spend: '150000.00', spendAfter: '350000.00', awardedAfter: '105000.00' });
    expect(result.budget[0].data).toMatchObject({ amount: '105000.00', committedAfter: '105000.00', budgetAfter: '20000000.00' });
  });

  it('baoding-m1-threshold: below 300,000.00 of spend in the year the award is 0.00, and the spend still counts', () => {
    const result = decideApprove(approve(), given({ claimed: '200000.00' }));
    expect(result.application[0].data.award).toBe('0.00');
    expect(result.enterpriseYear[0].data.spendAfter).toBe('200000.00');
  });

  it('baoding-m1-cap: 1,200,000.00 of spend gives 300,000.00, not 360,000.00', () => {
    const result = decideApprove(approve(), given({ claimed: '1200000.00' }));
    expect(result.application[0].data.award).toBe('300000.00');
  });

  it('award-at-most-entitlement: an amount above what the cap leaves is refused with the figures', () => {
    spec
      // 900,000 of spend holding a 一事一议 award of 290,000; 100,000 more adds 30,000 of entitlement, of which the cap leaves 10,000.
      .given(given({ claimed: '100000.00', enterpriseYear: aPool([{ id: 'a-0', spend: '900000.00', award: '290000.00', caseByCase: true }]) }))
      .when(approve({ amount: Money.of('20000.00') }))
      .thenRefused('AMOUNT_ABOVE_ENTITLEMENT', { entitlement: '10000.00', requested: '20000.00' });
  });

  it('baoding-m1-budget: an award above what remains of the 20,000,000.00 is refused (BUDGET_EXCEEDED)', () => {
    spec
      .given(given({ claimed: '1000000.00', budget: { status: 'open', allocated: Money.zero, committed: Money.of('19900000.00') } }))
      .when(approve())
      .thenRefused('BUDGET_EXCEEDED', { budget: '20000000.00', committed: '19900000.00', remaining: '100000.00', requested: '300000.00' });
  });

  it('budget-allocated: a programme without a budget for the year refuses approval (NO_BUDGET)', () => {
    const definition = programme('wuhan-data-product');
    spec
      .given(given({ application: inNotice('100000.00', { programmeId: definition.id }), programme: definition, programmeCurrent: definition }))
      .when(approve())
      .thenRefused('NO_BUDGET', { programmeId: 'wuhan-data-product', year: '2025' });
  });

  it("notice-before-approval: approval on the notice's last day is refused (NOTICE_NOT_ENDED)", () => {
    spec.given(given()).when(approve({}, '2025-06-10')).thenRefused('NOTICE_NOT_ENDED', { endsOn: '2025-06-10', today: '2025-06-10' });
  });

  it('notice-objections: an unresolved objection blocks approval', () => {
    const base = given();
    const notice = base.notice.status === 'opened' ? { ...base.notice, objections: new Map([['o-1', anObjection('o-1', 'a-1')]]) } : base.notice;
    spec
      .given({ ...base, notice })
      .when(approve())
      .thenRefused('OBJECTION_UNRESOLVED', { objectionId: 'o-1' });
  });

  it('segregation-of-duties: whoever recorded the final review may not approve', () => {
    spec
      .given(given({ application: inNotice('400000.00', { lastReviewer: 'approver-1' }) }))
      .when(approve())
      .thenRefused('SEGREGATION_OF_DUTIES', { actor: 'approver-1' });
  });

  it('case-by-case: 一事一议 lifts the enterprise cap where the programme allows it', () => {
    const result = decideApprove(
      approve({ amount: Money.of('450000.00'), caseByCaseJustification: '重大项目专班研究' }),
      given({ claimed: '2000000.00', decision: caseByCaseDecision }),
    );
    expect(result.application[0].data).toMatchObject({ award: '450000.00', caseByCaseJustification: '重大项目专班研究' });
  });

  it('highest-not-repeated: a matter already funded 60,000.00 tops a later entitlement of 90,000.00 up by 30,000.00', () => {
    const matter = new Map([['a-0', { applicationId: 'a-0', programmeId: 'wuhan-data-product', entitlement: Money.of('60000.00'), award: Money.of('60000.00') }]]);
    const result = decideApprove(approve(), given({ application: inNotice('300000.00', { matterKey: 'm-1' }), matter }));
    expect(result.application[0].data).toMatchObject({ entitlement: '30000.00', award: '30000.00', matterReduction: '60000.00' });
    expect(result.matter?.[0].data).toMatchObject({ matterKey: 'm-1', entitlement: '90000.00', award: '30000.00' });
  });
});

describe('awards: increments of a pool, 一事一议 and the matter', () => {
  it('award-increment: a reduction is final — 400,000 approved at 60,000 (entitlement 120,000), then 10,000 more is awarded 3,000.00, not 63,000.00', () => {
    const result = decideApprove(approve(), given({ claimed: '10000.00', enterpriseYear: aPool([{ id: 'a-0', spend: '400000.00', award: '60000.00' }]) }));
    expect(result.application[0].data).toMatchObject({ entitlement: '3000.00', award: '3000.00' });
    expect(result.enterpriseYear[0].data).toMatchObject({ spendAfter: '410000.00', awardedAfter: '63000.00', caseByCase: false });
  });

  it('ordinary-after-cap: after a 一事一议 award of 450,000.00 an ordinary application is approved at 0.00 and its spend counts', () => {
    const result = decideApprove(approve(), given({ claimed: '400000.00', enterpriseYear: aPool([{ id: 'a-0', spend: '2000000.00', award: '450000.00', caseByCase: true }]) }));
    expect(result.application[0].data).toMatchObject({ entitlement: '0.00', award: '0.00' });
    expect(result.enterpriseYear[0].data).toMatchObject({ spendAfter: '2400000.00', awardedAfter: '450000.00' });
  });

  it('case-by-case: 一事一议 is at most the recognized amount — 500,000.00 on 1,000.00 recognized is refused', () => {
    const application = { ...inNotice('1000.00'), review: { recognized: Money.of('1000.00'), stagesPassed: allStages, lastReviewer: 'reviewer-1' } };
    spec
      .given(given({ application, decision: caseByCaseDecision }))
      .when(approve({ amount: Money.of('500000.00'), caseByCaseJustification: '重大项目' }))
      .thenRefused('AMOUNT_ABOVE_ENTITLEMENT', { entitlement: '1000.00', requested: '500000.00', recognized: '1000.00' });
  });

  it('case-by-case: 一事一议 counts against the budget', () => {
    spec
      .given(given({ claimed: '2000000.00', budget: { status: 'open', allocated: Money.zero, committed: Money.of('19800000.00') }, decision: caseByCaseDecision }))
      .when(approve({ amount: Money.of('450000.00'), caseByCaseJustification: '重大项目' }))
      .thenRefused('BUDGET_EXCEEDED', { remaining: '200000.00', requested: '450000.00' });
  });

  it('case-by-case: 就高不重复 still holds — a matter funded 500,000.00 elsewhere gets nothing more from a 一事一议 amount of 400,000.00', () => {
    const matter = new Map([['a-0', { applicationId: 'a-0', programmeId: 'baoding-rnd-project', entitlement: Money.of('500000.00'), award: Money.of('500000.00') }]]);
    const result = decideApprove(
      approve({ amount: Money.of('400000.00'), caseByCaseJustification: '重大项目' }),
      given({ application: inNotice('2000000.00', { matterKey: 'm-1' }), matter, decision: caseByCaseDecision }),
    );
    expect(result.application[0].data).toMatchObject({ award: '0.00', matterReduction: '400000.00' });
  });

  it('case-by-case: a 一事一议 amount above what a matter had elsewhere is paid as the top-up', () => {
    const matter = new Map([['a-0', { applicationId: 'a-0', programmeId: 'baoding-rnd-project', entitlement: Money.of('500000.00'), award: Money.of('500000.00') }]]);
    const result = decideApprove(
      approve({ amount: Money.of('800000.00'), caseByCaseJustification: '重大项目' }),
      given({ application: inNotice('2000000.00', { matterKey: 'm-1' }), matter, decision: caseByCaseDecision }),
    );
    expect(result.application[0].data).toMatchObject({ award: '300000.00', matterReduction: '500000.00' });
    expect(result.enterpriseYear[0].data).toMatchObject({ caseByCase: true });
  });

  it('project-cap: two R&D applications of 600,000.00 cost for one 立项 receive 300,000.00 + 200,000.00 (50 % of 1,200,000.00, capped at 500,000.00)', () => {
    const rnd = programme('baoding-rnd-project');
    const application = {
      ...inNotice('600000.00', { programmeId: rnd.id }),
      submission: aSubmission({ programmeId: rnd.id, claimed: '600000.00', approvalRef: '冀科立项2025-001' }),
    };
    const first = decideApprove(
      approve(),
      given({ application, programme: rnd, programmeCurrent: rnd, budget: { status: 'open', allocated: Money.of('5000000.00'), committed: Money.zero } }),
    );
    expect(first.application[0].data.award).toBe('300000.00');
    expect(first.project?.[0].data).toMatchObject({ projectKey: 'approval:冀科立项2025-001', spendAfter: '600000.00', awardedAfter: '300000.00' });
    const second = decideApprove(
      approve(),
      given({
        application,
        programme: rnd,
        programmeCurrent: rnd,
        budget: { status: 'open', allocated: Money.of('5000000.00'), committed: Money.of('300000.00') },
        project: aPool([{ id: 'a-0', spend: '600000.00', award: '300000.00' }]),
      }),
    );
    expect(second.application[0].data).toMatchObject({ entitlement: '200000.00', award: '200000.00' });
  });

  it('project-cap: with a shared matter key within one programme the project keeps the count (300,000.00 + 200,000.00, not + 0.00)', () => {
    const rnd = programme('baoding-rnd-project');
    const application = {
      ...inNotice('600000.00', { programmeId: rnd.id }),
      submission: aSubmission({ programmeId: rnd.id, claimed: '600000.00', approvalRef: '冀科立项2025-001', matterKey: 'm-1' }),
    };
    const matter = new Map([['a-0', { applicationId: 'a-0', programmeId: rnd.id, entitlement: Money.of('300000.00'), award: Money.of('300000.00') }]]);
    const second = decideApprove(
      approve(),
      given({
        application,
        programme: rnd,
        programmeCurrent: rnd,
        budget: { status: 'open', allocated: Money.of('5000000.00'), committed: Money.of('300000.00') },
        project: aPool([{ id: 'a-0', spend: '600000.00', award: '300000.00' }]),
        matter,
      }),
    );
    expect(second.application[0].data.award).toBe('200000.00');
  });
});

describe('awards: the proposed award', () => {
  it('proposed-award: an application in notice shows what an approval now would grant, and it follows the enterprise-year', () => {
    const application = inNotice('150000.00');
    expect(proposalOf(application, programme('baoding-data-voucher').rule, { enterpriseYear: noPool, project: null, matter: null }).entitlement.format()).toBe('0.00');
    const after = aPool([{ id: 'a-0', spend: '200000.00', award: '0.00' }]);
    expect(proposalOf(application, programme('baoding-data-voucher').rule, { enterpriseYear: after, project: null, matter: null }).entitlement.format()).toBe('105000.00');
  });
});

describe('awards: revocation recomputes the pool', () => {
  const voucher = programme('baoding-data-voucher');
  const member = (id: string, amount: string, extra: Parameters<typeof anAward>[0] = {}) => ({
    applicationId: id,
    programmeId: voucher.id,
    uscc: 'U',
    fiscalYear: 2025,
    award: anAward({ amount, ...extra }),
  });
  const revoke = { type: 'RevokeAward' as const, data: { applicationId: 'a-1', reason: '材料不实', commandId: 'cmd-1' }, metadata: on('2025-07-01') };
  const approvedApplication = (amount: string): Extract<Application, { status: 'approved' }> => ({
    ...inNotice('200000.00'),
    status: 'approved',
    award: anAward({ amount }),
  });

  function givenPool(pool: ReturnType<typeof aPool>, members: ReturnType<typeof member>[], committed: string) {
    return {
      application: approvedApplication(pool.entries.get('a-1')?.award.format() ?? '0.00'),
      programme: voucher,
      programmeCurrent: voucher,
      budgets: new Map([[2025, { status: 'open' as const, allocated: Money.zero, committed: Money.of(committed) }]]),
      enterpriseYears: new Map([[2025, pool]]),
      project: null,
      members: new Map(members.map((m) => [m.applicationId, m])),
    };
  }

  it("revoke-undisbursed: revoking releases the commitment and the enterprise-year's spend and award", () => {
    const decided = decideRevoke(revoke, givenPool(aPool([{ id: 'a-1', spend: '400000.00', award: '120000.00' }]), [], '120000.00'));
    expect(decided.application[0].data).toEqual({ applicationId: 'a-1', award: '120000.00', reason: '材料不实' });
    expect(decided.budgets.get(2025)).toEqual([
      {
        type: 'AwardReleased',
        data: { programmeId: 'baoding-data-voucher', year: 2025, applicationId: 'a-1', amount: '120000.00', budgetAfter: '20000000.00', committedAfter: '0.00' },
      },
    ]);
    expect(decided.enterpriseYears.get(2025)?.[0]).toMatchObject({ type: 'AwardWithdrawn', data: { spendAfter: '0.00', awardedAfter: '0.00' } });
    expect(decided.members.size).toBe(0);
  });

  it('corrections-recompute: 200,000 (0.00) then 150,000 (105,000.00); revoking the first reduces the second to 0.00, releasing its budget', () => {
    const pool = aPool([
      { id: 'a-1', spend: '200000.00', award: '0.00' },
      { id: 'a-2', spend: '150000.00', award: '105000.00' },
    ]);
    const decided = decideRevoke(revoke, givenPool(pool, [member('a-2', '105000.00')], '105000.00'));
    expect(decided.members.get('a-2')).toEqual([
      {
        type: 'AwardReduced',
        data: { applicationId: 'a-2', amount: '105000.00', awardAfter: '0.00', cause: 'revocation', causeApplicationId: 'a-1', causeClawbackId: null },
      },
    ]);
    expect(decided.budgets.get(2025)?.map((e) => [e.data.applicationId, e.data.amount, e.data.committedAfter])).toEqual([
      ['a-1', '0.00', '105000.00'],
      ['a-2', '105000.00', '0.00'],
    ]);
    expect(decided.enterpriseYears.get(2025)?.map((e) => [e.type, e.data.applicationId, e.data.spendAfter, e.data.awardedAfter])).toEqual([
      ['AwardWithdrawn', 'a-1', '150000.00', '105000.00'],
      ['AwardCorrected', 'a-2', '150000.00', '0.00'],
    ]);
  });

  it('corrections-recompute: 300,000 (90,000) then 100,000 (30,000); revoking the first leaves 0.00 on 100,000 of spend', () => {
    const pool = aPool([
      { id: 'a-1', spend: '300000.00', award: '90000.00' },
      { id: 'a-2', spend: '100000.00', award: '30000.00' },
    ]);
    const decided = decideRevoke(revoke, givenPool(pool, [member('a-2', '30000.00')], '120000.00'));
    expect(decided.members.get('a-2')?.[0]).toMatchObject({ type: 'AwardReduced', data: { amount: '30000.00', awardAfter: '0.00' } });
    expect(decided.budgets.get(2025)?.at(-1)?.data.committedAfter).toBe('0.00');
  });

  it('corrections-recompute: an excess already paid is clawed back, naming the revocation', () => {
    const pool = aPool([
      { id: 'a-1', spend: '200000.00', award: '0.00' },
      { id: 'a-2', spend: '150000.00', award: '105000.00' },
    ]);
    const paid = new Map([['d-1', { disbursementId: 'd-1', amount: Money.of('105000.00'), paymentRef: 'P-1', recordedBy: 'finance-1', confirmedBy: 'finance-2' }]]);
    const decided = decideRevoke(revoke, givenPool(pool, [member('a-2', '105000.00', { disbursements: paid })], '105000.00'));
    const [order] = decided.members.get('a-2') ?? [];
    expect(order).toMatchObject({ type: 'ClawbackOrdered', data: { amount: '105000.00', cause: 'revocation', causeApplicationId: 'a-1', disqualifiesSpend: false } });
    expect(decided.clawbacks.size).toBe(1);
    // Money paid is not budget again: only the revoked award's own commitment is released.
    expect(decided.budgets.get(2025)?.map((e) => e.data.applicationId)).toEqual(['a-1']);
  });

  it('corrections-recompute: newest first — the later award is reduced before the earlier one, and only as far as needed', () => {
    const pool = aPool([
      { id: 'a-1', spend: '600000.00', award: '180000.00' },
      { id: 'a-2', spend: '300000.00', award: '90000.00' },
      { id: 'a-3', spend: '100000.00', award: '30000.00' },
    ]);
    // Revoking a-1 leaves S = 400,000.00: E = 120,000.00 = the awards left: nothing to correct.
    expect(decideRevoke(revoke, givenPool(pool, [member('a-2', '90000.00'), member('a-3', '30000.00')], '300000.00')).members.size).toBe(0);
    // Below the threshold once a-1 is gone (S = 250,000.00): everything goes, the newest first.
    const all = decideRevoke(
      revoke,
      givenPool(
        aPool([
          { id: 'a-1', spend: '600000.00', award: '180000.00' },
          { id: 'a-2', spend: '200000.00', award: '60000.00' },
          { id: 'a-3', spend: '50000.00', award: '15000.00' },
        ]),
        [member('a-2', '60000.00'), member('a-3', '15000.00')],
        '255000.00',
      ),
    );
    expect([...all.members.keys()]).toEqual(['a-3', 'a-2']);
    // S = 500,000.00 once a-1 is gone: E = 150,000.00; a-3 holds 10,000.00 too much, and only a-3 is touched.
    const newest = decideRevoke(
      revoke,
      givenPool(
        aPool([
          { id: 'a-1', spend: '400000.00', award: '120000.00' },
          { id: 'a-2', spend: '400000.00', award: '120000.00' },
          { id: 'a-3', spend: '100000.00', award: '40000.00' },
        ]),
        [member('a-2', '120000.00'), member('a-3', '40000.00')],
        '280000.00',
      ),
    );
    expect([...newest.members.entries()].map(([id, events]) => [id, events[0]?.data.amount])).toEqual([['a-3', '10000.00']]);
  });

  it('corrections-recompute: money an approver already ordered back is not clawed back twice', () => {
    const pool = aPool([
      { id: 'a-1', spend: '200000.00', award: '0.00' },
      { id: 'a-2', spend: '150000.00', award: '105000.00' },
    ]);
    const paid = new Map([['d-1', { disbursementId: 'd-1', amount: Money.of('105000.00'), paymentRef: 'P-1', recordedBy: 'finance-1', confirmedBy: 'finance-2' }]]);
    const decided = decideRevoke(revoke, givenPool(pool, [member('a-2', '105000.00', { disbursements: paid, clawbacks: new Map([['c-0', aClawback('40000.00')]]) })], '105000.00'));
    expect(decided.members.get('a-2')?.map((e) => [e.type, e.data.amount])).toEqual([['ClawbackOrdered', '65000.00']]);
  });

  it('corrections-recompute: a payment recorded but not confirmed waits for the checker (PAYMENT_PENDING)', () => {
    const pool = aPool([
      { id: 'a-1', spend: '200000.00', award: '0.00' },
      { id: 'a-2', spend: '150000.00', award: '105000.00' },
    ]);
    const pending = new Map([['d-9', { disbursementId: 'd-9', amount: Money.of('105000.00'), paymentRef: 'P-9', recordedBy: 'finance-1', confirmedBy: null }]]);
    deciderSpec(decideRevoke)
      .given(givenPool(pool, [member('a-2', '105000.00', { disbursements: pending })], '105000.00'))
      .when(revoke)
      .thenRefused('PAYMENT_PENDING', { applicationId: 'a-2', disbursementId: 'd-9' });
  });

  it('corrections-recompute: a 一事一议 award is never reduced by a correction', () => {
    const pool = aPool([
      { id: 'a-1', spend: '1000000.00', award: '300000.00' },
      { id: 'a-2', spend: '200000.00', award: '150000.00', caseByCase: true },
    ]);
    expect(decideRevoke(revoke, givenPool(pool, [member('a-2', '150000.00', { caseByCase: true })], '450000.00')).members.size).toBe(0);
  });
});

describe('awards: a clawback that disqualifies the spend recomputes the pool', () => {
  const voucher = programme('baoding-data-voucher');
  const paidInFull = (amount: string) =>
    new Map([['d-1', { disbursementId: 'd-1', amount: Money.of(amount), paymentRef: 'P-1', recordedBy: 'finance-1', confirmedBy: 'finance-2' }]]);

  it('corrections-recompute: false invoices on the first of 300,000 (90,000, paid) and 100,000 (30,000) take both spends to 100,000: the second is reduced to 0.00', () => {
    const application: Extract<Application, { status: 'approved' }> = {
      ...inNotice('300000.00'),
      status: 'approved',
      award: anAward({ amount: '90000.00', disbursements: paidInFull('90000.00') }),
    };
    const pool = aPool([
      { id: 'a-1', spend: '300000.00', award: '90000.00' },
      { id: 'a-2', spend: '100000.00', award: '30000.00' },
    ]);
    const decided = decideOrderClawback(
      {
        type: 'OrderClawback',
        data: {
          applicationId: 'a-1',
          clawbackId: 'c-1',
          amount: Money.of('90000.00'),
          reason: '虚假发票',
          fraud: false,
          disqualifiesSpend: true,
          flagId: 'f-1',
          commandId: 'cmd-1',
          banUntil: null,
          referral: null,
        },
        metadata: on('2025-08-01'),
      },
      {
        application,
        enterprise: aRegisteredEnterprise('baoding'),
        pool: {
          programme: voucher,
          programmeCurrent: voucher,
          budgets: new Map([[2025, { status: 'open', allocated: Money.zero, committed: Money.of('120000.00') }]]),
          enterpriseYears: new Map([[2025, pool]]),
          project: null,
          members: new Map([['a-2', { applicationId: 'a-2', programmeId: voucher.id, uscc: 'U', fiscalYear: 2025, award: anAward({ amount: '30000.00' }) }]]),
        },
      },
    );
    expect(decided.application.map((e) => e.type)).toEqual(['ClawbackOrdered']);
    expect(decided.application[0]?.data).toMatchObject({ disqualifiesSpend: true, cause: null });
    expect(decided.members?.get('a-2')?.[0]).toMatchObject({
      type: 'AwardReduced',
      data: { amount: '30000.00', awardAfter: '0.00', cause: 'disqualifying-clawback', causeApplicationId: 'a-1', causeClawbackId: 'c-1' },
    });
    expect(decided.enterpriseYears?.get(2025)?.map((e) => [e.data.applicationId, e.data.spendAfter, e.data.awardedAfter])).toEqual([
      ['a-1', '100000.00', '30000.00'],
      ['a-2', '100000.00', '0.00'],
    ]);
  });
});

describe('awards by programme', () => {
  const forProgramme = (programmeId: string, claimed: string, level: string | null = null): ApproveGiven => {
    const definition = programme(programmeId);
    const application = inNotice(claimed, { programmeId });
    return given({
      application: { ...application, submission: { ...application.submission, level } },
      programme: definition,
      programmeCurrent: definition,
      budget: { status: 'open', allocated: Money.of('100000000.00'), committed: Money.zero },
    });
  };
  const awardOf = (g: ApproveGiven) => decideApprove(approve(), g).application[0].data.award;

  it('baoding-m3-rate: R&D gets 50% of the recognized cost, at most 500,000.00 a project', () => {
    expect(awardOf(forProgramme('baoding-rnd-project', '600000.00'))).toBe('300000.00');
    expect(awardOf(forProgramme('baoding-rnd-project', '1200000.00'))).toBe('500000.00');
  });

  it("baoding-m4-levels: an innovation platform gets its level's one-time award (national 2,000,000.00, provincial 500,000.00, municipal 200,000.00)", () => {
    expect(awardOf(forProgramme('baoding-innovation-platform', '0.01', 'national'))).toBe('2000000.00');
    expect(awardOf(forProgramme('baoding-innovation-platform', '0.01', 'provincial'))).toBe('500000.00');
    expect(awardOf(forProgramme('baoding-innovation-platform', '0.01', 'municipal'))).toBe('200000.00');
  });

  it("baoding-m5-levels: a standard gets its level's fixed award (lead international 300,000.00 … 2nd–3rd participant industry 20,000.00)", () => {
    expect(awardOf(forProgramme('baoding-standards', '0.01', 'lead-international'))).toBe('300000.00');
    expect(awardOf(forProgramme('baoding-standards', '0.01', 'lead-hebei-local'))).toBe('30000.00');
    expect(awardOf(forProgramme('baoding-standards', '0.01', 'participant-industry'))).toBe('20000.00');
  });

  it('wuhan-a6-rate: dataset construction gets 30% of the recognized investment, at most 2,000,000.00', () => {
    expect(awardOf(forProgramme('wuhan-dataset-construction', '1000000.00'))).toBe('300000.00');
    expect(awardOf(forProgramme('wuhan-dataset-construction', '9000000.00'))).toBe('2000000.00');
  });

  it('wuhan-a7-rate: a data product gets 30% of the recognized purchase amount, at most 2,000,000.00, rounded down to the fen', () => {
    expect(awardOf(forProgramme('wuhan-data-product', '100000.07'))).toBe('30000.02');
    expect(awardOf(forProgramme('wuhan-data-product', '7000000.00'))).toBe('2000000.00');
  });
});
