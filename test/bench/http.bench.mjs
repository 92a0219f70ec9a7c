// npm run bench:http — the API under load (autocannon), beside a bare node:http endpoint measured in
// the same run; and the approval command path beside the store's single-event durable append rate.
// Runs the built service (dist/), on a temporary SQLite file, request logging and rate limiting off.
import { printFigures } from './figures.mjs';
import autocannon from 'autocannon';
import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dist = new URL('../../dist/', import.meta.url);
const { createApp } = await import(new URL('bootstrap.js', dist).href);
const { loadLedgerConfig } = await import(new URL('config.js', dist).href);
const { mintToken } = await import(new URL('auth/tokens.js', dist).href);
const { openLedgerCommands, LedgerCommands } = await import(new URL('commands/ledger-commands.js', dist).href);
const { CommandBus } = await import('@nestjs/cqrs');
const { EVENT_STORE } = await import(new URL('event-store/event-store.js', dist).href);
const { SqliteEventStore } = await import(new URL('event-store/sqlite/sqlite-event-store.js', dist).href);
const { generateSynthetic } = await import(new URL('synthetic/generator.js', dist).href);
const { usccCheckCharacter } = await import(new URL('shared/identifiers.js', dist).href);

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`BENCH_ROUNDS must be a whole number of rounds, at least 1 (got ${process.env.BENCH_ROUNDS})`);
const queryConnections = 50;
const approvalConnections = Number(process.env.BENCH_APPROVAL_CONNECTIONS ?? 10);
const approvalCount = Number(process.env.BENCH_APPROVALS ?? 1500);
const secret = 'bench-secret-that-is-long-enough-for-hs256';
const dir = mkdtempSync(join(tmpdir(), 'ledger-http-bench-'));

function run(options, onResponse) {
  return new Promise((resolve, reject) => {
    const instance = autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
    if (onResponse !== undefined) instance.on('response', onResponse);
  });
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** A workload's median over the rounds; its ratio is the median of each round's ratio to that round's bare endpoint. */
function row(name, results, baselines, target) {
  const ratio = median(results.map((result, i) => result.requests.average / baselines[i].requests.average));
  const figure = (pick) => median(results.map(pick));
  return (
    `| ${name} | ${Math.round(figure((r) => r.requests.average)).toLocaleString('en-US')} | ${figure((r) => r.latency.p50)} | ${figure((r) => r.latency.p99)} | ` +
    `${Math.max(...results.map((r) => r.non2xx))} | ${ratio.toFixed(2)} | ${target} |`
  );
}

try {
  // The bare endpoint: what node:http alone does on this machine.
  const bare = createServer((_, response) => {
    response.setHeader('Content-Type', 'application/json');
    response.end('{"programmeId":"baoding-data-voucher","year":2025,"budget":"20000000.00","committed":"0.00","remaining":"20000000.00"}');
  });
  await new Promise((resolve) => bare.listen(0, '127.0.0.1', resolve));
  const bareUrl = `http://127.0.0.1:${bare.address().port}/`;

  // The store's single-event durable append rate, on its own file.
  const probe = new SqliteEventStore({ path: join(dir, 'append-probe.db') });
  const appendCount = 3000;
  const appendStarted = performance.now();
  for (let i = 0; i < appendCount; i += 1) {
    await probe.append(
      `s-${i % 100}`,
      [
        {
          id: randomUUID(),
          type: 'Probe',
          schemaVersion: 1,
          data: { i },
          metadata: { actorId: 'b', actorRole: 'admin', commandId: 'c', correlationId: 'c', causationId: null, recordedAt: '2025-06-01T00:00:00.000Z' },
        },
      ],
      'any',
    );
  }
  const appendsPerSecond = appendCount / ((performance.now() - appendStarted) / 1000);
  await probe.close();

  // The service, with a synthetic history and applications waiting for approval.
  const config = loadLedgerConfig({ LEDGER_SQLITE_PATH: join(dir, 'ledger.db'), LEDGER_JWT_SECRET: secret, LEDGER_RATE_LIMIT: '0', PORT: '0' });
  const app = await createApp(config, { logger: false });
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const store = app.get(EVENT_STORE);
  const ledger = (await openLedgerCommands(store)).commands;
  await generateSynthetic(ledger, { applications: 300, seed: 1 });
  // Applications noticed in November 2025: their notices have ended by the service's own clock.
  const now = '2025-11-03T02:00:00.000Z';
  const ctx = (actor, role) => ({ commandId: randomUUID(), actor: { id: actor, roles: [role] }, now });
  const ids = [];
  for (let n = 0; n < 2 * approvalCount; n += 1) {
    const first17 = `91420100${String(900_000 + n).padStart(9, '0')}`;
    const uscc = first17 + usccCheckCharacter(first17);
    await ledger.dispatch('RegisterEnterprise', ctx('admin', 'admin'), { params: {}, body: { uscc, name: `压测${n}`, city: 'wuhan' } });
    const { applicationId } = await ledger.dispatch('SubmitApplication', ctx('reviewer', 'reviewer'), {
      params: {},
      body: {
        programmeId: 'wuhan-data-product',
        uscc,
        fiscalYear: 2025,
        items: [{ invoiceNumber: String(50_000_000 + n), invoiceCode: '4200251130', invoiceDate: '2025-06-01', amount: '10000.00' }],
      },
    });
    for (const stage of ['district-preliminary', 'city-re-review', 'expert-review'])
      await ledger.dispatch('ReviewApplication', ctx('reviewer', 'reviewer'), { params: { applicationId }, body: { stage, outcome: 'pass' } });
    ids.push(applicationId);
  }
  for (let from = 0; from < ids.length; from += 500) {
    await ledger.dispatch('OpenNotice', ctx('approver', 'approver'), {
      params: {},
      body: { programmeId: 'wuhan-data-product', applicationIds: ids.slice(from, from + 500), opensOn: '2025-11-03' },
    });
  }
  // The collective decisions the approvals cite: 30 % of 10,000.00 for each.
  const decisionOf = new Map();
  for (let from = 0; from < ids.length; from += 500) {
    const listed = ids.slice(from, from + 500);
    const { decisionId } = await ledger.dispatch('RecordDecision', ctx('approver', 'approver'), {
      params: {},
      body: {
        reference: `压测决定${from}`,
        decidedOn: '2025-11-03',
        body: '武汉市数据局党组',
        kind: 'collective',
        awards: listed.map((applicationId) => ({ applicationId, amount: '3000.00' })),
      },
    });
    for (const id of listed) decisionOf.set(id, decisionId);
  }
  // Half are approved over HTTP, half through the service's own CommandBus (the command path without HTTP).
  const directIds = ids.splice(approvalCount);
  const auditor = await mintToken(secret, { sub: 'bench-auditor', roles: ['auditor', 'supervisor'] });
  const approver = await mintToken(secret, { sub: 'bench-approver', roles: ['approver'] });
  let uscc = 'none';
  for await (const event of store.readAll()) {
    if (event.type === 'AwardGranted') {
      uscc = event.data.uscc;
      break;
    }
  }

  const headers = { authorization: `Bearer ${auditor}` };
  // The bare endpoint and the queries take turns, round after round, each round starting with the
  // next one: a slower moment of the machine falls on one round, not on one workload. The bare
  // endpoint shares the process with the service, idle meanwhile, as the queries do.
  const workloads = [
    { results: [], options: { url: bareUrl } },
    { results: [], options: { url: `${url}/api/budgets/baoding-data-voucher/2025`, headers } },
    { results: [], options: { url: `${url}/api/enterprises/${uscc}/totals?year=2025`, headers } },
  ];
  for (let round = 0; round < rounds; round += 1) {
    for (let k = 0; k < workloads.length; k += 1) {
      const workload = workloads[(round + k) % workloads.length];
      workload.results[round] = await run({ ...workload.options, connections: queryConnections, duration: seconds });
    }
  }
  const [bareResults, budgetResults, totalsResults] = workloads.map((workload) => workload.results);
  bare.close();

  // Approvals: each request approves another application (each its own idempotency key). Timed from
  // the first request to the last response: autocannon itself ends a fixed amount of requests only
  // at its next one-second tick, which would cap any rate at amount / whole seconds.
  let next = 0;
  let approvalEnded = 0;
  const approvalStarted = performance.now();
  const approvals = await run(
    {
      url,
      connections: approvalConnections,
      amount: ids.length,
      requests: [
        {
          method: 'POST',
          setupRequest: (request) => {
            const id = ids[next++ % ids.length];
            return {
              ...request,
              path: `/api/applications/${id}/approval`,
              headers: { 'content-type': 'application/json', authorization: `Bearer ${approver}`, 'idempotency-key': `bench-${id}` },
              body: JSON.stringify({ decisionRef: decisionOf.get(id) }),
            };
          },
        },
      ],
    },
    () => {
      approvalEnded = performance.now();
    },
  );
  const approvalsPerSecond = ids.length / ((approvalEnded - approvalStarted) / 1000);

  // The same command path without HTTP: the service's CommandBus, 10 approvals at a time.
  const serviceLedger = new LedgerCommands(app.get(CommandBus));
  let directNext = 0;
  const approveDirectly = async () => {
    while (directNext < directIds.length) {
      const id = directIds[directNext++];
      await serviceLedger.dispatch(
        'ApproveAward',
        { commandId: `bench-direct-${id}`, actor: { id: 'bench-approver', roles: ['approver'] }, now: new Date().toISOString() },
        { params: { applicationId: id }, body: { decisionRef: decisionOf.get(id) } },
      );
    }
  };
  const directStarted = performance.now();
  await Promise.all(Array.from({ length: approvalConnections }, approveDirectly));
  const directPerSecond = directIds.length / ((performance.now() - directStarted) / 1000);

  // What the store alone does of an approval: the events one approval above appended (fresh ids, its
  // own streams but the shared budget), committed with group commit, 10 at a time, into a copy of the
  // service's file; no reads, no decision, no projection, no HTTP.
  const [processed] = await store.readStream(`command-bench-approver/bench-${ids[0]}`);
  if (processed === undefined) throw new Error(`the first approval over HTTP (${ids[0]}) was not recorded: see non-2xx above`);
  const sample = [];
  for await (const event of store.readAll({ afterPosition: processed.position - 20n, maxCount: 20 })) {
    if (event.metadata.commandId === processed.metadata.commandId) sample.push(event);
  }
  await app.close();
  copyFileSync(join(dir, 'ledger.db'), join(dir, 'approval-appends.db'));
  const approvalStore = new SqliteEventStore({ path: join(dir, 'approval-appends.db') });
  const shared = new Set(sample.filter((event) => event.stream.startsWith('budget-') || event.stream.startsWith('notice-')).map((event) => event.stream));
  let appended = 0;
  const appendOne = async () => {
    while (appended < approvalCount) {
      const n = appended++;
      const byStream = new Map();
      for (const event of sample) {
        const stream = shared.has(event.stream) ? event.stream : `${event.stream}-${n}`;
        byStream.set(stream, [
          ...(byStream.get(stream) ?? []),
          { id: randomUUID(), type: event.type, schemaVersion: event.schemaVersion, data: event.data, metadata: event.metadata },
        ]);
      }
      await approvalStore.appendMulti(
        [...byStream].map(([stream, events]) => ({ stream, expectedRevision: 'any', events })),
        [],
        { deferDurability: true },
      );
      await approvalStore.flush();
    }
  };
  const bareAppendsStarted = performance.now();
  await Promise.all(Array.from({ length: 10 }, appendOne));
  const approvalAppendsPerSecond = approvalCount / ((performance.now() - bareAppendsStarted) / 1000);
  await approvalStore.close();

  const lines = [
    `http bench: ${rounds} rounds of ${seconds} s per query workload (medians), ${queryConnections} connections; ${ids.length} approvals at ${approvalConnections} connections (request logs and rate limits off)`,
    '',
    '| workload | requests/s | p50 ms | p99 ms | non-2xx | ratio to bare | target |',
    '| --- | ---: | ---: | ---: | ---: | ---: | --- |',
    row('bare node:http endpoint', bareResults, bareResults, '—'),
    row('GET budget', budgetResults, bareResults, '≥ 0.4, p99 ≤ 10 ms'),
    row('GET enterprise totals', totalsResults, bareResults, '≥ 0.4, p99 ≤ 10 ms'),
    '',
    `approvals over HTTP: ${Math.round(approvalsPerSecond).toLocaleString('en-US')}/s (p50 ${approvals.latency.p50} ms, p99 ${approvals.latency.p99} ms, non-2xx ${approvals.non2xx}); ` +
      `store single-event durable appends: ${Math.round(appendsPerSecond).toLocaleString('en-US')}/s; ratio ${(approvalsPerSecond / appendsPerSecond).toFixed(2)} (target ≥ 0.5)`,
    `approvals through the service's CommandBus, no HTTP (${approvalConnections} at a time): ${Math.round(directPerSecond).toLocaleString('en-US')}/s; ratio ${(directPerSecond / appendsPerSecond).toFixed(2)}`,
    `an approval's append alone (${sample.length} events over ${new Set(sample.map((e) => e.stream)).size} streams, group commit, 10 at a time; no reads, decision, projection or HTTP): ` +
      `${Math.round(approvalAppendsPerSecond).toLocaleString('en-US')}/s; ratio ${(approvalAppendsPerSecond / appendsPerSecond).toFixed(2)}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  const requestsPerSecond = (results) => median(results.map((r) => r.requests.average));
  printFigures('http', [
    { name: 'GET budget', value: requestsPerSecond(budgetResults), baseline: requestsPerSecond(bareResults), unit: 'requests/s' },
    { name: 'GET enterprise totals', value: requestsPerSecond(totalsResults), baseline: requestsPerSecond(bareResults), unit: 'requests/s' },
    { name: 'approvals over HTTP', value: approvalsPerSecond, baseline: appendsPerSecond, unit: 'approvals/s' },
    { name: 'approvals through the CommandBus', value: directPerSecond, baseline: appendsPerSecond, unit: 'approvals/s' },
    { name: "an approval's append alone", value: approvalAppendsPerSecond, baseline: appendsPerSecond, unit: 'appends/s' },
  ]);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
