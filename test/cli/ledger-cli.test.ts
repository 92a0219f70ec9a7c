// The `ledger` command line, as an operator runs it (the built dist/; `npm test` builds first).
import Database from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { jwtVerify } from 'jose';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { appendFormulaHistory, formulaApplicationId, formulas } from '../support/formula-history.js';
import { SqliteTamperer } from '../support/sqlite-tamperer.js';
import { readSidePathOf } from '../../src/projections/sqlite-read-file.js';

const run = promisify(execFile);
/** Each test starts the command line several times, a few seconds each on a busy machine. */
const cliTestTimeoutMs = 180_000;
const cli = join(import.meta.dirname, '..', '..', 'dist', 'cli', 'ledger.js');

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `ledger` on the SQLite file at `path` (`null`: with no LEDGER_SQLITE_PATH at all, in `cwd`). */
async function ledger(path: string | null, args: string[], env: Record<string, string> = {}, cwd?: string): Promise<Outcome> {
  const base: NodeJS.ProcessEnv = { ...process.env, LEDGER_STORE: 'sqlite', ...env };
  delete base['LEDGER_SQLITE_PATH'];
  if (path !== null) base['LEDGER_SQLITE_PATH'] = path;
  try {
    const { stdout, stderr } = await run(process.execPath, [cli, ...args], { env: base, maxBuffer: 64 * 1024 * 1024, ...(cwd === undefined ? {} : { cwd }) });
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
  }, cliTestTimeoutMs);

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

  it(
    'verifies an untouched log and its projections: exit 0',
    async () => {
      const path = copy('clean');
      const digest = await ledger(path, ['digest']);
      writeFileSync(join(dir, 'clean.digest.json'), digest.stdout);
      const verified = await ledger(path, ['verify', '--digest', join(dir, 'clean.digest.json')]);
      expect(verified.code).toBe(0);
      expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true, log: { ok: true, digestChecked: true, findings: [] }, projections: { ok: true, differences: [] } });
    },
    cliTestTimeoutMs,
  );

  it.each([
    ['changed', async (path: string, [a]: bigint[]) => tamperer(path).changeData(a!, '{"amount":"9999999.00"}'), 0],
    ['removed', async (path: string, [a]: bigint[]) => tamperer(path).remove(a!), 0],
    ['reordered', async (path: string, [a, b]: bigint[]) => tamperer(path).swap(a!, b!), 0],
  ] as const)(
    'exits 3 and reports the position of an event %s in the file',
    async (kind, tamper, index) => {
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
    },
    cliTestTimeoutMs,
  );

  it(
    'exits 3 and reports a forged event inserted into a stream, at its position',
    async () => {
      const path = copy('inserted');
      const db = new Database(path, { readonly: true });
      const target = db.prepare("SELECT stream, revision, position FROM events WHERE type = 'StageReviewed' LIMIT 1 OFFSET 20").get() as {
        stream: string;
        revision: number;
        position: number;
      };
      db.close();
      await tamperer(path).insertForged(BigInt(target.position), target.stream, BigInt(target.revision), '{"forged":true}');
      const verified = await ledger(path, ['verify']);
      expect(verified.code).toBe(3);
      expect(JSON.parse(verified.stdout).log.findings[0]).toMatchObject({ kind: 'inserted', position: String(target.position) });
    },
    cliTestTimeoutMs,
  );

  it(
    'exits 3 on a history rewritten with every hash recomputed, against the digest saved before',
    async () => {
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
    },
    cliTestTimeoutMs,
  );

  it(
    'signs checkpoints every N events; verify takes them with the public key, refuses a forged one, and bounds a rewrite to its window',
    async () => {
      const path = copy('signed');
      const checkpoints = join(dir, 'signed.checkpoints.jsonl');
      const publicKey = join(dir, 'signed.public.pem');
      const signed = await ledger(path, ['digest', '--every', '100', '--sign']);
      expect(signed.code).toBe(0);
      writeFileSync(checkpoints, signed.stdout);
      const published = await ledger(path, ['public-key']);
      expect(published.stdout).toMatch(/^-----BEGIN PUBLIC KEY-----/);
      writeFileSync(publicKey, published.stdout);
      const clean = await ledger(path, ['verify', '--digest', checkpoints, '--public-key', publicKey]);
      expect(clean.code).toBe(0);
      expect(JSON.parse(clean.stdout).log).toMatchObject({ ok: true, unanchoredEvents: 0 });
      const lines = signed.stdout.trim().split('\n');
      const forged = { ...JSON.parse(lines[1]!), hash: 'f'.repeat(64) };
      writeFileSync(join(dir, 'forged.jsonl'), [lines[0], JSON.stringify(forged), ...lines.slice(2)].join('\n'));
      const refused = await ledger(path, ['verify', '--digest', join(dir, 'forged.jsonl'), '--public-key', publicKey]);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/entry 2 is not signed with the public key given/);
      const [position] = positions(path, "SELECT position FROM events WHERE type = 'DisbursementConfirmed' AND position > 250 LIMIT 1");
      await tamperer(path).rewrite(position!, '{"amount":"1.00"}');
      const verified = await ledger(path, ['verify', '--digest', checkpoints, '--public-key', publicKey]);
      expect(verified.code).toBe(3);
      const windowStart = ((position! - 1n) / 100n) * 100n + 1n;
      expect(JSON.parse(verified.stdout).log.findings[0]).toMatchObject({ kind: 'digest-mismatch', position: String(windowStart), throughPosition: String(windowStart + 99n) });
    },
    cliTestTimeoutMs,
  );

  it(
    'with the MAC key, finds a re-chained rewrite at its own event, and takes the key from a file or LEDGER_MAC_KEY',
    async () => {
      const macKey = 'cd'.repeat(32);
      const path = join(dir, 'keyed.db');
      const seeded = await ledger(path, ['seed:synthetic', '--applications', '20', '--seed', '12'], { LEDGER_MAC_KEY: macKey });
      expect(seeded.code).toBe(0);
      const keyFile = join(dir, 'keyed.mac-key');
      writeFileSync(keyFile, `${macKey}\n`);
      const clean = await ledger(path, ['verify', '--mac-key', keyFile]);
      expect(clean.code).toBe(0);
      expect(JSON.parse(clean.stdout).log).toMatchObject({ ok: true, macChecked: true, unkeyedEvents: 0 });
      const [position] = positions(path, "SELECT position FROM events WHERE type = 'DisbursementConfirmed' LIMIT 1");
      await tamperer(path).rewrite(position!, '{"amount":"1.00"}');
      for (const [args, env] of [
        [['verify', '--mac-key', keyFile], {}],
        [['verify'], { LEDGER_MAC_KEY: macKey }],
      ] as const) {
        const verified = await ledger(path, [...args], env);
        expect(verified.code).toBe(3);
        const findings = JSON.parse(verified.stdout).log.findings as { kind: string; position: string }[];
        expect(findings[0]!.position).toBe(String(position));
        expect(findings).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'forged', position: String(position) })]));
      }
      // Nothing is signed over the forged event where the MAC key is at hand.
      const signing = await ledger(path, ['digest', '--sign'], { LEDGER_MAC_KEY: macKey });
      expect(signing.code).toBe(3);
      expect(signing.stderr).toMatch(new RegExp(`^ledger: refusing to sign: .* at position ${position}:`));
      writeFileSync(join(dir, 'short.mac-key'), 'abcd');
      const refused = await ledger(path, ['verify', '--mac-key', join(dir, 'short.mac-key')]);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/at least 32 bytes/);
    },
    cliTestTimeoutMs,
  );

  it(
    'exits 3 when a projection row no longer matches the streams, naming table, key and field',
    async () => {
      const path = copy('corrupted');
      expect((await ledger(path, ['project'])).code).toBe(0);
      const db = new Database(readSidePathOf(path));
      const row = db.prepare('SELECT programme_id, year FROM read_budgets LIMIT 1').get() as { programme_id: string; year: number };
      db.prepare("UPDATE read_budgets SET paid = '123.45' WHERE programme_id = ? AND year = ?").run(row.programme_id, row.year);
      db.close();
      const verified = await ledger(path, ['verify']);
      expect(verified.code).toBe(3);
      const report = JSON.parse(verified.stdout) as { log: { ok: boolean }; projections: { differences: unknown[] } };
      expect(report.log.ok).toBe(true);
      expect(report.projections.differences).toContainEqual(
        expect.objectContaining({ table: 'read_budgets', key: `${row.programme_id}|${row.year}`, field: 'paid', actual: '123.45' }),
      );
    },
    cliTestTimeoutMs,
  );

  it(
    'reports a budget now and as of a past position, and refuses a malformed year with exit 2',
    async () => {
      const path = copy('reports');
      const now = JSON.parse((await ledger(path, ['report', 'budget', 'baoding-data-voucher', '2025'])).stdout) as Record<string, string>;
      expect(now).toMatchObject({ programmeId: 'baoding-data-voucher', budget: '20000000.00' });
      const [early] = positions(path, "SELECT position FROM events WHERE type = 'AwardCommitted' AND stream = 'budget-baoding-data-voucher-2025' LIMIT 1");
      const then = JSON.parse((await ledger(path, ['report', 'budget', 'baoding-data-voucher', '2025', '--as-of', String(early)])).stdout) as Record<string, string>;
      expect(then['position']).toBe(String(early));
      expect(Number(then['committed'])).toBeLessThanOrEqual(Number(now['committed']));
      expect((await ledger(path, ['report', 'budget', 'baoding-data-voucher', '20x'])).code).toBe(2);
      expect((await ledger(path, ['report', 'budget', 'no-such-programme', '2025'])).code).toBe(4);
    },
    cliTestTimeoutMs,
  );

  it(
    'exports CSV for Excel to a file (UTF-8 BOM, Chinese intact, formulas neutralised), .xlsx with typed cells, and JSON Lines from a position',
    async () => {
      const path = copy('export');
      const store = new SqliteEventStore({ path });
      await appendFormulaHistory(store);
      await store.close();
      const out = join(dir, 'events.csv');
      expect((await ledger(path, ['export', '--format', 'csv', '--out', out])).code).toBe(0);
      const bytes = readFileSync(out);
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const rows = parse(bytes.toString('utf8'), { bom: true }) as string[][];
      expect(rows[0]![7]).toBe('企业名称');
      expect(rows.some((row) => /^合成企业[0-9]+有限公司$/.test(row[7]!))).toBe(true);
      const ours = rows.filter((row) => row[4] === formulaApplicationId);
      expect(ours[0]![7]).toBe(`'${formulas.name}`);
      expect(ours[0]![11]).toBe(`'${formulas.actorId}`);
      expect(ours.some((row) => row[10] === `'${formulas.reason}`)).toBe(true);
      const xlsx = join(dir, 'events.xlsx');
      expect((await ledger(path, ['export', '--format', 'xlsx', '--view', 'events', '--out', xlsx])).code).toBe(0);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.readFile(xlsx);
      const sheet = workbook.worksheets[0]!;
      expect(sheet.getRow(1).getCell(1).value).toBe('position');
      expect(sheet.getRow(2).getCell(1).type).toBe(ExcelJS.ValueType.Number);
      const sheetRows: ExcelJS.Row[] = [];
      sheet.eachRow((row) => sheetRows.push(row));
      const rejectedRow = sheetRows.find((row) => row.getCell(3).value === 'ApplicationRejected' && row.getCell(9).value === formulaApplicationId)!;
      expect(rejectedRow.getCell(12).value).toBe(formulas.reason);
      expect(rejectedRow.getCell(12).type).toBe(ExcelJS.ValueType.String);
      // Nothing in the sheet is a formula.
      for (const row of sheetRows) row.eachCell((cell) => expect(cell.type).not.toBe(ExcelJS.ValueType.Formula));
      expect(sheet.rowCount - 1).toBe(Number(JSON.parse((await ledger(path, ['digest'])).stdout).eventCount));
      const jsonl = (await ledger(path, ['export', '--format', 'jsonl', '--from-position', '100'])).stdout.trim().split('\n');
      expect(JSON.parse(jsonl[0]!)).toMatchObject({ position: '100' });
    },
    cliTestTimeoutMs,
  );

  it(
    "mints a token with the deployment's secret, carrying sub and roles",
    async () => {
      const secret = 'a-test-secret-that-is-long-enough-for-hs256';
      const minted = await ledger(copy('token'), ['token', '--sub', 'auditor-7', '--roles', 'auditor,supervisor'], { LEDGER_JWT_SECRET: secret });
      expect(minted.code).toBe(0);
      const { payload, protectedHeader } = await jwtVerify(minted.stdout.trim(), new TextEncoder().encode(secret));
      expect(protectedHeader.alg).toBe('HS256');
      expect(payload).toMatchObject({ sub: 'auditor-7', roles: ['auditor', 'supervisor'] });
      expect((await ledger(copy('token2'), ['token', '--sub', 'x', '--roles', 'emperor'], { LEDGER_JWT_SECRET: secret })).code).toBe(2);
    },
    cliTestTimeoutMs,
  );
  /** The one line a failing command prints: no stack trace, no help text after it. */
  function oneLine(outcome: Outcome): string {
    const lines = outcome.stderr.split('\n').filter((line) => line.length > 0);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^ledger: /);
    return lines[0]!;
  }

  it.each([[['verify']], [['digest']], [['report', 'budget', 'baoding-data-voucher', '2025']], [['export', '--format', 'csv']], [['history', 'application', 'a-1']]])(
    'read-only %j on a path with no ledger: exit 4, one line naming the path, nothing created',
    async (args) => {
      const missing = join(dir, 'nowhere', 'ledger.db');
      const outcome = await ledger(missing, args);
      expect(outcome.code).toBe(4);
      expect(oneLine(outcome)).toContain(missing);
      expect(outcome.stdout).toBe('');
      expect(existsSync(join(dir, 'nowhere'))).toBe(false);
    },
    cliTestTimeoutMs,
  );

  it(
    'run from another folder without LEDGER_SQLITE_PATH, verify finds no ledger and creates none',
    async () => {
      const elsewhere = join(dir, 'elsewhere');
      mkdirSync(elsewhere);
      const outcome = await ledger(null, ['verify'], {}, elsewhere);
      expect(outcome.code).toBe(4);
      expect(oneLine(outcome)).toContain(join(elsewhere, 'data', 'ledger.db'));
      expect(readdirSync(elsewhere)).toEqual([]);
    },
    cliTestTimeoutMs,
  );

  it(
    'a store that cannot be opened: exit 5, one line naming it (SQLite file that is not a ledger, PostgreSQL down)',
    async () => {
      const junk = join(dir, 'junk.db');
      writeFileSync(junk, 'this is not a database, though it is long enough to look like a header of one');
      const sqlite = await ledger(junk, ['digest']);
      expect(sqlite.code).toBe(5);
      expect(oneLine(sqlite)).toContain(junk);
      const postgres = await ledger(null, ['digest'], { LEDGER_STORE: 'postgres', DATABASE_URL: 'postgres://auditor:hunter2@127.0.0.1:1/ledger' });
      expect(postgres.code).toBe(5);
      const line = oneLine(postgres);
      expect(line).toContain('127.0.0.1:1/ledger');
      expect(line).not.toContain('hunter2');
    },
    cliTestTimeoutMs,
  );

  const secret = { LEDGER_JWT_SECRET: 'a-test-secret-that-is-long-enough-for-hs256' };
  it.each([
    [[], /command is needed/, {}],
    [['frobnicate'], /unknown command 'frobnicate'/, {}],
    [['verify', '--bogus'], /unknown option '--bogus'/, {}],
    [['verify', 'extra'], /too many arguments/, {}],
    [['report'], /needs a subcommand/, {}],
    [['report', 'nonsense'], /too many arguments|unknown command/, {}],
    [['report', 'budget'], /missing required argument/, {}],
    [['report', 'budget', 'p', '2025', 'x'], /too many arguments/, {}],
    [['history', 'application'], /missing required argument/, {}],
    [['verify', '--digest', 'no-such-digest.json'], /cannot read --digest no-such-digest\.json/, {}],
    [['verify', '--digest', 'NOT-JSON'], /is not JSON/, {}],
    [['verify', '--digest', 'EMPTY-OBJECT'], /does not hold a digest/, {}],
    [['export', '--format', 'xml'], /--format must be/, {}],
    [['export', '--view', 'pivot', '--format', 'csv'], /--view must be/, {}],
    [['export', '--out', 'no-such-folder/x.csv'], /cannot write --out/, {}],
    [['token', '--sub', 'a', '--roles', 'auditor', '--expires-in', '7 fortnights'], /--expires-in must be/, secret],
    [['token', '--sub', 'a', '--roles', 'auditor', '--expires-in', '8d'], /longer than LEDGER_TOKEN_MAX_LIFETIME \(604800 seconds\)/, secret],
    [
      ['token', '--sub', 'a', '--roles', 'auditor', '--expires-in', '2h'],
      /longer than LEDGER_TOKEN_MAX_LIFETIME \(3600 seconds\)/,
      { ...secret, LEDGER_TOKEN_MAX_LIFETIME: '3600' },
    ],
    [['seed:synthetic', '--applications', 'many'], /--applications must be/, {}],
  ] as [string[], RegExp, Record<string, string>][])(
    'usage error %j: one line, exit 2',
    async (args, message, env) => {
      const path = copy(`usage-${args.join('-').replace(/[^a-z0-9-]/gi, '')}`);
      writeFileSync(join(dir, 'not-json.json'), '{ position: 1');
      writeFileSync(join(dir, 'empty-object.json'), '{}');
      const resolved = args.map((arg) => (arg === 'NOT-JSON' ? join(dir, 'not-json.json') : arg === 'EMPTY-OBJECT' ? join(dir, 'empty-object.json') : arg));
      // Every row names its environment: a test function with more parameters than the row has values is taken to want a `done` callback.
      const outcome = await ledger(path, resolved, env, dir);
      expect(outcome.code).toBe(2);
      expect(oneLine(outcome)).toMatch(message);
      expect(outcome.stderr).not.toMatch(/\n\s+at /);
    },
    cliTestTimeoutMs,
  );

  it(
    '--version prints the version; --help lists the exit codes the README documents',
    async () => {
      const version = await ledger(null, ['--version']);
      expect(version.code).toBe(0);
      expect(version.stdout.trim()).toBe(JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')).version);
      const help = await ledger(join(dir, 'help-only.db'), ['--help']);
      expect(help.code).toBe(0);
      expect(existsSync(join(dir, 'help-only.db'))).toBe(false);
      const codesOf = (text: string) => [...text.matchAll(/^\s*\|?\s*`?([0-5])`?\s*\|?\s+(\S.*)$/gm)].map((m) => m[1]);
      const listed = codesOf(help.stdout.slice(help.stdout.indexOf('Exit codes:')));
      expect(listed).toEqual(['0', '1', '2', '3', '4', '5']);
      const readme = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
      const section = readme.slice(readme.indexOf('### Exit codes'));
      expect(codesOf(section.slice(0, section.indexOf('\n\n', section.indexOf('|')))).slice(0, 6)).toEqual(['0', '1', '2', '3', '4', '5']);
    },
    cliTestTimeoutMs,
  );
});
