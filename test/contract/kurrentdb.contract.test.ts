// Runs the event store contract against a real KurrentDB server (EVENTSTORE_CONNECTION_STRING), each
// case under a stream prefix of its own on the one server. Without a server, the suite is listed case
// by case as skipped, with the reason printed.
import { randomBytes } from 'node:crypto';
import { KurrentDbEventStore } from '../../src/event-store/kurrentdb/kurrentdb-event-store.js';
import { eventStoreContract } from './event-store.contract.js';

const connectionString = process.env['EVENTSTORE_CONNECTION_STRING'] ?? '';

/** Distinct from the service's default `ledger-` prefix, so a development server's ledger never sees test events. */
function freshPrefix(): string {
  return `ledgertest-${randomBytes(6).toString('hex')}-`;
}

// KurrentDB offers no way to alter an event in place: the cases that need a tamperer cannot run here.
// They stay declared, and are listed as skipped with the reason.
const tamperCase = /^finds /;
const tamperSkipReason = 'SKIPPED on KurrentDB: the server offers no way to alter a stored event, so there is no tamperer';

function withTamperCasesSkipped(declare: () => void): void {
  const itReal = globalThis.it;
  const itHere = Object.assign(
    (name: string, fn?: jest.ProvidesCallback, timeout?: number) =>
      tamperCase.test(name) ? itReal.skip(`${name} — ${tamperSkipReason}`, fn ?? (() => undefined)) : itReal(name, fn, timeout),
    itReal,
  );
  globalThis.it = itHere as unknown as jest.It;
  try {
    declare();
  } finally {
    globalThis.it = itReal;
  }
}

if (connectionString !== '') {
  withTamperCasesSkipped(() =>
    eventStoreContract({
      name: 'eventstoredb',
      async open() {
        const streamPrefix = freshPrefix();
        const store = await KurrentDbEventStore.open({ connectionString, streamPrefix });
        const others: KurrentDbEventStore[] = [];
        return {
          store,
          openAnother: async () => {
            const other = await KurrentDbEventStore.open({ connectionString, streamPrefix });
            others.push(other);
            return other;
          },
          async dispose() {
            await store.close();
            for (const other of others) await other.close();
          },
        };
      },
    }),
  );
} else {
  process.stdout.write(
    'SKIPPED event store contract: eventstoredb: EVENTSTORE_CONNECTION_STRING is not set. To run it, start a server with ' +
      "`docker compose up -d kurrentdb` and set EVENTSTORE_CONNECTION_STRING='kurrentdb://127.0.0.1:2113?tls=false' (see docker-compose.yml)\n",
  );
  describe.skip('event store contract: eventstoredb — SKIPPED, EVENTSTORE_CONNECTION_STRING not set', () => {
    eventStoreContract({ name: 'eventstoredb', open: () => Promise.reject(new Error('EVENTSTORE_CONNECTION_STRING is not set')) });
  });
}
