// npm run bench:console — how long each main page of the web console takes to show its figures in
// Chromium, on the embedded store with a synthetic history (about 100,000 events by default).
// Runs the built service (dist/). BENCH_CONSOLE_DB=path reuses a store made earlier (copied first,
// never changed); otherwise BENCH_APPLICATIONS (default 5,000, about 20 events each) are generated.
import { printFigures } from './figures.mjs';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const dist = new URL('../../dist/', import.meta.url);
const { createApp } = await import(new URL('bootstrap.js', dist).href);
const { loadLedgerConfig } = await import(new URL('config.js', dist).href);
const { mintToken } = await import(new URL('auth/tokens.js', dist).href);
const { LedgerCommands } = await import(new URL('commands/ledger-commands.js', dist).href);
const { CommandBus } = await import('@nestjs/cqrs');
const { EVENT_STORE } = await import(new URL('event-store/event-store.js', dist).href);
const { READ_SIDE } = await import(new URL('projections/read-side.js', dist).href);
const { generateSynthetic } = await import(new URL('synthetic/generator.js', dist).href);

const chromiumPath = process.env.LEDGER_CHROMIUM_PATH ?? '/usr/bin/chromium';
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const applications = Number(process.env.BENCH_APPLICATIONS ?? 5000);
const secret = 'bench-secret-that-is-long-enough-for-hs256';
const dir = mkdtempSync(join(tmpdir(), 'ledger-console-bench-'));
const dbPath = join(dir, 'ledger.db');

if (!existsSync(chromiumPath)) {
  process.stdout.write(`SKIPPED: no Chromium at ${chromiumPath} (apt-get install -y chromium, or set LEDGER_CHROMIUM_PATH)\n`);
  process.exit(0);
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

let app;
let browser;
try {
  const given = process.env.BENCH_CONSOLE_DB;
  if (given !== undefined) {
    for (const suffix of ['', '-wal', '-shm']) if (existsSync(given + suffix)) copyFileSync(given + suffix, dbPath + suffix);
  }
  const config = loadLedgerConfig({ LEDGER_SQLITE_PATH: dbPath, LEDGER_JWT_SECRET: secret, LEDGER_RATE_LIMIT: '0' });
  app = await createApp(config, { logger: false });
  const store = app.get(EVENT_STORE);
  if (given === undefined) {
    process.stdout.write(`generating ${applications} applications…\n`);
    await generateSynthetic(new LedgerCommands(app.get(CommandBus)), { applications, seed: 2025 });
  }
  const startedMs = performance.now();
  await app.listen(0, '127.0.0.1');
  const head = await store.headPosition();
  const readSide = app.get(READ_SIDE);
  if (!(await readSide.projector.waitFor(head, 600_000))) throw new Error('the projections did not catch up within 10 minutes');
  const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const supervisor = await mintToken(secret, { sub: 'bench-supervisor', roles: ['supervisor'] });
  // The work lists fold the whole log once, when the service starts: time the first answer after that.
  const foldStartedMs = performance.now();
  await fetch(`${base}/api/disbursements?status=recorded`, { headers: { Authorization: `Bearer ${await mintToken(secret, { sub: 'bench-finance', roles: ['finance'] })}` } });
  const foldMs = performance.now() - foldStartedMs;
  const someApplication = (await (await fetch(`${base}/api/applications?limit=1&status=approved`, { headers: { Authorization: `Bearer ${supervisor}` } })).json())[0];
  const someEnterprise = someApplication.uscc;

  const pages = [
    { name: 'budget dashboard 预算看板', roles: ['supervisor'], path: '#/budget?programme=baoding-data-voucher&year=2025' },
    { name: 'approval queue 审批队列', roles: ['supervisor'], path: '#/queue' },
    { name: 'enterprise 企业查询', roles: ['supervisor'], path: `#/enterprises?uscc=${someEnterprise}` },
    { name: 'payments 资金拨付', roles: ['finance'], path: '#/finance' },
    { name: 'audit timeline 审计核验', roles: ['auditor'], path: `#/audit?application=${someApplication.applicationId}` },
    { name: 'applications 申报与审批', roles: ['approver'], path: '#/workflow' },
  ];

  browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox', '--disable-dev-shm-usage'], headless: true });
  const pageFigures = [];
  const pageLoadTargetMs = 1000;
  const rows = [];
  for (const page of pages) {
    const token = await mintToken(secret, { sub: `bench-${page.roles[0]}`, roles: page.roles });
    const timings = [];
    // One browser profile per page: the first load fetches everything, later ones find the assets cached.
    const context = await browser.newContext({ locale: 'zh-CN' });
    // Signed in before the page loads, as a returning user of the tab is.
    await context.addInitScript(
      (session) => sessionStorage.setItem('ledger-console-session', session),
      JSON.stringify({ token, sub: `bench-${page.roles[0]}`, roles: page.roles }),
    );
    for (let round = 0; round < rounds; round += 1) {
      const tab = await context.newPage();
      const started = performance.now();
      await tab.goto(`${base}/${page.path}`);
      // Shown: the page's heading is there and nothing is still loading.
      await tab.waitForFunction(() => document.querySelector('main h1') !== null && document.querySelector('[data-loading]') === null, undefined, {
        timeout: 60_000,
        polling: 'raf',
      });
      timings.push(performance.now() - started);
      await tab.close();
    }
    await context.close();
    const later = timings.length > 1 ? timings.slice(1) : timings;
    rows.push(`| ${page.name} | ${Math.round(timings[0])} | ${Math.round(median(later))} | ${Math.round(Math.min(...later))} |`);
    pageFigures.push({ name: page.name, value: median(later), baseline: pageLoadTargetMs, unit: 'ms (baseline: the 1 s target)' });
  }
  process.stdout.write(
    [
      '',
      `Console page loads in Chromium, embedded SQLite store, ${head.toLocaleString('en-US')} events, ${rounds} loads each (the first with an empty cache, the others with its assets cached); load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')} on ${cpus().length} CPUs`,
      `work lists folded from the whole log at start: first answer ${Math.round(foldMs)} ms after the projections caught up (${Math.round((performance.now() - startedMs) / 1000)} s after start)`,
      '',
      '| page | first load (ms) | median of later loads (ms) | fastest later load (ms) |',
      '| --- | --- | --- | --- |',
      ...rows,
      '',
    ].join('\n'),
  );
  printFigures('console', pageFigures);
} finally {
  await browser?.close();
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
}
