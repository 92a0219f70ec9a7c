// Turns every error into problem+json: domain errors by their code, framework errors (malformed JSON,
// unknown route, payload too large) as the 4xx they are, anything else as a logged 500 that says nothing
// of the internals.
import { ArgumentsHost, Catch, ExceptionFilter, HttpException } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LedgerError } from '../shared/errors.js';
import { problemOf, type Problem } from './problem.js';

export class ApiError extends Error {
  constructor(
    readonly problem: Problem,
    readonly headers: Record<string, string> = {},
  ) {
    super(problem.detail);
  }
}

const unsupportedMediaType = 'send the body as application/json';

@Catch()
export class ProblemFilter implements ExceptionFilter {
  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const outcome = this.problemFor(error);
    if (outcome.problem.code === 'INTERNAL') {
      // The request's own logger: the line carries its request id, and the user, like its request line.
      const request = http.getRequest<FastifyRequest & { actor?: { id: string } }>();
      request.log.error({ err: error, user: request.actor?.id ?? null, url: request.url, method: request.method }, 'unexpected error');
    }
    sendProblem(http.getResponse<FastifyReply>(), outcome);
  }

  problemFor(error: unknown): { problem: Problem; headers: Record<string, string> } {
    if (error instanceof ApiError) return { problem: error.problem, headers: error.headers };
    if (error instanceof LedgerError) return { problem: problemOf(error.code, error.message, error.details), headers: {} };
    if (error instanceof HttpException) {
      const status = error.getStatus();
      if (status === 404) return { problem: problemOf('NOT_FOUND', 'no such resource'), headers: {} };
      if (status === 401) return { problem: problemOf('UNAUTHENTICATED', error.message), headers: {} };
      if (status === 403) return { problem: problemOf('FORBIDDEN', error.message), headers: {} };
      if (status === 415) return { problem: { ...problemOf('VALIDATION_FAILED', unsupportedMediaType), status }, headers: {} };
      if (status < 500) return { problem: { ...problemOf('VALIDATION_FAILED', error.message), status }, headers: {} };
    }
    // Fastify's own errors (malformed JSON, a body too large, an unsupported media type) carry a 4xx.
    const status = (error as { statusCode?: unknown })?.statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      const detail = status === 415 ? unsupportedMediaType : 'the request body is not valid JSON of an acceptable size';
      return { problem: { ...problemOf('VALIDATION_FAILED', detail), status }, headers: {} };
    }
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
