// The README's day-one walk-through, run as a reader would run it: the script is taken from the
// README as it stands, and runs in bash against a started service on a fresh temporary store (the
// built CLI, as `npm run ledger` runs it; `npm test` builds first). It must reach a confirmed payment.
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createApp } from '../../src/bootstrap.js';
import { loadLedgerConfig } from '../../src/config.js';
import { builtInProgrammes } from '../../src/programmes/definitions.js';

const root = join(import.meta.dirname, '..', '..');
const cli = join(root, 'dist', 'cli', 'ledger.js');
const secret = 'a-walk-through-secret-that-is-long-enough';
const heading = '### Day one, with curl';

/** The first sh block after the walk-through's heading. */
function walkThroughScript(): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf(heading));
  const match = /```sh\n([\s\S]*?)```/.exec(section);
  if (readme.indexOf(heading) < 0 || match?.[1] === undefined) throw new Error(`README.md has no sh block under "${heading}"`);
  return match[1];
}

function runBash(script: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', script], { cwd: root, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('README walk-through', () => {
  let dir: string;
  let app: NestFastifyApplication;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-walk-'));
    const settings = { LEDGER_SQLITE_PATH: join(dir, 'ledger.db'), LEDGER_JWT_SECRET: secret, LEDGER_RATE_LIMIT: '0' };
    app = await createApp(loadLedgerConfig(settings), { logger: false });
    await app.listen(0, '127.0.0.1');
    const address = app.getHttpServer().address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    env = { ...process.env, ...settings, NODE_ENV: 'development', LEDGER_API: `http://127.0.0.1:${port}` };
  });

  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts from ledger seed:demo and reaches a confirmed payment, one answer a line', async () => {
    const { code, stdout, stderr } = await runBash(walkThroughScript(), env);
    // npm may warn on stderr where it likes; a failing step would print its curl, jq or ledger error there.
    expect({ code, errors: stderr.match(/^(curl|jq|ledger):.*$/gm) }).toEqual({ code: 0, errors: null });
    const lines = stdout.trimEnd().split('\n');
    expect(lines[lines.length - 1]).toMatch(/^day one: [0-9a-f-]{36} approved at 270000\.00 and paid, confirmed at position [0-9]+$/);
    // A newline after each answer: no two JSON answers run together on one line.
    expect(stdout).not.toMatch(/\}\{/);
    expect(stdout).toMatch(/"status":"confirmed"/);
    expect(stdout).toMatch(/"clawbackOrdered":"120000\.00","recovered":"60000\.00"/);
  });

  it('stops at the first failure', async () => {
    // The same script again: the demo is refused on a store that has moved on, and nothing after it runs.
    const { code, stdout, stderr } = await runBash(walkThroughScript(), env);
    expect(code).toBe(2);
    expect(stderr).toMatch(/seed:demo writes to a fresh store only/);
    expect(stdout).toBe('');
  });

  it('changes nothing when run again on its own demo store, which verifies', async () => {
    const fresh = mkdtempSync(join(tmpdir(), 'ledger-demo-'));
    try {
      const run = promisify(execFile);
      const demoEnv = { ...env, LEDGER_SQLITE_PATH: join(fresh, 'ledger.db') };
      const first = await run(process.execPath, [cli, 'seed:demo'], { env: demoEnv });
      const again = await run(process.execPath, [cli, 'seed:demo'], { env: demoEnv });
      expect(again.stdout).toBe(first.stdout);
      const verified = await run(process.execPath, [cli, 'verify'], { env: demoEnv });
      expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true });
      // Every built-in programme has an award committed and paid in 2026, in both cities.
      for (const { id } of builtInProgrammes) {
        const report = JSON.parse((await run(process.execPath, [cli, 'report', 'budget', id, '2026'], { env: demoEnv })).stdout) as Record<string, string>;
        expect([id, Number(report['committed']) > 0, Number(report['paid']) > 0]).toEqual([id, true, true]);
      }
      const wuhan = JSON.parse((await run(process.execPath, [cli, 'report', 'budget', 'wuhan-data-product', '2026'], { env: demoEnv })).stdout) as Record<string, string>;
      expect(wuhan).toMatchObject({ clawbackOrdered: '120000.00', recovered: '60000.00' });
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  });
});
