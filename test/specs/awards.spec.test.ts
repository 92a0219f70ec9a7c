// The award rules (SPEC §2–3; Baoding measures 1, 3–5; Wuhan art. 6, 7, 9) as given / when / then
// over `decideApprove` and `decideRevoke`. Each test is one rule, named by its id in docs/rules.md.
import { decideApprove, decideRevoke, type ApproveAward, type ApproveGiven } from '../../src/awards/decide.js';
import type { Application } from '../../src/applications/application.js';
import { builtInProgrammes } from '../../src/programmes/definitions.js';
import { Money } from '../../src/shared/money.js';
import { aSubmission } from '../support/states.js';
import { deciderSpec, on } from '../support/decider-spec.js';

const programme = (id: string) => builtInProgrammes.find((p) => p.id === id)!;

function inNotice(claimed: string, options: { programmeId?: string; matterKey?: string; lastReviewer?: string } = {}): Extract<Application, { status: 'in_notice' }> {
  return {
    status: 'in_notice',
    submission: aSubmission({ claimed, programmeId: options.programmeId ?? 'baoding-data-voucher', matterKey: options.matterKey ?? null }),
    review: { recognized: null, stagesPassed: ['district-preliminary', 'city-re-review', 'expert-review'], lastReviewer: options.lastReviewer ?? 'reviewer-1' },
    notice: { noticeId: 'n-1', endsOn: '2025-06-10' },
  };
}

function given(overrides: Partial<ApproveGiven> & { claimed?: string } = {}): ApproveGiven {
  const definition = programme(overrides.application?.submission.programmeId ?? 'baoding-data-voucher');
  return {
    application: inNotice(overrides.claimed ?? '400000.00'),
    programme: definition,
    programmeCurrent: definition,
    enterprise: { status: 'registered', uscc: 'U', name: '某企业', city: definition.jurisdiction, district: null, tags: [], flags: new Map() },
    notice: { status: 'opened', noticeId: 'n-1', programmeId: definition.id, applicationIds: ['a-1'], opensOn: '2025-06-03', endsOn: '2025-06-10', objections: new Map() },
    budget: { status: 'none' },
    enterpriseYear: { spend: Money.zero, awarded: Money.zero },
    matter: null,
    ...overrides,
  };
}

function approve(data: Partial<ApproveAward['data']> = {}, today = '2025-06-11', actorId = 'approver-1'): ApproveAward {
  return {
    type: 'ApproveAward',
    data: { applicationId: 'a-1', decisionRef: '党组会议2025-07号', amount: null, caseByCaseJustification: null, ...data },
    metadata: on(today, actorId),
  };
}

const spec = deciderSpec(decideApprove);

describe('awards', () => {
  it('baoding-m1-rate: 200,000 already counted, 150,000 more → S = 350,000, award 105,000.00', () => {
    const result = decideApprove(approve(), given({ claimed: '150000.00', enterpriseYear: { spend: Money.of('200000.00'), awarded: Money.zero } }));
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
      .given(given({ claimed: '400000.00', enterpriseYear: { spend: Money.of('1000000.00'), awarded: Money.of('290000.00') } }))
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
    const notice = base.notice.status === 'opened' ? { ...base.notice, objections: new Map([['o-1', { objectionId: 'o-1', applicationId: 'a-1', outcome: null }]]) } : base.notice;
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
    const result = decideApprove(approve({ amount: Money.of('450000.00'), caseByCaseJustification: '重大项目专班研究' }), given({ claimed: '2000000.00' }));
    expect(result.application[0].data).toMatchObject({ award: '450000.00', caseByCaseJustification: '重大项目专班研究' });
  });

  it('highest-not-repeated: a matter already funded 60,000.00 tops a later entitlement of 90,000.00 up by 30,000.00', () => {
    const matter = new Map([['a-0', { applicationId: 'a-0', programmeId: 'wuhan-data-product', entitlement: Money.of('60000.00'), award: Money.of('60000.00') }]]);
    const result = decideApprove(approve(), given({ application: inNotice('300000.00', { matterKey: 'm-1' }), matter }));
    expect(result.application[0].data).toMatchObject({ entitlement: '30000.00', award: '30000.00', matterReduction: '60000.00' });
    expect(result.matter?.[0].data).toMatchObject({ matterKey: 'm-1', entitlement: '90000.00', award: '30000.00' });
  });

  it("revoke-undisbursed: revoking releases the commitment and the enterprise-year's spend and award", () => {
    const application: Application = {
      ...inNotice('400000.00'),
      status: 'approved',
      award: { entitlement: Money.of('120000.00'), award: Money.of('120000.00'), approvedBy: 'approver-1', disbursements: new Map(), clawbacks: new Map() },
    };
    const decided = decideRevoke(
      { type: 'RevokeAward', data: { applicationId: 'a-1', reason: '重复申报' }, metadata: on('2025-06-12') },
      {
        application,
        programmeCurrent: programme('baoding-data-voucher'),
        budget: { status: 'open', allocated: Money.zero, committed: Money.of('120000.00') },
        enterpriseYear: { spend: Money.of('400000.00'), awarded: Money.of('120000.00') },
      },
    );
    expect(decided.budget[0]).toEqual({
      type: 'AwardReleased',
      data: { programmeId: 'baoding-data-voucher', year: 2025, applicationId: 'a-1', amount: '120000.00', budgetAfter: '20000000.00', committedAfter: '0.00' },
    });
    expect(decided.enterpriseYear[0].data).toMatchObject({ spendAfter: '0.00', awardedAfter: '0.00' });
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
