// The ledger's commands on @nestjs/cqrs: one command class that carries a typed command of the table,
// and one handler that runs its use case. Edges build commands with `commandOf`, which parses the
// request once; the bus carries only typed data from there on.
import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CommandContext } from '../shared/actor.js';
import { parseCommand } from './parse-command.js';
import { CommandRunner, type CommandResult } from './runner.js';
import type { AnyUseCase, CommandRequest } from './use-case.js';
import { useCases, type CommandType, type DataOf, type ResultOf } from './use-cases.js';

export class LedgerCommand<T extends CommandType = CommandType> extends Command<CommandResult<ResultOf<T>>> {
  constructor(
    readonly type: T,
    readonly context: CommandContext,
    readonly data: DataOf<T>,
    /** The request as it came, for the idempotency record: the same key with another request is refused. */
    readonly request: unknown,
  ) {
    super();
  }
}

/** Checks the role, parses the request into the typed command: the one place a request is read. */
export function commandOf<T extends CommandType>(type: T, context: CommandContext, request: CommandRequest): LedgerCommand<T> {
  const parsed = parseCommand(type, context, request);
  return new LedgerCommand(type, context, parsed.data, parsed.fingerprint);
}

@CommandHandler(LedgerCommand)
export class LedgerCommandHandler implements ICommandHandler<LedgerCommand> {
  // Named, not inferred: tools that run the sources without decorator metadata (tsx) still wire it.
  constructor(@Inject(CommandRunner) private readonly runner: CommandRunner) {}

  execute<T extends CommandType>(command: LedgerCommand<T>): Promise<CommandResult<ResultOf<T>>> {
    const useCase: AnyUseCase = useCases[command.type];
    return this.runner.run(command.context, useCase, command.data, command.request) as Promise<CommandResult<ResultOf<T>>>;
  }
}
