// Power loss, beyond kill -9 (which leaves the operating system's page cache, and so every write, in
// place): two writer processes on one SQLite file, group commit on, are killed while they write; the
// files are then rebuilt as a disk would hold them after a power cut at that moment (only what a
// finished fsync covered, or that plus a random subset of the later writes), and reopened. Every write
// a client saw acknowledged must be there, at the position it was told, and the hash chain must verify.
// The same harness catches a store that acknowledges before its sync (synchronous=NORMAL) and a disk
// that acknowledges syncs it does not make: it can fail. What it covers and what not: docs/power-loss.md.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { buildPowerCut, cCompiler, cutPower, type CutModel } from './power-cut.js';
import { randomFrom } from '../../src/synthetic/generator.js';

const worker = join(import.meta.dirname, 'writer.worker.ts');
const root = join(import.meta.dirname, '..', '..');
const compiler = cCompiler();
if (compiler === undefined) {
  console.warn('power-loss tests skipped: no C compiler (cc or gcc) on the PATH to build the preloaded library test/durability/power-cut.c');
}

interface Ack {
  readonly key: string;
  readonly position: string;
}

interface Cycle {
  readonly dir: string;
  readonly library: string;
  readonly journal: string;
  readonly durability: 'full' | 'normal';
  readonly firstNumber: number;
  /** Acknowledgements (of both writers together) to wait for before the cut. */
  readonly acksBeforeCut: number;
  readonly env?: Record<string, string>;
  /** Writer processes on the file at once (2 unless said). */
  readonly writers?: number;
  /**
   * The cut comes in the middle of the first writer's N-th flush instead (its writes made, the flush
   * begun and never finished); the others are killed as it dies.
   */
  readonly dieInSync?: number;
}

/** Writers under the power cut, killed with SIGKILL once `acksBeforeCut` writes were acknowledged; their acknowledgements. */
async function writeUntilCut(cycle: Cycle): Promise<Ack[]> {
  const path = join(cycle.dir, 'ledger.db');
  const env = { ...process.env, ...cycle.env, LD_PRELOAD: cycle.library, POWER_CUT_PREFIX: path, POWER_CUT_JOURNAL: cycle.journal };
  const acks: Ack[] = [];
  let enough: () => void = () => undefined;
  const reached = new Promise<void>((resolve) => (enough = resolve));
  const writers = Array.from({ length: cycle.writers ?? 2 }, (_, w) => {
    const dying = w === 0 && cycle.dieInSync !== undefined ? { POWER_CUT_DIE_IN_SYNC: String(cycle.dieInSync) } : {};
    const child = spawn(process.execPath, ['--import', 'tsx', worker, path, String(cycle.firstNumber + w * 1_000_000), cycle.durability, '8'], {
      cwd: root,
      env: { ...env, ...dying },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      if (!line.startsWith('{"key"')) return; // its ready line, or anything else it printed
      const parsed = JSON.parse(line) as Partial<Ack>;
      if (parsed.key === undefined || parsed.position === undefined) return;
      acks.push({ key: parsed.key, position: parsed.position });
      if (cycle.dieInSync === undefined && acks.length >= cycle.acksBeforeCut) enough();
    });
    // A writer that stops by itself (a failure) ends the wait at once; the check below reports it.
    const exited = new Promise<void>((resolve) =>
      child.once('exit', (_code, signal) => {
        // A writer that dies by the cut in its flush (the first, where the cycle says so) is the cut.
        if (signal !== 'SIGKILL' || (w === 0 && cycle.dieInSync !== undefined)) enough();
        resolve();
      }),
    );
    const drained = new Promise<void>((resolve) => lines.once('close', resolve));
    return { child, done: Promise.all([exited, drained]), stderr: () => stderr };
  });
  const timer = setTimeout(enough, 90_000);
  try {
    await reached;
  } finally {
    clearTimeout(timer);
    // The cut: both at once, wherever they are.
    for (const { child } of writers) child.kill('SIGKILL');
    await Promise.all(writers.map((w) => w.done));
  }
  const failed = writers.find((w) => w.child.signalCode !== 'SIGKILL');
  if (failed !== undefined) throw new Error(`a writer stopped before the cut: ${failed.stderr()}`);
  if (cycle.dieInSync === undefined) expect(acks.length).toBeGreaterThanOrEqual(cycle.acksBeforeCut);
  return acks;
}

/** Acknowledged writes missing from the store as reopened, each as `key@position`; and whether its chain verifies. */
async function lostAfterCut(dir: string, acks: readonly Ack[]): Promise<{ lost: string[]; chainOk: boolean; head: bigint }> {
  const store = new SqliteEventStore({ path: join(dir, 'ledger.db') });
  try {
    const commandAt = new Map<bigint, string>();
    for await (const event of store.readAll()) commandAt.set(event.position, event.metadata.commandId);
    const lost = acks.filter((ack) => commandAt.get(BigInt(ack.position)) !== ack.key).map((ack) => `${ack.key}@${ack.position}`);
    const report = await store.verify();
    return { lost, chainOk: report.ok, head: await store.headPosition() };
  } finally {
    await store.close();
  }
}

/** A store already created (and closed, so synced) before the cut is laid on it. */
async function createdStore(dir: string): Promise<void> {
  await new SqliteEventStore({ path: join(dir, 'ledger.db') }).close();
}

(compiler === undefined ? describe.skip : describe)('power loss: SQLite, two writer processes, group commit', () => {
  let dir: string;
  let library: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-power-cut-'));
    mkdirSync(join(dir, 'lib'));
    library = buildPowerCut(compiler!, join(dir, 'lib'));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('every acknowledged write survives four power cuts, and the hash chain verifies after each', async () => {
    const seed = Date.now() % 1_000_000;
    const random = randomFrom(seed);
    const models: CutModel[] = ['synced-only', 'synced-and-some-later', 'synced-only', 'synced-and-some-later'];
    let unsynced = 0;
    let acked = 0;
    for (const [n, model] of models.entries()) {
      const journal = join(dir, `journal-${n}`);
      // The first cycle creates the file under the cut as well.
      // Cuts at a moment the machine chooses, and (cycles 3 and 4) in the middle of a flush for certain.
      const acksBeforeCut = 20 + Math.floor(random() * 100);
      const dieInSync = n >= 2 ? { dieInSync: 10 + Math.floor(random() * 30) } : {};
      const acks = await writeUntilCut({ dir, library, journal, durability: 'full', firstNumber: (n + 1) * 10_000_000, acksBeforeCut, ...dieInSync });
      const cut = cutPower(journal, dir, 'ledger.db', model, random);
      const { lost, chainOk, head } = await lostAfterCut(dir, acks);
      expect({ cycle: n, model, seed, lost, chainOk }).toEqual({ cycle: n, model, seed, lost: [], chainOk: true });
      expect(head).toBeGreaterThanOrEqual(BigInt(Math.max(...acks.map((ack) => Number(ack.position)))));
      expect(cut.syncs).toBeGreaterThan(0);
      unsynced += cut.unsyncedWrites;
      acked += acks.length;
    }
    // The cuts did drop writes (commits of the writers' last groups, not yet acknowledged): the cuts in a
    // flush always do.
    expect(unsynced).toBeGreaterThan(0);
    expect(acked).toBeGreaterThan(40);
  }, 300_000);

  it('catches a store that acknowledges before its sync: with synchronous=NORMAL, acknowledged writes are lost', async () => {
    await createdStore(dir);
    const journal = join(dir, 'journal');
    const acks = await writeUntilCut({ dir, library, journal, durability: 'normal', firstNumber: 10_000_000, acksBeforeCut: 40, writers: 1 });
    cutPower(journal, dir, 'ledger.db', 'synced-only', randomFrom(1));
    const { lost, chainOk } = await lostAfterCut(dir, acks);
    expect(lost.length).toBeGreaterThan(0);
    // What is left is a consistent earlier state, not a corrupt file: the loss is of acknowledged writes.
    expect(chainOk).toBe(true);
  }, 120_000);

  it('catches a disk that acknowledges syncs it does not make: acknowledged writes are lost', async () => {
    await createdStore(dir);
    const journal = join(dir, 'journal');
    const acks = await writeUntilCut({ dir, library, journal, durability: 'full', firstNumber: 10_000_000, acksBeforeCut: 40, writers: 1, env: { POWER_CUT_LYING_DISK: '1' } });
    cutPower(journal, dir, 'ledger.db', 'synced-only', randomFrom(1));
    const { lost } = await lostAfterCut(dir, acks);
    expect(lost.length).toBeGreaterThan(0);
  }, 120_000);
});
