// A writer for the power-cut test: registers enterprises through the CommandBus, as the service does
// (group commit: each command is answered once the disk sync covering its append has returned), with
// several commands in flight at once, until it is killed. Each answer is printed as soon as it is
// given, one JSON line per acknowledged write (the client's view: its key and the log position).
// argv: PATH FIRST_NUMBER DURABILITY (full | normal) IN_FLIGHT
import { openLedgerCommands } from '../../src/commands/ledger-commands.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { usccFor } from '../support/world.js';

async function main(): Promise<void> {
  const [path, firstText, durability, inFlightText] = process.argv.slice(2);
  if (path === undefined || firstText === undefined || (durability !== 'full' && durability !== 'normal') || inFlightText === undefined) {
    throw new Error('usage: writer PATH FIRST_NUMBER full|normal IN_FLIGHT');
  }
  const store = new SqliteEventStore({ path, durability });
  const { commands } = await openLedgerCommands(store);
  let next = Number(firstText);
  process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
  const writer = async (): Promise<void> => {
    for (;;) {
      const n = next;
      next += 1;
      const key = `power-cut-${n}`;
      const context = { commandId: key, actor: { id: 'admin-1', roles: ['admin' as const] }, now: '2025-06-03T02:00:00.000Z' };
      const result = await commands.dispatch('RegisterEnterprise', context, { params: {}, body: { uscc: usccFor(n, 'wuhan'), name: `企业${n}`, city: 'wuhan' } });
      process.stdout.write(`${JSON.stringify({ key, position: result.position })}\n`);
    }
  };
  await Promise.all(Array.from({ length: Number(inFlightText) }, writer));
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
