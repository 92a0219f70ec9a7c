// The HS256 secret of bearer tokens: LEDGER_JWT_SECRET, or (outside production) a secret file kept
// beside the embedded database, created with mode 0600 on first start.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConfigError, type LedgerConfig } from '../config.js';

export const secretFileName = '.ledger-secret';
export const secretLengthMin = 32;

export function secretFilePath(config: LedgerConfig): string {
  return join(dirname(config.sqlitePath), secretFileName);
}

export interface ResolvedSecret {
  readonly secret: string;
  readonly source: 'environment' | 'file' | 'created';
  readonly path?: string;
}

export function resolveJwtSecret(config: LedgerConfig, options: { create: boolean; production: boolean }): ResolvedSecret {
  if (config.jwtSecret !== undefined) {
    if (config.jwtSecret.length < secretLengthMin) throw new ConfigError(`LEDGER_JWT_SECRET must be at least ${secretLengthMin} characters`);
    return { secret: config.jwtSecret, source: 'environment' };
  }
  if (options.production) throw new ConfigError('LEDGER_JWT_SECRET must be set in production');
  const path = secretFilePath(config);
  if (existsSync(path)) return { secret: readFileSync(path, 'utf8').trim(), source: 'file', path };
  if (!options.create) throw new ConfigError(`no token secret: set LEDGER_JWT_SECRET, or start the service once to create ${path}`);
  mkdirSync(dirname(path), { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(path, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  return { secret, source: 'created', path };
}
