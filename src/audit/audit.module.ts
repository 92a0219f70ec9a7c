// The service's audit side: the Ed25519 signing key (required in production, created beside the
// database on a local trial) and the checkpointer that signs the log every N events and T seconds.
import { DynamicModule, Inject, Logger, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { KeyObject } from 'node:crypto';
import type { LedgerConfig } from '../config.js';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.js';
import { MAC_KEY } from '../event-store/event-store.module.js';
import { Checkpointer } from './checkpointer.js';
import { ThreadedChainChecks, checkpointWorkerAvailable } from './threaded-chain-checks.js';
import { resolveSigningKey } from './signing.js';

/** Injection token of the service's Ed25519 private key (a KeyObject). */
export const SIGNING_KEY = Symbol('SIGNING_KEY');

@Module({})
export class AuditModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@Inject(Checkpointer) private readonly checkpointer: Checkpointer) {}

  static forRoot(config: LedgerConfig): DynamicModule {
    const production = config.nodeEnv === 'production';
    return {
      module: AuditModule,
      global: true,
      providers: [
        { provide: SIGNING_KEY, useFactory: () => resolveSigningKey(config, { LEDGER_SIGNING_KEY: config.signingKeyPem }, { create: !production, production }) },
        {
          provide: Checkpointer,
          useFactory: (store: EventStore, signingKey: KeyObject, macKey: Buffer | null) => {
            const logger = new Logger('Checkpoints');
            // A log in an SQLite file is checked on a thread of its own, off the thread that runs the commands.
            const file = checkpointWorkerAvailable ? store.chainFile?.() : undefined;
            return new Checkpointer({
              store,
              signingKey,
              macKey: macKey ?? undefined,
              everyEvents: config.checkpointEvents,
              everySeconds: config.checkpointSeconds,
              file: config.checkpointFile,
              clock: () => new Date(),
              log: { info: (message, fields) => logger.log({ ...fields, msg: message }), error: (message, fields) => logger.error({ ...fields, msg: message }) },
              ...(file === undefined ? {} : { checks: new ThreadedChainChecks(file, macKey ?? undefined) }),
            });
          },
          inject: [EVENT_STORE, SIGNING_KEY, MAC_KEY],
        },
      ],
      exports: [SIGNING_KEY, Checkpointer],
    };
  }

  onApplicationBootstrap(): void {
    this.checkpointer.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.checkpointer.stop();
  }
}
