// Signed digests: an Ed25519 key held outside the database signs what the log was at a position, so
// that a digest handed to an auditor (or saved as a checkpoint) cannot be forged by someone who can
// write the database. The key is LEDGER_SIGNING_KEY (PKCS#8 PEM) or, outside production, a key file
// beside the embedded database, created with mode 0600 on first use.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConfigError, type LedgerConfig } from '../config.js';
import { digestFromJson, digestToJson, type LogDigest, type LogDigestJson, type SignedDigestJson } from '../event-store/hash-chain.js';

export const signingKeyFileName = '.ledger-signing-key.pem';

export function signingKeyFilePath(config: LedgerConfig): string {
  return join(dirname(config.sqlitePath), signingKeyFileName);
}

function privateKeyOf(pem: string, where: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new ConfigError(`${where} does not hold a private key in PEM`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new ConfigError(`${where} holds a ${key.asymmetricKeyType} key, not an Ed25519 one`);
  return key;
}

/** The signing key: from the environment, or the key file (created on a local trial, never in production). */
export function resolveSigningKey(config: LedgerConfig, env: NodeJS.ProcessEnv, options: { create: boolean; production: boolean }): KeyObject {
  const fromEnv = env['LEDGER_SIGNING_KEY'];
  if (fromEnv !== undefined && fromEnv !== '') return privateKeyOf(fromEnv, 'LEDGER_SIGNING_KEY');
  if (options.production) throw new ConfigError('LEDGER_SIGNING_KEY must be set in production');
  const path = signingKeyFilePath(config);
  if (existsSync(path)) return privateKeyOf(readFileSync(path, 'utf8'), path);
  if (!options.create) throw new ConfigError(`no signing key: set LEDGER_SIGNING_KEY, or sign once on this machine to create ${path}`);
  const { privateKey } = generateKeyPairSync('ed25519');
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
  return privateKey;
}

/** The public half of a key (itself, if it is one). */
function publicOf(key: KeyObject): KeyObject {
  return key.type === 'public' ? key : createPublicKey(key);
}

export function publicKeyPemOf(key: KeyObject): string {
  return publicOf(key).export({ type: 'spki', format: 'pem' }).toString();
}

/** A short name of a public key, to tell keys apart in digests. */
export function keyIdOf(key: KeyObject): string {
  return createHash('sha256')
    .update(publicOf(key).export({ type: 'spki', format: 'der' }))
    .digest('hex')
    .slice(0, 16);
}

export type { SignedDigestJson } from '../event-store/hash-chain.js';

/** What is signed: every field, in a fixed order, with the purpose first so it signs nothing else. */
function signedText(digest: LogDigestJson, signedAt: string, keyId: string): Buffer {
  return Buffer.from(`ledger-digest|1|${digest.position}|${digest.eventCount}|${digest.hash}|${signedAt}|${keyId}`, 'utf8');
}

export function signDigest(digest: LogDigest, key: KeyObject, signedAt: Date): SignedDigestJson {
  const json = digestToJson(digest);
  const keyId = keyIdOf(key);
  const at = signedAt.toISOString();
  return { ...json, signedAt: at, keyId, signature: sign(null, signedText(json, at, keyId), key).toString('base64') };
}

export function readPublicKey(pem: string, where: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    throw new ConfigError(`${where} does not hold a public key in PEM`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new ConfigError(`${where} holds a ${key.asymmetricKeyType} key, not an Ed25519 one`);
  return key;
}

/** The digest a saved, signed one vouches for; `undefined` when it is unsigned or not signed by `publicKey`. */
export function verifySignedDigest(value: unknown, publicKey: KeyObject): LogDigest | undefined {
  const digest = digestFromJson(value);
  if (digest === undefined) return undefined;
  const { signedAt, keyId, signature } = value as Record<string, unknown>;
  if (typeof signedAt !== 'string' || typeof keyId !== 'string' || typeof signature !== 'string') return undefined;
  if (keyId !== keyIdOf(publicKey)) return undefined;
  return verify(null, signedText(digestToJson(digest), signedAt, keyId), publicKey, Buffer.from(signature, 'base64')) ? digest : undefined;
}
