// The web console in a real browser (Debian's Chromium driven by playwright-core): one journey per
// role against the real service on a temporary SQLite store, an accessibility check of each main
// page (axe-core: no serious or critical violations) and a screenshot of each, kept under
// test-artifacts/console/ for CI. Without Chromium the suite says plainly that it was skipped and
// why; where CI asks for it (LEDGER_REQUIRE_BROWSER=1) a missing Chromium fails instead.
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import axe from 'axe-core';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { AppModule } from '../../src/app.module.js';
import { mintToken } from '../../src/auth/tokens.js';
import { configureApp, ledgerHttpAdapter } from '../../src/bootstrap.js';
import type { Role } from '../../src/shared/actor.js';
import { loadLedgerConfig } from '../../src/config.js';
import { consoleAssetsDir } from '../../src/console/console.module.js';
import { CLOCK } from '../../src/http/api.controller.js';
import { usccFor } from '../support/world.js';

const chromiumPath = process.env['LEDGER_CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const root = join(import.meta.dirname, '..', '..');
const artifactsDir = join(root, 'test-artifacts', 'console');
const secret = 'a-browser-test-secret-that-is-long-enough';
const browserRequired = process.env['LEDGER_REQUIRE_BROWSER'] === '1';
const chromiumFound = existsSync(chromiumPath);

if (!chromiumFound) {
  const reason = `Chromium not found at ${chromiumPath} (install it with: apt-get install -y chromium, or set LEDGER_CHROMIUM_PATH)`;
  if (browserRequired) throw new Error(`browser tests required (LEDGER_REQUIRE_BROWSER=1) but ${reason}`);
  process.stdout.write(`\nSKIPPED: the console's browser tests did not run: ${reason}.\n\n`);
}

const describeInBrowser = chromiumFound ? describe : describe.skip;
const stepTimeoutMs = 15_000;

/** Terminal colours out of a process's output (ESC [ … m). */
const stripAnsi = (text: string): string => text.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'), '');

describeInBrowser('web console in Chromium', () => {
  let dir: string;
  let app: NestFastifyApplication;
  let base: string;
  let browser: Browser;
  let now = new Date('2025-06-03T02:00:00.000Z');
  const uscc = usccFor(8801);
  const enterpriseName = '保定智算科技有限公司';
  let applicationId = '';

  beforeAll(async () => {
    if (!existsSync(join(consoleAssetsDir, 'index.html'))) throw new Error(`the console is not built (${consoleAssetsDir}): run npm run build first (npm test does)`);
    mkdirSync(artifactsDir, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), 'ledger-console-'));
    const config = loadLedgerConfig({ LEDGER_SQLITE_PATH: join(dir, 'ledger.db'), LEDGER_JWT_SECRET: secret, LEDGER_RATE_LIMIT: '0' });
    const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config)] })
      .overrideProvider(CLOCK)
      .useValue(() => now)
      .compile();
    app = await configureApp(moduleRef.createNestApplication<NestFastifyApplication>(ledgerHttpAdapter({ logger: false }), { logger: false }));
    await app.listen(0, '127.0.0.1');
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox', '--disable-dev-shm-usage'], headless: true });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  /** A fresh browser (its own session storage) signed in by pasting a token, as a user would. */
  async function signedIn(sub: string, roles: Role[]): Promise<Page> {
    const context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: { width: 1360, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(stepTimeoutMs);
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error' && !/Failed to load resource/.test(message.text())) errors.push(message.text());
    });
    (page as Page & { errors: string[] }).errors = errors;
    await page.goto(`${base}/#/sign-in`);
    await page.getByLabel('访问令牌').fill(await mintToken(secret, { sub, roles }));
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByRole('navigation', { name: '页面' }).waitFor();
    return page;
  }

  /** No serious or critical accessibility violation, and a screenshot kept for CI. */
  async function checkPage(page: Page, name: string): Promise<void> {
    await page.evaluate(axe.source);
    const result = await page.evaluate(() =>
      (globalThis as unknown as { axe: typeof axe }).axe.run((globalThis as unknown as { document: never }).document, { resultTypes: ['violations'] }),
    );
    const serious = result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join('; ')})`);
    expect({ page: name, serious }).toEqual({ page: name, serious: [] });
    await page.screenshot({ path: join(artifactsDir, `${name}.png`), fullPage: true });
    expect((page as Page & { errors: string[] }).errors).toEqual([]);
  }

  it('shows the sign-in page in Chinese, with an English switch', async () => {
    const context = await browser.newContext({ locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto(`${base}/`);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('补贴资金台账 · 登录');
    await checkPageWithoutErrors(page, 'sign-in');
    await page.getByRole('button', { name: 'English' }).click();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Subsidy ledger · sign in');
    await page.getByLabel('Access token').fill('not-a-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor();
    await context.close();
  });

  async function checkPageWithoutErrors(page: Page, name: string): Promise<void> {
    (page as Page & { errors: string[] }).errors = [];
    await checkPage(page, name);
  }

  it('lets an administrator register an enterprise and a reviewer submit and review an application', async () => {
    const admin = await signedIn('admin-1', ['admin']);
    await admin.getByRole('link', { name: '申报与审批' }).click();
    await admin.getByText('登记企业').click();
    const register = admin.locator('details', { hasText: '登记企业' });
    await register.getByLabel('统一社会信用代码').fill(uscc);
    await register.getByLabel('企业名称').fill(enterpriseName);
    await register.getByLabel('区县').fill('竞秀区');
    await register.getByRole('button', { name: '登记' }).click();
    await register.getByRole('status').waitFor();
    await admin.context().close();

    const reviewer = await signedIn('reviewer-1', ['reviewer']);
    await reviewer.getByText('受理申请(按发票)').click();
    const submit = reviewer.locator('details', { hasText: '受理申请' });
    await submit.getByLabel('统一社会信用代码').fill(uscc);
    await submit.getByLabel('申报年度').fill('2025');
    await submit.getByLabel('发票号码').fill('25130000000000008801');
    await submit.getByLabel('开票日期').fill('2025-05-20');
    await submit.getByLabel('金额(元)').fill('1200000.00');
    await submit.getByRole('button', { name: '提交' }).click();
    const desk = reviewer.getByRole('heading', { name: /^办理申请 / });
    await desk.waitFor();
    applicationId = ((await desk.textContent()) ?? '').replace('办理申请 ', '').trim();
    expect(applicationId).not.toBe('');
    for (const [stage, done] of [
      ['区县初审', 1],
      ['市级复核', 2],
      ['专家评审', 3],
    ] as const) {
      const form = reviewer.getByRole('form', { name: '记录审核' });
      await expect(form.getByLabel('审核环节').inputValue()).resolves.toBe(['district-preliminary', 'city-re-review', 'expert-review'][done - 1]);
      if (done === 3) await form.getByLabel('认定金额(元,可选)').fill('1100000.00');
      await form.getByRole('button', { name: '记录' }).click();
      await reviewer.locator('ol li', { hasText: stage }).waitFor();
    }
    await reviewer.locator('dd', { hasText: '审核完成' }).waitFor();
    await checkPage(reviewer, 'applications-reviewer');
    await reviewer.context().close();
  }, 120_000);

  it('lets an approver open the notice and, once it has ended, approve with the entitlement and the budget left in view', async () => {
    const approver = await signedIn('approver-1', ['approver']);
    await approver.getByRole('link', { name: '申报与审批' }).click();
    await approver.getByLabel('状态').selectOption('reviewed');
    await approver.getByRole('checkbox', { name: new RegExp(applicationId) }).check();
    await approver.getByLabel('公示开始日期').fill('2025-06-03');
    await approver.getByRole('button', { name: '开始公示' }).click();
    await approver
      .getByRole('status')
      .getByText(/截止 2025-06-10/)
      .waitFor();
    await approver.context().close();

    now = new Date('2025-06-11T02:00:00.000Z');
    const again = await signedIn('approver-1', ['approver']);
    await again.getByRole('link', { name: '审批队列' }).click();
    await again.getByRole('cell', { name: applicationId }).waitFor();
    await checkPage(again, 'approval-queue');
    await again.getByRole('link', { name: '审批', exact: true }).click();
    const approve = again.getByRole('form', { name: '集体研究批准' });
    await approve.getByText('应得奖励').waitFor();
    await expect(approve.textContent()).resolves.toContain('认定金额 1,100,000.00');
    await expect(approve.textContent()).resolves.toContain('预算剩余: 20,000,000.00');
    await approve.getByLabel('集体研究决定文号').fill('党组会议2025-7');
    await expect(approve.getByLabel('决策机构').inputValue()).resolves.toBe('保定市数据局党组');
    await approve.getByLabel('决定日期').fill('2025-06-11');
    await approve.getByRole('button', { name: '批准' }).click();
    await again.locator('dd', { hasText: '已批准' }).waitFor();
    await again.context().close();
  }, 120_000);

  it('keeps maker and checker apart: one finance user records the payment, another confirms it, and the notice prints the amount in 大写', async () => {
    const maker = await signedIn('finance-1', ['finance']);
    await maker
      .getByRole('row', { name: new RegExp(applicationId) })
      .getByRole('button', { name: '登记拨付…' })
      .click();
    await maker.getByLabel('支付凭证号').fill('PAY-2025-0001');
    await maker.getByLabel('支付日期').fill('2025-06-11');
    await expect(maker.getByLabel('金额(元)').inputValue()).resolves.toBe('300000.00');
    await maker.getByText('批准人: approver-1').waitFor();
    await maker.getByRole('button', { name: '登记', exact: true }).click();
    const pending = maker.getByRole('article', { name: '拨付 PAY-2025-0001' });
    await pending.getByText('您登记了这笔拨付:须由另一位财务人员复核').waitFor();
    await expect(pending.getByRole('button', { name: '复核确认' }).isDisabled()).resolves.toBe(true);
    await checkPage(maker, 'payments-maker');
    await maker.context().close();

    const checker = await signedIn('finance-2', ['finance']);
    const toCheck = checker.getByRole('article', { name: '拨付 PAY-2025-0001' });
    await toCheck.getByText('经办: finance-1').waitFor();
    await toCheck.getByRole('button', { name: '复核确认' }).click();
    await checker.getByRole('link', { name: '打开并打印' }).click();
    await checker.getByRole('heading', { name: '专项资金拨付通知' }).waitFor();
    await expect(checker.locator('.payment-notice').textContent()).resolves.toContain('人民币叁拾万元整');
    await expect(checker.locator('.payment-notice').textContent()).resolves.toContain('¥300,000.00');
    await expect(checker.locator('.payment-notice').textContent()).resolves.toContain(enterpriseName);
    await checkPage(checker, 'payment-notice');
    await checker.context().close();
  }, 120_000);

  it("answers a supervisor's questions: the budget, as of a past day, and an enterprise by name", async () => {
    const supervisor = await signedIn('supervisor-1', ['supervisor']);
    await supervisor.getByRole('spinbutton', { name: '年度' }).fill('2025');
    await supervisor.getByRole('spinbutton', { name: '年度' }).press('Tab');
    const figures = supervisor.locator('table.figures');
    await figures.getByRole('row', { name: /已承诺\s*300,000.00/ }).waitFor();
    await figures.getByRole('row', { name: /已拨付\s*300,000.00/ }).waitFor();
    await figures.getByRole('row', { name: /剩余可用\s*19,700,000.00\s*1,970.00/ }).waitFor();
    await supervisor.locator('.chart svg').first().waitFor();
    await checkPage(supervisor, 'budget');
    await supervisor.getByLabel('截至').selectOption('date');
    await supervisor.getByLabel('日期').fill('2025-06-05');
    await supervisor.getByLabel('日期').press('Tab');
    await figures.getByRole('row', { name: /已承诺\s*0.00/ }).waitFor();

    await supervisor.getByRole('link', { name: '企业查询' }).click();
    await supervisor.getByLabel('企业名称或统一社会信用代码').fill('智算');
    await supervisor.getByRole('button', { name: '查询' }).click();
    await supervisor.getByRole('button', { name: new RegExp(uscc) }).click();
    await supervisor.getByRole('heading', { name: `${enterpriseName} · ${uscc}` }).waitFor();
    await supervisor.getByRole('row', { name: /2025\s*数智券\s*1,100,000.00\s*300,000.00\s*300,000.00/ }).waitFor();
    await checkPage(supervisor, 'enterprise');
    await supervisor.context().close();
  }, 120_000);

  it("gives an auditor the application's timeline with positions and hashes, and a verification of the log", async () => {
    const auditor = await signedIn('auditor-1', ['auditor']);
    await auditor.goto(`${base}/#/audit?application=${applicationId}`);
    const timeline = auditor.locator('table.timeline');
    await timeline.getByRole('row', { name: /复核确认拨付\s*finance-2/ }).waitFor();
    await timeline.getByRole('row', { name: /集体研究批准\s*approver-1/ }).waitFor();
    await expect(timeline.locator('code.hash').first().textContent()).resolves.toMatch(/^[0-9a-f]{64}$/);
    await auditor.getByRole('button', { name: '开始核验' }).click();
    await auditor.getByText('核验通过').waitFor();
    const download = auditor.waitForEvent('download');
    await auditor.getByRole('button', { name: '导出事件(CSV)' }).click();
    expect((await download).suggestedFilename()).toBe('ledger-events.csv');
    await checkPage(auditor, 'audit');
    await auditor.context().close();
  }, 120_000);
});

describeInBrowser('the one-time sign-in link of a local trial', () => {
  let dir: string;
  let service: ChildProcess | undefined;
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(join(root, 'dist', 'main.js'))) throw new Error('dist/main.js is missing: run npm run build first (npm test does)');
    dir = mkdtempSync(join(tmpdir(), 'ledger-console-trial-'));
    browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox', '--disable-dev-shm-usage'], headless: true });
  });

  afterAll(async () => {
    service?.kill('SIGTERM');
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('signs the holder of the link printed by the service in as the local administrator, once', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', LEDGER_SQLITE_PATH: join(dir, 'ledger.db'), NO_COLOR: '1' };
    delete env['LEDGER_JWT_SECRET'];
    delete env['NODE_ENV'];
    delete env['LEDGER_STORE'];
    service = spawn(process.execPath, [join(root, 'dist', 'main.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const link = await new Promise<string>((resolve, reject) => {
      let output = '';
      const timer = setTimeout(() => reject(new Error(`no sign-in link printed within 30 s:\n${output}`)), 30_000);
      service!.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString('utf8');
        const found = /(http:\/\/localhost:\d+\/#\/sign-in\/[A-Za-z0-9_-]+)/.exec(stripAnsi(output));
        if (found !== null) {
          clearTimeout(timer);
          resolve(found[1]!);
        }
      });
      service!.once('exit', (code) => reject(new Error(`the service exited (${code}) before printing a link:\n${output}`)));
    });
    const page = await (await browser.newContext({ locale: 'zh-CN' })).newPage();
    page.setDefaultTimeout(stepTimeoutMs);
    await page.goto(link.replace('localhost', '127.0.0.1'));
    await page.getByText(/local-admin · 管理员/).waitFor();
    // Spent: the address no longer holds it, and a second use is refused.
    expect(page.url()).not.toContain('sign-in/');
    const second = await (await browser.newContext({ locale: 'zh-CN' })).newPage();
    await second.goto(link.replace('localhost', '127.0.0.1'));
    await second.getByRole('alert').waitFor();
    await expect(second.getByRole('alert').textContent()).resolves.toContain('UNAUTHENTICATED');
  }, 90_000);
});
