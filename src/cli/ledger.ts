#!/usr/bin/env node
// `ledger`: the command line of auditors and operators (see `ledger --help`).
import { defined } from '../shared/assert.js';
import 'reflect-metadata';
import { existsSync, readFileSync } from 'node:fs';
import { Help } from 'commander';
import { CommandFactory } from 'nest-commander';
import { ConfigError, loadLedgerConfig, type LedgerConfig } from '../config.js';
import { StoreOpenError } from '../event-store/event-store.module.js';
import { CliModule } from './cli.module.js';
import { commandNames, exitCodes, exitCodesHelp, failWith, readOnlyCommandNames } from './commands.js';

const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** Errors out of a command, as one line each; a stack trace only on request (LEDGER_DEBUG=1). */
function fail(error: unknown): never {
  if (error instanceof StoreOpenError) return failWith(exitCodes.storeUnavailable, error.message);
  if (error instanceof ConfigError) return failWith(exitCodes.usage, error.message);
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && code.startsWith('commander.')) return commanderExitOf(error);
  return failWith(exitCodes.error, error instanceof Error ? error.message : String(error), error);
}

// A reader that stops early (`ledger export | head`) is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(exitCodes.ok);
  throw error;
});

/** The command asked for: the first argument that is not an option. */
function commandAskedFor(args: readonly string[]): string | undefined {
  return args.find((arg) => !arg.startsWith('-'));
}

/**
 * The configuration to run with. Help, `--version` and usage errors need no store: they get a
 * volatile one, so that asking for help never creates a ledger. A read-only command refuses to
 * run where there is no ledger, rather than create an empty one and report on it.
 */
function configFor(args: readonly string[], config: LedgerConfig): LedgerConfig {
  const command = commandAskedFor(args);
  const wantsHelp = args.includes('--help') || args.includes('-h') || command === 'help';
  if (command === undefined || wantsHelp || !commandNames.includes(command)) return { ...config, store: 'sqlite', sqlitePath: ':memory:' };
  if (readOnlyCommandNames.includes(command) && config.store === 'sqlite' && !existsSync(config.sqlitePath)) {
    failWith(exitCodes.notFound, `no ledger at ${config.sqlitePath} (set LEDGER_SQLITE_PATH to an existing ledger)`);
  }
  return config;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
    process.stdout.write(`${version}\n`);
    return;
  }
  let config: LedgerConfig;
  try {
    config = configFor(args, loadLedgerConfig(process.env));
  } catch (error) {
    if (error instanceof ConfigError) failWith(exitCodes.usage, error.message);
    throw error;
  }
  await CommandFactory.run(CliModule.forRoot(config), {
    logger: false,
    abortOnError: false,
    cliName: 'ledger',
    version,
    // The top-level help ends with the exit codes, which scripts depend on.
    helpConfiguration: { formatHelp: (command, helper) => Help.prototype.formatHelp.call(helper, command, helper) + (command.parent === null ? exitCodesHelp : '') },
    // Errors are printed once, as one line, by failWith: not by commander, nor its help after them.
    outputConfiguration: { outputError: () => undefined, writeErr: () => undefined },
    errorHandler: commanderExitOf,
    serviceErrorHandler: fail,
  });
}

/**
 * Commander's own outcomes: help asked for and the version are done; help shown because a command
 * was missing, and every parse error, are usage errors.
 */
function commanderExitOf(error: unknown): never {
  const { code, message } = error as { code?: string; message?: string };
  if (code === 'commander.helpDisplayed' || code === 'commander.version') process.exit(exitCodes.ok);
  if (code === 'commander.help' || code === 'commander.executeSubCommandAsync') return failWith(exitCodes.usage, 'a command is needed: see ledger --help');
  return failWith(exitCodes.usage, defined((message ?? String(error)).replace(/^error: /, '').split('\n')[0], '(message ?? String(error)).replace(/^error: /, "").split("\n")[0]'));
}

main().catch(fail);
