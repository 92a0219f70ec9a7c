// The rules of the public notice and of collective decisions (SPEC §3; Wuhan art. 9, 10; Baoding
// measure 1's 一事一议) as given / when / then over their deciders. Each test is one rule, named by its
// id in docs/rules.md.
import type { Application, LiveApplication } from '../../src/applications/application.js';
import { decideReview } from '../../src/applications/decide.js';
import type { AwardPools, PoolKeys } from '../../src/awards/entitlement.js';
import { decideApprove, type ApproveAward, type ApproveGiven } from '../../src/awards/decide.js';
import { decideRecordDecision, type RecordDecision } from '../../src/decisions/decide.js';
import { noDecision } from '../../src/decisions/decision.js';
import { decideFileObjection, decideOpenNotice, type FileObjection, type OpenNotice, type OpenNoticeGiven } from '../../src/notices/decide.js';
import { noNotice } from '../../src/notices/notice.js';
import { builtInProgrammes } from '../../src/programmes/definitions.js';
import { Money } from '../../src/shared/money.js';
import { WorkingDayCalendar, holidayYearsBuiltIn } from '../../src/shared/working-days.js';
import { aDecision, aNoticeRef, aPool, aRegisteredEnterprise, aSubmission, anObjection, anOpenedNotice, noPool } from '../support/states.js';
import { deciderSpec, on } from '../support/decider-spec.js';

const programme = (id: string) => builtInProgrammes.find((p) => p.id === id)!;
const voucher = programme('baoding-data-voucher');
const dataset = programme('wuhan-dataset-construction');
const allStages = ['district-preliminary', 'city-re-review', 'expert-review'];
const calendar = new WorkingDayCalendar(holidayYearsBuiltIn);

/** An application of `programmeId` that has passed `stagesPassed`, in the status that follows. */
function passed(id: string, claimed: string, stagesPassed: string[], options: { programmeId?: string; uscc?: string; status?: 'in_review' | 'reviewed' } = {}): LiveApplication {
  return {
    status: options.status ?? (stagesPassed.length === allStages.length ? 'reviewed' : 'in_review'),
    submission: aSubmission({ applicationId: id, claimed, programmeId: options.programmeId ?? voucher.id, uscc: options.uscc ?? 'U' }),
    review: { recognized: null, stagesPassed, lastReviewer: 'reviewer-1' },
    notices: [],
  };
}

const keysOf = (uscc = 'U'): PoolKeys => ({ enterpriseYear: `enterprise-year-${uscc}`, project: null, matter: null });
const emptyPools: AwardPools = { enterpriseYear: noPool, project: null, matter: null };

function noticeGiven(applications: LiveApplication[], overrides: Partial<OpenNoticeGiven> = {}): OpenNoticeGiven {
  return {
    programme: voucher,
    applications: new Map(applications.map((a) => [a.submission.applicationId, a])),
    currentNotices: new Map(),
    enterprises: new Map([['U', aRegisteredEnterprise('baoding', { uscc: 'U', name: '保定数智科技有限公司' })]]),
    pools: new Map(applications.map((a) => [a.submission.applicationId, { pools: emptyPools, keys: keysOf(a.submission.uscc) }])),
    calendar,
    ...overrides,
  };
}

function open(applicationIds: string[], proposed: Record<string, string> = {}, programmeId = voucher.id): OpenNotice {
  return {
    type: 'OpenNotice',
    data: {
      noticeId: 'n-1',
      programmeId,
      applicationIds,
      opensOn: '2025-06-03',
      proposedAwards: new Map(Object.entries(proposed).map(([id, amount]) => [id, Money.of(amount)])),
    },
    metadata: on('2025-06-03'),
  };
}

const opening = deciderSpec(decideOpenNotice);

describe('public notices', () => {
  it('notice-amounts: 200,000 and 150,000 of one enterprise-year on one notice are proposed 0.00 then 105,000.00, in the order listed', () => {
    const decided = decideOpenNotice(open(['a-1', 'a-2']), noticeGiven([passed('a-1', '200000.00', allStages), passed('a-2', '150000.00', allStages)]));
    expect(decided.notice[0].data).toMatchObject({ afterStage: 'expert-review', listsAmounts: true, endsOn: '2025-06-10' });
    expect(decided.notice[0].data.entries).toEqual([
      { applicationId: 'a-1', uscc: 'U', enterpriseName: '保定数智科技有限公司', matterKey: null, proposedAward: '0.00', proposedBy: 'entitlement' },
      { applicationId: 'a-2', uscc: 'U', enterpriseName: '保定数智科技有限公司', matterKey: null, proposedAward: '105000.00', proposedBy: 'entitlement' },
    ]);
    expect(decided.applications['a-2']?.[0].data).toMatchObject({ proposedAward: '105000.00', afterStage: 'expert-review' });
  });

  it('notice-amounts: the pool as it stands counts — after 250,000 approved at 0.00, 100,000 more is proposed 105,000.00', () => {
    const pools = new Map([['a-2', { pools: { ...emptyPools, enterpriseYear: aPool([{ id: 'a-1', spend: '250000.00', award: '0.00' }]) }, keys: keysOf() }]]);
    const decided = decideOpenNotice(open(['a-2']), noticeGiven([passed('a-2', '100000.00', allStages)], { pools }));
    expect(decided.notice[0].data.entries[0]?.proposedAward).toBe('105000.00');
  });

  it('notice-amounts: the approver may propose less than the entitlement; more is refused where 一事一议 is not allowed', () => {
    const lower = decideOpenNotice(open(['a-1'], { 'a-1': '90000.00' }), noticeGiven([passed('a-1', '400000.00', allStages)]));
    expect(lower.notice[0].data.entries[0]).toMatchObject({ proposedAward: '90000.00', proposedBy: 'approver' });
    const product = programme('wuhan-data-product');
    const application = passed('a-1', '400000.00', allStages, { programmeId: product.id });
    opening
      .given(noticeGiven([application], { programme: product, pools: new Map([['a-1', { pools: { ...emptyPools, project: noPool }, keys: keysOf() }]]) }))
      .when(open(['a-1'], { 'a-1': '130000.00' }, product.id))
      .thenRefused('AMOUNT_ABOVE_ENTITLEMENT', { entitlement: '120000.00', requested: '130000.00' });
  });

  it('notice-amounts: where 一事一议 is allowed, a proposal may go up to the recognized amount, not beyond', () => {
    const decided = decideOpenNotice(open(['a-1'], { 'a-1': '400000.00' }), noticeGiven([passed('a-1', '400000.00', allStages)]));
    expect(decided.notice[0].data.entries[0]?.proposedAward).toBe('400000.00');
    opening
      .given(noticeGiven([passed('a-1', '400000.00', allStages)]))
      .when(open(['a-1'], { 'a-1': '400000.01' }))
      .thenRefused('AMOUNT_ABOVE_ENTITLEMENT', { recognized: '400000.00' });
  });

  it('notice-stages: Wuhan dataset construction holds a notice of the confirmed builders after 确认主体, without amounts', () => {
    const application = passed('a-1', '1000000.00', ['district-preliminary', 'city-re-review'], { programmeId: dataset.id });
    const decided = decideOpenNotice(open(['a-1'], {}, dataset.id), noticeGiven([application], { programme: dataset }));
    expect(decided.notice[0].data).toMatchObject({ afterStage: 'city-re-review', listsAmounts: false });
    expect(decided.notice[0].data.entries[0]).toMatchObject({ proposedAward: null, proposedBy: null });
    opening
      .given(noticeGiven([application], { programme: dataset }))
      .when(open(['a-1'], { 'a-1': '1000.00' }, dataset.id))
      .thenRefused('VALIDATION_FAILED', { field: 'proposedAwards' });
  });

  it('notice-stages: no notice after a stage where the programme holds none, and one notice lists one stage', () => {
    opening
      .given(noticeGiven([passed('a-1', '400000.00', ['district-preliminary', 'city-re-review'])]))
      .when(open(['a-1']))
      .thenRefused('INVALID_TRANSITION', { status: 'in_review' });
    const first = passed('a-1', '1000000.00', ['district-preliminary', 'city-re-review'], { programmeId: dataset.id });
    const second = passed('a-2', '1000000.00', allStages, { programmeId: dataset.id });
    opening
      .given(noticeGiven([first, second], { programme: dataset }))
      .when(open(['a-1', 'a-2'], {}, dataset.id))
      .thenRefused('VALIDATION_FAILED', { field: 'applicationIds', applicationId: 'a-2' });
  });

  it('notice-stages: the review after 确认主体 waits for its notice to be held, to end, and for its objections', () => {
    const review = { type: 'ReviewApplication' as const, data: { applicationId: 'a-1', stage: 'expert-review', outcome: 'pass' as const, recognizedAmount: null, reason: null } };
    const confirmed = passed('a-1', '1000000.00', ['district-preliminary', 'city-re-review'], { programmeId: dataset.id });
    const reviewing = deciderSpec(decideReview);
    reviewing
      .given({ application: confirmed, programme: dataset, notice: noNotice })
      .when({ ...review, metadata: on('2025-06-20', 'reviewer-2') })
      .thenRefused('NOTICE_STAGE_PENDING', { afterStage: 'city-re-review' });
    const noticed: Application = { ...confirmed, status: 'in_notice', notice: aNoticeRef({ afterStage: 'city-re-review' }) };
    const notice = anOpenedNotice({ programmeId: dataset.id, afterStage: 'city-re-review' });
    reviewing
      .given({ application: noticed, programme: dataset, notice })
      .when({ ...review, metadata: on('2025-06-10', 'reviewer-2') })
      .thenRefused('NOTICE_NOT_ENDED', { endsOn: '2025-06-10' });
    const objected = { ...notice, objections: new Map([['o-1', anObjection('o-1', 'a-1')]]) };
    reviewing
      .given({ application: noticed, programme: dataset, notice: objected })
      .when({ ...review, metadata: on('2025-06-11', 'reviewer-2') })
      .thenRefused('OBJECTION_UNRESOLVED', { objectionId: 'o-1' });
    const result = decideReview({ ...review, metadata: on('2025-06-11', 'reviewer-2') }, { application: noticed, programme: dataset, notice });
    expect(result.application[0]).toMatchObject({ type: 'StageReviewed', data: { stage: 'expert-review', final: true } });
  });

  it('notice-amounts: an application on a notice is listed again (a higher amount) once no objection to it is open', () => {
    const current = anOpenedNotice({ objections: new Map([['o-1', anObjection('o-1', 'a-1')]]) });
    const noticed: LiveApplication = { ...passed('a-1', '400000.00', allStages), status: 'in_notice', notice: aNoticeRef({ proposedAward: Money.of('90000.00') }) };
    opening
      .given(noticeGiven([noticed], { currentNotices: new Map([['a-1', current]]) }))
      .when(open(['a-1']))
      .thenRefused('OBJECTION_UNRESOLVED', { objectionId: 'o-1' });
    const relisted = decideOpenNotice(open(['a-1']), noticeGiven([noticed], { currentNotices: new Map([['a-1', anOpenedNotice()]]) }));
    expect(relisted.notice[0].data.entries[0]?.proposedAward).toBe('120000.00');
  });
});

describe('objections', () => {
  const noticed: Application = { ...passed('a-1', '400000.00', allStages), status: 'in_notice', notice: aNoticeRef() };
  const file = (data: Partial<FileObjection['data']>, today: string): FileObjection => ({
    type: 'FileObjection',
    data: { noticeId: 'n-1', objectionId: 'o-1', applicationId: 'a-1', summary: '反映发票存疑', objector: '张某', channel: 'letter', receivedOn: null, ...data },
    metadata: on(today, 'reviewer-3'),
  });
  const filing = deciderSpec(decideFileObjection);

  it('notice-objections: an objection records who objected (or anonymous), the channel and the day it was received', () => {
    const named = decideFileObjection(file({ receivedOn: '2025-06-09' }, '2025-06-12'), { notice: anOpenedNotice(), application: noticed });
    expect(named.notice[0].data).toMatchObject({ objector: '张某', channel: 'letter', receivedOn: '2025-06-09', summary: '反映发票存疑' });
    const anonymous = decideFileObjection(file({ objector: null, channel: 'phone' }, '2025-06-05'), { notice: anOpenedNotice(), application: noticed });
    expect(anonymous.notice[0].data).toMatchObject({ objector: null, channel: 'phone', receivedOn: '2025-06-05' });
  });

  it('notice-objections: received outside the period, or in the future, is refused', () => {
    filing
      .given({ notice: anOpenedNotice(), application: noticed })
      .when(file({ receivedOn: '2025-06-11' }, '2025-06-12'))
      .thenRefused('NOTICE_CLOSED', { endsOn: '2025-06-10' });
    filing.given({ notice: anOpenedNotice(), application: noticed }).when(file({}, '2025-06-12')).thenRefused('NOTICE_CLOSED', { endsOn: '2025-06-10' });
    filing
      .given({ notice: anOpenedNotice(), application: noticed })
      .when(file({ receivedOn: '2025-06-06' }, '2025-06-05'))
      .thenRefused('DATE_OUT_OF_RANGE', { field: 'receivedOn' });
  });
});

describe('collective decisions', () => {
  const record = (data: Partial<RecordDecision['data']> = {}, today = '2025-06-12'): RecordDecision => ({
    type: 'RecordDecision',
    data: {
      decisionId: 'd-1',
      reference: '市数据局党组会议纪要〔2025〕7号',
      decidedOn: '2025-06-12',
      body: '市数据局党组',
      kind: 'collective',
      awards: [{ applicationId: 'a-1', amount: Money.of('105000.00') }],
      ...data,
    },
    metadata: on(today),
  });
  const noticed: Application = { ...passed('a-1', '400000.00', allStages), status: 'in_notice', notice: aNoticeRef() };
  const recording = deciderSpec(decideRecordDecision);
  const applications = new Map([['a-1', noticed]]);

  it('collective-decision: a decision is recorded with its date, reference, body and the amount for each application', () => {
    recording
      .given({ reference: { status: 'free' }, applications })
      .when(record())
      .then({
        decision: [
          {
            type: 'DecisionRecorded',
            data: {
              decisionId: 'd-1',
              reference: '市数据局党组会议纪要〔2025〕7号',
              decidedOn: '2025-06-12',
              body: '市数据局党组',
              kind: 'collective',
              awards: [{ applicationId: 'a-1', amount: '105000.00' }],
            },
          },
        ],
        reference: [{ type: 'DecisionReferenceUsed', data: { body: '市数据局党组', reference: '市数据局党组会议纪要〔2025〕7号', decisionId: 'd-1' } }],
      });
  });

  it('collective-decision: dated in the future, the same minutes twice, an application twice or one already decided are refused', () => {
    recording
      .given({ reference: { status: 'free' }, applications })
      .when(record({ decidedOn: '2025-06-13' }))
      .thenRefused('DATE_OUT_OF_RANGE', { field: 'decidedOn', latest: '2025-06-12' });
    recording
      .given({ reference: { status: 'used', decisionId: 'd-0' }, applications })
      .when(record())
      .thenRefused('ALREADY_EXISTS', { decisionId: 'd-0' });
    const twice = [
      { applicationId: 'a-1', amount: Money.of('1.00') },
      { applicationId: 'a-1', amount: Money.of('2.00') },
    ];
    recording
      .given({ reference: { status: 'free' }, applications })
      .when(record({ awards: twice }))
      .thenRefused('VALIDATION_FAILED', { field: 'awards' });
    const submitted = new Map([['a-1', { ...passed('a-1', '1.00', []), status: 'submitted' as const }]]);
    recording
      .given({ reference: { status: 'free' }, applications: submitted })
      .when(record())
      .thenRefused('INVALID_TRANSITION', { status: 'submitted' });
  });

  function approveGiven(overrides: Partial<ApproveGiven> = {}): ApproveGiven {
    return {
      application: { ...passed('a-1', '350000.00', allStages), status: 'in_notice', notice: aNoticeRef() },
      programme: voucher,
      programmeCurrent: voucher,
      enterprise: aRegisteredEnterprise('baoding'),
      notice: anOpenedNotice(),
      decision: aDecision({ 'a-1': '105000.00' }),
      budget: { status: 'none' },
      enterpriseYear: noPool,
      project: null,
      matter: null,
      ...overrides,
    };
  }
  const approve = (data: Partial<ApproveAward['data']> = {}): ApproveAward => ({
    type: 'ApproveAward',
    data: { applicationId: 'a-1', decisionRef: 'd-1', amount: null, caseByCaseJustification: null, ...data },
    metadata: on('2025-06-11', 'approver-2'),
  });
  const approving = deciderSpec(decideApprove);

  it('collective-decision: an approval cites a recorded decision that lists the application', () => {
    approving
      .given(approveGiven({ decision: noDecision }))
      .when(approve({ decisionRef: '党组会议2025-07号' }))
      .thenRefused('DECISION_NOT_RECORDED', { decisionRef: '党组会议2025-07号' });
    approving
      .given(approveGiven({ decision: aDecision({ 'a-9': '105000.00' }) }))
      .when(approve())
      .thenRefused('DECISION_MISMATCH', { reason: 'not-listed' });
    const result = decideApprove(approve(), approveGiven());
    expect(result.application[0].data).toMatchObject({ decisionRef: 'd-1', decidedAmount: '105000.00', award: '105000.00' });
  });

  it('collective-decision: the award is what the decision approved, within the entitlement; above it is refused', () => {
    const lower = decideApprove(approve(), approveGiven({ decision: aDecision({ 'a-1': '100000.00' }) }));
    expect(lower.application[0].data).toMatchObject({ entitlement: '105000.00', decidedAmount: '100000.00', award: '100000.00' });
    const higher = decideApprove(approve(), approveGiven({ decision: aDecision({ 'a-1': '200000.00' }) }));
    expect(higher.application[0].data).toMatchObject({ entitlement: '105000.00', award: '105000.00' });
    approving
      .given(approveGiven({ decision: aDecision({ 'a-1': '100000.00' }) }))
      .when(approve({ amount: Money.of('105000.00') }))
      .thenRefused('AMOUNT_ABOVE_DECISION', { decided: '100000.00', requested: '105000.00' });
  });

  it('collective-decision: a 一事一议 award cites a 一事一议 decision, and an ordinary one a collective decision', () => {
    approving
      .given(approveGiven({ application: { ...passed('a-1', '2000000.00', allStages), status: 'in_notice', notice: aNoticeRef() } }))
      .when(approve({ amount: Money.of('450000.00'), caseByCaseJustification: '重大项目' }))
      .thenRefused('DECISION_MISMATCH', { reason: 'not-case-by-case' });
    approving
      .given(approveGiven({ decision: aDecision({ 'a-1': '105000.00' }, 'case-by-case') }))
      .when(approve())
      .thenRefused('DECISION_MISMATCH', { reason: 'case-by-case' });
    const caseByCase = decideApprove(
      approve({ caseByCaseJustification: '重大项目' }),
      approveGiven({
        application: { ...passed('a-1', '2000000.00', allStages), status: 'in_notice', notice: aNoticeRef() },
        decision: aDecision({ 'a-1': '450000.00' }, 'case-by-case'),
      }),
    );
    expect(caseByCase.application[0].data).toMatchObject({ award: '450000.00', decidedAmount: '450000.00' });
  });

  it('notice-amounts: an approval above the noticed amount is refused; a lower one is recorded beside it', () => {
    const noticedAt = (amount: string): ApproveGiven['application'] => ({
      ...passed('a-1', '350000.00', allStages),
      status: 'in_notice',
      notice: aNoticeRef({ proposedAward: Money.of(amount) }),
    });
    approving
      .given(approveGiven({ application: noticedAt('90000.00') }))
      .when(approve())
      .thenRefused('AMOUNT_ABOVE_NOTICE', { noticed: '90000.00', requested: '105000.00' });
    const lower = decideApprove(approve({ amount: Money.of('80000.00') }), approveGiven({ application: noticedAt('90000.00') }));
    expect(lower.application[0].data).toMatchObject({ award: '80000.00', noticedAmount: '90000.00', decidedAmount: '105000.00' });
  });

  it('notice-stages: an approval waits for every review stage and the last notice', () => {
    const early: ApproveGiven['application'] = {
      ...passed('a-1', '1000000.00', ['district-preliminary', 'city-re-review'], { programmeId: dataset.id }),
      status: 'in_notice',
      notice: aNoticeRef({ afterStage: 'city-re-review' }),
    };
    approving
      .given(approveGiven({ application: early, programme: dataset, programmeCurrent: dataset }))
      .when(approve())
      .thenRefused('INVALID_TRANSITION', { stageExpected: 'expert-review' });
  });
});
