// The service's settings, read once from the environment (SPEC §7 names) and checked.
import { resolve } from 'node:path';

export const storeKinds = ['sqlite', 'postgres', 'eventstoredb'] as const;
export type StoreKind = (typeof storeKinds)[number];

export interface LedgerConfig {
  readonly port: number;
  readonly store: StoreKind;
  readonly sqlitePath: string;
  readonly databaseUrl: string | undefined;
  readonly eventStoreConnectionString: string | undefined;
  readonly jwtSecret: string | undefined;
  /** Requests per minute per user; 0 turns limiting off. */
  readonly rateLimitPerMinute: number;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

function integerSetting(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  if (!/^[0-9]+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${text}"`);
  }
  return Number(text);
}

function optional(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const text = env[name];
  return text === undefined || text === '' ? undefined : text;
}

export function loadLedgerConfig(env: NodeJS.ProcessEnv = process.env): LedgerConfig {
  const store = (optional(env, 'LEDGER_STORE') ?? 'sqlite') as StoreKind;
  if (!storeKinds.includes(store)) {
    throw new ConfigError(`LEDGER_STORE must be one of ${storeKinds.join(', ')}, got "${env['LEDGER_STORE']}"`);
  }
  const config: LedgerConfig = {
    port: integerSetting(env, 'PORT', 3000, 0, 65_535),
    store,
    sqlitePath: resolve(optional(env, 'LEDGER_SQLITE_PATH') ?? './data/ledger.db'),
    databaseUrl: optional(env, 'DATABASE_URL'),
    eventStoreConnectionString: optional(env, 'EVENTSTORE_CONNECTION_STRING'),
    jwtSecret: optional(env, 'LEDGER_JWT_SECRET'),
    rateLimitPerMinute: integerSetting(env, 'LEDGER_RATE_LIMIT', 600, 0, 1_000_000),
  };
  if (store === 'postgres' && config.databaseUrl === undefined) throw new ConfigError('LEDGER_STORE=postgres needs DATABASE_URL');
  if (store === 'eventstoredb' && config.eventStoreConnectionString === undefined) {
    throw new ConfigError('LEDGER_STORE=eventstoredb needs EVENTSTORE_CONNECTION_STRING');
  }
  return config;
}
