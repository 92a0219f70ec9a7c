// npm run bench:replay — replaying a synthetic history of ≥ 1,000,000 events into every projection,
// beside the raw limit measured in the same run: reading the same rows from SQLite and JSON-parsing
// them, with and without hashing. Each measurement runs in its own child process, so that its peak
// RSS is its own. The history is generated once (through the real commands) and kept in
// .bench/ for later runs; BENCH_EVENTS sets its size. Verification as auditors run it is measured too.
// Replay and verify take turns with the raw baseline over BENCH_ROUNDS rounds (3), each compared with
// the baseline of its own round: on a machine shared with other work, the load moves between runs,
// and a ratio of two runs minutes apart measures the neighbours. Beside wall time, each run's CPU time
// (user + system, all its threads) is reported: less sensitive to what else runs, not blind to it.
// Verify is measured as the built code runs it (dist/, compiled first), with its worker thread.
// `replay.bench.ts generate` only makes sure the history exists (the soak bench reuses it).
// @ts-expect-error -- a plain ES module shared with the .mjs benchmarks; its JSDoc types it
import { printFigures } from './figures.mjs';
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { createHash, hash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { checkpointsOf } from '../../src/audit/checkpoints.js';
import { openLedgerCommands } from '../../src/commands/ledger-commands.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { Projector } from '../../src/projections/projector.js';
import { ReadQueries } from '../../src/projections/queries.js';
import { SqliteReadModel } from '../../src/projections/sqlite-read-model.js';
import { openReadSideFile, readSidePathOf } from '../../src/projections/sqlite-read-file.js';
import { ratePerSecond } from '../../src/shared/durations.js';
import { generateSynthetic } from '../../src/synthetic/generator.js';

const eventsWanted = Number(process.env['BENCH_EVENTS'] ?? 1_000_000);
const roundCount = Math.max(1, Number(process.env['BENCH_ROUNDS'] ?? 3));
const root = join(import.meta.dirname, '..', '..');
const benchDir = join(root, '.bench');
// `-mac`: the history is written with commit MACs, as the service writes it, so that verify checks them.
const logPath = join(benchDir, `replay-${eventsWanted}-mac.db`);
/** A fixed key: the history is a fixture, and verify must hold the key it was written with. */
const benchMacKey = createHash('sha256').update('ledger replay bench MAC key').digest();

interface Measured {
  events: number;
  ms: number;
  /** CPU time (user + system, every thread of the process) over the same span as `ms`. */
  cpuMs: number;
  maxRssMb: number;
  extra?: Record<string, number | string>;
}

/** Starts the clocks of one measurement: wall time and the process's CPU time. */
function clocks(): () => { ms: number; cpuMs: number } {
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  return () => {
    const cpu = process.cpuUsage(cpuStarted);
    return { ms: performance.now() - started, cpuMs: (cpu.user + cpu.system) / 1000 };
  };
}

function measuredOf(events: number, spent: { ms: number; cpuMs: number }, extra?: Record<string, number | string>): Measured {
  return { events, ...spent, maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024), ...(extra === undefined ? {} : { extra }) };
}

/** Raw limit: every row of the log, in pages, parsed (and hashed, as verification does). */
function rawRead(withHash: boolean): Measured {
  const db = new Database(logPath, { readonly: true });
  const page = db
    .prepare(
      'SELECT position, id, stream, revision, type, schema_version, data, actor_id, actor_role, command_id, correlation_id, causation_id, recorded_at, prev_hash, hash FROM events WHERE position > ? ORDER BY position LIMIT ?',
    )
    .raw(true);
  const stop = clocks();
  let after = 0;
  let count = 0;
  let check = 0;
  for (;;) {
    const rows = page.all(after, 5_000) as unknown[][];
    if (rows.length === 0) break;
    for (const row of rows) {
      const data = JSON.parse(row[6] as string) as Record<string, unknown>;
      check += Object.keys(data).length;
      if (withHash) check += hash('sha256', (row as string[]).join('\u0000'), 'hex').length;
      count += 1;
    }
    after = row0(rows);
  }
  const spent = stop();
  db.close();
  if (check === 0) throw new Error('nothing read');
  return measuredOf(count, spent);
}

function row0(rows: unknown[][]): number {
  return rows[rows.length - 1]![0] as number;
}

/** `ledger replay`: the read side rebuilt in its own file beside the log's, as the service keeps it. */
async function replay(): Promise<Measured> {
  const store = new SqliteEventStore({ path: logPath });
  const readDb = openReadSideFile(readSidePathOf(logPath));
  const model = new SqliteReadModel(readDb);
  const projector = new Projector(store, model);
  const stop = clocks();
  const position = await projector.rebuild();
  const spent = stop();
  readDb.close();
  await store.close();
  return measuredOf(Number(position), spent);
}

/**
 * Verification as auditors run it (the built code, as `ledger verify` runs: its hashes and MACs on
 * worker threads that read the SQLite file themselves): hashes, chains, commit MACs, running totals,
 * and checkpoints every 10,000 events.
 */
async function verified(): Promise<Measured> {
  const { verifyLog } = await built<typeof import('../../src/audit/verify.js')>('audit/verify.js');
  const { SqliteEventStore } = await built<typeof import('../../src/event-store/sqlite/sqlite-event-store.js')>('event-store/sqlite/sqlite-event-store.js');
  const { sealWorkerAvailable } = await built<typeof import('../../src/event-store/hash-chain.js')>('event-store/hash-chain.js');
  if (!sealWorkerAvailable) throw new Error('the built verify has no seal worker');
  const store = new SqliteEventStore({ path: logPath });
  const checkpoints = await collect(checkpointsOf(store, 10_000));
  const stop = clocks();
  const report = await verifyLog(store, checkpoints, undefined, benchMacKey);
  const spent = stop();
  if (!report.macChecked || report.unkeyedEvents !== 0) throw new Error('the bench log was not written with commit MACs');
  await store.close();
  if (!report.ok) throw new Error(`the bench log does not verify: ${JSON.stringify(report.findings[0], (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}`);
  if (report.anchoredThrough !== report.headPosition) throw new Error('the checkpoints did not anchor the whole bench log');
  return measuredOf(report.eventsChecked, spent, { checkpoints: checkpoints.length });
}

/** A module of the built code (dist/), which `main` brings up to date before measuring. */
async function built<T>(path: string): Promise<T> {
  return (await import(pathToFileURL(join(root, 'dist', path)).href)) as T;
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

async function asOf(): Promise<Measured> {
  const store = new SqliteEventStore({ path: logPath });
  // The read side `ledger replay` rebuilt beside the log, with the log's file attached for the times of positions.
  const readDb = openReadSideFile(readSidePathOf(logPath));
  readDb.prepare('ATTACH DATABASE ? AS log').run(logPath);
  const queries = new ReadQueries(readDb, { eventsSchema: 'log' });
  const head = await store.headPosition();
  const middle = (await store.readStream('budget-baoding-data-voucher-2026', { maxCount: 1 }))[0]!;
  let slowestMs = 0;
  const stop = clocks();
  for (const question of [{ position: head / 2n }, { time: middle.metadata.recordedAt }, { time: '2027-08-01T00:00:00.000Z' }]) {
    const t = performance.now();
    await queries.budget('baoding-data-voucher', 2026, question);
    slowestMs = Math.max(slowestMs, performance.now() - t);
  }
  const spent = stop();
  readDb.close();
  await store.close();
  return measuredOf(3, spent, { slowestMs: Math.round(slowestMs * 10) / 10 });
}

async function generate(): Promise<void> {
  mkdirSync(benchDir, { recursive: true });
  const partial = `${logPath}.partial`;
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${partial}${suffix}`, { force: true });
  // Bulk generation syncs at checkpoints only; the history is a fixture, not a ledger of record.
  const store = new SqliteEventStore({ path: partial, durability: 'normal', macKey: benchMacKey });
  const started = performance.now();
  // About 17-18.5 events per application, fewer in large histories: ask for a few more than needed.
  const summary = await generateSynthetic((await openLedgerCommands(store)).commands, {
    applications: Math.ceil(eventsWanted / 16.5),
    seed: 2025,
    onProgress: (done) => process.stderr.write(`\rgenerating: ${done} applications`),
  });
  const events = await store.headPosition();
  await store.close();
  process.stderr.write(`\ngenerated ${events} events from ${summary.applications} applications in ${Math.round((performance.now() - started) / 1000)} s\n`);
  if (events < BigInt(eventsWanted)) throw new Error(`generated ${events} events, fewer than ${eventsWanted}: raise the applications per event estimate`);
  renameSync(partial, logPath);
  for (const suffix of ['-wal', '-shm']) rmSync(`${partial}${suffix}`, { force: true });
}

function child(mode: string): Measured {
  const output = execFileSync(process.execPath, ['--import', 'tsx', '--max-old-space-size=1024', join(import.meta.dirname, 'replay.bench.ts'), mode], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, BENCH_EVENTS: String(eventsWanted) },
  });
  return JSON.parse(output.trim().split('\n').pop()!) as Measured;
}

async function main(): Promise<void> {
  const mode = process.argv[2];
  if (mode === 'raw') return void process.stdout.write(`${JSON.stringify(rawRead(false))}\n`);
  if (mode === 'raw-hash') return void process.stdout.write(`${JSON.stringify(rawRead(true))}\n`);
  if (mode === 'replay') return void process.stdout.write(`${JSON.stringify(await replay())}\n`);
  if (mode === 'as-of') return void process.stdout.write(`${JSON.stringify(await asOf())}\n`);
  if (mode === 'verify') return void process.stdout.write(`${JSON.stringify(await verified())}\n`);
  // For the soak bench: the history, generated if it is not in .bench/ yet, and where it is.
  if (mode === 'generate') {
    if (!existsSync(logPath)) await generate();
    return void process.stdout.write(`${JSON.stringify({ logPath, macKeyHex: benchMacKey.toString('hex') })}\n`);
  }

  if (!existsSync(logPath)) await generate();
  // Verify runs the built code: a worker thread runs JavaScript only.
  execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-b', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  const loadBefore = loadavg()[0]!;
  const raw = child('raw');
  const rounds: { rawHash: Measured; replayed: Measured; verification: Measured }[] = [];
  for (let round = 0; round < roundCount; round += 1) {
    process.stderr.write(`round ${round + 1} of ${roundCount}\n`);
    rounds.push({ rawHash: child('raw-hash'), verification: child('verify'), replayed: child('replay') });
  }
  const loadAfter = loadavg()[0]!;
  // After a replay: on a history generated just now, the read model it queries is not built before.
  const query = child('as-of');
  const rate = (m: Measured) => ratePerSecond(m.events, m.ms);
  const cpuRate = (m: Measured) => ratePerSecond(m.events, m.cpuMs);
  const rawHashRate = median(rounds.map((r) => rate(r.rawHash)));
  const rawHashCpuRate = median(rounds.map((r) => cpuRate(r.rawHash)));
  /** The median over rounds of each round's ratio to that round's baseline. */
  const ratioOf = (pick: (r: (typeof rounds)[number]) => Measured, by: (m: Measured) => number) => median(rounds.map((r) => by(pick(r)) / by(r.rawHash)));
  const verifyRatio = ratioOf((r) => r.verification, rate);
  const verifyCpuRatio = ratioOf((r) => r.verification, cpuRate);
  const replayRatio = ratioOf((r) => r.replayed, rate);
  const replayCpuRatio = ratioOf((r) => r.replayed, cpuRate);
  const fixed = (value: number) => value.toFixed(2);
  const each = (pick: (r: (typeof rounds)[number]) => Measured) => rounds.map((r) => fixed(rate(pick(r)) / rate(r.rawHash))).join(', ');
  const row = (name: string, runs: Measured[], ratio: number, cpuRatio: number, target: string, cpuTarget = target) =>
    `| ${name} | ${Math.round(median(runs.map(rate))).toLocaleString('en-US')} | ${fixed(median(runs.map((m) => m.ms)) / 1000)} | ${fixed(median(runs.map((m) => m.cpuMs)) / 1000)} | ${Math.max(...runs.map((m) => m.maxRssMb))} | ${fixed(ratio)}${target} | ${fixed(cpuRatio)}${cpuTarget} |`;
  const lines = [
    `replay bench: ${raw.events.toLocaleString('en-US')} events (${logPath.replace(root, '.')}), ${roundCount} rounds, load average ${loadBefore.toFixed(1)} before and ${loadAfter.toFixed(1)} after`,
    '',
    '| measurement | events/s | seconds | CPU seconds | peak RSS MB | ratio to raw read + parse + hash (wall) | ratio (CPU time) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    row('raw read + JSON.parse (once)', [raw], rate(raw) / rawHashRate, cpuRate(raw) / rawHashCpuRate, ''),
    row(
      'raw read + JSON.parse + sha256',
      rounds.map((r) => r.rawHash),
      1,
      1,
      '',
    ),
    row(
      'replay into all projections',
      rounds.map((r) => r.replayed),
      replayRatio,
      replayCpuRatio,
      ' (target ≥ 0.9)',
    ),
    row(
      `verify: hashes, chains, commit MACs, running totals, ${rounds[0]?.verification.extra?.['checkpoints']} checkpoints`,
      rounds.map((r) => r.verification),
      verifyRatio,
      verifyCpuRatio,
      ' (target ≥ 0.7)',
      // Its hashes and MACs run on worker threads beside the reading one: more CPU time than one thread, in less wall time.
      ' (threads together)',
    ),
    '',
    `Medians over the rounds; a ratio is the median of each round's ratio to its own baseline. Each round's wall-time ratio: verify ${each((r) => r.verification)}; replay ${each((r) => r.replayed)}.`,
    `as-of budget query on this log: slowest of 3 took ${query.extra?.['slowestMs']} ms (target ≤ 1000 ms); peak RSS target for replay ≤ 512 MB`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  printFigures('replay', [
    { name: 'raw read + JSON.parse', value: rate(raw), baseline: rawHashRate, unit: 'events/s' },
    { name: 'replay into all projections', value: replayRatio * rawHashRate, baseline: rawHashRate, unit: 'events/s (median ratio of rounds × median baseline)' },
    {
      name: 'verify with commit MACs, running totals and checkpoints',
      value: verifyRatio * rawHashRate,
      baseline: rawHashRate,
      unit: 'events/s (median ratio of rounds × median baseline)',
    },
    { name: 'replay into all projections, CPU time', value: replayCpuRatio * rawHashCpuRate, baseline: rawHashCpuRate, unit: 'events per CPU second' },
    { name: 'verify with commit MACs, running totals and checkpoints, CPU time', value: verifyCpuRatio * rawHashCpuRate, baseline: rawHashCpuRate, unit: 'events per CPU second' },
    { name: 'slowest as-of budget query', value: Number(query.extra?.['slowestMs'] ?? 0), baseline: 1000, unit: 'ms (baseline: the target)' },
  ]);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
