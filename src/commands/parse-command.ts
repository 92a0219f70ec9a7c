// The edge of every command: the caller's role is checked, then the request is parsed, once, into
// the typed data of its use case. No NestJS here, so that a tool can run the table without it.
import type { CommandContext } from '../shared/actor.js';
import { requireRole } from './runner.js';
import type { AnyUseCase, CommandRequest } from './use-case.js';
import { useCases, type CommandType, type DataOf } from './use-cases.js';

export interface ParsedCommand<T extends CommandType> {
  readonly type: T;
  readonly data: DataOf<T>;
  /** The request an idempotency key is bound to: the body alone, or the route's ids with it. */
  readonly fingerprint: unknown;
}

export function parseCommand<T extends CommandType>(type: T, context: CommandContext, request: CommandRequest): ParsedCommand<T> {
  const useCase: AnyUseCase = useCases[type];
  requireRole(context.actor, useCase.roles, type);
  const data = useCase.parse(request, context) as DataOf<T>;
  const fingerprint = Object.keys(request.params).length === 0 ? request.body : { ...request.params, body: request.body };
  return { type, data, fingerprint };
}
