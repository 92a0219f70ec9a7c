// Access to the PostgreSQL the tests run against: LEDGER_TEST_POSTGRES_URL (or DATABASE_URL).
// Where none answers, the PostgreSQL suites are skipped with the reason printed, unless
// LEDGER_REQUIRE_POSTGRES=1 (as in CI), where that is a failure.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const postgresUrl = process.env['LEDGER_TEST_POSTGRES_URL'] ?? process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
export const postgresRequired = process.env['LEDGER_REQUIRE_POSTGRES'] === '1';

export async function postgresReachable(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export function freshSchemaName(): string {
  return `ledger_test_${randomBytes(6).toString('hex')}`;
}

export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

/**
 * Decides, once per test file, whether its PostgreSQL suite runs: prints why when it does not, and
 * fails when PostgreSQL is required.
 */
export async function postgresAvailability(suite: string): Promise<boolean> {
  const problem = await postgresReachable();
  if (problem === undefined) return true;
  const message = `${suite}: PostgreSQL at ${postgresUrl.replace(/\/\/[^@]*@/, '//…@')} is not reachable (${problem})`;
  if (postgresRequired) throw new Error(`${message}, and LEDGER_REQUIRE_POSTGRES=1 requires it`);
  process.stdout.write(`SKIPPED ${message}: set LEDGER_TEST_POSTGRES_URL to run it\n`);
  return false;
}
