// kill -9 the projector while it projects under load, restart it, and compare with a clean replay.
import Database from 'better-sqlite3';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { readSidePathOf } from '../../src/projections/sqlite-read-file.js';
import { readTables } from '../../src/projections/sqlite-read-model.js';

const run = promisify(execFile);
const cli = join(import.meta.dirname, '..', '..', 'dist', 'cli', 'ledger.js');

function snapshot(path: string): Record<string, unknown[]> {
  const db = new Database(path, { readonly: true });
  const rows: Record<string, unknown[]> = {};
  for (const table of readTables) rows[table] = db.prepare(`SELECT * FROM ${table} ORDER BY 1, 2, 3`).all();
  db.close();
  return rows;
}

function checkpointOf(path: string): number {
  if (!existsSync(path)) return 0;
  const db = new Database(path, { readonly: true, timeout: 5_000 });
  try {
    const row = db.prepare("SELECT position FROM read_checkpoints WHERE name = 'ledger'").get() as { position: number } | undefined;
    return row?.position ?? 0;
  } catch {
    return 0; // the read side's tables do not exist yet
  } finally {
    db.close();
  }
}

function headOf(path: string): number {
  if (!existsSync(path)) return 0;
  const db = new Database(path, { readonly: true, timeout: 5_000 });
  try {
    return (db.prepare('SELECT coalesce(max(position), 0) AS p FROM events').get() as { p: number }).p;
  } finally {
    db.close();
  }
}

describe('projector crash', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-crash-'));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('after kill -9 under load, a restarted projector ends with exactly the rows of a clean replay', async () => {
    const path = join(dir, 'ledger.db');
    // The read side is kept in a file of its own beside the events' (ledger.read.db).
    const readPath = readSidePathOf(path);
    const env = { ...process.env, LEDGER_SQLITE_PATH: path };
    let writerDone = false;
    const writing = run(process.execPath, [cli, 'seed:synthetic', '--applications', '2000', '--seed', '5'], { env }).finally(() => {
      writerDone = true;
    });
    const kills: { checkpoint: number; head: number }[] = [];
    // While the history is being written, start a projector, let it commit some batches, kill -9 it.
    while (!writerDone && kills.length < 5) {
      const projector = spawn(process.execPath, [cli, 'project', '--follow'], { env, stdio: 'ignore' });
      const exited = new Promise((resolve) => projector.once('exit', resolve));
      try {
        const before = checkpointOf(readPath);
        const deadline = Date.now() + 60_000;
        while (checkpointOf(readPath) <= before && !writerDone && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      } finally {
        projector.kill('SIGKILL');
        await exited;
      }
      kills.push({ checkpoint: checkpointOf(readPath), head: headOf(path) });
    }
    await writing;
    const db = new Database(path, { readonly: true });
    const head = (db.prepare('SELECT max(position) AS p FROM events').get() as { p: number }).p;
    db.close();
    // Killed at least once with the read side part-way through a log that was still growing.
    expect(kills.some((k) => k.checkpoint > 0 && k.checkpoint < head)).toBe(true);

    const resumed = await run(process.execPath, [cli, 'project'], { env });
    expect(JSON.parse(resumed.stdout)).toEqual({ position: String(head) });
    const afterCrashes = snapshot(readPath);
    await run(process.execPath, [cli, 'replay'], { env });
    expect(snapshot(readPath)).toEqual(afterCrashes);
    const verified = await run(process.execPath, [cli, 'verify'], { env });
    expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true });
    // Minutes of headroom: with three suites sharing a loaded 2-core machine it took 530 s.
  }, 1_200_000);
});
