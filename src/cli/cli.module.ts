// The CLI's module: the store, the ledger and the read side, without the HTTP layer.
import { DynamicModule, Module } from '@nestjs/common';
import type { LedgerConfig } from '../config.js';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.js';
import { EventStoreModule } from '../event-store/event-store.module.js';
import { Ledger } from '../commands/ledger.js';
import { LEDGER_CONFIG } from '../ledger-config.token.js';
import { cliCommands } from './commands.js';
import { READ_SIDE, openReadSide } from '../projections/read-side.js';

@Module({})
export class CliModule {
  static forRoot(config: LedgerConfig): DynamicModule {
    return {
      module: CliModule,
      imports: [EventStoreModule.forRoot(config)],
      providers: [
        { provide: LEDGER_CONFIG, useValue: config },
        { provide: Ledger, useFactory: (store: EventStore) => new Ledger(store), inject: [EVENT_STORE] },
        { provide: READ_SIDE, useFactory: openReadSide, inject: [EVENT_STORE] },
        ...cliCommands,
      ],
    };
  }
}
