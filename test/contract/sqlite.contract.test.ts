// Runs the event store contract against the embedded SQLite store, on real files.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { SqliteTamperer } from '../support/sqlite-tamperer.js';
import { eventStoreContract } from './event-store.contract.js';

eventStoreContract({
  name: 'sqlite',
  async open() {
    const dir = mkdtempSync(join(tmpdir(), 'ledger-contract-'));
    const path = join(dir, 'ledger.db');
    const store = new SqliteEventStore({ path });
    const others: SqliteEventStore[] = [];
    const raw = () => new Database(path);
    return {
      store,
      tamperer: new SqliteTamperer(raw),
      openAnother: async () => {
        const other = new SqliteEventStore({ path });
        others.push(other);
        return other;
      },
      async dispose() {
        await store.close();
        for (const other of others) await other.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
});
