// The write side as a Nest module: the Ledger over the configured store, its command handlers, and
// the built-in programmes published at start (idempotent: a restart publishes nothing new).
import { Inject, Module, OnApplicationBootstrap } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.js';
import { commandHandlers } from './cqrs-commands.js';
import { Ledger } from './ledger.js';

@Module({
  providers: [{ provide: Ledger, useFactory: (store: EventStore) => new Ledger(store), inject: [EVENT_STORE] }, ...commandHandlers],
  exports: [Ledger],
})
export class LedgerModule implements OnApplicationBootstrap {
  constructor(@Inject(Ledger) private readonly ledger: Ledger) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.ledger.publishBuiltInProgrammes(new Date().toISOString());
  }
}
