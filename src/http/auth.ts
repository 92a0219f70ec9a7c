// Bearer tokens (HS256, claims `sub` and `roles`) and the roles each route needs.
import { defined } from '../shared/assert.js';
import { CanActivate, ExecutionContext, Inject, Injectable, SetMetadata, createParamDecorator } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { jwtVerify } from 'jose';
import { roles as knownRoles, type Actor, type Role } from '../shared/actor.js';
import { problemOf } from './problem.js';
import { ApiError } from './problem.filter.js';

export const JWT_SECRET = Symbol('JWT_SECRET');
const rolesKey = 'ledger:roles';
const publicKey = 'ledger:public';

/** The roles that may call a route (any one of them). */
export const Roles = (...allowed: Role[]) => SetMetadata(rolesKey, allowed);
/** Routes open without a token (health, metrics, docs). */
export const Public = () => SetMetadata(publicKey, true);

export const readerRoles: Role[] = ['admin', 'reviewer', 'approver', 'finance', 'auditor', 'supervisor'];

interface AuthenticatedRequest extends FastifyRequest {
  actor?: Actor;
}

export const CurrentActor = createParamDecorator((_: unknown, context: ExecutionContext): Actor => {
  const actor = context.switchToHttp().getRequest<AuthenticatedRequest>().actor;
  if (actor === undefined) throw new Error('route without authentication asked for an actor');
  return actor;
});

/** Tokens verified recently, until they expire: verifying an HMAC on every request is most of its cost. */
const verifiedTokensMax = 10_000;

@Injectable()
export class AuthGuard implements CanActivate {
  private readonly key: Uint8Array;
  private readonly verified = new Map<string, { actor: Actor; expiresAtMs: number }>();

  constructor(
    private readonly reflector: Reflector,
    @Inject(JWT_SECRET) secret: string,
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(publicKey, targets) === true) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.headers.authorization;
    if (typeof header !== 'string' || !header.startsWith('Bearer ')) {
      throw new ApiError(problemOf('UNAUTHENTICATED', 'send Authorization: Bearer <token> (mint one with `ledger token`)'), { 'WWW-Authenticate': 'Bearer' });
    }
    const actor = await this.actorOf(header.slice('Bearer '.length).trim());
    request.actor = actor;
    const allowed = this.reflector.getAllAndOverride<Role[] | undefined>(rolesKey, targets);
    if (allowed !== undefined && !allowed.some((role) => actor.roles.includes(role))) {
      throw new ApiError(problemOf('FORBIDDEN', `this needs the role ${allowed.join(' or ')}`, { required: allowed.join(',') }));
    }
    return true;
  }

  private async actorOf(token: string): Promise<Actor> {
    const known = this.verified.get(token);
    if (known !== undefined && known.expiresAtMs > Date.now()) return known.actor;
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, this.key, { algorithms: ['HS256'] }));
    } catch {
      throw new ApiError(problemOf('UNAUTHENTICATED', 'the token is malformed, expired or not signed by this deployment'), { 'WWW-Authenticate': 'Bearer error="invalid_token"' });
    }
    const sub = payload['sub'];
    const claimed = payload['roles'];
    if (typeof sub !== 'string' || sub.length === 0 || sub.length > 200 || !Array.isArray(claimed) || claimed.some((r) => !(knownRoles as readonly unknown[]).includes(r))) {
      throw new ApiError(problemOf('UNAUTHENTICATED', 'the token needs a `sub` and `roles` from the known roles'), { 'WWW-Authenticate': 'Bearer error="invalid_token"' });
    }
    const actor: Actor = { id: sub, roles: claimed as Role[] };
    const exp = payload['exp'];
    if (typeof exp === 'number') {
      if (this.verified.size >= verifiedTokensMax) this.verified.delete(defined(this.verified.keys().next().value, 'the oldest verified token'));
      this.verified.set(token, { actor, expiresAtMs: exp * 1000 });
    }
    return actor;
  }
}
