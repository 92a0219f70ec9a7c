// Plays someone with write access to the PostgreSQL database who alters the log, for verify's tests.
import pg from 'pg';
import { forgedHashOf as hashOf, type EventRowForTampering } from './tamper-rows.js';
import type { Tamperer } from '../contract/event-store.contract.js';

type Row = EventRowForTampering;

export class PostgresTamperer implements Tamperer {
  constructor(
    private readonly url: string,
    private readonly schema: string,
  ) {}

  private async withDb(work: (client: pg.Client) => Promise<void>): Promise<void> {
    const client = new pg.Client({ connectionString: this.url, options: `-c search_path="${this.schema}"` });
    await client.connect();
    try {
      await client.query('BEGIN');
      // What the store forbids, the owner of the database can still do.
      await client.query('ALTER TABLE events DISABLE TRIGGER USER');
      await work(client);
      await client.query('ALTER TABLE events ENABLE TRIGGER USER');
      await client.query('COMMIT');
    } finally {
      await client.end();
    }
  }

  changeData(position: bigint, dataJson: string): Promise<void> {
    return this.withDb(async (c) => void (await c.query('UPDATE events SET data = $1 WHERE position = $2', [dataJson, position.toString()])));
  }

  remove(position: bigint): Promise<void> {
    return this.withDb(async (c) => void (await c.query('DELETE FROM events WHERE position = $1', [position.toString()])));
  }

  swap(positionA: bigint, positionB: bigint): Promise<void> {
    return this.withDb(async (c) => {
      await c.query('UPDATE events SET position = -1 WHERE position = $1', [positionA.toString()]);
      await c.query('UPDATE events SET position = $1 WHERE position = $2', [positionA.toString(), positionB.toString()]);
      await c.query('UPDATE events SET position = $1 WHERE position = -1', [positionB.toString()]);
    });
  }

  insertForged(position: bigint, stream: string, revision: bigint, dataJson: string): Promise<void> {
    return this.withDb(async (c) => {
      await c.query('UPDATE events SET position = -(position + 1) WHERE position >= $1', [position.toString()]);
      await c.query('UPDATE events SET position = -position WHERE position < 0');
      await c.query('UPDATE events SET revision = -(revision + 1) WHERE stream = $1 AND revision >= $2', [stream, revision.toString()]);
      await c.query('UPDATE events SET revision = -revision WHERE stream = $1 AND revision < 0', [stream]);
      const { rows } = await c.query<Row>('SELECT * FROM events WHERE stream = $1 AND revision = $2', [stream, (revision - 1n).toString()]);
      const previous = rows[0]!;
      const forged: Row = {
        ...previous,
        position: position.toString(),
        id: `forged-${position}`,
        revision: revision.toString(),
        data: dataJson,
        prev_hash: previous.hash,
        hash: '',
      };
      forged.hash = hashOf(forged, previous.hash);
      const columns = Object.keys(forged);
      await c.query(`INSERT INTO events (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`, Object.values(forged));
    });
  }

  rewrite(position: bigint, dataJson: string): Promise<void> {
    return this.withDb(async (c) => {
      const { rows: targets } = await c.query<Row>('SELECT * FROM events WHERE position = $1', [position.toString()]);
      const target = targets[0]!;
      await c.query('UPDATE events SET data = $1 WHERE position = $2', [dataJson, position.toString()]);
      const { rows } = await c.query<Row>('SELECT * FROM events WHERE stream = $1 AND revision >= $2 ORDER BY revision', [target.stream, target.revision]);
      let prevHash = target.prev_hash;
      for (const row of rows) {
        const hash = hashOf(row, prevHash);
        await c.query('UPDATE events SET prev_hash = $1, hash = $2 WHERE position = $3', [prevHash, hash, row.position]);
        prevHash = hash;
      }
    });
  }
}
