// Provides the one event store of the process, chosen by configuration, and closes it on shutdown.
import { defined } from '../shared/assert.js';
import { DynamicModule, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { LedgerConfig } from '../config.js';
import { EVENT_STORE, type EventStore } from './event-store.js';
import { KurrentDbEventStore } from './kurrentdb/kurrentdb-event-store.js';
import { PostgresEventStore } from './postgres/postgres-event-store.js';
import { SqliteEventStore } from './sqlite/sqlite-event-store.js';

export async function openEventStore(config: LedgerConfig): Promise<EventStore> {
  switch (config.store) {
    case 'sqlite':
      return new SqliteEventStore({ path: config.sqlitePath });
    case 'postgres':
      return PostgresEventStore.open({ connectionString: defined(config.databaseUrl, 'DATABASE_URL (checked by the configuration)') });
    case 'eventstoredb':
      return KurrentDbEventStore.open({ connectionString: defined(config.eventStoreConnectionString, 'EVENTSTORE_CONNECTION_STRING (checked by the configuration)') });
  }
}

@Module({})
export class EventStoreModule implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  static forRoot(config: LedgerConfig): DynamicModule {
    return {
      module: EventStoreModule,
      global: true,
      providers: [{ provide: EVENT_STORE, useFactory: () => openEventStore(config) }],
      exports: [EVENT_STORE],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
