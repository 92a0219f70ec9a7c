// GET /health: the store answers (terminus), with the log's head position for operators.
import { Controller, Get, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.js';
import { READ_SIDE, type ReadSide } from '../projections/read-side.js';
import { LEDGER_CONFIG } from '../ledger-config.token.js';
import { Public } from '../http/auth.js';
import { ApiOperation } from '@nestjs/swagger';
import { SkipRateLimit } from '../http/rate-limit.js';
import type { LedgerConfig } from '../config.js';

const storeCheckTimeoutMs = 2_000;
/** Beyond this lag the service still serves, but says it is degraded. */
const projectionLagEventsMax = 10_000;

@Controller('health')
@SkipRateLimit()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
    @Inject(READ_SIDE) private readonly readSide: ReadSide | null,
  ) {}

  @Get()
  @Public()
  @ApiOperation({ operationId: 'health', summary: 'Store reachable and projection lag — no token needed' })
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
      // The read side's lag behind the log: reads with ?minPosition= wait for it.
      async () => {
        const session = this.indicators.check('projections');
        if (this.readSide === null) return session.up({ kept: false });
        const lag = (await this.store.headPosition()) - this.readSide.projector.position;
        const details = { kind: this.readSide.kind, lagEvents: lag.toString() };
        return lag > projectionLagEventsMax ? session.degraded(details) : session.up(details);
      },
    ]);
  }
}
