// The SQLite file a read side is kept in when it is not the events' own: beside an SQLite log, a file
// of its own next to it (so that its batches are written and synced apart from the events' commits);
// for another store, the file LEDGER_SQLITE_PATH names.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { ConfigError } from '../config.js';

/** The read side's file for the SQLite log at `eventsPath`: `ledger.db` → `ledger.read.db`. */
export function readSidePathOf(eventsPath: string): string {
  const extension = extname(eventsPath);
  const stem = basename(eventsPath, extension);
  return join(dirname(eventsPath), `${stem}.read${extension === '' ? '.db' : extension}`);
}

/** Opens (creating it and its folder) a read side's own file; refuses one that holds an event log. */
export function openReadSideFile(path: string): Database.Database {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path, { timeout: 5_000 });
  // The projections of one log must not mix with an SQLite log and its own read side.
  const events = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'events'").get();
  if (events !== undefined) {
    db.close();
    throw new ConfigError(`${path} holds an SQLite event log: set LEDGER_SQLITE_PATH to a file of its own for this store's read side, or set DATABASE_URL`);
  }
  db.pragma('journal_mode = WAL');
  // A batch lost to a power cut is lost with its checkpoint, and applied again: NORMAL is enough here.
  db.pragma('synchronous = NORMAL');
  return db;
}
