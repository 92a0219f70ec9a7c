// Reads the console needs beyond the API's first surface (payments awaiting their checker,
// clawbacks owed, an enterprise by name, an application's timeline with amounts and hashes), and
// the exchange of a local trial's one-time sign-in link for a token.
import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { streams } from '../shared/streams.js';
import { EVENT_STORE, type EventStore, type StoredEvent } from '../event-store/event-store.js';
import { Public, readerRoles } from '../http/auth.js';
import { Endpoint, PublicEndpoint } from '../http/openapi.js';
import { AwaitingPaymentEntry, BudgetBreakdownView, ClawbackEntryView, DisbursementEntryView, EnterpriseEntryView, SignedIn, TimelineEntryView } from './responses.js';
import { problemOf } from '../http/problem.js';
import { ApiError, invalidRequest, yearParam } from '../http/problem.filter.js';
import { BreakdownQueryDto, ClawbacksQueryDto, DisbursementsQueryDto, EnterpriseSearchQueryDto, asOfOf } from '../http/query-dtos.js';
import { SignInLinks } from './sign-in-link.js';
import { READ_SIDE, withOwnWrites, type ReadSide } from '../projections/read-side.js';
import { Worklists, fenOf, worklistLengthMax, yuanOf, type BreakdownAsOf } from './worklists.js';
import { CommandRunner } from '../commands/runner.js';

export const WORKLISTS = Symbol('WORKLISTS');
export const SIGN_IN_LINKS = Symbol('SIGN_IN_LINKS');

/** The console's as-of, in the breakdown's terms (milliseconds), from one the DTO has checked. */
function breakdownAsOfOf(text: string | undefined): BreakdownAsOf | undefined {
  const asOf = asOfOf(text);
  if (asOf === undefined) return undefined;
  return 'position' in asOf ? asOf : { timeMs: Date.parse(asOf.time) };
}

export interface TimelineEntry {
  position: string;
  stream: string;
  type: string;
  actorId: string;
  actorRole: string;
  recordedAt: string;
  hash: string;
  prevHash: string;
  data: unknown;
}

function timelineEntryOf(event: StoredEvent): TimelineEntry {
  return {
    position: event.position.toString(),
    stream: event.stream,
    type: event.type,
    actorId: event.metadata.actorId,
    actorRole: event.metadata.actorRole,
    recordedAt: event.metadata.recordedAt,
    hash: event.hash,
    prevHash: event.prevHash,
    data: event.data,
  };
}

@ApiTags('console / 控制台')
@ApiBearerAuth()
@Controller()
export class ConsoleController {
  constructor(
    @Inject(WORKLISTS) private readonly worklists: Worklists,
    @Inject(SIGN_IN_LINKS) private readonly links: SignInLinks,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_SIDE) private readonly readSide: ReadSide | null,
    @Inject(CommandRunner) private readonly runner: CommandRunner,
  ) {}

  @Post('console/sign-in')
  @Public()
  @PublicEndpoint({ id: 'signIn', summary: "Exchange a local trial's one-time sign-in link for a token / 本地试用登录", status: 200, type: SignedIn })
  @HttpCode(200)
  async signIn(@Body() body: unknown) {
    const code = (body as { code?: unknown } | undefined)?.code;
    if (typeof code !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(code)) throw invalidRequest('code', 'must be the code of a sign-in link');
    if (!this.links.allowed)
      throw new ApiError(
        problemOf('FORBIDDEN', 'sign-in links exist only on a local trial (embedded store, no LEDGER_JWT_SECRET, not production): paste a token from `ledger token`'),
      );
    const signedIn = await this.links.redeem(code);
    if (signedIn === null) throw new ApiError(problemOf('UNAUTHENTICATED', 'this sign-in link was used, has expired or belongs to an earlier start of the service'));
    return signedIn;
  }

  /** Committed and paid month by month, and awards by district, for the supervisors' dashboard. */
  @Get('budgets/:programmeId/:year/breakdown')
  @Endpoint({
    id: 'getBudgetBreakdown',
    summary: 'A budget month by month and by district, for the dashboard / 预算按月、按区县',
    roles: ['supervisor', 'auditor', 'approver', 'finance'],
    status: 200,
    type: BudgetBreakdownView,
  })
  async budgetBreakdown(@Param('programmeId') programmeId: string, @Param('year') yearText: string, @Query() query: BreakdownQueryDto) {
    const year = yearParam(yearText);
    return await this.worklists.budgetBreakdown(programmeId, year, breakdownAsOfOf(query.asOf));
  }

  /** Awards with something left to pay (award − paid − payments awaiting their checker), oldest approval first. */
  @Get('awards/awaiting-payment')
  @Endpoint({
    id: 'listAwardsAwaitingPayment',
    summary: 'Awards with something left to pay / 待拨付奖励',
    roles: ['finance', 'auditor', 'supervisor', 'approver'],
    status: 200,
    type: [AwaitingPaymentEntry],
  })
  async awaitingPayment() {
    const due = [];
    const candidates = await this.worklists.awardedApplications();
    // Its candidates come from the log, their figures from the read side: an award approved just
    // before is named by both only once the read side has this process's last write.
    const readSide = this.readSide === null ? null : await withOwnWrites(this.readSide, this.runner.lastAnswered);
    for (const candidate of candidates) {
      const application = await readSide?.queries.application(candidate.applicationId);
      if (application === undefined || application.status !== 'approved') continue;
      const unpaidFen = fenOf(application.award) - fenOf(application.paid) - fenOf(candidate.pending);
      if (unpaidFen <= 0n) continue;
      due.push({
        ...candidate,
        programmeId: application.programmeId,
        fiscalYear: application.fiscalYear,
        award: application.award,
        paid: application.paid,
        unpaid: yuanOf(unpaidFen),
      });
      if (due.length >= worklistLengthMax) break;
    }
    return due;
  }

  @Get('disbursements')
  @Endpoint({
    id: 'listDisbursements',
    summary: 'Payments, by state / 拨付列表',
    roles: ['finance', 'auditor', 'supervisor', 'approver'],
    status: 200,
    type: [DisbursementEntryView],
  })
  async disbursements(@Query() query: DisbursementsQueryDto) {
    return await this.worklists.disbursementList(query.status, query.latest === undefined ? undefined : Number(query.latest));
  }

  @Get('disbursements/:id')
  @Endpoint({
    id: 'getDisbursement',
    summary: 'One payment with its maker and checker / 拨付详情',
    roles: ['finance', 'auditor', 'supervisor', 'approver'],
    status: 200,
    type: DisbursementEntryView,
  })
  async disbursement(@Param('id') id: string) {
    const found = await this.worklists.disbursement(id);
    if (found === undefined) throw new ApiError(problemOf('NOT_FOUND', `disbursement ${id} does not exist`, { id }));
    return found;
  }

  @Get('clawbacks')
  @Endpoint({
    id: 'listClawbacks',
    summary: 'Clawbacks, with what is owed / 追回列表',
    roles: ['finance', 'auditor', 'supervisor', 'approver'],
    status: 200,
    type: [ClawbackEntryView],
  })
  async clawbacks(@Query() query: ClawbacksQueryDto) {
    return await this.worklists.clawbackList(query.outstanding !== 'false');
  }

  @Get('enterprises')
  @Endpoint({ id: 'searchEnterprises', summary: 'Enterprises by part of a name or USCC / 查找企业', roles: readerRoles, status: 200, type: [EnterpriseEntryView] })
  async enterprises(@Query() query: EnterpriseSearchQueryDto) {
    return await this.worklists.enterpriseSearch(query.q);
  }

  @Get('enterprises/:uscc')
  @Endpoint({ id: 'getEnterprise', summary: 'One registered enterprise / 企业详情', roles: readerRoles, status: 200, type: EnterpriseEntryView })
  async enterprise(@Param('uscc') uscc: string) {
    const found = await this.worklists.enterprise(uscc);
    if (found === undefined) throw new ApiError(problemOf('NOT_FOUND', `enterprise ${uscc} is not registered`, { uscc }));
    return found;
  }

  /** Every event of the application and the objections to it, with amounts, position and hash. */
  @Get('applications/:id/timeline')
  @Endpoint({
    id: 'getApplicationTimeline',
    summary: "An application's events with amounts, positions and hashes / 申请时间线",
    roles: readerRoles,
    status: 200,
    type: [TimelineEntryView],
  })
  async timeline(@Param('id') id: string) {
    const own = await this.store.readStream(streams.application(id));
    if (own.length === 0) throw new ApiError(problemOf('NOT_FOUND', `application ${id} does not exist`, { id }));
    const events = [...own];
    const notices = new Set(own.filter((e) => e.type === 'ApplicationNoticed').map((e) => (e.data as { noticeId: string }).noticeId));
    for (const noticeId of notices) {
      const notice = await this.store.readStream(streams.notice(noticeId));
      events.push(...notice.filter((e) => (e.type === 'ObjectionFiled' || e.type === 'ObjectionResolved') && (e.data as { applicationId?: string }).applicationId === id));
    }
    return events.sort((a, b) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0)).map(timelineEntryOf);
  }
}
