// The HTTP API: routes, authentication (every route needs a token unless marked public), and
// problem+json for every error.
import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { CLOCK, ReadController, WriteController } from './api.controller.js';
import { AuthGuard } from './auth.js';
import { ProblemFilter } from './problem.filter.js';
import { ProjectionsModule } from '../projections/projections.module.js';

@Module({
  imports: [ProjectionsModule],
  controllers: [WriteController, ReadController],
  providers: [
    { provide: CLOCK, useValue: () => new Date() },
    { provide: APP_GUARD, useClass: AuthGuard },
    { provide: APP_FILTER, useClass: ProblemFilter },
  ],
})
export class HttpModule {}
