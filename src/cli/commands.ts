// The `ledger` commands for auditors and operators. Reports print JSON on stdout; progress bars go to
// stderr (and only to a terminal); every error is one line on stderr. Exit codes: see `exitCodes`.
import { defined } from '../shared/assert.js';
import { Inject } from '@nestjs/common';
import { SingleBar, Presets } from 'cli-progress';
import type { Command as CommanderCommand } from 'commander';
import { createWriteStream, readFileSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Command, CommandRunner, Option, SubCommand } from 'nest-commander';
import { resolveJwtSecret } from '../auth/secret.js';
import { mintToken, parseRoles } from '../auth/tokens.js';
import { checkpointsOf, parseSavedDigests } from '../audit/checkpoints.js';
import { publicKeyPemOf, readPublicKey, resolveSigningKey, signDigest } from '../audit/signing.js';
import { mergeDigests, storedCheckpoints, verifyLog } from '../audit/verify.js';
import { readMacKey, resolveMacKey } from '../event-store/mac-key.js';
import { exportCsv, exportJsonl, exportViews, exportXlsx, type ExportView } from '../audit/export.js';
import { CommandBus } from '@nestjs/cqrs';
import { createHash } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { LedgerError } from '../shared/errors.js';
import { canonicalJson } from '../commands/runner.js';
import { LedgerCommands } from '../commands/ledger-commands.js';
import { ConfigError, type LedgerConfig } from '../config.js';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.js';
import { digestToJson, type LogDigest } from '../event-store/hash-chain.js';
import { LEDGER_CONFIG } from '../ledger-config.token.js';
import { applicationHistory, enterpriseHistory } from '../projections/history.js';
import { Projector } from '../projections/projector.js';
import type { AsOf } from '../projections/queries.js';
import { reconcile } from '../projections/reconcile.js';
import { foreignEventOf, seedDemo } from '../synthetic/demo.js';
import { asOfOf, isAsOf } from '../http/query-dtos.js';
import { generateSynthetic } from '../synthetic/generator.js';
import { ratePerSecond, secondsOf } from '../shared/durations.js';
import { READ_SIDE, type ReadSide } from '../projections/read-side.js';

export const exitCodes = { ok: 0, error: 1, usage: 2, findings: 3, notFound: 4, storeUnavailable: 5 } as const;

export const exitCodesHelp = `
Exit codes:
  0  done; for verify: the log and the projections check out
  1  unexpected error
  2  bad usage: unknown command or option, missing or extra argument, bad value, file or JSON
  3  verify found tampering or a difference
  4  not found: no ledger at the path given (read-only commands never create one), or no such record
  5  the store could not be opened
`;

/** Commands that only read: they never create a store, and refuse to run where there is none. */
export const readOnlyCommandNames: readonly string[] = ['verify', 'digest', 'report', 'export', 'history'];

/** Prints one line on stderr and exits; the stack trace only with LEDGER_DEBUG=1. */
export function failWith(code: number, message: string, error?: unknown): never {
  process.stderr.write(`ledger: ${message.split('\n')[0]}\n`);
  if (process.env['LEDGER_DEBUG'] === '1' && error instanceof Error && error.stack !== undefined) process.stderr.write(`${error.stack}\n`);
  process.exit(code);
}

/**
 * Every command: an extra argument is a usage error (commander 11 ignores them), and a parse error
 * in a subcommand exits as one in the top-level command does (commander does not pass that on).
 */
abstract class LedgerCommand extends CommandRunner {
  override setCommand(command: CommanderCommand): this {
    command.allowExcessArguments(false);
    command.exitOverride((error) => {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') process.exit(exitCodes.ok);
      failWith(exitCodes.usage, error.message.replace(/^error: /, ''));
    });
    return super.setCommand(command);
  }
}

/** Reads a file the user named, or stops with a usage error naming it. */
function readUserFile(path: string, option: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read ${option} ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

/** Opens a file to write, or stops with a usage error naming it. */
async function openOutput(path: string): Promise<WriteStream> {
  const stream = createWriteStream(path);
  try {
    await once(stream, 'open');
  } catch (error) {
    throw new ConfigError(`cannot write --out ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  return stream;
}

function print(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`);
}

/** A progress bar on stderr, shown only on a terminal. */
function progressBar(label: string, total: number): SingleBar {
  const bar = new SingleBar(
    { format: `${label} [{bar}] {percentage}% | {value}/{total} | {eta_formatted} left`, stream: process.stderr, hideCursor: true },
    Presets.shades_classic,
  );
  bar.start(total, 0);
  return bar;
}

async function caughtUp(store: EventStore, projector: Projector, label = 'projecting'): Promise<void> {
  const head = await store.headPosition();
  const bar = progressBar(label, Number(head));
  bar.update(Number(projector.position));
  await projector.resume((position) => bar.update(Number(position)));
  bar.stop();
}

/** `--as-of`: read as the API reads `?asOf=` (a position, an ISO instant, or a date: the end of that day in Shanghai). */
export function parseAsOf(text: string | undefined): AsOf | undefined {
  if (text === undefined) return undefined;
  if (!isAsOf(text)) throw new ConfigError(`--as-of must be a log position, a date such as 2025-07-01 or an ISO instant such as 2025-07-01T00:00:00+08:00, got "${text}"`);
  return asOfOf(text);
}

@Command({ name: 'replay', description: 'rebuild every projection from an empty read side' })
export class ReplayCommand extends LedgerCommand {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_SIDE) private readonly readSide: ReadSide,
  ) {
    super();
  }

  async run(): Promise<void> {
    const started = performance.now();
    const bar = progressBar('replaying', Number(await this.store.headPosition()));
    await this.readSide.projector.rebuild((position) => bar.update(Number(position)));
    bar.stop();
    const elapsedMs = performance.now() - started;
    const position = this.readSide.projector.position;
    print({ replayed: position, seconds: secondsOf(elapsedMs), eventsPerSecond: ratePerSecond(Number(position), elapsedMs) });
  }
}

@Command({ name: 'project', description: 'bring the projections up to the head of the log (with --follow: and keep following it)' })
export class ProjectCommand extends LedgerCommand {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_SIDE) private readonly readSide: ReadSide,
  ) {
    super();
  }

  async run(_: string[], options: { follow?: boolean }): Promise<void> {
    await caughtUp(this.store, this.readSide.projector);
    if (options.follow !== true) {
      print({ position: this.readSide.projector.position });
      return;
    }
    this.readSide.projector.start();
    await new Promise<void>((resolve) => {
      process.once('SIGTERM', resolve);
      process.once('SIGINT', resolve);
    });
    await this.readSide.projector.stop();
  }

  @Option({ flags: '--follow', description: 'keep following the log until stopped' })
  parseFollow(): boolean {
    return true;
  }
}

@SubCommand({ name: 'budget', arguments: '<programme> <year>', description: "a programme-year's budget: budget, committed, paid, clawed back, recovered, remaining" })
export class BudgetReportCommand extends LedgerCommand {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_SIDE) private readonly readSide: ReadSide,
  ) {
    super();
  }

  async run([programmeId, yearText]: string[], options: { asOf?: string }): Promise<void> {
    if (!/^[0-9]{4}$/.test(yearText ?? '')) throw new ConfigError(`year must be four digits, got "${yearText}"`);
    await caughtUp(this.store, this.readSide.projector);
    const report = await this.readSide.queries.budget(programmeId ?? '', Number(yearText), parseAsOf(options.asOf));
    if (report === undefined) {
      failWith(exitCodes.notFound, `no programme ${programmeId}`);
    }
    print(report);
  }

  @Option({ flags: '--as-of <when>', description: 'a log position, an ISO instant, or a date (to the end of that day, Asia/Shanghai)' })
  parseAsOf(value: string): string {
    return value;
  }
}

@SubCommand({ name: 'enterprise', arguments: '<uscc>', description: "an enterprise's totals per programme and year, with its headroom" })
export class EnterpriseReportCommand extends LedgerCommand {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_SIDE) private readonly readSide: ReadSide,
  ) {
    super();
  }

  async run([uscc]: string[], options: { year?: string; asOf?: string }): Promise<void> {
    if (options.year !== undefined && !/^[0-9]{4}$/.test(options.year)) throw new ConfigError(`--year must be four digits, got "${options.year}"`);
    await caughtUp(this.store, this.readSide.projector);
    const asOf = parseAsOf(options.asOf);
    const totals = await this.readSide.queries.enterpriseTotals(uscc ?? '', {
      ...(options.year === undefined ? {} : { year: Number(options.year) }),
      ...(asOf === undefined ? {} : { asOf }),
    });
    print({ uscc, totals });
  }

  @Option({ flags: '--year <year>', description: 'one fiscal year only' })
  parseYear(value: string): string {
    return value;
  }

  @Option({ flags: '--as-of <when>', description: 'a log position, an ISO instant, or a date (to the end of that day, Asia/Shanghai)' })
  parseAsOf(value: string): string {
    return value;
  }
}

@Command({ name: 'report', description: 'budget and enterprise reports, now or as of a past position or time', subCommands: [BudgetReportCommand, EnterpriseReportCommand] })
export class ReportCommand extends LedgerCommand {
  async run(): Promise<void> {
    throw new ConfigError('report needs a subcommand: budget or enterprise (see ledger report --help)');
  }
}

@Command({ name: 'digest', description: 'print the digest of the log as it is now (save it; verify against it later); with --every N, one digest every N events, as JSON Lines' })
export class DigestCommand extends LedgerCommand {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
  ) {
    super();
  }

  async run(_: string[], options: { every?: string; sign?: boolean }): Promise<void> {
    if (options.every !== undefined && !/^[1-9][0-9]{0,8}$/.test(options.every))
      throw new ConfigError(`--every must be a number of events from 1 to 999999999, got "${options.every}"`);
    const key = options.sign === true ? signingKeyOf(this.config) : undefined;
    if (key !== undefined) await this.refuseToSignForgeries();
    const shown = (digest: LogDigest) => (key === undefined ? digestToJson(digest) : signDigest(digest, key, new Date()));
    if (options.every === undefined) {
      print(shown(await this.store.digest()));
      return;
    }
    for await (const checkpoint of checkpointsOf(this.store, Number(options.every))) process.stdout.write(`${JSON.stringify(shown(checkpoint))}\n`);
  }

  /**
   * As the service's checkpoints: nothing is signed over an event whose MAC fails, where this machine
   * holds the MAC key (LEDGER_MAC_KEY, or the key file beside the database).
   */
  private async refuseToSignForgeries(): Promise<void> {
    const macKey = resolveMacKey(this.config, { LEDGER_MAC_KEY: this.config.macKeyText }, { create: false, production: this.config.nodeEnv === 'production' });
    if (macKey === undefined) return;
    const report = await verifyLog(this.store, undefined, undefined, macKey);
    const forged = report.findings.find((finding) => finding.kind === 'forged');
    if (forged !== undefined) failWith(exitCodes.findings, `refusing to sign: ${forged.detail}`);
  }

  @Option({ flags: '--every <events>', description: 'a digest every so many events (checkpoints: verify then bounds a change to such a window)' })
  parseEvery(value: string): string {
    return value;
  }

  @Option({ flags: '--sign', description: 'sign each digest with the Ed25519 key (LEDGER_SIGNING_KEY, or the key file beside the database)' })
  parseSign(): boolean {
    return true;
  }
}

@Command({ name: 'public-key', description: 'print the public key that checks signed digests (PEM): give it to auditors' })
export class PublicKeyCommand extends LedgerCommand {
  constructor(@Inject(LEDGER_CONFIG) private readonly config: LedgerConfig) {
    super();
  }

  async run(): Promise<void> {
    process.stdout.write(publicKeyPemOf(signingKeyOf(this.config)));
  }
}

/** The signing key: created beside the database on a local trial, required from the environment in production. */
function signingKeyOf(config: LedgerConfig) {
  const production = process.env['NODE_ENV'] === 'production';
  return resolveSigningKey(config, process.env, { create: !production, production });
}

@Command({ name: 'verify', description: 'check every hash and chain (and the log against a saved digest), and reconcile every projection' })
export class VerifyCommand extends LedgerCommand {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_SIDE) private readonly readSide: ReadSide,
  ) {
    super();
  }

  async run(_: string[], options: { digest?: string; publicKey?: string; macKey?: string }): Promise<void> {
    const publicKey = options.publicKey === undefined ? undefined : readPublicKey(readUserFile(options.publicKey, '--public-key'), `--public-key ${options.publicKey}`);
    // The MAC key where this verifier holds it: --mac-key, or LEDGER_MAC_KEY (never the key file
    // beside the database: a verifier that trusts the database's host holds nothing of its own).
    const macKey =
      options.macKey !== undefined
        ? readMacKey(readUserFile(options.macKey, '--mac-key'), `--mac-key ${options.macKey}`)
        : (process.env['LEDGER_MAC_KEY'] ?? '') === ''
          ? undefined
          : readMacKey(process.env['LEDGER_MAC_KEY'] ?? '', 'LEDGER_MAC_KEY');
    let saved: LogDigest[] = [];
    if (options.digest !== undefined) {
      const parsed = parseSavedDigests(readUserFile(options.digest, '--digest'), publicKey);
      if ('error' in parsed) throw new ConfigError(`--digest ${options.digest} ${parsed.error}`);
      saved = parsed.digests;
    }
    // With the public key, the checkpoints the service signed and kept beside the log are checked too.
    const stored = publicKey === undefined ? { digests: [], rejected: 0 } : await storedCheckpoints(this.store, publicKey);
    const digests = mergeDigests(saved, stored.digests);
    const head = Number(await this.store.headPosition());
    const bar = progressBar('verifying', head);
    const chain = await verifyLog(this.store, digests.length === 0 ? undefined : digests, (_, position) => bar.update(Number(position)), macKey);
    bar.stop();
    // On a tampered log the read side may not even be buildable: that is a finding, not a crash.
    let reconciliation: Awaited<ReturnType<typeof reconcile>> | { ok: false; error: string };
    try {
      await caughtUp(this.store, this.readSide.projector);
      reconciliation = await reconcile(this.store, this.readSide.queries);
    } catch (error) {
      reconciliation = { ok: false, error: `the projections could not be brought up to date: ${error instanceof Error ? error.message : String(error)}` };
    }
    const ok = chain.ok && reconciliation.ok;
    print({
      ok,
      log: {
        ok: chain.ok,
        eventsChecked: chain.eventsChecked,
        headPosition: chain.headPosition,
        digestChecked: chain.digestChecked,
        anchoredThrough: chain.anchoredThrough,
        unanchoredEvents: chain.unanchoredEvents,
        legacyHashEvents: chain.legacyHashEvents,
        macChecked: chain.macChecked,
        unkeyedEvents: chain.unkeyedEvents,
        storedCheckpointsChecked: stored.digests.length,
        storedCheckpointsRejected: stored.rejected,
        findings: chain.findings,
        digest: digestToJson(chain.digest),
      },
      projections: reconciliation,
    });
    if (!ok) process.exitCode = exitCodes.findings;
  }

  @Option({ flags: '--digest <file>', description: 'digests saved earlier with `ledger digest` (one, or JSON Lines from --every)' })
  parseDigest(value: string): string {
    return value;
  }

  @Option({ flags: '--public-key <file>', description: 'the public key (PEM) every saved digest must be signed with; the checkpoints kept in the store are checked with it too' })
  parsePublicKey(value: string): string {
    return value;
  }

  @Option({ flags: '--mac-key <file>', description: "the commits' MAC key (or LEDGER_MAC_KEY), where the verifier holds it: a forged event is found at its position" })
  parseMacKey(value: string): string {
    return value;
  }
}

@Command({ name: 'export', description: 'export events: JSON Lines (every field), or CSV / .xlsx for Excel (business view by default, --view events for the raw log)' })
export class ExportCommand extends LedgerCommand {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {
    super();
  }

  async run(_: string[], options: { format?: string; view?: string; fromPosition?: string; out?: string }): Promise<void> {
    const format = options.format ?? 'jsonl';
    if (format !== 'jsonl' && format !== 'csv' && format !== 'xlsx') throw new ConfigError(`--format must be jsonl, csv or xlsx, got "${format}"`);
    const view = options.view ?? 'business';
    if (!exportViews.includes(view as ExportView)) throw new ConfigError(`--view must be business or events, got "${view}"`);
    if (format === 'jsonl' && options.view !== undefined) throw new ConfigError('--view applies to csv and xlsx: JSON Lines always holds every event');
    if (options.fromPosition !== undefined && !/^[0-9]+$/.test(options.fromPosition)) throw new ConfigError('--from-position must be a log position');
    // From position N: the events at N and after.
    const after = options.fromPosition === undefined ? 0n : BigInt(options.fromPosition) > 0n ? BigInt(options.fromPosition) - 1n : 0n;
    const head = Number(await this.store.headPosition());
    const bar = progressBar('exporting', head);
    const onEvent = (event: { position: bigint }) => {
      if (event.position % 1000n === 0n) bar.update(Number(event.position));
    };
    const toFile = options.out !== undefined;
    const output = toFile ? await openOutput(defined(options.out, 'options.out')) : process.stdout;
    const range = { afterPosition: after };
    if (format === 'xlsx') {
      // The workbook ends the stream it writes to: stdout is given one of its own to end.
      const workbook = new PassThrough();
      const writing = pipeline(workbook, output, { end: toFile });
      await exportXlsx(this.store, view as ExportView, workbook, range, onEvent);
      await writing;
    } else {
      const chunks = format === 'csv' ? exportCsv(this.store, view as ExportView, range, onEvent) : exportJsonl(this.store, range, onEvent);
      await pipeline(Readable.from(chunks), output, { end: toFile });
    }
    bar.update(head);
    bar.stop();
  }

  @Option({ flags: '--format <format>', description: 'jsonl (default), csv or xlsx' })
  parseFormat(value: string): string {
    return value;
  }

  @Option({
    flags: '--view <view>',
    description: 'for csv and xlsx: business (default: applications, awards, disbursements, clawbacks, recoveries, notices) or events (the raw log)',
  })
  parseView(value: string): string {
    return value;
  }

  @Option({ flags: '--from-position <position>', description: 'first log position to export' })
  parseFromPosition(value: string): string {
    return value;
  }

  @Option({ flags: '--out <file>', description: 'write to a file instead of stdout' })
  parseOut(value: string): string {
    return value;
  }
}

const spanUnitSeconds: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3_600, d: 86_400 };

/** The seconds of a span such as 8h (checked against its pattern before). */
function spanSeconds(span: string): number {
  return Number(span.slice(0, -1)) * (spanUnitSeconds[span.slice(-1)] ?? Number.NaN);
}

@Command({ name: 'token', description: "mint a bearer token (HS256) with this deployment's secret" })
export class TokenCommand extends LedgerCommand {
  constructor(@Inject(LEDGER_CONFIG) private readonly config: LedgerConfig) {
    super();
  }

  async run(_: string[], options: { sub?: string; roles?: string; expiresIn?: string }): Promise<void> {
    if (options.sub === undefined || options.roles === undefined) throw new ConfigError('token needs --sub ID and --roles R1,R2');
    if (options.expiresIn !== undefined && !/^[1-9][0-9]{0,5}[smhd]$/.test(options.expiresIn))
      throw new ConfigError(`--expires-in must be a number and a unit (s, m, h or d), such as 8h, got "${options.expiresIn}"`);
    // A token the service would refuse is not minted: its lifetime is within LEDGER_TOKEN_MAX_LIFETIME.
    const lifetimeSeconds = spanSeconds(options.expiresIn ?? '8h');
    if (lifetimeSeconds > this.config.tokenLifetimeMaxSeconds) {
      throw new ConfigError(`--expires-in ${options.expiresIn ?? '8h'} is longer than LEDGER_TOKEN_MAX_LIFETIME (${this.config.tokenLifetimeMaxSeconds} seconds)`);
    }
    const { secret } = resolveJwtSecret(this.config, { create: false, production: this.config.nodeEnv === 'production' });
    process.stdout.write(`${await mintToken(secret, { sub: options.sub, roles: parseRoles(options.roles) }, options.expiresIn ?? '8h')}\n`);
  }

  @Option({ flags: '--sub <id>', description: "the user's id (the token's subject)" })
  parseSub(value: string): string {
    return value;
  }

  @Option({ flags: '--roles <roles>', description: 'comma-separated: admin, reviewer, approver, finance, auditor, supervisor' })
  parseRoles(value: string): string {
    return value;
  }

  @Option({ flags: '--expires-in <span>', description: 'lifetime, e.g. 8h (default), 30m, 7d' })
  parseExpiresIn(value: string): string {
    return value;
  }
}

@Command({ name: 'seed:synthetic', description: 'write a synthetic history through the real commands (deterministic from --seed)' })
export class SeedSyntheticCommand extends LedgerCommand {
  constructor(
    @Inject(CommandBus) private readonly bus: CommandBus,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {
    super();
  }

  async run(_: string[], options: { applications?: string; seed?: string }): Promise<void> {
    const applications = Number(options.applications ?? '1000');
    const seed = Number(options.seed ?? '2025');
    if (!Number.isInteger(applications) || applications < 1 || applications > 10_000_000) throw new ConfigError('--applications must be an integer from 1 to 10000000');
    if (!Number.isInteger(seed)) throw new ConfigError('--seed must be an integer');
    const bar = progressBar('generating', applications);
    const started = performance.now();
    const summary = await generateSynthetic(new LedgerCommands(this.bus), { applications, seed, onProgress: (done) => bar.update(done) });
    bar.stop();
    print({ ...summary, events: await this.store.headPosition(), seconds: secondsOf(performance.now() - started) });
  }

  @Option({ flags: '--applications <count>', description: 'applications to generate (about 20 events each)' })
  parseApplications(value: string): string {
    return value;
  }

  @Option({ flags: '--seed <seed>', description: 'seed of the generator (default 2025)' })
  parseSeed(value: string): string {
    return value;
  }
}

@Command({
  name: 'seed:demo',
  description:
    'write a small demo history on a fresh store through the real commands, dated in 2026: both cities, every programme, notices past, payments confirmed, a clawback; one application awaits approval, one award its payment',
})
export class SeedDemoCommand extends LedgerCommand {
  constructor(
    @Inject(CommandBus) private readonly bus: CommandBus,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {
    super();
  }

  async run(): Promise<void> {
    // A history dated in the past belongs before anything else: on a ledger in use it would mislead.
    const foreign = await foreignEventOf(this.store);
    if (foreign !== undefined) {
      throw new ConfigError(
        `seed:demo writes to a fresh store only, and this one already has a history (${foreign.type} at position ${foreign.position}): point LEDGER_SQLITE_PATH at a new file`,
      );
    }
    print(await seedDemo(new LedgerCommands(this.bus)));
  }
}

/**
 * A programme definition file: YAML where the name ends in .yaml or .yml, JSON otherwise. Either is
 * checked against the same schema as the API's body (src/programmes/schema.ts).
 */
export function readDefinitionFile(path: string): unknown {
  const text = readUserFile(path, 'the definition file');
  try {
    return /\.ya?ml$/i.test(path) ? parseYaml(text, { maxAliasCount: 100 }) : (JSON.parse(text) as unknown);
  } catch (error) {
    throw new ConfigError(`${path} is not valid ${/\.ya?ml$/i.test(path) ? 'YAML' : 'JSON'}: ${error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error)}`);
  }
}

@SubCommand({
  name: 'publish',
  arguments: '<file>',
  description:
    'publish a programme from a definition file (JSON, or YAML ending .yaml/.yml): a new programme at version 1, or with --effective-on the next version of the programme it names',
})
export class ProgrammePublishCommand extends LedgerCommand {
  constructor(@Inject(CommandBus) private readonly bus: CommandBus) {
    super();
  }

  async run([file]: string[], options: { effectiveOn?: string; as?: string }): Promise<void> {
    const definition = readDefinitionFile(defined(file, 'the definition file argument'));
    const actor = { id: options.as ?? 'operator', roles: ['admin' as const] };
    const body = options.effectiveOn === undefined ? { definition } : { effectiveOn: options.effectiveOn, definition };
    // The same file published twice is one command: the key is its content.
    const commandId = `programme-publish-${createHash('sha256').update(canonicalJson(body)).digest('hex').slice(0, 40)}`;
    const context = { commandId, actor, now: new Date().toISOString() };
    const commands = new LedgerCommands(this.bus);
    try {
      if (options.effectiveOn === undefined) {
        print(await commands.dispatch('PublishProgramme', context, { params: {}, body }));
      } else {
        const id = typeof definition === 'object' && definition !== null ? (definition as Record<string, unknown>)['id'] : undefined;
        if (typeof id !== 'string') throw new ConfigError('a new version names the programme: the definition needs its id');
        print(await commands.dispatch('PublishProgrammeVersion', context, { params: { programmeId: id }, body }));
      }
    } catch (error) {
      if (!(error instanceof LedgerError)) throw error;
      const exitCode = error.code === 'VALIDATION_FAILED' ? exitCodes.usage : error.code === 'NOT_FOUND' ? exitCodes.notFound : exitCodes.error;
      failWith(exitCode, `${error.code}: ${error.message}`);
    }
  }

  @Option({ flags: '--effective-on <date>', description: 'publish the next version of an existing programme, in force from this day (YYYY-MM-DD, today or later)' })
  parseEffectiveOn(value: string): string {
    return value;
  }

  @Option({ flags: '--as <user>', description: 'the administrator recorded as publishing it (default: operator)' })
  parseAs(value: string): string {
    return value;
  }
}

@Command({ name: 'programme', description: 'programme definitions: publish a new programme, or a new version of one', subCommands: [ProgrammePublishCommand] })
export class ProgrammeCommand extends LedgerCommand {
  async run(): Promise<void> {
    throw new ConfigError('programme needs a subcommand: publish (see ledger programme --help)');
  }
}

@SubCommand({ name: 'application', arguments: '<applicationId>', description: "an application's history: every event of its stream, with the objections to it" })
export class ApplicationHistoryCommand extends LedgerCommand {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {
    super();
  }

  async run([applicationId]: string[]): Promise<void> {
    const history = await applicationHistory(this.store, applicationId ?? '');
    if (history === undefined) failWith(exitCodes.notFound, `no application ${applicationId}`);
    print({ applicationId, history });
  }
}

@SubCommand({
  name: 'enterprise',
  arguments: '<uscc>',
  description: "an enterprise's history: registration, flags, and its applications' submissions, awards, revocations and clawbacks",
})
export class EnterpriseHistoryCommand extends LedgerCommand {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_SIDE) private readonly readSide: ReadSide,
  ) {
    super();
  }

  async run([uscc]: string[]): Promise<void> {
    await caughtUp(this.store, this.readSide.projector);
    const history = await enterpriseHistory(this.store, this.readSide.queries, uscc ?? '');
    if (history === undefined) failWith(exitCodes.notFound, `no enterprise ${uscc}`);
    print({ uscc, history });
  }
}

@Command({ name: 'history', description: "an application's or an enterprise's full history, from the log", subCommands: [ApplicationHistoryCommand, EnterpriseHistoryCommand] })
export class HistoryCommand extends LedgerCommand {
  async run(): Promise<void> {
    throw new ConfigError('history needs a subcommand: application or enterprise (see ledger history --help)');
  }
}

export const cliCommands = [
  ReplayCommand,
  ProjectCommand,
  ReportCommand,
  BudgetReportCommand,
  EnterpriseReportCommand,
  DigestCommand,
  VerifyCommand,
  ExportCommand,
  TokenCommand,
  SeedSyntheticCommand,
  SeedDemoCommand,
  HistoryCommand,
  PublicKeyCommand,
  ApplicationHistoryCommand,
  EnterpriseHistoryCommand,
  ProgrammeCommand,
  ProgrammePublishCommand,
];

/** The top-level commands' names. */
export const commandNames: readonly string[] = [
  'replay',
  'project',
  'report',
  'digest',
  'verify',
  'export',
  'token',
  'seed:synthetic',
  'seed:demo',
  'history',
  'public-key',
  'programme',
];
