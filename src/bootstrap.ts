// Builds the HTTP application the same way for `npm start`, the tests and the benchmark.
// The HTTP platform is Fastify: on this API, NestJS over Express topped out at a fifth of what bare
// node:http serves, over Fastify at about three quarters (npm run bench:http).
import helmet from '@fastify/helmet';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { RawRequestDefaultExpression } from 'fastify';
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { AppModule } from './app.module.js';
import type { LedgerConfig } from './config.js';

export interface HttpOptions {
  /** One JSON log line per request (on by default; the tests and the benchmark turn it off). */
  readonly requestLog?: boolean;
}

/** Largest request body accepted: far above any command's, far below what could hurt. */
export const requestBodyBytesMax = 1_048_576;

const requestIdPattern = /^[A-Za-z0-9._-]{1,100}$/;

/** The Fastify platform, with request ids (X-Request-Id if the caller sent a sane one) and pino logs. */
export function ledgerHttpAdapter(options: HttpOptions = {}): FastifyAdapter {
  const adapter = new FastifyAdapter({
    bodyLimit: requestBodyBytesMax,
    genReqId: (request: RawRequestDefaultExpression) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && requestIdPattern.test(given) ? given : randomUUID();
    },
    // One line per request, written when the response is sent (below), instead of Fastify's two.
    disableRequestLogging: true,
    ...(options.requestLog === false ? {} : { loggerInstance: pino({ redact: ['req.headers.authorization'] }) }),
  });
  const fastify = adapter.getInstance();
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('X-Request-Id', request.id);
    done();
  });
  if (options.requestLog !== false) {
    fastify.addHook('onResponse', (request, reply, done) => {
      request.log.info(
        {
          req: request,
          res: reply,
          responseTimeMs: Math.round(reply.elapsedTime * 100) / 100,
          user: (request as { actor?: { id: string } }).actor?.id ?? null,
        },
        'request completed',
      );
      done();
    });
  }
  return adapter;
}

/** What every instance of the app gets, whoever builds it. */
export async function configureApp(app: NestFastifyApplication): Promise<NestFastifyApplication> {
  await app.register(helmet);
  app.setGlobalPrefix('api', { exclude: ['health', 'metrics', 'docs', 'docs-json'] });
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Subsidy ledger / 补贴资金台账')
      .setDescription(
        'Event-sourced audit and fund-disbursement ledger of the Baoding and Wuhan AI / data-industry subsidies. ' +
          'Every write needs an Idempotency-Key; every error is application/problem+json with a stable code. ' +
          '数据智能产业补贴的申报、审核、公示、拨付与追回台账。',
      )
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  return app;
}

export async function createApp(config: LedgerConfig, options: { logger?: false } = {}): Promise<NestFastifyApplication> {
  const quiet = options.logger === false;
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), ledgerHttpAdapter({ requestLog: !quiet }), quiet ? { logger: false } : {});
  return configureApp(app);
}
