// The console's own routes on the real application: its page at `/` with a policy that lets it run
// (and the API's untouched), the one-time sign-in link, and the reads its work lists need.
import { decodeJwt } from 'jose';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { AppModule } from '../../src/app.module.js';
import { mintToken } from '../../src/auth/tokens.js';
import { configureApp, ledgerHttpAdapter } from '../../src/bootstrap.js';
import type { Role } from '../../src/shared/actor.js';
import { loadLedgerConfig } from '../../src/config.js';
import { SIGN_IN_LINKS } from '../../src/console/console.controller.js';
import { consoleAssetsDir } from '../../src/console/console.module.js';
import { SignInLinks, signInLinkLifetimeMs, signInLinksAllowed } from '../../src/console/sign-in-link.js';
import { CLOCK } from '../../src/http/api.controller.js';
import { usccFor } from '../support/world.js';

const secret = 'a-console-test-secret-that-is-long-enough';

async function startApp(dir: string, settings: Record<string, string>, clock: () => Date): Promise<NestFastifyApplication> {
  const config = loadLedgerConfig({ LEDGER_SQLITE_PATH: join(dir, 'ledger.db'), LEDGER_RATE_LIMIT: '0', ...settings });
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config)] })
    .overrideProvider(CLOCK)
    .useValue(clock)
    .compile();
  const app = await configureApp(moduleRef.createNestApplication<NestFastifyApplication>(ledgerHttpAdapter({ logger: false }), { logger: false }));
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

describe('console routes', () => {
  let dir: string;
  let app: NestFastifyApplication;
  let now = new Date('2025-06-03T02:00:00.000Z');
  let key = 0;

  const as = async (sub: string, role: Role) => {
    const bearer = `Bearer ${await mintToken(secret, { sub, roles: [role] })}`;
    return {
      post: (path: string, body?: unknown) =>
        request(app.getHttpServer())
          .post(path)
          .set('Authorization', bearer)
          .set('Idempotency-Key', `c-${(key += 1)}`)
          .send(body as object),
      get: (path: string) => request(app.getHttpServer()).get(path).set('Authorization', bearer),
    };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-console-api-'));
    app = await startApp(dir, { LEDGER_JWT_SECRET: secret }, () => now);
  });

  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the console at / under its own content security policy, and leaves the API its own', async () => {
    const page = await request(app.getHttpServer()).get('/');
    if (existsSync(join(consoleAssetsDir, 'index.html'))) {
      expect(page.status).toBe(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.text).toContain('<div id="app">');
      expect(page.headers['cache-control']).toBe('no-cache');
      const script = /src="(\/assets\/[^"]+\.js)"/.exec(page.text)![1]!;
      const asset = await request(app.getHttpServer()).get(script).expect(200);
      expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(asset.headers['vary']).toBe('Accept-Encoding');
      const compressed = await request(app.getHttpServer()).get(script).set('Accept-Encoding', 'br, gzip').expect(200);
      expect(compressed.headers['content-encoding']).toBe('br');
      expect(Number(compressed.headers['content-length'])).toBeLessThan(Buffer.byteLength(asset.text));
    } else {
      expect(page.status).toBe(503);
      expect(page.text).toContain('npm run build');
    }
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    const api = await request(app.getHttpServer()).get('/api/programmes');
    expect(api.headers['content-security-policy']).toBe("default-src 'none';frame-ancestors 'none'");
    // An unknown path is still the API's problem+json, not a page.
    const unknown = await request(app.getHttpServer()).get('/api/no-such-route');
    expect(unknown.status).toBe(404);
    expect(unknown.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('refuses sign-in links where a secret is configured', async () => {
    const response = await request(app.getHttpServer()).post('/api/console/sign-in').send({ code: 'abc' });
    expect(response.status).toBe(403);
    expect(response.body.code).toBe('FORBIDDEN');
    const malformed = await request(app.getHttpServer()).post('/api/console/sign-in').send({ code: 'not a code!' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.code).toBe('VALIDATION_FAILED');
  });

  it('lists the payment awaiting its checker with its maker and approver, then the confirmed one, the clawback owed, the enterprise by name and the timeline', async () => {
    const uscc = usccFor(7701);
    await (await as('admin-1', 'admin')).post('/api/enterprises', { uscc, name: '保定数据要素有限公司', city: 'baoding', district: '莲池区' }).expect(201);
    const reviewer = await as('reviewer-1', 'reviewer');
    const submitted = await reviewer
      .post('/api/applications', {
        programmeId: 'baoding-data-voucher',
        uscc,
        fiscalYear: 2025,
        items: [{ invoiceNumber: '25130000000000007701', invoiceDate: '2025-05-20', amount: '1000000.00', category: 'compute-rental' }],
      })
      .expect(201);
    const applicationId = submitted.body.applicationId as string;
    for (const stage of ['district-preliminary', 'city-re-review', 'expert-review'])
      await reviewer.post(`/api/applications/${applicationId}/reviews`, { stage, outcome: 'pass' }).expect(201);
    const approver = await as('approver-1', 'approver');
    await approver.post('/api/notices', { programmeId: 'baoding-data-voucher', applicationIds: [applicationId], opensOn: '2025-06-03' }).expect(201);
    now = new Date('2025-06-11T02:00:00.000Z');
    const decision = await approver
      .post('/api/decisions', {
        reference: '党组会议2025-7',
        decidedOn: '2025-06-11',
        body: '保定市数据局党组',
        kind: 'collective',
        awards: [{ applicationId, amount: '300000.00' }],
      })
      .expect(201);
    await approver.post(`/api/applications/${applicationId}/approval`, { decisionRef: decision.body.decisionId }).expect(201);
    const maker = await as('finance-1', 'finance');
    const due = await maker.get('/api/awards/awaiting-payment').expect(200);
    expect(due.body).toEqual([
      expect.objectContaining({
        applicationId,
        enterpriseName: '保定数据要素有限公司',
        approvedBy: 'approver-1',
        award: '300000.00',
        paid: '0.00',
        pending: '0.00',
        unpaid: '300000.00',
      }),
    ]);
    const recorded = await maker.post(`/api/applications/${applicationId}/disbursements`, { amount: '300000.00', paymentRef: 'PAY-C-1', paidOn: '2025-06-11' }).expect(201);
    const disbursementId = recorded.body.disbursementId as string;

    const pending = await maker.get('/api/disbursements?status=recorded').expect(200);
    expect(pending.body).toEqual([
      expect.objectContaining({
        disbursementId,
        applicationId,
        uscc,
        enterpriseName: '保定数据要素有限公司',
        amount: '300000.00',
        status: 'recorded',
        recordedBy: 'finance-1',
        approvedBy: 'approver-1',
        award: '300000.00',
        decisionRef: '党组会议2025-7',
      }),
    ]);
    // Recorded, not yet checked: nothing left to record for this award.
    expect((await maker.get('/api/awards/awaiting-payment').expect(200)).body).toEqual([]);
    await (await as('finance-2', 'finance')).post(`/api/disbursements/${disbursementId}/confirmation`).expect(201);
    const breakdown = await (await as('supervisor-1', 'supervisor')).get('/api/budgets/baoding-data-voucher/2025/breakdown').expect(200);
    expect(breakdown.body.months.at(-1)).toEqual({ month: '2025-06', committed: '300000.00', paid: '300000.00' });
    expect(breakdown.body.districts).toEqual([{ district: '莲池区', committed: '300000.00', applications: 1 }]);
    const before = await (
      await as('supervisor-1', 'supervisor')
    )
      .get(`/api/budgets/baoding-data-voucher/2025/breakdown?asOf=${encodeURIComponent('2025-06-05T23:59:59+08:00')}`)
      .expect(200);
    expect(before.body.districts).toEqual([]);
    expect(before.body.months.every((m: { committed: string }) => m.committed === '0.00')).toBe(true);
    await (await as('supervisor-1', 'supervisor')).get('/api/budgets/baoding-data-voucher/2025/breakdown?asOf=yesterday').expect(400);
    expect((await maker.get('/api/disbursements?status=recorded').expect(200)).body).toEqual([]);
    expect((await maker.get('/api/disbursements?status=confirmed&latest=1').expect(200)).body).toEqual([expect.objectContaining({ disbursementId, status: 'confirmed' })]);
    const confirmed = await maker.get(`/api/disbursements/${disbursementId}`).expect(200);
    expect(confirmed.body).toEqual(expect.objectContaining({ status: 'confirmed', checkedBy: 'finance-2', paymentRef: 'PAY-C-1', paidOn: '2025-06-11' }));

    const ordered = await approver.post(`/api/applications/${applicationId}/clawbacks`, { amount: '100000.00', reason: '发票不实' }).expect(201);
    await maker.post(`/api/clawbacks/${ordered.body.clawbackId as string}/recoveries`, { amount: '40000.00', receivedOn: '2025-06-11', receiptRef: 'RCV-1' }).expect(201);
    const owed = await maker.get('/api/clawbacks').expect(200);
    expect(owed.body).toEqual([
      expect.objectContaining({ applicationId, amount: '100000.00', recovered: '40000.00', outstanding: '60000.00', orderedBy: 'approver-1', writtenOff: false }),
    ]);

    const supervisor = await as('supervisor-1', 'supervisor');
    expect((await supervisor.get(`/api/enterprises?q=${encodeURIComponent('数据要素')}`).expect(200)).body).toEqual([
      { uscc, name: '保定数据要素有限公司', city: 'baoding', district: '莲池区', tags: [], flags: [] },
    ]);
    expect((await supervisor.get(`/api/enterprises?q=${uscc.slice(0, 10)}`).expect(200)).body.map((e: { uscc: string }) => e.uscc)).toContain(uscc);
    await supervisor.get('/api/enterprises?q=').expect(400);
    await supervisor.get(`/api/enterprises/${usccFor(7702)}`).expect(404);

    const timeline = await (await as('auditor-1', 'auditor')).get(`/api/applications/${applicationId}/timeline`).expect(200);
    const types = timeline.body.map((e: { type: string }) => e.type);
    expect(types).toEqual(
      expect.arrayContaining([
        'ApplicationSubmitted',
        'StageReviewed',
        'ApplicationNoticed',
        'AwardApproved',
        'DisbursementRecorded',
        'DisbursementConfirmed',
        'ClawbackOrdered',
        'RecoveryRecorded',
      ]),
    );
    const approval = timeline.body.find((e: { type: string }) => e.type === 'AwardApproved');
    expect(approval).toEqual(expect.objectContaining({ actorId: 'approver-1', actorRole: 'approver', data: expect.objectContaining({ award: '300000.00' }) }));
    expect(approval.hash).toMatch(/^[0-9a-f]{64}$/);
    const positions = timeline.body.map((e: { position: string }) => BigInt(e.position));
    expect([...positions].sort((a, b) => (a < b ? -1 : 1))).toEqual(positions);
  });

  it('keeps the work lists to the roles that use them, and refuses bad filters with a 400', async () => {
    await (await as('reviewer-1', 'reviewer')).get('/api/disbursements').expect(403);
    await request(app.getHttpServer()).get('/api/clawbacks').expect(401);
    await (await as('finance-1', 'finance')).get('/api/disbursements?status=paid').expect(400);
    await (await as('finance-1', 'finance')).get('/api/disbursements?latest=0').expect(400);
    await (await as('finance-1', 'finance')).get('/api/disbursements?latest=501').expect(400);
    await (await as('finance-1', 'finance')).get('/api/clawbacks?outstanding=maybe').expect(400);
    await (await as('auditor-1', 'auditor')).get('/api/applications/no-such-application/timeline').expect(404);
  });
});

describe('one-time sign-in links', () => {
  it('exist only on a local trial: the embedded store, no configured secret, not production', () => {
    const trial = loadLedgerConfig({ LEDGER_SQLITE_PATH: '/tmp/x/ledger.db' });
    expect(signInLinksAllowed(trial, {})).toBe(true);
    expect(signInLinksAllowed(trial, { NODE_ENV: 'production' })).toBe(false);
    expect(signInLinksAllowed(loadLedgerConfig({ LEDGER_SQLITE_PATH: '/tmp/x/ledger.db', LEDGER_JWT_SECRET: secret }), {})).toBe(false);
    expect(signInLinksAllowed(loadLedgerConfig({ LEDGER_STORE: 'postgres', DATABASE_URL: 'postgres://localhost/x' }), {})).toBe(false);
  });

  it('sign in once, as the local administrator, and not after they expire', async () => {
    let nowMs = 1_000_000;
    const links = new SignInLinks(true, secret, () => nowMs);
    const code = links.issue()!;
    expect(await links.redeem('AAAA')).toBeNull();
    const signedIn = await links.redeem(code);
    expect(signedIn).toEqual(expect.objectContaining({ sub: 'local-admin', roles: ['admin', 'reviewer', 'approver', 'finance', 'auditor', 'supervisor'] }));
    expect(await links.redeem(code)).toBeNull();
    const later = links.issue()!;
    nowMs += signInLinkLifetimeMs + 1;
    expect(await links.redeem(later)).toBeNull();
    expect(new SignInLinks(false, secret).issue()).toBeNull();
  });

  it('gives a token no longer-lived than LEDGER_TOKEN_MAX_LIFETIME allows', async () => {
    const lifetimeOf = async (links: SignInLinks) => {
      const { exp, iat } = decodeJwt((await links.redeem(links.issue()!))!.token);
      return exp! - iat!;
    };
    expect(await lifetimeOf(new SignInLinks(true, secret))).toBe(8 * 3600);
    expect(await lifetimeOf(new SignInLinks(true, secret, Date.now, 3600))).toBe(3600);
  });

  it('exchanges the link for a token the API accepts, over HTTP', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ledger-console-trial-'));
    const app = await startApp(dir, {}, () => new Date());
    try {
      // The first request starts the server listening, which issues (and prints) the start's link; this one replaces it.
      await request(app.getHttpServer()).get('/health');
      const code = app.get<SignInLinks>(SIGN_IN_LINKS).issue()!;
      const signedIn = await request(app.getHttpServer()).post('/api/console/sign-in').send({ code }).expect(200);
      await request(app.getHttpServer())
        .get('/api/approval-queue')
        .set('Authorization', `Bearer ${signedIn.body.token as string}`)
        .expect(200);
      const again = await request(app.getHttpServer()).post('/api/console/sign-in').send({ code }).expect(401);
      expect(again.body.code).toBe('UNAUTHENTICATED');
    } finally {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
