#!/usr/bin/env node
// `ledger`: the command line of auditors and operators (see `ledger --help`).
import 'reflect-metadata';
import { CommandFactory } from 'nest-commander';
import { ConfigError, loadLedgerConfig } from '../config.js';
import { CliModule } from './cli.module.js';
import { exitCodes } from './commands.js';

function fail(error: unknown): never {
  if (error instanceof ConfigError) {
    process.stderr.write(`ledger: ${error.message}\n`);
    process.exit(exitCodes.usage);
  }
  const code = (error as { code?: unknown }).code;
  // commander's own errors (unknown command or option, missing argument, --help)
  if (typeof code === 'string' && code.startsWith('commander.')) {
    process.exit(code === 'commander.helpDisplayed' || code === 'commander.version' ? exitCodes.ok : exitCodes.usage);
  }
  process.stderr.write(`ledger: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(exitCodes.error);
}

// A reader that stops early (`ledger export | head`) is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(exitCodes.ok);
  throw error;
});

async function main(): Promise<void> {
  const config = loadLedgerConfig(process.env);
  await CommandFactory.run(CliModule.forRoot(config), { logger: false, cliName: 'ledger', errorHandler: fail, serviceErrorHandler: fail });
}

main().catch(fail);
