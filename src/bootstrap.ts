// Builds the HTTP application the same way for `npm start`, the tests and the benchmark.
// The HTTP platform is Fastify: on this API, NestJS over Express topped out at a fifth of what bare
// node:http serves, over Fastify at about three quarters (npm run bench:http).
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { LogController, type FastifyError, type FastifyReply, type FastifyRequest, type RawRequestDefaultExpression, type RawServerDefault } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { AppModule } from './app.module.js';
import type { LedgerConfig } from './config.js';
import { createLogger, NestLogger, type Logger } from './logging.js';
import { METRICS, instrumentRequests, type LedgerMetrics } from './http/metrics.js';
import { ApiError, frameworkProblem, sendProblem } from './http/problem.filter.js';
import { problemOf, type Problem } from './http/problem.js';
import { securityHeaders } from './http/security-headers.js';
import { completeDocument } from './http/openapi.js';

export { securityHeaders } from './http/security-headers.js';

export interface HttpOptions {
  /** Where the line of each request goes (with its id and user); `false`, no request lines (the tests, the benchmark). */
  readonly logger: Logger | false;
}

/** Largest request body accepted: far above any command's, far below what could hurt. */
export const requestBodyBytesMax = 1_048_576;

/** Deepest nesting of a JSON body: a command's is 3 levels; thousands would overflow the stack of whatever walks it. */
export const requestBodyDepthMax = 32;

const requestIdPattern = /^[A-Za-z0-9._-]{1,100}$/;

/** Longest request target (path and query) answered: longer is a 414 URI_TOO_LONG. Node refuses headers past 16 KiB (431). */
export const requestUrlLengthMax = 8_192;

/**
 * A refusal written on the socket, for the requests Node's HTTP parser refuses before Fastify sees
 * them (headers too large, a request that is not HTTP): problem+json all the same, with the API's
 * security headers and a request id of its own (logged, so that a caller's report can be traced).
 */
function socketProblem(problem: Problem, requestId: string, headers: Readonly<Record<string, string>>): string {
  const body = JSON.stringify(problem);
  const lines = [
    `HTTP/1.1 ${problem.status} ${problem.status === 431 ? 'Request Header Fields Too Large' : 'Bad Request'}`,
    'Content-Type: application/problem+json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    `X-Request-Id: ${requestId}`,
    'Connection: close',
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

/** Whether a parsed JSON value nests deeper than `levels` (never walks deeper than that itself). */
function nestsDeeperThan(value: unknown, levels: number): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (levels === 0) return true;
  for (const child of Object.values(value)) if (nestsDeeperThan(child, levels - 1)) return true;
  return false;
}

/** The Fastify platform, with request ids (X-Request-Id if the caller sent a sane one) and pino logs. */
export function ledgerHttpAdapter(options: HttpOptions): FastifyAdapter {
  const security = securityHeaders();
  const adapter = new FastifyAdapter({
    bodyLimit: requestBodyBytesMax,
    genReqId: (request: RawRequestDefaultExpression) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && requestIdPattern.test(given) ? given : randomUUID();
    },
    // One line per request, written when the response is sent (below), instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    // The router's refusals (a path that is not validly percent-encoded, a parameter too long) before
    // any hook runs: problem+json with the headers every answer carries.
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      void reply.headers(security.api).header('X-Request-Id', request.id);
      sendProblem(reply, { problem: frameworkProblem(error.statusCode ?? 400, error.code), headers: {} });
    },
    clientErrorHandler: function (this: { log: { warn: (o: object, m: string) => void } }, error: Error & { code?: string }, socket: Duplex) {
      if (error.code === 'ECONNRESET' || socket.destroyed) return;
      const requestId = randomUUID();
      const problem =
        error.code === 'HPE_HEADER_OVERFLOW'
          ? frameworkProblem(431)
          : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
            ? { ...problemOf('MALFORMED_REQUEST', 'the request did not arrive in time'), status: 408 }
            : problemOf('MALFORMED_REQUEST', 'the request could not be parsed as HTTP');
      this.log.warn({ requestId, code: error.code ?? null, status: problem.status }, 'request refused by the HTTP parser');
      if (socket.writable) socket.write(socketProblem(problem, requestId, security.api));
      socket.destroy(error);
    },
    ...(options.logger === false ? {} : { loggerInstance: options.logger }),
  });
  const fastify = adapter.getInstance();
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.headers(request.url.startsWith('/docs') ? security.pages : security.api).header('X-Request-Id', request.id);
    if (request.url.length > requestUrlLengthMax) {
      sendProblem(reply, { problem: problemOf('URI_TOO_LONG', `the request path and query are longer than ${requestUrlLengthMax} characters`), headers: {} });
      return;
    }
    done();
  });
  if (options.logger !== false) {
    fastify.addHook('onResponse', (request, reply, done) => {
      request.log.info(
        {
          req: request,
          res: reply,
          responseTimeMs: Math.round(reply.elapsedTime * 100) / 100,
          user: userOf(request),
        },
        'request completed',
      );
      done();
    });
  }
  return adapter;
}

/** The caller, once authentication has run (null before, or on a public route); the token's user where a check after its signature failed. */
function userOf(request: object): string | null {
  const r = request as { actor?: { id: string }; signedBy?: string };
  return r.actor?.id ?? r.signedBy ?? null;
}

/** What every instance of the app gets, whoever builds it. */
export async function configureApp(app: NestFastifyApplication): Promise<NestFastifyApplication> {
  const fastify = app.getHttpAdapter().getInstance();
  instrumentRequests(fastify, app.get<LedgerMetrics>(METRICS));
  // A write without a body (a confirmation, a withdrawal) sent with `Content-Type: application/json`,
  // as many clients send every request, has no body rather than a malformed one. Any other body goes
  // to Fastify's own JSON parser, which refuses prototype poisoning.
  // A body nested deeper than any command's is refused before anything walks it.
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  app.useBodyParser<RawServerDefault>('application/json', { bodyLimit: requestBodyBytesMax }, (request, body, done) => {
    if (body.length === 0) return done(null, undefined);
    void parseJson(request, body.toString('utf8'), (error, parsed) => {
      if (error === null && nestsDeeperThan(parsed, requestBodyDepthMax)) {
        return done(new ApiError(problemOf('VALIDATION_FAILED', `the body nests deeper than ${requestBodyDepthMax} levels`, { field: 'body' })), undefined);
      }
      done(error, parsed);
    });
  });
  // The API speaks JSON only: a text or form body (what `curl -d` sends without a Content-Type) is a
  // 415, not a body read some other way and then refused for the wrong reason, or accepted.
  fastify.removeContentTypeParser('text/plain');
  app.useBodyParser<RawServerDefault>('application/x-www-form-urlencoded', { bodyLimit: requestBodyBytesMax }, (_request, _body, done) =>
    done(Object.assign(new Error('send the body as application/json'), { statusCode: 415, code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' }), undefined),
  );
  app.setGlobalPrefix('api', { exclude: ['health', 'metrics', 'docs', 'docs-json', 'problems', 'problems/:slug'] });
  // Operation ids are the routes' declared ids (methods' names where none is declared): never generated from the controller's name.
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
    { operationIdFactory: (_controller, method) => method },
  );
  completeDocument(document);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  return app;
}

/**
 * The application, logging through one pino logger (the configured one by default; `logger: false`
 * for none, as the tests and the benchmark run it).
 */
export async function createApp(config: LedgerConfig, options: { logger?: Logger | false } = {}): Promise<NestFastifyApplication> {
  const logger = options.logger ?? createLogger(config);
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), ledgerHttpAdapter({ logger }), {
    logger: logger === false ? false : new NestLogger(logger),
  });
  return configureApp(app);
}
