// Signed digests: an Ed25519 key outside the database signs them, and only that key's public half
// accepts them; the key comes from the environment, or a key file made on a local trial only.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSavedDigests } from '../../src/audit/checkpoints.js';
import { publicKeyPemOf, readPublicKey, resolveSigningKey, signDigest, signingKeyFilePath, verifySignedDigest } from '../../src/audit/signing.js';
import { loadLedgerConfig } from '../../src/config.js';
import { ConfigError } from '../../src/config.js';
import { macKeyFilePath, resolveMacKey } from '../../src/event-store/mac-key.js';

describe('signed digests', () => {
  const digest = { position: 120n, eventCount: 120n, hash: 'c'.repeat(64) };
  const { privateKey } = generateKeyPairSync('ed25519');
  const publicKey = readPublicKey(publicKeyPemOf(privateKey), 'test');
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-signing-'));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('accepts a digest signed with the key, and nothing changed in it or signed with another key', () => {
    const signed = signDigest(digest, privateKey, new Date('2025-07-01T00:00:00Z'));
    expect(verifySignedDigest(signed, publicKey)).toEqual(digest);
    expect(verifySignedDigest({ ...signed, position: '121' }, publicKey)).toBeUndefined();
    expect(verifySignedDigest({ ...signed, hash: 'd'.repeat(64) }, publicKey)).toBeUndefined();
    expect(verifySignedDigest({ ...signed, signedAt: '2025-07-02T00:00:00.000Z' }, publicKey)).toBeUndefined();
    const other = generateKeyPairSync('ed25519').privateKey;
    expect(verifySignedDigest(signDigest(digest, other, new Date()), publicKey)).toBeUndefined();
    expect(verifySignedDigest({ position: '120', eventCount: '120', hash: 'c'.repeat(64) }, publicKey)).toBeUndefined();
  });

  it('with a public key, takes saved digests only if every one is signed with it', () => {
    const signed = [signDigest(digest, privateKey, new Date()), signDigest({ ...digest, position: 200n, eventCount: 200n }, privateKey, new Date())];
    expect(parseSavedDigests(signed.map((s) => JSON.stringify(s)).join('\n'), publicKey)).toEqual({ digests: [digest, { ...digest, position: 200n, eventCount: 200n }] });
    const forged = [signed[0], { ...signed[1]!, hash: 'e'.repeat(64) }];
    expect(parseSavedDigests(JSON.stringify(forged), publicKey)).toEqual({ error: 'entry 2 is not signed with the public key given' });
  });

  it('makes a key file (mode 0600) beside the database on a local trial, refuses to in production, and prefers LEDGER_SIGNING_KEY', () => {
    const config = loadLedgerConfig({ LEDGER_SQLITE_PATH: join(dir, 'ledger.db') });
    expect(() => resolveSigningKey(config, {}, { create: false, production: false })).toThrow(ConfigError);
    expect(() => resolveSigningKey(config, {}, { create: true, production: true })).toThrow(/LEDGER_SIGNING_KEY must be set in production/);
    const made = resolveSigningKey(config, {}, { create: true, production: false });
    expect(statSync(signingKeyFilePath(config)).mode & 0o777).toBe(0o600);
    expect(publicKeyPemOf(resolveSigningKey(config, {}, { create: false, production: false }))).toBe(publicKeyPemOf(made));
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(publicKeyPemOf(resolveSigningKey(config, { LEDGER_SIGNING_KEY: pem }, { create: false, production: true }))).toBe(publicKeyPemOf(privateKey));
    expect(() => resolveSigningKey(config, { LEDGER_SIGNING_KEY: 'not a key' }, { create: false, production: true })).toThrow(/does not hold a private key/);
  });

  it('makes a MAC key file (mode 0600) beside the database for the service on a local trial, never for the CLI or in production, and prefers LEDGER_MAC_KEY', () => {
    const config = loadLedgerConfig({ LEDGER_SQLITE_PATH: join(dir, 'mac', 'ledger.db') });
    expect(resolveMacKey(config, {}, { create: false, production: false })).toBeUndefined();
    expect(() => resolveMacKey(config, {}, { create: true, production: true })).toThrow(/LEDGER_MAC_KEY must be set in production/);
    expect(resolveMacKey(config, {}, { create: false, production: true })).toBeUndefined();
    const made = resolveMacKey(config, {}, { create: true, production: false });
    expect(made).toHaveLength(32);
    expect(statSync(macKeyFilePath(config)).mode & 0o777).toBe(0o600);
    expect(resolveMacKey(config, {}, { create: false, production: false })).toEqual(made);
    const hex = 'ab'.repeat(32);
    expect(resolveMacKey(config, { LEDGER_MAC_KEY: hex }, { create: true, production: true })).toEqual(Buffer.from(hex, 'hex'));
    expect(() => resolveMacKey(config, { LEDGER_MAC_KEY: 'short' }, { create: true, production: true })).toThrow(/at least 32 bytes/);
  });
});
