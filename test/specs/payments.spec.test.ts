// The rules of money out and back (SPEC §3; Wuhan art. 12) as given / when / then over the
// disbursement and clawback deciders, and the public notice's objections.
import type { Application } from '../../src/applications/application.js';
import { decideConcludeReferral, decideOrderClawback, decideRecordRecovery, decideReferFraud, decideWriteOff } from '../../src/clawbacks/decide.js';
import { decideConfirmDisbursement, decideRecordDisbursement } from '../../src/disbursements/decide.js';
import { decideOpenNotice } from '../../src/notices/decide.js';
import { builtInProgrammes } from '../../src/programmes/definitions.js';
import { Money } from '../../src/shared/money.js';
import { WorkingDayCalendar, holidayYearsBuiltIn } from '../../src/shared/working-days.js';
import { aClawback, aNoticeRef, aRegisteredEnterprise, aSubmission, anAward, noPool, reviewedBy } from '../support/states.js';
import { deciderSpec, on } from '../support/decider-spec.js';

const product = builtInProgrammes.find((p) => p.id === 'wuhan-data-product')!;
const registered = aRegisteredEnterprise('wuhan');
const submission = aSubmission({ programmeId: product.id });
const review = reviewedBy();

function approved(paidFen: { recorded?: string; confirmedBy?: string | null } = {}): Extract<Application, { status: 'approved' }> {
  const disbursements = new Map(
    paidFen.recorded === undefined
      ? []
      : [['d-1', { disbursementId: 'd-1', amount: Money.of(paidFen.recorded), paymentRef: 'PAY-1', recordedBy: 'finance-1', confirmedBy: paidFen.confirmedBy ?? null }]],
  );
  return {
    status: 'approved',
    submission,
    review,
    notices: [aNoticeRef()],
    notice: aNoticeRef(),
    award: anAward({ disbursements }),
  };
}

describe('payments', () => {
  it('disbursement-maker: a payment above the award is refused with the figures', () => {
    deciderSpec(decideRecordDisbursement)
      .given({ application: approved(), programme: product, enterprise: registered, paymentReference: { status: 'none' } })
      .when({
        type: 'RecordDisbursement',
        data: { applicationId: 'a-1', disbursementId: 'd-1', amount: Money.of('150000.01'), paymentRef: 'PAY-1', paidOn: '2025-06-12' },
        metadata: on('2025-06-12', 'finance-1'),
      })
      .thenRefused('DISBURSEMENT_EXCEEDS_AWARD', { award: '150000.00', requested: '150000.01' });
  });

  it('segregation-of-duties: the approver may not record the disbursement', () => {
    deciderSpec(decideRecordDisbursement)
      .given({ application: approved(), programme: product, enterprise: registered, paymentReference: { status: 'none' } })
      .when({
        type: 'RecordDisbursement',
        data: { applicationId: 'a-1', disbursementId: 'd-1', amount: Money.of('1.00'), paymentRef: 'PAY-1', paidOn: '2025-06-12' },
        metadata: on('2025-06-12', 'approver-1'),
      })
      .thenRefused('SEGREGATION_OF_DUTIES', { actor: 'approver-1' });
  });

  it('disbursement-checker: the maker may not confirm; another finance user does, and paid counts then', () => {
    const confirm = (actorId: string) => ({ type: 'ConfirmDisbursement' as const, data: { disbursementId: 'd-1' }, metadata: on('2025-06-12', actorId) });
    const given = { application: approved({ recorded: '50000.00' }), programme: product, enterprise: registered };
    deciderSpec(decideConfirmDisbursement).given(given).when(confirm('finance-1')).thenRefused('SEGREGATION_OF_DUTIES', { actor: 'finance-1' });
    deciderSpec(decideConfirmDisbursement)
      .given(given)
      .when(confirm('finance-2'))
      .then({ application: [{ type: 'DisbursementConfirmed', data: { applicationId: 'a-1', disbursementId: 'd-1', amount: '50000.00' } }] });
  });

  it('wuhan-a12-clawback: an order above what was paid is refused; fraud flags the enterprise', () => {
    const application = approved({ recorded: '50000.00', confirmedBy: 'finance-2' });
    const order = (amount: string, fraud: boolean) => ({
      type: 'OrderClawback' as const,
      data: {
        applicationId: 'a-1',
        clawbackId: 'c-1',
        amount: Money.of(amount),
        reason: '骗取专项资金',
        fraud,
        disqualifiesSpend: false,
        flagId: 'f-1',
        commandId: 'cmd-1',
        banUntil: fraud ? '2028-06-30' : null,
        referral: null,
      },
      metadata: on('2025-07-01'),
    });
    deciderSpec(decideOrderClawback)
      .given({ application, enterprise: registered, pool: null })
      .when(order('50000.01', false))
      .thenRefused('CLAWBACK_EXCEEDS_PAID', { paid: '50000.00', requested: '50000.01' });
    const decided = decideOrderClawback(order('50000.00', true), { application, enterprise: registered, pool: null });
    expect(decided.enterprise?.[0].data).toMatchObject({ list: 'subsidy-fraud', since: '2025-07-01', evidenceRef: 'c-1', until: '2028-06-30' });
  });

  it('wuhan-a12-recovery: a receipt above what is outstanding is refused; recovered money restores no headroom by default', () => {
    const base = approved({ recorded: '50000.00', confirmedBy: 'finance-2' });
    const application = {
      ...base,
      award: { ...base.award, clawbacks: new Map([['c-1', aClawback('30000.00')]]) },
    };
    const receipt = (amount: string) => ({
      type: 'RecordRecovery' as const,
      data: { clawbackId: 'c-1', amount: Money.of(amount), receivedOn: '2025-07-02', receiptRef: 'R-1' },
      metadata: on('2025-07-02', 'finance-1'),
    });
    const given = { application, programmeCurrent: product, budget: { status: 'none' as const }, enterpriseYear: noPool };
    deciderSpec(decideRecordRecovery).given(given).when(receipt('30000.01')).thenRefused('RECOVERY_EXCEEDS_ORDERED', { outstanding: '30000.00' });
    deciderSpec(decideRecordRecovery)
      .given(given)
      .when(receipt('10000.00'))
      .then({ application: [{ type: 'RecoveryRecorded', data: { applicationId: 'a-1', clawbackId: 'c-1', amount: '10000.00', receivedOn: '2025-07-02', receiptRef: 'R-1' } }] });
  });

  it('no-payment-during-clawback: nothing is recorded or confirmed while a clawback of the award is outstanding', () => {
    const base = approved({ recorded: '50000.00', confirmedBy: null });
    const application = { ...base, award: { ...base.award, clawbacks: new Map([['c-1', aClawback('20000.00', { recovered: Money.of('5000.00') })]]) } };
    deciderSpec(decideRecordDisbursement)
      .given({ application, programme: product, enterprise: registered, paymentReference: { status: 'none' } })
      .when({
        type: 'RecordDisbursement',
        data: { applicationId: 'a-1', disbursementId: 'd-2', amount: Money.of('1000.00'), paymentRef: 'PAY-2', paidOn: '2025-07-02' },
        metadata: on('2025-07-02', 'finance-1'),
      })
      .thenRefused('CLAWBACK_OUTSTANDING', { applicationId: 'a-1', outstanding: '15000.00' });
    deciderSpec(decideConfirmDisbursement)
      .given({ application, programme: product, enterprise: registered })
      .when({ type: 'ConfirmDisbursement', data: { disbursementId: 'd-1' }, metadata: on('2025-07-02', 'finance-2') })
      .thenRefused('CLAWBACK_OUTSTANDING', { outstanding: '15000.00' });
  });

  it('payment-dates: paidOn lies between the approval (2025-06-11) and today', () => {
    const record = (paidOn: string) => ({
      type: 'RecordDisbursement' as const,
      data: { applicationId: 'a-1', disbursementId: 'd-1', amount: Money.of('1000.00'), paymentRef: 'PAY-1', paidOn },
      metadata: on('2025-07-02', 'finance-1'),
    });
    const given = { application: approved(), programme: product, enterprise: registered, paymentReference: { status: 'none' as const } };
    deciderSpec(decideRecordDisbursement)
      .given(given)
      .when(record('2025-01-11'))
      .thenRefused('DATE_OUT_OF_RANGE', { field: 'paidOn', earliest: '2025-06-11', latest: '2025-07-02' });
    deciderSpec(decideRecordDisbursement).given(given).when(record('2025-07-03')).thenRefused('DATE_OUT_OF_RANGE', { field: 'paidOn', value: '2025-07-03' });
    expect(decideRecordDisbursement(record('2025-06-11'), given).application[0].data.paidOn).toBe('2025-06-11');
  });

  it('payment-dates: receivedOn lies between the clawback order (2025-07-01) and today', () => {
    const base = approved({ recorded: '50000.00', confirmedBy: 'finance-2' });
    const application = { ...base, award: { ...base.award, clawbacks: new Map([['c-1', aClawback('30000.00')]]) } };
    const receipt = (receivedOn: string) => ({
      type: 'RecordRecovery' as const,
      data: { clawbackId: 'c-1', amount: Money.of('1000.00'), receivedOn, receiptRef: 'R-1' },
      metadata: on('2025-07-05', 'finance-1'),
    });
    const given = { application, programmeCurrent: product, budget: { status: 'none' as const }, enterpriseYear: noPool };
    deciderSpec(decideRecordRecovery).given(given).when(receipt('2025-06-30')).thenRefused('DATE_OUT_OF_RANGE', { field: 'receivedOn', earliest: '2025-07-01' });
    deciderSpec(decideRecordRecovery).given(given).when(receipt('2025-07-06')).thenRefused('DATE_OUT_OF_RANGE', { field: 'receivedOn', latest: '2025-07-05' });
  });

  it('notice-period: a notice opened on 2025-09-26 runs 5 working days, skipping the National Day holidays', () => {
    const reviewed: Application = { status: 'reviewed', submission, review, notices: [] };
    const decided = decideOpenNotice(
      {
        type: 'OpenNotice',
        data: { noticeId: 'n-1', programmeId: product.id, applicationIds: ['a-1'], opensOn: '2025-09-26', proposedAwards: new Map() },
        metadata: on('2025-09-26'),
      },
      {
        programme: product,
        applications: new Map([['a-1', reviewed]]),
        currentNotices: new Map(),
        enterprises: new Map(),
        pools: new Map([['a-1', { pools: { enterpriseYear: noPool, project: noPool, matter: null }, keys: { enterpriseYear: 'ey', project: 'p', matter: null } }]]),
        calendar: new WorkingDayCalendar(holidayYearsBuiltIn),
      },
    );
    // 09-28 (a Sunday made a workday), 09-29, 09-30, then 10-01…10-08 off, 10-09, 10-10.
    expect(decided.notice[0].data.endsOn).toBe('2025-10-10');
    expect(decided.applications['a-1']?.[0].data).toMatchObject({ noticeId: 'n-1', endsOn: '2025-10-10' });
  });
});

describe('write-offs', () => {
  it('wuhan-a12-write-off: what is outstanding is written off whole; nothing outstanding is refused', () => {
    const base = approved({ recorded: '50000.00', confirmedBy: 'finance-2' });
    const withClawback = (recovered: string) => ({
      ...base,
      award: { ...base.award, clawbacks: new Map([['c-1', aClawback('30000.00', { recovered: Money.of(recovered) })]]) },
    });
    const writeOff = { type: 'WriteOffClawback' as const, data: { clawbackId: 'c-1', reason: '企业已注销' }, metadata: on('2025-08-01') };
    deciderSpec(decideWriteOff)
      .given({ application: withClawback('10000.00') })
      .when(writeOff)
      .then({ application: [{ type: 'ClawbackWrittenOff', data: { applicationId: 'a-1', clawbackId: 'c-1', amount: '20000.00', reason: '企业已注销' } }] });
    deciderSpec(decideWriteOff)
      .given({ application: withClawback('30000.00') })
      .when(writeOff)
      .thenRefused('INVALID_TRANSITION', { clawbackId: 'c-1' });
  });

  it('wuhan-a12-fraud-outcomes: a fraud ban ends on the day the decision sets; without one, or ending today, the order is refused; a longer ban extends a shorter one in force', () => {
    const application = approved({ recorded: '50000.00', confirmedBy: 'finance-2' });
    const order = (banUntil: string | null, referral: { referredOn: string; reference: string; authority: string } | null = null) => ({
      type: 'OrderClawback' as const,
      data: {
        applicationId: 'a-1',
        clawbackId: 'c-3',
        amount: Money.of('1000.00'),
        reason: '骗取专项资金',
        fraud: true,
        disqualifiesSpend: false,
        flagId: 'f-3',
        commandId: 'cmd-3',
        banUntil,
        referral,
      },
      metadata: on('2025-07-01'),
    });
    const given = { application, enterprise: registered, pool: null };
    deciderSpec(decideOrderClawback).given(given).when(order(null)).thenRefused('VALIDATION_FAILED', { field: 'banUntil' });
    deciderSpec(decideOrderClawback).given(given).when(order('2025-07-01')).thenRefused('DATE_OUT_OF_RANGE', { field: 'banUntil', earliest: '2025-07-02' });
    expect(decideOrderClawback(order('2028-06-30'), given).enterprise?.[0].data).toMatchObject({ list: 'subsidy-fraud', since: '2025-07-01', until: '2028-06-30' });
    const shorterBan = { ...registered, flags: new Map([['f-1', { flagId: 'f-1', list: 'subsidy-fraud', source: 'clawback c-1', since: '2025-06-30', until: '2026-06-30' }]]) };
    expect(decideOrderClawback(order('2028-06-30'), { ...given, enterprise: shorterBan }).enterprise?.[0].data.until).toBe('2028-06-30');
    expect(decideOrderClawback(order('2026-01-31'), { ...given, enterprise: shorterBan }).enterprise).toBeUndefined();
    // Not a fraud: neither a ban nor a referral.
    const notFraud = { ...order('2028-06-30'), data: { ...order('2028-06-30').data, fraud: false } };
    deciderSpec(decideOrderClawback).given(given).when(notFraud).thenRefused('VALIDATION_FAILED', { field: 'banUntil' });
    // A referral made with the order is recorded beside it.
    const referral = { referredOn: '2025-06-30', reference: '保公(经)受案字〔2025〕88号', authority: '保定市公安局经济犯罪侦查支队' };
    expect(decideOrderClawback(order('2028-06-30', referral), given).application).toContainEqual({
      type: 'FraudReferred',
      data: { applicationId: 'a-1', clawbackId: 'c-3', uscc: 'U', ...referral },
    });
    deciderSpec(decideOrderClawback)
      .given(given)
      .when(order('2028-06-30', { ...referral, referredOn: '2025-07-02' }))
      .thenRefused('DATE_OUT_OF_RANGE', { field: 'referral.referredOn' });
  });

  it('wuhan-a12-fraud-outcomes: a fraud clawback is referred to the judicial organs once, and their decision recorded once it is known, after the referral', () => {
    const base = approved({ recorded: '50000.00', confirmedBy: 'finance-2' });
    const withClawback = (clawback: ReturnType<typeof aClawback>) => ({ ...base, award: { ...base.award, clawbacks: new Map([['c-1', clawback]]) } });
    const refer = {
      type: 'ReferFraud' as const,
      data: { clawbackId: 'c-1', referredOn: '2025-07-05', reference: '武公(经)移字〔2025〕12号', authority: '武汉市公安局' },
      metadata: on('2025-07-06'),
    };
    deciderSpec(decideReferFraud)
      .given({ application: withClawback(aClawback('1000.00')) })
      .when(refer)
      .thenRefused('INVALID_TRANSITION', { clawbackId: 'c-1' });
    const fraud = aClawback('1000.00', { fraud: true });
    deciderSpec(decideReferFraud)
      .given({ application: withClawback(fraud) })
      .when(refer)
      .then({
        application: [
          {
            type: 'FraudReferred',
            data: { applicationId: 'a-1', clawbackId: 'c-1', uscc: 'U', referredOn: '2025-07-05', reference: '武公(经)移字〔2025〕12号', authority: '武汉市公安局' },
          },
        ],
      });
    const conclude = (decidedOn: string) => ({
      type: 'ConcludeReferral' as const,
      data: { clawbackId: 'c-1', outcome: 'convicted' as const, decidedOn, reference: '(2026)鄂0102刑初45号', summary: '以诈骗罪判处有期徒刑' },
      metadata: on('2026-03-01'),
    });
    deciderSpec(decideConcludeReferral)
      .given({ application: withClawback(fraud) })
      .when(conclude('2026-02-20'))
      .thenRefused('INVALID_TRANSITION', { clawbackId: 'c-1' });
    const referred = aClawback('1000.00', { fraud: true, referral: { referredOn: '2025-07-05', reference: '武公(经)移字〔2025〕12号', authority: '武汉市公安局', outcome: null } });
    deciderSpec(decideReferFraud)
      .given({ application: withClawback(referred) })
      .when(refer)
      .thenRefused('ALREADY_EXISTS', { clawbackId: 'c-1' });
    deciderSpec(decideConcludeReferral)
      .given({ application: withClawback(referred) })
      .when(conclude('2025-07-04'))
      .thenRefused('DATE_OUT_OF_RANGE', { field: 'decidedOn' });
    deciderSpec(decideConcludeReferral)
      .given({ application: withClawback(referred) })
      .when(conclude('2026-02-20'))
      .then({
        application: [
          {
            type: 'FraudReferralConcluded',
            data: { applicationId: 'a-1', clawbackId: 'c-1', outcome: 'convicted', decidedOn: '2026-02-20', reference: '(2026)鄂0102刑初45号', summary: '以诈骗罪判处有期徒刑' },
          },
        ],
      });
    const concluded = aClawback('1000.00', {
      fraud: true,
      referral: { ...referred.referral!, outcome: { outcome: 'convicted', decidedOn: '2026-02-20', reference: '(2026)鄂0102刑初45号' } },
    });
    deciderSpec(decideConcludeReferral)
      .given({ application: withClawback(concluded) })
      .when(conclude('2026-02-21'))
      .thenRefused('ALREADY_EXISTS', { clawbackId: 'c-1' });
  });

  it('wuhan-a12-fraud-flag: a fraud clawback bars the enterprise unless a subsidy-fraud flag is already in force', () => {
    const application = approved({ recorded: '50000.00', confirmedBy: 'finance-2' });
    const order = {
      type: 'OrderClawback' as const,
      data: {
        applicationId: 'a-1',
        clawbackId: 'c-2',
        amount: Money.of('1000.00'),
        reason: '虚假发票',
        fraud: true,
        disqualifiesSpend: false,
        flagId: 'f-2',
        commandId: 'cmd-2',
        banUntil: '2027-06-30',
        referral: null,
      },
      metadata: on('2025-07-01'),
    };
    const flagged = {
      ...registered,
      flags: new Map([['f-1', { flagId: 'f-1', list: 'subsidy-fraud', source: 'clawback c-1', since: '2025-06-30', until: null }]]),
    };
    expect(decideOrderClawback(order, { application, enterprise: flagged, pool: null }).enterprise).toBeUndefined();
    expect(decideOrderClawback(order, { application, enterprise: registered, pool: null }).enterprise?.[0].data.flagId).toBe('f-2');
  });
});
