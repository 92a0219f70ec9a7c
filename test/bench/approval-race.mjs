// Fifty approvals racing one programme-year budget through the command path (the service's own
// CommandBus, no HTTP), on the embedded store and on PostgreSQL (where LEDGER_BENCH_POSTGRES_URL, or
// the local default, answers), beside the same number of approvals made one at a time in the same
// round: each approval's latency from dispatch to answer (p50, p99, and that of the one dispatched
// first, which need not wait for the rest of the race), its attempts (a conflict with
// another writer makes another), and the approvals a second of the race (all of it, from the first
// dispatch to the last answer) beside those of the approvals made one at a time. Runs the built
// service (dist/); `npm run bench:approval-race`.
import { printFigures } from './figures.mjs';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { reviewedApplications } from './pending-approvals.mjs';

const dist = new URL('../../dist/', import.meta.url);
const { openLedgerCommands } = await import(new URL('commands/ledger-commands.js', dist).href);
const { useCases } = await import(new URL('commands/use-cases.js', dist).href);
const { SqliteEventStore } = await import(new URL('event-store/sqlite/sqlite-event-store.js', dist).href);
const { PostgresEventStore } = await import(new URL('event-store/postgres/postgres-event-store.js', dist).href);

const racers = Number(process.env.BENCH_RACERS ?? 50);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const postgresUrl = process.env.LEDGER_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

// Attempts: each attempt of an approval loads its states once.
const approve = useCases.ApproveAward;
let loads = 0;
useCases.ApproveAward = {
  ...approve,
  load: (...args) => {
    loads += 1;
    return approve.load(...args);
  },
};

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

function median(values) {
  return percentile(values, 0.5);
}

/** Applications waiting for approval in one programme-year, each with its notice ended and its decision recorded. */
async function prepare(ledger, count, first) {
  const now = '2025-11-03T02:00:00.000Z';
  const ctx = (actor, role) => ({ commandId: randomUUID(), actor: { id: actor, roles: [role] }, now });
  const ids = await reviewedApplications(ledger, { first, count, usccBase: 800_000, invoiceBase: 60_000_000, context: ctx });
  await ledger.dispatch('OpenNotice', ctx('approver', 'approver'), { params: {}, body: { programmeId: 'wuhan-data-product', applicationIds: ids, opensOn: '2025-11-03' } });
  const { decisionId } = await ledger.dispatch('RecordDecision', ctx('approver', 'approver'), {
    params: {},
    body: {
      reference: `竞争决定${first}`,
      decidedOn: '2025-11-03',
      body: '武汉市数据局党组',
      kind: 'collective',
      awards: ids.map((applicationId) => ({ applicationId, amount: '3000.00' })),
    },
  });
  return ids.map((id) => ({ id, decisionId }));
}

/** Each approval's latency, the attempts all of them took, and approvals a second over the whole. */
async function approveAll(ledger, pending, together) {
  const latencies = [];
  const loadsBefore = loads;
  const started = performance.now();
  let first;
  const one = async ({ id, decisionId }, i) => {
    const started = performance.now();
    await ledger.dispatch(
      'ApproveAward',
      { commandId: randomUUID(), actor: { id: 'approver', roles: ['approver'] }, now: new Date().toISOString() },
      { params: { applicationId: id }, body: { decisionRef: decisionId } },
    );
    latencies.push(performance.now() - started);
    if (i === 0) first = latencies[latencies.length - 1];
  };
  if (together) await Promise.all(pending.map(one));
  else for (const [i, approval] of pending.entries()) await one(approval, i);
  const perSecond = pending.length / ((performance.now() - started) / 1000);
  return { latencies, first, attempts: (loads - loadsBefore) / pending.length, perSecond };
}

async function raceOn(name, store) {
  const { commands: ledger, close } = await openLedgerCommands(store);
  try {
    await ledger.publishBuiltInProgrammes('2025-05-01T00:00:00.000Z');
    await ledger.dispatch(
      'AllocateBudget',
      { commandId: randomUUID(), actor: { id: 'admin', roles: ['admin'] }, now: '2025-05-01T00:00:00.000Z' },
      { params: { programmeId: 'wuhan-data-product' }, body: { year: 2025, amount: '100000000.00' } },
    );
    const racing = [];
    const alone = [];
    const attempts = [];
    const racingPerSecond = [];
    const firstAnswered = [];
    const alonePerSecond = [];
    for (let round = 0; round < rounds; round += 1) {
      const prepared = await prepare(ledger, 2 * racers, round * 2 * racers);
      // One at a time first, then all at once: the same budget, the same kind of approval.
      const single = await approveAll(ledger, prepared.slice(racers), false);
      alone.push(single.latencies);
      alonePerSecond.push(single.perSecond);
      const raced = await approveAll(ledger, prepared.slice(0, racers), true);
      racing.push(raced.latencies);
      attempts.push(raced.attempts);
      racingPerSecond.push(raced.perSecond);
      firstAnswered.push(raced.first);
    }
    // Each round's own ratio: where a burst's turns fall moves it from round to round.
    const ratios = racing.map((l) => percentile(l, 0.5) / percentile(l, 0.99));
    return {
      name,
      roundRatio: median(ratios),
      roundsAtHalf: ratios.filter((ratio) => ratio <= 0.5).length,
      p50: median(racing.map((l) => percentile(l, 0.5))),
      p99: median(racing.map((l) => percentile(l, 0.99))),
      first: median(firstAnswered),
      aloneP50: median(alone.map((l) => percentile(l, 0.5))),
      attempts: median(attempts),
      perSecond: median(racingPerSecond),
      alonePerSecond: median(alonePerSecond),
    };
  } finally {
    await close();
  }
}

const results = [];
const dir = mkdtempSync(join(tmpdir(), 'ledger-race-'));
const load = [loadavg()[0]];
try {
  const sqlite = new SqliteEventStore({ path: join(dir, 'ledger.db') });
  try {
    results.push(await raceOn('SQLite', sqlite));
  } finally {
    await sqlite.close();
  }
  const schema = `ledger_race_${process.pid}`;
  let postgres;
  try {
    postgres = await PostgresEventStore.open({ connectionString: postgresUrl, schema });
  } catch (error) {
    process.stdout.write(`PostgreSQL skipped: ${postgresUrl} did not answer (${error instanceof Error ? error.message : String(error)})\n`);
  }
  if (postgres !== undefined) {
    try {
      results.push(await raceOn('PostgreSQL', postgres));
    } finally {
      await postgres.close();
      const client = new pg.Client({ connectionString: postgresUrl });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
load.push(loadavg()[0]);

const lines = [
  `approval race: ${racers} approvals of one programme-year budget dispatched at once through the command path, beside ${racers} made one at a time; medians of ${rounds} rounds; load average ${load.map((l) => l.toFixed(1)).join(' → ')}`,
  '',
  '| store | racing p50 ms | racing p99 ms | p50 / p99 | round by round: median, rounds ≤ 0.5 | first dispatched ms | attempts per approval | one at a time p50 ms | racing approvals/s | one at a time approvals/s | target |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  ...results.map(
    (r) =>
      `| ${r.name} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${(r.p50 / r.p99).toFixed(2)} | ${r.roundRatio.toFixed(2)}, ${r.roundsAtHalf} of ${rounds} | ${r.first.toFixed(1)} | ${r.attempts.toFixed(2)} | ${r.aloneP50.toFixed(1)} | ` +
      `${r.perSecond.toFixed(0)} | ${r.alonePerSecond.toFixed(0)} | ` +
      `${r.name === 'SQLite' ? 'p50 ≤ 0.5 × p99' : 'p99 ≤ 400 ms, ≤ 1.5 attempts'} |`,
  ),
];
process.stdout.write(`${lines.join('\n')}\n`);
printFigures(
  'approval-race',
  results.flatMap((r) => [
    { name: `${r.name} racing approvals p99`, value: r.p99, baseline: r.aloneP50, unit: 'ms' },
    { name: `${r.name} racing approvals p50`, value: r.p50, baseline: r.p99, unit: 'ms' },
    { name: `${r.name} racing approvals p50 over p99, median round`, value: r.roundRatio, baseline: 0.5, unit: 'ratio' },
    { name: `${r.name} first dispatched racing approval`, value: r.first, baseline: r.p99, unit: 'ms' },
    { name: `${r.name} attempts per racing approval`, value: r.attempts, baseline: 1, unit: 'attempts' },
    { name: `${r.name} racing approvals per second`, value: r.perSecond, baseline: r.alonePerSecond, unit: 'approvals/s' },
  ]),
);
