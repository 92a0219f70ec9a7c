// Programmes through the API (SPEC §2, §7): an administrator publishes a programme and new versions of
// it, each in force from its day; readers see every version; recognition awards are applied for with
// the recognition, not invoices, once per platform and level.
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { AppModule } from '../../src/app.module.js';
import { mintToken } from '../../src/auth/tokens.js';
import { configureApp, ledgerHttpAdapter } from '../../src/bootstrap.js';
import type { Role } from '../../src/commands/runner.js';
import { loadLedgerConfig } from '../../src/config.js';
import { CLOCK } from '../../src/http/api.controller.js';
import { builtInProgrammes } from '../../src/programmes/definitions.js';

const secret = 'a-programmes-test-secret-that-is-long-enough';
const voucher = builtInProgrammes.find((p) => p.id === 'baoding-data-voucher')!;
const { version: _version, ...voucherBody } = voucher;

describe('programmes over HTTP', () => {
  let dir: string;
  let app: NestFastifyApplication;
  let now = new Date('2026-03-02T02:00:00.000Z');
  let keySequence = 0;

  const as = async (sub: string, role: Role) => {
    const bearer = `Bearer ${await mintToken(secret, { sub, roles: [role] })}`;
    return {
      post: (path: string, body: unknown) =>
        request(app.getHttpServer())
          .post(path)
          .set('Authorization', bearer)
          .set('Idempotency-Key', `k-${(keySequence += 1)}`)
          .send(body as object),
      get: (path: string) => request(app.getHttpServer()).get(path).set('Authorization', bearer),
    };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-programmes-'));
    const config = loadLedgerConfig({ LEDGER_SQLITE_PATH: join(dir, 'ledger.db'), LEDGER_JWT_SECRET: secret });
    const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config)] })
      .overrideProvider(CLOCK)
      .useValue(() => now)
      .compile();
    app = await configureApp(moduleRef.createNestApplication<NestFastifyApplication>(ledgerHttpAdapter({ logger: false }), { logger: false }));
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('publishes a new programme at version 1, refuses it twice, and shows it to readers', async () => {
    const admin = await as('admin-1', 'admin');
    const pilot = { ...voucherBody, id: 'baoding-pilot-voucher', name: { zh: '试点券', en: 'Pilot voucher' } };
    const published = await admin.post('/api/programmes', { definition: pilot }).expect(201);
    expect(published.body).toMatchObject({ programmeId: 'baoding-pilot-voucher', version: 1, effectiveOn: '2025-02-17', position: expect.stringMatching(/^[0-9]+$/) });
    const again = await admin.post('/api/programmes', { definition: pilot }).expect(409);
    expect(again.body).toMatchObject({ code: 'ALREADY_EXISTS', programmeId: 'baoding-pilot-voucher' });

    const auditor = await as('auditor-1', 'auditor');
    const read = await auditor.get(`/api/programmes/baoding-pilot-voucher?minPosition=${published.body.position}`).expect(200);
    expect(read.body).toMatchObject({ id: 'baoding-pilot-voucher', version: 1, versionInForce: 1, versions: [{ version: 1, effectiveOn: '2025-02-17' }] });
  });

  it('refuses a definition out of shape with the field named, and a non-administrator, writing nothing', async () => {
    const admin = await as('admin-1', 'admin');
    const bad = await admin.post('/api/programmes', { definition: { ...voucherBody, id: 'baoding-bad', rule: { ...voucher.rule, rate: 0.3 } } }).expect(400);
    expect(bad.body).toMatchObject({ code: 'VALIDATION_FAILED', field: 'definition.rule.rate' });
    const notAnObject = await admin.post('/api/programmes', { definition: 'baoding' }).expect(400);
    expect(notAnObject.body).toMatchObject({ code: 'VALIDATION_FAILED' });
    const reviewer = await as('reviewer-1', 'reviewer');
    await reviewer.post('/api/programmes', { definition: { ...voucherBody, id: 'baoding-other' } }).expect(403);
    await (await as('auditor-1', 'auditor')).get('/api/programmes/baoding-bad').expect(404);
    await (await as('auditor-1', 'auditor')).get('/api/programmes/baoding-other').expect(404);
  });

  it('publishes the next version in force from a stated day; a day before today is RETROACTIVE_VERSION', async () => {
    const admin = await as('admin-1', 'admin');
    const lower = { ...voucherBody, rule: { ...voucher.rule, rate: '0.25' } };
    const retro = await admin.post(`/api/programmes/${voucher.id}/versions`, { effectiveOn: '2026-03-01', definition: lower }).expect(422);
    expect(retro.body).toMatchObject({ code: 'RETROACTIVE_VERSION', effectiveOn: '2026-03-01', earliest: '2026-03-02' });
    const wrongId = await admin.post(`/api/programmes/${voucher.id}/versions`, { effectiveOn: '2026-07-01', definition: { ...lower, id: 'wuhan-data-product' } }).expect(400);
    expect(wrongId.body).toMatchObject({ code: 'VALIDATION_FAILED', field: 'definition.id' });
    const { id: _id, ...withoutId } = lower;
    await admin.post('/api/programmes/no-such-programme/versions', { effectiveOn: '2026-07-01', definition: withoutId }).expect(404);

    const amended = await admin.post(`/api/programmes/${voucher.id}/versions`, { effectiveOn: '2026-07-01', definition: lower }).expect(201);
    expect(amended.body).toMatchObject({ programmeId: voucher.id, version: 2, effectiveOn: '2026-07-01' });
    const auditor = await as('auditor-1', 'auditor');
    const before = await auditor.get(`/api/programmes/${voucher.id}?minPosition=${amended.body.position}`).expect(200);
    expect(before.body).toMatchObject({
      versionInForce: 1,
      versions: [
        { version: 1, effectiveOn: '2025-02-17' },
        { version: 2, effectiveOn: '2026-07-01' },
      ],
    });
    expect(before.body.versions[1].definition.rule.rate).toBe('0.25');
    now = new Date('2026-07-01T02:00:00.000Z');
    expect((await auditor.get(`/api/programmes/${voucher.id}`).expect(200)).body.versionInForce).toBe(2);
  });
});
