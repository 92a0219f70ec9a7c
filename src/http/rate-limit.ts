// Rate limiting, in fixed one-minute windows, in two places:
// - strangers (no token, or a token that fails verification) by client address, before authentication
//   (in the AuthGuard, which refuses a flooding address before it spends an HMAC on its next token):
//   LEDGER_RATE_LIMIT_ANONYMOUS requests a minute;
// - users after authentication, so that one user's burst does not slow the others: LEDGER_RATE_LIMIT
//   requests a minute (public routes count by address here).
// 0 turns either off. Every counted answer carries RateLimit-Limit, RateLimit-Remaining and
// RateLimit-Reset (seconds to the window's end; IETF draft "RateLimit header fields for HTTP").
// The windows are kept in each process's memory: N processes serving one store let a caller make up to
// N times the limit (the multiplication the README states), as a load balancer spreads its requests.
// The client address is the socket's peer (Fastify's request.ip, no proxy trusted): behind a reverse
// proxy every stranger shares the proxy's address, so the proxy should limit by address itself.
// (Not @nestjs/throttler: its 6.x is CommonJS requiring the ES-module-only NestJS 12, which Jest loads
// only from Node 24.9 on (require of ES modules); the suite also runs on Node 22, so these guards do the
// same fixed-window counting. Revisit when Node 22 is no longer supported or throttler ships ES modules.)
import { defined } from '../shared/assert.js';
import { CanActivate, ExecutionContext, Inject, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply } from 'fastify';
import { problemOf } from './problem.js';
import { ApiError } from './problem.filter.js';

export const RATE_LIMIT_PER_MINUTE = Symbol('RATE_LIMIT_PER_MINUTE');
export const STRANGER_LIMITER = Symbol('STRANGER_LIMITER');
const skipKey = 'ledger:skip-rate-limit';
export const SkipRateLimit = () => SetMetadata(skipKey, true);

const windowMs = 60_000;
/** Callers remembered at once; the oldest windows are forgotten first past this. */
export const trackedCallersMax = 100_000;

export interface WindowState {
  readonly allowed: boolean;
  readonly limit: number;
  readonly requestsLeft: number;
  readonly resetSeconds: number;
}

/** Fixed one-minute windows per caller, in this process's memory. */
export class FixedWindowLimiter {
  private readonly windows = new Map<string, { startedAt: number; count: number }>();

  constructor(
    readonly limitPerMinute: number,
    private readonly callersMax = trackedCallersMax,
  ) {}

  /** Callers whose window is remembered: at most `callersMax`, however many call. */
  get trackedCallers(): number {
    return this.windows.size;
  }

  get enabled(): boolean {
    return this.limitPerMinute > 0;
  }

  /** Counts a request of `caller`, and says whether it is within the limit. */
  hit(caller: string): WindowState {
    return this.stateOf(this.windowOf(caller, true));
  }

  /** Whether `caller` is within the limit, without counting a request. */
  peek(caller: string): WindowState {
    return this.stateOf(this.windowOf(caller, false));
  }

  private windowOf(caller: string, count: boolean): { startedAt: number; count: number } {
    const now = Date.now();
    let window = this.windows.get(caller);
    if (window === undefined || now - window.startedAt >= windowMs) {
      if (!count) return { startedAt: now, count: 0 };
      this.windows.delete(caller);
      if (this.windows.size >= this.callersMax) this.windows.delete(defined(this.windows.keys().next().value, 'the oldest window'));
      window = { startedAt: now, count: 0 };
      this.windows.set(caller, window);
    }
    if (count) window.count += 1;
    return window;
  }

  private stateOf(window: { startedAt: number; count: number }): WindowState {
    return {
      allowed: window.count <= this.limitPerMinute,
      limit: this.limitPerMinute,
      requestsLeft: Math.max(0, this.limitPerMinute - window.count),
      resetSeconds: Math.max(1, Math.ceil((window.startedAt + windowMs - Date.now()) / 1000)),
    };
  }
}

/** Sets the RateLimit-* headers of a window on the answer, whatever it is. */
export function setRateLimitHeaders(reply: FastifyReply, state: WindowState): void {
  void reply.headers({ 'RateLimit-Limit': String(state.limit), 'RateLimit-Remaining': String(state.requestsLeft), 'RateLimit-Reset': String(state.resetSeconds) });
}

/** The 429 of a window over its limit. */
export function rateLimited(state: WindowState, who: string): ApiError {
  return new ApiError(problemOf('RATE_LIMITED', `at most ${state.limit} requests a minute ${who}`, { limitPerMinute: String(state.limit) }), {
    'Retry-After': String(state.resetSeconds),
  });
}

@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly limiter: FixedWindowLimiter;

  constructor(
    private readonly reflector: Reflector,
    @Inject(RATE_LIMIT_PER_MINUTE) limitPerMinute: number,
  ) {
    this.limiter = new FixedWindowLimiter(limitPerMinute);
  }

  /** Whether each route (controller class, then method) skips the limit, read from its decorators once rather than on every request. */
  private readonly skipped = new WeakMap<object, WeakMap<object, boolean>>();

  private skips(context: ExecutionContext): boolean {
    const controller = context.getClass();
    const handler = context.getHandler();
    let ofController = this.skipped.get(controller);
    if (ofController === undefined) {
      ofController = new WeakMap();
      this.skipped.set(controller, ofController);
    }
    let skipped = ofController.get(handler);
    if (skipped === undefined) {
      skipped = this.reflector.getAllAndOverride<boolean>(skipKey, [handler, controller]) === true;
      ofController.set(handler, skipped);
    }
    return skipped;
  }

  canActivate(context: ExecutionContext): boolean {
    if (!this.limiter.enabled) return true;
    if (this.skips(context)) return true;
    const request = context.switchToHttp().getRequest<{ actor?: { id: string }; ip?: string }>();
    const caller = request.actor !== undefined ? `user:${request.actor.id}` : `ip:${request.ip ?? 'unknown'}`;
    const state = this.limiter.hit(caller);
    setRateLimitHeaders(context.switchToHttp().getResponse<FastifyReply>(), state);
    if (!state.allowed) throw rateLimited(state, request.actor !== undefined ? 'per user' : 'per address');
    return true;
  }
}
