// GET /health on the real application, in process and as `npm start` runs it.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
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
    try {
      const response = await request(app.getHttpServer()).get('/health').expect(200);
      expect(response.body).toMatchObject({ status: 'ok', info: { eventStore: { status: 'up', kind: 'sqlite' } } });
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

  it('serves as a process on the configured port and stops cleanly on SIGTERM', async () => {
    const sqlitePath = join(dir, 'ledger.db');
    // The build `npm start` runs (`npm test` builds it first).
    const child = spawn(process.execPath, ['dist/main.js'], {
      cwd: join(import.meta.dirname, '..', '..'),
      env: { ...process.env, PORT: '0', LEDGER_SQLITE_PATH: sqlitePath, NO_COLOR: '1' },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 30_000;
      let url: string | undefined;
      while (url === undefined && Date.now() < deadline) {
        url = /serving on (http:\/\/\S+) with/.exec(output)?.[1];
        await new Promise((r) => setTimeout(r, 100));
      }
      if (url === undefined) throw new Error(`the service did not start:\n${output}`);
      const response = await fetch(`${url}/health`);
      expect(response.status).toBe(200);
      expect(existsSync(sqlitePath)).toBe(true);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});
