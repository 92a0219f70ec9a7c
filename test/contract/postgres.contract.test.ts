// Runs the event store contract against PostgreSQL, each case in a schema of its own.
import { PostgresEventStore } from '../../src/event-store/postgres/postgres-event-store.js';
import { PostgresTamperer } from '../support/postgres-tamperer.js';
import { dropSchema, freshSchemaName, postgresAvailability, postgresUrl } from '../support/postgres.js';
import { eventStoreContract } from './event-store.contract.js';

const available = await postgresAvailability('event store contract: postgres');

if (available) {
  eventStoreContract({
    name: 'postgres',
    async open() {
      const schema = freshSchemaName();
      const store = await PostgresEventStore.open({ connectionString: postgresUrl, schema, pollIntervalMs: 50 });
      const others: PostgresEventStore[] = [];
      return {
        store,
        tamperer: new PostgresTamperer(postgresUrl, schema),
        openAnother: async () => {
          const other = await PostgresEventStore.open({ connectionString: postgresUrl, schema, pollIntervalMs: 50 });
          others.push(other);
          return other;
        },
        async dispose() {
          await store.close();
          for (const other of others) await other.close();
          await dropSchema(schema);
        },
      };
    },
  });
} else {
  // The reason was printed by postgresAvailability; with LEDGER_REQUIRE_POSTGRES=1 this is a failure instead.
  describe.skip('event store contract: postgres — SKIPPED, no PostgreSQL to test against (reason printed above)', () => {
    eventStoreContract({ name: 'postgres', open: () => Promise.reject(new Error('no PostgreSQL to test against')) });
  });
}
