// The HTTP API against the real application on a temporary SQLite file, with a clock the test sets.
import { shanghaiDateOf } from '../../src/shared/time.js';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { AppModule } from '../../src/app.module.js';
import { mintToken } from '../../src/auth/tokens.js';
import { configureApp, ledgerHttpAdapter } from '../../src/bootstrap.js';
import type { Role } from '../../src/commands/runner.js';
import { loadLedgerConfig } from '../../src/config.js';
import { EVENT_STORE, type EventStore } from '../../src/event-store/event-store.js';
import { CLOCK } from '../../src/http/api.controller.js';
import { titleEn } from '../../src/http/problem.js';
import { nextInvoice, usccFor } from '../support/world.js';

const secret = 'an-http-test-secret-that-is-long-enough';

/** The real application on a new SQLite file in `dir`, as main.ts builds it; `clock` replaces the wall clock. */
async function startApp(dir: string, settings: Record<string, string> = {}, clock?: () => Date): Promise<NestFastifyApplication> {
  const config = loadLedgerConfig({ LEDGER_SQLITE_PATH: join(dir, 'ledger.db'), LEDGER_JWT_SECRET: secret, ...settings });
  const testing = Test.createTestingModule({ imports: [AppModule.forRoot(config)] });
  const moduleRef = await (clock === undefined ? testing : testing.overrideProvider(CLOCK).useValue(clock)).compile();
  const app = await configureApp(moduleRef.createNestApplication<NestFastifyApplication>(ledgerHttpAdapter({ logger: false }), { logger: false }));
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}
const roleNames: Role[] = ['admin', 'reviewer', 'approver', 'finance', 'auditor', 'supervisor'];

describe('HTTP API', () => {
  let dir: string;
  let app: NestFastifyApplication;
  let now = new Date('2025-06-03T02:00:00.000Z');
  let decisionSequence = 0;
  let keySequence = 0;
  const tokens = new Map<string, string>();

  const token = async (sub: string, role: Role): Promise<string> => {
    const id = `${sub}:${role}`;
    if (!tokens.has(id)) tokens.set(id, await mintToken(secret, { sub, roles: [role] }));
    return tokens.get(id)!;
  };

  const as = async (sub: string, role: Role) => {
    const bearer = `Bearer ${await token(sub, role)}`;
    return {
      post: (path: string, body?: unknown, key = `k-${(keySequence += 1)}`) =>
        request(app.getHttpServer())
          .post(path)
          .set('Authorization', bearer)
          .set('Idempotency-Key', key)
          .send(body as object),
      delete: (path: string, body?: unknown) =>
        request(app.getHttpServer())
          .delete(path)
          .set('Authorization', bearer)
          .set('Idempotency-Key', `k-${(keySequence += 1)}`)
          .send(body as object),
      get: (path: string) => request(app.getHttpServer()).get(path).set('Authorization', bearer),
    };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-api-'));
    app = await startApp(dir, {}, () => now);
  });

  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Records the collective decision listing each application at its amount; returns its id to cite. */
  async function decision(awards: Record<string, string>, sub = 'approver-2'): Promise<string> {
    decisionSequence += 1;
    const recorded = await (
      await as(sub, 'approver')
    )
      .post('/api/decisions', {
        reference: `市数据局党组会议纪要〔2025〕${decisionSequence}号`,
        decidedOn: shanghaiDateOf(now.toISOString()),
        body: '市数据局党组',
        kind: 'collective',
        awards: Object.entries(awards).map(([applicationId, amount]) => ({ applicationId, amount })),
      })
      .expect(201);
    return recorded.body.decisionId as string;
  }

  /** Every review stage; where the programme holds a notice after 确认主体 (Wuhan dataset construction), that notice first. */
  async function reviewThrough(id: string, programmeId: string): Promise<void> {
    const reviewer = await as('reviewer-1', 'reviewer');
    for (const stage of ['district-preliminary', 'city-re-review', 'expert-review']) {
      await reviewer.post(`/api/applications/${id}/reviews`, { stage, outcome: 'pass' }).expect(201);
      if (stage === 'city-re-review' && programmeId === 'wuhan-dataset-construction') {
        const confirmed = await (
          await as('approver-1', 'approver')
        )
          .post('/api/notices', { programmeId, applicationIds: [id], opensOn: shanghaiDateOf(now.toISOString()) })
          .expect(201);
        expect(confirmed.body).toMatchObject({ afterStage: 'city-re-review', entries: [{ applicationId: id, proposedAward: null }] });
        now = new Date(`${confirmed.body.endsOn}T20:00:00.000Z`);
      }
    }
  }

  async function prepareNoticed(uscc: string, amount: string): Promise<{ applicationId: string; endsOn: string }> {
    const reviewer = await as('reviewer-1', 'reviewer');
    const submitted = await reviewer
      .post('/api/applications', {
        programmeId: 'baoding-data-voucher',
        uscc,
        fiscalYear: 2025,
        items: [{ invoiceNumber: nextInvoice(), invoiceDate: '2025-05-20', amount, category: 'compute-rental' }],
      })
      .expect(201);
    const applicationId = submitted.body.applicationId as string;
    for (const stage of ['district-preliminary', 'city-re-review', 'expert-review']) {
      await reviewer.post(`/api/applications/${applicationId}/reviews`, { stage, outcome: 'pass' }).expect(201);
    }
    const notice = await (
      await as('approver-1', 'approver')
    )
      .post('/api/notices', { programmeId: 'baoding-data-voucher', applicationIds: [applicationId], opensOn: now.toISOString().slice(0, 10) })
      .expect(201);
    return { applicationId, endsOn: notice.body.endsOn as string };
  }

  it('runs an application from submission to confirmed disbursement, and reads it back at the position written', async () => {
    now = new Date('2025-06-03T02:00:00.000Z');
    const admin = await as('admin-1', 'admin');
    const uscc = usccFor(501);
    await admin.post('/api/enterprises', { uscc, name: '保定某算力公司', city: 'baoding', district: '竞秀区' }).expect(201);
    const { applicationId, endsOn } = await prepareNoticed(uscc, '1200000.00');
    const approver = await as('approver-2', 'approver');
    // Rule `proposed-award`: from the final review on, the application shows what an approval now would grant.
    const proposed = await approver.get(`/api/applications/${applicationId}`).expect(200);
    expect(proposed.body).toMatchObject({ status: 'in_notice', entitlement: '300000.00', proposedAward: '300000.00' });
    // The free-text reference of an unrecorded decision is not enough: the decision is recorded first.
    const unrecorded = await approver.post(`/api/applications/${applicationId}/approval`, { decisionRef: '党组会议2025-7' });
    expect(unrecorded.body).toMatchObject({ code: 'NOTICE_NOT_ENDED', status: 422, endsOn });
    now = new Date(`${endsOn}T20:00:00.000Z`);
    expect((await approver.post(`/api/applications/${applicationId}/approval`, { decisionRef: '党组会议2025-7' })).body).toMatchObject({
      status: 422,
      code: 'DECISION_NOT_RECORDED',
      decisionRef: '党组会议2025-7',
    });
    const decisionRef = await decision({ [applicationId]: '300000.00' });
    const approved = await approver.post(`/api/applications/${applicationId}/approval`, { decisionRef }).expect(201);
    expect(approved.body).toMatchObject({ status: 'approved', award: '300000.00' });
    const maker = await as('finance-1', 'finance');
    const recorded = await maker
      .post(`/api/applications/${applicationId}/disbursements`, { amount: '300000.00', paymentRef: 'PAY-HTTP-1', paidOn: shanghaiDateOf(now.toISOString()) })
      .expect(201);
    expect((await maker.post(`/api/disbursements/${recorded.body.disbursementId}/confirmation`)).body).toMatchObject({ code: 'SEGREGATION_OF_DUTIES' });
    const confirmed = await (await as('finance-2', 'finance')).post(`/api/disbursements/${recorded.body.disbursementId}/confirmation`).expect(201);

    const supervisor = await as('supervisor-1', 'supervisor');
    const budget = await supervisor.get(`/api/budgets/baoding-data-voucher/2025?minPosition=${confirmed.body.position}`).expect(200);
    expect(budget.body).toMatchObject({ budget: '20000000.00', committed: '300000.00', paid: '300000.00', remaining: '19700000.00' });
    const asOfApproval = await supervisor.get(`/api/budgets/baoding-data-voucher/2025?asOf=${approved.body.position}`).expect(200);
    expect(asOfApproval.body).toMatchObject({ committed: '300000.00', paid: '0.00' });
    const application = await supervisor.get(`/api/applications/${applicationId}?minPosition=${confirmed.body.position}`).expect(200);
    expect(application.body).toMatchObject({ status: 'approved', award: '300000.00', paid: '300000.00', district: '竞秀区' });
    const history = await supervisor.get(`/api/applications/${applicationId}/history`).expect(200);
    expect(history.body.map((h: { type: string }) => h.type)).toEqual([
      'ApplicationSubmitted',
      'StageReviewed',
      'StageReviewed',
      'StageReviewed',
      'ApplicationNoticed',
      'AwardApproved',
      'DisbursementRecorded',
      'DisbursementConfirmed',
    ]);
    const enterpriseHistory = await supervisor.get(`/api/enterprises/${uscc}/history`).expect(200);
    expect(enterpriseHistory.body.map((h: { type: string }) => h.type)).toEqual(['EnterpriseRegistered', 'ApplicationSubmitted', 'AwardApproved']);
    expect(enterpriseHistory.body[2]).toMatchObject({ actorId: 'approver-2', actorRole: 'approver' });
    const totals = await supervisor.get(`/api/enterprises/${uscc}/totals?year=2025`).expect(200);
    expect(totals.body.totals).toEqual([
      expect.objectContaining({ programmeId: 'baoding-data-voucher', recognizedSpend: '1200000.00', awarded: '300000.00', paid: '300000.00', headroom: '0.00' }),
    ]);
  });

  /** A recognition award's body: the platform (or standard), its recognition, and no items. */
  const recognized = (matterKey: string, documentRef: string) => ({
    matterKey,
    recognition: { documentRef, issuer: '河北省科学技术厅', issuedOn: '2025-05-20' },
    items: undefined,
  });

  it.each([
    { programmeId: 'baoding-rnd-project', city: 'baoding' as const, amount: '1200000.00', extra: { approvalRef: '冀科计〔2025〕12号' }, award: '500000.00' },
    {
      programmeId: 'baoding-innovation-platform',
      city: 'baoding' as const,
      amount: '1.00',
      extra: { level: 'provincial', ...recognized('KL-1', '冀科平台认〔2025〕2号') },
      award: '500000.00',
    },
    {
      programmeId: 'baoding-standards',
      city: 'baoding' as const,
      amount: '1.00',
      extra: { level: 'lead-hebei-local', ...recognized('DB13-T-6001-2025', '冀市监函〔2025〕7号') },
      award: '30000.00',
    },
    { programmeId: 'wuhan-dataset-construction', city: 'wuhan' as const, amount: '5000000.00', extra: {}, award: '1500000.00' },
    { programmeId: 'wuhan-data-product', city: 'wuhan' as const, amount: '9000000.00', extra: {}, award: '2000000.00' },
  ])('runs a $programmeId application through HTTP to its award and payment', async ({ programmeId, city, amount, extra, award }) => {
    now = new Date('2025-06-03T02:00:00.000Z');
    const admin = await as('admin-1', 'admin');
    await admin.post(`/api/programmes/${programmeId}/budgets`, { year: 2025, amount: '50000000.00' }).expect(201);
    const uscc = usccFor(600 + programmeId.length, city);
    await admin.post('/api/enterprises', { uscc, name: `${programmeId}企业`, city });
    const reviewer = await as('reviewer-1', 'reviewer');
    const submitted = await reviewer
      .post('/api/applications', { programmeId, uscc, fiscalYear: 2025, items: [{ invoiceNumber: nextInvoice(), invoiceDate: '2025-05-20', amount }], ...extra })
      .expect(201);
    const id = submitted.body.applicationId as string;
    await reviewThrough(id, programmeId);
    const notice = await (await as('approver-1', 'approver')).post('/api/notices', { programmeId, applicationIds: [id], opensOn: shanghaiDateOf(now.toISOString()) }).expect(201);
    expect(notice.body).toMatchObject({ afterStage: 'expert-review', entries: [{ applicationId: id, proposedAward: award }] });
    now = new Date(`${notice.body.endsOn}T20:00:00.000Z`);
    const approved = await (await as('approver-2', 'approver')).post(`/api/applications/${id}/approval`, { decisionRef: await decision({ [id]: award }) }).expect(201);
    expect(approved.body.award).toBe(award);
    const recorded = await (
      await as('finance-1', 'finance')
    )
      .post(`/api/applications/${id}/disbursements`, { amount: award, paymentRef: `PAY-${programmeId}`, paidOn: shanghaiDateOf(now.toISOString()) })
      .expect(201);
    const confirmed = await (await as('finance-2', 'finance')).post(`/api/disbursements/${recorded.body.disbursementId}/confirmation`).expect(201);
    const read = await (await as('auditor-1', 'auditor')).get(`/api/applications/${id}?minPosition=${confirmed.body.position}`).expect(200);
    expect(read.body).toMatchObject({ programmeId, status: 'approved', award, paid: award });
  });

  it('enforces segregation of duties over HTTP: the approver may not pay, the final reviewer may not approve', async () => {
    now = new Date('2025-06-03T02:00:00.000Z');
    const uscc = usccFor(700);
    await (await as('admin-1', 'admin')).post('/api/enterprises', { uscc, name: '职责分离测试', city: 'baoding' }).expect(201);
    const { applicationId, endsOn } = await prepareNoticed(uscc, '400000.00');
    now = new Date(`${endsOn}T20:00:00.000Z`);
    const token = await mintToken(secret, { sub: 'reviewer-1', roles: ['approver'] });
    const decisionRef = await decision({ [applicationId]: '120000.00' });
    const byReviewer = await request(app.getHttpServer())
      .post(`/api/applications/${applicationId}/approval`)
      .set('Authorization', `Bearer ${token}`)
      .set('Idempotency-Key', 'sod-1')
      .send({ decisionRef });
    expect(byReviewer.body).toMatchObject({ status: 403, code: 'SEGREGATION_OF_DUTIES' });
    await (await as('approver-7', 'approver')).post(`/api/applications/${applicationId}/approval`, { decisionRef }).expect(201);
    const both = await mintToken(secret, { sub: 'approver-7', roles: ['approver', 'finance'] });
    const payBySelf = await request(app.getHttpServer())
      .post(`/api/applications/${applicationId}/disbursements`)
      .set('Authorization', `Bearer ${both}`)
      .set('Idempotency-Key', 'sod-2')
      .send({ amount: '1.00', paymentRef: 'SOD-1', paidOn: endsOn });
    expect(payBySelf.body).toMatchObject({ status: 403, code: 'SEGREGATION_OF_DUTIES' });
  });

  it('decides 30 simultaneous approvals against one budget exactly: 20 fit, 10 get BUDGET_EXCEEDED', async () => {
    now = new Date('2025-06-03T02:00:00.000Z');
    const admin = await as('admin-1', 'admin');
    await admin.post('/api/programmes/wuhan-data-product/budgets', { year: 2026, amount: '600000.00' }).expect(201);
    await admin.post('/api/calendar/years', { year: 2026, holidays: ['2026-01-01'], workdays: [], source: 'test calendar' }).expect(201);
    now = new Date('2026-03-02T02:00:00.000Z');
    const reviewer = await as('reviewer-1', 'reviewer');
    const ids: string[] = [];
    for (let n = 0; n < 30; n += 1) {
      const uscc = usccFor(800 + n, 'wuhan');
      await admin.post('/api/enterprises', { uscc, name: `并发${n}`, city: 'wuhan' }).expect(201);
      const submitted = await reviewer
        .post('/api/applications', {
          programmeId: 'wuhan-data-product',
          uscc,
          fiscalYear: 2026,
          items: [{ invoiceNumber: nextInvoice(), invoiceDate: '2026-02-20', amount: '100000.00' }],
        })
        .expect(201);
      for (const stage of ['district-preliminary', 'city-re-review', 'expert-review'])
        await reviewer.post(`/api/applications/${submitted.body.applicationId}/reviews`, { stage, outcome: 'pass' }).expect(201);
      ids.push(submitted.body.applicationId as string);
    }
    const notice = await (await as('approver-1', 'approver')).post('/api/notices', { programmeId: 'wuhan-data-product', applicationIds: ids, opensOn: '2026-03-02' }).expect(201);
    now = new Date(`${notice.body.endsOn}T20:00:00.000Z`);
    const approver = await as('approver-9', 'approver');
    const decisionRef = await decision(Object.fromEntries(ids.map((id) => [id, '30000.00'])), 'approver-9');
    const responses = await Promise.all(ids.map((id) => approver.post(`/api/applications/${id}/approval`, { decisionRef })));
    expect(responses.filter((r) => r.status === 201)).toHaveLength(20);
    expect(responses.filter((r) => r.status === 422 && r.body.code === 'BUDGET_EXCEEDED')).toHaveLength(10);
    const last = responses.map((r) => BigInt(r.body.position ?? 0)).reduce((a, b) => (a > b ? a : b));
    const budget = await (await as('auditor-1', 'auditor')).get(`/api/budgets/wuhan-data-product/2026?minPosition=${last}`).expect(200);
    expect(budget.body).toMatchObject({ budget: '600000.00', committed: '600000.00', remaining: '0.00' });
  });

  it('answers 503 with Retry-After when the read side cannot reach ?minPosition= in time', async () => {
    const auditor = await as('auditor-1', 'auditor');
    const response = await auditor.get('/api/applications?minPosition=999999999');
    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toBe('1');
    expect(response.body).toMatchObject({ code: 'NOT_READY' });
  });

  it('answers every error as problem+json with a stable code, and changes nothing', async () => {
    const store = app.get<EventStore>(EVENT_STORE);
    const head = await store.headPosition();
    const reviewer = await as('reviewer-1', 'reviewer');
    const cases = [
      { response: await request(app.getHttpServer()).get('/api/programmes'), status: 401, code: 'UNAUTHENTICATED' },
      { response: await request(app.getHttpServer()).get('/api/programmes').set('Authorization', 'Bearer not.a.token'), status: 401, code: 'UNAUTHENTICATED' },
      {
        response: await request(app.getHttpServer())
          .get('/api/programmes')
          .set('Authorization', `Bearer ${await mintToken('another-secret-of-sufficient-length', { sub: 'x', roles: ['admin'] })}`),
        status: 401,
        code: 'UNAUTHENTICATED',
      },
      { response: await (await as('auditor-1', 'auditor')).post('/api/applications', {}), status: 403, code: 'FORBIDDEN' },
      {
        response: await request(app.getHttpServer())
          .post('/api/applications')
          .set('Authorization', `Bearer ${await token('reviewer-1', 'reviewer')}`)
          .set('Idempotency-Key', 'k-json')
          .set('Content-Type', 'application/json')
          .send('{"programmeId": '),
        status: 400,
        code: 'VALIDATION_FAILED',
      },
      {
        response: await request(app.getHttpServer())
          .post('/api/applications')
          .set('Authorization', `Bearer ${await token('reviewer-1', 'reviewer')}`)
          .send({}),
        status: 400,
        code: 'VALIDATION_FAILED',
      },
      {
        response: await request(app.getHttpServer())
          .post('/api/applications')
          .set('Authorization', `Bearer ${await token('reviewer-1', 'reviewer')}`)
          .set('Idempotency-Key', 'k-text')
          .set('Content-Type', 'text/plain')
          .send('programmeId=x'),
        status: 415,
        code: 'UNSUPPORTED_MEDIA_TYPE',
      },
      {
        response: await reviewer.post('/api/applications', {
          programmeId: 'baoding-data-voucher',
          uscc: usccFor(1),
          fiscalYear: 2025,
          items: [{ invoiceNumber: '12345678', invoiceDate: '2025-05-01', amount: 1000, category: 'compute-rental' }],
        }),
        status: 400,
        code: 'VALIDATION_FAILED',
      },
      { response: await reviewer.get('/api/no-such-route'), status: 404, code: 'NOT_FOUND' },
      { response: await reviewer.get('/api/applications/does-not-exist'), status: 404, code: 'NOT_FOUND' },
      { response: await reviewer.get('/api/applications?fiscalYear=twenty'), status: 400, code: 'VALIDATION_FAILED' },
    ];
    for (const { response, status, code } of cases) {
      expect(response.status).toBe(status);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.body).toMatchObject({ status, code, title: titleEn[code as keyof typeof titleEn] });
      expect(typeof response.body.detail).toBe('string');
      expect(typeof response.body.detailZh).toBe('string');
    }
    expect(cases[7]!.response.body).toMatchObject({ field: 'items[0].amount' });
    expect(await store.headPosition()).toBe(head);
  });

  it('takes the longest user ids and idempotency keys without error, still idempotent', async () => {
    const long = await as('u'.repeat(200), 'admin');
    const key = 'k'.repeat(100);
    const body = { uscc: usccFor(503), name: '长标识企业', city: 'baoding' };
    const first = await long.post('/api/enterprises', body, key).expect(201);
    expect((await long.post('/api/enterprises', body, key)).body).toEqual(first.body);
    expect((await long.post('/api/enterprises', { ...body, name: '别的' }, key)).body.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('returns the first response to a retried write, and refuses the key for another body', async () => {
    const admin = await as('admin-1', 'admin');
    const body = { uscc: usccFor(502), name: '幂等测试企业', city: 'baoding' };
    const first = await admin.post('/api/enterprises', body, 'retry-1').expect(201);
    const again = await admin.post('/api/enterprises', body, 'retry-1');
    expect(again.status).toBe(first.status);
    expect(again.body).toEqual(first.body);
    const reused = await admin.post('/api/enterprises', { ...body, name: '别的企业' }, 'retry-1');
    expect(reused.status).toBe(409);
    expect(reused.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('refuses a body nested thousands of levels deep with a 400, on every kind of route, and changes nothing', async () => {
    const store = app.get<EventStore>(EVENT_STORE);
    const head = await store.headPosition();
    const deep = (levels: number) => `{"reason":${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}}`;
    const routes: [string, string, Role][] = [
      ['/api/enterprises', 'admin-1', 'admin'],
      ['/api/applications/00000000-0000-4000-8000-000000000000/withdrawal', 'reviewer-1', 'reviewer'],
      ['/api/audit/verify', 'auditor-1', 'auditor'],
    ];
    for (const [path, sub, role] of routes) {
      for (const levels of [40, 5_000]) {
        const response = await request(app.getHttpServer())
          .post(path)
          .set('Authorization', `Bearer ${await token(sub, role)}`)
          .set('Idempotency-Key', `k-${(keySequence += 1)}`)
          .set('Content-Type', 'application/json')
          .send(deep(levels));
        expect(response.status).toBe(400);
        expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(response.body).toMatchObject({ code: 'VALIDATION_FAILED', detail: 'the body nests deeper than 32 levels' });
      }
    }
    expect(await store.headPosition()).toBe(head);
  });

  it('takes a write sent with Content-Type: application/json and no body, as many clients send it, as a write without a body', async () => {
    now = new Date('2025-06-03T02:00:00.000Z');
    const uscc = usccFor(504);
    await (await as('admin-1', 'admin')).post('/api/enterprises', { uscc, name: '空请求体测试企业', city: 'baoding' }).expect(201);
    const submitted = await (
      await as('reviewer-1', 'reviewer')
    )
      .post('/api/applications', {
        programmeId: 'baoding-data-voucher',
        uscc,
        fiscalYear: 2025,
        items: [{ invoiceNumber: nextInvoice(), invoiceDate: '2025-05-20', amount: '1000.00', category: 'compute-rental' }],
      })
      .expect(201);
    const bodiless = (path: string, bearer: string) =>
      request(app.getHttpServer())
        .post(path)
        .set('Authorization', bearer)
        .set('Idempotency-Key', `k-${(keySequence += 1)}`)
        .set('Content-Type', 'application/json');
    const withdrawn = await bodiless(`/api/applications/${submitted.body.applicationId}/withdrawal`, `Bearer ${await token('reviewer-1', 'reviewer')}`);
    expect(withdrawn.status).toBe(201);
    expect(withdrawn.body).toMatchObject({ status: 'withdrawn' });
    // A body in another media type is refused as such, and changes nothing.
    const positionBefore = (await (await as('auditor-1', 'auditor')).get('/api/audit/digest').expect(200)).body.position;
    for (const [type, text] of [
      ['text/plain', '{"decisionRef":"x"}'],
      ['application/x-www-form-urlencoded', 'decisionRef=x'],
    ]) {
      const refused = await request(app.getHttpServer())
        .post(`/api/applications/${submitted.body.applicationId}/approval`)
        .set('Authorization', `Bearer ${await token('approver-1', 'approver')}`)
        .set('Idempotency-Key', `k-${(keySequence += 1)}`)
        .set('Content-Type', type!)
        .send(text);
      expect(refused.status).toBe(415);
      expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(refused.body).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE', detail: 'send the body as application/json' });
    }
    expect((await (await as('auditor-1', 'auditor')).get('/api/audit/digest').expect(200)).body.position).toBe(positionBefore);
    // A write that needs a body still says which field is missing.
    const approval = await bodiless(`/api/applications/${submitted.body.applicationId}/approval`, `Bearer ${await token('approver-1', 'approver')}`);
    expect(approval.status).toBe(400);
    expect(approval.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(approval.body).toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  describe('authorization matrix: every endpoint × every role, and no token', () => {
    const endpoints: { method: 'get' | 'post' | 'delete'; path: string; allowed: Role[] }[] = [
      { method: 'get', path: '/api/programmes', allowed: roleNames },
      { method: 'get', path: '/api/programmes/baoding-data-voucher', allowed: roleNames },
      { method: 'post', path: '/api/programmes/wuhan-data-product/budgets', allowed: ['admin'] },
      { method: 'post', path: '/api/calendar/years', allowed: ['admin'] },
      { method: 'post', path: '/api/enterprises', allowed: ['admin', 'reviewer'] },
      { method: 'post', path: '/api/enterprises/X/flags', allowed: ['admin'] },
      { method: 'delete', path: '/api/enterprises/X/flags/F', allowed: ['admin'] },
      { method: 'post', path: '/api/applications', allowed: ['reviewer'] },
      { method: 'post', path: '/api/applications/A/reviews', allowed: ['reviewer'] },
      { method: 'post', path: '/api/applications/A/withdrawal', allowed: ['reviewer'] },
      { method: 'post', path: '/api/notices', allowed: ['approver'] },
      { method: 'post', path: '/api/notices/N/objections', allowed: ['approver', 'reviewer'] },
      { method: 'post', path: '/api/notices/N/objections/O/resolution', allowed: ['approver'] },
      { method: 'get', path: '/api/notices/N', allowed: roleNames },
      { method: 'post', path: '/api/decisions', allowed: ['approver'] },
      { method: 'get', path: '/api/decisions/D', allowed: roleNames },
      { method: 'post', path: '/api/applications/A/approval', allowed: ['approver'] },
      { method: 'post', path: '/api/applications/A/revocation', allowed: ['approver'] },
      { method: 'post', path: '/api/applications/A/disbursements', allowed: ['finance'] },
      { method: 'post', path: '/api/disbursements/D/confirmation', allowed: ['finance'] },
      { method: 'post', path: '/api/disbursements/D/rejection', allowed: ['finance'] },
      { method: 'post', path: '/api/applications/A/clawbacks', allowed: ['approver'] },
      { method: 'post', path: '/api/clawbacks/C/recoveries', allowed: ['finance'] },
      { method: 'post', path: '/api/clawbacks/C/write-off', allowed: ['approver'] },
      { method: 'get', path: '/api/applications', allowed: roleNames },
      { method: 'get', path: '/api/applications/A', allowed: roleNames },
      { method: 'get', path: '/api/applications/A/history', allowed: roleNames },
      { method: 'get', path: '/api/approval-queue', allowed: ['approver', 'supervisor'] },
      { method: 'get', path: '/api/budgets/baoding-data-voucher/2025', allowed: ['supervisor', 'auditor', 'approver', 'finance'] },
      { method: 'get', path: '/api/enterprises/X/totals', allowed: ['supervisor', 'auditor'] },
      { method: 'get', path: '/api/enterprises/X/history', allowed: roleNames },
      { method: 'get', path: '/api/audit/events?limit=1', allowed: ['auditor'] },
      { method: 'get', path: '/api/audit/digest', allowed: ['auditor'] },
      { method: 'post', path: '/api/audit/verify', allowed: ['auditor'] },
    ];

    it.each(endpoints)('$method $path', async ({ method, path, allowed }) => {
      const anonymous = await request(app.getHttpServer())[method](path).set('Idempotency-Key', 'matrix').send({});
      expect(anonymous.status).toBe(401);
      for (const role of roleNames) {
        const client = await as(`matrix-${role}`, role);
        const response = await (method === 'get' ? client.get(path) : client[method](path, {}));
        if (allowed.includes(role)) {
          expect([401, 403]).not.toContain(response.status);
          expect(response.status).toBeLessThan(500);
        } else {
          expect({ role, status: response.status, code: response.body.code }).toEqual({ role, status: 403, code: 'FORBIDDEN' });
        }
      }
    });
  });

  it('never answers odd path parameters or query strings with a 5xx, on any route (fuzz)', async () => {
    const store = app.get<EventStore>(EVENT_STORE);
    const routes: { method: 'get' | 'post' | 'delete'; template: string; role: Role }[] = [
      { method: 'get', template: '/api/programmes/{p}', role: 'auditor' },
      { method: 'get', template: '/api/applications/{p}', role: 'auditor' },
      { method: 'get', template: '/api/applications/{p}/history', role: 'auditor' },
      { method: 'get', template: '/api/budgets/{p}/{q}', role: 'auditor' },
      { method: 'get', template: '/api/enterprises/{p}/totals', role: 'auditor' },
      { method: 'get', template: '/api/enterprises/{p}/history', role: 'auditor' },
      { method: 'post', template: '/api/applications/{p}/approval', role: 'approver' },
      { method: 'post', template: '/api/applications/{p}/reviews', role: 'reviewer' },
      { method: 'post', template: '/api/disbursements/{p}/confirmation', role: 'finance' },
      { method: 'post', template: '/api/disbursements/{p}/rejection', role: 'finance' },
      { method: 'post', template: '/api/clawbacks/{p}/recoveries', role: 'finance' },
      { method: 'post', template: '/api/notices/{p}/objections/{q}/resolution', role: 'approver' },
      { method: 'get', template: '/api/notices/{p}', role: 'auditor' },
      { method: 'get', template: '/api/decisions/{p}', role: 'auditor' },
      { method: 'delete', template: '/api/enterprises/{p}/flags/{q}', role: 'admin' },
      { method: 'post', template: '/api/programmes/{p}/budgets', role: 'admin' },
    ];
    const segment = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.string({ unit: 'grapheme', maxLength: 40 }),
      fc.constantFrom('..', '%00', '%ff', 'baoding-data-voucher', '2025', '-1', '99999999999999999999', ' '),
    );
    const query = fc.dictionary(
      fc.constantFrom('asOf', 'minPosition', 'year', 'fiscalYear', 'status', 'limit', 'offset', 'format', 'programmeId', 'uscc'),
      fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('0', '-1', '1e9', '2025-07-01T00:00:00+08:00', '999999999999999999999')),
      { maxKeys: 3 },
    );
    const head = await store.headPosition();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), segment, segment, query, async ({ method, template, role }, p, q, params) => {
        const path = template.replace('{p}', encodeURIComponent(p)).replace('{q}', encodeURIComponent(q));
        // minPosition makes reads wait: keep it in the past here (waiting is tested on its own).
        const safe = Object.fromEntries(Object.entries(params).filter(([k]) => k !== 'minPosition'));
        const server = request(app.getHttpServer());
        const call = server[method](path)
          .query(safe)
          .set('Authorization', `Bearer ${await token(`odd-${role}`, role)}`)
          .set('Idempotency-Key', 'odd-key');
        const response =
          method === 'get'
            ? await call
            : await call.send({ decisionRef: 'x', reason: 'y', outcome: 'dismissed', stage: 's', year: 2025, amount: '1.00', receivedOn: '2025-01-01', receiptRef: 'r' });
        expect(response.status).toBeLessThan(500);
        if (response.status >= 400) expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      }),
      { numRuns: 400 },
    );
    expect(await store.headPosition()).toBe(head);
  });

  it('never answers malformed writes with a 5xx, always with problem+json, and never moves the log (fuzz)', async () => {
    const store = app.get<EventStore>(EVENT_STORE);
    const writes: { path: string; role: Role }[] = [
      { path: '/api/programmes/wuhan-data-product/budgets', role: 'admin' },
      { path: '/api/enterprises', role: 'admin' },
      { path: '/api/enterprises/91130600000000501X/flags', role: 'admin' },
      { path: '/api/applications', role: 'reviewer' },
      { path: '/api/applications/A/reviews', role: 'reviewer' },
      { path: '/api/notices', role: 'approver' },
      { path: '/api/applications/A/approval', role: 'approver' },
      { path: '/api/applications/A/disbursements', role: 'finance' },
      { path: '/api/applications/A/clawbacks', role: 'approver' },
      { path: '/api/clawbacks/C/recoveries', role: 'finance' },
      { path: '/api/calendar/years', role: 'admin' },
      // Routes whose body is optional or read by the command itself.
      { path: '/api/applications/A/withdrawal', role: 'reviewer' },
      { path: '/api/applications/A/revocation', role: 'approver' },
      { path: '/api/notices/N/objections', role: 'approver' },
      { path: '/api/notices/N/objections/O/resolution', role: 'approver' },
      { path: '/api/decisions', role: 'approver' },
      { path: '/api/disbursements/D/confirmation', role: 'finance' },
      { path: '/api/disbursements/D/rejection', role: 'finance' },
      { path: '/api/clawbacks/C/write-off', role: 'approver' },
      { path: '/api/audit/verify', role: 'auditor' },
    ];
    const nested = (levels: number): unknown => (levels === 0 ? 1 : { reason: nested(levels - 1) });
    const value = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant('300000.00'), fc.constant('2025-05-20'), fc.constant(usccFor(501)));
    const body = fc.oneof(
      fc.dictionary(
        fc.constantFrom(
          'programmeId',
          'uscc',
          'fiscalYear',
          'items',
          'amount',
          'year',
          'name',
          'city',
          'stage',
          'outcome',
          'decisionRef',
          'reference',
          'decidedOn',
          'kind',
          'awards',
          'proposedAwards',
          'objector',
          'channel',
          'paymentRef',
          'paidOn',
          'list',
          'source',
          'since',
          'junk',
          '__proto__',
          'constructor',
        ),
        fc.oneof(value, fc.array(value), fc.dictionary(fc.string(), value)),
      ),
      fc.array(value),
      value,
      fc.integer({ min: 1, max: 3_000 }).map(nested),
    );
    // Most bodies are JSON; some are not quite (cut short, or any text at all).
    const text = fc.oneof(
      { weight: 4, arbitrary: body.map((payload) => JSON.stringify(payload)) },
      { weight: 1, arbitrary: body.chain((payload) => fc.nat().map((cut) => JSON.stringify(payload).slice(0, cut % (JSON.stringify(payload).length + 1)))) },
      { weight: 1, arbitrary: fc.string() },
    );
    const head = await store.headPosition();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...writes), text, fc.oneof(fc.constant('fuzz-key'), fc.string({ maxLength: 120 })), async ({ path, role }, payload, key) => {
        const response = await request(app.getHttpServer())
          .post(path)
          .set('Authorization', `Bearer ${await token(`fuzz-${role}`, role)}`)
          .set('Idempotency-Key', key.replace(/[^\x20-\x7e]/g, '') || 'x')
          .set('Content-Type', 'application/json')
          .send(payload);
        expect(response.status).toBeLessThan(500);
        if (response.status >= 400) {
          expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
          expect(typeof response.body.code).toBe('string');
        }
      }),
      { numRuns: 500 },
    );
    expect(await store.headPosition()).toBe(head);
  });
});

describe('HTTP operations', () => {
  let dir: string;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-ops-'));
    app = await startApp(dir, { LEDGER_RATE_LIMIT: '5' });
  });

  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('limits each user to LEDGER_RATE_LIMIT requests a minute with 429 RATE_LIMITED, without slowing other users', async () => {
    const busy = `Bearer ${await mintToken(secret, { sub: 'busy', roles: ['auditor'] })}`;
    const calm = `Bearer ${await mintToken(secret, { sub: 'calm', roles: ['auditor'] })}`;
    const statuses: number[] = [];
    for (let i = 0; i < 7; i += 1) statuses.push((await request(app.getHttpServer()).get('/api/audit/digest').set('Authorization', busy)).status);
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    const limited = await request(app.getHttpServer()).get('/api/audit/digest').set('Authorization', busy);
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ code: 'RATE_LIMITED' });
    expect((await request(app.getHttpServer()).get('/api/audit/digest').set('Authorization', calm)).status).toBe(200);
  });

  it('serves Prometheus metrics: request latency, commands by outcome, projection lag, and no money without a scrape token', async () => {
    const admin = `Bearer ${await mintToken(secret, { sub: 'ops-admin', roles: ['admin'] })}`;
    await request(app.getHttpServer())
      .post('/api/programmes/wuhan-data-product/budgets')
      .set('Authorization', admin)
      .set('Idempotency-Key', 'm-1')
      .send({ year: 2025, amount: '1000000.00' })
      .expect(201);
    await request(app.getHttpServer())
      .post('/api/programmes/wuhan-data-product/budgets')
      .set('Authorization', admin)
      .set('Idempotency-Key', 'm-2')
      .send({ year: 2025, amount: 5 })
      .expect(400);
    const metrics = await request(app.getHttpServer()).get('/metrics').expect(200);
    expect(metrics.text).toContain('ledger_http_request_duration_seconds_bucket');
    expect(metrics.text).toMatch(/ledger_commands_total\{route="POST \/api\/programmes\/:id\/budgets",outcome="ok"\} 1/);
    expect(metrics.text).toMatch(/ledger_commands_total\{route="POST \/api\/programmes\/:id\/budgets",outcome="VALIDATION_FAILED"\} 1/);
    expect(metrics.text).toMatch(/ledger_projection_lag_events \d+/);
    expect(metrics.text).not.toContain('ledger_budget_remaining_yuan');
  });

  it('sets security headers (helmet) on every response: the strict API policy on JSON, the page policy on the docs', async () => {
    for (const path of ['/health', '/api/programmes', '/api/no-such-route']) {
      const response = await request(app.getHttpServer()).get(path);
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['content-security-policy']).toBe("default-src 'none';frame-ancestors 'none'");
      expect(response.headers['x-frame-options']).toBe('DENY');
      expect(response.headers['cache-control']).toMatch(/no-store/);
      expect(response.headers['strict-transport-security']).toMatch(/^max-age=/);
      expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    }
    const docs = await request(app.getHttpServer()).get('/docs');
    expect(docs.headers['content-security-policy']).toMatch(/script-src 'self'/);
    // Served over plain HTTP by host name, the page must not send the browser to HTTPS for its scripts.
    expect(docs.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
    expect(docs.headers['x-content-type-options']).toBe('nosniff');
    const traced = await request(app.getHttpServer()).get('/health').set('X-Request-Id', 'trace-42');
    expect(traced.headers['x-request-id']).toBe('trace-42');
  });
});

describe('OpenAPI', () => {
  let dir: string;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-docs-'));
    app = await startApp(dir);
  });

  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('documents every route at /docs-json, with request bodies described in English and Chinese', async () => {
    const document = (await request(app.getHttpServer()).get('/docs-json').expect(200)).body as {
      paths: Record<string, Record<string, unknown>>;
      components: { schemas: Record<string, { properties: Record<string, { description?: string }> }> };
    };
    for (const path of ['/api/applications', '/api/applications/{id}/approval', '/api/budgets/{programmeId}/{year}', '/api/audit/verify', '/api/disbursements/{id}/confirmation']) {
      expect(Object.keys(document.paths)).toContain(path);
    }
    const item = document.components.schemas['ItemDto']!.properties;
    expect(item['invoiceNumber']!.description).toContain('发票号码');
    expect(item['invoiceCode']!.description).toContain('发票代码');
    expect(item['amount']!.description).toContain('金额');
    expect((await request(app.getHttpServer()).get('/docs/').expect(200)).text).toContain('swagger');
  });
});
