// GET /health on the real application, in process and as `npm start` runs it.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { createApp } from '../../src/bootstrap.js';
import { ConfigError, loadLedgerConfig } from '../../src/config.js';

describe('health', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-http-'));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('answers 200 with the store up and the log head, creating the database file', async () => {
    const sqlitePath = join(dir, 'data', 'ledger.db');
    const app = await createApp(loadLedgerConfig({ LEDGER_SQLITE_PATH: sqlitePath }), { logger: false });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    try {
      const response = await request(app.getHttpServer()).get('/health').expect(200);
      expect(response.body).toMatchObject({ status: 'ok', info: { eventStore: { status: 'up', kind: 'sqlite' }, projections: { status: 'up' } } });
      expect(response.body.info.projections.lagEvents).toMatch(/^[0-9]+$/);
      // The built-in programmes are published at start: the log is not empty.
      expect(Number(response.body.info.eventStore.headPosition)).toBeGreaterThanOrEqual(12);
      expect(existsSync(sqlitePath)).toBe(true);
      await request(app.getHttpServer()).get('/api/health').expect(404);
    } finally {
      await app.close();
    }
  });

  it('reads the SPEC §7 settings with their defaults, and refuses bad ones with a clear message', () => {
    const config = loadLedgerConfig({});
    expect(config).toMatchObject({ port: 3000, store: 'sqlite', rateLimitPerMinute: 600 });
    expect(config.sqlitePath.endsWith(join('data', 'ledger.db'))).toBe(true);
    expect(() => loadLedgerConfig({ PORT: 'eighty' })).toThrow(new ConfigError('PORT must be an integer from 0 to 65535, got "eighty"'));
    expect(() => loadLedgerConfig({ LEDGER_STORE: 'mysql' })).toThrow(/LEDGER_STORE must be one of sqlite, postgres, eventstoredb/);
    expect(() => loadLedgerConfig({ LEDGER_STORE: 'postgres' })).toThrow(/needs DATABASE_URL/);
    expect(loadLedgerConfig({ LEDGER_RATE_LIMIT: '0' }).rateLimitPerMinute).toBe(0);
  });

  it('refuses to start in production without a configured token secret, saying why (exit 2)', async () => {
    const child = spawn(process.execPath, ['dist/main.js'], {
      cwd: join(import.meta.dirname, '..', '..'),
      env: { ...process.env, NODE_ENV: 'production', PORT: '0', LEDGER_SQLITE_PATH: join(dir, 'prod.db'), LEDGER_JWT_SECRET: '' },
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code).toBe(2);
    expect(stderr).toContain('LEDGER_JWT_SECRET must be set in production');
    expect(existsSync(join(dir, '.ledger-secret'))).toBe(false);
  });

  it('serves as a process on the configured port and stops cleanly on SIGTERM', async () => {
    const sqlitePath = join(dir, 'ledger.db');
    // The build `npm start` runs (`npm test` builds it first).
    const child = spawn(process.execPath, ['dist/main.js'], {
      cwd: join(import.meta.dirname, '..', '..'),
      env: { ...process.env, PORT: '0', HOST: '', LEDGER_SQLITE_PATH: sqlitePath, NO_COLOR: '1', LEDGER_JWT_SECRET: '' },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      // Starting takes seconds, and more than 30 s with several suites on a loaded machine.
      const deadline = Date.now() + 120_000;
      let url: string | undefined;
      while (url === undefined && Date.now() < deadline) {
        url = /serving on (http:\/\/\S+) with/.exec(output)?.[1];
        await new Promise((r) => setTimeout(r, 100));
      }
      if (url === undefined) throw new Error(`the service did not start:\n${output}`);
      // Without HOST, on loopback only: a workstation does not serve its network.
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const response = await fetch(`${url}/health`);
      expect(response.status).toBe(200);
      expect(existsSync(sqlitePath)).toBe(true);
      // Without a configured secret it made one beside the database, readable by its owner only, and said how to get a token.
      expect(statSync(join(dir, '.ledger-secret')).mode & 0o777).toBe(0o600);
      expect(output).toContain('npm run ledger -- token --sub YOUR-ID --roles admin');
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});
