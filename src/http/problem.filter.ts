// Turns every error into problem+json: domain errors by their code, framework errors (malformed JSON,
// unknown route, payload too large) as the 4xx they are, anything else as a logged 500 that says nothing
// of the internals.
import { ArgumentsHost, Catch, ExceptionFilter, HttpException } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LedgerError } from '../shared/errors.js';
import { problemOf, type ApiErrorCode, type Problem } from './problem.js';

export class ApiError extends Error {
  constructor(
    readonly problem: Problem,
    readonly headers: Record<string, string> = {},
  ) {
    super(problem.detail);
  }
}

const unsupportedMediaType = 'send the body as application/json';

/** The framework's refusals that have a code of their own, by HTTP status, with what to tell the caller. */
const frameworkRefusals: Readonly<Record<number, { code: ApiErrorCode; detail: string }>> = {
  413: { code: 'PAYLOAD_TOO_LARGE', detail: 'the request body is larger than the service accepts' },
  414: { code: 'URI_TOO_LONG', detail: 'the request path is longer than the service accepts' },
  415: { code: 'UNSUPPORTED_MEDIA_TYPE', detail: unsupportedMediaType },
  431: { code: 'HEADERS_TOO_LARGE', detail: 'the request headers are larger than the service accepts' },
};

/** A refusal of the framework's by its status (and Fastify's error code, which tells a bad URL from a bad body). */
/** A request the edge refuses before any command: VALIDATION_FAILED naming the field, parameter or header. */
export function invalidRequest(field: string, message: string): ApiError {
  return new ApiError(problemOf('VALIDATION_FAILED', `${field} ${message}`, { field }));
}

/** A year in the route: four digits, 2000 to 2100. */
export function yearParam(text: string): number {
  if (!/^[0-9]{4}$/.test(text) || Number(text) < 2000 || Number(text) > 2100) throw invalidRequest('year', 'must be an integer from 2000 to 2100');
  return Number(text);
}

export function frameworkProblem(status: number, fastifyCode?: unknown): Problem {
  if (fastifyCode === 'FST_ERR_BAD_URL') return problemOf('BAD_URL_ENCODING', 'the path is not validly percent-encoded');
  const own = frameworkRefusals[status];
  if (own !== undefined) return problemOf(own.code, own.detail);
  if (status >= 500) return problemOf('INTERNAL', 'an unexpected error occurred; it has been logged');
  const detail = 'the request body is not valid JSON';
  return { ...problemOf('VALIDATION_FAILED', detail, { field: 'body', errors: [{ field: 'body', message: detail, messageZh: '请求体不是有效的 JSON' }] }), status };
}

@Catch()
export class ProblemFilter implements ExceptionFilter {
  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const outcome = this.problemFor(error);
    if (outcome.problem.code === 'INTERNAL') {
      // The request's own logger: the line carries its request id, and the user, like its request line.
      const request = http.getRequest<FastifyRequest & { actor?: { id: string }; signedBy?: string }>();
      request.log.error({ err: error, user: request.actor?.id ?? request.signedBy ?? null, url: request.url, method: request.method }, 'unexpected error');
    }
    sendProblem(http.getResponse<FastifyReply>(), outcome);
  }

  problemFor(error: unknown): { problem: Problem; headers: Record<string, string> } {
    if (error instanceof ApiError) return { problem: error.problem, headers: error.headers };
    if (error instanceof LedgerError) {
      // A refusal of the ledger's parser names one field: listed in `errors` as the DTOs' refusals list theirs.
      const field = error.details['field'];
      const errors = error.code === 'VALIDATION_FAILED' && typeof field === 'string' ? { errors: [{ field, message: error.message, messageZh: `${field} 不符合要求` }] } : {};
      return { problem: problemOf(error.code, error.message, { ...error.details, ...errors }), headers: {} };
    }
    if (error instanceof HttpException) {
      const status = error.getStatus();
      if (status === 404) return { problem: problemOf('NOT_FOUND', 'no such resource'), headers: {} };
      if (status === 401) return { problem: problemOf('UNAUTHENTICATED', error.message), headers: {} };
      if (status === 403) return { problem: problemOf('FORBIDDEN', error.message), headers: {} };
      if (frameworkRefusals[status] !== undefined) return { problem: frameworkProblem(status), headers: {} };
      if (status < 500) return { problem: { ...problemOf('VALIDATION_FAILED', error.message), status }, headers: {} };
    }
    // Fastify's own errors (malformed JSON, a body too large, an unsupported media type, a bad URL) carry a 4xx.
    const status = (error as { statusCode?: unknown })?.statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) return { problem: frameworkProblem(status, (error as { code?: unknown }).code), headers: {} };
    return { problem: problemOf('INTERNAL', 'an unexpected error occurred; it has been logged'), headers: {} };
  }
}

/** The code of the problem each response carried, for the metrics (by the raw response, which every layer shares). */
const problemCodes = new WeakMap<object, string>();

export function problemCodeOf(reply: FastifyReply): string | undefined {
  return problemCodes.get(reply.raw);
}

export function sendProblem(reply: FastifyReply, { problem, headers }: { problem: Problem; headers: Record<string, string> }): void {
  problemCodes.set(reply.raw, problem.code);
  void reply.status(problem.status).headers(headers).type('application/problem+json').send(JSON.stringify(problem));
}
