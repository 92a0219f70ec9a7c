// Saved checkpoints (a digest every N events): verify bounds a recomputed rewrite to the window of N
// events it lies in, and reports the events no saved digest vouches for yet.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkpointsOf, parseSavedDigests } from '../../src/audit/checkpoints.js';
import { verifyLog } from '../../src/audit/verify.js';
import { openLedgerCommands } from '../../src/commands/ledger-commands.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { digestToJson } from '../../src/event-store/hash-chain.js';
import { generateSynthetic } from '../../src/synthetic/generator.js';
import { anEvent, collect } from '../support/events.js';
import { SqliteTamperer } from '../support/sqlite-tamperer.js';

describe('checkpoints', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-checkpoints-'));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function ledgerAt(name: string): Promise<string> {
    const path = join(dir, `${name}.db`);
    const store = new SqliteEventStore({ path });
    await generateSynthetic((await openLedgerCommands(store)).commands, { applications: 20, seed: 9 });
    await store.close();
    return path;
  }

  it('saves a digest every N events and one at the head, each matching the log up to it', async () => {
    const store = new SqliteEventStore({ path: await ledgerAt('every') });
    try {
      const head = await store.headPosition();
      const saved = await collect(checkpointsOf(store, 50));
      expect(saved.map((c) => c.position)).toEqual([...Array.from({ length: Number(head / 50n) }, (_, i) => BigInt((i + 1) * 50)), ...(head % 50n === 0n ? [] : [head])]);
      expect(saved[saved.length - 1]).toEqual(await store.digest());
      const report = await verifyLog(store, saved);
      expect(report).toMatchObject({ ok: true, anchoredThrough: head, unanchoredEvents: 0, findings: [] });
    } finally {
      await store.close();
    }
  });

  it('bounds a rewrite whose hashes were recomputed to the window between two checkpoints', async () => {
    const path = await ledgerAt('rewritten');
    let store = new SqliteEventStore({ path });
    const saved = await collect(checkpointsOf(store, 50));
    await store.close();
    const db = new Database(path, { readonly: true });
    const target = db.prepare("SELECT position FROM events WHERE type = 'DisbursementRecorded' AND position > 120 LIMIT 1").pluck().get() as number;
    db.close();
    await new SqliteTamperer(() => new Database(path)).rewrite(BigInt(target), '{"rewritten":true}');
    store = new SqliteEventStore({ path });
    try {
      expect((await verifyLog(store)).ok).toBe(true);
      const report = await verifyLog(store, saved);
      const windowStart = BigInt(Math.floor((target - 1) / 50) * 50 + 1);
      expect(report.ok).toBe(false);
      expect(report.findings).toHaveLength(1);
      expect(report.findings[0]).toMatchObject({ kind: 'digest-mismatch', position: windowStart, throughPosition: windowStart + 49n });
      expect(report.anchoredThrough).toBe(windowStart - 1n);
    } finally {
      await store.close();
    }
  });

  it('reports the events appended after the last saved checkpoint as unanchored, with their count', async () => {
    const store = new SqliteEventStore({ path: await ledgerAt('tail') });
    try {
      const saved = await collect(checkpointsOf(store, 100));
      await store.append('tail-stream', [anEvent(), anEvent(), anEvent()], 'no-stream');
      const report = await verifyLog(store, saved);
      expect(report).toMatchObject({ ok: true, unanchoredEvents: 3, anchoredThrough: saved[saved.length - 1]!.position });
      expect((await verifyLog(store)).unanchoredEvents).toBe(Number(await store.headPosition()));
    } finally {
      await store.close();
    }
  });

  it('reads saved digests as one JSON object, an array, or JSON Lines, and says what is wrong otherwise', () => {
    const one = { position: 5n, eventCount: 5n, hash: 'a'.repeat(64) };
    const two = { position: 9n, eventCount: 9n, hash: 'b'.repeat(64) };
    const json = [one, two].map((d) => digestToJson(d));
    expect(parseSavedDigests(JSON.stringify(json[0], null, 2))).toEqual({ digests: [one] });
    expect(parseSavedDigests(JSON.stringify(json))).toEqual({ digests: [one, two] });
    expect(parseSavedDigests(json.map((d) => JSON.stringify(d)).join('\n'))).toEqual({ digests: [one, two] });
    expect(parseSavedDigests('{ position: 1')).toEqual({ error: expect.stringMatching(/not JSON/) });
    expect(parseSavedDigests('[]')).toEqual({ error: 'holds no digest' });
    expect(parseSavedDigests(JSON.stringify([json[0], { position: '1' }]))).toEqual({ error: expect.stringMatching(/entry 2/) });
  });
});
