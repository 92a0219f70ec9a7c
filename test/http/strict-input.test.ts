// Strict input: timestamps only as well-formed ISO 8601 instants with a zone, names without control,
// bidi-override or zero-width characters and not blank-looking, tags from the known set, and unknown
// enterprises a 404 on their history. Checked through HTTP (the DTOs) and through the ledger's own
// parser (what the CLI and every other caller goes through).
import request from 'supertest';
import { mintToken } from '../../src/auth/tokens.js';
import * as read from '../../src/shared/parse.js';
import { DomainError } from '../../src/shared/errors.js';
import { usccFor } from '../support/world.js';
import { secret, startListening, type Started } from './hardening-support.js';

const impossibleInstants = [
  '2025-02-30T00:00:00Z',
  'Mon, 01 Jan 2025 00:00:00 GMT',
  '2025-07-01T24:00:00Z',
  '2025-07-01T09:30:00',
  '2025-07-01',
  '1735689600000',
  '2025-07-01T09:30:00+25:00',
];
const unreadableNames = ['\u202Egnp.exe', 'a\u200Bb', '\u3164', '\u200B', '   ', '\u3000\u3000', 'name\u0007', 'line\nbreak', '\u2066isolated\u2069', '\uFEFFbom'];

function fieldOf(call: () => unknown): string | null {
  try {
    call();
    return null;
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return error.details['field'] ?? null;
  }
}

describe('the ledger parser', () => {
  it('accepts only ISO 8601 instants with a zone', () => {
    for (const value of impossibleInstants) expect(fieldOf(() => read.instant(value, 'checkedAt'))).toBe('checkedAt');
    expect(read.instant('2025-07-01T09:30:00+08:00', 'checkedAt')).toBe('2025-07-01T09:30:00+08:00');
    expect(read.instant('2024-02-29T23:59:59.123Z', 'checkedAt')).toBe('2024-02-29T23:59:59.123Z');
  });

  it('refuses unreadable names and keeps readable ones', () => {
    for (const value of unreadableNames) expect(fieldOf(() => read.name(value, 'name', 200))).toBe('name');
    for (const value of ['保定某数据科技有限公司', 'Acme Data Co., Ltd.', 'Société Générale', '한국 데이터']) expect(read.name(value, 'name', 200)).toBe(value);
  });
});

describe('strict input over HTTP', () => {
  let started: Started;
  let admin: string;
  const server = () => started.app.getHttpServer();
  let key = 0;
  const post = (path: string, body: object) =>
    request(server())
      .post(path)
      .set('Authorization', admin)
      .set('Idempotency-Key', `strict-${(key += 1)}`)
      .send(body);

  beforeAll(async () => {
    started = await startListening();
    admin = `Bearer ${await mintToken(secret, { sub: 'admin-1', roles: ['admin'] })}`;
    await post('/api/enterprises', { uscc: usccFor(1), name: '保定某数据科技有限公司', city: 'baoding', tags: ['unicorn'] }).expect(201);
  });
  afterAll(async () => started.close());

  it('refuses checkedAt unless it is an ISO 8601 instant with a zone', async () => {
    for (const checkedAt of impossibleInstants) {
      const response = await post(`/api/enterprises/${usccFor(1)}/flags`, { list: 'major-tax-violation', source: '信用中国', since: '2025-01-01', checkedAt });
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ code: 'VALIDATION_FAILED', field: 'checkedAt' });
    }
    await post(`/api/enterprises/${usccFor(1)}/flags`, { list: 'major-tax-violation', source: '信用中国', since: '2025-01-01', checkedAt: '2025-07-01T09:30:00+08:00' }).expect(
      201,
    );
  });

  it('refuses names with control, bidi-override or zero-width characters, or that look blank', async () => {
    for (const [i, name] of unreadableNames.entries()) {
      const response = await post('/api/enterprises', { uscc: usccFor(10 + i), name, city: 'baoding' });
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ code: 'VALIDATION_FAILED', field: 'name' });
    }
    const district = await post('/api/enterprises', { uscc: usccFor(30), name: '正常名称有限公司', city: 'baoding', district: '竞秀\u200D区' });
    expect(district.body).toMatchObject({ code: 'VALIDATION_FAILED', field: 'district' });
    const source = await post(`/api/enterprises/${usccFor(1)}/flags`, { list: 'major-tax-violation', source: '\u202E国中用信', since: '2025-01-01' });
    expect(source.body).toMatchObject({ code: 'VALIDATION_FAILED', field: 'source' });
  });

  it('takes tags from the known set only', async () => {
    for (const tags of [['vip'], ['unicorn\u200B'], ['Unicorn']]) {
      const response = await post('/api/enterprises', { uscc: usccFor(40), name: '标签测试有限公司', city: 'baoding', tags });
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ code: 'VALIDATION_FAILED', field: 'tags' });
    }
    await post('/api/enterprises', { uscc: usccFor(40), name: '标签测试有限公司', city: 'baoding', tags: ['hidden-champion'] }).expect(201);
  });

  it('answers the history of an unknown enterprise 404, as that of an unknown application', async () => {
    const unknown = await request(server())
      .get(`/api/enterprises/${usccFor(99)}/history`)
      .set('Authorization', admin);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ code: 'NOT_FOUND', id: usccFor(99) });
    const known = await request(server())
      .get(`/api/enterprises/${usccFor(1)}/history`)
      .set('Authorization', admin)
      .expect(200);
    expect(known.body.map((entry: { type: string }) => entry.type)).toContain('EnterpriseRegistered');
  });
});
