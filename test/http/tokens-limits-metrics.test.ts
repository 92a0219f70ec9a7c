// Bounded tokens (exp and iat required, a maximum lifetime, no iat in the future, revocation by an
// administrator recorded in the log), limits on strangers by address before authentication with the
// RateLimit-* headers, and /metrics that publishes no budget to anyone without the scrape token.
import { SignJWT } from 'jose';
import request from 'supertest';
import { mintToken } from '../../src/auth/tokens.js';
import { EVENT_STORE, type EventStore } from '../../src/event-store/event-store.js';
import { createMetrics } from '../../src/http/metrics.js';
import type { BudgetView } from '../../src/projections/queries.js';
import type { ReadSide } from '../../src/projections/read-side.js';
import { secret, startListening, type Started } from './hardening-support.js';

const key = new TextEncoder().encode(secret);

/** A token signed with the deployment's secret, with exactly the claims given. */
async function signed(claims: { sub?: string; roles?: string[]; iat?: number; exp?: number }): Promise<string> {
  const { sub, iat, exp, ...rest } = claims;
  let jwt = new SignJWT(rest).setProtectedHeader({ alg: 'HS256', typ: 'JWT' });
  if (sub !== undefined) jwt = jwt.setSubject(sub);
  if (iat !== undefined) jwt = jwt.setIssuedAt(iat);
  if (exp !== undefined) jwt = jwt.setExpirationTime(exp);
  return jwt.sign(key);
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

describe('tokens', () => {
  let started: Started;
  const server = () => started.app.getHttpServer();
  const read = (token: string) => request(server()).get('/api/programmes').set('Authorization', `Bearer ${token}`);

  beforeAll(async () => {
    started = await startListening({ LEDGER_TOKEN_MAX_LIFETIME: '3600' });
  });
  afterAll(async () => started.close());

  it('requires exp and iat, a lifetime within LEDGER_TOKEN_MAX_LIFETIME, and no iat in the future beyond the skew', async () => {
    const now = nowSeconds();
    await read(await signed({ sub: 'u-1', roles: ['auditor'], iat: now, exp: now + 3600 })).expect(200);
    await read(await signed({ sub: 'u-1', roles: ['auditor'], iat: now + 30, exp: now + 600 })).expect(200);
    for (const claims of [
      { sub: 'u-1', roles: ['auditor'], iat: now },
      { sub: 'u-1', roles: ['auditor'], exp: now + 600 },
      { sub: 'u-1', roles: ['auditor'], iat: now, exp: now + 3601 },
      { sub: 'u-1', roles: ['auditor'], iat: now + 600, exp: now + 1200 },
      { sub: 'u-1', roles: ['auditor'], iat: now - 7200, exp: now - 3700 },
    ]) {
      const response = await read(await signed(claims));
      expect(response.status).toBe(401);
      expect(response.body).toMatchObject({ code: 'UNAUTHENTICATED' });
      expect(response.headers['www-authenticate']).toContain('invalid_token');
    }
  });

  it("revokes a user's tokens issued before an instant, recorded as an event by an administrator", async () => {
    const admin = await mintToken(secret, { sub: 'admin-1', roles: ['admin'] }, '1h');
    const old = await signed({ sub: 'reviewer-7', roles: ['reviewer'], iat: nowSeconds() - 120, exp: nowSeconds() + 600 });
    const other = await signed({ sub: 'reviewer-8', roles: ['reviewer'], iat: nowSeconds() - 120, exp: nowSeconds() + 600 });
    await read(old).expect(200);
    const notAdmin = await request(server())
      .post('/api/admin/token-revocations')
      .set('Authorization', `Bearer ${old}`)
      .set('Idempotency-Key', 'rev-0')
      .send({ userId: 'reviewer-7', reason: 'laptop lost' });
    expect(notAdmin.body).toMatchObject({ code: 'FORBIDDEN' });
    const issuedBefore = new Date((nowSeconds() - 60) * 1000).toISOString();
    const revoke = () =>
      request(server())
        .post('/api/admin/token-revocations')
        .set('Authorization', `Bearer ${admin}`)
        .set('Idempotency-Key', 'rev-1')
        .send({ userId: 'reviewer-7', issuedBefore, reason: 'laptop lost' });
    const first = await revoke().expect(201);
    expect(first.body).toMatchObject({ userId: 'reviewer-7', issuedBefore });
    expect((await revoke().expect(201)).body).toEqual(first.body);
    const refused = await read(old);
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ code: 'UNAUTHENTICATED', detail: expect.stringContaining('revoked') });
    await read(other).expect(200);
    await read(await signed({ sub: 'reviewer-7', roles: ['reviewer'], iat: nowSeconds(), exp: nowSeconds() + 600 })).expect(200);
    const events = await started.app.get<EventStore>(EVENT_STORE).readStream('token-revocations');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'TokensRevoked', data: { userId: 'reviewer-7', issuedBefore, reason: 'laptop lost' }, metadata: { actorId: 'admin-1' } });
    const future = await request(server())
      .post('/api/admin/token-revocations')
      .set('Authorization', `Bearer ${admin}`)
      .set('Idempotency-Key', 'rev-2')
      .send({ userId: 'reviewer-7', issuedBefore: '2999-01-01T00:00:00Z', reason: 'x' });
    expect(future.body).toMatchObject({ code: 'VALIDATION_FAILED', field: 'issuedBefore' });
  });
});

describe('limits for strangers', () => {
  let started: Started;
  const server = () => started.app.getHttpServer();

  beforeAll(async () => {
    started = await startListening({ LEDGER_RATE_LIMIT_ANONYMOUS: '5', LEDGER_RATE_LIMIT: '100' });
  });
  afterAll(async () => started.close());

  it('limits requests without a valid token by address, before authentication, with RateLimit-* headers, and lets valid users through', async () => {
    const valid = await mintToken(secret, { sub: 'auditor-1', roles: ['auditor'] });
    await request(server()).get('/api/programmes').set('Authorization', `Bearer ${valid}`).expect(200);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await request(server()).get('/api/programmes')).status);
    for (let i = 0; i < 2; i += 1) {
      const bad = await request(server()).get('/api/programmes').set('Authorization', 'Bearer not-a-token');
      statuses.push(bad.status);
      expect(bad.headers['ratelimit-limit']).toBe('5');
      expect(bad.headers['ratelimit-remaining']).toBe(String(1 - i));
      expect(Number(bad.headers['ratelimit-reset'])).toBeGreaterThan(0);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    for (const headers of [
      {},
      { Authorization: 'Bearer not-a-token' },
      { Authorization: `Bearer ${await signed({ sub: 'x', roles: ['admin'], iat: nowSeconds(), exp: nowSeconds() + 60 })}x` },
    ]) {
      const limited = await request(server()).get('/api/programmes').set(headers);
      expect(limited.status).toBe(429);
      expect(limited.body).toMatchObject({ code: 'RATE_LIMITED' });
      expect(limited.headers['retry-after']).toMatch(/^[0-9]+$/);
      expect(limited.headers['ratelimit-remaining']).toBe('0');
    }
    // A user whose token was verified before goes on, counted as a user.
    const user = await request(server()).get('/api/programmes').set('Authorization', `Bearer ${valid}`).expect(200);
    expect(user.headers['ratelimit-limit']).toBe('100');
    expect(user.headers['ratelimit-remaining']).toBe('98');
  });
});

describe('/metrics', () => {
  const budget = (programmeId: string, year: number, amounts: Partial<BudgetView>): BudgetView => ({
    programmeId,
    year,
    budget: '0.00',
    committed: '0.00',
    paid: '0.00',
    clawbackOrdered: '0.00',
    recovered: '0.00',
    remaining: '0.00',
    position: '1',
    ...amounts,
  });
  const fakeReadSide = (views: BudgetView[]) => ({ projector: { position: 0n }, queries: { budgets: async () => views } }) as unknown as ReadSide;
  const fakeStore = { headPosition: async () => 0n } as unknown as EventStore;

  it('leaves out of the budget gauge the programme-years nobody touched, and publishes no money unless asked to', async () => {
    const views = [
      budget('baoding-data-voucher', 2025, { budget: '5000000.00', remaining: '5000000.00' }),
      budget('baoding-standards', 2025, {}),
      budget('wuhan-data-product', 2026, { committed: '10.00', remaining: '-10.00' }),
    ];
    const published = await createMetrics(fakeStore, fakeReadSide(views), { publishMoney: true }).registry.metrics();
    expect(published).toMatch(/ledger_budget_remaining_yuan\{programme="baoding-data-voucher",year="2025"\} 5000000/);
    expect(published).toMatch(/ledger_budget_remaining_yuan\{programme="wuhan-data-product",year="2026"\} -10/);
    expect(published).not.toContain('programme="baoding-standards"');
    expect(await createMetrics(fakeStore, fakeReadSide(views)).registry.metrics()).not.toContain('ledger_budget_remaining_yuan');
  });

  it('answers only a scrape bearing LEDGER_METRICS_TOKEN when one is configured, budgets included', async () => {
    const scrapeToken = 'a-scrape-token-long-enough-1234';
    const started = await startListening({ LEDGER_METRICS_TOKEN: scrapeToken });
    try {
      const admin = await mintToken(secret, { sub: 'admin-1', roles: ['admin'] });
      await request(started.app.getHttpServer())
        .post('/api/programmes/wuhan-data-product/budgets')
        .set('Authorization', `Bearer ${admin}`)
        .set('Idempotency-Key', 'm-1')
        .send({ year: 2025, amount: '1000000.00' })
        .expect(201);
      for (const authorization of [undefined, 'Bearer wrong', `Bearer ${admin}`, `Bearer ${scrapeToken}x`]) {
        const call = request(started.app.getHttpServer()).get('/metrics');
        const refused = await (authorization === undefined ? call : call.set('Authorization', authorization));
        expect(refused.status).toBe(401);
        expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(refused.text).not.toContain('1000000');
      }
      const scraped = await request(started.app.getHttpServer()).get('/metrics').set('Authorization', `Bearer ${scrapeToken}`).expect(200);
      expect(scraped.text).toMatch(/ledger_budget_remaining_yuan\{programme="wuhan-data-product",year="2025"\} 1000000/);
    } finally {
      await started.close();
    }
  });
});
