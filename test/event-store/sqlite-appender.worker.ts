// A separate process appending to a shared SQLite file, for the multi-process test.
// argv: database path, appender name, append count, start time (ms since epoch, so that all start together). Prints a JSON summary on its last line.
import { WrongExpectedRevisionError } from '../../src/event-store/event-store.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { anEvent } from '../support/events.js';

async function main(): Promise<void> {
  const [path, who, countText, startText] = process.argv.slice(2);
  if (path === undefined || who === undefined || countText === undefined || startText === undefined) {
    throw new Error('usage: worker PATH WHO COUNT START_MS');
  }
  const appendCount = Number(countText);
  const store = new SqliteEventStore({ path });
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(startText) - Date.now())));
  let conflicts = 0;
  for (let n = 0; n < appendCount; n += 1) {
    // Five events at once on its own stream: they must land next to each other in the global log.
    await store.append(
      `own-${who}`,
      Array.from({ length: 5 }, (_, k) => anEvent('Batch', { who, n, k })),
      'any',
    );
    // One event on the shared stream at an exact revision, retried on conflict.
    for (;;) {
      const revision = await store.streamRevision('shared');
      // A decision takes time: another process may append meanwhile.
      await new Promise((resolve) => setTimeout(resolve, 1));
      try {
        await store.append('shared', [anEvent('Shared', { who, n })], revision);
        break;
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        conflicts += 1;
      }
    }
  }
  await store.close();
  process.stdout.write(`${JSON.stringify({ who, conflicts })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
