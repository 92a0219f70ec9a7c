// The CLI's module: the store, the command bus and the read side, without the HTTP layer.
import { DynamicModule, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import type { LedgerConfig } from '../config.js';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.js';
import { EventStoreModule } from '../event-store/event-store.module.js';
import { CqrsModule } from '@nestjs/cqrs';
import { LedgerCommandHandler } from '../commands/ledger-command.js';
import { CommandRunner } from '../commands/runner.js';
import { LEDGER_CONFIG } from '../ledger-config.token.js';
import { cliCommands } from './commands.js';
import { READ_SIDE, openReadSide, type ReadSide } from '../projections/read-side.js';

@Module({})
export class CliModule implements OnApplicationShutdown {
  constructor(@Inject(READ_SIDE) private readonly readSide: ReadSide) {}

  static forRoot(config: LedgerConfig): DynamicModule {
    return {
      module: CliModule,
      imports: [EventStoreModule.forRoot(config, 'cli'), CqrsModule.forRoot()],
      providers: [
        { provide: LEDGER_CONFIG, useValue: config },
        // The write side without its start-up publishing: read-only commands must not write.
        { provide: CommandRunner, useFactory: (store: EventStore) => new CommandRunner(store), inject: [EVENT_STORE] },
        LedgerCommandHandler,
        // The read side this store and configuration call for (see read-side.ts), as the service has it.
        { provide: READ_SIDE, useFactory: (store: EventStore) => openReadSide(store, config), inject: [EVENT_STORE] },
        ...cliCommands,
      ],
    };
  }

  /** A read side kept apart from the store has connections of its own to close. */
  async onApplicationShutdown(): Promise<void> {
    await this.readSide.projector.stop();
    await this.readSide.close();
  }
}
