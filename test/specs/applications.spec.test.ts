// The rules of submission and review (SPEC §1–4; Baoding measures 1, 3; Wuhan art. 4, 9) as
// given / when / then over the applications' deciders.
import { applicationStream } from '../../src/applications/application.js';
import { decideReview, decideSubmit, decideWithdraw, type SubmitApplication, type SubmitGiven } from '../../src/applications/decide.js';
import type { ApplicationEvent } from '../../src/applications/events.js';
import { builtInProgrammes } from '../../src/programmes/definitions.js';
import { Money } from '../../src/shared/money.js';
import { deciderSpec, folded, on } from '../support/decider-spec.js';

const voucher = builtInProgrammes.find((p) => p.id === 'baoding-data-voucher')!;
const rnd = builtInProgrammes.find((p) => p.id === 'baoding-rnd-project')!;

const registered = { status: 'registered' as const, uscc: 'U', name: '某企业', city: 'baoding', district: null, tags: [], flags: new Map() };

function submit(items: SubmitApplication['data']['items'], extra: Partial<SubmitApplication['data']> = {}): SubmitApplication {
  return {
    type: 'SubmitApplication',
    data: { applicationId: 'a-1', programmeId: voucher.id, uscc: 'U', fiscalYear: 2025, matterKey: null, level: null, approvalRef: null, items, recognition: null, ...extra },
    metadata: on('2025-06-03', 'reviewer-1'),
  };
}

const item = (invoiceNumber: string, amount: string, category: string | null = 'compute-rental') => ({
  invoiceNumber,
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
    items: [{ invoiceNumber: '10000001', invoiceCode: null, invoiceDate: '2025-05-20', amount: '350000.00', category: 'compute-rental' }],
    claimedTotal: '350000.00',
    recognition: null,
  },
};

describe('applications', () => {
  it('invoice-once: a submission claims each invoice for the application, and records the claimed total', () => {
    submitting
      .given(given())
      .when(submit([item('10000001', '350000.00')]))
      .then({
        application: [submitted as Extract<ApplicationEvent, { type: 'ApplicationSubmitted' }>],
        invoices: { '10000001': [{ type: 'InvoiceClaimed', data: { invoiceNumber: '10000001', applicationId: 'a-1', uscc: 'U' } }] },
      });
  });

  it('invoice-once: an invoice that backs a live application is refused, naming it', () => {
    submitting
      .given(given({ invoices: new Map([['10000001', { status: 'claimed', applicationId: 'a-0' }]]) }))
      .when(submit([item('10000001', '350000.00')]))
      .thenRefused('DUPLICATE_INVOICE', { invoiceNumber: '10000001', applicationId: 'a-0' });
  });

  it('baoding-m1-categories: every item of a 数智券 application names one of the seven kinds of spend', () => {
    submitting
      .given(given())
      .when(submit([item('10000001', '350000.00', 'office-rent')]))
      .thenRefused('VALIDATION_FAILED', { field: 'items[0].category' });
  });

  it('baoding-m3-approval-ref: an R&D application needs its 立项 reference', () => {
    submitting
      .given(given({ programme: rnd }))
      .when(submit([item('10000001', '600000.00', null)], { programmeId: rnd.id }))
      .thenRefused('VALIDATION_FAILED', { field: 'approvalRef' });
  });

  it('eligibility: an enterprise of another city is refused (INELIGIBLE_ENTERPRISE)', () => {
    submitting
      .given(given({ enterprise: { ...registered, city: 'wuhan' } }))
      .when(submit([item('10000001', '350000.00')]))
      .thenRefused('INELIGIBLE_ENTERPRISE', { reason: 'jurisdiction', city: 'wuhan', jurisdiction: 'baoding' });
  });

  it('programme-validity: an invoice dated before the programme took effect is refused', () => {
    submitting
      .given(given())
      .when(submit([{ ...item('10000001', '350000.00'), invoiceDate: '2025-02-16' }]))
      .thenRefused('VALIDATION_FAILED', { field: 'items[0].invoiceDate' });
  });

  it('application-window: the Baoding measures take applications until 2028-02-16; on 2028-02-17 a submission is refused (APPLICATION_WINDOW_CLOSED)', () => {
    const late = (today: string): SubmitApplication => ({
      ...submit([{ ...item('10000001', '350000.00'), invoiceDate: '2028-01-10' }], { fiscalYear: 2028 }),
      metadata: on(today, 'reviewer-1'),
    });
    expect(decideSubmit(late('2028-02-16'), given()).application[0].data.fiscalYear).toBe(2028);
    submitting.given(given()).when(late('2028-02-17')).thenRefused('APPLICATION_WINDOW_CLOSED', { programmeId: voucher.id, lastApplicationDay: '2028-02-16', today: '2028-02-17' });
  });

  it('application-window: a version that extends the last day takes applications after the old one', () => {
    const extended = { ...voucher, version: 2, lastApplicationDay: '2028-06-30' };
    const late = { ...submit([{ ...item('10000001', '350000.00'), invoiceDate: '2028-01-10' }], { fiscalYear: 2028 }), metadata: on('2028-03-01', 'reviewer-1') };
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
    deciderSpec(decideReview).given({ application, programme: voucher }).when(review('district-preliminary')).thenRefused('INVALID_TRANSITION', { stageExpected: 'expert-review' });
    deciderSpec(decideReview)
      .given({ application, programme: voucher })
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
        invoices: { '10000001': [{ type: 'InvoiceReleased', data: { invoiceNumber: '10000001', applicationId: 'a-1', reason: 'withdrawn' } }] },
      });
  });
});
