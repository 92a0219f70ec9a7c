// The settings schema: every variable the service reads, its default, and a clear refusal of a bad value.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ConfigError, hostDefault, loadLedgerConfig } from '../../src/config.js';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');

describe('configuration', () => {
  it('defaults to development, loopback, info and the embedded store', () => {
    expect(loadLedgerConfig({})).toMatchObject({ nodeEnv: 'development', host: '127.0.0.1', port: 3000, logLevel: 'info', store: 'sqlite', rateLimitPerMinute: 600 });
    expect(hostDefault).toBe('127.0.0.1');
    // An empty variable is an unset one.
    expect(loadLedgerConfig({ HOST: '', PORT: '', LOG_LEVEL: '', NODE_ENV: '' })).toMatchObject({ host: '127.0.0.1', port: 3000, logLevel: 'info', nodeEnv: 'development' });
  });

  it('takes HOST as a name or an address, v4 or v6', () => {
    for (const host of ['0.0.0.0', '::', '::1', '127.0.0.1', 'ledger.internal', 'localhost']) expect(loadLedgerConfig({ HOST: host }).host).toBe(host);
  });

  it('refuses each bad value by name, all of them in one line', () => {
    expect(() => loadLedgerConfig({ NODE_ENV: 'prod' })).toThrow(new ConfigError('NODE_ENV must be one of development, production, test, got "prod"'));
    expect(() => loadLedgerConfig({ LOG_LEVEL: 'verbose' })).toThrow(/^LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "verbose"$/);
    expect(() => loadLedgerConfig({ HOST: 'http://0.0.0.0:3000' })).toThrow(/^HOST must be a host name or an IP address/);
    expect(() => loadLedgerConfig({ PORT: '70000', LEDGER_RATE_LIMIT: '-1' })).toThrow(
      new ConfigError('PORT must be an integer from 0 to 65535, got "70000"; LEDGER_RATE_LIMIT must be an integer from 0 to 1000000, got "-1"'),
    );
    expect(() => loadLedgerConfig({ LEDGER_STORE: 'eventstoredb' })).toThrow(/needs EVENTSTORE_CONNECTION_STRING/);
  });

  it('stops `node dist/main.js` with exit 2 and the reason, as a JSON line in production', async () => {
    const failure = await run(process.execPath, ['dist/main.js'], { cwd: root, env: { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'loud' } }).catch(
      (error: unknown) => error,
    );
    expect(failure).toMatchObject({ code: 2 });
    const line = JSON.parse((failure as { stderr: string }).stderr.trim()) as Record<string, unknown>;
    expect(line).toMatchObject({ level: 60, msg: 'configuration error: LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"' });
  });
});
