// Runs the projections inside the service: the read side (chosen by the store and the configuration,
// see read-side.ts) follows the log from its checkpoint for as long as the service runs, and stops
// cleanly with it.
import { Inject, Logger, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { LedgerConfig } from '../config.js';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.js';
import { LEDGER_CONFIG } from '../ledger-config.token.js';
import { READ_SIDE, openReadSide, type ReadSide } from './read-side.js';

@Module({
  providers: [{ provide: READ_SIDE, useFactory: (store: EventStore, config: LedgerConfig) => openReadSide(store, config), inject: [EVENT_STORE, LEDGER_CONFIG] }],
  exports: [READ_SIDE],
})
export class ProjectionsModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@Inject(READ_SIDE) private readonly readSide: ReadSide) {}

  onApplicationBootstrap(): void {
    new Logger('Projections').log(`projections kept in ${this.readSide.location}`);
    this.readSide.projector.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.readSide.projector.stop();
    await this.readSide.close();
  }
}
