// Rate limiting per user: LEDGER_RATE_LIMIT requests a minute (0 turns it off), counted after
// authentication so that one user's burst does not slow the others; anonymous calls count by address.
// (Not @nestjs/throttler: its 6.x is CommonJS requiring the ES-module-only NestJS 12, which Jest loads
// only from Node 24.9 on (require of ES modules); the suite also runs on Node 22, so this guard does the
// same fixed-window counting. Revisit when Node 22 is no longer supported or throttler ships ES modules.)
import { defined } from '../shared/assert.js';
import { CanActivate, ExecutionContext, Inject, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { problemOf } from './problem.js';
import { ApiError } from './problem.filter.js';

export const RATE_LIMIT_PER_MINUTE = Symbol('RATE_LIMIT_PER_MINUTE');
const skipKey = 'ledger:skip-rate-limit';
export const SkipRateLimit = () => SetMetadata(skipKey, true);

const windowMs = 60_000;
/** Callers remembered at once; the oldest windows are forgotten first past this. */
const trackedCallersMax = 100_000;

@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly windows = new Map<string, { startedAt: number; count: number }>();

  constructor(
    private readonly reflector: Reflector,
    @Inject(RATE_LIMIT_PER_MINUTE) private readonly limitPerMinute: number,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (this.limitPerMinute === 0) return true;
    if (this.reflector.getAllAndOverride<boolean>(skipKey, [context.getHandler(), context.getClass()]) === true) return true;
    const request = context.switchToHttp().getRequest<{ actor?: { id: string }; ip?: string }>();
    const caller = request.actor !== undefined ? `user:${request.actor.id}` : `ip:${request.ip ?? 'unknown'}`;
    const now = Date.now();
    let window = this.windows.get(caller);
    if (window === undefined || now - window.startedAt >= windowMs) {
      this.windows.delete(caller);
      if (this.windows.size >= trackedCallersMax) this.windows.delete(defined(this.windows.keys().next().value, 'the oldest window'));
      window = { startedAt: now, count: 0 };
      this.windows.set(caller, window);
    }
    window.count += 1;
    if (window.count > this.limitPerMinute) {
      const retryAfterSeconds = Math.ceil((window.startedAt + windowMs - now) / 1000);
      throw new ApiError(problemOf('RATE_LIMITED', `at most ${this.limitPerMinute} requests a minute per user`, { limitPerMinute: String(this.limitPerMinute) }), {
        'Retry-After': String(retryAfterSeconds),
      });
    }
    return true;
  }
}
