// What an operator reads: one JSON line per entry in production (request id and user on request and
// error lines, 500s included), readable lines in development, LOG_LEVEL obeyed, HOST honoured.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import request from 'supertest';
import { mintToken } from '../../src/auth/tokens.js';
import { createApp } from '../../src/bootstrap.js';
import { loadLedgerConfig } from '../../src/config.js';
import { EVENT_STORE, type EventStore } from '../../src/event-store/event-store.js';
import { createLogger } from '../../src/logging.js';

const secret = 'a-logging-test-secret-that-is-long-enough';
// Production also requires the keys that sign checkpoints and MAC commits.
const keys = {
  LEDGER_SIGNING_KEY: generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  LEDGER_MAC_KEY: randomBytes(32).toString('hex'),
};
const root = join(import.meta.dirname, '..', '..');

/** A stream that keeps what the logger wrote, line by line. */
function capture(): { stream: PassThrough; lines: () => string[] } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { stream, lines: () => text.split('\n').filter((line) => line.length > 0) };
}

describe('logging', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-logging-'));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('in production, an unexpected error is one JSON line with the request id and the user, and the client gets a bare 500', async () => {
    const config = loadLedgerConfig({ NODE_ENV: 'production', LEDGER_SQLITE_PATH: join(dir, 'ledger.db'), LEDGER_JWT_SECRET: secret, ...keys });
    const log = capture();
    const app = await createApp(config, { logger: createLogger(config, log.stream) });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    try {
      // A store that fails under a request: the read side's database is gone.
      await app.get<EventStore>(EVENT_STORE).close();
      const token = await mintToken(secret, { sub: 'auditor-7', roles: ['auditor'] });
      const response = await request(app.getHttpServer()).get('/api/applications').set('Authorization', `Bearer ${token}`).set('X-Request-Id', 'trace-500');
      expect(response.status).toBe(500);
      expect(response.body).toMatchObject({ code: 'INTERNAL' });
      expect(JSON.stringify(response.body)).not.toMatch(/sqlite|database|at /i);
    } finally {
      await app.close();
    }
    const entries = log.lines().map((line) => JSON.parse(line) as Record<string, unknown>);
    const error = entries.find((entry) => entry['msg'] === 'unexpected error');
    expect(error).toMatchObject({ level: 50, reqId: 'trace-500', user: 'auditor-7', method: 'GET', url: '/api/applications' });
    expect((error!['err'] as { stack: string }).stack).toMatch(/Error/);
    const completed = entries.find((entry) => entry['msg'] === 'request completed' && entry['reqId'] === 'trace-500');
    expect(completed).toMatchObject({ user: 'auditor-7', res: { statusCode: 500 } });
    // Nest's own lines are JSON through the same logger, with their context.
    expect(entries.some((entry) => entry['context'] === 'NestApplication')).toBe(true);
    // The token never reaches the log.
    expect(log.lines().join('\n')).not.toContain('Bearer');
  });

  it('LOG_LEVEL=warn keeps the request lines out, and an error in', async () => {
    const config = loadLedgerConfig({ NODE_ENV: 'production', LOG_LEVEL: 'warn', LEDGER_SQLITE_PATH: join(dir, 'ledger.db'), LEDGER_JWT_SECRET: secret, ...keys });
    const log = capture();
    const logger = createLogger(config, log.stream);
    const app = await createApp(config, { logger });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    try {
      await request(app.getHttpServer()).get('/health').expect(200);
    } finally {
      await app.close();
    }
    logger.error('something an operator must see');
    expect(log.lines().map((line) => JSON.parse(line).msg)).toEqual(['something an operator must see']);
  });

  it('in development, lines are for people: time, level, context and message on one line, no JSON', () => {
    const log = capture();
    const logger = createLogger({ nodeEnv: 'development', logLevel: 'info' }, log.stream);
    logger.info({ context: 'Ledger' }, 'serving');
    logger.info({ req: { method: 'GET', url: '/health' }, res: { statusCode: 200 }, responseTimeMs: 1.5, user: 'u-1', reqId: 'r-1' }, 'request completed');
    const [first, second] = log.lines();
    expect(first).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] .*INFO.*: Ledger: serving$/);
    expect(second).toMatch(/request completed GET \/health 200 \(1\.5 ms\) user u-1 id r-1$/);
  });

  it('`node dist/main.js` in production writes only JSON lines, listens on HOST, and exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, ['dist/main.js'], {
      cwd: root,
      env: {
        ...process.env,
        NODE_ENV: 'production',
        HOST: '127.0.0.1',
        PORT: '0',
        LEDGER_SQLITE_PATH: join(dir, 'ledger.db'),
        LEDGER_JWT_SECRET: secret,
        LOG_LEVEL: 'info',
        ...keys,
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      let url: string | undefined;
      for (let waited = 0; url === undefined && waited < 120_000; waited += 100) {
        url = /serving on (http:\/\/\S+) with/.exec(stdout)?.[1];
        await new Promise((r) => setTimeout(r, 100));
      }
      if (url === undefined) throw new Error(`the service did not start:\n${stdout}${stderr}`);
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const token = await mintToken(secret, { sub: 'supervisor-3', roles: ['supervisor'] });
      const response = await fetch(`${url}/api/programmes`, { headers: { Authorization: `Bearer ${token}`, 'X-Request-Id': 'trace-ok' } });
      expect(response.status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(stderr).toBe('');
    const entries = stdout
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries.find((entry) => entry['reqId'] === 'trace-ok')).toMatchObject({ msg: 'request completed', user: 'supervisor-3', res: { statusCode: 200 } });
    expect(entries.some((entry) => entry['msg'] === 'SIGTERM: stopping')).toBe(true);
  });
});
