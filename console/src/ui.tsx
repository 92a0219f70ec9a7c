// Small pieces every page uses: loading a read, showing an API problem, a form field, an amount.
import type { ComponentChildren } from 'preact';
import { useCallback, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { ApiProblem } from './api';
import { beijingTime, wan, yuan } from './format';
import { lang, tr } from './i18n';

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

/** Runs `load` now and whenever `deps` change; `reload` runs it again (after a write). */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({ data: undefined, error: undefined, loading: true });
  const [round, setRound] = useState(0);
  const key = [...deps, round];
  // The read starts while the page renders, not after its first paint: the request is on its way
  // while the browser lays out and paints what is there already.
  const started = useRef<{ key: unknown[]; result: Promise<T> } | null>(null);
  if (started.current === null || !sameKey(started.current.key, key)) {
    const result = load();
    // Handled by the effect below; a page closed before it runs leaves no unhandled rejection.
    result.catch(() => undefined);
    started.current = { key, result };
  }
  const result = started.current.result;
  // Listened to before the first paint: an answer that comes while the page paints is shown at once.
  useLayoutEffect(() => {
    let live = true;
    setState((s) => (s.loading && s.error === undefined ? s : { ...s, loading: true, error: undefined }));
    result.then(
      (data) => live && setState({ data, error: undefined, loading: false }),
      (error: unknown) => live && setState({ data: undefined, error, loading: false }),
    );
    return () => {
      live = false;
    };
  }, [result]);
  const reload = useCallback(() => setRound((r) => r + 1), []);
  return { ...state, reload };
}

function sameKey(a: unknown[], b: unknown[]): boolean {
  return a.length === b.length && a.every((value, i) => Object.is(value, b[i]));
}

export function messageOf(error: unknown): string {
  if (error instanceof ApiProblem) {
    const detail = lang() === 'zh' && error.detailZh !== null ? `${error.detailZh}(${error.detail})` : error.detail;
    return `${error.code} · ${detail}`;
  }
  return error instanceof Error ? error.message : String(error);
}

export function Problem({ error }: { error: unknown }) {
  if (error === undefined || error === null) return null;
  return (
    <p class="problem" role="alert">
      {messageOf(error)}
    </p>
  );
}

export function Loading({ loaded }: { loaded: { loading: boolean; error: unknown } }) {
  if (loaded.error !== undefined) return <Problem error={loaded.error} />;
  return loaded.loading ? (
    <p class="muted" role="status" data-loading="">
      {tr('加载中…', 'Loading…')}
    </p>
  ) : null;
}

/** An amount in 元 with separators; a title gives it in 万元 for comparison. */
export function Yuan({ amount }: { amount: string | null | undefined }) {
  if (amount === null || amount === undefined) return <span class="amount">—</span>;
  return (
    <span class="amount" title={`${wan(amount)} ${tr('万元', '10k yuan')}`}>
      {yuan(amount)}
    </span>
  );
}

export function Time({ iso }: { iso: string | null | undefined }) {
  return <time dateTime={iso ?? undefined}>{beijingTime(iso)}</time>;
}

export function Field({ label, children, hint }: { label: string; children: ComponentChildren; hint?: string }) {
  return (
    <label class="field">
      <span>{label}</span>
      {children}
      {hint !== undefined && <small class="muted">{hint}</small>}
    </label>
  );
}

export function Section({ title, children, id }: { title: string; children: ComponentChildren; id?: string }) {
  return (
    <section class="card" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

/**
 * The first `countFirst` items of a list and a button that shows the rest: a long list is not laid
 * out before the page can show anything, and stays one click away.
 */
export function useFirstItems<T>(items: readonly T[] | undefined, countFirst: number): { shown: readonly T[]; more: ComponentChildren } {
  const [all, setAll] = useState(false);
  const list = items ?? [];
  if (all || list.length <= countFirst) return { shown: list, more: null };
  const rest = list.length - countFirst;
  return {
    shown: list.slice(0, countFirst),
    more: (
      <button type="button" class="secondary" onClick={() => setAll(true)}>
        {tr(`显示其余 ${rest} 项`, `Show the other ${rest}`)}
      </button>
    ),
  };
}

/**
 * A write button with its outcome: disabled while the write runs, the API's problem shown on failure,
 * `done` called with the result on success.
 */
export function useAction<A extends unknown[], R>(run: (...args: A) => Promise<R>, done?: (result: R) => void) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [result, setResult] = useState<R | undefined>(undefined);
  const act = async (...args: A) => {
    setBusy(true);
    setError(undefined);
    try {
      const r = await run(...args);
      setResult(r);
      done?.(r);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, result, act };
}
