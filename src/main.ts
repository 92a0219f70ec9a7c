// Entry point of `npm start`: serves the ledger over HTTP on the configured store.
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { pino } from 'pino';
import { createApp } from './bootstrap.js';
import { ConfigError, loadLedgerConfig } from './config.js';
import { resolveJwtSecret } from './auth/secret.js';

/** Addresses that mean "every interface": a browser cannot open them, so the start line shows localhost. */
const wildcardHosts = new Set(['0.0.0.0', '::']);

async function main(): Promise<void> {
  const config = loadLedgerConfig(process.env);
  // Before the app: in production, no configured secret means no start (exit 2), not a made-up one.
  const secret = resolveJwtSecret(config, { create: true, production: config.nodeEnv === 'production' });
  const app = await createApp(config);
  // SIGTERM / SIGINT: stop taking requests, let those under way finish, close the store, exit 0.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  const logger = new Logger('Ledger');
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => logger.log(`${signal}: stopping`));
  await app.listen(config.port, config.host);
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  const host = wildcardHosts.has(config.host) ? 'localhost' : config.host.includes(':') ? `[${config.host}]` : config.host;
  const where = config.store === 'sqlite' ? `the embedded SQLite store at ${config.sqlitePath}` : `the ${config.store} store`;
  logger.log(`serving on http://${host}:${port} with ${where}; health at /health, the API under /api`);
  const secretFrom = secret.source === 'environment' ? 'LEDGER_JWT_SECRET' : `the secret file ${secret.path}`;
  logger.log(`tokens are signed with ${secretFrom}; mint one with: npm run ledger -- token --sub YOUR-ID --roles admin`);
}

/** A failure before the logger exists: a JSON line in production, like every other line there; plain text otherwise. */
function reportStartFailure(message: string, exitCode: number): never {
  if (process.env['NODE_ENV'] === 'production') pino(pino.destination({ dest: 2, sync: true })).fatal(message);
  else process.stderr.write(`${message}\n`);
  process.exit(exitCode);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) reportStartFailure(`configuration error: ${error.message}`, 2);
  reportStartFailure(error instanceof Error ? (error.stack ?? error.message) : String(error), 1);
});
