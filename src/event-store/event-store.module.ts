// Provides the one event store of the process, chosen by configuration, and closes it on shutdown.
import { defined } from '../shared/assert.js';
import { DynamicModule, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { LedgerConfig } from '../config.js';
import { EVENT_STORE, type EventStore } from './event-store.js';
import { KurrentDbEventStore } from './kurrentdb/kurrentdb-event-store.js';
import { PostgresEventStore } from './postgres/postgres-event-store.js';
import { SqliteEventStore } from './sqlite/sqlite-event-store.js';
import { resolveMacKey } from './mac-key.js';

/** Injection token of the MAC key (a Buffer), or null where none is configured. */
export const MAC_KEY = Symbol('MAC_KEY');

/** Where a configuration's store lives, as an operator would name it (a connection string without its password). */
export function describeStore(config: LedgerConfig): string {
  switch (config.store) {
    case 'sqlite':
      return `the SQLite ledger at ${config.sqlitePath}`;
    case 'postgres':
      return `the PostgreSQL ledger at ${withoutPassword(config.databaseUrl ?? '')}`;
    case 'eventstoredb':
      return `the KurrentDB ledger at ${withoutPassword(config.eventStoreConnectionString ?? '')}`;
  }
}

function withoutPassword(connectionString: string): string {
  return connectionString.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@');
}

/** The configured store could not be opened (missing, unreadable, not a ledger, server down). */
export class StoreOpenError extends Error {
  override readonly name = 'StoreOpenError';

  constructor(
    readonly store: string,
    readonly reason: string,
  ) {
    super(`cannot open ${store}: ${reason}`);
  }
}

export interface OpenStoreOptions {
  /** The key every commit is MACed with (mac-key.ts); absent: appends carry no MAC. */
  readonly macKey?: Buffer;
}

export async function openEventStore(config: LedgerConfig, options: OpenStoreOptions = {}): Promise<EventStore> {
  try {
    return await openConfiguredStore(config, options);
  } catch (error) {
    const reason = error instanceof Error ? defined(error.message.split('\n')[0], 'error.message.split("\n")[0]') : String(error);
    throw new StoreOpenError(describeStore(config), reason);
  }
}

async function openConfiguredStore(config: LedgerConfig, options: OpenStoreOptions): Promise<EventStore> {
  const mac = options.macKey === undefined ? {} : { macKey: options.macKey };
  switch (config.store) {
    case 'sqlite':
      return new SqliteEventStore({ path: config.sqlitePath, ...mac });
    case 'postgres':
      return PostgresEventStore.open({ connectionString: defined(config.databaseUrl, 'DATABASE_URL (checked by the configuration)'), ...mac });
    case 'eventstoredb':
      return KurrentDbEventStore.open({ connectionString: defined(config.eventStoreConnectionString, 'EVENTSTORE_CONNECTION_STRING (checked by the configuration)') });
  }
}

@Module({})
export class EventStoreModule implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  /**
   * `service`: the key is required in production and created beside the database on a local trial.
   * Otherwise (the CLI) one is used where it is configured, and never created: read-only commands
   * must leave no file behind, and an auditor's verifier may not hold the key.
   */
  static forRoot(config: LedgerConfig, role: 'service' | 'cli' = 'service'): DynamicModule {
    const production = config.nodeEnv === 'production';
    return {
      module: EventStoreModule,
      global: true,
      providers: [
        { provide: MAC_KEY, useFactory: () => resolveMacKey(config, { LEDGER_MAC_KEY: config.macKeyText }, { create: role === 'service', production }) ?? null },
        { provide: EVENT_STORE, useFactory: (macKey: Buffer | null) => openEventStore(config, macKey === null ? {} : { macKey }), inject: [MAC_KEY] },
      ],
      exports: [EVENT_STORE, MAC_KEY],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
