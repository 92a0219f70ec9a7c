// npm run bench:http — the API under load (autocannon), beside a bare node:http endpoint measured in
// the same run (it sends the service's own answer to the budget query, headers and body); and the
// approval command path beside the approval's own append with group commit. Both approval paths
// first approve a few applications unmeasured, so that neither pays alone for the first runs of code.
// The service (dist/, on a temporary SQLite file, request logging and both rate limits off) runs in a
// child process (http-service.mjs), the load generator in this one: the service's CPU per request is
// its own (`process.cpuUsage` in the service, before and after each workload), not the generator's.
import { printFigures } from './figures.mjs';
import autocannon from 'autocannon';
import { fork } from 'node:child_process';
import { loadavg } from 'node:os';

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`BENCH_ROUNDS must be a whole number of rounds, at least 1 (got ${process.env.BENCH_ROUNDS})`);
const queryConnections = 50;
const approvalConnections = Number(process.env.BENCH_APPROVAL_CONNECTIONS ?? 10);

const service = fork(new URL('http-service.mjs', import.meta.url), { env: { ...process.env, BENCH_APPROVAL_CONNECTIONS: String(approvalConnections) } });
const replies = [];
const waiting = [];
service.on('message', (message) => {
  if (message.type === 'error') {
    process.stderr.write(`the service failed: ${message.message}\n`);
    process.exit(1);
  }
  const next = waiting.shift();
  if (next === undefined) replies.push(message);
  else next(message);
});
service.on('exit', (code) => {
  if (code !== 0 && code !== null) {
    process.stderr.write(`the service exited with ${code}\n`);
    process.exit(1);
  }
});
/** The service's next message (its answer to the request sent, if any). */
function reply(request) {
  if (request !== undefined) service.send(request);
  const queued = replies.shift();
  return queued !== undefined ? Promise.resolve(queued) : new Promise((resolve) => waiting.push(resolve));
}
/** The service's CPU time so far (all, and in the kernel alone) and its log's disk syncs. */
const serviceUsage = async () => await reply({ type: 'cpu' });

function run(options, onResponse) {
  return new Promise((resolve, reject) => {
    const instance = autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
    if (onResponse !== undefined) instance.on('response', onResponse);
  });
}

/** A workload run, with the service's CPU time per request over it. */
async function measured(options, onResponse) {
  const before = await serviceUsage();
  const result = await run(options, onResponse);
  const after = await serviceUsage();
  const requests = Math.max(1, result.requests.total);
  return {
    ...result,
    cpuMsPerRequest: (after.cpuMs - before.cpuMs) / requests,
    systemCpuMsPerRequest: (after.systemCpuMs - before.systemCpuMs) / requests,
    syncsPerRequest: (after.syncs - before.syncs) / requests,
  };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const ready = await reply();
const { url, bareUrl, ids, warmupIds, decisionOf, uscc, auditor, approver, appendsPerSecond, rounds: approvalRounds } = ready;
const load = [loadavg()[0]];

// The bare endpoint and the queries take turns, round after round, each round starting with the
// next one: a slower moment of the machine falls on one round, not on one workload.
const headers = { authorization: `Bearer ${auditor}` };
const workloads = [
  { results: [], options: { url: bareUrl } },
  { results: [], options: { url: `${url}/api/budgets/baoding-data-voucher/2025`, headers } },
  { results: [], options: { url: `${url}/api/enterprises/${uscc}/totals?year=2025`, headers } },
];
for (let round = 0; round < rounds; round += 1) {
  for (let k = 0; k < workloads.length; k += 1) {
    const index = (round + k) % workloads.length;
    const workload = workloads[index];
    // The first round of each query is profiled where asked (BENCH_PROFILE_DIR).
    if (round === 0 && index > 0) await reply({ type: 'profile-start', name: `query-${index}` });
    workload.results[round] = await measured({ ...workload.options, connections: queryConnections, duration: seconds });
    if (round === 0 && index > 0) await reply({ type: 'profile-stop' });
  }
}
const [bareResults, budgetResults, totalsResults] = workloads.map((workload) => workload.results);
load.push(loadavg()[0]);

// Approvals: each request approves another application (each its own idempotency key). Timed from
// the first request to the last response: autocannon itself ends a fixed amount of requests only
// at its next one-second tick, which would cap any rate at amount / whole seconds.
function approvalsOverHttp(list, onResponse) {
  let next = 0;
  return measured(
    {
      url,
      connections: approvalConnections,
      amount: list.length,
      requests: [
        {
          method: 'POST',
          setupRequest: (request) => {
            const id = list[next++ % list.length];
            return {
              ...request,
              path: `/api/applications/${id}/approval`,
              headers: { 'content-type': 'application/json', authorization: `Bearer ${approver}`, 'idempotency-key': `bench-${id}` },
              body: JSON.stringify({ decisionRef: decisionOf[id] }),
            };
          },
        },
      ],
    },
    onResponse,
  );
}
// Both paths approve a few first, unmeasured (the service's first approvals run code not run before),
// then send those approvals again, `warmupRetries` times: retries with the same idempotency keys and
// bodies, answered with the first result and appending nothing. V8 optimises a function only once it
// has run many times, and the HTTP path runs far more code than the command path alone (Fastify,
// Nest's router, validation, serialisation): its CPU per request fell from about 1 ms to its steady
// 0.2 ms only after some 3,000 requests, so that 200 approvals left most of its compilation inside the
// measured ones, as a cost per approval that a running service pays once.
const warmupRetries = Number(process.env.BENCH_WARMUP_RETRIES ?? 15);
const warmup = await approvalsOverHttp(warmupIds);
if (warmup.non2xx > 0) throw new Error(`${warmup.non2xx} of the warm-up approvals over HTTP failed`);
for (let retry = 0; retry < warmupRetries; retry += 1) {
  const again = await approvalsOverHttp(warmupIds);
  if (again.non2xx > 0) throw new Error(`${again.non2xx} of the retried warm-up approvals over HTTP failed`);
}
await reply({ type: 'warm-up', retries: warmupRetries });
// The three approval workloads take turns, round after round: over HTTP, through the CommandBus, the
// append alone; each starts once the service has projected everything before it.
const approvalCount = ids.length / approvalRounds;
const httpRounds = [];
const directRounds = [];
const aloneRounds = [];
for (let round = 0; round < approvalRounds; round += 1) {
  await reply({ type: 'settle' });
  if (round === 0) await reply({ type: 'profile-start', name: 'approvals-http' });
  let approvalEnded = 0;
  const approvalStarted = performance.now();
  const approvals = await approvalsOverHttp(ids.slice(round * approvalCount, (round + 1) * approvalCount), () => {
    approvalEnded = performance.now();
  });
  httpRounds.push({ ...approvals, perSecond: approvalCount / ((approvalEnded - approvalStarted) / 1000) });
  if (round === 0) await reply({ type: 'profile-stop' });
  const { direct, alone } = await reply({ type: 'direct', round });
  directRounds.push(direct);
  aloneRounds.push(alone);
}
await reply({ type: 'finish' });
load.push(loadavg()[0]);
/** The median of one figure over the rounds. */
const over = (roundsOf, pick) => median(roundsOf.map(pick));
/** The median of the rounds' own ratios, and each round's. */
const ratioOver = (numerators, denominators, pick) => {
  const each = numerators.map((round, i) => pick(round) / pick(denominators[i]));
  return { median: median(each), each };
};
const approvals = {
  perSecond: over(httpRounds, (r) => r.perSecond),
  p50: over(httpRounds, (r) => r.latency.p50),
  p99: over(httpRounds, (r) => r.latency.p99),
  cpuMsPerRequest: over(httpRounds, (r) => r.cpuMsPerRequest),
  systemCpuMsPerRequest: over(httpRounds, (r) => r.systemCpuMsPerRequest),
  syncsPerRequest: over(httpRounds, (r) => r.syncsPerRequest),
  non2xx: Math.max(...httpRounds.map((r) => r.non2xx)),
};
const direct = {
  perSecond: over(directRounds, (r) => r.perSecond),
  p50: over(directRounds, (r) => r.p50),
  p99: over(directRounds, (r) => r.p99),
  cpuMsPerApproval: over(directRounds, (r) => r.cpuMsPerApproval),
  systemCpuMsPerApproval: over(directRounds, (r) => r.systemCpuMsPerApproval),
  syncsPerApproval: over(directRounds, (r) => r.syncsPerApproval),
};
const alone = {
  perSecond: over(aloneRounds, (r) => r.perSecond),
  cpuMsPerAppend: over(aloneRounds, (r) => r.cpuMsPerAppend),
  events: aloneRounds[0].events,
  streams: aloneRounds[0].streams,
};
const commandBusOverAlone = ratioOver(directRounds, aloneRounds, (r) => r.perSecond);
const httpOverCommandBus = ratioOver(httpRounds, directRounds, (r) => r.perSecond);
const httpCpuOverCommandBus = ratioOver(
  httpRounds.map((r) => r.cpuMsPerRequest),
  directRounds.map((r) => r.cpuMsPerApproval),
  (value) => value,
);
const rounded = ({ each }) => each.map((ratio) => ratio.toFixed(2)).join(', ');

const queryRow = (name, results, target) => {
  const ratio = median(results.map((result, i) => result.requests.average / bareResults[i].requests.average));
  const figure = (pick) => median(results.map(pick));
  return (
    `| ${name} | ${Math.round(figure((r) => r.requests.average)).toLocaleString('en-US')} | ${figure((r) => r.latency.p50)} | ${figure((r) => r.latency.p99)} | ` +
    `${figure((r) => r.cpuMsPerRequest).toFixed(3)} | ${Math.max(...results.map((r) => r.non2xx))} | ${ratio.toFixed(2)} | ${target} |`
  );
};
const rate = (value) => Math.round(value).toLocaleString('en-US');
const lines = [
  `http bench: service in its own process; ${rounds} rounds of ${seconds} s per query workload (medians), ${queryConnections} connections; ` +
    `${approvalRounds} rounds of ${approvalCount} approvals over HTTP, as many through the CommandBus and as many appends alone, taking turns (medians), ${approvalConnections} at a time, ` +
    `each approval path after ${warmupIds.length} warm-up approvals sent ${warmupRetries + 1} times (request logs and rate limits off); ` +
    `load average ${load.map((l) => l.toFixed(1)).join(' → ')}`,
  '',
  '| workload | requests/s | p50 ms | p99 ms | service CPU ms/request | non-2xx | ratio to bare | target |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  queryRow("bare node:http endpoint (the budget query's answer)", bareResults, '—'),
  queryRow('GET budget', budgetResults, '≥ 0.6, p99 ≤ 10 ms'),
  queryRow('GET enterprise totals', totalsResults, '≥ 0.6, p99 ≤ 10 ms'),
  '',
  '| approvals | per second | p50 ms | p99 ms | service CPU ms/approval | of which in the kernel | disk syncs/approval | non-2xx |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  `| over HTTP | ${rate(approvals.perSecond)} | ${approvals.p50} | ${approvals.p99} | ${approvals.cpuMsPerRequest.toFixed(3)} | ${approvals.systemCpuMsPerRequest.toFixed(3)} | ${approvals.syncsPerRequest.toFixed(2)} | ${approvals.non2xx} |`,
  `| through the service's CommandBus (no HTTP) | ${rate(direct.perSecond)} | ${direct.p50.toFixed(1)} | ${direct.p99.toFixed(1)} | ${direct.cpuMsPerApproval.toFixed(3)} | ${direct.systemCpuMsPerApproval.toFixed(3)} | ${direct.syncsPerApproval.toFixed(2)} | — |`,
  `| the approval's append alone (${alone.events} events over ${alone.streams} streams, group commit) | ${rate(alone.perSecond)} | | | ${alone.cpuMsPerAppend.toFixed(3)} | | | — |`,
  `| the store's single-event durable append | ${rate(appendsPerSecond)} | | | | | | — |`,
  '',
  `CommandBus approvals / the approval's append alone, median of the rounds' ratios: ${commandBusOverAlone.median.toFixed(2)} (rounds ${rounded(commandBusOverAlone)}; target ≥ 0.8); in CPU time per approval, ${(alone.cpuMsPerAppend / direct.cpuMsPerApproval).toFixed(2)}`,
  `approvals over HTTP / through the CommandBus: ${httpOverCommandBus.median.toFixed(2)} (rounds ${rounded(httpOverCommandBus)}; target ≥ 0.7)`,
  `service CPU per approval, over HTTP / through the CommandBus: ${httpCpuOverCommandBus.median.toFixed(2)} (rounds ${rounded(httpCpuOverCommandBus)}; target ≤ 1.3)`,
];
process.stdout.write(`${lines.join('\n')}\n`);
const requestsPerSecond = (results) => median(results.map((r) => r.requests.average));
const p99 = (results) => median(results.map((r) => r.latency.p99));
printFigures('http', [
  { name: 'GET budget', value: requestsPerSecond(budgetResults), baseline: requestsPerSecond(bareResults), unit: 'requests/s' },
  { name: 'GET budget p99', value: p99(budgetResults), baseline: p99(bareResults), unit: 'ms' },
  { name: 'GET enterprise totals', value: requestsPerSecond(totalsResults), baseline: requestsPerSecond(bareResults), unit: 'requests/s' },
  { name: 'GET enterprise totals p99', value: p99(totalsResults), baseline: p99(bareResults), unit: 'ms' },
  { name: 'approvals through the CommandBus', value: direct.perSecond, baseline: alone.perSecond, unit: 'approvals/s' },
  { name: 'approvals over HTTP', value: approvals.perSecond, baseline: direct.perSecond, unit: 'approvals/s' },
  { name: 'service CPU per approval over HTTP', value: approvals.cpuMsPerRequest, baseline: direct.cpuMsPerApproval, unit: 'ms' },
  { name: "an approval's append alone", value: alone.perSecond, baseline: appendsPerSecond, unit: 'appends/s' },
  { name: 'service CPU per approval through the CommandBus', value: direct.cpuMsPerApproval, baseline: alone.cpuMsPerAppend, unit: 'ms' },
]);
