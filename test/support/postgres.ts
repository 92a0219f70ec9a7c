// Access to the PostgreSQL the tests run against: only the one named by LEDGER_TEST_POSTGRES_URL.
// Without it the PostgreSQL suites are skipped with the reason printed (a test run never writes into
// whatever PostgreSQL happens to answer on this machine); LEDGER_REQUIRE_POSTGRES=1 (as in CI) turns
// a missing or unreachable server into a failure.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

const configuredUrl = process.env['LEDGER_TEST_POSTGRES_URL'] ?? '';
export const postgresRequired = process.env['LEDGER_REQUIRE_POSTGRES'] === '1';

/**
 * The test server's connection string. Where none is configured the suites that need it are skipped
 * before they connect; this value only keeps their module-level setup well-formed.
 */
export const postgresUrl = configuredUrl === '' ? 'postgres://not-configured.invalid/ledger-test' : configuredUrl;

export async function postgresReachable(): Promise<string | undefined> {
  if (configuredUrl === '') return 'LEDGER_TEST_POSTGRES_URL is not set';
  const client = new pg.Client({ connectionString: configuredUrl, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    return `PostgreSQL at ${configuredUrl.replace(/\/\/[^@]*@/, '//…@')} is not reachable (${error instanceof Error ? error.message : String(error)})`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A schema of its own per suite run; a prefix per suite keeps runs of different suites apart at a glance. */
export function freshSchemaName(prefix = 'ledger_test_'): string {
  return `${prefix}${randomBytes(6).toString('hex')}`;
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
  const message = `${suite}: ${problem}`;
  if (postgresRequired) throw new Error(`${message}, and LEDGER_REQUIRE_POSTGRES=1 requires it`);
  process.stdout.write(`SKIPPED ${message}: set LEDGER_TEST_POSTGRES_URL (e.g. postgres://postgres@127.0.0.1:5432/test) to run it\n`);
  return false;
}
