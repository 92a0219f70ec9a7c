// The key commits are MACed with (commit-mac.ts): LEDGER_MAC_KEY (hex or base64, at least 32 bytes)
// or, outside production, a key file beside the embedded database, created with mode 0600 on first
// start, as the token secret and the signing key are. Never in the database it protects.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConfigError, type LedgerConfig } from '../config.js';
import { macKeyBytesMin, macKeyFromText } from './commit-mac.js';

export const macKeyFileName = '.ledger-mac-key';

export function macKeyFilePath(config: LedgerConfig): string {
  return join(dirname(config.sqlitePath), macKeyFileName);
}

export function readMacKey(text: string, where: string): Buffer {
  const key = macKeyFromText(text);
  if (key === undefined) throw new ConfigError(`${where} must hold a MAC key of at least ${macKeyBytesMin} bytes, in hex or base64`);
  return key;
}

/**
 * The MAC key: from the environment, or the key file (created on a local trial when `create`, never
 * in production). `undefined` only where neither is there and none may be created: the caller then
 * writes nothing (read-only commands) or writes without MACs.
 */
export function resolveMacKey(config: LedgerConfig, env: NodeJS.ProcessEnv, options: { create: boolean; production: boolean }): Buffer | undefined {
  const fromEnv = env['LEDGER_MAC_KEY'];
  if (fromEnv !== undefined && fromEnv !== '') return readMacKey(fromEnv, 'LEDGER_MAC_KEY');
  if (options.production) {
    if (options.create) throw new ConfigError('LEDGER_MAC_KEY must be set in production');
    return undefined;
  }
  const path = macKeyFilePath(config);
  if (existsSync(path)) return readMacKey(readFileSync(path, 'utf8'), path);
  if (!options.create) return undefined;
  mkdirSync(dirname(path), { recursive: true });
  const key = randomBytes(32);
  writeFileSync(path, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  return key;
}
