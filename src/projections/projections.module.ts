// Runs the projections inside the service: the read side follows the log from its checkpoint for as
// long as the service runs, and stops cleanly with it.
import { Inject, Logger, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { EVENT_STORE } from '../event-store/event-store.js';
import { READ_SIDE, readSideOf, type ReadSide } from './read-side.js';

@Module({
  providers: [{ provide: READ_SIDE, useFactory: (store) => readSideOf(store) ?? null, inject: [EVENT_STORE] }],
  exports: [READ_SIDE],
})
export class ProjectionsModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@Inject(READ_SIDE) private readonly readSide: ReadSide | null) {}

  onApplicationBootstrap(): void {
    if (this.readSide === null) {
      new Logger('Projections').warn('this store keeps no read side in this version: the write side serves, projections do not run');
      return;
    }
    this.readSide.projector.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.readSide?.projector.stop();
  }
}
