// The HTTP API: routes, authentication (every route needs a token unless marked public), and
// problem+json for every error.
import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { validationPipe } from './validation.js';
import type { LedgerConfig } from '../config.js';
import { MetricsController, metricsProviders } from './metrics.js';
import { RATE_LIMIT_PER_MINUTE, RateLimitGuard } from './rate-limit.js';
import { CLOCK, ReadController, WriteController } from './api.controller.js';
import { AuthGuard } from './auth.js';
import { ProblemFilter } from './problem.filter.js';
import { ProblemsController } from './problems.controller.js';
import { ProjectionsModule } from '../projections/projections.module.js';

@Module({})
export class HttpModule {
  static forRoot(config: LedgerConfig): DynamicModule {
    return {
      module: HttpModule,
      imports: [ProjectionsModule],
      controllers: [WriteController, ReadController, MetricsController, ProblemsController],
      providers: [
        { provide: CLOCK, useValue: () => new Date() },
        ...metricsProviders,
        { provide: RATE_LIMIT_PER_MINUTE, useValue: config.rateLimitPerMinute },
        // Guards run in this order: who is calling, then how often they have.
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_GUARD, useClass: RateLimitGuard },
        { provide: APP_FILTER, useClass: ProblemFilter },
        { provide: APP_PIPE, useFactory: validationPipe },
      ],
    };
  }
}
