// Versioned schema of the embedded store. Append only: a released migration is never edited.
import type Database from 'better-sqlite3';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const sqliteMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'events',
    sql: `
      CREATE TABLE events (
        position        INTEGER PRIMARY KEY AUTOINCREMENT,
        id              TEXT    NOT NULL UNIQUE,
        stream          TEXT    NOT NULL,
        revision        INTEGER NOT NULL,
        type            TEXT    NOT NULL,
        schema_version  INTEGER NOT NULL,
        data            TEXT    NOT NULL,
        actor_id        TEXT    NOT NULL,
        actor_role      TEXT    NOT NULL,
        command_id      TEXT    NOT NULL,
        correlation_id  TEXT    NOT NULL,
        causation_id    TEXT,
        recorded_at     TEXT    NOT NULL,
        prev_hash       TEXT    NOT NULL,
        hash            TEXT    NOT NULL,
        UNIQUE (stream, revision)
      );
      -- Events are never updated or deleted: corrections are new events (SPEC §5, invariant 4).
      CREATE TRIGGER events_are_immutable_update BEFORE UPDATE ON events
        BEGIN SELECT RAISE(ABORT, 'events are immutable: record a correcting event instead'); END;
      CREATE TRIGGER events_are_immutable_delete BEFORE DELETE ON events
        BEGIN SELECT RAISE(ABORT, 'events are immutable: record a correcting event instead'); END;
    `,
  },
  {
    version: 2,
    name: 'durability marks',
    // One row, written by the commit whose sync puts a group of deferred appends on disk.
    sql: `
      CREATE TABLE durability_marks (id INTEGER PRIMARY KEY CHECK (id = 1), flushes INTEGER NOT NULL);
      INSERT INTO durability_marks (id, flushes) VALUES (1, 0);
    `,
  },
  {
    version: 3,
    name: 'commit MACs and signed checkpoints',
    // The MAC column is written by the insert that writes the event (commit-mac.ts); events before it
    // have none. Checkpoints are signed rows beside the log (audit/checkpointer.ts), append only.
    sql: `
      ALTER TABLE events ADD COLUMN mac TEXT;
      CREATE TABLE checkpoints (position INTEGER PRIMARY KEY, signed TEXT NOT NULL);
      CREATE TRIGGER checkpoints_are_immutable_update BEFORE UPDATE ON checkpoints
        BEGIN SELECT RAISE(ABORT, 'checkpoints are immutable'); END;
      CREATE TRIGGER checkpoints_are_immutable_delete BEFORE DELETE ON checkpoints
        BEGIN SELECT RAISE(ABORT, 'checkpoints are immutable'); END;
    `,
  },
];

export class SchemaTooNewError extends Error {
  constructor(found: number, known: number) {
    super(`the database's schema is at version ${found}, newer than this build knows (${known}): upgrade the service`);
  }
}

/** Applies the missing migrations under the write lock, so that processes starting together agree. */
export function migrate(db: Database.Database, migrations: readonly Migration[] = sqliteMigrations): number {
  const known = migrations.reduce((max, m) => Math.max(max, m.version), 0);
  const run = db.transaction(() => {
    db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
    const row = db.prepare('SELECT max(version) AS version FROM schema_migrations').get() as { version: number | null };
    const current = row.version ?? 0;
    if (current > known) throw new SchemaTooNewError(current, known);
    const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
    for (const migration of migrations) {
      if (migration.version <= current) continue;
      db.exec(migration.sql);
      record.run(migration.version, migration.name, new Date().toISOString());
    }
    return known;
  });
  return run.immediate();
}
