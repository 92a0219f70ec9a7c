// The service's root module: configuration, the event store, the command bus and the ledger, health.
import { DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { TerminusModule } from '@nestjs/terminus';
import type { LedgerConfig } from './config.js';
import { LedgerModule } from './commands/ledger.module.js';
import { ProjectionsModule } from './projections/projections.module.js';
import { HttpModule } from './http/http.module.js';
import { ConsoleModule } from './console/console.module.js';
import { JWT_SECRET } from './http/auth.js';
import { resolveJwtSecret } from './auth/secret.js';
import { EventStoreModule } from './event-store/event-store.module.js';
import { AuditModule } from './audit/audit.module.js';
import { HealthController } from './health/health.controller.js';
import { LEDGER_CONFIG } from './ledger-config.token.js';

@Module({})
export class AppModule {
  static forRoot(config: LedgerConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        {
          module: ConfigHolderModule,
          global: true,
          providers: [
            { provide: LEDGER_CONFIG, useValue: config },
            // The token secret: LEDGER_JWT_SECRET, or a file beside the database (created outside production).
            { provide: JWT_SECRET, useFactory: () => resolveJwtSecret(config, { create: true, production: config.nodeEnv === 'production' }).secret },
          ],
          exports: [LEDGER_CONFIG, JWT_SECRET],
        },
        EventStoreModule.forRoot(config),
        AuditModule.forRoot(config),
        CqrsModule.forRoot(),
        LedgerModule,
        ProjectionsModule,
        HttpModule.forRoot(config),
        ConsoleModule,
        TerminusModule,
      ],
      controllers: [HealthController],
    };
  }
}

@Module({})
class ConfigHolderModule {}
