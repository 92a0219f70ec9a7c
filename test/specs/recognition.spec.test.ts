// Recognition awards (Baoding measures 4 and 5: 一次性奖励 for platforms, 资助 per standard) as given /
// when / then over the submission and approval deciders: applied for with the recognition, not
// invoices; each platform of an enterprise awarded once; a higher level tops up (就高不重复).
import type { Application } from '../../src/applications/application.js';
import { decideSubmit, type SubmitApplication, type SubmitGiven } from '../../src/applications/decide.js';
import { matterStream, type Matter } from '../../src/awards/award-streams.js';
import { decideApprove, type ApproveAward, type ApproveGiven } from '../../src/awards/decide.js';
import type { MatterEvent } from '../../src/awards/events.js';
import { builtInProgrammes } from '../../src/programmes/definitions.js';
import { Money } from '../../src/shared/money.js';
import { deciderSpec, folded, on } from '../support/decider-spec.js';
import { aDecision, aNoticeRef, aRegisteredEnterprise, aSubmission, anOpenedNotice, noPool } from '../support/states.js';

const platform = builtInProgrammes.find((p) => p.id === 'baoding-innovation-platform')!;
const standards = builtInProgrammes.find((p) => p.id === 'baoding-standards')!;
const registered = aRegisteredEnterprise('baoding');
const recognition = { documentRef: '冀科平台认〔2025〕8号', issuer: '河北省科学技术厅', issuedOn: '2025-05-20' };

function submit(extra: Partial<SubmitApplication['data']> = {}): SubmitApplication {
  return {
    type: 'SubmitApplication',
    data: {
      applicationId: 'a-2',
      programmeId: platform.id,
      uscc: registered.uscc,
      fiscalYear: 2025,
      matterKey: 'KL-AI',
      level: 'provincial',
      approvalRef: null,
      items: [],
      recognition,
      ...extra,
    },
    metadata: on('2025-06-03', 'reviewer-1'),
  };
}

const givenSubmit = (overrides: Partial<SubmitGiven> = {}): SubmitGiven => ({ programme: platform, enterprise: registered, invoices: new Map(), matter: null, ...overrides });
const submitting = deciderSpec(decideSubmit);

/** The platform's matter after these awards (each the entitlement its rule gave, and the award paid). */
function platformHolding(...awards: { applicationId: string; entitlement: string; award?: string; programmeId?: string }[]): Matter {
  const events: MatterEvent[] = awards.map((a) => ({
    type: 'MatterFunded',
    data: { uscc: 'U', matterKey: 'KL-AI', applicationId: a.applicationId, programmeId: a.programmeId ?? platform.id, entitlement: a.entitlement, award: a.award ?? a.entitlement },
  }));
  return folded(matterStream, events);
}

function inNotice(level: string): Extract<Application, { status: 'in_notice' }> {
  return {
    status: 'in_notice',
    submission: { ...aSubmission({ claimed: '0.00', programmeId: platform.id, matterKey: 'KL-AI', level }), applicationId: 'a-2', recognition },
    review: { recognized: null, stagesPassed: platform.stages, lastReviewer: 'reviewer-1' },
    notices: [aNoticeRef()],
    notice: aNoticeRef(),
  };
}

function givenApproval(level: string, matter: Matter | null): ApproveGiven {
  return {
    application: inNotice(level),
    programme: platform,
    programmeCurrent: platform,
    enterprise: registered,
    notice: anOpenedNotice({ programmeId: platform.id, applicationIds: ['a-2'] }),
    decision: aDecision({ 'a-2': '100000000.00' }),
    budget: { status: 'open', allocated: Money.of('10000000.00'), committed: Money.zero },
    enterpriseYear: noPool,
    project: null,
    matter,
  };
}

const approve: ApproveAward = {
  type: 'ApproveAward',
  data: { applicationId: 'a-2', decisionRef: '党组会议2025-07号', amount: null, caseByCaseJustification: null },
  metadata: on('2025-06-11', 'approver-1'),
};
const approving = deciderSpec(decideApprove);

describe('recognition awards', () => {
  it('recognition-award: a platform is applied for with its recognition and no invoices, recorded on the submission', () => {
    const [submitted] = decideSubmit(submit(), givenSubmit()).application;
    expect(submitted.data).toMatchObject({ programmeId: platform.id, level: 'provincial', matterKey: 'KL-AI', items: [], claimedTotal: '0.00', recognition });
  });

  it('recognition-award: without the recognition, with invoices, or without naming the platform it is VALIDATION_FAILED', () => {
    submitting
      .given(givenSubmit())
      .when(submit({ recognition: null }))
      .thenRefused('VALIDATION_FAILED', { field: 'recognition' });
    const invoice = { invoiceNumber: '10000001', invoiceCode: '1300251130', invoiceDate: '2025-05-20', amount: Money.of('1.00'), category: null };
    submitting
      .given(givenSubmit())
      .when(submit({ items: [invoice] }))
      .thenRefused('VALIDATION_FAILED', { field: 'items' });
    submitting
      .given(givenSubmit())
      .when(submit({ matterKey: null }))
      .thenRefused('VALIDATION_FAILED', { field: 'matterKey' });
  });

  it('recognition-award: the recognition is new (新认定): issued within the validity, in the fiscal year, not in the future', () => {
    const issued = (issuedOn: string, fiscalYear = 2025) => submit({ recognition: { ...recognition, issuedOn }, fiscalYear });
    submitting.given(givenSubmit()).when(issued('2025-02-16')).thenRefused('VALIDATION_FAILED', { field: 'recognition.issuedOn' });
    submitting.given(givenSubmit()).when(issued('2025-06-04')).thenRefused('VALIDATION_FAILED', { field: 'recognition.issuedOn' });
    submitting.given(givenSubmit()).when(issued('2024-12-31', 2024)).thenRefused('VALIDATION_FAILED', { field: 'recognition.issuedOn' });
    submitting.given(givenSubmit()).when(issued('2025-05-20', 2026)).thenRefused('VALIDATION_FAILED', { field: 'recognition.issuedOn' });
  });

  it('recognition-award: a programme on invoices takes no recognition', () => {
    const voucher = builtInProgrammes.find((p) => p.id === 'baoding-data-voucher')!;
    const invoice = { invoiceNumber: '10000001', invoiceCode: '1300251130', invoiceDate: '2025-05-20', amount: Money.of('350000.00'), category: 'compute-rental' };
    submitting
      .given(givenSubmit({ programme: voucher }))
      .when(submit({ programmeId: voucher.id, level: null, items: [invoice] }))
      .thenRefused('VALIDATION_FAILED', { field: 'recognition' });
  });

  it('recognition-once: a second application for a platform at the level it holds, or a lower one, is refused (RECOGNITION_ALREADY_AWARDED)', () => {
    const holdsProvincial = platformHolding({ applicationId: 'a-1', entitlement: '500000.00' });
    submitting
      .given(givenSubmit({ matter: holdsProvincial }))
      .when(submit())
      .thenRefused('RECOGNITION_ALREADY_AWARDED', { programmeId: platform.id, uscc: registered.uscc, matterKey: 'KL-AI', level: 'provincial', held: '500000.00' });
    submitting
      .given(givenSubmit({ matter: holdsProvincial }))
      .when(submit({ level: 'municipal' }))
      .thenRefused('RECOGNITION_ALREADY_AWARDED', { held: '500000.00' });
    // Two in review at once: the second approval is refused.
    approving.given(givenApproval('provincial', holdsProvincial)).when(approve).thenRefused('RECOGNITION_ALREADY_AWARDED', { level: 'provincial', held: '500000.00' });
  });

  it('recognition-top-up: a platform raised from municipal (200,000.00) to provincial is paid the difference, 300,000.00', () => {
    const holdsMunicipal = platformHolding({ applicationId: 'a-1', entitlement: '200000.00' });
    expect(decideSubmit(submit(), givenSubmit({ matter: holdsMunicipal })).application[0].data.level).toBe('provincial');
    const approved = decideApprove(approve, givenApproval('provincial', holdsMunicipal));
    expect(approved.application[0].data).toMatchObject({ entitlement: '300000.00', award: '300000.00', matterReduction: '0.00' });
    // The platform's matter then holds the provincial amount: a national recognition later tops up 1,500,000.00.
    expect(approved.matter?.[0].data).toMatchObject({ matterKey: 'KL-AI', programmeId: platform.id, entitlement: '300000.00', award: '300000.00' });
    const holdsProvincial = platformHolding({ applicationId: 'a-1', entitlement: '200000.00' }, { applicationId: 'a-2', entitlement: '300000.00' });
    expect(decideApprove({ ...approve, data: { ...approve.data, applicationId: 'a-3' } }, givenApproval('national', holdsProvincial)).application[0].data.award).toBe('1500000.00');
  });

  it('recognition-top-up: a reduction of the lower award stays final; the top-up is the difference of the levels', () => {
    const reduced = platformHolding({ applicationId: 'a-1', entitlement: '200000.00', award: '150000.00' });
    expect(decideApprove(approve, givenApproval('provincial', reduced)).application[0].data.award).toBe('300000.00');
  });

  it("recognition-once: a standard's award is per project (each standard its own matter): another standard of the same enterprise is awarded in full", () => {
    const standard = inNotice('lead-national');
    const given = {
      ...givenApproval('lead-national', null),
      application: { ...standard, submission: { ...standard.submission, programmeId: standards.id } },
      programme: standards,
      programmeCurrent: standards,
    };
    expect(decideApprove(approve, given).application[0].data.award).toBe('200000.00');
  });
});
