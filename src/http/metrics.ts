// Prometheus metrics at /metrics: request latency, commands by outcome, projection lag, and (to a
// scraper holding LEDGER_METRICS_TOKEN only) the budget remaining in every programme-year with a
// budget or money moved. Budgets are not public figures before their publication: without a scrape
// token configured, /metrics stays open (as a Prometheus on the same network expects) and carries no
// money at all; with one, it answers only a request bearing it.
import { Controller, Get, Header, Headers, Inject } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.js';
import { READ_SIDE, type ReadSide } from '../projections/read-side.js';
import { LEDGER_CONFIG } from '../ledger-config.token.js';
import type { LedgerConfig } from '../config.js';
import type { BudgetView } from '../projections/queries.js';
import { Money } from '../shared/money.js';
import { problemOf } from './problem.js';
import { ApiError } from './problem.filter.js';
import { Public } from './auth.js';
import { ApiOperation } from '@nestjs/swagger';
import { problemCodeOf } from './problem.filter.js';
import { SkipRateLimit } from './rate-limit.js';

export const METRICS = Symbol('METRICS');

export interface LedgerMetrics {
  readonly registry: Registry;
  readonly requestSeconds: Histogram<'method' | 'route' | 'status'>;
  readonly commands: Counter<'route' | 'outcome'>;
}

/** A programme-year someone touched: a budget allocated, or money committed, paid, ordered back or recovered. */
export function isTouched(view: BudgetView): boolean {
  return [view.budget, view.committed, view.paid, view.clawbackOrdered, view.recovered].some((amount) => !Money.of(amount).isZero());
}

export function createMetrics(store: EventStore, readSide: ReadSide | null, options: { publishMoney: boolean } = { publishMoney: false }): LedgerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requestSeconds = new Histogram({
    name: 'ledger_http_request_duration_seconds',
    help: 'HTTP request latency',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const commands = new Counter({
    name: 'ledger_commands_total',
    help: 'Commands by route and outcome (ok, or the error code)',
    labelNames: ['route', 'outcome'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'ledger_projection_lag_events',
    help: 'Events in the log not yet reflected by the read side',
    registers: [registry],
    async collect() {
      if (readSide === null) return;
      this.set(Number((await store.headPosition()) - readSide.projector.position));
    },
  });
  if (options.publishMoney) {
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
        for (const view of views.filter(isTouched)) this.set({ programme: view.programmeId, year: String(view.year) }, Money.of(view.remaining).toGaugeValue());
      },
    });
  }
  return { registry, requestSeconds, commands };
}

/**
 * Times every response by route and status, and counts every write by its outcome (ok, or the code
 * of its problem). A Fastify hook rather than a Nest interceptor: it also sees the requests refused
 * before a controller (401, 403, 404, 429), and costs a fraction of an interceptor's observable.
 */
export function instrumentRequests(fastify: FastifyInstance, metrics: LedgerMetrics): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    const matched = request.routeOptions.url;
    const route = `${request.method} ${matched ?? 'unmatched'}`;
    const status = reply.statusCode;
    metrics.requestSeconds.observe({ method: request.method, route, status: String(status) }, reply.elapsedTime / 1000);
    if (matched !== undefined && request.method !== 'GET' && request.method !== 'HEAD') {
      metrics.commands.inc({ route, outcome: status < 400 ? 'ok' : (problemCodeOf(reply) ?? 'error') });
    }
    done();
  });
}

function digestOf(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

@Controller('metrics')
@Public()
@SkipRateLimit()
export class MetricsController {
  private readonly tokenDigest: Buffer | undefined;

  constructor(
    @Inject(METRICS) private readonly metrics: LedgerMetrics,
    @Inject(LEDGER_CONFIG) config: LedgerConfig,
  ) {
    this.tokenDigest = config.metricsToken === undefined ? undefined : digestOf(config.metricsToken);
  }

  @ApiOperation({ operationId: 'metrics', summary: 'Prometheus metrics (with LEDGER_METRICS_TOKEN set: that scrape token as a bearer token, not a user token) — no token needed' })
  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  async scrape(@Headers('authorization') authorization: string | undefined): Promise<string> {
    if (this.tokenDigest !== undefined) {
      // Digests compared in constant time: the comparison says nothing of how much of a guess was right.
      const given = typeof authorization === 'string' && authorization.startsWith('Bearer ') ? authorization.slice('Bearer '.length).trim() : '';
      if (!timingSafeEqual(digestOf(given), this.tokenDigest)) {
        throw new ApiError(problemOf('UNAUTHENTICATED', 'send the scrape token (LEDGER_METRICS_TOKEN) as Authorization: Bearer <token>'), {
          'WWW-Authenticate': 'Bearer realm="metrics"',
        });
      }
    }
    return this.metrics.registry.metrics();
  }
}

export const metricsProviders = [
  {
    provide: METRICS,
    useFactory: (store: EventStore, readSide: ReadSide | null, config: LedgerConfig) => createMetrics(store, readSide, { publishMoney: config.metricsToken !== undefined }),
    inject: [EVENT_STORE, READ_SIDE, LEDGER_CONFIG],
  },
];
