// The ledger's commands as callers outside HTTP use them (the CLI, the synthetic generator, tests):
// a request parsed once into a typed command, executed on the CommandBus.
import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CommandBus, CqrsModule } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.js';
import type { CommandContext } from '../shared/actor.js';
import type { ProgrammeDefinition } from '../programmes/programme.js';
import { LedgerCommand, LedgerCommandHandler, commandOf } from './ledger-command.js';
import { CommandRunner, type CommandResult } from './runner.js';
import { builtInProgrammes } from '../programmes/definitions.js';
import type { Actor } from '../shared/actor.js';
import type { CommandRequest } from './use-case.js';
import type { CommandType, ResultOf } from './use-cases.js';

export class LedgerCommands {
  constructor(private readonly bus: CommandBus) {}

  /** A refusal while parsing comes back as a rejected promise, as one from the rules does. */
  async dispatch<T extends CommandType>(type: T, context: CommandContext, request: CommandRequest): Promise<CommandResult<ResultOf<T>>> {
    return await this.bus.execute(commandOf(type, context, request));
  }

  /** A definition shipped with the project: published once, a no-op where the log has it (or a later version). */
  publishShipped(definition: ProgrammeDefinition, context: CommandContext): Promise<CommandResult<ResultOf<'PublishProgramme'>>> {
    return this.bus.execute(new LedgerCommand('PublishProgramme', context, { definition, shipped: true }, { definition }));
  }

  /** Publishes the definitions shipped with the project that the log does not have yet. Safe to run at every start. */
  async publishBuiltInProgrammes(now: string): Promise<void> {
    for (const definition of builtInProgrammes) {
      await this.publishShipped(definition, { commandId: `built-in-programme-${definition.id}-v${definition.version}`, actor: system, now });
    }
  }
}

const system: Actor = { id: 'system', roles: ['admin'] };

@Module({})
class StoreValueModule {
  static of(store: EventStore): DynamicModule {
    return { module: StoreValueModule, global: true, providers: [{ provide: EVENT_STORE, useValue: store }], exports: [EVENT_STORE] };
  }
}

@Module({})
class CommandsOnlyModule {
  static over(store: EventStore): DynamicModule {
    return {
      module: CommandsOnlyModule,
      imports: [StoreValueModule.of(store), CqrsModule.forRoot()],
      providers: [{ provide: CommandRunner, useFactory: (eventStore: EventStore) => new CommandRunner(eventStore), inject: [EVENT_STORE] }, LedgerCommandHandler],
    };
  }
}

/**
 * The write side alone over a store the caller owns (and closes): the command bus and its handler.
 * For tools and tests that need no HTTP and no read side; they publish the built-in programmes
 * themselves, at the time they choose (a history made of them is reproducible).
 */
export async function openLedgerCommands(store: EventStore): Promise<{ commands: LedgerCommands; close: () => Promise<void> }> {
  const context = await NestFactory.createApplicationContext(CommandsOnlyModule.over(store), { logger: false });
  await context.init();
  return { commands: new LedgerCommands(context.get(CommandBus)), close: () => context.close() };
}
