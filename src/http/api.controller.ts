// The HTTP surface of SPEC §7 under /api. Writes run commands on the CommandBus with the caller's
// Idempotency-Key as the command id; reads answer from the read side, after waiting (bounded) for it
// to reach ?minPosition=.
import { defined } from '../shared/assert.js';
import { Body, Controller, Delete, Get, Headers, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { FastifyReply } from 'fastify';
import { createHash } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import { savedDigestCountMax } from '../audit/checkpoints.js';
import { mergeDigests, storedCheckpoints, verifyLog } from '../audit/verify.js';
import { SIGNING_KEY } from '../audit/audit.module.js';
import { readPublicKey, signDigest, verifySignedDigest } from '../audit/signing.js';
import { MAC_KEY } from '../event-store/event-store.module.js';
import { ConfigError } from '../config.js';
import type { KeyObject } from 'node:crypto';
import { exportCsv, exportJsonl, exportViews, exportXlsx, type ExportView } from '../audit/export.js';
import { commandOf } from '../commands/ledger-command.js';
import type { Actor, CommandContext } from '../shared/actor.js';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.js';
import { digestFromJson, digestToJson, type LogDigest } from '../event-store/hash-chain.js';
import type { AsOf } from '../projections/queries.js';
import { READ_SIDE, type ReadSide } from '../projections/read-side.js';
import { reconcile } from '../projections/reconcile.js';
import { applicationHistory, enterpriseHistory } from '../projections/history.js';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Roles, readerRoles } from './auth.js';
import {
  AllocateBudgetDto,
  ApprovalDto,
  ClawbackDto,
  DisbursementDto,
  HolidayYearDto,
  ObjectionDto,
  OpenNoticeDto,
  RaiseFlagDto,
  ReasonDto,
  RecoveryDto,
  RegisterEnterpriseDto,
  RequiredReasonDto,
  ResolutionDto,
  ReviewDto,
  SubmitApplicationDto,
  VerifyDto,
} from './dtos.js';
import { problemOf } from './problem.js';
import { ApiError } from './problem.filter.js';

export const minPositionWaitMsMax = 5_000;

/** A public key given in a request (PEM text), or a 400 naming the field. */
function publicKeyOf(value: unknown): KeyObject {
  if (typeof value !== 'string') throw invalid('publicKey', 'must be a public key in PEM (ledger public-key)');
  try {
    return readPublicKey(value, 'publicKey');
  } catch (error) {
    if (error instanceof ConfigError) throw invalid('publicKey', 'must be an Ed25519 public key in PEM (ledger public-key)');
    throw error;
  }
}

function invalid(field: string, message: string): ApiError {
  return new ApiError(problemOf('VALIDATION_FAILED', `${field} ${message}`, { field }));
}

/** Longest command id used as it is (the runner allows 200). */
const commandIdLengthMax = 160;

/** The clock commands take their time from: read here, at the edge, never inside a decision. */
export const CLOCK = Symbol('CLOCK');
export type Clock = () => Date;

function optionalInteger(value: unknown, field: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^[0-9]{1,15}$/.test(value) || Number(value) < min || Number(value) > max) throw invalid(field, `must be an integer from ${min} to ${max}`);
  return Number(value);
}

function optionalText(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > 128) throw invalid(field, 'must be a short string');
  return value;
}

/** Positions are below 2⁶³ on every store (SQLite and PostgreSQL integers; KurrentDB's are packed to fit). */
const positionLimit = 1n << 63n;

function isPosition(value: unknown): value is string {
  return typeof value === 'string' && /^[0-9]{1,19}$/.test(value) && BigInt(value) < positionLimit;
}

function asOfOf(value: unknown): AsOf | undefined {
  if (value === undefined) return undefined;
  if (isPosition(value)) return { position: BigInt(value) };
  if (typeof value === 'string' && /T/.test(value) && !Number.isNaN(Date.parse(value))) return { time: new Date(value).toISOString() };
  throw invalid('asOf', 'must be a log position or an ISO instant such as 2025-07-01T00:00:00+08:00');
}

function positionOf(value: unknown, field: string): bigint | undefined {
  if (value === undefined) return undefined;
  if (!isPosition(value)) throw invalid(field, 'must be a log position (digits, below 2^63)');
  return BigInt(value);
}

@ApiTags('writes / 写入')
@ApiBearerAuth()
@ApiHeader({ name: 'Idempotency-Key', required: true, description: 'Key of this write: a retry with the same key and body returns the first response / 幂等键' })
@Controller()
export class WriteController {
  constructor(
    private readonly bus: CommandBus,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** The command's context: who, when, and the idempotency key (scoped to the caller). */
  private context(actor: Actor, key: string | undefined): CommandContext {
    if (key === undefined || key.length === 0) throw invalid('Idempotency-Key', 'header is required on every write');
    if (!/^[A-Za-z0-9._:-]{1,100}$/.test(key)) throw invalid('Idempotency-Key', 'must be 1..100 letters, digits or . _ : -');
    // Scoped to the caller; a long pair is hashed so that the command's stream name stays within bounds.
    const scoped = `${actor.id}/${key}`;
    const commandId = scoped.length <= commandIdLengthMax ? scoped : `sha256-${createHash('sha256').update(`${actor.id}\u0000${key}`).digest('hex')}`;
    return { commandId, actor, now: this.clock().toISOString() };
  }

  @Post('calendar/years')
  @Roles('admin')
  @HttpCode(201)
  publishHolidayYear(@CurrentActor() actor: Actor, @Headers('idempotency-key') key: string | undefined, @Body() body: HolidayYearDto) {
    return this.bus.execute(
      commandOf('PublishHolidayYear', this.context(actor, key), {
        params: {},
        body: { year: body.year, holidays: [...body.holidays], workdays: [...body.workdays], source: body.source },
      }),
    );
  }

  @Post('programmes/:id/budgets')
  @Roles('admin')
  @HttpCode(201)
  allocateBudget(@CurrentActor() actor: Actor, @Headers('idempotency-key') key: string | undefined, @Param('id') id: string, @Body() body: AllocateBudgetDto) {
    return this.bus.execute(commandOf('AllocateBudget', this.context(actor, key), { params: { programmeId: id }, body }));
  }

  @Post('enterprises')
  @Roles('admin', 'reviewer')
  @HttpCode(201)
  registerEnterprise(@CurrentActor() actor: Actor, @Headers('idempotency-key') key: string | undefined, @Body() body: RegisterEnterpriseDto) {
    return this.bus.execute(commandOf('RegisterEnterprise', this.context(actor, key), { params: {}, body }));
  }

  @Post('enterprises/:uscc/flags')
  @Roles('admin')
  @HttpCode(201)
  raiseFlag(@CurrentActor() actor: Actor, @Headers('idempotency-key') key: string | undefined, @Param('uscc') uscc: string, @Body() body: RaiseFlagDto) {
    return this.bus.execute(commandOf('RaiseFlag', this.context(actor, key), { params: { uscc }, body }));
  }

  @Delete('enterprises/:uscc/flags/:flagId')
  @Roles('admin')
  @ApiBody({ type: ReasonDto, required: false })
  liftFlag(@CurrentActor() actor: Actor, @Headers('idempotency-key') key: string | undefined, @Param('uscc') uscc: string, @Param('flagId') flagId: string, @Body() body: unknown) {
    return this.bus.execute(commandOf('LiftFlag', this.context(actor, key), { params: { uscc, flagId }, body: body ?? {} }));
  }

  @Post('applications')
  @Roles('reviewer')
  @HttpCode(201)
  submit(@CurrentActor() actor: Actor, @Headers('idempotency-key') key: string | undefined, @Body() body: SubmitApplicationDto) {
    return this.bus.execute(commandOf('SubmitApplication', this.context(actor, key), { params: {}, body }));
  }

  @Post('applications/:id/reviews')
  @Roles('reviewer')
  @HttpCode(201)
  review(@CurrentActor() actor: Actor, @Headers('idempotency-key') key: string | undefined, @Param('id') id: string, @Body() body: ReviewDto) {
    return this.bus.execute(commandOf('ReviewApplication', this.context(actor, key), { params: { applicationId: id }, body }));
  }

  @Post('applications/:id/withdrawal')
  @Roles('reviewer')
  @ApiBody({ type: ReasonDto, required: false })
  @HttpCode(201)
  withdraw(@CurrentActor() actor: Actor, @Headers('idempotency-key') key: string | undefined, @Param('id') id: string, @Body() body: unknown) {
    return this.bus.execute(commandOf('WithdrawApplication', this.context(actor, key), { params: { applicationId: id }, body: body ?? {} }));
  }

  @Post('notices')
  @Roles('approver')
  @HttpCode(201)
  openNotice(@CurrentActor() actor: Actor, @Headers('idempotency-key') key: string | undefined, @Body() body: OpenNoticeDto) {
    return this.bus.execute(commandOf('OpenNotice', this.context(actor, key), { params: {}, body }));
  }

  @Post('notices/:id/objections')
  @Roles('approver')
  @HttpCode(201)
  fileObjection(@CurrentActor() actor: Actor, @Headers('idempotency-key') key: string | undefined, @Param('id') id: string, @Body() body: ObjectionDto) {
    return this.bus.execute(commandOf('FileObjection', this.context(actor, key), { params: { noticeId: id }, body }));
  }

  @Post('notices/:id/objections/:objectionId/resolution')
  @Roles('approver')
  @HttpCode(201)
  resolveObjection(
    @CurrentActor() actor: Actor,
    @Headers('idempotency-key') key: string | undefined,
    @Param('id') id: string,
    @Param('objectionId') objectionId: string,
    @Body() body: ResolutionDto,
  ) {
    return this.bus.execute(commandOf('ResolveObjection', this.context(actor, key), { params: { noticeId: id, objectionId }, body }));
  }

  @Post('applications/:id/approval')
  @Roles('approver')
  @HttpCode(201)
  approve(@CurrentActor() actor: Actor, @Headers('idempotency-key') key: string | undefined, @Param('id') id: string, @Body() body: ApprovalDto) {
    return this.bus.execute(commandOf('ApproveAward', this.context(actor, key), { params: { applicationId: id }, body }));
  }

  @Post('applications/:id/revocation')
  @Roles('approver')
  @HttpCode(201)
  revoke(@CurrentActor() actor: Actor, @Headers('idempotency-key') key: string | undefined, @Param('id') id: string, @Body() body: RequiredReasonDto) {
    return this.bus.execute(commandOf('RevokeAward', this.context(actor, key), { params: { applicationId: id }, body }));
  }

  @Post('applications/:id/disbursements')
  @Roles('finance')
  @HttpCode(201)
  recordDisbursement(@CurrentActor() actor: Actor, @Headers('idempotency-key') key: string | undefined, @Param('id') id: string, @Body() body: DisbursementDto) {
    return this.bus.execute(commandOf('RecordDisbursement', this.context(actor, key), { params: { applicationId: id }, body }));
  }

  @Post('disbursements/:id/confirmation')
  @Roles('finance')
  @HttpCode(201)
  confirmDisbursement(@CurrentActor() actor: Actor, @Headers('idempotency-key') key: string | undefined, @Param('id') id: string) {
    return this.bus.execute(commandOf('ConfirmDisbursement', this.context(actor, key), { params: { disbursementId: id }, body: undefined }));
  }

  @Post('disbursements/:id/rejection')
  @Roles('finance')
  @HttpCode(201)
  rejectDisbursement(@CurrentActor() actor: Actor, @Headers('idempotency-key') key: string | undefined, @Param('id') id: string, @Body() body: RequiredReasonDto) {
    return this.bus.execute(commandOf('RejectDisbursement', this.context(actor, key), { params: { disbursementId: id }, body }));
  }

  @Post('applications/:id/clawbacks')
  @Roles('approver')
  @HttpCode(201)
  orderClawback(@CurrentActor() actor: Actor, @Headers('idempotency-key') key: string | undefined, @Param('id') id: string, @Body() body: ClawbackDto) {
    return this.bus.execute(commandOf('OrderClawback', this.context(actor, key), { params: { applicationId: id }, body }));
  }

  @Post('clawbacks/:id/recoveries')
  @Roles('finance')
  @HttpCode(201)
  recordRecovery(@CurrentActor() actor: Actor, @Headers('idempotency-key') key: string | undefined, @Param('id') id: string, @Body() body: RecoveryDto) {
    return this.bus.execute(commandOf('RecordRecovery', this.context(actor, key), { params: { clawbackId: id }, body }));
  }

  @Post('clawbacks/:id/write-off')
  @Roles('approver')
  @HttpCode(201)
  writeOff(@CurrentActor() actor: Actor, @Headers('idempotency-key') key: string | undefined, @Param('id') id: string, @Body() body: RequiredReasonDto) {
    return this.bus.execute(commandOf('WriteOffClawback', this.context(actor, key), { params: { clawbackId: id }, body }));
  }
}

@ApiTags('reads / 查询')
@ApiBearerAuth()
@Controller()
export class ReadController {
  constructor(
    @Inject(READ_SIDE) private readonly readSide: ReadSide | null,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(SIGNING_KEY) private readonly signingKey: KeyObject,
    @Inject(MAC_KEY) private readonly macKey: Buffer | null,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** The read side, once it reflects `minPosition` (read-your-writes), or a 503 to retry. */
  private async readSideAt(minPosition: unknown): Promise<ReadSide> {
    if (this.readSide === null) throw new ApiError(problemOf('NOT_READY', 'this store keeps no read side in this version'), { 'Retry-After': '60' });
    const wanted = positionOf(minPosition, 'minPosition');
    if (wanted !== undefined && !(await this.readSide.projector.waitFor(wanted, minPositionWaitMsMax))) {
      throw new ApiError(problemOf('NOT_READY', `the read side has not reached position ${wanted} yet`, { position: this.readSide.projector.position.toString() }), {
        'Retry-After': '1',
      });
    }
    return this.readSide;
  }

  @Get('programmes')
  @Roles(...readerRoles)
  async programmes(@Query('minPosition') minPosition: unknown) {
    return await (await this.readSideAt(minPosition)).queries.programmes();
  }

  @Get('programmes/:id')
  @Roles(...readerRoles)
  async programme(@Param('id') id: string, @Query('minPosition') minPosition: unknown) {
    const programme = await (await this.readSideAt(minPosition)).queries.programme(id);
    if (programme === undefined) throw new ApiError(problemOf('NOT_FOUND', `programme ${id} does not exist`, { id }));
    return programme;
  }

  @Get('applications')
  @Roles(...readerRoles)
  async applications(@Query() query: Record<string, unknown>) {
    const readSide = await this.readSideAt(query['minPosition']);
    const filter = {
      programmeId: optionalText(query['programmeId'], 'programmeId'),
      fiscalYear: optionalInteger(query['fiscalYear'], 'fiscalYear', 2000, 2100),
      status: optionalText(query['status'], 'status'),
      uscc: optionalText(query['uscc'], 'uscc'),
      district: optionalText(query['district'], 'district'),
    };
    const page = { limit: optionalInteger(query['limit'], 'limit', 1, 500) ?? 100, offset: optionalInteger(query['offset'], 'offset', 0, 10_000_000) ?? 0 };
    return await readSide.queries.applications(Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined)), page);
  }

  @Get('applications/:id')
  @Roles(...readerRoles)
  async application(@Param('id') id: string, @Query('minPosition') minPosition: unknown) {
    const application = await (await this.readSideAt(minPosition)).queries.application(id);
    if (application === undefined) throw new ApiError(problemOf('NOT_FOUND', `application ${id} does not exist`, { id }));
    return application;
  }

  @Get('applications/:id/history')
  @Roles(...readerRoles)
  async applicationHistory(@Param('id') id: string, @Query('minPosition') minPosition: unknown) {
    await this.readSideAt(minPosition);
    const history = await applicationHistory(this.store, id);
    if (history === undefined) throw new ApiError(problemOf('NOT_FOUND', `application ${id} does not exist`, { id }));
    return history;
  }

  @Get('approval-queue')
  @Roles('approver', 'supervisor')
  async approvalQueue(@Query('programmeId') programmeId: unknown, @Query('minPosition') minPosition: unknown) {
    return await (await this.readSideAt(minPosition)).queries.approvalQueue(optionalText(programmeId, 'programmeId'));
  }

  @Get('budgets/:programmeId/:year')
  @Roles('supervisor', 'auditor', 'approver', 'finance')
  async budget(@Param('programmeId') programmeId: string, @Param('year') yearText: string, @Query('asOf') asOf: unknown, @Query('minPosition') minPosition: unknown) {
    const year = defined(optionalInteger(yearText, 'year', 2000, 2100), 'the year of the route');
    const budget = await (await this.readSideAt(minPosition)).queries.budget(programmeId, year, asOfOf(asOf));
    if (budget === undefined) throw new ApiError(problemOf('NOT_FOUND', `programme ${programmeId} does not exist`, { id: programmeId }));
    return budget;
  }

  @Get('enterprises/:uscc/totals')
  @Roles('supervisor', 'auditor')
  async enterpriseTotals(@Param('uscc') uscc: string, @Query('year') year: unknown, @Query('asOf') asOf: unknown, @Query('minPosition') minPosition: unknown) {
    const readSide = await this.readSideAt(minPosition);
    const options = { year: optionalInteger(year, 'year', 2000, 2100), asOf: asOfOf(asOf) };
    return { uscc, totals: await readSide.queries.enterpriseTotals(uscc, Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined))) };
  }

  @Get('enterprises/:uscc/history')
  @Roles(...readerRoles)
  async enterpriseHistory(@Param('uscc') uscc: string, @Query('minPosition') minPosition: unknown) {
    return await enterpriseHistory(this.store, (await this.readSideAt(minPosition)).queries, uscc);
  }

  @Get('audit/events')
  @Roles('auditor')
  async exportEvents(@Query() query: Record<string, unknown>, @Res() reply: FastifyReply): Promise<void> {
    const format = query['format'] ?? 'jsonl';
    if (format !== 'jsonl' && format !== 'csv' && format !== 'xlsx') throw invalid('format', 'must be jsonl, csv or xlsx');
    // CSV and .xlsx show the business view unless the raw event log is asked for.
    const view = query['view'] ?? 'business';
    if (!exportViews.includes(view as ExportView)) throw invalid('view', 'must be business or events');
    const from = positionOf(query['fromPosition'], 'fromPosition') ?? 1n;
    const limit = optionalInteger(query['limit'], 'limit', 1, 1_000_000);
    const range = { afterPosition: from > 0n ? from - 1n : 0n, ...(limit === undefined ? {} : { maxCount: limit }) };
    const name = view === 'business' ? 'ledger-business' : 'ledger-events';
    // Streamed: an export of the whole log never sits in memory.
    if (format === 'csv') {
      await reply
        .header('Content-Type', 'text/csv; charset=utf-8')
        .header('Content-Disposition', `attachment; filename="${name}.csv"`)
        .send(Readable.from(exportCsv(this.store, view as ExportView, range)));
    } else if (format === 'xlsx') {
      const body = new PassThrough();
      exportXlsx(this.store, view as ExportView, body, range).catch((error: unknown) => body.destroy(error as Error));
      await reply
        .header('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('Content-Disposition', `attachment; filename="${name}.xlsx"`)
        .send(body);
    } else {
      await reply.header('Content-Type', 'application/x-ndjson; charset=utf-8').send(Readable.from(exportJsonl(this.store, range)));
    }
  }

  @Get('audit/digest')
  @Roles('auditor')
  async digest() {
    // Signed with the service's Ed25519 key: check it with `ledger public-key`'s output.
    return signDigest(await this.store.digest(), this.signingKey, this.clock());
  }

  @Post('audit/verify')
  @Roles('auditor')
  @HttpCode(200)
  async verify(@Body() body: VerifyDto) {
    // One saved digest, or several (checkpoints): each bounds where a change can lie. With a public
    // key, each must be signed with it, and the checkpoints the store keeps are checked too.
    const publicKey = body?.publicKey === undefined ? undefined : publicKeyOf(body.publicKey);
    const saved = body?.digest;
    const savedList = saved === undefined ? [] : Array.isArray(saved) ? saved : [saved];
    const digests = savedList.map((one) => (publicKey === undefined ? digestFromJson(one) : verifySignedDigest(one, publicKey)));
    if (savedList.length > savedDigestCountMax || (saved !== undefined && (digests.length === 0 || digests.some((one) => one === undefined)))) {
      throw invalid(
        'digest',
        publicKey === undefined
          ? 'must be a digest {position, eventCount, hash} as GET /api/audit/digest returns, or a non-empty array of them'
          : 'must be digests signed with the public key given (GET /api/audit/digest, or lines of the checkpoint file)',
      );
    }
    const stored = publicKey === undefined ? { digests: [], rejected: 0 } : await storedCheckpoints(this.store, publicKey);
    const all = mergeDigests(digests as LogDigest[], stored.digests);
    // The service holds the MAC key: every commit's MAC is checked.
    const log = await verifyLog(this.store, all.length === 0 ? undefined : all, undefined, this.macKey ?? undefined);
    const projections = this.readSide === null ? null : await reconcile(this.store, this.readSide.queries);
    return {
      ok: log.ok && (projections?.ok ?? true),
      log: {
        ...log,
        headPosition: log.headPosition.toString(),
        anchoredThrough: log.anchoredThrough.toString(),
        findings: log.findings.map((f) => ({
          ...f,
          position: f.position.toString(),
          ...(f.throughPosition === undefined ? {} : { throughPosition: f.throughPosition.toString() }),
        })),
        digest: digestToJson(log.digest),
        storedCheckpointsChecked: stored.digests.length,
        storedCheckpointsRejected: stored.rejected,
      },
      projections: projections === null ? null : { ...projections, position: projections.position.toString() },
    };
  }
}
