// The write side as a Nest module: the command runner over the configured store, the handler of the
// ledger's commands, and the built-in programmes published at start (idempotent: a restart publishes nothing new).
import { Inject, Module, OnApplicationBootstrap } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.js';
import { LedgerCommandHandler } from './ledger-command.js';
import { LedgerCommands } from './ledger-commands.js';
import { CommandRunner } from './runner.js';

@Module({
  providers: [{ provide: CommandRunner, useFactory: (store: EventStore) => new CommandRunner(store), inject: [EVENT_STORE] }, LedgerCommandHandler],
  exports: [CommandRunner],
})
export class LedgerModule implements OnApplicationBootstrap {
  constructor(@Inject(CommandBus) private readonly bus: CommandBus) {}

  async onApplicationBootstrap(): Promise<void> {
    await new LedgerCommands(this.bus).publishBuiltInProgrammes(new Date().toISOString());
  }
}
