// GET /health: the store answers (terminus), with the log's head position for operators.
import { Controller, Get, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.js';
import { LEDGER_CONFIG } from '../ledger-config.token.js';
import { Public } from '../http/auth.js';
import { SkipRateLimit } from '../http/rate-limit.js';
import type { LedgerConfig } from '../config.js';

const storeCheckTimeoutMs = 2_000;

@Controller('health')
@SkipRateLimit()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
  ) {}

  @Get()
  @Public()
  @HealthCheck()
  check() {
    return this.health.check([
      () =>
        this.indicators
          .check('eventStore')
          .attempt(async () => {
            await this.store.ping();
            return { kind: this.config.store, headPosition: (await this.store.headPosition()).toString() };
          })
          .withTimeout(storeCheckTimeoutMs),
    ]);
  }
}
