// The one-time sign-in link of a local trial: on the embedded store with no secret configured and
// outside production, the service prints a link that signs its holder in once as the local
// administrator, so that trying the console needs no token minted by hand.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { LedgerConfig } from '../config.js';
import { mintToken } from '../auth/tokens.js';
import { roles, type Role } from '../shared/actor.js';

/** How long a printed link stays usable. */
export const signInLinkLifetimeMs = 60 * 60 * 1000;
export const localAdministratorId = 'local-admin';
/** The lifetime of the token a link gives (as `ledger token` mints by default), within LEDGER_TOKEN_MAX_LIFETIME. */
const signInTokenLifetimeSeconds = 8 * 60 * 60;
/** The local administrator of a trial holds every role, to see every page; the API still keeps one user from both making and checking a payment. */
export const localAdministratorRoles: readonly Role[] = roles;

export function signInLinksAllowed(config: LedgerConfig, env: NodeJS.ProcessEnv): boolean {
  return config.store === 'sqlite' && config.jwtSecret === undefined && env['NODE_ENV'] !== 'production';
}

export class SignInLinks {
  private code: Buffer | null = null;
  private expiresAtMs = 0;

  constructor(
    readonly allowed: boolean,
    private readonly secret: string,
    private readonly clock: () => number = Date.now,
    private readonly tokenLifetimeMaxSeconds = signInTokenLifetimeSeconds,
  ) {}

  /** A new code (the previous one stops working), or null where links are not allowed. */
  issue(): string | null {
    if (!this.allowed) return null;
    this.code = randomBytes(24);
    this.expiresAtMs = this.clock() + signInLinkLifetimeMs;
    return this.code.toString('base64url');
  }

  /** A token for the local administrator if `code` is the current one (which it then stops being). */
  async redeem(code: string): Promise<{ token: string; sub: string; roles: readonly Role[] } | null> {
    if (!this.allowed || this.code === null || this.clock() > this.expiresAtMs) return null;
    const given = Buffer.from(code, 'base64url');
    if (given.length !== this.code.length || !timingSafeEqual(given, this.code)) return null;
    this.code = null;
    // A token the service accepts: never longer-lived than LEDGER_TOKEN_MAX_LIFETIME allows.
    const lifetimeSeconds = Math.min(signInTokenLifetimeSeconds, this.tokenLifetimeMaxSeconds);
    const token = await mintToken(this.secret, { sub: localAdministratorId, roles: localAdministratorRoles }, `${lifetimeSeconds}s`);
    return { token, sub: localAdministratorId, roles: localAdministratorRoles };
  }
}
