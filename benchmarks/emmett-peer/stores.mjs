// Emmett's PostgreSQL and SQLite event stores behind the few calls the store benchmark makes, through
// Emmett's documented API only: getPostgreSQLEventStore / getSQLiteEventStore, aggregateStream, and
// appendToStream with an expected stream version. Installed apart from the ledger (this folder's own
// package.json and lockfile), so the ledger's install never carries it.
import { endAllPools } from '@event-driven-io/dumbo';
import { getPostgreSQLEventStore } from '@event-driven-io/emmett-postgresql';
import { getSQLiteEventStore, sqliteConnection } from '@event-driven-io/emmett-sqlite';

// Emmett's status code for a stream that was not at the expected version (EmmettError.Codes.ConcurrencyError).
// Compared by code, not by class: each Emmett package bundles its own copy of the error classes.
const concurrencyErrorCode = 412;

/**
 * @typedef {{ type: string, data: Record<string, unknown> }} PeerEvent
 * @typedef {{
 *   aggregate<State>(stream: string, evolve: (state: State, event: PeerEvent) => State, initialState: () => State): Promise<{ version: bigint, state: State }>,
 *   append(stream: string, events: PeerEvent[], expectedVersion: bigint): Promise<'appended' | 'conflict'>,
 *   close(): Promise<void>,
 * }} PeerStore
 */

/**
 * @param {{ aggregateStream: Function, appendToStream: Function }} eventStore
 * @param {() => Promise<void>} close
 * @returns {PeerStore}
 */
function peerStore(eventStore, close) {
  return {
    async aggregate(stream, evolve, initialState) {
      const { currentStreamVersion, state } = await eventStore.aggregateStream(stream, { evolve, initialState });
      return { version: currentStreamVersion, state };
    },
    async append(stream, events, expectedVersion) {
      try {
        // An expected version of 0n is Emmett's "the stream has no events yet".
        await eventStore.appendToStream(stream, events, { expectedStreamVersion: expectedVersion });
        return 'appended';
      } catch (error) {
        if (error !== null && typeof error === 'object' && 'errorCode' in error && error.errorCode === concurrencyErrorCode) return 'conflict';
        throw error;
      }
    },
    close,
  };
}

/**
 * Emmett on PostgreSQL, with its default pool (node-postgres, at most 10 connections) and the server's
 * own durability settings.
 * @param {string} connectionString
 * @returns {Promise<PeerStore>}
 */
export async function openPostgres(connectionString) {
  const eventStore = getPostgreSQLEventStore(connectionString);
  await eventStore.schema.migrate();
  // Emmett's close leaves its pool open while another of its objects still counts on it (its schema
  // migration does): end every pool of Emmett's database layer, so that no connection outlives the run.
  return peerStore(eventStore, async () => {
    await eventStore.close();
    await endAllPools();
  });
}

/**
 * Emmett on SQLite, as documented: a file name, from which Emmett opens a connection per call, in WAL
 * mode. Reports the journal mode and synchronous level of a connection from Emmett's own connection
 * factory (the one each call gets), so that the caller can check they are those of the ledger's store.
 * @param {string} fileName
 * @returns {Promise<{ store: PeerStore, journalMode: string, synchronous: number }>}
 */
export async function openSqlite(fileName) {
  const eventStore = getSQLiteEventStore({ fileName });
  await eventStore.schema.migrate();
  const connection = sqliteConnection({ fileName });
  try {
    const journal = await connection.querySingle('PRAGMA journal_mode');
    const sync = await connection.querySingle('PRAGMA synchronous');
    // Emmett keeps no connection open between calls: nothing to close but this one.
    return { store: peerStore(eventStore, async () => {}), journalMode: journal.journal_mode, synchronous: sync.synchronous };
  } finally {
    connection.close();
  }
}
