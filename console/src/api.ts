// The console's only way to the ledger: the same HTTP API as every other client, with the signed-in
// user's bearer token. The API decides what is allowed; the console only hides what a role cannot use.

export const roleList = ['admin', 'reviewer', 'approver', 'finance', 'auditor', 'supervisor'] as const;
export type Role = (typeof roleList)[number];

export interface Session {
  readonly token: string;
  readonly sub: string;
  readonly roles: readonly Role[];
  /** Seconds since the epoch; absent for tokens without `exp`. */
  readonly exp?: number;
}

/** An error as the API reports it (problem+json), with its stable code. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly detailZh: string | null,
  ) {
    super(`${code}: ${detail}`);
  }
}

const sessionKey = 'ledger-console-session';
let session: Session | null = readSession();
/** The highest log position this browser has written: reads wait for the read side to reach it. */
let writtenPosition: string | null = null;
const listeners = new Set<() => void>();

function readSession(): Session | null {
  const text = globalThis.sessionStorage?.getItem(sessionKey);
  if (text === null || text === undefined) return null;
  try {
    const parsed = JSON.parse(text) as Session;
    return parsed.exp !== undefined && parsed.exp * 1000 < Date.now() ? null : parsed;
  } catch {
    return null;
  }
}

export function currentSession(): Session | null {
  return session;
}

export function onSessionChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function setSession(next: Session | null): void {
  session = next;
  if (next === null) sessionStorage.removeItem(sessionKey);
  else sessionStorage.setItem(sessionKey, JSON.stringify(next));
  for (const listener of listeners) listener();
}

export function signOut(): void {
  setSession(null);
}

export function hasRole(...wanted: Role[]): boolean {
  return session !== null && wanted.some((r) => session!.roles.includes(r));
}

/** The claims of a token, read to know which pages to show (the API verifies the signature). */
export function claimsOf(token: string): { sub: string; roles: Role[]; exp?: number } | null {
  const payload = token.split('.')[1];
  if (payload === undefined) return null;
  try {
    const json = JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(payload.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0)))) as Record<string, unknown>;
    const roles = json['roles'];
    if (typeof json['sub'] !== 'string' || !Array.isArray(roles) || !roles.every((r) => (roleList as readonly unknown[]).includes(r))) return null;
    return { sub: json['sub'], roles: roles as Role[], ...(typeof json['exp'] === 'number' ? { exp: json['exp'] } : {}) };
  } catch {
    return null;
  }
}

async function problemOf(response: Response): Promise<ApiProblem> {
  try {
    const body = (await response.json()) as Record<string, unknown>;
    return new ApiProblem(response.status, String(body['code'] ?? response.status), String(body['detail'] ?? response.statusText), typeof body['detailZh'] === 'string' ? body['detailZh'] : null);
  } catch {
    return new ApiProblem(response.status, String(response.status), response.statusText, null);
  }
}

async function send(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
  const all: Record<string, string> = { Accept: 'application/json', ...headers };
  if (session !== null) all['Authorization'] = `Bearer ${session.token}`;
  if (body !== undefined) all['Content-Type'] = 'application/json';
  const response = await fetch(path, { method, headers: all, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  if (!response.ok) {
    const problem = await problemOf(response);
    // An expired or foreign token: back to the sign-in page rather than a page of errors.
    if (response.status === 401 && session !== null && !path.startsWith('/api/console/sign-in')) setSession(null);
    throw problem;
  }
  return response;
}

function withPosition(path: string): string {
  if (writtenPosition === null) return path;
  return `${path}${path.includes('?') ? '&' : '?'}minPosition=${writtenPosition}`;
}

/** A read, after the read side has caught up with this browser's last write. */
export async function get<T>(path: string, options: { consistent?: boolean } = {}): Promise<T> {
  const response = await send('GET', options.consistent === false ? path : withPosition(path));
  return (await response.json()) as T;
}

/** A write, under a fresh Idempotency-Key (a retry of the same click would reuse it). */
export async function post<T = Record<string, unknown>>(path: string, body?: unknown, key: string = crypto.randomUUID()): Promise<T> {
  const response = await send('POST', path, body, { 'Idempotency-Key': key });
  const result = (await response.json()) as Record<string, unknown>;
  const position = result['position'];
  if (typeof position === 'string' && /^[0-9]+$/.test(position) && (writtenPosition === null || BigInt(position) > BigInt(writtenPosition))) writtenPosition = position;
  return result as T;
}

/** A file the API serves (an export, the digest), saved by the browser under `filename`. */
export async function download(path: string, filename: string): Promise<void> {
  const response = await send('GET', path, undefined, { Accept: '*/*' });
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function signInWithToken(token: string): Session | null {
  const claims = claimsOf(token.trim());
  if (claims === null) return null;
  const next: Session = { token: token.trim(), ...claims };
  setSession(next);
  return next;
}

export async function signInWithCode(code: string): Promise<Session> {
  const response = await send('POST', '/api/console/sign-in', { code });
  const body = (await response.json()) as { token: string };
  const next = signInWithToken(body.token);
  if (next === null) throw new ApiProblem(500, 'INTERNAL', 'the service answered with a token the console cannot read', null);
  return next;
}
