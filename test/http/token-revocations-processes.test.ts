// A revocation recorded through one service process is honoured by another serving the same store,
// within the documented bound: each process trusts what it read of the revocations for at most
// `revocationsRefreshMs` (1 s), so a request that reaches the second process more than that after the
// first answered 201 is refused. Two real processes (`node dist/main.js`, as `npm start` serves), on
// SQLite and on PostgreSQL.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { mintToken } from '../../src/auth/tokens.js';
import { revocationsRefreshMs } from '../../src/http/token-revocations.js';
import { postgresAvailability, postgresUrl } from '../support/postgres.js';

const main = join(import.meta.dirname, '..', '..', 'dist', 'main.js');
const secret = 'a-two-process-revocation-secret-long-enough';

interface Service {
  readonly url: string;
  readonly child: ChildProcess;
}

/** `node dist/main.js` on a free port with `env`; resolves once it says where it serves. */
function serve(env: Record<string, string>): Promise<Service> {
  const child = spawn(process.execPath, [main], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LEDGER_JWT_SECRET: secret, LOG_LEVEL: 'info', NODE_ENV: 'test', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    const lines = createInterface({ input: child.stdout! });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    lines.on('line', (line) => {
      output += `${line}\n`;
      const served = /serving on (http:\/\/[^\s"]+)/.exec(line);
      if (served?.[1] !== undefined) resolve({ url: served[1].replace('localhost', '127.0.0.1'), child });
    });
    child.once('exit', (code) => reject(new Error(`the service exited (${String(code)}) before serving:\n${output}`)));
  });
}

async function stop(service: Service): Promise<void> {
  if (service.child.exitCode !== null || service.child.signalCode !== null) return;
  const exited = new Promise((resolve) => service.child.once('exit', resolve));
  service.child.kill('SIGTERM');
  await exited;
}

const read = (service: Service, token: string): Promise<Response> => fetch(`${service.url}/api/programmes`, { headers: { authorization: `Bearer ${token}` } });

interface Backend {
  readonly name: string;
  open(dir: string): Promise<{ env: Record<string, string>; dispose(): Promise<void> }>;
}

const backends: Backend[] = [{ name: 'sqlite', open: async (dir) => ({ env: { LEDGER_SQLITE_PATH: join(dir, 'ledger.db') }, dispose: async () => undefined }) }];
if (await postgresAvailability('token revocation across processes: postgres')) {
  backends.push({
    name: 'postgres',
    // The service's schemas are fixed: a database of its own for this run.
    async open(dir) {
      const database = `ledger_revocations_${randomBytes(6).toString('hex')}`;
      const admin = async (sql: string): Promise<void> => {
        const client = new pg.Client({ connectionString: postgresUrl });
        await client.connect();
        try {
          await client.query(sql);
        } finally {
          await client.end();
        }
      };
      await admin(`CREATE DATABASE ${database}`);
      const url = new URL(postgresUrl);
      url.pathname = `/${database}`;
      return {
        env: { LEDGER_STORE: 'postgres', DATABASE_URL: url.toString(), LEDGER_SQLITE_PATH: join(dir, 'unused.db') },
        dispose: () => admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`),
      };
    },
  });
}

describe.each(backends)('token revocation across processes: $name', (backend) => {
  it(`a revocation recorded through one process is honoured by another within ${revocationsRefreshMs} ms`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ledger-revocations-'));
    const { env, dispose } = await backend.open(dir);
    const services: Service[] = [];
    try {
      // One after the other: the first creates the store's tables, the second finds them.
      services.push(await serve(env));
      services.push(await serve(env));
      const [first, second] = services as [Service, Service];
      const admin = await mintToken(secret, { sub: 'admin-1', roles: ['admin'] }, '1h');
      const reviewer = await mintToken(secret, { sub: 'reviewer-7', roles: ['reviewer'] }, '1h');
      const colleague = await mintToken(secret, { sub: 'reviewer-8', roles: ['reviewer'] }, '1h');
      // The second process has read the revocations (none) and trusts that for a while.
      expect((await read(second, reviewer)).status).toBe(200);
      // Tokens issued before the revocation's second: iat has whole seconds.
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      const revoked = await fetch(`${first.url}/api/admin/token-revocations`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json', 'idempotency-key': 'revoke-reviewer-7' },
        body: JSON.stringify({ userId: 'reviewer-7', reason: 'laptop lost' }),
      });
      expect(revoked.status).toBe(201);
      const answeredAt = Date.now();
      expect((await read(first, reviewer)).status).toBe(401);
      // Ask the second process until past the bound (and a margin for a refresh read under way when
      // the revocation was committed): from the bound on, every answer is a refusal.
      const answers: { sentAfterMs: number; status: number; code?: string }[] = [];
      while (Date.now() - answeredAt < revocationsRefreshMs + 1_500) {
        const sentAfterMs = Date.now() - answeredAt;
        const answer = await read(second, reviewer);
        const body = (await answer.json()) as { code?: string };
        answers.push({ sentAfterMs, status: answer.status, ...(answer.status === 200 ? {} : { code: body.code }) });
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const late = answers.filter((answer) => answer.sentAfterMs >= revocationsRefreshMs + 500);
      expect(late.length).toBeGreaterThan(0);
      expect(late.filter((answer) => answer.status !== 401 || answer.code !== 'UNAUTHENTICATED')).toEqual([]);
      // Only that user's tokens, and only those issued before.
      expect((await read(second, colleague)).status).toBe(200);
      expect((await read(second, await mintToken(secret, { sub: 'reviewer-7', roles: ['reviewer'] }, '1h'))).status).toBe(200);
    } finally {
      await Promise.all(services.map(stop));
      await dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
