// The read side of a process: where its projections live, their projector and queries.
//   SQLite store      → SQLite read side in a file of its own beside the events' (ledger.db →
//                       ledger.read.db), kept by a projector on a thread of its own where the code
//                       runs compiled; for a database in memory, in the events' own database;
//   PostgreSQL store  → PostgreSQL read side in the events' own database and schema (the store's pool);
//   any other store   → PostgreSQL read side at DATABASE_URL (schema `ledger_read`) when it is set,
//                       else an SQLite read side at LEDGER_SQLITE_PATH (a file of its own).
import type Database from 'better-sqlite3';
import type pg from 'pg';
import type { LedgerConfig } from '../config.js';
import type { EventStore } from '../event-store/event-store.js';
import { PostgresReadModel, postgresReadPool } from './postgres-read-model.js';
import { PostgresReadQueries } from './postgres-queries.js';
import { Projector, type ProjectorOptions } from './projector.js';
import type { ReadSideQueries } from './queries.js';
import { ReadQueries } from './queries.js';
import { CachedReadQueries } from './cached-queries.js';
import type { ReadModel } from './read-model.js';
import { SqliteReadModel } from './sqlite-read-model.js';
import { openReadSideFile, readSidePathOf } from './sqlite-read-file.js';
import { ThreadedProjector, projectorThreadAvailable } from './threaded-projector.js';

export const READ_SIDE = Symbol('READ_SIDE');

/** The schema of a PostgreSQL read side kept apart from its events (a store that keeps no read side). */
export const separateReadSchema = 'ledger_read';

export interface ReadSide {
  readonly kind: 'sqlite' | 'postgres';
  /** Where the projections are, for operators (no credentials). */
  readonly location: string;
  readonly model: ReadModel;
  readonly projector: Projector;
  readonly queries: ReadSideQueries;
  /** Closes what the read side opened itself (not the store's own database). */
  close(): Promise<void>;
}

/** The schema the events' SQLite file is attached as on the connection of its read side's queries. */
const attachedEvents = 'log';

/** Longest a read without `minPosition` waits for the read side to show this process's last write; then it answers as it is. */
export const ownWritesWaitMsMax = 1_000;

/**
 * The read side once it reflects `answered`, the last write this process answered, if it gets there
 * within a short wait: a caller who reads right after writing through this service sees the write.
 */
export async function withOwnWrites(readSide: ReadSide, answered: bigint): Promise<ReadSide> {
  if (readSide.projector.position < answered) await readSide.projector.waitFor(answered, ownWritesWaitMsMax).catch(() => false);
  return readSide;
}

/** Opens (and migrates) the read side for this store and configuration; the projector is not started. */
export async function openReadSide(store: EventStore, config: LedgerConfig, options: ProjectorOptions = {}): Promise<ReadSide> {
  const host = store.readSideHost;
  if (host?.kind === 'sqlite' && host.path !== undefined) {
    // Apart from the events: the read side's batches are not written into the events' write-ahead
    // log, and, on a thread of their own, take no time from the thread that runs the commands.
    const path = readSidePathOf(host.path);
    const db = openReadSideFile(path);
    // Queries on a connection of their own, with the events' file attached for the times of positions
    // (as-of-a-time questions): the read side need not copy them, and the model's write transactions
    // (BEGIN IMMEDIATE takes every attached database) never touch the events' file.
    let queryDb: Database.Database | undefined;
    try {
      queryDb = openReadSideFile(path);
      queryDb.prepare(`ATTACH DATABASE ? AS ${attachedEvents}`).run(host.path);
      const model = new SqliteReadModel(db);
      // A read side ahead of the log is another log's (the events' file was replaced, by a copy or a
      // backup, and this file left beside it): it is emptied, and projected again from the first event.
      if (model.checkpoint() > (await store.headPosition())) model.reset();
      const durableHeads = store.durableHeads?.bind(store);
      const threaded = projectorThreadAvailable && durableHeads !== undefined;
      return await ready({
        kind: 'sqlite',
        location: `an SQLite file of its own beside the events' (${path})${threaded ? ', projected on a thread of its own' : ''}`,
        model,
        projector: threaded
          ? new ThreadedProjector(store, (signal) => durableHeads({ signal }), model, { events: host.path, read: path }, options)
          : new Projector(store, model, options),
        queries: new ReadQueries(queryDb, { eventsSchema: attachedEvents }),
        close: async () => {
          queryDb?.close();
          db.close();
        },
      });
    } catch (error) {
      queryDb?.close();
      db.close();
      throw error;
    }
  }
  if (host?.kind === 'sqlite') {
    const model = new SqliteReadModel(host.database);
    return ready({
      kind: 'sqlite',
      location: `the events' SQLite file (${config.sqlitePath})`,
      model,
      projector: new Projector(store, model, options),
      queries: new ReadQueries(host.database),
      close: async () => undefined,
    });
  }
  if (host?.kind === 'postgres') {
    const pool = host.pool;
    const model = await PostgresReadModel.open({ pool });
    return ready({
      kind: 'postgres',
      location: "the events' PostgreSQL database and schema",
      model,
      projector: new Projector(store, model, options),
      queries: new PostgresReadQueries(pool),
      close: async () => undefined,
    });
  }
  if (config.databaseUrl !== undefined) {
    const pool: pg.Pool = postgresReadPool(config.databaseUrl, separateReadSchema);
    try {
      const model = await PostgresReadModel.open({ pool, schema: separateReadSchema, ownTimeline: true });
      return await ready({
        kind: 'postgres',
        location: `PostgreSQL at DATABASE_URL, schema ${separateReadSchema}`,
        model,
        projector: new Projector(store, model, options),
        queries: new PostgresReadQueries(pool, { ownTimeline: true }),
        close: () => pool.end(),
      });
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw error;
    }
  }
  const db = openReadSideFile(config.sqlitePath);
  try {
    const model = new SqliteReadModel(db, { ownTimeline: true });
    return await ready({
      kind: 'sqlite',
      location: `an SQLite file of its own (${config.sqlitePath})`,
      model,
      projector: new Projector(store, model, options),
      queries: new ReadQueries(db, { ownTimeline: true }),
      close: async () => void db.close(),
    });
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * Reads the checkpoint, so that the projector's position is right before it first runs; the hottest
 * queries are answered from memory until the projector moves (see CachedReadQueries).
 */
async function ready(readSide: ReadSide): Promise<ReadSide> {
  await readSide.projector.refresh();
  const projector = readSide.projector;
  return { ...readSide, queries: new CachedReadQueries(readSide.queries, () => projector.position) };
}
