// Plays someone who opens the SQLite file directly and alters the log (SPEC §6), for verify's tests.
import type Database from 'better-sqlite3';
import { forgedHashOf as hashOf, type EventRowForTampering } from './tamper-rows.js';
import type { Tamperer } from '../contract/event-store.contract.js';

type Row = EventRowForTampering;

export class SqliteTamperer implements Tamperer {
  constructor(private readonly connect: () => Database.Database) {}

  private withDb(work: (db: Database.Database) => void): Promise<void> {
    const db = this.connect();
    try {
      // What the store forbids, a person with the file can still do.
      db.exec('DROP TRIGGER IF EXISTS events_are_immutable_update; DROP TRIGGER IF EXISTS events_are_immutable_delete;');
      db.transaction(() => work(db))();
    } finally {
      db.close();
    }
    return Promise.resolve();
  }

  changeData(position: bigint, dataJson: string): Promise<void> {
    return this.withDb((db) => db.prepare('UPDATE events SET data = ? WHERE position = ?').run(dataJson, position));
  }

  remove(position: bigint): Promise<void> {
    return this.withDb((db) => db.prepare('DELETE FROM events WHERE position = ?').run(position));
  }

  swap(positionA: bigint, positionB: bigint): Promise<void> {
    return this.withDb((db) => {
      const move = db.prepare('UPDATE events SET position = ? WHERE position = ?');
      move.run(-1, positionA);
      move.run(positionA, positionB);
      move.run(positionB, -1);
    });
  }

  insertForged(position: bigint, stream: string, revision: bigint, dataJson: string): Promise<void> {
    return this.withDb((db) => {
      // Make room, in two steps so that no intermediate row collides with another.
      db.prepare('UPDATE events SET position = -(position + 1) WHERE position >= ?').run(position);
      db.prepare('UPDATE events SET position = -position WHERE position < 0').run();
      db.prepare('UPDATE events SET revision = -(revision + 1) WHERE stream = ? AND revision >= ?').run(stream, revision);
      db.prepare('UPDATE events SET revision = -revision WHERE stream = ? AND revision < 0').run(stream);
      const previous = db.prepare('SELECT * FROM events WHERE stream = ? AND revision = ?').get(stream, revision - 1n) as Row;
      const forged: Row = {
        ...previous,
        position: Number(position),
        id: `forged-${position}`,
        revision: Number(revision),
        data: dataJson,
        prev_hash: previous.hash,
        hash: '',
      };
      forged.hash = hashOf(forged, previous.hash);
      db.prepare(
        `INSERT INTO events (position, id, stream, revision, type, schema_version, data, actor_id, actor_role, command_id,
           correlation_id, causation_id, recorded_at, prev_hash, hash)
         VALUES (@position, @id, @stream, @revision, @type, @schema_version, @data, @actor_id, @actor_role, @command_id,
           @correlation_id, @causation_id, @recorded_at, @prev_hash, @hash)`,
      ).run(forged);
    });
  }

  rewrite(position: bigint, dataJson: string): Promise<void> {
    return this.withDb((db) => {
      const target = db.prepare('SELECT * FROM events WHERE position = ?').get(position) as Row;
      db.prepare('UPDATE events SET data = ? WHERE position = ?').run(dataJson, position);
      const rows = db.prepare('SELECT * FROM events WHERE stream = ? AND revision >= ? ORDER BY revision').all(target.stream, target.revision) as Row[];
      const update = db.prepare('UPDATE events SET prev_hash = ?, hash = ? WHERE position = ?');
      let prevHash = target.prev_hash;
      for (const row of rows) {
        const hash = hashOf(row, prevHash);
        update.run(prevHash, hash, row.position);
        prevHash = hash;
      }
    });
  }
}
