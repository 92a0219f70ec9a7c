// The HTTP surface of SPEC §7 under /api. Writes run commands on the CommandBus with the caller's
// Idempotency-Key as the command id; reads answer from the read side, after waiting (bounded) for it
// to reach ?minPosition=.
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
import { exportCsv, exportJsonl, exportXlsx } from '../audit/export.js';
import { commandOf } from '../commands/ledger-command.js';
import type { Actor, CommandContext } from '../shared/actor.js';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.js';
import { digestFromJson, digestToJson, type LogDigest } from '../event-store/hash-chain.js';
import type { ApplicationView as ApplicationFigures } from '../projections/queries.js';
import { proposedAwardOf } from '../awards/use-cases.js';
import { shanghaiDateOf } from '../shared/time.js';
import { streams } from '../shared/streams.js';
import { programmeStream, versionInForce } from '../programmes/state.js';
import { CommandRunner, StreamLoader } from '../commands/runner.js';
import { keyPattern } from '../shared/patterns.js';
import { noNotice, noticeStream } from '../notices/notice.js';
import { decisionStream, noDecision } from '../decisions/decision.js';
import { decisionCsv, decisionView, noticeCsv, noticeView } from './listings.js';
import { READ_SIDE, withOwnWrites, type ReadSide } from '../projections/read-side.js';
import { reconcile } from '../projections/reconcile.js';
import { applicationHistory, enterpriseHistory } from '../projections/history.js';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiTags } from '@nestjs/swagger';
import { CurrentActor, readerRoles } from './auth.js';
import { Endpoint } from './openapi.js';
import {
  ApplicationResult,
  RevocationResult,
  ApplicationView,
  AwardResult,
  BudgetAllocatedResult,
  BudgetView,
  ClawbackResult,
  DecisionResult,
  DecisionView,
  DisbursementResult,
  EnterpriseResult,
  EnterpriseTotalsView,
  FlagResult,
  HistoryEntry,
  HolidayYearResult,
  LogDigestView,
  NoticeResult,
  NoticeView,
  ObjectionResult,
  ProgrammeDefinitionView,
  ProgrammePublishedResult,
  ProgrammeWithVersionsView,
  RecoveryResult,
  ResolutionResult,
  ReferralOutcomeResult,
  ReferralResult,
  TagResult,
  VerifyView,
  WriteOffResult,
} from './responses.js';
import {
  AddTagDto,
  AllocateBudgetDto,
  ApprovalDto,
  ClawbackDto,
  DisbursementDto,
  HolidayYearDto,
  ObjectionDto,
  OpenNoticeDto,
  PublishProgrammeDto,
  PublishProgrammeVersionDto,
  RaiseFlagDto,
  ReasonDto,
  RecordDecisionDto,
  RecoveryDto,
  ReferralDto,
  ReferralOutcomeDto,
  RemoveTagDto,
  RegisterEnterpriseDto,
  RequiredReasonDto,
  ResolutionDto,
  ReviewDto,
  SubmitApplicationDto,
  VerifyDto,
} from './dtos.js';
import { problemOf } from './problem.js';
import {
  ApplicationsQueryDto,
  ApprovalQueueQueryDto,
  AuditEventsQueryDto,
  BudgetQueryDto,
  EnterpriseTotalsQueryDto,
  ListingQueryDto,
  ReadQueryDto,
  asOfOf,
  integerOf,
  positionOf,
} from './query-dtos.js';
import { ApiError, invalidRequest, yearParam } from './problem.filter.js';

export const minPositionWaitMsMax = 5_000;

/** A public key given in a request (PEM text), or a 400 naming the field. */
function publicKeyOf(value: unknown): KeyObject {
  if (typeof value !== 'string') throw invalidRequest('publicKey', 'must be a public key in PEM (ledger public-key)');
  try {
    return readPublicKey(value, 'publicKey');
  } catch (error) {
    if (error instanceof ConfigError) throw invalidRequest('publicKey', 'must be an Ed25519 public key in PEM (ledger public-key)');
    throw error;
  }
}

/** Longest command id used as it is (the runner allows 200). */
const commandIdLengthMax = 160;

/** The clock commands take their time from: read here, at the edge, never inside a decision. */
export const CLOCK = Symbol('CLOCK');
export type Clock = () => Date;

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
    if (key === undefined || key.length === 0) throw invalidRequest('Idempotency-Key', 'header is required on every write');
    if (!/^[A-Za-z0-9._:-]{1,100}$/.test(key)) throw invalidRequest('Idempotency-Key', 'must be 1..100 letters, digits or . _ : -');
    // Scoped to the caller; a long pair is hashed so that the command's stream name stays within bounds.
    const scoped = `${actor.id}/${key}`;
    const commandId = scoped.length <= commandIdLengthMax ? scoped : `sha256-${createHash('sha256').update(`${actor.id}\u0000${key}`).digest('hex')}`;
    return { commandId, actor, now: this.clock().toISOString() };
  }

  @Post('calendar/years')
  @Endpoint({ id: 'publishHolidayYear', summary: "Publish a year's public holidays / 发布年度节假日安排", roles: ['admin'], status: 201, type: HolidayYearResult })
  @HttpCode(201)
  publishHolidayYear(@CurrentActor() actor: Actor, @Headers('idempotency-key') key: string | undefined, @Body() body: HolidayYearDto) {
    return this.bus.execute(
      commandOf('PublishHolidayYear', this.context(actor, key), {
        params: {},
        body: { year: body.year, holidays: [...body.holidays], workdays: [...body.workdays], source: body.source },
      }),
    );
  }

  @Post('programmes')
  @Endpoint({ id: 'publishProgramme', summary: 'Publish a new programme (version 1) / 发布新的支持政策', roles: ['admin'], status: 201, type: ProgrammePublishedResult })
  @HttpCode(201)
  publishProgramme(@CurrentActor() actor: Actor, @Headers('idempotency-key') key: string | undefined, @Body() body: PublishProgrammeDto) {
    return this.bus.execute(commandOf('PublishProgramme', this.context(actor, key), { params: {}, body }));
  }

  @Post('programmes/:id/versions')
  @Endpoint({
    id: 'publishProgrammeVersion',
    summary: 'Publish the next version of a programme, in force from a stated day / 发布支持政策新版本',
    roles: ['admin'],
    status: 201,
    type: ProgrammePublishedResult,
  })
  @HttpCode(201)
  publishProgrammeVersion(@CurrentActor() actor: Actor, @Headers('idempotency-key') key: string | undefined, @Param('id') id: string, @Body() body: PublishProgrammeVersionDto) {
    return this.bus.execute(commandOf('PublishProgrammeVersion', this.context(actor, key), { params: { programmeId: id }, body }));
  }

  @Post('programmes/:id/budgets')
  @Endpoint({ id: 'allocateBudget', summary: "Allocate a programme's budget for a year / 安排年度预算", roles: ['admin'], status: 201, type: BudgetAllocatedResult })
  @HttpCode(201)
  allocateBudget(@CurrentActor() actor: Actor, @Headers('idempotency-key') key: string | undefined, @Param('id') id: string, @Body() body: AllocateBudgetDto) {
    return this.bus.execute(commandOf('AllocateBudget', this.context(actor, key), { params: { programmeId: id }, body }));
  }

  @Post('enterprises')
  @Endpoint({ id: 'registerEnterprise', summary: 'Register an enterprise / 登记企业', roles: ['admin', 'reviewer'], status: 201, type: EnterpriseResult })
  @HttpCode(201)
  registerEnterprise(@CurrentActor() actor: Actor, @Headers('idempotency-key') key: string | undefined, @Body() body: RegisterEnterpriseDto) {
    return this.bus.execute(commandOf('RegisterEnterprise', this.context(actor, key), { params: {}, body }));
  }

  @Post('enterprises/:uscc/flags')
  @Endpoint({ id: 'raiseFlag', summary: 'Flag an enterprise on a list / 列入名单', roles: ['admin'], status: 201, type: FlagResult })
  @HttpCode(201)
  raiseFlag(@CurrentActor() actor: Actor, @Headers('idempotency-key') key: string | undefined, @Param('uscc') uscc: string, @Body() body: RaiseFlagDto) {
    return this.bus.execute(commandOf('RaiseFlag', this.context(actor, key), { params: { uscc }, body }));
  }

  @Delete('enterprises/:uscc/flags/:flagId')
  @Endpoint({ id: 'liftFlag', summary: 'Lift a flag / 移出名单', roles: ['admin'], status: 200, type: FlagResult })
  @ApiBody({ type: ReasonDto, required: false })
  liftFlag(@CurrentActor() actor: Actor, @Headers('idempotency-key') key: string | undefined, @Param('uscc') uscc: string, @Param('flagId') flagId: string, @Body() body: unknown) {
    return this.bus.execute(commandOf('LiftFlag', this.context(actor, key), { params: { uscc, flagId }, body: body ?? {} }));
  }

  @Post('enterprises/:uscc/tags')
  @Endpoint({ id: 'addTag', summary: 'Add a priority tag, on evidence / 添加优先支持标签', roles: ['admin'], status: 201, type: TagResult })
  @HttpCode(201)
  addTag(@CurrentActor() actor: Actor, @Headers('idempotency-key') key: string | undefined, @Param('uscc') uscc: string, @Body() body: AddTagDto) {
    return this.bus.execute(commandOf('AddTag', this.context(actor, key), { params: { uscc }, body }));
  }

  @Delete('enterprises/:uscc/tags/:tag')
  @Endpoint({ id: 'removeTag', summary: 'Remove a priority tag (id or Chinese name) / 移除优先支持标签', roles: ['admin'], status: 200, type: TagResult })
  @ApiBody({ type: RemoveTagDto, required: false })
  removeTag(@CurrentActor() actor: Actor, @Headers('idempotency-key') key: string | undefined, @Param('uscc') uscc: string, @Param('tag') tag: string, @Body() body: unknown) {
    return this.bus.execute(commandOf('RemoveTag', this.context(actor, key), { params: { uscc, tag }, body: body ?? {} }));
  }

  @Post('applications')
  @Endpoint({ id: 'submitApplication', summary: 'Submit an application / 提交申报', roles: ['reviewer'], status: 201, type: ApplicationResult })
  @HttpCode(201)
  submit(@CurrentActor() actor: Actor, @Headers('idempotency-key') key: string | undefined, @Body() body: SubmitApplicationDto) {
    return this.bus.execute(commandOf('SubmitApplication', this.context(actor, key), { params: {}, body }));
  }

  @Post('applications/:id/reviews')
  @Endpoint({ id: 'reviewApplication', summary: 'Record a review stage / 记录审核环节', roles: ['reviewer'], status: 201, type: ApplicationResult })
  @HttpCode(201)
  review(@CurrentActor() actor: Actor, @Headers('idempotency-key') key: string | undefined, @Param('id') id: string, @Body() body: ReviewDto) {
    return this.bus.execute(commandOf('ReviewApplication', this.context(actor, key), { params: { applicationId: id }, body }));
  }

  @Post('applications/:id/withdrawal')
  @Endpoint({ id: 'withdrawApplication', summary: 'Withdraw an application before approval / 撤回申请', roles: ['reviewer'], status: 201, type: ApplicationResult })
  @ApiBody({ type: ReasonDto, required: false })
  @HttpCode(201)
  withdraw(@CurrentActor() actor: Actor, @Headers('idempotency-key') key: string | undefined, @Param('id') id: string, @Body() body: unknown) {
    return this.bus.execute(commandOf('WithdrawApplication', this.context(actor, key), { params: { applicationId: id }, body: body ?? {} }));
  }

  @Post('notices')
  @Endpoint({ id: 'openNotice', summary: 'Open a public notice / 发起公示', roles: ['approver'], status: 201, type: NoticeResult })
  @HttpCode(201)
  openNotice(@CurrentActor() actor: Actor, @Headers('idempotency-key') key: string | undefined, @Body() body: OpenNoticeDto) {
    return this.bus.execute(commandOf('OpenNotice', this.context(actor, key), { params: {}, body }));
  }

  @Post('notices/:id/objections')
  @Endpoint({
    id: 'fileObjection',
    summary: 'Record an objection received during a notice (approvers, or reviewers keeping the public channel) / 登记异议',
    roles: ['approver', 'reviewer'],
    status: 201,
    type: ObjectionResult,
  })
  @HttpCode(201)
  fileObjection(@CurrentActor() actor: Actor, @Headers('idempotency-key') key: string | undefined, @Param('id') id: string, @Body() body: ObjectionDto) {
    return this.bus.execute(commandOf('FileObjection', this.context(actor, key), { params: { noticeId: id }, body }));
  }

  @Post('notices/:id/objections/:objectionId/resolution')
  @Endpoint({ id: 'resolveObjection', summary: 'Resolve an objection / 处理异议', roles: ['approver'], status: 201, type: ResolutionResult })
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

  @Post('decisions')
  @Endpoint({
    id: 'recordDecision',
    summary: 'Record a collective decision (集体研究) or a 一事一议 decision, with the amount approved for each application / 登记集体研究决定',
    roles: ['approver'],
    status: 201,
    type: DecisionResult,
  })
  @HttpCode(201)
  recordDecision(@CurrentActor() actor: Actor, @Headers('idempotency-key') key: string | undefined, @Body() body: RecordDecisionDto) {
    return this.bus.execute(commandOf('RecordDecision', this.context(actor, key), { params: {}, body }));
  }

  @Post('applications/:id/approval')
  @Endpoint({ id: 'approveAward', summary: 'Approve the award by collective decision / 集体研究审定奖励', roles: ['approver'], status: 201, type: AwardResult })
  @HttpCode(201)
  approve(@CurrentActor() actor: Actor, @Headers('idempotency-key') key: string | undefined, @Param('id') id: string, @Body() body: ApprovalDto) {
    return this.bus.execute(commandOf('ApproveAward', this.context(actor, key), { params: { applicationId: id }, body }));
  }

  @Post('applications/:id/revocation')
  @Endpoint({ id: 'revokeAward', summary: 'Revoke an undisbursed award / 撤销奖励', roles: ['approver'], status: 201, type: RevocationResult })
  @HttpCode(201)
  revoke(@CurrentActor() actor: Actor, @Headers('idempotency-key') key: string | undefined, @Param('id') id: string, @Body() body: RequiredReasonDto) {
    return this.bus.execute(commandOf('RevokeAward', this.context(actor, key), { params: { applicationId: id }, body }));
  }

  @Post('applications/:id/disbursements')
  @Endpoint({ id: 'recordDisbursement', summary: 'Record a payment (maker) / 登记拨付', roles: ['finance'], status: 201, type: DisbursementResult })
  @HttpCode(201)
  recordDisbursement(@CurrentActor() actor: Actor, @Headers('idempotency-key') key: string | undefined, @Param('id') id: string, @Body() body: DisbursementDto) {
    return this.bus.execute(commandOf('RecordDisbursement', this.context(actor, key), { params: { applicationId: id }, body }));
  }

  @Post('disbursements/:id/confirmation')
  @Endpoint({ id: 'confirmDisbursement', summary: 'Confirm a payment (checker, not its maker) / 复核确认拨付', roles: ['finance'], status: 201, type: DisbursementResult })
  @HttpCode(201)
  confirmDisbursement(@CurrentActor() actor: Actor, @Headers('idempotency-key') key: string | undefined, @Param('id') id: string) {
    return this.bus.execute(commandOf('ConfirmDisbursement', this.context(actor, key), { params: { disbursementId: id }, body: undefined }));
  }

  @Post('disbursements/:id/rejection')
  @Endpoint({ id: 'rejectDisbursement', summary: 'Reject a recorded payment (checker) / 退回拨付', roles: ['finance'], status: 201, type: DisbursementResult })
  @HttpCode(201)
  rejectDisbursement(@CurrentActor() actor: Actor, @Headers('idempotency-key') key: string | undefined, @Param('id') id: string, @Body() body: RequiredReasonDto) {
    return this.bus.execute(commandOf('RejectDisbursement', this.context(actor, key), { params: { disbursementId: id }, body }));
  }

  @Post('applications/:id/clawbacks')
  @Endpoint({ id: 'orderClawback', summary: 'Order a clawback / 责令追回', roles: ['approver'], status: 201, type: ClawbackResult })
  @HttpCode(201)
  orderClawback(@CurrentActor() actor: Actor, @Headers('idempotency-key') key: string | undefined, @Param('id') id: string, @Body() body: ClawbackDto) {
    return this.bus.execute(commandOf('OrderClawback', this.context(actor, key), { params: { applicationId: id }, body }));
  }

  @Post('clawbacks/:id/recoveries')
  @Endpoint({ id: 'recordRecovery', summary: 'Record money recovered / 登记收回', roles: ['finance'], status: 201, type: RecoveryResult })
  @HttpCode(201)
  recordRecovery(@CurrentActor() actor: Actor, @Headers('idempotency-key') key: string | undefined, @Param('id') id: string, @Body() body: RecoveryDto) {
    return this.bus.execute(commandOf('RecordRecovery', this.context(actor, key), { params: { clawbackId: id }, body }));
  }

  @Post('clawbacks/:id/referral')
  @Endpoint({ id: 'referFraud', summary: "Record a fraud's referral to the judicial organs / 登记移送司法机关", roles: ['approver'], status: 201, type: ReferralResult })
  @HttpCode(201)
  referFraud(@CurrentActor() actor: Actor, @Headers('idempotency-key') key: string | undefined, @Param('id') id: string, @Body() body: ReferralDto) {
    return this.bus.execute(commandOf('ReferFraud', this.context(actor, key), { params: { clawbackId: id }, body }));
  }

  @Post('clawbacks/:id/referral/outcome')
  @Endpoint({
    id: 'concludeReferral',
    summary: "Record the judicial organs' decision on a referral / 登记司法处理结果",
    roles: ['approver'],
    status: 201,
    type: ReferralOutcomeResult,
  })
  @HttpCode(201)
  concludeReferral(@CurrentActor() actor: Actor, @Headers('idempotency-key') key: string | undefined, @Param('id') id: string, @Body() body: ReferralOutcomeDto) {
    return this.bus.execute(commandOf('ConcludeReferral', this.context(actor, key), { params: { clawbackId: id }, body }));
  }

  @Post('clawbacks/:id/write-off')
  @Endpoint({ id: 'writeOffClawback', summary: 'Write off what cannot be recovered / 核销', roles: ['approver'], status: 201, type: WriteOffResult })
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
    @Inject(CommandRunner) private readonly runner: CommandRunner,
  ) {}

  /**
   * The read side, once it reflects `minPosition` (read-your-writes), or a 503 to retry. Without one,
   * once it reflects the last write this process answered, if it gets there within a short wait: a
   * caller who reads right after writing through this service sees the write.
   */
  private async readSideAt(minPosition: string | undefined): Promise<ReadSide> {
    if (this.readSide === null) throw new ApiError(problemOf('NOT_READY', 'this store keeps no read side in this version'), { 'Retry-After': '60' });
    if (minPosition === undefined) await withOwnWrites(this.readSide, this.runner.lastAnswered);
    const wanted = positionOf(minPosition);
    if (wanted !== undefined && !(await this.readSide.projector.waitFor(wanted, minPositionWaitMsMax))) {
      throw new ApiError(problemOf('NOT_READY', `the read side has not reached position ${wanted} yet`, { position: this.readSide.projector.position.toString() }), {
        'Retry-After': '1',
      });
    }
    return this.readSide;
  }

  @Get('programmes')
  @Endpoint({ id: 'listProgrammes', summary: 'Programme definitions, with their stages in order / 支持政策列表', roles: readerRoles, status: 200, type: [ProgrammeDefinitionView] })
  async programmes(@Query() query: ReadQueryDto) {
    return await (await this.readSideAt(query.minPosition)).queries.programmes();
  }

  @Get('programmes/:id')
  @Endpoint({
    id: 'getProgramme',
    summary: "One programme's latest definition, the version in force today, and every version with its day of effect / 支持政策及其版本",
    roles: readerRoles,
    status: 200,
    type: ProgrammeWithVersionsView,
  })
  async programme(@Param('id') id: string, @Query() query: ReadQueryDto) {
    const programme = await (await this.readSideAt(query.minPosition)).queries.programme(id);
    if (programme === undefined) throw new ApiError(problemOf('NOT_FOUND', `programme ${id} does not exist`, { id }));
    // The versions are the programme stream's own (a short stream: one event per version).
    const published = await new StreamLoader(this.store).read(streams.programme(id), programmeStream);
    if (published.status === 'none') return { ...programme, versionInForce: programme.version, versions: [] };
    const versions = [...published.versions.values()]
      .sort((a, b) => a.version - b.version)
      .map((definition) => ({ version: definition.version, effectiveOn: published.effectiveOn.get(definition.version) ?? definition.validFrom, definition }));
    return { ...programme, versionInForce: versionInForce(published, shanghaiDateOf(this.clock().toISOString())).version, versions };
  }

  @Get('applications')
  @Endpoint({ id: 'listApplications', summary: 'Applications, filtered and paged / 申请列表', roles: readerRoles, status: 200, type: [ApplicationView] })
  async applications(@Query() query: ApplicationsQueryDto) {
    const readSide = await this.readSideAt(query.minPosition);
    const filter = { programmeId: query.programmeId, fiscalYear: integerOf(query.fiscalYear), status: query.status, uscc: query.uscc, district: query.district };
    const page = { limit: integerOf(query.limit) ?? 100, offset: integerOf(query.offset) ?? 0 };
    const listed = await readSide.queries.applications(Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined)), page);
    return await Promise.all(listed.map((view) => this.withProposal(view)));
  }

  /**
   * From the final review on, an application's entitlement is its proposed award: what an approval now
   * would grant, worked out on the write side's pools as they stand (it changes as the enterprise-year
   * and the project change), not a figure frozen in the read side.
   */
  private async withProposal(view: ApplicationFigures): Promise<ApplicationFigures & { proposedAward: string | null }> {
    if (view.status !== 'reviewed' && view.status !== 'in_notice') return { ...view, proposedAward: view.status === 'approved' || view.status === 'revoked' ? view.award : null };
    const proposal = await proposedAwardOf(new StreamLoader(this.store), view.applicationId, shanghaiDateOf(this.clock().toISOString()));
    return proposal === null ? { ...view, proposedAward: null } : { ...view, entitlement: proposal.entitlement, proposedAward: proposal.entitlement };
  }

  @Get('notices/:id')
  @Endpoint({
    id: 'getNotice',
    summary: 'A public notice: its listing with proposed awards, and its objections; ?format=csv for the public listing / 公示名单',
    roles: readerRoles,
    status: 200,
    type: NoticeView,
    content: { 'text/csv': { schema: { type: 'string' } } },
  })
  async notice(@Param('id') id: string, @Query() query: ListingQueryDto, @Res() reply: FastifyReply): Promise<void> {
    await this.readSideAt(query.minPosition);
    const notice = keyPattern.test(id) ? await new StreamLoader(this.store).read(streams.notice(id), noticeStream) : noNotice;
    if (notice.status === 'none') throw new ApiError(problemOf('NOT_FOUND', `notice ${id} does not exist`, { id }));
    if (query.format === 'csv') {
      await reply.header('Content-Type', 'text/csv; charset=utf-8').header('Content-Disposition', `attachment; filename="notice-${id}.csv"`).send(noticeCsv(notice));
    } else {
      await reply.header('Content-Type', 'application/json; charset=utf-8').send(noticeView(notice));
    }
  }

  @Get('decisions/:id')
  @Endpoint({
    id: 'getDecision',
    summary: 'A recorded decision and its list; ?format=csv to export the list / 集体研究决定及审定名单',
    roles: readerRoles,
    status: 200,
    type: DecisionView,
    content: { 'text/csv': { schema: { type: 'string' } } },
  })
  async decision(@Param('id') id: string, @Query() query: ListingQueryDto, @Res() reply: FastifyReply): Promise<void> {
    await this.readSideAt(query.minPosition);
    const decision = keyPattern.test(id) ? await new StreamLoader(this.store).read(streams.decision(id), decisionStream) : noDecision;
    if (decision.status === 'none') throw new ApiError(problemOf('NOT_FOUND', `decision ${id} is not recorded`, { id }));
    if (query.format === 'csv') {
      await reply.header('Content-Type', 'text/csv; charset=utf-8').header('Content-Disposition', `attachment; filename="decision-${id}.csv"`).send(decisionCsv(decision));
    } else {
      await reply.header('Content-Type', 'application/json; charset=utf-8').send(decisionView(decision));
    }
  }

  @Get('applications/:id')
  @Endpoint({ id: 'getApplication', summary: 'One application with its figures / 申请详情', roles: readerRoles, status: 200, type: ApplicationView })
  async application(@Param('id') id: string, @Query() query: ReadQueryDto) {
    const application = await (await this.readSideAt(query.minPosition)).queries.application(id);
    if (application === undefined) throw new ApiError(problemOf('NOT_FOUND', `application ${id} does not exist`, { id }));
    return await this.withProposal(application);
  }

  @Get('applications/:id/history')
  @Endpoint({
    id: 'getApplicationHistory',
    summary: "An application's full history, with the objections to it / 申请全过程记录",
    roles: readerRoles,
    status: 200,
    type: [HistoryEntry],
  })
  async applicationHistory(@Param('id') id: string, @Query() query: ReadQueryDto) {
    await this.readSideAt(query.minPosition);
    const history = await applicationHistory(this.store, id);
    if (history === undefined) throw new ApiError(problemOf('NOT_FOUND', `application ${id} does not exist`, { id }));
    return history;
  }

  @Get('approval-queue')
  @Endpoint({
    id: 'getApprovalQueue',
    summary: 'Applications awaiting approval, priority tags first / 待审定队列',
    roles: ['approver', 'supervisor'],
    status: 200,
    type: [ApplicationView],
  })
  async approvalQueue(@Query() query: ApprovalQueueQueryDto) {
    const queue = await (await this.readSideAt(query.minPosition)).queries.approvalQueue(query.programmeId);
    return await Promise.all(queue.map((view) => this.withProposal(view)));
  }

  @Get('budgets/:programmeId/:year')
  @Endpoint({
    id: 'getBudget',
    summary: "A programme-year's budget figures, now or as of / 年度预算执行",
    roles: ['supervisor', 'auditor', 'approver', 'finance'],
    status: 200,
    type: BudgetView,
  })
  async budget(@Param('programmeId') programmeId: string, @Param('year') yearText: string, @Query() query: BudgetQueryDto) {
    const year = yearParam(yearText);
    const budget = await (await this.readSideAt(query.minPosition)).queries.budget(programmeId, year, asOfOf(query.asOf));
    if (budget === undefined) throw new ApiError(problemOf('NOT_FOUND', `programme ${programmeId} does not exist`, { id: programmeId }));
    return budget;
  }

  @Get('enterprises/:uscc/totals')
  @Endpoint({
    id: 'getEnterpriseTotals',
    summary: "An enterprise's totals per programme and year, with headroom / 企业累计",
    roles: ['supervisor', 'auditor'],
    status: 200,
    type: EnterpriseTotalsView,
  })
  async enterpriseTotals(@Param('uscc') uscc: string, @Query() query: EnterpriseTotalsQueryDto) {
    const readSide = await this.readSideAt(query.minPosition);
    const options = { year: integerOf(query.year), asOf: asOfOf(query.asOf) };
    return { uscc, totals: await readSide.queries.enterpriseTotals(uscc, Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined))) };
  }

  @Get('enterprises/:uscc/history')
  @Endpoint({ id: 'getEnterpriseHistory', summary: "An enterprise's history / 企业全过程记录", roles: readerRoles, status: 200, type: [HistoryEntry] })
  async enterpriseHistory(@Param('uscc') uscc: string, @Query() query: ReadQueryDto) {
    const history = await enterpriseHistory(this.store, (await this.readSideAt(query.minPosition)).queries, uscc);
    if (history === undefined) throw new ApiError(problemOf('NOT_FOUND', `enterprise ${uscc} is not registered`, { id: uscc }));
    return history;
  }

  @Get('audit/events')
  @Endpoint({
    id: 'exportEvents',
    summary: 'Export the log: JSON Lines, or CSV / .xlsx for Excel / 导出事件',
    roles: ['auditor'],
    status: 200,
    content: {
      'application/x-ndjson': { schema: { type: 'string' } },
      'text/csv': { schema: { type: 'string' } },
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: { type: 'string', format: 'binary' } },
    },
  })
  async exportEvents(@Query() query: AuditEventsQueryDto, @Res() reply: FastifyReply): Promise<void> {
    const format = query.format ?? 'jsonl';
    // CSV and .xlsx show the business view unless the raw event log is asked for.
    const view = query.view ?? 'business';
    const from = positionOf(query.fromPosition) ?? 1n;
    const limit = integerOf(query.limit);
    const range = { afterPosition: from > 0n ? from - 1n : 0n, ...(limit === undefined ? {} : { maxCount: limit }) };
    const name = view === 'business' ? 'ledger-business' : 'ledger-events';
    // Streamed: an export of the whole log never sits in memory.
    if (format === 'csv') {
      await reply
        .header('Content-Type', 'text/csv; charset=utf-8')
        .header('Content-Disposition', `attachment; filename="${name}.csv"`)
        .send(Readable.from(exportCsv(this.store, view, range)));
    } else if (format === 'xlsx') {
      const body = new PassThrough();
      exportXlsx(this.store, view, body, range).catch((error: unknown) => body.destroy(error as Error));
      await reply
        .header('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('Content-Disposition', `attachment; filename="${name}.xlsx"`)
        .send(body);
    } else {
      await reply.header('Content-Type', 'application/x-ndjson; charset=utf-8').send(Readable.from(exportJsonl(this.store, range)));
    }
  }

  @Get('audit/digest')
  @Endpoint({ id: 'getDigest', summary: "The log's digest, to save and verify against later / 日志摘要", roles: ['auditor'], status: 200, type: LogDigestView })
  async digest() {
    // Signed with the service's Ed25519 key: check it with `ledger public-key`'s output.
    return signDigest(await this.store.digest(), this.signingKey, this.clock());
  }

  @Post('audit/verify')
  @Endpoint({ id: 'verifyLog', summary: 'Verify the log (against saved digests) and reconcile the projections / 校验日志', roles: ['auditor'], status: 200, type: VerifyView })
  @HttpCode(200)
  async verify(@Body() body: VerifyDto) {
    // One saved digest, or several (checkpoints): each bounds where a change can lie. With a public
    // key, each must be signed with it, and the checkpoints the store keeps are checked too.
    const publicKey = body?.publicKey === undefined ? undefined : publicKeyOf(body.publicKey);
    const saved = body?.digest;
    const savedList = saved === undefined ? [] : Array.isArray(saved) ? saved : [saved];
    const digests = savedList.map((one) => (publicKey === undefined ? digestFromJson(one) : verifySignedDigest(one, publicKey)));
    if (savedList.length > savedDigestCountMax || (saved !== undefined && (digests.length === 0 || digests.some((one) => one === undefined)))) {
      throw invalidRequest(
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
