// A separate process approving applications on a shared PostgreSQL database, for the two-process test.
// argv: connection string, schema, approver id, now (ISO), start time (ms since epoch), decision id, application ids…
// Prints one JSON line: the outcome of each approval.
import { parseCommand } from '../../src/commands/parse-command.js';
import { CommandRunner } from '../../src/commands/runner.js';
import { useCases } from '../../src/commands/use-cases.js';
import { PostgresEventStore } from '../../src/event-store/postgres/postgres-event-store.js';
import { LedgerError } from '../../src/shared/errors.js';

async function main(): Promise<void> {
  const [connectionString, schema, approverId, now, startText, decisionRef, ...applicationIds] = process.argv.slice(2);
  if (connectionString === undefined || schema === undefined || approverId === undefined || now === undefined || startText === undefined || decisionRef === undefined) {
    throw new Error('usage: worker URL SCHEMA APPROVER NOW START_MS DECISION APPLICATION…');
  }
  const store = await PostgresEventStore.open({ connectionString, schema, poolSizeMax: 8 });
  // The command table alone, without a Nest application: a second process writing to the same database.
  const runner = new CommandRunner(store);
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(startText) - Date.now())));
  const outcomes = await Promise.all(
    applicationIds.map(async (id, i) => {
      try {
        const context = { commandId: `${approverId}-${i}`, actor: { id: approverId, roles: ['approver' as const] }, now };
        const command = parseCommand('ApproveAward', context, { params: { applicationId: id }, body: { decisionRef } });
        const result = await runner.run(context, useCases.ApproveAward, command.data, command.fingerprint);
        return { id, outcome: 'ok', award: result.award, position: result.position };
      } catch (error) {
        if (error instanceof LedgerError) return { id, outcome: error.code };
        throw error;
      }
    }),
  );
  await store.close();
  process.stdout.write(`${JSON.stringify(outcomes)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
