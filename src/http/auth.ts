// Bearer tokens (HS256, claims `sub`, `roles`, `iat` and `exp`) and the roles each route needs.
// A token must expire (`exp`), say when it was issued (`iat`, not in the future beyond a small clock
// skew), live at most LEDGER_TOKEN_MAX_LIFETIME, and not be revoked (token-revocations.ts). Callers
// without a valid token are limited by address before their token is verified (rate-limit.ts).
import { defined } from '../shared/assert.js';
import { CanActivate, ExecutionContext, Inject, Injectable, SetMetadata, createParamDecorator } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { jwtVerify } from 'jose';
import { roles as knownRoles, type Actor, type Role } from '../shared/actor.js';
import { problemOf } from './problem.js';
import { ApiError } from './problem.filter.js';
import { STRANGER_LIMITER, rateLimited, setRateLimitHeaders, type FixedWindowLimiter } from './rate-limit.js';
import { TokenRevocations } from './token-revocations.js';

export const JWT_SECRET = Symbol('JWT_SECRET');
export const TOKEN_POLICY = Symbol('TOKEN_POLICY');

export interface TokenPolicy {
  /** Longest `exp - iat` accepted, in seconds. */
  readonly lifetimeMaxSeconds: number;
  /** How far in the future an `iat` may lie (clocks of the minting host and this one differ a little). */
  readonly clockSkewSeconds: number;
}

/** Clock skew allowed between the host that minted a token and this one. */
export const tokenClockSkewSeconds = 60;
const rolesKey = 'ledger:roles';
const publicKey = 'ledger:public';

/** The roles that may call a route (any one of them). */
export const Roles = (...allowed: Role[]) => SetMetadata(rolesKey, allowed);
/** Routes open without a token (health, metrics, docs). */
export const Public = () => SetMetadata(publicKey, true);

export const readerRoles: Role[] = ['admin', 'reviewer', 'approver', 'finance', 'auditor', 'supervisor'];

interface AuthenticatedRequest extends FastifyRequest {
  actor?: Actor;
  /** Who a validly signed token names, set before the revocation check: the logs name the user even when that check fails. */
  signedBy?: string;
}

export const CurrentActor = createParamDecorator((_: unknown, context: ExecutionContext): Actor => {
  const actor = context.switchToHttp().getRequest<AuthenticatedRequest>().actor;
  if (actor === undefined) throw new Error('route without authentication asked for an actor');
  return actor;
});

interface RouteRules {
  readonly isPublic: boolean;
  readonly allowed: Role[] | undefined;
}

/** Tokens verified recently, until they expire: verifying an HMAC on every request is most of its cost. */
const verifiedTokensMax = 10_000;

@Injectable()
export class AuthGuard implements CanActivate {
  private readonly key: Uint8Array;
  private readonly verified = new Map<string, { actor: Actor; expiresAtMs: number; issuedAt: number }>();

  constructor(
    private readonly reflector: Reflector,
    @Inject(JWT_SECRET) secret: string,
    @Inject(TOKEN_POLICY) private readonly policy: TokenPolicy,
    @Inject(STRANGER_LIMITER) private readonly strangers: FixedWindowLimiter,
    private readonly revocations: TokenRevocations,
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  /** What each route (controller class, then method) declares, read from its decorators once: whether it is public, the roles it needs. */
  private readonly routeRules = new WeakMap<object, WeakMap<object, RouteRules>>();

  private rulesOf(context: ExecutionContext): RouteRules {
    const controller = context.getClass();
    const handler = context.getHandler();
    let ofController = this.routeRules.get(controller);
    if (ofController === undefined) {
      ofController = new WeakMap();
      this.routeRules.set(controller, ofController);
    }
    let rules = ofController.get(handler);
    if (rules === undefined) {
      const targets = [handler, controller];
      rules = {
        isPublic: this.reflector.getAllAndOverride<boolean>(publicKey, targets) === true,
        allowed: this.reflector.getAllAndOverride<Role[] | undefined>(rolesKey, targets),
      };
      ofController.set(handler, rules);
    }
    return rules;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const { isPublic, allowed } = this.rulesOf(context);
    if (isPublic) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const header = request.headers.authorization;
    const address = `ip:${request.ip}`;
    if (typeof header !== 'string' || !header.startsWith('Bearer ')) {
      this.countStranger(address, reply);
      throw new ApiError(problemOf('UNAUTHENTICATED', 'send Authorization: Bearer <token> (mint one with `ledger token`)'), { 'WWW-Authenticate': 'Bearer' });
    }
    const token = header.slice('Bearer '.length).trim();
    // An address over its limit of failures is refused before its token costs a verification.
    if (this.strangers.enabled && !this.isKnown(token)) {
      const state = this.strangers.peek(address);
      if (state.requestsLeft === 0) {
        setRateLimitHeaders(reply, state);
        throw rateLimited(state, 'per address without a valid token');
      }
    }
    let actor: Actor;
    try {
      actor = await this.actorOf(token, request);
    } catch (error) {
      if (error instanceof ApiError) this.countStranger(address, reply);
      throw error;
    }
    request.actor = actor;
    if (allowed !== undefined && !allowed.some((role) => actor.roles.includes(role))) {
      throw new ApiError(problemOf('FORBIDDEN', `this needs the role ${allowed.join(' or ')}`, { required: allowed.join(',') }));
    }
    return true;
  }

  /** Counts a request without a valid token against its address; a 429 past the limit. */
  private countStranger(address: string, reply: FastifyReply): void {
    if (!this.strangers.enabled) return;
    const state = this.strangers.hit(address);
    setRateLimitHeaders(reply, state);
    if (!state.allowed) throw rateLimited(state, 'per address without a valid token');
  }

  private isKnown(token: string): boolean {
    const known = this.verified.get(token);
    return known !== undefined && known.expiresAtMs > Date.now();
  }

  private async actorOf(token: string, request: AuthenticatedRequest): Promise<Actor> {
    const known = this.verified.get(token);
    if (known !== undefined && known.expiresAtMs > Date.now()) {
      request.signedBy = known.actor.id;
      await this.refuseRevoked(known.actor.id, known.issuedAt);
      return known.actor;
    }
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, this.key, { algorithms: ['HS256'], requiredClaims: ['exp', 'iat'] }));
    } catch {
      throw new ApiError(problemOf('UNAUTHENTICATED', 'the token is malformed, expired, without `exp` and `iat`, or not signed by this deployment'), {
        'WWW-Authenticate': 'Bearer error="invalid_token"',
      });
    }
    const exp = payload['exp'] as number;
    const iat = payload['iat'] as number;
    const nowSeconds = Date.now() / 1000;
    if (iat > nowSeconds + this.policy.clockSkewSeconds) {
      throw new ApiError(problemOf('UNAUTHENTICATED', 'the token says it was issued in the future'), { 'WWW-Authenticate': 'Bearer error="invalid_token"' });
    }
    if (exp - iat > this.policy.lifetimeMaxSeconds) {
      throw new ApiError(problemOf('UNAUTHENTICATED', `the token lives longer than the ${this.policy.lifetimeMaxSeconds} seconds this deployment accepts`), {
        'WWW-Authenticate': 'Bearer error="invalid_token"',
      });
    }
    const sub = payload['sub'];
    const claimed = payload['roles'];
    if (typeof sub !== 'string' || sub.length === 0 || sub.length > 200 || !Array.isArray(claimed) || claimed.some((r) => !(knownRoles as readonly unknown[]).includes(r))) {
      throw new ApiError(problemOf('UNAUTHENTICATED', 'the token needs a `sub` and `roles` from the known roles'), { 'WWW-Authenticate': 'Bearer error="invalid_token"' });
    }
    const actor: Actor = { id: sub, roles: claimed as Role[] };
    request.signedBy = sub;
    await this.refuseRevoked(sub, iat);
    if (this.verified.size >= verifiedTokensMax) this.verified.delete(defined(this.verified.keys().next().value, 'the oldest verified token'));
    this.verified.set(token, { actor, expiresAtMs: exp * 1000, issuedAt: iat });
    return actor;
  }

  private async refuseRevoked(userId: string, issuedAt: number): Promise<void> {
    if (await this.revocations.isRevoked(userId, issuedAt)) {
      throw new ApiError(problemOf('UNAUTHENTICATED', 'the token was revoked by an administrator: sign in again'), { 'WWW-Authenticate': 'Bearer error="invalid_token"' });
    }
  }
}
