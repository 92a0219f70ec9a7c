// The HTTP API: routes, authentication (every route needs a token unless marked public), and
// problem+json for every error.
import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { validationPipe } from './validation.js';
import type { LedgerConfig } from '../config.js';
import { MetricsController, metricsProviders } from './metrics.js';
import { FixedWindowLimiter, RATE_LIMIT_PER_MINUTE, RateLimitGuard, STRANGER_LIMITER } from './rate-limit.js';
import { TokenRevocations } from './token-revocations.js';
import { REVOCATION_CLOCK, TokenRevocationController } from './token-revocations.controller.js';
import { CLOCK, ReadController, WriteController } from './api.controller.js';
import { AuthGuard, TOKEN_POLICY, tokenClockSkewSeconds } from './auth.js';
import { ProblemFilter } from './problem.filter.js';
import { ProblemsController } from './problems.controller.js';
import { ProjectionsModule } from '../projections/projections.module.js';
import { LedgerModule } from '../commands/ledger.module.js';

@Module({})
export class HttpModule {
  static forRoot(config: LedgerConfig): DynamicModule {
    return {
      module: HttpModule,
      imports: [ProjectionsModule, LedgerModule],
      controllers: [WriteController, ReadController, MetricsController, ProblemsController, TokenRevocationController],
      providers: [
        { provide: CLOCK, useValue: () => new Date() },
        ...metricsProviders,
        { provide: RATE_LIMIT_PER_MINUTE, useValue: config.rateLimitPerMinute },
        { provide: STRANGER_LIMITER, useFactory: () => new FixedWindowLimiter(config.rateLimitAnonymousPerMinute) },
        { provide: TOKEN_POLICY, useValue: { lifetimeMaxSeconds: config.tokenLifetimeMaxSeconds, clockSkewSeconds: tokenClockSkewSeconds } },
        { provide: REVOCATION_CLOCK, useValue: () => new Date() },
        TokenRevocations,
        // Guards run in this order: who is calling (strangers limited by address before their token is
        // verified), then how often they have.
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_GUARD, useClass: RateLimitGuard },
        { provide: APP_FILTER, useClass: ProblemFilter },
        { provide: APP_PIPE, useFactory: validationPipe },
      ],
    };
  }
}
