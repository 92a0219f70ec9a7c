// The `ledger` commands for auditors and operators. Reports print JSON on stdout; progress bars go to
// stderr (and only to a terminal). Exit codes: 0 done, 1 unexpected error, 2 bad usage or settings,
// 3 verification found tampering or a difference, 4 not found.
import { Inject } from '@nestjs/common';
import { SingleBar, Presets } from 'cli-progress';
import { createWriteStream, readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Command, CommandRunner, Option, SubCommand } from 'nest-commander';
import { resolveJwtSecret } from '../auth/secret.js';
import { mintToken, parseRoles } from '../auth/tokens.js';
import { exportCsv, exportJsonl } from '../audit/export.js';
import { CommandBus } from '@nestjs/cqrs';
import { LedgerCommands } from '../commands/ledger-commands.js';
import { ConfigError, type LedgerConfig } from '../config.js';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.js';
import { digestFromJson, digestToJson, type LogDigest } from '../event-store/hash-chain.js';
import { LEDGER_CONFIG } from '../ledger-config.token.js';
import { Projector } from '../projections/projector.js';
import type { AsOf } from '../projections/queries.js';
import { reconcile } from '../projections/reconcile.js';
import { generateSynthetic } from '../synthetic/generator.js';
import { ratePerSecond, secondsOf } from '../shared/durations.js';
import { READ_SIDE, type ReadSide } from '../projections/read-side.js';

export const exitCodes = { ok: 0, error: 1, usage: 2, findings: 3, notFound: 4 } as const;

function print(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`);
}

/** A progress bar on stderr, shown only on a terminal. */
function progressBar(label: string, total: number): SingleBar {
  const bar = new SingleBar({ format: `${label} [{bar}] {percentage}% | {value}/{total} | {eta_formatted} left`, stream: process.stderr, hideCursor: true }, Presets.shades_classic);
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

export function parseAsOf(text: string | undefined): AsOf | undefined {
  if (text === undefined) return undefined;
  if (/^[0-9]+$/.test(text)) return { position: BigInt(text) };
  if (!Number.isNaN(Date.parse(text)) && /T/.test(text)) return { time: new Date(text).toISOString() };
  throw new ConfigError(`--as-of must be a log position (digits) or an ISO instant such as 2025-07-01T00:00:00+08:00, got "${text}"`);
}

@Command({ name: 'replay', description: 'rebuild every projection from an empty read side' })
export class ReplayCommand extends CommandRunner {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore, @Inject(READ_SIDE) private readonly readSide: ReadSide) {
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
export class ProjectCommand extends CommandRunner {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore, @Inject(READ_SIDE) private readonly readSide: ReadSide) {
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
export class BudgetReportCommand extends CommandRunner {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore, @Inject(READ_SIDE) private readonly readSide: ReadSide) {
    super();
  }

  async run([programmeId, yearText]: string[], options: { asOf?: string }): Promise<void> {
    if (!/^[0-9]{4}$/.test(yearText ?? '')) throw new ConfigError(`year must be four digits, got "${yearText}"`);
    await caughtUp(this.store, this.readSide.projector);
    const report = await this.readSide.queries.budget(programmeId ?? '', Number(yearText), parseAsOf(options.asOf));
    if (report === undefined) {
      process.stderr.write(`no programme ${programmeId}\n`);
      process.exitCode = exitCodes.notFound;
      return;
    }
    print(report);
  }

  @Option({ flags: '--as-of <when>', description: 'a log position, or an ISO instant' })
  parseAsOf(value: string): string {
    return value;
  }
}

@SubCommand({ name: 'enterprise', arguments: '<uscc>', description: "an enterprise's totals per programme and year, with its headroom" })
export class EnterpriseReportCommand extends CommandRunner {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore, @Inject(READ_SIDE) private readonly readSide: ReadSide) {
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

  @Option({ flags: '--as-of <when>', description: 'a log position, or an ISO instant' })
  parseAsOf(value: string): string {
    return value;
  }
}

@Command({ name: 'report', description: 'budget and enterprise reports, now or as of a past position or time', subCommands: [BudgetReportCommand, EnterpriseReportCommand] })
export class ReportCommand extends CommandRunner {
  async run(): Promise<void> {
    this.command.help();
  }
}

@Command({ name: 'digest', description: 'print the digest of the log as it is now (save it; verify against it later)' })
export class DigestCommand extends CommandRunner {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {
    super();
  }

  async run(): Promise<void> {
    print(digestToJson(await this.store.digest()));
  }
}

@Command({ name: 'verify', description: 'check every hash and chain (and the log against a saved digest), and reconcile every projection' })
export class VerifyCommand extends CommandRunner {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore, @Inject(READ_SIDE) private readonly readSide: ReadSide) {
    super();
  }

  async run(_: string[], options: { digest?: string }): Promise<void> {
    let digest: LogDigest | undefined;
    if (options.digest !== undefined) {
      digest = digestFromJson(JSON.parse(readFileSync(options.digest, 'utf8')));
      if (digest === undefined) throw new ConfigError(`${options.digest} does not hold a digest (position, eventCount, hash)`);
    }
    const head = Number(await this.store.headPosition());
    const bar = progressBar('verifying', head);
    const chain = await this.store.verify(digest, (_, position) => bar.update(Number(position)));
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
      log: { ok: chain.ok, eventsChecked: chain.eventsChecked, headPosition: chain.headPosition, digestChecked: chain.digestChecked, findings: chain.findings, digest: digestToJson(chain.digest) },
      projections: reconciliation,
    });
    if (!ok) process.exitCode = exitCodes.findings;
  }

  @Option({ flags: '--digest <file>', description: 'a digest saved earlier with `ledger digest`' })
  parseDigest(value: string): string {
    return value;
  }
}

@Command({ name: 'export', description: 'export events as JSON Lines or as CSV for Excel (UTF-8 with BOM)' })
export class ExportCommand extends CommandRunner {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {
    super();
  }

  async run(_: string[], options: { format?: string; fromPosition?: string; out?: string }): Promise<void> {
    const format = options.format ?? 'jsonl';
    if (format !== 'jsonl' && format !== 'csv') throw new ConfigError(`--format must be jsonl or csv, got "${format}"`);
    if (options.fromPosition !== undefined && !/^[0-9]+$/.test(options.fromPosition)) throw new ConfigError('--from-position must be a log position');
    // From position N: the events at N and after.
    const after = options.fromPosition === undefined ? 0n : BigInt(options.fromPosition) > 0n ? BigInt(options.fromPosition) - 1n : 0n;
    const head = Number(await this.store.headPosition());
    const bar = progressBar('exporting', head);
    const onEvent = (event: { position: bigint }) => {
      if (event.position % 1000n === 0n) bar.update(Number(event.position));
    };
    const chunks = format === 'csv' ? exportCsv(this.store, { afterPosition: after }, onEvent) : exportJsonl(this.store, { afterPosition: after }, onEvent);
    const toFile = options.out !== undefined;
    await pipeline(Readable.from(chunks), toFile ? createWriteStream(options.out!) : process.stdout, { end: toFile });
    bar.update(head);
    bar.stop();
  }

  @Option({ flags: '--format <format>', description: 'jsonl (default) or csv', choices: ['jsonl', 'csv'] })
  parseFormat(value: string): string {
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

@Command({ name: 'token', description: "mint a bearer token (HS256) with this deployment's secret" })
export class TokenCommand extends CommandRunner {
  constructor(@Inject(LEDGER_CONFIG) private readonly config: LedgerConfig) {
    super();
  }

  async run(_: string[], options: { sub?: string; roles?: string; expiresIn?: string }): Promise<void> {
    if (options.sub === undefined || options.roles === undefined) throw new ConfigError('token needs --sub ID and --roles R1,R2');
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
export class SeedSyntheticCommand extends CommandRunner {
  constructor(@Inject(CommandBus) private readonly bus: CommandBus, @Inject(EVENT_STORE) private readonly store: EventStore) {
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
];
