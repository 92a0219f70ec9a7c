// Reads the console needs beyond the API's first surface (payments awaiting their checker,
// clawbacks owed, an enterprise by name, an application's timeline with amounts and hashes), and
// the exchange of a local trial's one-time sign-in link for a token.
import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { streams } from '../shared/streams.js';
import { EVENT_STORE, type EventStore, type StoredEvent } from '../event-store/event-store.js';
import { Public, Roles, readerRoles } from '../http/auth.js';
import { problemOf } from '../http/problem.js';
import { ApiError } from '../http/problem.filter.js';
import { SignInLinks } from './sign-in-link.js';
import { READ_SIDE, type ReadSide } from '../projections/read-side.js';
import { Worklists, fenOf, worklistLengthMax, yuanOf, type BreakdownAsOf, type DisbursementEntry } from './worklists.js';

export const WORKLISTS = Symbol('WORKLISTS');
export const SIGN_IN_LINKS = Symbol('SIGN_IN_LINKS');

const disbursementStatuses: ReadonlyArray<DisbursementEntry['status']> = ['recorded', 'confirmed', 'rejected'];
const searchTextLengthMax = 64;

function invalid(field: string, message: string): ApiError {
  return new ApiError(problemOf('VALIDATION_FAILED', `${field} ${message}`, { field }));
}

function breakdownAsOfOf(value: unknown): BreakdownAsOf | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && /^[0-9]{1,19}$/.test(value) && BigInt(value) < 1n << 63n) return { position: BigInt(value) };
  if (typeof value === 'string' && /T/.test(value) && !Number.isNaN(Date.parse(value))) return { timeMs: Date.parse(value) };
  throw invalid('asOf', 'must be a log position or an ISO instant such as 2025-07-01T00:00:00+08:00');
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
  ) {}

  @Post('console/sign-in')
  @Public()
  @HttpCode(200)
  async signIn(@Body() body: unknown) {
    const code = (body as { code?: unknown } | undefined)?.code;
    if (typeof code !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(code)) throw invalid('code', 'must be the code of a sign-in link');
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
  @Roles('supervisor', 'auditor', 'approver', 'finance')
  async budgetBreakdown(@Param('programmeId') programmeId: string, @Param('year') yearText: string, @Query('asOf') asOf: unknown) {
    if (!/^[0-9]{4}$/.test(yearText) || Number(yearText) < 2000 || Number(yearText) > 2100) throw invalid('year', 'must be an integer from 2000 to 2100');
    return await this.worklists.budgetBreakdown(programmeId, Number(yearText), breakdownAsOfOf(asOf));
  }

  /** Awards with something left to pay (award − paid − payments awaiting their checker), oldest approval first. */
  @Get('awards/awaiting-payment')
  @Roles('finance', 'auditor', 'supervisor', 'approver')
  async awaitingPayment() {
    const due = [];
    for (const candidate of await this.worklists.awardedApplications()) {
      const application = await this.readSide?.queries.application(candidate.applicationId);
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
  @Roles('finance', 'auditor', 'supervisor', 'approver')
  async disbursements(@Query('status') status: unknown, @Query('latest') latestText: unknown) {
    if (status !== undefined && !disbursementStatuses.includes(status as DisbursementEntry['status'])) throw invalid('status', `must be one of ${disbursementStatuses.join(', ')}`);
    if (latestText !== undefined && (typeof latestText !== 'string' || !/^[0-9]{1,3}$/.test(latestText) || Number(latestText) < 1 || Number(latestText) > worklistLengthMax))
      throw invalid('latest', `must be an integer from 1 to ${worklistLengthMax}`);
    return await this.worklists.disbursementList(status as DisbursementEntry['status'] | undefined, latestText === undefined ? undefined : Number(latestText));
  }

  @Get('disbursements/:id')
  @Roles('finance', 'auditor', 'supervisor', 'approver')
  async disbursement(@Param('id') id: string) {
    const found = await this.worklists.disbursement(id);
    if (found === undefined) throw new ApiError(problemOf('NOT_FOUND', `disbursement ${id} does not exist`, { id }));
    return found;
  }

  @Get('clawbacks')
  @Roles('finance', 'auditor', 'supervisor', 'approver')
  async clawbacks(@Query('outstanding') outstanding: unknown) {
    if (outstanding !== undefined && outstanding !== 'true' && outstanding !== 'false') throw invalid('outstanding', 'must be true or false');
    return await this.worklists.clawbackList(outstanding !== 'false');
  }

  @Get('enterprises')
  @Roles(...readerRoles)
  async enterprises(@Query('q') q: unknown) {
    if (typeof q !== 'string' || q.trim().length === 0 || q.length > searchTextLengthMax)
      throw invalid('q', `must be part of a name or a USCC (1 to ${searchTextLengthMax} characters)`);
    return await this.worklists.enterpriseSearch(q);
  }

  @Get('enterprises/:uscc')
  @Roles(...readerRoles)
  async enterprise(@Param('uscc') uscc: string) {
    const found = await this.worklists.enterprise(uscc);
    if (found === undefined) throw new ApiError(problemOf('NOT_FOUND', `enterprise ${uscc} is not registered`, { uscc }));
    return found;
  }

  /** Every event of the application and the objections to it, with amounts, position and hash. */
  @Get('applications/:id/timeline')
  @Roles(...readerRoles)
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
