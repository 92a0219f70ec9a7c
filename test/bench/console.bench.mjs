// npm run bench:console — how long each main page of the web console takes to show its figures in
// Chromium, on the embedded store with a synthetic history (over 100,000 events by default), beside a
// bare page (one heading, no script) loaded the same way in the same run: the browser's own floor.
// Runs the built service (dist/). BENCH_CONSOLE_DB=path reuses a store made earlier (copied first,
// never changed); otherwise BENCH_APPLICATIONS (default 5,500, about 18.5 events each) are generated.
//
// A page counts as shown when its heading is there and no read is pending (no `[data-loading]`, which
// every read in flight carries): its figures and tables on screen, not just the document parsed. Its
// charts count as drawn once, in addition, no chart still carries `[data-drawing]` (the chart library
// is loaded after the figures are rendered). Both are the page's own clock from the start of the
// navigation to that frame (what a user waits); the wall clock around Playwright's calls, until the
// charts are drawn, is shown beside them. Before the browser starts, each page's reads are timed
// against the service alone, sent together as the page sends them: the service's share of a load.
import { printFigures } from './figures.mjs';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { Buffer } from 'node:buffer';
import { createServer } from 'node:http';
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
// BENCH_CPU_SLOWDOWN=4 runs each page (the bare page too) on a main thread Chromium slows fourfold: what a
// CPU shared with many other processes does to the page, without waiting for a busy machine.
const slowdown = Number(process.env.BENCH_CPU_SLOWDOWN ?? 1);
const applications = Number(process.env.BENCH_APPLICATIONS ?? 5500);
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
let bareServer;
try {
  const given = process.env.BENCH_CONSOLE_DB;
  if (given !== undefined) {
    for (const suffix of ['', '-wal', '-shm']) if (existsSync(given + suffix)) copyFileSync(given + suffix, dbPath + suffix);
  }
  const config = loadLedgerConfig({ LEDGER_SQLITE_PATH: dbPath, LEDGER_JWT_SECRET: secret, LEDGER_RATE_LIMIT: '0' });
  app = await createApp(config, { logger: false });
  const store = app.get(EVENT_STORE);
  if (given === undefined) {
    // The command handlers are registered when the application initialises, before it listens.
    await app.init();
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

  // Each page with the reads it sends as it first renders (the same paths as the console's pages).
  const enterpriseAt = `/api/enterprises/${someEnterprise}`;
  const pages = [
    {
      name: 'budget dashboard 预算看板',
      roles: ['supervisor'],
      path: '#/budget?programme=baoding-data-voucher&year=2025',
      reads: ['/api/programmes', '/api/budgets/baoding-data-voucher/2025', '/api/budgets/baoding-data-voucher/2025/breakdown'],
    },
    { name: 'approval queue 审批队列', roles: ['supervisor'], path: '#/queue', reads: ['/api/approval-queue', '/api/programmes'] },
    {
      name: 'enterprise 企业查询',
      roles: ['supervisor'],
      path: `#/enterprises?uscc=${someEnterprise}`,
      reads: ['/api/programmes', enterpriseAt, `${enterpriseAt}/totals`, `/api/applications?uscc=${someEnterprise}&limit=500`, `${enterpriseAt}/history`],
    },
    {
      name: 'payments 资金拨付',
      roles: ['finance'],
      path: '#/finance',
      reads: [
        '/api/programmes',
        '/api/awards/awaiting-payment',
        '/api/disbursements?status=recorded',
        '/api/disbursements?status=confirmed&latest=50',
        '/api/clawbacks?outstanding=true',
      ],
    },
    {
      name: 'audit timeline 审计核验',
      roles: ['auditor'],
      path: `#/audit?application=${someApplication.applicationId}`,
      reads: [`/api/applications/${someApplication.applicationId}/timeline`],
    },
    { name: 'applications 申报与审批', roles: ['approver'], path: '#/workflow', reads: ['/api/programmes', '/api/applications?status=in_notice&limit=51&offset=0'] },
  ];

  /** The service's side of a page: its reads sent together, as the page sends them, answered in full (median of `rounds`). */
  async function timeReads(page) {
    const headers = { Authorization: `Bearer ${await mintToken(secret, { sub: `bench-${page.roles[0]}`, roles: page.roles })}` };
    const totals = [];
    let bytes = 0;
    for (let round = 0; round < rounds; round += 1) {
      const started = performance.now();
      const bodies = await Promise.all(page.reads.map(async (path) => (await fetch(`${base}${path}`, { headers })).text()));
      totals.push(performance.now() - started);
      bytes = bodies.reduce((sum, body) => sum + Buffer.byteLength(body), 0);
    }
    return { median: median(totals), bytes };
  }
  const readRows = [];
  for (const page of pages) {
    const timed = await timeReads(page);
    readRows.push(`| ${page.name} | ${page.reads.length} | ${Math.round(timed.bytes / 1024)} | ${timed.median.toFixed(1)} |`);
  }
  const pageLoadTargetMs = 1000;

  // The floor: a page with a heading and nothing else, from a bare node:http server.
  const bare = createServer((_, response) => {
    response.setHeader('Content-Type', 'text/html; charset=utf-8');
    response.end('<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>bare</title></head><body><main><h1>空白页</h1></main></body></html>');
  });
  await new Promise((resolve) => bare.listen(0, '127.0.0.1', resolve));
  const bareBase = `http://127.0.0.1:${bare.address().port}`;
  bareServer = bare;

  browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox', '--disable-dev-shm-usage'], headless: true });
  /** Loads `url` `rounds` times in one browser profile; each load's page clock and wall clock until it is shown. */
  async function measure(url, roles) {
    // One browser profile per page: the first load fetches everything, later ones find the assets cached.
    const context = await browser.newContext({ locale: 'zh-CN' });
    if (roles !== null) {
      const token = await mintToken(secret, { sub: `bench-${roles[0]}`, roles });
      // Signed in before the page loads, as a returning user of the tab is.
      await context.addInitScript((session) => sessionStorage.setItem('ledger-console-session', session), JSON.stringify({ token, sub: `bench-${roles[0]}`, roles }));
    }
    // The page's own clock at the first frame where it is shown, and where its charts are drawn, checked every frame from the start.
    await context.addInitScript(() => {
      const check = () => {
        if (window.benchShownMs === undefined && document.querySelector('main h1') !== null && document.querySelector('[data-loading]') === null)
          window.benchShownMs = performance.now();
        if (window.benchShownMs !== undefined && document.querySelector('[data-drawing]') === null) window.benchDrawnMs = performance.now();
        else window.requestAnimationFrame(check);
      };
      window.requestAnimationFrame(check);
    });
    const page = [];
    const drawn = [];
    const wall = [];
    for (let round = 0; round < rounds; round += 1) {
      const tab = await context.newPage();
      if (slowdown > 1) await (await context.newCDPSession(tab)).send('Emulation.setCPUThrottlingRate', { rate: slowdown });
      const started = performance.now();
      await tab.goto(url);
      const [shownMs, drawnMs] = await (
        await tab.waitForFunction(() => window.benchDrawnMs && [window.benchShownMs, window.benchDrawnMs], undefined, { timeout: 60_000, polling: 'raf' })
      ).jsonValue();
      wall.push(performance.now() - started);
      page.push(shownMs);
      drawn.push(drawnMs);
      await tab.close();
    }
    await context.close();
    const later = (values) => (values.length > 1 ? values.slice(1) : values);
    return { first: page[0], median: median(later(page)), fastest: Math.min(...later(page)), drawn: median(later(drawn)), wall: median(later(wall)) };
  }

  const floor = await measure(`${bareBase}/`, null);
  const pageFigures = [];
  const rows = [
    `| bare page (baseline) | ${Math.round(floor.first)} | ${Math.round(floor.median)} | ${Math.round(floor.fastest)} | ${Math.round(floor.drawn)} | ${Math.round(floor.wall)} |`,
  ];
  const drawnFigures = [];
  for (const page of pages) {
    const timed = await measure(`${base}/${page.path}`, page.roles);
    rows.push(
      `| ${page.name} | ${Math.round(timed.first)} | ${Math.round(timed.median)} | ${Math.round(timed.fastest)} | ${Math.round(timed.drawn)} | ${Math.round(timed.wall)} |`,
    );
    pageFigures.push({ name: page.name, value: timed.median, baseline: floor.median, unit: 'ms from navigation start until shown (baseline: the bare page)' });
    drawnFigures.push({
      name: `${page.name}, charts drawn`,
      value: timed.drawn,
      baseline: floor.median,
      unit: 'ms from navigation start until its charts are drawn (baseline: the bare page)',
    });
  }
  const over = pageFigures.filter((figure) => figure.value >= pageLoadTargetMs);
  process.stdout.write(
    [
      '',
      `Console page loads in Chromium, embedded SQLite store, ${head.toLocaleString('en-US')} events, ${rounds} loads each (the first with an empty cache, the others with its assets cached)${slowdown > 1 ? `, main thread slowed ${slowdown}×` : ''}; load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')} on ${cpus().length} CPUs`,
      `work lists folded from the whole log at start: first answer ${Math.round(foldMs)} ms after the projections caught up (${Math.round((performance.now() - startedMs) / 1000)} s after start)`,
      '',
      "Each page's reads, sent together from Node.js before the browser starts (median of the rounds):",
      '',
      '| page | reads | kB answered | ms until all answered |',
      '| --- | --- | --- | --- |',
      ...readRows,
      '',
      '| page | shown, first load (ms) | shown, median of later loads (ms) | shown, fastest later load (ms) | charts drawn, median of later loads (ms) | median wall clock around Playwright, until drawn (ms) |',
      '| --- | --- | --- | --- | --- | --- |',
      ...rows,
      '',
      over.length === 0
        ? `every page shown in under ${pageLoadTargetMs} ms (median of later loads)`
        : `over ${pageLoadTargetMs} ms: ${over.map((figure) => figure.name).join(', ')}`,
      '',
    ].join('\n'),
  );
  printFigures('console', [...pageFigures, ...drawnFigures]);
} finally {
  await browser?.close();
  bareServer?.close();
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
}
