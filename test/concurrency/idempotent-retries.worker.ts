// A service process retrying approvals, for the two-process idempotency test: each key is sent ten
// times at once, as a client that timed out and retried would.
// argv: sqlite PATH | postgres URL SCHEMA, then now (ISO), start time (ms since epoch), key=applicationId…
// Prints one JSON line: for each key, the ten answers (the result, or the refusal's code).
import { parseCommand } from '../../src/commands/parse-command.js';
import { CommandRunner } from '../../src/commands/runner.js';
import { useCases } from '../../src/commands/use-cases.js';
import type { EventStore } from '../../src/event-store/event-store.js';
import { PostgresEventStore } from '../../src/event-store/postgres/postgres-event-store.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { LedgerError } from '../../src/shared/errors.js';

async function open(args: string[]): Promise<{ store: EventStore; rest: string[] }> {
  const [kind, location, ...rest] = args;
  if (kind === 'sqlite' && location !== undefined) return { store: new SqliteEventStore({ path: location }), rest };
  const [schema, ...after] = rest;
  if (kind === 'postgres' && location !== undefined && schema !== undefined) {
    return { store: await PostgresEventStore.open({ connectionString: location, schema, poolSizeMax: 12 }), rest: after };
  }
  throw new Error('usage: worker sqlite PATH | postgres URL SCHEMA, NOW START_MS KEY=APPLICATION@DECISION…');
}

async function main(): Promise<void> {
  const { store, rest } = await open(process.argv.slice(2));
  const [now, startText, ...pairs] = rest;
  if (now === undefined || startText === undefined) throw new Error('NOW and START_MS are required');
  const runner = new CommandRunner(store);
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(startText) - Date.now())));
  // Key after key (both processes walk them in the same order, from the same moment): each key races
  // with its own retries, not with every other approval for the programme-year's budget.
  const answers: { key: string; answers: string[] }[] = [];
  for (const pair of pairs) {
    answers.push(
      await (async () => {
        // KEY=APPLICATION@DECISION: the approval of the application citing the recorded decision.
        const [key, cited] = pair.split('=') as [string, string];
        const [applicationId, decisionRef] = cited.split('@') as [string, string];
        const context = { commandId: key, actor: { id: 'approver-9', roles: ['approver' as const] }, now };
        const tries = Array.from({ length: 10 }, async () => {
          try {
            const command = parseCommand('ApproveAward', context, { params: { applicationId }, body: { decisionRef } });
            return JSON.stringify(await runner.run(context, useCases.ApproveAward, command.data, command.fingerprint));
          } catch (error) {
            if (error instanceof LedgerError) return `refused ${error.code}`;
            throw error;
          }
        });
        return { key, answers: await Promise.all(tries) };
      })(),
    );
  }
  await store.close();
  process.stdout.write(`${JSON.stringify(answers)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
