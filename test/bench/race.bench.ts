// npm run bench:race — approvals racing one programme-year budget, at the store, on PostgreSQL and SQLite.
//
// Each of the racers reads the budget stream, folds it (the amount committed so far), and appends a
// commitment to the budget and the approval to its own stream in one appendMulti at the budget's
// revision; a conflict reads the budget again and retries. A second race queues the racers per budget
// in the process before they read, as a command runner with a keyed queue does: they wait instead of
// retrying. The baseline, measured in the same run, is the same callers doing the same work on
// budgets of their own: what the race costs is the ratio.
// Then PostgreSQL's append throughput at 1 and at 10 concurrent callers (one-event appends to
// distinct streams), the 10 beside the 1.
// @ts-expect-error -- a plain ES module shared with the .mjs benchmarks; its JSDoc types it
import { printFigures } from './figures.mjs';
import { Decimal } from 'decimal.js';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { WrongExpectedRevisionError, type EventStore, type NewEvent } from '../../src/event-store/event-store.js';
import { PostgresEventStore } from '../../src/event-store/postgres/postgres-event-store.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';

const racerCount = Number(process.env['BENCH_RACERS'] ?? 50);
const roundCount = Number(process.env['BENCH_ROUNDS'] ?? 3);
const throughputAppendCount = Number(process.env['BENCH_PG_APPENDS'] ?? 2_000);
const postgresUrl = process.env['LEDGER_TEST_POSTGRES_URL'] ?? process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

function eventOf(type: string, data: Record<string, string>): NewEvent {
  const commandId = randomUUID();
  return {
    id: randomUUID(),
    type,
    schemaVersion: 1,
    data,
    metadata: { actorId: 'u-finance-1', actorRole: 'finance', commandId, correlationId: commandId, causationId: null, recordedAt: new Date().toISOString() },
  };
}

interface Approval {
  readonly milliseconds: number;
  readonly attempts: number;
}

/** One approval: read the budget, fold it, append to it and to the application, again on a conflict. */
async function approve(store: EventStore, budget: string, application: string): Promise<Approval> {
  const started = performance.now();
  for (let attempts = 1; ; attempts += 1) {
    const events = await store.readStream(budget, { forWriter: true });
    const committed = events.reduce((sum, event) => (event.type === 'AwardCommitted' ? sum.plus(String(event.data['amount'])) : sum), new Decimal(0));
    const last = events[events.length - 1];
    if (last === undefined) throw new Error(`budget ${budget} was not opened`);
    const amount = '1000.00';
    try {
      await store.appendMulti([
        { stream: budget, expectedRevision: last.revision, events: [eventOf('AwardCommitted', { application, amount, committedAfter: committed.plus(amount).toFixed(2) })] },
        { stream: application, expectedRevision: 'no-stream', events: [eventOf('AwardApproved', { budget, amount })] },
      ]);
      return { milliseconds: performance.now() - started, attempts };
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError) || error.stream !== budget) throw error;
    }
  }
}

interface RaceFigures {
  readonly p50: number;
  readonly p99: number;
  readonly attemptsPerApproval: number;
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
}

function figuresOf(approvals: readonly Approval[]): RaceFigures {
  const sorted = approvals.map((a) => a.milliseconds).sort((a, b) => a - b);
  return { p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99), attemptsPerApproval: approvals.reduce((sum, a) => sum + a.attempts, 0) / approvals.length };
}

/** Runs work one after another per key: a budget's racers wait for each other in the process. */
class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const result = (this.tails.get(key) ?? Promise.resolve()).then(work);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}

/**
 * All racers at once, on one budget (`shared`) or each on a budget of its own (the baseline); `queued`:
 * each racer's read and append wait in the process for the racer before it on the same budget.
 */
async function race(store: EventStore, round: string, shared: boolean, queued = false): Promise<RaceFigures> {
  const budgetOf = (i: number) => (shared ? `budget-${round}-shared` : `budget-${round}-own-${i}`);
  const budgets = shared ? [budgetOf(0)] : Array.from({ length: racerCount }, (_, i) => budgetOf(i));
  for (const budget of budgets) await store.append(budget, [eventOf('BudgetOpened', { total: '100000000.00' })], 'no-stream');
  const queue = new KeyedQueue();
  const approvals = await Promise.all(
    Array.from({ length: racerCount }, (_, i) => {
      const approval = () => approve(store, budgetOf(i), `application-${round}-${shared ? 'shared' : 'own'}-${i}`);
      if (!queued) return approval();
      // The wait in the queue counts in the approval's latency.
      const started = performance.now();
      return queue.run(budgetOf(i), approval).then((done) => ({ ...done, milliseconds: performance.now() - started }));
    }),
  );
  const committed = (await store.readStream(budgetOf(0))).filter((event) => event.type === 'AwardCommitted').length;
  if (committed !== (shared ? racerCount : 1)) throw new Error(`the budget holds ${committed} commitments`);
  return figuresOf(approvals);
}

/** One-event appends to distinct streams by `callers` concurrent callers: appends per second. */
async function throughput(store: EventStore, round: string, callers: number): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (next < throughputAppendCount) {
        const i = next;
        next += 1;
        await store.append(`throughput-${round}-${callers}-${i}`, [eventOf('DisbursementRecorded', { amount: '12345.67', paymentRef: `PAY-${i}` })], 'no-stream');
      }
    }),
  );
  return throughputAppendCount / ((performance.now() - started) / 1000);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

interface StoreResults {
  readonly race: RaceFigures[];
  readonly queued: RaceFigures[];
  readonly baseline: RaceFigures[];
}

async function raceRounds(store: EventStore, name: string): Promise<StoreResults> {
  const results: StoreResults = { race: [], queued: [], baseline: [] };
  for (let round = 0; round < roundCount; round += 1) {
    results.baseline.push(await race(store, `${name}-${round}`, false));
    results.race.push(await race(store, `${name}-${round}`, true));
    results.queued.push(await race(store, `${name}-${round}-queued`, true, true));
  }
  return results;
}

async function postgresReachable(): Promise<string | undefined> {
  const probe = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 3_000 });
  try {
    await probe.connect();
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await probe.end().catch(() => undefined);
  }
}

async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.end();
}

const format = (value: number, digits = 1) => value.toFixed(digits);

async function main(): Promise<void> {
  const rows: string[] = [];
  const figures: { name: string; value: number; baseline: number | null; unit?: string }[] = [];
  const report = (store: string, results: StoreResults) => {
    for (const [label, pick, unit] of [
      ['p50 latency', (f: RaceFigures) => f.p50, 'ms'],
      ['p99 latency', (f: RaceFigures) => f.p99, 'ms'],
      ['attempts per approval', (f: RaceFigures) => f.attemptsPerApproval, 'attempts'],
    ] as const) {
      const baseline = median(results.baseline.map(pick));
      for (const [how, measured] of [
        ['retrying', results.race],
        ['queued per budget', results.queued],
      ] as const) {
        const value = median(measured.map(pick));
        rows.push(
          `| ${store}, ${how}: ${label} | ${measured.map((f) => format(pick(f), 2)).join(' / ')} | ${format(value, 2)} | ${format(baseline, 2)} | ${format(value / baseline, 2)} |`,
        );
        figures.push({ name: `${store}: ${racerCount} approvals racing one budget, ${how}, ${label} (${unit})`, value, baseline, unit });
      }
    }
  };

  const dir = mkdtempSync(join(tmpdir(), 'ledger-race-bench-'));
  try {
    const sqlite = new SqliteEventStore({ path: join(dir, 'race.db') });
    report('sqlite', await raceRounds(sqlite, 'sqlite'));
    await sqlite.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const unreachable = await postgresReachable();
  const throughputRows: string[] = [];
  if (unreachable === undefined) {
    const schema = `bench_race_${process.pid}`;
    const store = await PostgresEventStore.open({ connectionString: postgresUrl, schema, poolSizeMax: racerCount });
    try {
      report('postgres', await raceRounds(store, 'postgres'));
      const one: number[] = [];
      const ten: number[] = [];
      for (let round = 0; round < roundCount; round += 1) {
        one.push(await throughput(store, `${round}`, 1));
        ten.push(await throughput(store, `${round}`, 10));
      }
      throughputRows.push(`| postgres: appends/s, 1 caller | ${one.map((v) => format(v, 0)).join(' / ')} | ${format(median(one), 0)} |`);
      throughputRows.push(`| postgres: appends/s, 10 callers | ${ten.map((v) => format(v, 0)).join(' / ')} | ${format(median(ten), 0)} |`);
      figures.push({ name: 'postgres: one-event appends/s, 10 concurrent callers (baseline: 1 caller)', value: median(ten), baseline: median(one), unit: 'appends/s' });
    } finally {
      await store.close();
      await dropSchema(schema);
    }
  }

  const lines = [
    `race bench: ${racerCount} approvals racing one budget (read, fold, appendMulti at the budget's revision, retry on conflict), ${roundCount} rounds, medians`,
    `baseline: the same ${racerCount} callers, each on a budget of its own`,
    '',
    '| figure | rounds | median | baseline | ratio |',
    '| --- | --- | ---: | ---: | ---: |',
    ...rows,
    '',
    unreachable === undefined
      ? [
          `postgres throughput: ${throughputAppendCount} one-event appends to distinct streams per round`,
          '',
          '| figure | rounds | median |',
          '| --- | --- | ---: |',
          ...throughputRows,
        ].join('\n')
      : `postgres rows SKIPPED: ${unreachable}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  printFigures('race', figures);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
