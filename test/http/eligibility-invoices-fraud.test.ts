// Eligibility as the seeds state it, invoices identified as the tax system does, and what fraud leads
// to (Wuhan art. 12), through the HTTP API on a temporary SQLite file with a clock the test sets.
import request from 'supertest';
import { callers, startTestApp, type TestApp } from '../support/http-app.js';
import { usccCheckCharacter } from '../../src/shared/identifiers.js';
import { nextInvoice, usccFor } from '../support/world.js';

const secret = 'an-http-test-secret-that-is-long-enough';

/** A USCC with a valid check character from its first 17 characters. */
const uscc17 = (first17: string): string => first17 + usccCheckCharacter(first17);

describe('HTTP: eligibility, invoice identity, fraud outcomes', () => {
  let started: TestApp;
  let now = new Date('2025-06-03T02:00:00.000Z');
  const as = callers(() => started.app, secret);

  beforeAll(async () => {
    started = await startTestApp({ secret, prefix: 'ledger-eligibility-', clock: () => now });
  });

  afterAll(async () => {
    await started.close();
  });

  /** Submits a 数智券 application of one item; the response. */
  const submit = async (uscc: string, item: Record<string, unknown>) =>
    (await as('reviewer-1', 'reviewer')).post('/api/applications', {
      programmeId: 'baoding-data-voucher',
      uscc,
      fiscalYear: 2025,
      items: [{ invoiceDate: '2025-05-20', amount: '350000.00', category: 'compute-rental', ...item }],
    });

  /** Submits, reviews and opens a notice; the application's id. */
  /** Position of the last write whose effect a read below must show (the read side follows the log). */
  let written = '0';

  async function noticed(uscc: string): Promise<string> {
    const submitted = await submit(uscc, { invoiceNumber: nextInvoice() });
    expect(submitted.status).toBe(201);
    const applicationId = submitted.body.applicationId as string;
    const reviewer = await as('reviewer-1', 'reviewer');
    for (const stage of ['district-preliminary', 'city-re-review', 'expert-review']) {
      await reviewer.post(`/api/applications/${applicationId}/reviews`, { stage, outcome: 'pass' }).expect(201);
    }
    const opened = await (
      await as('approver-1', 'approver')
    )
      .post('/api/notices', { programmeId: 'baoding-data-voucher', applicationIds: [applicationId], opensOn: now.toISOString().slice(0, 10) })
      .expect(201);
    written = opened.body.position as string;
    return applicationId;
  }

  it('eligibility-legal-person, eligibility-region: the USCC says who may register; an administrator admits another region with a reason', async () => {
    now = new Date('2025-06-03T02:00:00.000Z');
    const admin = await as('admin-1', 'admin');
    const individual = await admin.post('/api/enterprises', { uscc: uscc17('92130600MA0000001'), name: '保定某数据服务部', city: 'baoding' });
    expect(individual.status).toBe(422);
    expect(individual.headers['content-type']).toContain('application/problem+json');
    expect(individual.body).toMatchObject({ code: 'INELIGIBLE_ENTERPRISE', reason: 'not-legal-person', entityType: '92' });
    const wuhanCode = uscc17('91420100MA0000002');
    const elsewhere = await admin.post('/api/enterprises', { uscc: wuhanCode, name: '武汉某公司', city: 'baoding' });
    expect(elsewhere.body).toMatchObject({ status: 422, code: 'INELIGIBLE_ENTERPRISE', reason: 'region', region: '420100', jurisdiction: 'baoding' });
    const provincial = uscc17('91130000MA0000003');
    const override = { uscc: provincial, name: '河北某数据集团有限公司', city: 'baoding', regionOverride: { reason: '省局登记,主要经营地在保定市竞秀区' } };
    expect((await (await as('reviewer-1', 'reviewer')).post('/api/enterprises', override)).body).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    expect((await admin.post('/api/enterprises', { ...override, regionOverride: {} })).body).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    await admin.post('/api/enterprises', override).expect(201);
    expect((await submit(provincial, { invoiceNumber: nextInvoice() })).status).toBe(201);
    // Nothing was written by the refusals: the 个体工商户 is not registered.
    expect((await admin.get(`/api/enterprises/${uscc17('92130600MA0000001')}`)).status).toBe(404);
  });

  it('wuhan-a4-operating: the 经营异常名录 and the 严重违法失信名单 are lists that bar submission while in force', async () => {
    now = new Date('2025-06-03T02:00:00.000Z');
    const admin = await as('admin-1', 'admin');
    const abnormal = usccFor(701);
    const dishonest = usccFor(702);
    for (const uscc of [abnormal, dishonest]) await admin.post('/api/enterprises', { uscc, name: `企业${uscc.slice(-4)}`, city: 'baoding' }).expect(201);
    await admin.post(`/api/enterprises/${abnormal}/flags`, { list: 'abnormal-operation', source: '国家企业信用信息公示系统', since: '2025-05-01' }).expect(201);
    await admin
      .post(`/api/enterprises/${dishonest}/flags`, { list: 'serious-illegal-dishonest', source: '信用中国', since: '2025-01-01', until: '2025-06-30', evidenceRef: 'XY-2025-7' })
      .expect(201);
    expect((await submit(abnormal, { invoiceNumber: nextInvoice() })).body).toMatchObject({ code: 'INELIGIBLE_ENTERPRISE', reason: 'flagged', list: 'abnormal-operation' });
    expect((await submit(dishonest, { invoiceNumber: nextInvoice() })).body).toMatchObject({ code: 'INELIGIBLE_ENTERPRISE', list: 'serious-illegal-dishonest' });
    now = new Date('2025-07-01T02:00:00.000Z');
    expect((await submit(dishonest, { invoiceNumber: nextInvoice() })).status).toBe(201);
    const shown = await admin.get(`/api/enterprises/${abnormal}`).expect(200);
    expect(shown.body.flags).toEqual([expect.objectContaining({ list: 'abnormal-operation', since: '2025-05-01', until: null })]);
  });

  it('baoding-m8-tags: tags are added on evidence and removed, in Chinese or English, and move the enterprise in the approval queue', async () => {
    now = new Date('2025-06-03T02:00:00.000Z');
    const admin = await as('admin-1', 'admin');
    const first = usccFor(711);
    const later = usccFor(712);
    for (const uscc of [first, later]) await admin.post('/api/enterprises', { uscc, name: `企业${uscc.slice(-4)}`, city: 'baoding' }).expect(201);
    const firstId = await noticed(first);
    const laterId = await noticed(later);
    const queue = async () =>
      (
        (await (await as('approver-1', 'approver')).get(`/api/approval-queue?programmeId=baoding-data-voucher&minPosition=${written}`).expect(200)).body as {
          applicationId: string;
          priority: number;
        }[]
      )
        .filter((a) => a.applicationId === firstId || a.applicationId === laterId)
        .map((a) => [a.applicationId, a.priority]);
    expect(await queue()).toEqual([
      [firstId, 0],
      [laterId, 0],
    ]);
    const added = await admin.post(`/api/enterprises/${later}/tags`, { tag: '专精特新“小巨人”', evidenceRef: '冀工信企业〔2025〕12号' }).expect(201);
    expect(added.body).toMatchObject({ uscc: later, tag: 'specialized-little-giant' });
    expect(BigInt(added.body.position as string)).toBeGreaterThan(0n);
    written = added.body.position as string;
    const again = await admin.post(`/api/enterprises/${later}/tags`, { tag: 'specialized-little-giant', evidenceRef: '冀工信企业〔2025〕12号' });
    expect(again.body).toMatchObject({ status: 409, code: 'ALREADY_EXISTS', tag: 'specialized-little-giant' });
    expect((await admin.post(`/api/enterprises/${later}/tags`, { tag: 'gazelle', evidenceRef: 'x' })).body).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    expect((await admin.post(`/api/enterprises/${later}/tags`, { tag: 'unicorn' })).body).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    expect((await (await as('reviewer-1', 'reviewer')).post(`/api/enterprises/${later}/tags`, { tag: 'unicorn', evidenceRef: 'x' })).status).toBe(403);
    expect(await queue()).toEqual([
      [laterId, 1],
      [firstId, 0],
    ]);
    expect((await admin.get(`/api/enterprises/${later}`).expect(200)).body.tags).toEqual(['specialized-little-giant']);
    const removed = await admin
      .delete(`/api/enterprises/${later}/tags/${encodeURIComponent('专精特新"小巨人"')}`, { evidenceRef: '冀工信企业〔2026〕3号', reason: '复核未通过' })
      .expect(200);
    written = removed.body.position as string;
    expect(await queue()).toEqual([
      [firstId, 0],
      [laterId, 0],
    ]);
    expect((await admin.delete(`/api/enterprises/${later}/tags/specialized-little-giant`)).body).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    const history = (await admin.get(`/api/enterprises/${later}/history`).expect(200)).body as { type: string; reason: string | null }[];
    expect(history.filter((e) => e.type.startsWith('Tag'))).toEqual([
      expect.objectContaining({ type: 'TagAdded' }),
      expect.objectContaining({ type: 'TagRemoved', reason: '复核未通过' }),
    ]);
  });

  it('invoice-identity: an 8-digit number needs its code, two issuers’ 00012345 are two invoices, and the same code and number back one application', async () => {
    now = new Date('2025-06-03T02:00:00.000Z');
    const admin = await as('admin-1', 'admin');
    const one = usccFor(721);
    const two = usccFor(722);
    for (const uscc of [one, two]) await admin.post('/api/enterprises', { uscc, name: `企业${uscc.slice(-4)}`, city: 'baoding' }).expect(201);
    expect((await submit(one, { invoiceNumber: '00012345' })).body).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', field: 'items[0].invoiceCode' });
    expect((await submit(one, { invoiceNumber: '00012345', invoiceCode: '123' })).body).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    expect((await submit(one, { invoiceNumber: '25132000000000099901', invoiceCode: '1300251130' })).body).toMatchObject({
      status: 400,
      code: 'VALIDATION_FAILED',
      field: 'items[0].invoiceCode',
    });
    const held = await submit(one, { invoiceNumber: '00012345', invoiceCode: '1300251130' });
    expect(held.status).toBe(201);
    expect((await submit(two, { invoiceNumber: '00012345', invoiceCode: '130025113012' })).status).toBe(201);
    const duplicate = await submit(two, { invoiceNumber: '00012345', invoiceCode: '1300251130' });
    expect(duplicate.body).toMatchObject({
      status: 422,
      code: 'DUPLICATE_INVOICE',
      invoiceNumber: '00012345',
      invoiceCode: '1300251130',
      applicationId: held.body.applicationId,
    });
  });

  it('wuhan-a12-fraud-outcomes: a fraud order sets the ban’s end and may record the referral; the judicial decision follows; the ban ends when decided', async () => {
    now = new Date('2025-06-03T02:00:00.000Z');
    const admin = await as('admin-1', 'admin');
    const uscc = usccFor(731);
    await admin.post('/api/enterprises', { uscc, name: '保定某骗补公司', city: 'baoding' }).expect(201);
    const applicationId = await noticed(uscc);
    now = new Date('2025-06-12T02:00:00.000Z');
    const approver = await as('approver-1', 'approver');
    const decision = await approver
      .post('/api/decisions', {
        reference: '党组会议2025-9',
        decidedOn: '2025-06-12',
        body: '保定市数据局党组',
        kind: 'collective',
        awards: [{ applicationId, amount: '105000.00' }],
      })
      .expect(201);
    await approver.post(`/api/applications/${applicationId}/approval`, { decisionRef: decision.body.decisionId }).expect(201);
    const paid = await (
      await as('finance-1', 'finance')
    )
      .post(`/api/applications/${applicationId}/disbursements`, { amount: '105000.00', paymentRef: 'PAY-FRAUD-1', paidOn: '2025-06-12' })
      .expect(201);
    await (await as('finance-2', 'finance')).post(`/api/disbursements/${paid.body.disbursementId}/confirmation`).expect(201);
    now = new Date('2025-07-01T02:00:00.000Z');
    const order = { amount: '105000.00', reason: '虚构交易骗取专项资金', fraud: true };
    expect((await approver.post(`/api/applications/${applicationId}/clawbacks`, order)).body).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', field: 'banUntil' });
    const referral = { referredOn: '2025-06-30', reference: '保公(经)受案字〔2025〕88号', authority: '保定市公安局经济犯罪侦查支队' };
    const ordered = await approver.post(`/api/applications/${applicationId}/clawbacks`, { ...order, banUntil: '2027-06-30', referral }).expect(201);
    expect(ordered.body).toMatchObject({ flagged: true });
    const clawbackId = ordered.body.clawbackId as string;
    expect((await admin.get(`/api/enterprises/${uscc}`).expect(200)).body.flags).toEqual([expect.objectContaining({ list: 'subsidy-fraud', until: '2027-06-30' })]);
    expect((await approver.post(`/api/clawbacks/${clawbackId}/referral`, referral)).body).toMatchObject({ status: 409, code: 'ALREADY_EXISTS' });
    const outcome = { outcome: 'convicted', decidedOn: '2026-02-20', reference: '(2026)冀0602刑初45号', summary: '以诈骗罪判处有期徒刑' };
    expect((await approver.post(`/api/clawbacks/${clawbackId}/referral/outcome`, outcome)).body).toMatchObject({ status: 422, code: 'DATE_OUT_OF_RANGE', field: 'decidedOn' });
    expect((await approver.post(`/api/clawbacks/${clawbackId}/referral/outcome`, { ...outcome, outcome: 'guilty' })).body).toMatchObject({
      status: 400,
      code: 'VALIDATION_FAILED',
    });
    now = new Date('2026-03-02T02:00:00.000Z');
    await approver.post(`/api/clawbacks/${clawbackId}/referral/outcome`, outcome).expect(201);
    expect((await approver.post(`/api/clawbacks/${clawbackId}/referral/outcome`, outcome)).body).toMatchObject({ status: 409, code: 'ALREADY_EXISTS' });
    const clawbacks = (await (await as('auditor-1', 'auditor')).get('/api/clawbacks?outstanding=false').expect(200)).body as { clawbackId: string; referral: unknown }[];
    expect(clawbacks.find((c) => c.clawbackId === clawbackId)?.referral).toEqual({
      ...referral,
      outcome: 'convicted',
      decidedOn: '2026-02-20',
      outcomeReference: '(2026)冀0602刑初45号',
    });
    const history = (await admin.get(`/api/applications/${applicationId}/history`).expect(200)).body as { type: string }[];
    expect(history.map((e) => e.type)).toEqual(expect.arrayContaining(['ClawbackOrdered', 'FraudReferred', 'FraudReferralConcluded']));
    // The ban holds to its last day and not after.
    now = new Date('2027-06-30T02:00:00.000Z');
    expect((await submit(uscc, { invoiceNumber: nextInvoice() })).body).toMatchObject({ code: 'INELIGIBLE_ENTERPRISE', list: 'subsidy-fraud' });
    now = new Date('2027-07-01T02:00:00.000Z');
    expect((await submit(uscc, { invoiceNumber: nextInvoice() })).status).toBe(201);
  });

  it('documents the routes and shapes in OpenAPI', async () => {
    const document = (await request(started.app.getHttpServer()).get('/docs-json').expect(200)).body as {
      paths: Record<string, Record<string, unknown>>;
      components: { schemas: Record<string, { properties: Record<string, { description?: string; enum?: string[] }> }> };
    };
    for (const path of ['/api/enterprises/{uscc}/tags', '/api/enterprises/{uscc}/tags/{tag}', '/api/clawbacks/{id}/referral', '/api/clawbacks/{id}/referral/outcome']) {
      expect(Object.keys(document.paths)).toContain(path);
    }
    const schemas = document.components.schemas;
    expect(Object.keys(schemas['AddTagDto']!.properties)).toEqual(['tag', 'evidenceRef']);
    expect(schemas['ItemDto']!.properties['invoiceCode']!.description).toContain('发票代码');
    expect(schemas['ClawbackDto']!.properties['banUntil']).toBeDefined();
    expect(schemas['RaiseFlagDto']!.properties['list']!.enum).toEqual(expect.arrayContaining(['serious-illegal-dishonest', 'abnormal-operation']));
    expect(schemas['RegisterEnterpriseDto']!.properties['regionOverride']).toBeDefined();
    expect(schemas['ReferralOutcomeDto']!.properties['outcome']!.enum).toContain('not-prosecuted');
  });
});
