// The console: sign-in, then the pages the signed-in roles may use, in Chinese or English.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { currentSession, hasRole, onSessionChange, signOut, type Role } from './api';
import { lang, onLangChange, roleName, setLang, tr } from './i18n';
import { AuditPage } from './pages/audit';
import { BudgetPage } from './pages/budget';
import { EnterprisePage } from './pages/enterprise';
import { FinancePage } from './pages/finance';
import { PaymentNoticePage } from './pages/payment-notice';
import { QueuePage } from './pages/queue';
import { SignInPage } from './pages/sign-in';
import { WorkflowPage } from './pages/workflow';
import './style.css';

type Render = (params: URLSearchParams, rest: string) => preact.JSX.Element;

interface Route {
  path: string;
  zh: string;
  en: string;
  roles: Role[];
  render: Render;
}

// Every page's code is in the console's one script (the chart library alone is fetched when a chart is
// shown): fetching a page's own file after the script had run took longer than compiling all of them.
const routes: Route[] = [
  { path: 'budget', zh: '预算看板', en: 'Budgets', roles: ['supervisor', 'approver', 'finance', 'auditor'], render: (p) => <BudgetPage params={p} /> },
  { path: 'queue', zh: '审批队列', en: 'Approval queue', roles: ['approver', 'supervisor'], render: () => <QueuePage /> },
  { path: 'workflow', zh: '申报与审批', en: 'Applications', roles: ['admin', 'reviewer', 'approver'], render: (p) => <WorkflowPage params={p} /> },
  { path: 'finance', zh: '资金拨付', en: 'Payments', roles: ['finance'], render: () => <FinancePage /> },
  {
    path: 'enterprises',
    zh: '企业查询',
    en: 'Enterprises',
    roles: ['admin', 'reviewer', 'approver', 'finance', 'auditor', 'supervisor'],
    render: (p) => <EnterprisePage params={p} />,
  },
  { path: 'audit', zh: '审计核验', en: 'Audit', roles: ['auditor'], render: (p) => <AuditPage params={p} /> },
];

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
  if (where.path === 'payment-notice') return <PaymentNoticePage disbursementId={where.rest} />;

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
          route.render(where.params, where.rest)
        )}
      </main>
    </>
  );
}

setLang(lang());
render(<App />, document.getElementById('app')!);
