// The service's root module: configuration, the event store, the command bus and the ledger, health.
import { DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { TerminusModule } from '@nestjs/terminus';
import type { LedgerConfig } from './config.js';
import { LedgerModule } from './commands/ledger.module.js';
import { ProjectionsModule } from './projections/projections.module.js';
import { EventStoreModule } from './event-store/event-store.module.js';
import { HealthController } from './health/health.controller.js';
import { LEDGER_CONFIG } from './ledger-config.token.js';

@Module({})
export class AppModule {
  static forRoot(config: LedgerConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        { module: ConfigHolderModule, global: true, providers: [{ provide: LEDGER_CONFIG, useValue: config }], exports: [LEDGER_CONFIG] },
        EventStoreModule.forRoot(config),
        CqrsModule.forRoot(),
        LedgerModule,
        ProjectionsModule,
        TerminusModule,
      ],
      controllers: [HealthController],
    };
  }
}

@Module({})
class ConfigHolderModule {}
