// The events a projector folds, read straight from an SQLite log's file by a connection of its own:
// for a projector on another thread (see ThreadedProjector), which cannot share the store's
// connection. It reads no further than the bound it is given: the store says how far the log is on
// disk (EventStore.durableHeads), and what lies beyond may still be taken back by a power cut.
import Database from 'better-sqlite3';
import type { ProjectedEvent } from './event-store.js';
import { projectedColumns, projectedEventOf, type ProjectedRow } from './sqlite/event-rows.js';

export class SqliteProjectionFeed {
  private readonly db: Database.Database;
  private readonly page: Database.Statement<[bigint, bigint, number], ProjectedRow>;

  constructor(path: string) {
    this.db = new Database(path, { readonly: true, fileMustExist: true, timeout: 5_000 });
    this.page = this.db
      .prepare<[bigint, bigint, number], ProjectedRow>(`SELECT ${projectedColumns} FROM events WHERE position > ? AND position <= ? ORDER BY position ASC LIMIT ?`)
      .raw(true)
      .safeIntegers(true);
  }

  /** At most `maxCount` events after position `after`, up to position `through`, in log order. */
  read(after: bigint, through: bigint, maxCount: number): ProjectedEvent[] {
    return this.page.all(after, through, maxCount).map(projectedEventOf);
  }

  close(): void {
    this.db.close();
  }
}
