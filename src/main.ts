// Entry point of `npm start`: serves the ledger over HTTP on the configured store.
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './bootstrap.js';
import { ConfigError, loadLedgerConfig } from './config.js';
import { resolveJwtSecret } from './auth/secret.js';

async function main(): Promise<void> {
  const config = loadLedgerConfig(process.env);
  const production = process.env['NODE_ENV'] === 'production';
  // Before the app: in production, no configured secret means no start (exit 2), not a made-up one.
  const secret = resolveJwtSecret(config, { create: true, production });
  const app = await createApp(config);
  // Every interface, as a service in a container must (Fastify alone would listen on localhost only).
  await app.listen(config.port, '0.0.0.0');
  const url = await app.getUrl();
  const where = config.store === 'sqlite' ? `the embedded SQLite store at ${config.sqlitePath}` : `the ${config.store} store`;
  const logger = new Logger('Ledger');
  logger.log(`serving on ${url.replace('0.0.0.0', 'localhost').replace('127.0.0.1', 'localhost')} with ${where}; health at /health, the API under /api`);
  const secretFrom = secret.source === 'environment' ? 'LEDGER_JWT_SECRET' : `the secret file ${secret.path}`;
  logger.log(`tokens are signed with ${secretFrom}; mint one with: npm run ledger -- token --sub YOUR-ID --roles admin`);

  // Stop taking requests, let those under way finish, close the store, then exit 0.
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal}: stopping`);
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`error while stopping: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`configuration error: ${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
