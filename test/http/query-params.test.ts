// Query parameters are DTOs like bodies: each in its format, unknown ones refused, every refusal a
// VALIDATION_FAILED problem naming the parameter; `asOf` takes a position, an instant or a date.
import type { Role } from '../../src/commands/runner.js';
import { callers, startTestApp, type TestApp } from '../support/http-app.js';

const secret = 'a-query-test-secret-that-is-long-enough';

describe('query parameters', () => {
  let started: TestApp;
  const now = new Date('2025-06-03T02:00:00.000Z');
  const as = callers(() => started.app, secret);
  const get = async (path: string, role: Role = 'auditor') => (await as(`q-${role}`, role)).get(path);

  beforeAll(async () => {
    started = await startTestApp({ secret, prefix: 'ledger-query-', clock: () => now });
  });

  afterAll(async () => {
    await started.close();
  });

  it.each([
    ['/api/programmes?minPosition=abc', 'minPosition'],
    ['/api/programmes?page=2', 'page'],
    ['/api/programmes/baoding-data-voucher?minPosition=-1', 'minPosition'],
    ['/api/applications?fiscalYear=twenty', 'fiscalYear'],
    ['/api/applications?fiscalYear=1999', 'fiscalYear'],
    ['/api/applications?status=paid', 'status'],
    ['/api/applications?uscc=123', 'uscc'],
    ['/api/applications?limit=0', 'limit'],
    ['/api/applications?limit=1&limit=2', 'limit'],
    ['/api/applications?programme=baoding-data-voucher', 'programme'],
    ['/api/applications/A/history?verbose=1', 'verbose'],
    ['/api/approval-queue?programmeId=%20', 'programmeId'],
    ['/api/budgets/baoding-data-voucher/2025?asOf=2026-02-30', 'asOf'],
    ['/api/budgets/baoding-data-voucher/2025?asOf=2025-07-01T24:00:00Z', 'asOf'],
    ['/api/budgets/baoding-data-voucher/2025?asOf=2025-07-01T10:00:00', 'asOf'],
    ['/api/budgets/baoding-data-voucher/2025?asOf=yesterday', 'asOf'],
    ['/api/budgets/baoding-data-voucher/2025?asOf=', 'asOf'],
    ['/api/budgets/baoding-data-voucher/2025?as_of=2025-07-01', 'as_of'],
    ['/api/budgets/baoding-data-voucher/20x5', 'year'],
    ['/api/enterprises/91130600000000501X/totals?year=twenty', 'year'],
    ['/api/enterprises/91130600000000501X/totals?asOf=2025-13-01', 'asOf'],
    ['/api/enterprises/91130600000000501X/history?year=2025', 'year'],
    ['/api/audit/events?fromPosition=-1', 'fromPosition'],
    ['/api/audit/events?limit=0', 'limit'],
    ['/api/audit/events?format=pdf', 'format'],
    ['/api/audit/events?view=all', 'view'],
    ['/api/audit/events?fromPosition=99999999999999999999', 'fromPosition'],
    ['/api/budgets/baoding-data-voucher/2025/breakdown?asOf=2025-02-29', 'asOf'],
    ['/api/disbursements?status=paid', 'status'],
    ['/api/clawbacks?outstanding=yes', 'outstanding'],
    ['/api/enterprises?q=%20%20', 'q'],
    ['/api/enterprises', 'q'],
  ])('GET %s is a 400 VALIDATION_FAILED naming %s', async (path, field) => {
    const role: Role = path.startsWith('/api/approval-queue') ? 'approver' : 'auditor';
    const response = await get(path, role);
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ code: 'VALIDATION_FAILED', field });
  });

  it('accepts every documented parameter in its format', async () => {
    for (const path of [
      '/api/programmes?minPosition=1',
      '/api/applications?programmeId=baoding-data-voucher&fiscalYear=2025&status=in_notice&uscc=91130600000000501X&district=%E7%AB%9E%E7%A7%80%E5%8C%BA&limit=10&offset=0',
      '/api/budgets/baoding-data-voucher/2025?asOf=2025-06-03',
      '/api/budgets/baoding-data-voucher/2025?asOf=2025-06-03T10:00:00.5%2B08:00&minPosition=1',
      '/api/budgets/baoding-data-voucher/2025?asOf=3',
      '/api/enterprises/91130600000000501X/totals?year=2025&asOf=2024-02-29',
      '/api/audit/events?fromPosition=1&limit=2&format=csv&view=events',
      '/api/budgets/baoding-data-voucher/2025/breakdown?asOf=2025-06-03T23%3A59%3A59.999%2B08%3A00',
      '/api/disbursements?status=recorded',
      '/api/clawbacks?outstanding=false',
      '/api/enterprises?q=%E6%99%BA%E4%BA%91',
      // The console sends minPosition on every read after a write, its work lists included.
      '/api/disbursements?status=recorded&latest=50&minPosition=1',
      '/api/clawbacks?minPosition=1',
      '/api/enterprises?q=%E6%99%BA&minPosition=1',
      '/api/budgets/baoding-data-voucher/2025/breakdown?minPosition=1',
    ]) {
      const response = await get(path);
      expect([path, response.status]).toEqual([path, 200]);
    }
  });

  it('reads ?asOf=DATE as the end of that day in Asia/Shanghai', async () => {
    await (await as('q-admin', 'admin')).post('/api/programmes/baoding-rnd-project/budgets', { year: 2025, amount: '1000000.00' }).expect(201);
    // Recorded at 10:00 in Shanghai on 3 June.
    const sameDay = await get('/api/budgets/baoding-rnd-project/2025?asOf=2025-06-03');
    expect(sameDay.status).toBe(200);
    expect(sameDay.body).toMatchObject({ budget: '1000000.00' });
    const dayBefore = await get('/api/budgets/baoding-rnd-project/2025?asOf=2025-06-02');
    expect(dayBefore.body.budget).not.toBe('1000000.00');
    const hourBefore = await get(`/api/budgets/baoding-rnd-project/2025?asOf=${encodeURIComponent('2025-06-03T09:00:00+08:00')}`);
    expect(hourBefore.body.budget).not.toBe('1000000.00');
  });
});
