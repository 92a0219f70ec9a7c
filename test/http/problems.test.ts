// Every error is problem+json with a stable code, the framework's own refusals included, with the
// security headers and a request id; validation lists every failing field; `type` is a page of the service.
import request from 'supertest';
import { mintToken } from '../../src/auth/tokens.js';
import { problemCodes } from '../../src/http/openapi.js';
import { frameworkProblem } from '../../src/http/problem.filter.js';
import { rawRequest, secret, startListening, type Started } from './hardening-support.js';

describe('problem+json for every error', () => {
  let started: Started;
  let bearer: string;

  beforeAll(async () => {
    started = await startListening();
    bearer = `Bearer ${await mintToken(secret, { sub: 'reviewer-1', roles: ['reviewer'] })}`;
  });
  afterAll(async () => started.close());

  const server = () => started.app.getHttpServer();

  function expectProblem(status: number, headers: Readonly<Record<string, string | undefined>>, body: Record<string, unknown>, code: string): void {
    expect(status).toBe(body['status']);
    expect(headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(headers['x-request-id']).toMatch(/^[A-Za-z0-9._-]+$/);
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['content-security-policy']).toContain("default-src 'none'");
    expect(body).toMatchObject({ code, detail: expect.any(String), detailZh: expect.any(String), type: expect.stringMatching(/^\/problems\//) });
    expect(body['title']).not.toBe(code);
  }

  it('answers a path longer than the service takes with 414 URI_TOO_LONG', async () => {
    const response = await request(server())
      .get(`/api/applications/${'a'.repeat(9_000)}`)
      .set('Authorization', bearer);
    expect(response.status).toBe(414);
    expectProblem(response.status, response.headers, response.body, 'URI_TOO_LONG');
  });

  it('answers a bad percent-encoding with 400 BAD_URL_ENCODING', async () => {
    const answer = await rawRequest(started.port, `GET /api/applications/%E0%A4%A HTTP/1.1\r\nHost: x\r\nX-Request-Id: bad-url-1\r\nConnection: close\r\n\r\n`);
    expect(answer.status).toBe(400);
    const body = JSON.parse(answer.body) as Record<string, unknown>;
    expectProblem(answer.status, answer.headers, body, 'BAD_URL_ENCODING');
    expect(answer.headers['x-request-id']).toBe('bad-url-1');
  });

  it('answers headers too large with 431 HEADERS_TOO_LARGE, on the socket', async () => {
    const answer = await rawRequest(started.port, `GET /api/budgets HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`);
    expect(answer.status).toBe(431);
    expectProblem(answer.status, answer.headers, JSON.parse(answer.body) as Record<string, unknown>, 'HEADERS_TOO_LARGE');
  });

  it('answers a request that is not HTTP with 400 MALFORMED_REQUEST', async () => {
    const answer = await rawRequest(started.port, `NOT HTTP AT ALL\r\n\r\n`);
    expect(answer.status).toBe(400);
    expectProblem(answer.status, answer.headers, JSON.parse(answer.body) as Record<string, unknown>, 'MALFORMED_REQUEST');
  });

  it('answers a body too large with 413 PAYLOAD_TOO_LARGE and a non-JSON body with 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    const large = await request(server())
      .post('/api/enterprises')
      .set('Authorization', bearer)
      .set('Idempotency-Key', 'k-large')
      .set('Content-Type', 'application/json')
      .send(`{"name":"${'x'.repeat(1_100_000)}"}`);
    expect(large.status).toBe(413);
    expectProblem(large.status, large.headers, large.body, 'PAYLOAD_TOO_LARGE');
    const text = await request(server()).post('/api/enterprises').set('Authorization', bearer).set('Idempotency-Key', 'k-text').set('Content-Type', 'text/plain').send('name=x');
    expect(text.status).toBe(415);
    expectProblem(text.status, text.headers, text.body, 'UNSUPPORTED_MEDIA_TYPE');
    expect(text.body.detail).toBe('send the body as application/json');
  });

  it('lists every failing field of a body, in English and Chinese, keeping `field` and `detail`', async () => {
    const response = await request(server())
      .post('/api/enterprises')
      .set('Authorization', bearer)
      .set('Idempotency-Key', 'k-fields')
      .send({ uscc: 'short', name: '', city: 'shanghai', colour: 'red' });
    expect(response.status).toBe(400);
    expectProblem(response.status, response.headers, response.body, 'VALIDATION_FAILED');
    const fields = (response.body.errors as { field: string; message: string; messageZh: string }[]).map((e) => e.field);
    expect(new Set(fields)).toEqual(new Set(['colour', 'uscc', 'name', 'city']));
    for (const error of response.body.errors as { field: string; message: string; messageZh: string }[]) {
      expect(error.message.length).toBeGreaterThan(0);
      expect(error.messageZh).toMatch(/[\u4e00-\u9fff]/);
    }
    expect(fields).toContain(response.body.field);
    expect(response.body.title).toBe('The input is not valid');
  });

  it('lists the failing query parameter too, and answers unknown routes NOT_FOUND with the same shape', async () => {
    const query = await request(server()).get('/api/applications?fiscalYear=twenty').set('Authorization', bearer);
    expectProblem(query.status, query.headers, query.body, 'VALIDATION_FAILED');
    expect(query.body.errors[0]).toMatchObject({ field: 'fiscalYear' });
    const missing = await request(server()).get('/api/no-such-route').set('Authorization', bearer);
    expectProblem(missing.status, missing.headers, missing.body, 'NOT_FOUND');
    const anonymous = await request(server()).get('/api/applications');
    expectProblem(anonymous.status, anonymous.headers, anonymous.body, 'UNAUTHENTICATED');
  });

  it("maps every refusal of the framework's by its status, never a 5xx as bad input", () => {
    expect(frameworkProblem(400, 'FST_ERR_BAD_URL')).toMatchObject({ status: 400, code: 'BAD_URL_ENCODING' });
    expect(frameworkProblem(414, 'FST_ERR_MAX_PARAM_LENGTH')).toMatchObject({ status: 414, code: 'URI_TOO_LONG' });
    expect(frameworkProblem(400, 'FST_ERR_CTP_EMPTY_JSON_BODY')).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', field: 'body' });
    expect(frameworkProblem(500, 'FST_ERR_ASYNC_CONSTRAINT')).toMatchObject({ status: 500, code: 'INTERNAL' });
  });

  it('serves the page every `type` points to, for every code', async () => {
    for (const code of problemCodes) {
      const path = `/problems/${code.toLowerCase().replace(/_/g, '-')}`;
      const page = await request(server()).get(path).expect(200);
      expect(page.body).toMatchObject({ code, type: path, title: expect.any(String), titleZh: expect.any(String) });
    }
    const unknown = await request(server()).get('/problems/no-such-code').expect(404);
    expect(unknown.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(unknown.body).toMatchObject({ code: 'NOT_FOUND', type: '/problems/not-found' });
    expect((await request(server()).get('/problems').expect(200)).body).toHaveLength(problemCodes.length);
  });
});
