// Builds the HTTP application the same way for `npm start` and for the tests.
import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import helmet from 'helmet';
import { randomUUID } from 'node:crypto';
import { pinoHttp } from 'pino-http';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module.js';
import type { LedgerConfig } from './config.js';

/** What every instance of the app gets, whoever builds it. */
export function configureApp(app: INestApplication, options: { requestLog?: boolean } = {}): INestApplication {
  app.use(helmet());
  if (options.requestLog !== false) {
    // One JSON line per request, with its id (X-Request-Id if the caller sent one) and the user.
    app.use(
      pinoHttp({
        genReqId: (request, response) => {
          const given = request.headers['x-request-id'];
          const id = typeof given === 'string' && /^[A-Za-z0-9._-]{1,100}$/.test(given) ? given : randomUUID();
          response.setHeader('X-Request-Id', id);
          return id;
        },
        customProps: (request) => ({ user: (request as { actor?: { id: string } }).actor?.id ?? null }),
        redact: ['req.headers.authorization'],
      }),
    );
  }
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

export async function createApp(config: LedgerConfig, options: { logger?: false } = {}): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forRoot(config), options.logger === false ? { logger: false } : {});
  return configureApp(app, { requestLog: options.logger !== false });
}
