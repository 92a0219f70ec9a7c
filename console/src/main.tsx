// The console: sign-in, then the pages the signed-in roles may use, in Chinese or English.
import { render } from 'preact';
import { useEffect, useLayoutEffect, useState } from 'preact/hooks';
import { currentSession, forgetPrefetched, hasRole, onSessionChange, prefetch, signOut, type Role } from './api';
import { beijingYear } from './format';
import { lang, onLangChange, roleName, setLang, tr } from './i18n';
import { SignInPage } from './pages/sign-in';
import { Problem } from './ui';
import './style.css';

type Render = (params: URLSearchParams, rest: string) => preact.JSX.Element;

/** A page's code, fetched when the page is first opened: a page does not wait for the others' code. */
interface Page {
  key: string;
  load: () => Promise<Render>;
  /**
   * The reads the page makes first, sent while its code loads (the same paths the page asks for;
   * one that differs is simply asked for again by the page).
   */
  reads?: (params: URLSearchParams, rest: string) => string[];
}

interface Route extends Page {
  path: string;
  zh: string;
  en: string;
  roles: Role[];
}

const routes: Route[] = [
  {
    key: 'budget',
    path: 'budget',
    zh: '预算看板',
    en: 'Budgets',
    roles: ['supervisor', 'approver', 'finance', 'auditor'],
    reads: (p) => {
      const budget = `/api/budgets/${encodeURIComponent(p.get('programme') ?? 'baoding-data-voucher')}/${Number(p.get('year') ?? beijingYear())}`;
      return ['/api/programmes', budget, `${budget}/breakdown`];
    },
    load: () => import('./pages/budget').then(({ BudgetPage }) => (p) => <BudgetPage params={p} />),
  },
  {
    key: 'queue',
    path: 'queue',
    zh: '审批队列',
    en: 'Approval queue',
    roles: ['approver', 'supervisor'],
    reads: () => ['/api/approval-queue', '/api/programmes'],
    load: () => import('./pages/queue').then(({ QueuePage }) => () => <QueuePage />),
  },
  {
    key: 'workflow',
    path: 'workflow',
    zh: '申报与审批',
    en: 'Applications',
    roles: ['admin', 'reviewer', 'approver'],
    reads: (p) => {
      const status = p.get('status') ?? (hasRole('reviewer') ? 'in_review' : hasRole('approver') ? 'in_notice' : 'submitted');
      return ['/api/programmes', `/api/applications?status=${encodeURIComponent(status)}&limit=200`];
    },
    load: () => import('./pages/workflow').then(({ WorkflowPage }) => (p) => <WorkflowPage params={p} />),
  },
  {
    key: 'finance',
    path: 'finance',
    zh: '资金拨付',
    en: 'Payments',
    roles: ['finance'],
    reads: () => ['/api/programmes', '/api/awards/awaiting-payment', '/api/disbursements?status=recorded', '/api/disbursements?status=confirmed&latest=50', '/api/clawbacks?outstanding=true'],
    load: () => import('./pages/finance').then(({ FinancePage }) => () => <FinancePage />),
  },
  {
    key: 'enterprises',
    path: 'enterprises',
    zh: '企业查询',
    en: 'Enterprises',
    roles: ['admin', 'reviewer', 'approver', 'finance', 'auditor', 'supervisor'],
    reads: (p) => {
      const uscc = p.get('uscc');
      if (uscc === null) return [];
      const at = `/api/enterprises/${encodeURIComponent(uscc)}`;
      return ['/api/programmes', at, ...(hasRole('supervisor', 'auditor') ? [`${at}/totals`] : []), `/api/applications?uscc=${encodeURIComponent(uscc)}&limit=500`, `${at}/history`];
    },
    load: () => import('./pages/enterprise').then(({ EnterprisePage }) => (p) => <EnterprisePage params={p} />),
  },
  {
    key: 'audit',
    path: 'audit',
    zh: '审计核验',
    en: 'Audit',
    roles: ['auditor'],
    reads: (p) => {
      const application = p.get('application');
      return application === null ? [] : [`/api/applications/${encodeURIComponent(application)}/timeline`];
    },
    load: () => import('./pages/audit').then(({ AuditPage }) => (p) => <AuditPage params={p} />),
  },
];

const paymentNotice: Page = {
  key: 'payment-notice',
  reads: (_, rest) => [`/api/disbursements/${encodeURIComponent(rest)}`, '/api/programmes'],
  load: () => import('./pages/payment-notice').then(({ PaymentNoticePage }) => (_, rest) => <PaymentNoticePage disbursementId={rest} />),
};

const loaded = new Map<string, Render>();
const loading = new Map<string, Promise<Render>>();

/** Starts fetching a page's code (once; again after a failure, such as a network error). */
function fetchPage(page: Page): Promise<Render> {
  let pending = loading.get(page.key);
  if (pending === undefined) {
    pending = page.load().then(
      (render) => {
        loaded.set(page.key, render);
        return render;
      },
      (error: unknown) => {
        loading.delete(page.key);
        throw error;
      },
    );
    loading.set(page.key, pending);
  }
  return pending;
}

/** A page once its code is there; until then a loading line (and the problem, if its code cannot be fetched). */
function PageOf({ page, params, rest }: { page: Page; params: URLSearchParams; rest: string }) {
  const [, setTick] = useState(0);
  const [error, setError] = useState<unknown>(undefined);
  const render = loaded.get(page.key);
  // Subscribed as soon as the page is rendered, not after the first paint (which can come late while
  // fonts load): the page shows the moment its code is there.
  useLayoutEffect(() => {
    if (render !== undefined) return;
    let live = true;
    setError(undefined);
    fetchPage(page).then(
      () => live && setTick((t) => t + 1),
      (failed: unknown) => live && setError(failed),
    );
    return () => {
      live = false;
    };
  }, [page.key, render]);
  if (render !== undefined) return render(params, rest);
  if (error !== undefined) return <Problem error={error} />;
  return (
    <p class="muted" role="status" data-loading="">
      {tr('加载中…', 'Loading…')}
    </p>
  );
}

/** The page each role starts on; a user with several roles starts on the first that applies. */
const homePaths: ReadonlyArray<readonly [Role, string]> = [
  ['supervisor', 'budget'],
  ['finance', 'finance'],
  ['auditor', 'audit'],
  ['approver', 'queue'],
  ['reviewer', 'workflow'],
  ['admin', 'workflow'],
];

function parseHash(): { path: string; rest: string; params: URLSearchParams } {
  const hash = location.hash.replace(/^#\/?/, '');
  const [pathPart = '', query = ''] = hash.split('?');
  const [path = '', ...rest] = pathPart.split('/');
  return { path, rest: rest.join('/'), params: new URLSearchParams(query) };
}

function useRerender(subscribe: (listener: () => void) => () => void): void {
  const [, setTick] = useState(0);
  useEffect(() => subscribe(() => setTick((t) => t + 1)), []);
}

function App() {
  const [where, setWhere] = useState(parseHash());
  useEffect(() => {
    const changed = () => setWhere(parseHash());
    window.addEventListener('hashchange', changed);
    return () => window.removeEventListener('hashchange', changed);
  }, []);
  useRerender(onLangChange);
  useRerender(onSessionChange);
  const session = currentSession();

  if (where.path === 'sign-in' || session === null) return <SignInPage code={where.path === 'sign-in' && where.rest !== '' ? where.rest : null} />;
  if (where.path === 'payment-notice') return <PageOf page={paymentNotice} params={where.params} rest={where.rest} />;

  const allowed = routes.filter((r) => hasRole(...r.roles));
  const home = homePaths.find(([role]) => hasRole(role))?.[1];
  const route = allowed.find((r) => r.path === where.path) ?? allowed.find((r) => r.path === home) ?? allowed[0];
  return (
    <>
      <a class="skip" href="#main">
        {tr('跳到正文', 'Skip to content')}
      </a>
      <header class="top">
        <strong>{tr('补贴资金台账', 'Subsidy ledger')}</strong>
        <nav aria-label={tr('页面', 'Pages')}>
          {allowed.map((r) => (
            <a href={`#/${r.path}`} aria-current={r === route ? 'page' : undefined}>
              {lang() === 'zh' ? r.zh : r.en}
            </a>
          ))}
        </nav>
        <span class="who">
          {session.sub} · {session.roles.map(roleName).join('、')} · <span class="muted">{tr('时间均为北京时间', 'times in Beijing time')}</span>
        </span>
        <button type="button" class="link" onClick={() => setLang(lang() === 'zh' ? 'en' : 'zh')} lang={lang() === 'zh' ? 'en' : 'zh-CN'}>
          {lang() === 'zh' ? 'English' : '中文'}
        </button>
        <button type="button" class="link" onClick={() => signOut()}>
          {tr('退出', 'Sign out')}
        </button>
      </header>
      <main id="main">
        {route === undefined ? (
          <p class="problem" role="alert">
            {tr('此令牌的角色没有可用的页面。', 'The roles of this token have no page here.')}
          </p>
        ) : (
          <PageOf page={route} params={where.params} rest={where.rest} />
        )}
      </main>
    </>
  );
}

/** The route a signed-in user lands on, worked out as the App does. */
function landing(where: ReturnType<typeof parseHash>): Page | undefined {
  if (where.path === 'sign-in' || currentSession() === null) return undefined;
  if (where.path === 'payment-notice') return paymentNotice;
  const allowed = routes.filter((r) => hasRole(...r.roles));
  const home = homePaths.find(([role]) => hasRole(role))?.[1];
  return allowed.find((r) => r.path === where.path) ?? allowed.find((r) => r.path === home) ?? allowed[0];
}

// The landing page's first reads are sent at once, then its code is fetched, and only then is the
// console rendered: no frame that only says it is loading is laid out and painted first (on a busy
// machine that frame alone can take longer than the code).
const where = parseHash();
const first = landing(where);
for (const path of first?.reads?.(where.params, where.rest) ?? []) prefetch(path);
if (first !== undefined) await fetchPage(first).catch(() => undefined);
setLang(lang());
render(<App />, document.getElementById('app')!);
// The landing page has taken what it reads; anything left would be stale on a later visit.
forgetPrefetched();
