// The event store port beside a peer, Emmett 0.42 (event-driven-io), on one workload; run by
// `npm run bench:store` (store.bench.ts prints these rows with its own).
//
// One operation reads its stream(s), folds each to a running total (decimal strings), and appends one
// event per stream at the revision it read; on a conflict it reads again and retries. Rows: PostgreSQL
// and SQLite × 1 and 4 streams × one caller and 10 concurrent callers, all operations on the same
// streams. On 4 streams the port appends to all four in one appendMulti (one transaction); Emmett has
// no multi-stream append, so it makes four appendToStream calls (four transactions) one after another,
// and after a conflict it retries only the streams it has not yet written. Each caller makes one call
// at a time, reading several streams one after another: Emmett-SQLite opens a connection per call, and
// one caller's overlapping calls fail there with SQLITE_BUSY.
//
// Equal durability: every append is on disk when it resolves, on both sides. SQLite: the port's store
// at its default (WAL, synchronous=FULL, a sync per commit); Emmett sets WAL itself and leaves
// synchronous at SQLite's compiled default, FULL, which the bench reads back from a connection made by
// Emmett's own connection factory and refuses to run without. PostgreSQL: one fresh database on the
// same server for both, neither side changing the server's settings (synchronous_commit is printed).
//
// Emmett is installed apart from the ledger (benchmarks/emmett-peer: its own package.json and
// lockfile), by `npm ci` on the first run and again whenever its lockfile changes. Sides alternate
// within each round; each figure is the median of the rounds. docs/benchmarks.md says more, with figures.
import { createHash, randomUUID } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Decimal } from 'decimal.js';
import pg from 'pg';
import { type EventStore, type JsonObject, type NewEvent, type StreamRevision, WrongExpectedRevisionError } from '../../src/event-store/event-store.js';
import { PostgresEventStore } from '../../src/event-store/postgres/postgres-event-store.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { benchMetadata as metadata } from './bench-metadata.js';

const peerOpCount = Number(process.env['BENCH_PEER_OPS'] ?? 300);
const peerRoundCount = Number(process.env['BENCH_PEER_ROUNDS'] ?? 3);
/** Which engines' rows to run (comma-separated; default both): the PostgreSQL rows alone take a minute. */
const peerEngines = new Set((process.env['BENCH_PEER_ENGINES'] ?? 'postgres,sqlite').split(',').map((e) => e.trim()));
const concurrentCallerCount = 10;
const amountPerOp = '12.34';

const peerFolder = fileURLToPath(new URL('../../benchmarks/emmett-peer/', import.meta.url));

interface PeerEvent {
  type: string;
  data: JsonObject;
}

/** The calls benchmarks/emmett-peer/stores.mjs offers (a plain module of the peer's own package). */
interface PeerStore {
  aggregate<State>(stream: string, evolve: (state: State, event: PeerEvent) => State, initialState: () => State): Promise<{ version: bigint; state: State }>;
  append(stream: string, events: PeerEvent[], expectedVersion: bigint): Promise<'appended' | 'conflict'>;
  close(): Promise<void>;
}

interface PeerModule {
  openPostgres(connectionString: string): Promise<PeerStore>;
  openSqlite(fileName: string): Promise<{ store: PeerStore; journalMode: string; synchronous: number }>;
}

/** SQLite's number for synchronous=FULL, as `PRAGMA synchronous` reports it. */
const sqliteSynchronousFull = 2;

/** Installs the peer's own package unless what is installed came from the lockfile as it is now. */
function installPeer(): { installed: boolean } | string {
  const lockfile = readFileSync(join(peerFolder, 'package-lock.json'));
  const lockHash = createHash('sha256').update(lockfile).digest('hex');
  const stamp = join(peerFolder, 'node_modules', '.installed-lockfile-sha256');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === lockHash) return { installed: false };
  process.stderr.write(`installing the Emmett peer: npm ci in ${peerFolder}\n`);
  // npm's output goes to stderr: stdout carries the table and the figures line.
  const npm = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: peerFolder, stdio: ['ignore', 2, 2] });
  if (npm.status !== 0) return `npm ci in benchmarks/emmett-peer failed (${npm.error?.message ?? `exit ${npm.status}`})`;
  writeFileSync(stamp, lockHash);
  return { installed: true };
}

function evolve(total: Decimal, event: { data: JsonObject }): Decimal {
  return total.plus(event.data['amount'] as string);
}

function deposit(totalBefore: Decimal): PeerEvent {
  return { type: 'AmountDeposited', data: { amount: amountPerOp, totalAfter: totalBefore.plus(amountPerOp).toFixed(2) } };
}

/** One attempt at an operation on `streams`: the streams still to write (none: done). */
type Attempt = (streams: readonly string[]) => Promise<readonly string[]>;

function portAttempt(store: EventStore): Attempt {
  return async (streams) => {
    const states = [];
    for (const stream of streams) {
      const events = await store.readStream(stream, { forWriter: true });
      const revision: StreamRevision = events.at(-1)?.revision ?? 'no-stream';
      states.push({ stream, revision, total: events.reduce(evolve, new Decimal(0)) });
    }
    const appends = states.map(({ stream, revision, total }) => {
      const event: NewEvent = { id: randomUUID(), schemaVersion: 1, metadata, ...deposit(total) };
      return { stream, expectedRevision: revision, events: [event] };
    });
    try {
      await store.appendMulti(appends);
      return [];
    } catch (error) {
      if (error instanceof WrongExpectedRevisionError) return streams;
      throw error;
    }
  };
}

function peerAttempt(store: PeerStore): Attempt {
  return async (streams) => {
    const states = [];
    for (const stream of streams) states.push(await store.aggregate(stream, evolve, () => new Decimal(0)));
    for (const [i, stream] of streams.entries()) {
      const { version, state } = states[i]!;
      // The streams before this one are written and stay written: each call is its own transaction.
      if ((await store.append(stream, [deposit(state)], version)) === 'conflict') return streams.slice(i);
    }
    return [];
  };
}

interface Measured {
  opsPerSecond: number;
  attemptsPerOp: number;
}

/** `opCount` operations on `streams` by `callerCount` callers at once. */
async function runOps(attempt: Attempt, streams: readonly string[], callerCount: number, opCount: number): Promise<Measured> {
  let started = 0;
  let attempts = 0;
  let failed = false;
  // Each conflict follows another caller's append, made after this operation's read: an operation that
  // conflicts more often than the row appends at all is rejected by something else, and would never end.
  const attemptCountMax = opCount * streams.length + 1;
  const caller = async () => {
    while (started < opCount && !failed) {
      started += 1;
      let pending = streams;
      for (let tries = 1; pending.length > 0; tries += 1) {
        if (tries > attemptCountMax) throw new Error(`an operation still conflicted after ${attemptCountMax} attempts, more than the row's appends`);
        attempts += 1;
        pending = await attempt(pending);
      }
    }
  };
  const start = performance.now();
  // The other callers stop at their next operation once one fails, and are waited for, so that none
  // still works on the store when it is closed.
  const settled = await Promise.allSettled(
    Array.from({ length: callerCount }, () =>
      caller().catch((error: unknown) => {
        failed = true;
        throw error;
      }),
    ),
  );
  const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failure !== undefined) throw failure.reason;
  const seconds = (performance.now() - start) / 1000;
  return { opsPerSecond: opCount / seconds, attemptsPerOp: attempts / opCount };
}

/** Each stream holds one deposit per operation, whatever the conflicts: the work was done, once. */
async function checkTotals(read: (stream: string) => Promise<Decimal>, streams: readonly string[], opCount: number): Promise<void> {
  const expected = new Decimal(amountPerOp).times(opCount);
  for (const stream of streams) {
    const total = await read(stream);
    if (!total.equals(expected)) throw new Error(`${stream} totals ${total.toFixed(2)}, expected ${expected.toFixed(2)}`);
  }
}

interface Row {
  engine: 'postgres' | 'sqlite';
  streamCount: 1 | 4;
  callerCount: number;
}

const rows: readonly Row[] = (['postgres', 'sqlite'] as const)
  .filter((engine) => peerEngines.has(engine))
  .flatMap((engine) => ([1, 4] as const).flatMap((streamCount) => [1, concurrentCallerCount].map((callerCount) => ({ engine, streamCount, callerCount }))));

function rowName(row: Row): string {
  return `${row.engine}: vs Emmett, ${row.streamCount} stream${row.streamCount === 1 ? '' : 's'}, ${row.callerCount === 1 ? 'sequential' : `${row.callerCount} callers`} (ops/s)`;
}

/** What one side needs for a row in a round: an attempt on fresh streams, their totals, and cleanup. */
interface Subject {
  attempt: Attempt;
  total(stream: string): Promise<Decimal>;
  done(): Promise<void>;
}

interface Sides {
  port(label: string): Promise<Subject>;
  peer(label: string): Promise<Subject>;
  close(): Promise<void>;
}

function portSubject(store: EventStore, done: () => Promise<void>): Subject {
  return { attempt: portAttempt(store), total: async (stream) => (await store.readStream(stream)).reduce(evolve, new Decimal(0)), done };
}

function peerSubject(store: PeerStore, done: () => Promise<void>): Subject {
  return { attempt: peerAttempt(store), total: async (stream) => (await store.aggregate(stream, evolve, () => new Decimal(0))).state, done };
}

/** SQLite: a fresh database file per side, row and round. */
function sqliteSides(peer: PeerModule, dir: string): Sides {
  return {
    port: async (label) => {
      const store = new SqliteEventStore({ path: join(dir, `port-${label}.db`) });
      return portSubject(store, () => store.close());
    },
    peer: async (label) => {
      const { store, journalMode, synchronous } = await peer.openSqlite(join(dir, `emmett-${label}.db`));
      if (journalMode !== 'wal' || synchronous !== sqliteSynchronousFull) {
        throw new Error(`Emmett-SQLite runs journal_mode=${journalMode}, synchronous=${synchronous}: not the port's WAL and FULL`);
      }
      return peerSubject(store, () => store.close());
    },
    close: async () => {},
  };
}

/** PostgreSQL: both sides in one fresh database (the port in its own schema), fresh streams per row and round. */
async function postgresSides(peer: PeerModule, serverUrl: string, database: string): Promise<Sides> {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  const port = await PostgresEventStore.open({ connectionString: url.toString(), schema: 'ledger_port' });
  const emmett = await peer.openPostgres(url.toString()).catch(async (error: unknown) => {
    await port.close();
    throw error;
  });
  const close = async () => {
    await port.close();
    await emmett.close();
  };
  // Both pools open their connections here, not inside the first timed row.
  try {
    await runOps(portAttempt(port), ['warm-up'], concurrentCallerCount, concurrentCallerCount);
    await runOps(peerAttempt(emmett), ['warm-up'], concurrentCallerCount, concurrentCallerCount);
  } catch (error) {
    await close();
    throw error;
  }
  const keep = async () => {};
  return {
    port: async () => portSubject(port, keep),
    peer: async () => peerSubject(emmett, keep),
    close,
  };
}

type SideResult = Measured | { failed: string };

async function measureSide(open: (label: string) => Promise<Subject>, row: Row, round: number): Promise<SideResult> {
  const label = `${row.streamCount}-${row.callerCount}-${round}`;
  const subject = await open(label);
  const streams = Array.from({ length: row.streamCount }, (_, k) => `account-${label}-${k}`);
  try {
    const measured = await runOps(subject.attempt, streams, row.callerCount, peerOpCount);
    await checkTotals(subject.total, streams, peerOpCount);
    return measured;
  } catch (error) {
    return { failed: error instanceof Error ? error.message : String(error) };
  } finally {
    await subject.done();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

interface RowResult {
  row: Row;
  port: Measured | string;
  peer: Measured | string;
}

/** The median of the rounds, or why a side has no figure (the first failure, as it came). */
function summarise(results: SideResult[]): Measured | string {
  const failure = results.find((r): r is { failed: string } => 'failed' in r);
  if (failure !== undefined) return failure.failed;
  const measured = results as Measured[];
  return {
    opsPerSecond: median(measured.map((m) => m.opsPerSecond)),
    attemptsPerOp: median(measured.map((m) => m.attemptsPerOp)),
  };
}

async function measureRows(sides: Sides, engineRows: readonly Row[]): Promise<RowResult[]> {
  const results = engineRows.map(() => ({ port: [] as SideResult[], peer: [] as SideResult[] }));
  for (let round = 0; round < peerRoundCount; round += 1) {
    for (const [i, row] of engineRows.entries()) {
      // Alternate which side goes first, so that neither always gets the warmer disk or cache.
      const order = round % 2 === 0 ? (['port', 'peer'] as const) : (['peer', 'port'] as const);
      for (const side of order) {
        // A side that failed a row is not run on it again: one failure leaves the row without a figure.
        if (results[i]![side].some((r) => 'failed' in r)) continue;
        results[i]![side].push(await measureSide(sides[side], row, round));
      }
    }
  }
  return engineRows.map((row, i) => ({ row, port: summarise(results[i]!.port), peer: summarise(results[i]!.peer) }));
}

const targets: Record<Row['engine'], number> = { postgres: 1.2, sqlite: 5 };

function format(rate: number): string {
  return Math.round(rate).toLocaleString('en-US');
}

function tableLine(result: RowResult): string {
  const { row, port, peer } = result;
  const cells = (side: Measured | string) => (typeof side === 'string' ? ['failed', '—'] : [format(side.opsPerSecond), side.attemptsPerOp.toFixed(2)]);
  const [portRate, portAttempts] = cells(port);
  const [peerRate, peerAttempts] = cells(peer);
  const target = targets[row.engine];
  const ratio = typeof port === 'string' || typeof peer === 'string' ? undefined : port.opsPerSecond / peer.opsPerSecond;
  const met = ratio === undefined ? '—' : ratio >= target ? 'yes' : 'NO';
  return `| ${row.engine} | ${row.streamCount} | ${row.callerCount} | ${portRate} | ${peerRate} | ${ratio === undefined ? '—' : ratio.toFixed(2)} | ${portAttempts} | ${peerAttempts} | ≥ ${target} | ${met} |`;
}

function failureLines(results: RowResult[]): string[] {
  const failure = (row: Row, name: string, side: Measured | string) => (typeof side === 'string' ? [`${rowName(row)}: ${name} failed: ${side}`] : []);
  return results.flatMap(({ row, port, peer }) => [...failure(row, 'port', port), ...failure(row, 'Emmett', peer)]);
}

/** Emmett-SQLite logs each failed transaction with console.log: to stderr, so that stdout keeps the table and the figures line. */
async function withConsoleLogOnStderr<T>(work: () => Promise<T>): Promise<T> {
  const log = console.log;
  console.log = (...args: unknown[]) => console.error(...args);
  try {
    return await work();
  } finally {
    console.log = log;
  }
}

/**
 * A closed pool's connections take a moment to leave the server. Dropping the database under one that
 * is still leaving makes node-postgres raise an error no one listens for, which ends the process.
 */
async function waitForSessionsToEnd(probe: pg.Client, database: string): Promise<void> {
  const waitMsMax = 10_000;
  for (const start = performance.now(); performance.now() - start < waitMsMax;) {
    const { rows } = await probe.query<{ count: string }>('SELECT count(*) FROM pg_stat_activity WHERE datname = $1', [database]);
    if (rows[0]?.count === '0') return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export interface PeerComparison {
  lines: string[];
  figures: { name: string; value: number; baseline: number | null }[];
}

export async function comparePeer(postgresUrl: string): Promise<PeerComparison> {
  const install = installPeer();
  if (typeof install === 'string') return { lines: [`peer rows SKIPPED: ${install}`], figures: [] };
  const peerModulePath = join(peerFolder, 'stores.mjs');
  const peer = (await import(peerModulePath)) as PeerModule;
  const lines = [
    `port vs Emmett (${install.installed ? 'Emmett installed by this run' : 'Emmett already installed'} in benchmarks/emmett-peer): ${peerOpCount} operations per row, median of ${peerRoundCount} rounds, sides alternating; ops/s, attempts per operation`,
    '',
    '| store | streams | callers | port ops/s | Emmett ops/s | ratio | port attempts/op | Emmett attempts/op | target | met |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | :---: |',
  ];
  const results: RowResult[] = [];
  const notes: string[] = [];

  const probe = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 3_000 });
  let postgresSkipped: string | undefined;
  try {
    await probe.connect();
  } catch (error) {
    postgresSkipped = error instanceof Error ? error.message : String(error);
  }
  if (!peerEngines.has('postgres')) {
    await probe.end().catch(() => undefined);
    notes.push('postgres peer rows not run (BENCH_PEER_ENGINES)');
  } else if (postgresSkipped === undefined) {
    const database = `ledger_peer_${process.pid}`;
    await probe.query(`CREATE DATABASE ${database}`);
    try {
      const sides = await postgresSides(peer, postgresUrl, database);
      try {
        results.push(
          ...(await measureRows(
            sides,
            rows.filter((r) => r.engine === 'postgres'),
          )),
        );
      } finally {
        await sides.close();
      }
      const setting = await probe.query<{ synchronous_commit: string }>('SHOW synchronous_commit');
      notes.push(`postgres: both sides in database ${database} (dropped after), synchronous_commit=${setting.rows[0]?.synchronous_commit}`);
    } finally {
      await waitForSessionsToEnd(probe, database);
      await probe.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await probe.end();
    }
  } else {
    notes.push(`postgres peer rows SKIPPED: ${postgresSkipped}`);
  }

  if (peerEngines.has('sqlite')) {
    const dir = mkdtempSync(join(tmpdir(), 'ledger-peer-bench-'));
    try {
      results.push(
        ...(await withConsoleLogOnStderr(() =>
          measureRows(
            sqliteSides(peer, dir),
            rows.filter((r) => r.engine === 'sqlite'),
          ),
        )),
      );
      notes.push('sqlite: both sides journal_mode=WAL, synchronous=FULL (Emmett read back from its own connection)');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  } else {
    notes.push('sqlite peer rows not run (BENCH_PEER_ENGINES)');
  }

  return {
    lines: [...lines, ...results.map(tableLine), '', ...notes, ...failureLines(results)],
    // A row where the port failed has no figure (its failure is printed above); where Emmett failed,
    // the port's figure stands without a baseline.
    figures: results.flatMap(({ row, port, peer }) =>
      typeof port === 'string' ? [] : [{ name: rowName(row), value: port.opsPerSecond, baseline: typeof peer === 'string' ? null : peer.opsPerSecond }],
    ),
  };
}
