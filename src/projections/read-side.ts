// The read side of a process: the projections in the store's database, their projector and queries.
import { ConfigError } from '../config.js';
import type { EventStore } from '../event-store/event-store.js';
import { SqliteEventStore } from '../event-store/sqlite/sqlite-event-store.js';
import { Projector } from './projector.js';
import { ReadQueries } from './queries.js';
import { SqliteReadModel } from './sqlite-read-model.js';

export const READ_SIDE = Symbol('READ_SIDE');

export interface ReadSide {
  readonly model: SqliteReadModel;
  readonly projector: Projector;
  readonly queries: ReadQueries;
}

/** The read side, where the store keeps one (SQLite in this version); undefined elsewhere. */
export function readSideOf(store: EventStore): ReadSide | undefined {
  return store instanceof SqliteEventStore ? openReadSide(store) : undefined;
}

export function openReadSide(store: EventStore): ReadSide {
  if (!(store instanceof SqliteEventStore)) throw new ConfigError('projections are kept in the SQLite store in this version');
  const model = new SqliteReadModel(store.database);
  return { model, projector: new Projector(store, model), queries: new ReadQueries(store.database) };
}
