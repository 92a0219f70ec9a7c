// The `ledger` command line, as an operator runs it (the built dist/; `npm test` builds first).
import Database from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { jwtVerify } from 'jose';
import { SqliteTamperer } from '../support/sqlite-tamperer.js';

const run = promisify(execFile);
const cli = join(import.meta.dirname, '..', '..', 'dist', 'cli', 'ledger.js');

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

async function ledger(path: string, args: string[], env: Record<string, string> = {}): Promise<Outcome> {
  try {
    const { stdout, stderr } = await run(process.execPath, [cli, ...args], { env: { ...process.env, LEDGER_SQLITE_PATH: path, ...env }, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('ledger CLI', () => {
  let dir: string;
  let template: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-cli-'));
    template = join(dir, 'template.db');
    const seeded = await ledger(template, ['seed:synthetic', '--applications', '80', '--seed', '11']);
    expect(seeded.code).toBe(0);
    expect(JSON.parse(seeded.stdout)).toMatchObject({ applications: 80 });
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A copy of the seeded database, to tamper with. */
  function copy(name: string): string {
    const path = join(dir, `${name}.db`);
    copyFileSync(template, path);
    if (existsSync(`${template}-wal`)) copyFileSync(`${template}-wal`, `${path}-wal`);
    return path;
  }

  function tamperer(path: string): SqliteTamperer {
    return new SqliteTamperer(() => new Database(path));
  }

  function positions(path: string, sql: string): bigint[] {
    const db = new Database(path, { readonly: true });
    const rows = db.prepare(sql).pluck().all() as number[];
    db.close();
    return rows.map((p) => BigInt(p));
  }

  it('verifies an untouched log and its projections: exit 0', async () => {
    const path = copy('clean');
    const digest = await ledger(path, ['digest']);
    writeFileSync(join(dir, 'clean.digest.json'), digest.stdout);
    const verified = await ledger(path, ['verify', '--digest', join(dir, 'clean.digest.json')]);
    expect(verified.code).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true, log: { ok: true, digestChecked: true, findings: [] }, projections: { ok: true, differences: [] } });
  });

  it.each([
    ['changed', async (path: string, [a]: bigint[]) => tamperer(path).changeData(a!, '{"amount":"9999999.00"}'), 0],
    ['removed', async (path: string, [a]: bigint[]) => tamperer(path).remove(a!), 0],
    ['reordered', async (path: string, [a, b]: bigint[]) => tamperer(path).swap(a!, b!), 0],
  ] as const)('exits 3 and reports the position of an event %s in the file', async (kind, tamper, index) => {
    const path = copy(kind);
    // Two events of one application's stream, deep in the log.
    const db = new Database(path, { readonly: true });
    const approved = db.prepare("SELECT stream, position FROM events WHERE type = 'AwardApproved' LIMIT 1 OFFSET 5").get() as { stream: string; position: number };
    const inStream = db.prepare('SELECT position FROM events WHERE stream = ? AND position <= ? ORDER BY revision').pluck().all(approved.stream, approved.position) as number[];
    db.close();
    const targets = [BigInt(inStream[1]!), BigInt(inStream[2]!)];
    await tamper(path, targets);
    const verified = await ledger(path, ['verify']);
    expect(verified.code).toBe(3);
    const report = JSON.parse(verified.stdout) as { ok: boolean; log: { findings: { kind: string; position: string }[] } };
    expect(report.ok).toBe(false);
    expect(report.log.findings[0]).toMatchObject({ kind, position: targets[index]!.toString() });
  });

  it('exits 3 and reports a forged event inserted into a stream, at its position', async () => {
    const path = copy('inserted');
    const db = new Database(path, { readonly: true });
    const target = db.prepare("SELECT stream, revision, position FROM events WHERE type = 'StageReviewed' LIMIT 1 OFFSET 20").get() as { stream: string; revision: number; position: number };
    db.close();
    await tamperer(path).insertForged(BigInt(target.position), target.stream, BigInt(target.revision), '{"forged":true}');
    const verified = await ledger(path, ['verify']);
    expect(verified.code).toBe(3);
    expect(JSON.parse(verified.stdout).log.findings[0]).toMatchObject({ kind: 'inserted', position: String(target.position) });
  });

  it('exits 3 on a history rewritten with every hash recomputed, against the digest saved before', async () => {
    const path = copy('rewritten');
    const saved = join(dir, 'rewritten.digest.json');
    writeFileSync(saved, (await ledger(path, ['digest'])).stdout);
    const [position] = positions(path, "SELECT position FROM events WHERE type = 'DisbursementConfirmed' LIMIT 1");
    await tamperer(path).rewrite(position!, '{"amount":"1.00"}');
    // Without the digest, every chain is consistent again: only the digest saved before can tell.
    expect(JSON.parse((await ledger(path, ['verify'])).stdout).log.ok).toBe(true);
    const verified = await ledger(path, ['verify', '--digest', saved]);
    expect(verified.code).toBe(3);
    expect(JSON.parse(verified.stdout).log.findings).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'digest-mismatch' })]));
  });

  it('exits 3 when a projection row no longer matches the streams, naming table, key and field', async () => {
    const path = copy('corrupted');
    expect((await ledger(path, ['project'])).code).toBe(0);
    const db = new Database(path);
    const row = db.prepare('SELECT programme_id, year FROM read_budgets LIMIT 1').get() as { programme_id: string; year: number };
    db.prepare("UPDATE read_budgets SET paid = '123.45' WHERE programme_id = ? AND year = ?").run(row.programme_id, row.year);
    db.close();
    const verified = await ledger(path, ['verify']);
    expect(verified.code).toBe(3);
    const report = JSON.parse(verified.stdout) as { log: { ok: boolean }; projections: { differences: unknown[] } };
    expect(report.log.ok).toBe(true);
    expect(report.projections.differences).toContainEqual(expect.objectContaining({ table: 'read_budgets', key: `${row.programme_id}|${row.year}`, field: 'paid', actual: '123.45' }));
  });

  it('reports a budget now and as of a past position, and refuses a malformed year with exit 2', async () => {
    const path = copy('reports');
    const now = JSON.parse((await ledger(path, ['report', 'budget', 'baoding-data-voucher', '2025'])).stdout) as Record<string, string>;
    expect(now).toMatchObject({ programmeId: 'baoding-data-voucher', budget: '20000000.00' });
    const [early] = positions(path, "SELECT position FROM events WHERE type = 'AwardCommitted' AND stream = 'budget-baoding-data-voucher-2025' LIMIT 1");
    const then = JSON.parse((await ledger(path, ['report', 'budget', 'baoding-data-voucher', '2025', '--as-of', String(early)])).stdout) as Record<string, string>;
    expect(then['position']).toBe(String(early));
    expect(Number(then['committed'])).toBeLessThanOrEqual(Number(now['committed']));
    expect((await ledger(path, ['report', 'budget', 'baoding-data-voucher', '20x'])).code).toBe(2);
    expect((await ledger(path, ['report', 'budget', 'no-such-programme', '2025'])).code).toBe(4);
  });

  it('exports CSV for Excel to a file (UTF-8 BOM, Chinese intact) and JSON Lines from a position', async () => {
    const path = copy('export');
    const out = join(dir, 'events.csv');
    expect((await ledger(path, ['export', '--format', 'csv', '--out', out])).code).toBe(0);
    const bytes = readFileSync(out);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.toString('utf8')).toContain('合成企业');
    const jsonl = (await ledger(path, ['export', '--format', 'jsonl', '--from-position', '100'])).stdout.trim().split('\n');
    expect(JSON.parse(jsonl[0]!)).toMatchObject({ position: '100' });
  });

  it("mints a token with the deployment's secret, carrying sub and roles", async () => {
    const secret = 'a-test-secret-that-is-long-enough-for-hs256';
    const minted = await ledger(copy('token'), ['token', '--sub', 'auditor-7', '--roles', 'auditor,supervisor'], { LEDGER_JWT_SECRET: secret });
    expect(minted.code).toBe(0);
    const { payload, protectedHeader } = await jwtVerify(minted.stdout.trim(), new TextEncoder().encode(secret));
    expect(protectedHeader.alg).toBe('HS256');
    expect(payload).toMatchObject({ sub: 'auditor-7', roles: ['auditor', 'supervisor'] });
    expect((await ledger(copy('token2'), ['token', '--sub', 'x', '--roles', 'emperor'], { LEDGER_JWT_SECRET: secret })).code).toBe(2);
  });
});
