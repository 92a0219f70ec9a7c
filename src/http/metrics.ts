// Prometheus metrics at /metrics: request latency, commands by outcome, projection lag, and the budget
// remaining in every programme-year.
import { CallHandler, Controller, ExecutionContext, Get, Header, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { Observable, tap } from 'rxjs';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.js';
import { READ_SIDE, type ReadSide } from '../projections/read-side.js';
import { LedgerError } from '../shared/errors.js';
import { Money } from '../shared/money.js';
import { Public } from './auth.js';
import { problemOf } from './problem.js';
import { ApiError } from './problem.filter.js';
import { SkipRateLimit } from './rate-limit.js';

export const METRICS = Symbol('METRICS');

export interface LedgerMetrics {
  readonly registry: Registry;
  readonly requestSeconds: Histogram<'method' | 'route' | 'status'>;
  readonly commands: Counter<'route' | 'outcome'>;
}

export function createMetrics(store: EventStore, readSide: ReadSide | null): LedgerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requestSeconds = new Histogram({
    name: 'ledger_http_request_duration_seconds',
    help: 'HTTP request latency',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const commands = new Counter({ name: 'ledger_commands_total', help: 'Commands by route and outcome (ok, or the error code)', labelNames: ['route', 'outcome'] as const, registers: [registry] });
  new Gauge({
    name: 'ledger_projection_lag_events',
    help: 'Events in the log not yet reflected by the read side',
    registers: [registry],
    async collect() {
      if (readSide === null) return;
      this.set(Number((await store.headPosition()) - readSide.projector.position));
    },
  });
  new Gauge({
    name: 'ledger_budget_remaining_yuan',
    help: 'Budget remaining per programme-year (yuan; for monitoring only, figures of record are decimal strings)',
    labelNames: ['programme', 'year'] as const,
    registers: [registry],
    async collect() {
      if (readSide === null) return;
      // Read before the reset: a scrape never shows the gauge half-filled while the read side answers.
      const views = await readSide.queries.budgets();
      this.reset();
      for (const view of views) this.set({ programme: view.programmeId, year: String(view.year) }, Money.of(view.remaining).toGaugeValue());
    },
  });
  return { registry, requestSeconds, commands };
}

/** Times every request, and counts every write by its outcome. */
@Injectable()
export class MetricsInterceptor implements NestInterceptor {
  constructor(@Inject(METRICS) private readonly metrics: LedgerMetrics) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const route = `${request.method} ${request.routeOptions.url ?? 'unknown'}`;
    const started = process.hrtime.bigint();
    const observe = (status: number, outcome: string): void => {
      this.metrics.requestSeconds.observe({ method: request.method, route, status: String(status) }, Number(process.hrtime.bigint() - started) / 1e9);
      if (request.method !== 'GET') this.metrics.commands.inc({ route, outcome });
    };
    return next.handle().pipe(
      tap({
        next: () => observe(http.getResponse<FastifyReply>().statusCode, 'ok'),
        error: (error: unknown) => {
          if (error instanceof ApiError) observe(error.problem.status, error.problem.code);
          else if (error instanceof LedgerError) observe(problemOf(error.code, '').status, error.code);
          else observe(500, 'error');
        },
      }),
    );
  }
}

@Controller('metrics')
@Public()
@SkipRateLimit()
export class MetricsController {
  constructor(@Inject(METRICS) private readonly metrics: LedgerMetrics) {}

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  async scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}

export const metricsProviders = [{ provide: METRICS, useFactory: createMetrics, inject: [EVENT_STORE, READ_SIDE] }];
