// Sign-in: paste a token from `ledger token`, or follow the one-time link a local trial prints.
import { useEffect, useState } from 'preact/hooks';
import { get, signInWithCode, signInWithToken, signOut } from '../api';
import { lang, setLang, tr } from '../i18n';
import { Problem } from '../ui';

function enter(): void {
  // The code leaves the address bar and the history: it is spent.
  history.replaceState(null, '', '#/');
  dispatchEvent(new HashChangeEvent('hashchange'));
}

export function SignInPage({ code }: { code: string | null }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (code === null) return;
    setBusy(true);
    signInWithCode(code).then(enter, (e: unknown) => {
      setError(e);
      setBusy(false);
    });
  }, [code]);

  const submit = async (event: Event) => {
    event.preventDefault();
    setError(undefined);
    if (signInWithToken(token) === null) {
      setError(new Error(tr('这不是台账签发的令牌(需要 sub 和 roles)。', 'This is not a ledger token (it needs sub and roles).')));
      return;
    }
    setBusy(true);
    try {
      // The API checks the signature: a token it refuses signs nobody in.
      await get('/api/programmes', { consistent: false });
      enter();
    } catch (e) {
      signOut();
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" class="sign-in">
      <div class="lang-switch">
        <button type="button" class="link" onClick={() => setLang(lang() === 'zh' ? 'en' : 'zh')}>
          {lang() === 'zh' ? 'English' : '中文'}
        </button>
      </div>
      <h1>{tr('补贴资金台账 · 登录', 'Subsidy ledger · sign in')}</h1>
      {code !== null && busy && <p>{tr('正在使用一次性登录链接登录…', 'Signing in with the one-time link…')}</p>}
      <form onSubmit={submit} class="card">
        <label class="field">
          <span>{tr('访问令牌', 'Access token')}</span>
          <textarea name="token" rows={5} value={token} onInput={(e) => setToken((e.target as HTMLTextAreaElement).value)} required spellcheck={false} autocomplete="off" />
        </label>
        <p class="muted">
          {tr('令牌由系统管理员在服务器上签发:', 'An administrator mints a token on the server:')} <code>npm run ledger -- token --sub YOUR-ID --roles finance</code>
        </p>
        <p class="muted">
          {tr(
            '本地试用(内置数据库、未配置密钥)时,npm start 会打印一个一次性登录链接,以本地管理员身份登录。',
            'On a local trial (embedded store, no secret configured) npm start prints a one-time link that signs you in as the local administrator.',
          )}
        </p>
        <button type="submit" disabled={busy}>
          {tr('登录', 'Sign in')}
        </button>
        <Problem error={error} />
      </form>
    </main>
  );
}
