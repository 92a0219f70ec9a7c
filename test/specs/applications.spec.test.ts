// The rules of submission and review (SPEC §1–4; Baoding measures 1, 3; Wuhan art. 4, 9) as
// given / when / then over the applications' deciders.
import { noNotice } from '../../src/notices/notice.js';
import { applicationStream } from '../../src/applications/application.js';
import { decideReview, decideSubmit, decideWithdraw, type SubmitApplication, type SubmitGiven } from '../../src/applications/decide.js';
import type { ApplicationEvent } from '../../src/applications/events.js';
import { builtInProgrammes } from '../../src/programmes/definitions.js';
import { Money } from '../../src/shared/money.js';
import { aRegisteredEnterprise } from '../support/states.js';
import { deciderSpec, folded, on } from '../support/decider-spec.js';

const voucher = builtInProgrammes.find((p) => p.id === 'baoding-data-voucher')!;
const rnd = builtInProgrammes.find((p) => p.id === 'baoding-rnd-project')!;

const registered = aRegisteredEnterprise('baoding');

function submit(items: SubmitApplication['data']['items'], extra: Partial<SubmitApplication['data']> = {}): SubmitApplication {
  return {
    type: 'SubmitApplication',
    data: { applicationId: 'a-1', programmeId: voucher.id, uscc: 'U', fiscalYear: 2025, matterKey: null, level: null, approvalRef: null, items, recognition: null, ...extra },
    metadata: on('2025-06-03', 'reviewer-1'),
  };
}

const item = (invoiceNumber: string, amount: string, category: string | null = 'compute-rental', invoiceCode: string | null = null) => ({
  invoiceNumber,
  invoiceCode,
  invoiceDate: '2025-05-20',
  amount: Money.of(amount),
  category,
});
const given = (overrides: Partial<SubmitGiven> = {}): SubmitGiven => ({ programme: voucher, enterprise: registered, invoices: new Map(), ...overrides });
const submitting = deciderSpec(decideSubmit);

const submitted: ApplicationEvent = {
  type: 'ApplicationSubmitted',
  data: {
    applicationId: 'a-1',
    programmeId: voucher.id,
    programmeVersion: 1,
    uscc: 'U',
    fiscalYear: 2025,
    matterKey: null,
    level: null,
    approvalRef: null,
    items: [{ invoiceNumber: '25132000000000000001', invoiceCode: null, invoiceDate: '2025-05-20', amount: '350000.00', category: 'compute-rental' }],
    claimedTotal: '350000.00',
    recognition: null,
  },
};

describe('applications', () => {
  it('invoice-once: a submission claims each invoice for the application, and records the claimed total', () => {
    submitting
      .given(given())
      .when(submit([item('25132000000000000001', '350000.00')]))
      .then({
        application: [submitted as Extract<ApplicationEvent, { type: 'ApplicationSubmitted' }>],
        invoices: { '25132000000000000001': [{ type: 'InvoiceClaimed', data: { invoiceNumber: '25132000000000000001', invoiceCode: null, applicationId: 'a-1', uscc: 'U' } }] },
      });
  });

  it('invoice-once: an invoice that backs a live application is refused, naming it', () => {
    submitting
      .given(given({ invoices: new Map([['25132000000000000001', { status: 'claimed', applicationId: 'a-0', uscc: 'U' }]]) }))
      .when(submit([item('25132000000000000001', '350000.00')]))
      .thenRefused('DUPLICATE_INVOICE', { invoiceNumber: '25132000000000000001', invoiceCode: null, applicationId: 'a-0' });
  });

  it("invoice-identity: an 8-digit invoice is its 发票代码 with its 号码, so two issuers' invoices numbered 00012345 are two invoices", () => {
    const claimedElsewhere = new Map([['1300251130-00012345', { status: 'claimed' as const, applicationId: 'a-0', uscc: 'V' }]]);
    submitting
      .given(given({ invoices: claimedElsewhere }))
      .when(submit([item('00012345', '350000.00', 'compute-rental', '4200251130')]))
      .then({
        application: [
          {
            type: 'ApplicationSubmitted',
            data: {
              ...submitted.data,
              items: [{ invoiceNumber: '00012345', invoiceCode: '4200251130', invoiceDate: '2025-05-20', amount: '350000.00', category: 'compute-rental' }],
            },
          } as Extract<ApplicationEvent, { type: 'ApplicationSubmitted' }>,
        ],
        invoices: { '4200251130-00012345': [{ type: 'InvoiceClaimed', data: { invoiceNumber: '00012345', invoiceCode: '4200251130', applicationId: 'a-1', uscc: 'U' } }] },
      });
    submitting
      .given(given({ invoices: claimedElsewhere }))
      .when(submit([item('00012345', '350000.00', 'compute-rental', '1300251130')]))
      .thenRefused('DUPLICATE_INVOICE', { invoiceNumber: '00012345', invoiceCode: '1300251130', applicationId: 'a-0' });
  });

  it('invoice-identity: the same invoice twice in one application is refused; a 全电发票 is its 20-digit number alone', () => {
    submitting
      .given(given())
      .when(submit([item('00012345', '1000.00', 'compute-rental', '130025113001'), item('00012345', '2000.00', 'compute-rental', '130025113001')]))
      .thenRefused('DUPLICATE_INVOICE', { invoiceNumber: '00012345', invoiceCode: '130025113001' });
    submitting
      .given(given())
      .when(submit([item('00012345', '1000.00', 'compute-rental', '130025113001'), item('00012345', '2000.00', 'compute-rental', '130025113002')]))
      .then(expect.objectContaining({ invoices: expect.objectContaining({ '130025113001-00012345': expect.anything(), '130025113002-00012345': expect.anything() }) }) as never);
  });

  it('invoice-identity: a claim recorded under the 8-digit number alone (before codes were kept) still blocks the same enterprise, not another one', () => {
    const legacy = (uscc: string) => new Map([['00012345', { status: 'claimed' as const, applicationId: 'a-0', uscc }]]);
    submitting
      .given(given({ legacyInvoices: legacy('U') }))
      .when(submit([item('00012345', '350000.00', 'compute-rental', '1300251130')]))
      .thenRefused('DUPLICATE_INVOICE', { invoiceNumber: '00012345', invoiceCode: '1300251130', applicationId: 'a-0' });
    expect(decideSubmit(submit([item('00012345', '350000.00', 'compute-rental', '1300251130')]), given({ legacyInvoices: legacy('V') })).application[0].type).toBe(
      'ApplicationSubmitted',
    );
    expect(
      decideSubmit(submit([item('00012345', '350000.00', 'compute-rental', '1300251130')]), given({ legacyInvoices: new Map([['00012345', { status: 'free' as const }]]) }))
        .application[0].type,
    ).toBe('ApplicationSubmitted');
  });

  it('baoding-m1-categories: every item of a 数智券 application names one of the seven kinds of spend', () => {
    submitting
      .given(given())
      .when(submit([item('25132000000000000001', '350000.00', 'office-rent')]))
      .thenRefused('VALIDATION_FAILED', { field: 'items[0].category' });
  });

  it('baoding-m3-approval-ref: an R&D application needs its 立项 reference', () => {
    submitting
      .given(given({ programme: rnd }))
      .when(submit([item('25132000000000000001', '600000.00', null)], { programmeId: rnd.id }))
      .thenRefused('VALIDATION_FAILED', { field: 'approvalRef' });
  });

  it('eligibility: an enterprise of another city is refused (INELIGIBLE_ENTERPRISE)', () => {
    submitting
      .given(given({ enterprise: { ...registered, city: 'wuhan' } }))
      .when(submit([item('25132000000000000001', '350000.00')]))
      .thenRefused('INELIGIBLE_ENTERPRISE', { reason: 'jurisdiction', city: 'wuhan', jurisdiction: 'baoding' });
  });

  it('programme-validity: an invoice dated before the programme took effect is refused', () => {
    submitting
      .given(given())
      .when(submit([{ ...item('25132000000000000001', '350000.00'), invoiceDate: '2025-02-16' }]))
      .thenRefused('VALIDATION_FAILED', { field: 'items[0].invoiceDate' });
  });

  it('application-window: the Baoding measures take applications until 2028-02-16; on 2028-02-17 a submission is refused (APPLICATION_WINDOW_CLOSED)', () => {
    const late = (today: string): SubmitApplication => ({
      ...submit([{ ...item('25132000000000000001', '350000.00'), invoiceDate: '2028-01-10' }], { fiscalYear: 2028 }),
      metadata: on(today, 'reviewer-1'),
    });
    expect(decideSubmit(late('2028-02-16'), given()).application[0].data.fiscalYear).toBe(2028);
    submitting.given(given()).when(late('2028-02-17')).thenRefused('APPLICATION_WINDOW_CLOSED', { programmeId: voucher.id, lastApplicationDay: '2028-02-16', today: '2028-02-17' });
  });

  it('application-window: a version that extends the last day takes applications after the old one', () => {
    const extended = { ...voucher, version: 2, lastApplicationDay: '2028-06-30' };
    const late = { ...submit([{ ...item('25132000000000000001', '350000.00'), invoiceDate: '2028-01-10' }], { fiscalYear: 2028 }), metadata: on('2028-03-01', 'reviewer-1') };
    expect(decideSubmit(late, given({ programme: extended })).application[0].data.programmeVersion).toBe(2);
  });

  it("review-stages: stages come in the programme's order; the last one passed makes the application reviewed", () => {
    const application = folded(applicationStream, [
      submitted,
      { type: 'StageReviewed', data: { applicationId: 'a-1', stage: 'district-preliminary', recognizedAmount: null, reason: null, final: false } },
      { type: 'StageReviewed', data: { applicationId: 'a-1', stage: 'city-re-review', recognizedAmount: null, reason: null, final: false } },
    ]);
    if (application.status === 'none') throw new Error('submitted above');
    const review = (stage: string) => ({
      type: 'ReviewApplication' as const,
      data: { applicationId: 'a-1', stage, outcome: 'pass' as const, recognizedAmount: Money.of('300000.00'), reason: null },
      metadata: on('2025-06-03', 'reviewer-2'),
    });
    deciderSpec(decideReview)
      .given({ application, programme: voucher, notice: noNotice })
      .when(review('district-preliminary'))
      .thenRefused('INVALID_TRANSITION', { stageExpected: 'expert-review' });
    deciderSpec(decideReview)
      .given({ application, programme: voucher, notice: noNotice })
      .when(review('expert-review'))
      .then({ application: [{ type: 'StageReviewed', data: { applicationId: 'a-1', stage: 'expert-review', recognizedAmount: '300000.00', reason: null, final: true } }] });
  });

  it('withdraw-before-approval: a withdrawn application frees its invoices', () => {
    const application = folded(applicationStream, [submitted]);
    if (application.status === 'none') throw new Error('submitted above');
    deciderSpec(decideWithdraw)
      .given({ application })
      .when({ type: 'WithdrawApplication', data: { applicationId: 'a-1', reason: '企业主动撤回' }, metadata: on('2025-06-04', 'reviewer-1') })
      .then({
        application: [{ type: 'ApplicationWithdrawn', data: { applicationId: 'a-1', reason: '企业主动撤回' } }],
        invoices: {
          '25132000000000000001': [{ type: 'InvoiceReleased', data: { invoiceNumber: '25132000000000000001', invoiceCode: null, applicationId: 'a-1', reason: 'withdrawn' } }],
        },
      });
  });
});
