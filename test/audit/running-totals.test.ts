// Verify's running-total check: an amount changed in a budget or enterprise-year stream whose chain
// was recomputed passes the hash check, but the totals it carries no longer add up, at that event.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyLog } from '../../src/audit/verify.js';
import { openLedgerCommands } from '../../src/commands/ledger-commands.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { generateSynthetic } from '../../src/synthetic/generator.js';
import { SqliteTamperer } from '../support/sqlite-tamperer.js';

describe('running totals in verify', () => {
  let dir: string;
  let path: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-totals-'));
    path = join(dir, 'ledger.db');
    const store = new SqliteEventStore({ path });
    await generateSynthetic((await openLedgerCommands(store)).commands, { applications: 40, seed: 3 });
    await store.close();
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function rows(sql: string): { position: number; data: string }[] {
    const db = new Database(path, { readonly: true });
    try {
      return db.prepare(sql).all() as { position: number; data: string }[];
    } finally {
      db.close();
    }
  }

  async function verified() {
    const store = new SqliteEventStore({ path });
    try {
      return { plain: await store.verify(), full: await verifyLog(store) };
    } finally {
      await store.close();
    }
  }

  /** Raises a decimal string by one fen. */
  const plusOneFen = (amount: string) => (BigInt(amount.replace('.', '')) + 1n).toString().replace(/(..)$/, '.$1');

  it('finds nothing in a history the ledger wrote', async () => {
    const { full } = await verified();
    expect(full).toMatchObject({ ok: true, findings: [] });
  });

  it.each([
    ['AwardCommitted', 'amount'],
    ['AwardCommitted', 'committedAfter'],
    ['AwardGranted', 'award'],
    ['AwardGranted', 'spendAfter'],
  ])('finds %s with its %s raised by 0.01 and its stream re-chained, at its position', async (type, field) => {
    const [target] = rows(`SELECT position, data FROM events WHERE type = '${type}' ORDER BY position LIMIT 1 OFFSET 3`);
    const data = JSON.parse(target!.data) as Record<string, string>;
    data[field] = plusOneFen(data[field]!);
    await new SqliteTamperer(() => new Database(path)).rewrite(BigInt(target!.position), JSON.stringify(data));
    try {
      const { plain, full } = await verified();
      // The chain alone no longer tells: it was recomputed.
      expect(plain.ok).toBe(true);
      expect(full.ok).toBe(false);
      expect(full.findings[0]).toMatchObject({ kind: 'changed', position: BigInt(target!.position) });
    } finally {
      // Put the history back for the next case.
      const original = JSON.parse(target!.data) as Record<string, string>;
      await new SqliteTamperer(() => new Database(path)).rewrite(BigInt(target!.position), JSON.stringify(original));
    }
  });
});
