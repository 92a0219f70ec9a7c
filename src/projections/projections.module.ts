// Runs the projections inside the service: the read side follows the log from its checkpoint for as
// long as the service runs, and stops cleanly with it.
import { Inject, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { EVENT_STORE } from '../event-store/event-store.js';
import { READ_SIDE, openReadSide, type ReadSide } from './read-side.js';

@Module({
  providers: [{ provide: READ_SIDE, useFactory: openReadSide, inject: [EVENT_STORE] }],
  exports: [READ_SIDE],
})
export class ProjectionsModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@Inject(READ_SIDE) private readonly readSide: ReadSide) {}

  onApplicationBootstrap(): void {
    this.readSide.projector.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.readSide.projector.stop();
  }
}
