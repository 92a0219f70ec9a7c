// The audit endpoints over HTTP: exports in both views and formats, read back with the libraries, and
// verify with saved checkpoints.
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { AppModule } from '../../src/app.module.js';
import { mintToken } from '../../src/auth/tokens.js';
import { checkpointsOf } from '../../src/audit/checkpoints.js';
import { configureApp, ledgerHttpAdapter } from '../../src/bootstrap.js';
import { openLedgerCommands } from '../../src/commands/ledger-commands.js';
import { loadLedgerConfig } from '../../src/config.js';
import { EVENT_STORE, type EventStore } from '../../src/event-store/event-store.js';
import { digestToJson } from '../../src/event-store/hash-chain.js';
import { generateSynthetic } from '../../src/synthetic/generator.js';
import { collect } from '../support/events.js';
import { appendFormulaHistory, formulaApplicationId, formulas } from '../support/formula-history.js';
import type { KeyObject } from 'node:crypto';
import { SIGNING_KEY } from '../../src/audit/audit.module.js';
import { Checkpointer } from '../../src/audit/checkpointer.js';
import { publicKeyPemOf, readPublicKey, verifySignedDigest } from '../../src/audit/signing.js';
import type { SignedDigestJson } from '../../src/event-store/hash-chain.js';

const secret = 'a-test-secret-that-is-long-enough-for-hs256';

describe('audit endpoints', () => {
  let dir: string;
  let app: NestFastifyApplication;
  let bearer: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-audit-http-'));
    const config = loadLedgerConfig({ LEDGER_SQLITE_PATH: join(dir, 'ledger.db'), LEDGER_JWT_SECRET: secret });
    const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config)] }).compile();
    app = await configureApp(moduleRef.createNestApplication<NestFastifyApplication>(ledgerHttpAdapter({ logger: false }), { logger: false }));
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    await generateSynthetic((await openLedgerCommands(app.get<EventStore>(EVENT_STORE))).commands, { applications: 20, seed: 4 });
    await appendFormulaHistory(app.get<EventStore>(EVENT_STORE));
    bearer = `Bearer ${await mintToken(secret, { sub: 'auditor-1', roles: ['auditor'] })}`;
  });

  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const get = (path: string) => request(app.getHttpServer()).get(path).set('Authorization', bearer);

  it('exports the business view as CSV by default, and the raw log on request', async () => {
    const business = await get('/api/audit/events?format=csv').expect(200);
    expect(business.headers['content-disposition']).toContain('ledger-business.csv');
    const rows = parse(business.text, { bom: true }) as string[][];
    expect(rows[0]![7]).toBe('企业名称');
    expect(rows.slice(1).every((row) => row[13] !== 'CommandProcessed')).toBe(true);
    const ours = rows.filter((row) => row[4] === formulaApplicationId);
    expect(ours[0]![7]).toBe(`'${formulas.name}`);
    expect(ours[0]![11]).toBe(`'${formulas.actorId}`);
    expect(ours.some((row) => row[10] === `'${formulas.reason}`)).toBe(true);
    const events = await get('/api/audit/events?format=csv&view=events&limit=5').expect(200);
    expect((parse(events.text, { bom: true }) as string[][]).map((row) => row[0])).toEqual(['position', '1', '2', '3', '4', '5']);
    const allEvents = parse((await get('/api/audit/events?format=csv&view=events').expect(200)).text, { bom: true }) as string[][];
    expect(allEvents.find((row) => row[2] === 'ApplicationRejected' && row[8] === formulaApplicationId)?.[11]).toBe(`'${formulas.reason}`);
    expect((await get('/api/audit/events?format=csv&view=pivot').expect(400)).body).toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('exports .xlsx with typed cells', async () => {
    const response = await get('/api/audit/events?format=xlsx')
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(response.headers['content-type']).toContain('spreadsheetml');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(response.body as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    const approved = sheet.getRows(2, sheet.rowCount - 1)!.find((row) => row.getCell(14).value === 'AwardApproved')!;
    expect(approved.getCell(9).type).toBe(ExcelJS.ValueType.Number);
    expect(approved.getCell(2).type).toBe(ExcelJS.ValueType.Date);
    expect(approved.getCell(8).value).toMatch(/^合成企业[0-9]+有限公司$/);
    const rows: ExcelJS.Row[] = [];
    sheet.eachRow((row) => rows.push(row));
    const ours = rows.filter((row) => row.getCell(5).value === formulaApplicationId);
    expect(ours[0]!.getCell(8).value).toBe(formulas.name);
    expect(ours[0]!.getCell(8).type).toBe(ExcelJS.ValueType.String);
    expect(ours.some((row) => row.getCell(11).value === formulas.reason)).toBe(true);
    for (const row of rows) row.eachCell((cell) => expect(cell.type).not.toBe(ExcelJS.ValueType.Formula));
  });

  it('verifies against saved checkpoints, and reports what no checkpoint anchors', async () => {
    const store = app.get<EventStore>(EVENT_STORE);
    const saved = (await collect(checkpointsOf(store, 100))).map((digest) => digestToJson(digest));
    const post = (body: unknown) =>
      request(app.getHttpServer())
        .post('/api/audit/verify')
        .set('Authorization', bearer)
        .send(body as object);
    const all = await post({ digest: saved }).expect(200);
    expect(all.body.log).toMatchObject({ ok: true, digestChecked: true, unanchoredEvents: 0, anchoredThrough: saved[saved.length - 1]!.position });
    const some = await post({ digest: saved.slice(0, 1) }).expect(200);
    expect(some.body.log.unanchoredEvents).toBe(Number(saved[saved.length - 1]!.position) - 100);
    expect((await post({ digest: [] }).expect(400)).body).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect((await post({ digest: [saved[0], { position: 'x' }] }).expect(400)).body).toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('hands out signed digests, and verifies with the public key against them and the checkpoints the service signed, checking every MAC', async () => {
    const store = app.get<EventStore>(EVENT_STORE);
    const signed = (await get('/api/audit/digest').expect(200)).body as SignedDigestJson;
    const publicKey = publicKeyPemOf(app.get<KeyObject>(SIGNING_KEY));
    expect(verifySignedDigest(signed, readPublicKey(publicKey, 'test'))).toEqual(await store.digest());
    // The service anchors what was written: one checkpoint, made now rather than in T seconds.
    const checkpoint = await app.get(Checkpointer).checkpoint();
    expect(checkpoint?.position ?? (await store.checkpoints?.last())?.position).toBe((await store.headPosition()).toString());
    const post = (body: object) => request(app.getHttpServer()).post('/api/audit/verify').set('Authorization', bearer).send(body);
    const verified = await post({ digest: [signed], publicKey }).expect(200);
    expect(verified.body.log).toMatchObject({ ok: true, macChecked: true, unkeyedEvents: 0, unanchoredEvents: 0, storedCheckpointsRejected: 0 });
    expect(verified.body.log.storedCheckpointsChecked).toBeGreaterThanOrEqual(1);
    expect((await post({ digest: [{ ...signed, hash: 'f'.repeat(64) }], publicKey }).expect(400)).body).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect((await post({ publicKey: 'not a key' }).expect(400)).body).toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});
