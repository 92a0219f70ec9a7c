// The service side of `npm run bench:http`, run as a child process of the load generator so that the
// generator's own CPU is not counted as the service's. It builds the service (dist/) on a temporary
// SQLite file, prepares applications waiting for approval, and answers the generator's messages:
// its CPU time (`process.cpuUsage`), approvals through its own CommandBus (the command path without
// HTTP) and the approval's append alone on a copy of its file, round after round, each round of each
// path after the service has projected everything before it. BENCH_PROFILE_DIR=folder writes a CPU
// profile of the service over each approval workload's first round there (open it in Chrome DevTools).
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { reviewedApplications } from './pending-approvals.mjs';
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
const { timeOrderedUuid } = await import(new URL('shared/identifiers.js', dist).href);
const { READ_SIDE } = await import(new URL('projections/read-side.js', dist).href);

const approvalCount = Number(process.env.BENCH_APPROVALS ?? 1000);
// Rounds of each approval path, taking turns (the figures are their medians): one run of each moved
// by a fifth or more from run to run on a shared machine, and not together.
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
// Approvals made through each path before either is measured, unmeasured: the first approvals run
// code no approval has run yet (the optimising compiler's work is CPU of this process too), and
// they would otherwise all fall on whichever path is measured first.
const warmupCount = Number(process.env.BENCH_WARMUP_APPROVALS ?? 200);
const concurrency = Number(process.env.BENCH_APPROVAL_CONNECTIONS ?? 10);
const secret = 'bench-secret-that-is-long-enough-for-hs256';
const dir = mkdtempSync(join(tmpdir(), 'ledger-http-bench-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

/** CPU time of this process so far, in ms (user + system). */
function cpuMs() {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** CPU time of this process so far, in ms, in the kernel alone (system calls: disk syncs, sockets). */
function systemCpuMs() {
  return process.cpuUsage().system / 1000;
}

function send(message) {
  process.send?.(message);
}

// The bare endpoint: what node:http alone does in this process, idle otherwise as the service is. It
// sends the very answer the service gives to the budget query (its headers and body, taken from the
// service below), so that the two differ by what the service does, not by the bytes the load
// generator reads: the service's security headers triple the size of an answer's head.
let bareAnswer = { headers: { 'content-type': 'application/json' }, body: '{}' };
const bare = createServer((_, response) => {
  response.writeHead(200, bareAnswer.headers);
  response.end(bareAnswer.body);
});
await new Promise((resolve) => bare.listen(0, '127.0.0.1', resolve));

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
const config = loadLedgerConfig({ LEDGER_SQLITE_PATH: join(dir, 'ledger.db'), LEDGER_JWT_SECRET: secret, LEDGER_RATE_LIMIT: '0', LEDGER_RATE_LIMIT_ANONYMOUS: '0', PORT: '0' });
const app = await createApp(config, { logger: false });
await app.listen(0, '127.0.0.1');
const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
const store = app.get(EVENT_STORE);
// Disk syncs of the log so far, as the file counts them (each write turn's commit and each flush).
const syncCount = store.readSideHost.database.prepare('SELECT flushes FROM durability_marks WHERE id = 1').pluck();
const syncs = () => Number(syncCount.get());
const ledger = (await openLedgerCommands(store)).commands;
await generateSynthetic(ledger, { applications: 300, seed: 1 });
// Applications noticed in November 2025: their notices have ended by the service's own clock.
const now = '2025-11-03T02:00:00.000Z';
const ctx = (actor, role) => ({ commandId: randomUUID(), actor: { id: actor, roles: [role] }, now });
const ids = await reviewedApplications(ledger, { first: 0, count: 2 * (rounds * approvalCount + warmupCount), usccBase: 900_000, invoiceBase: 50_000_000, context: ctx });
for (let from = 0; from < ids.length; from += 500) {
  await ledger.dispatch('OpenNotice', ctx('approver', 'approver'), {
    params: {},
    body: { programmeId: 'wuhan-data-product', applicationIds: ids.slice(from, from + 500), opensOn: '2025-11-03' },
  });
}
// The collective decisions the approvals cite: 30 % of 10,000.00 for each.
const decisionOf = {};
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
  for (const id of listed) decisionOf[id] = decisionId;
}
// The service's answer to the budget query, for the bare endpoint to send (Node adds the date and
// the connection's own headers itself).
const auditorToken = await mintToken(secret, { sub: 'bench-auditor', roles: ['auditor', 'supervisor'] });
{
  const answer = await fetch(`${url}/api/budgets/baoding-data-voucher/2025`, { headers: { authorization: `Bearer ${auditorToken}` } });
  if (answer.status !== 200) throw new Error(`the budget query answered ${answer.status}`);
  const own = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding']);
  bareAnswer = { headers: Object.fromEntries([...answer.headers].filter(([name]) => !own.has(name))), body: await answer.text() };
}
let uscc = 'none';
for await (const event of store.readAll()) {
  if (event.type === 'AwardGranted') {
    uscc = event.data.uscc;
    break;
  }
}
// Half are approved over HTTP, half through the service's own CommandBus, `approvalCount` a round;
// of each half, the last `warmupCount` first, unmeasured.
const directIds = ids.splice(rounds * approvalCount);
const warmupIds = directIds.splice(rounds * approvalCount);
const warmupDirectIds = warmupIds.splice(warmupCount);

/** Once the read side has projected every event so far: no round pays for the projections of the one before. */
async function settled() {
  const head = await store.headPosition();
  if (!(await app.get(READ_SIDE).projector.waitFor(head, 60_000))) throw new Error(`the read side did not reach position ${head} within a minute`);
}

/** Approvals through the service's CommandBus, `concurrency` at a time: the command path without HTTP. */
async function approveDirectly(directIds) {
  const serviceLedger = new LedgerCommands(app.get(CommandBus));
  let next = 0;
  const latencies = [];
  const worker = async () => {
    while (next < directIds.length) {
      const id = directIds[next++];
      const started = performance.now();
      await serviceLedger.dispatch(
        'ApproveAward',
        { commandId: `bench-direct-${id}`, actor: { id: 'bench-approver', roles: ['approver'] }, now: new Date().toISOString() },
        { params: { applicationId: id }, body: { decisionRef: decisionOf[id] } },
      );
      latencies.push(performance.now() - started);
    }
  };
  const cpuStarted = cpuMs();
  const systemStarted = systemCpuMs();
  const syncsStarted = syncs();
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const ms = performance.now() - started;
  latencies.sort((a, b) => a - b);
  return {
    perSecond: directIds.length / (ms / 1000),
    cpuMsPerApproval: (cpuMs() - cpuStarted) / directIds.length,
    systemCpuMsPerApproval: (systemCpuMs() - systemStarted) / directIds.length,
    syncsPerApproval: (syncs() - syncsStarted) / directIds.length,
    p50: latencies[Math.floor(latencies.length / 2)],
    p99: latencies[Math.floor(latencies.length * 0.99)],
  };
}

/** The events one approval over HTTP appended, and a store on a copy of the service's file to append them to again. */
let aloneTarget;
async function appendAloneTarget() {
  if (aloneTarget !== undefined) return aloneTarget;
  const [processed] = await store.readStream(`command-bench-approver/bench-${ids[0]}`);
  if (processed === undefined) throw new Error(`the first approval over HTTP (${ids[0]}) was not recorded`);
  const sample = [];
  for await (const event of store.readAll({ afterPosition: processed.position - 20n, maxCount: 20 })) {
    if (event.metadata.commandId === processed.metadata.commandId) sample.push(event);
  }
  // A consistent copy of the open file (SQLite's online backup), as large as the service's log.
  await store.readSideHost.database.backup(join(dir, 'approval-appends.db'));
  const approvalStore = new SqliteEventStore({ path: join(dir, 'approval-appends.db') });
  const shared = new Set(sample.filter((event) => event.stream.startsWith('budget-') || event.stream.startsWith('notice-')).map((event) => event.stream));
  aloneTarget = { sample, approvalStore, shared };
  return aloneTarget;
}

/**
 * What the store alone does of an approval: the events one approval over HTTP appended (fresh ids,
 * its own streams but the shared budget and notice; the CPU time it takes is reported too), committed
 * with group commit, `concurrency` at a time, into a copy of the service's file; no reads, no
 * decision, no projection, no HTTP. The service is open meanwhile, and idle.
 */
let appendedAlone = 0;
async function appendAlone() {
  const { sample, approvalStore, shared } = await appendAloneTarget();
  const end = appendedAlone + approvalCount;
  const appendOne = async () => {
    while (appendedAlone < end) {
      const n = appendedAlone++;
      const byStream = new Map();
      for (const event of sample) {
        const stream = shared.has(event.stream) ? event.stream : `${event.stream}-${n}`;
        const events = byStream.get(stream) ?? [];
        // Ids made as the command path makes them (time-ordered), so that both insert alike into the index.
        const id = timeOrderedUuid(new Date().toISOString(), `bench-alone-${n}`, `${stream}#${events.length}`);
        byStream.set(stream, [...events, { id, type: event.type, schemaVersion: event.schemaVersion, data: event.data, metadata: event.metadata }]);
      }
      await approvalStore.appendMulti(
        [...byStream].map(([stream, events]) => ({ stream, expectedRevision: 'any', events })),
        [],
        { deferDurability: true },
      );
      await approvalStore.flush();
    }
  };
  const cpuStarted = cpuMs();
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, appendOne));
  const perSecond = approvalCount / ((performance.now() - started) / 1000);
  const cpuMsPerAppend = (cpuMs() - cpuStarted) / approvalCount;
  return { perSecond, cpuMsPerAppend, events: sample.length, streams: new Set(sample.map((e) => e.stream)).size };
}

const profileDir = process.env.BENCH_PROFILE_DIR;
const profiler = profileDir === undefined ? undefined : new Session();
if (profiler !== undefined) {
  profiler.connect();
  await profiler.post('Profiler.enable');
}

async function profiled(name, work) {
  if (profiler === undefined) return await work();
  await profiler.post('Profiler.start');
  try {
    return await work();
  } finally {
    const { profile } = await profiler.post('Profiler.stop');
    writeFileSync(join(profileDir, `${name}.cpuprofile`), JSON.stringify(profile));
  }
}

let httpProfile;
process.on('message', async (message) => {
  try {
    if (message.type === 'cpu') send({ type: 'cpu', cpuMs: cpuMs(), systemCpuMs: systemCpuMs(), syncs: syncs() });
    else if (message.type === 'profile-start') {
      let stop;
      const stopped = new Promise((resolve) => (stop = resolve));
      httpProfile = { stop, done: profiled(message.name, () => stopped) };
      send({ type: 'profile-start' });
    } else if (message.type === 'profile-stop') {
      httpProfile?.stop();
      await httpProfile?.done;
      send({ type: 'profile-stop' });
    } else if (message.type === 'warm-up') {
      const first = await approveDirectly(warmupDirectIds);
      // Retried as the HTTP path's warm-up is: the same command ids, answered with their first results.
      for (let retry = 0; retry < message.retries; retry += 1) await approveDirectly(warmupDirectIds);
      send({ type: 'warm-up', ...first });
    } else if (message.type === 'settle') {
      await settled();
      send({ type: 'settle' });
    } else if (message.type === 'direct') {
      // Round `round` of the command path without HTTP, then of the approval's append alone.
      const round = directIds.slice(message.round * approvalCount, (message.round + 1) * approvalCount);
      await settled();
      const direct = await (message.round === 0 ? profiled('approvals-commandbus', () => approveDirectly(round)) : approveDirectly(round));
      await settled();
      const alone = await appendAlone();
      send({ type: 'direct', direct, alone });
    } else if (message.type === 'finish') {
      await aloneTarget?.approvalStore.close();
      await app.close();
      bare.close();
      send({ type: 'finish' });
      process.disconnect();
    }
  } catch (error) {
    send({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
});

send({
  type: 'ready',
  rounds,
  url,
  bareUrl: `http://127.0.0.1:${bare.address().port}/`,
  appendsPerSecond,
  ids,
  warmupIds,
  decisionOf,
  uscc,
  auditor: auditorToken,
  approver: await mintToken(secret, { sub: 'bench-approver', roles: ['approver'] }),
});
