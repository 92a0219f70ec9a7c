// The ledger's commands: for each, who may run it, how its input is read, which streams it loads
// (with their revisions), and which pure decision it calls. HTTP and the CLI reach these through the
// CommandBus; tests call them directly.
import { builtInProgrammes } from '../programmes/definitions.js';
import { jurisdictions, type ProgrammeDefinition } from '../programmes/programme.js';
import type { EventStore } from '../event-store/event-store.js';
import { DomainError } from '../shared/errors.js';
import { derivedUuid, isValidUscc } from '../shared/identifiers.js';
import { shanghaiDateOf } from '../shared/time.js';
import { WorkingDayCalendar, holidayYearsBuiltIn, validateHolidayYear, type HolidayYear } from '../shared/working-days.js';
import {
  decideApprove,
  decideConfirmDisbursement,
  decideFileObjection,
  decideOpenNotice,
  decideOrderClawback,
  decideRecordDisbursement,
  decideRecordRecovery,
  decideRejectDisbursement,
  decideResolveObjection,
  decideReview,
  decideRevoke,
  decideSubmit,
  decideWithdraw,
  decideWriteOff,
  requireApplication,
  type Decided,
} from '../domain/decisions.js';
import { draft, type ReadEvent } from '../domain/events.js';
import * as read from '../domain/inputs.js';
import {
  budgetStateOf,
  enterpriseYearStateOf,
  evolveApplication,
  evolveEnterprise,
  evolveMatter,
  evolveNotice,
  invoiceHolderOf,
  noApplication,
  noEnterprise,
  noNotice,
  type ApplicationState,
  type MatterFunding,
} from '../domain/states.js';
import { streams } from '../domain/streams.js';
import { CommandContext, CommandResult, CommandRunner, StreamLoader, requireRole, type Role } from './runner.js';

export const flagLists = ['dishonest-judgement-debtor', 'major-tax-violation', 'procurement-violation', 'major-safety-accident', 'subsidy-fraud'] as const;

interface ProgrammeState {
  readonly versions: ReadonlyMap<number, ProgrammeDefinition>;
  readonly current: ProgrammeDefinition | null;
}

function evolveProgramme(state: ProgrammeState, event: ReadEvent): ProgrammeState {
  if (event.type !== 'ProgrammePublished') throw new Error(`unexpected ${event.type} in a programme stream`);
  const versions = new Map(state.versions);
  versions.set(event.data.definition.version, event.data.definition);
  return { versions, current: event.data.definition };
}

const noProgramme: ProgrammeState = { versions: new Map(), current: null };

const system: CommandContext['actor'] = { id: 'system', roles: ['admin'] };

export class Ledger {
  private readonly runner: CommandRunner;

  constructor(private readonly store: EventStore) {
    this.runner = new CommandRunner(store);
  }

  // ---- loading helpers: every read goes through the loader, so its revision guards the append

  private async programme(load: StreamLoader, programmeId: string): Promise<ProgrammeState & { current: ProgrammeDefinition }> {
    const state = await load.fold(streams.programme(programmeId), noProgramme, evolveProgramme);
    if (state.current === null) throw new DomainError('NOT_FOUND', `programme ${programmeId} does not exist`, { id: programmeId });
    return state as ProgrammeState & { current: ProgrammeDefinition };
  }

  private async programmeOf(load: StreamLoader, application: ApplicationState) {
    const state = await this.programme(load, application.programmeId);
    const submittedUnder = state.versions.get(application.programmeVersion);
    if (submittedUnder === undefined) throw new Error(`programme ${application.programmeId} lacks version ${application.programmeVersion}`);
    return { programme: submittedUnder, programmeCurrent: state.current };
  }

  private async application(load: StreamLoader, applicationId: string): Promise<ApplicationState> {
    return requireApplication(await load.fold(streams.application(applicationId), noApplication, evolveApplication), applicationId);
  }

  private enterprise(load: StreamLoader, uscc: string) {
    return load.fold(streams.enterprise(uscc), noEnterprise, evolveEnterprise);
  }

  private async calendar(load: StreamLoader): Promise<WorkingDayCalendar> {
    const published = await load.fold<HolidayYear[]>(streams.calendar(), [], (years, event) => {
      if (event.type !== 'HolidayYearPublished') throw new Error(`unexpected ${event.type} in the calendar stream`);
      return [...years.filter((y) => y.year !== event.data.year), event.data];
    });
    const years = [...holidayYearsBuiltIn.filter((b) => !published.some((p) => p.year === b.year)), ...published];
    return new WorkingDayCalendar(years);
  }

  private async indexed(load: StreamLoader, stream: string, what: string, id: string): Promise<string> {
    const event = await load.last(stream);
    if (event === undefined) throw new DomainError('NOT_FOUND', `${what} ${id} does not exist`, { id });
    if (event.type !== 'DisbursementIndexed' && event.type !== 'ClawbackIndexed') throw new Error(`unexpected ${event.type} in ${stream}`);
    return event.data.applicationId;
  }

  private async run<R extends object>(context: CommandContext, type: string, allowed: readonly Role[], request: unknown, decide: (load: StreamLoader, today: string) => Promise<Decided<R>>): Promise<CommandResult<R>> {
    const role = requireRole(context.actor, allowed, type);
    const today = shanghaiDateOf(context.now);
    return this.runner.run(context, type, role, request, (load) => decide(load, today));
  }

  // ---- programmes, calendar, budgets

  /** Publishes the definitions shipped with the project that the log does not have yet. Safe to run at every start. */
  async publishBuiltInProgrammes(now: string): Promise<void> {
    for (const definition of builtInProgrammes) {
      const context = { commandId: `built-in-programme-${definition.id}-v${definition.version}`, actor: system, now };
      await this.run(context, 'PublishProgramme', ['admin'], { definition }, async (load) => {
        const state = await load.fold(streams.programme(definition.id), noProgramme, evolveProgramme);
        if (state.current !== null && state.current.version >= definition.version) return { writes: [], result: { programmeId: definition.id, version: state.current.version } };
        return { writes: [{ stream: streams.programme(definition.id), events: [draft('ProgrammePublished', { definition })] }], result: { programmeId: definition.id, version: definition.version } };
      });
    }
  }

  /** An administrator publishes a programme, or amends one with a higher version. */
  publishProgramme(context: CommandContext, definition: ProgrammeDefinition) {
    return this.run(context, 'PublishProgramme', ['admin'], { definition }, async (load) => {
      const state = await load.fold(streams.programme(definition.id), noProgramme, evolveProgramme);
      if (state.current !== null && definition.version <= state.current.version) {
        throw new DomainError('INVALID_TRANSITION', `programme ${definition.id} is at version ${state.current.version}: an amendment needs a higher version`, { programmeId: definition.id });
      }
      return { writes: [{ stream: streams.programme(definition.id), events: [draft('ProgrammePublished', { definition })] }], result: { programmeId: definition.id, version: definition.version } };
    });
  }

  publishHolidayYear(context: CommandContext, year: HolidayYear) {
    return this.run(context, 'PublishHolidayYear', ['admin'], year, async (load) => {
      validateHolidayYear(year);
      await this.calendar(load);
      return { writes: [{ stream: streams.calendar(), events: [draft('HolidayYearPublished', year)] }], result: { year: year.year } };
    });
  }

  allocateBudget(context: CommandContext, programmeId: string, body: unknown) {
    return this.run(context, 'AllocateBudget', ['admin'], { programmeId, body }, async (load) => {
      const input = read.objectOf(body);
      read.onlyFields(input, ['year', 'amount']);
      const year = read.integer(input['year'], 'year', 2000, 2100);
      const amount = read.money(input['amount'], 'amount');
      const { current: programme } = await this.programme(load, programmeId);
      if (programme.budget.kind !== 'allocated') {
        throw new DomainError('INVALID_TRANSITION', `programme ${programmeId} has a fixed annual budget of ${programme.budget.amountYuan}`, { programmeId });
      }
      const budget = budgetStateOf(await load.last(streams.budget(programmeId, year)));
      const budgetAfter = budget.allocated.plus(amount);
      return {
        writes: [
          {
            stream: streams.budget(programmeId, year),
            events: [draft('BudgetAllocated', { programmeId, year, amount: amount.format(), budgetAfter: budgetAfter.format(), committedAfter: budget.committed.format() })],
          },
        ],
        result: { programmeId, year, budget: budgetAfter.format() },
      };
    });
  }

  // ---- enterprises and flags

  registerEnterprise(context: CommandContext, body: unknown) {
    return this.run(context, 'RegisterEnterprise', ['admin', 'reviewer'], body, async (load) => {
      const input = read.objectOf(body);
      read.onlyFields(input, ['uscc', 'name', 'city', 'district', 'tags', 'usccCheckOverride']);
      const uscc = read.usccShaped(input['uscc']);
      const name = read.text(input['name'], 'name', 200);
      const city = read.oneOf(input['city'], jurisdictions, 'city');
      const district = read.optionalText(input['district'], 'district', 100);
      const tags = input['tags'] === undefined ? [] : read.list(input['tags'], 'tags', 20, { emptyAllowed: true }).map((t, i) => read.text(t, `tags[${i}]`, 64));
      let overrideReason: string | null = null;
      if (input['usccCheckOverride'] !== undefined) {
        const override = read.objectOf(input['usccCheckOverride'], 'usccCheckOverride');
        read.onlyFields(override, ['reason'], 'usccCheckOverride');
        overrideReason = read.text(override['reason'], 'usccCheckOverride.reason');
      }
      if (!isValidUscc(uscc)) {
        if (overrideReason === null) {
          throw new DomainError('VALIDATION_FAILED', `uscc ${uscc} fails its GB 32100 check character`, { field: 'uscc' });
        }
        if (!context.actor.roles.includes('admin')) {
          throw new DomainError('FORBIDDEN', 'only an administrator may register a code that fails its check character', { required: 'admin', actor: context.actor.id });
        }
      } else {
        overrideReason = null;
      }
      const enterprise = await this.enterprise(load, uscc);
      if (enterprise.registered) throw new DomainError('ALREADY_EXISTS', `enterprise ${uscc} is already registered`, { uscc });
      return {
        writes: [{ stream: streams.enterprise(uscc), events: [draft('EnterpriseRegistered', { uscc, name, city, district, tags, usccCheckOverrideReason: overrideReason })] }],
        result: { uscc },
      };
    });
  }

  raiseFlag(context: CommandContext, uscc: string, body: unknown) {
    return this.run(context, 'RaiseFlag', ['admin'], { uscc, body }, async (load) => {
      const input = read.objectOf(body);
      read.onlyFields(input, ['list', 'source', 'since', 'until', 'evidenceRef', 'checkedAt']);
      const list = read.oneOf(input['list'], flagLists, 'list');
      const source = read.text(input['source'], 'source', 500);
      const since = read.date(input['since'], 'since');
      const until = read.optionalDate(input['until'], 'until');
      const evidenceRef = read.optionalText(input['evidenceRef'], 'evidenceRef', 200);
      const checkedAt = input['checkedAt'] === undefined ? context.now : read.text(input['checkedAt'], 'checkedAt', 40);
      if (until !== null && until < since) throw new DomainError('VALIDATION_FAILED', 'until must not be before since', { field: 'until' });
      const enterprise = await this.enterprise(load, uscc);
      if (!enterprise.registered) throw new DomainError('NOT_FOUND', `enterprise ${uscc} does not exist`, { id: uscc });
      const flagId = derivedUuid(context.commandId, 'flag');
      return {
        writes: [{ stream: streams.enterprise(uscc), events: [draft('FlagRaised', { uscc, flagId, list, source, since, checkedAt, evidenceRef, until })] }],
        result: { uscc, flagId },
      };
    });
  }

  liftFlag(context: CommandContext, uscc: string, flagId: string, body: unknown) {
    return this.run(context, 'LiftFlag', ['admin'], { uscc, flagId, body }, async (load) => {
      const input = body === undefined ? {} : read.objectOf(body);
      read.onlyFields(input, ['reason']);
      const reason = input['reason'] === undefined ? 'lifted' : read.text(input['reason'], 'reason');
      const enterprise = await this.enterprise(load, uscc);
      if (!enterprise.flags.has(flagId)) throw new DomainError('NOT_FOUND', `flag ${flagId} of ${uscc} does not exist or is lifted`, { id: flagId });
      return { writes: [{ stream: streams.enterprise(uscc), events: [draft('FlagLifted', { uscc, flagId, reason })] }], result: { uscc, flagId } };
    });
  }

  // ---- applications

  submit(context: CommandContext, body: unknown) {
    return this.run(context, 'SubmitApplication', ['reviewer'], body, async (load, today) => {
      const input = read.objectOf(body);
      read.onlyFields(input, ['programmeId', 'uscc', 'fiscalYear', 'matterKey', 'level', 'approvalRef', 'items']);
      const programmeId = read.key(input['programmeId'], 'programmeId');
      const uscc = read.usccShaped(input['uscc']);
      const fiscalYear = read.integer(input['fiscalYear'], 'fiscalYear', 2000, 2100);
      const items = read.list(input['items'], 'items', read.itemCountMax).map((raw, i) => {
        const item = read.objectOf(raw, `items[${i}]`);
        read.onlyFields(item, ['invoiceNumber', 'invoiceDate', 'amount', 'category'], `items[${i}]`);
        return {
          invoiceNumber: read.invoiceNumber(item['invoiceNumber'], `items[${i}].invoiceNumber`),
          invoiceDate: read.date(item['invoiceDate'], `items[${i}].invoiceDate`),
          amount: read.money(item['amount'], `items[${i}].amount`),
          category: read.optionalText(item['category'], `items[${i}].category`, 64),
        };
      });
      const submitInput = {
        applicationId: derivedUuid(context.commandId, 'application'),
        programmeId,
        uscc,
        fiscalYear,
        matterKey: read.optionalKey(input['matterKey'], 'matterKey'),
        level: read.optionalText(input['level'], 'level', 64),
        approvalRef: read.optionalText(input['approvalRef'], 'approvalRef', 200),
        items,
      };
      const { current: programme } = await this.programme(load, programmeId);
      const enterprise = await this.enterprise(load, uscc);
      const invoiceHolders = new Map<string, string | null>();
      for (const item of items) invoiceHolders.set(item.invoiceNumber, invoiceHolderOf(await load.last(streams.invoice(item.invoiceNumber))));
      return decideSubmit(submitInput, { programme, enterprise, invoiceHolders, today });
    });
  }

  review(context: CommandContext, applicationId: string, body: unknown) {
    return this.run(context, 'ReviewApplication', ['reviewer'], { applicationId, body }, async (load) => {
      const input = read.objectOf(body);
      read.onlyFields(input, ['stage', 'outcome', 'recognizedAmount', 'reason']);
      const review = {
        stage: read.text(input['stage'], 'stage', 64),
        outcome: read.oneOf(input['outcome'], ['pass', 'reject'] as const, 'outcome'),
        recognizedAmount: input['recognizedAmount'] === undefined ? null : read.money(input['recognizedAmount'], 'recognizedAmount'),
        reason: read.optionalText(input['reason'], 'reason'),
      };
      const application = await this.application(load, applicationId);
      const { programme } = await this.programmeOf(load, application);
      return decideReview(application, programme, review);
    });
  }

  withdraw(context: CommandContext, applicationId: string, body: unknown) {
    return this.run(context, 'WithdrawApplication', ['reviewer'], { applicationId, body }, async (load) => {
      const input = body === undefined ? {} : read.objectOf(body);
      read.onlyFields(input, ['reason']);
      const reason = input['reason'] === undefined ? 'withdrawn by the applicant' : read.text(input['reason'], 'reason');
      return decideWithdraw(await this.application(load, applicationId), reason);
    });
  }

  openNotice(context: CommandContext, body: unknown) {
    return this.run(context, 'OpenNotice', ['approver'], body, async (load, today) => {
      const input = read.objectOf(body);
      read.onlyFields(input, ['programmeId', 'applicationIds', 'opensOn']);
      const programmeId = read.key(input['programmeId'], 'programmeId');
      const applicationIds = read.list(input['applicationIds'], 'applicationIds', read.noticeApplicationCountMax).map((id, i) => read.key(id, `applicationIds[${i}]`));
      const opensOn = read.date(input['opensOn'], 'opensOn');
      const { current: programme } = await this.programme(load, programmeId);
      const applications = new Map<string, ApplicationState>();
      for (const id of new Set(applicationIds)) applications.set(id, await load.fold(streams.application(id), noApplication, evolveApplication));
      const calendar = await this.calendar(load);
      return decideOpenNotice({ noticeId: derivedUuid(context.commandId, 'notice'), programmeId, applicationIds, opensOn }, programme, applications, calendar, today);
    });
  }

  fileObjection(context: CommandContext, noticeId: string, body: unknown) {
    return this.run(context, 'FileObjection', ['approver'], { noticeId, body }, async (load, today) => {
      const input = read.objectOf(body);
      read.onlyFields(input, ['applicationId', 'summary']);
      const applicationId = read.key(input['applicationId'], 'applicationId');
      const summary = read.text(input['summary'], 'summary');
      const notice = await load.fold(streams.notice(noticeId), noNotice, evolveNotice);
      if (!notice.exists) throw new DomainError('NOT_FOUND', `notice ${noticeId} does not exist`, { id: noticeId });
      const application = await load.fold(streams.application(applicationId), noApplication, evolveApplication);
      return decideFileObjection(notice, application, { objectionId: derivedUuid(context.commandId, 'objection'), applicationId, summary }, today);
    });
  }

  resolveObjection(context: CommandContext, noticeId: string, objectionId: string, body: unknown) {
    return this.run(context, 'ResolveObjection', ['approver'], { noticeId, objectionId, body }, async (load) => {
      const input = read.objectOf(body);
      read.onlyFields(input, ['outcome', 'reason']);
      const outcome = read.oneOf(input['outcome'], ['upheld', 'dismissed'] as const, 'outcome');
      const reason = read.text(input['reason'], 'reason');
      const notice = await load.fold(streams.notice(noticeId), noNotice, evolveNotice);
      if (!notice.exists) throw new DomainError('NOT_FOUND', `notice ${noticeId} does not exist`, { id: noticeId });
      const objection = notice.objections.get(objectionId);
      if (objection === undefined) throw new DomainError('NOT_FOUND', `objection ${objectionId} does not exist`, { id: objectionId });
      const application = await this.application(load, objection.applicationId);
      return decideResolveObjection(notice, objectionId, application, { outcome, reason });
    });
  }

  approve(context: CommandContext, applicationId: string, body: unknown) {
    return this.run(context, 'ApproveAward', ['approver'], { applicationId, body }, async (load, today) => {
      const input = read.objectOf(body);
      read.onlyFields(input, ['decisionRef', 'amount', 'caseByCase']);
      let caseByCaseJustification: string | null = null;
      if (input['caseByCase'] !== undefined) {
        const caseByCase = read.objectOf(input['caseByCase'], 'caseByCase');
        read.onlyFields(caseByCase, ['justification'], 'caseByCase');
        caseByCaseJustification = read.text(caseByCase['justification'], 'caseByCase.justification');
      }
      const approveInput = {
        decisionRef: read.text(input['decisionRef'], 'decisionRef', 200),
        amount: input['amount'] === undefined ? null : read.money(input['amount'], 'amount'),
        caseByCaseJustification,
      };
      const application = await this.application(load, applicationId);
      const { programme, programmeCurrent } = await this.programmeOf(load, application);
      const enterprise = await this.enterprise(load, application.uscc);
      const notice = application.noticeId === null ? noNotice : await load.fold(streams.notice(application.noticeId), noNotice, evolveNotice);
      const budget = budgetStateOf(await load.last(streams.budget(application.programmeId, application.fiscalYear)));
      const enterpriseYear = enterpriseYearStateOf(await load.last(streams.enterpriseYear(application.programmeId, application.uscc, application.fiscalYear)));
      const matter =
        application.matterKey === null
          ? null
          : await load.fold<ReadonlyMap<string, MatterFunding>>(streams.matter(application.uscc, application.matterKey), new Map(), evolveMatter);
      return decideApprove(approveInput, { application, programme, programmeCurrent, enterprise, notice, budget, enterpriseYear, matter, today, approverId: context.actor.id });
    });
  }

  revoke(context: CommandContext, applicationId: string, body: unknown) {
    return this.run(context, 'RevokeAward', ['approver'], { applicationId, body }, async (load) => {
      const input = read.objectOf(body);
      read.onlyFields(input, ['reason']);
      const reason = read.text(input['reason'], 'reason');
      const application = await this.application(load, applicationId);
      const { programmeCurrent } = await this.programmeOf(load, application);
      const budget = budgetStateOf(await load.last(streams.budget(application.programmeId, application.fiscalYear)));
      const enterpriseYear = enterpriseYearStateOf(await load.last(streams.enterpriseYear(application.programmeId, application.uscc, application.fiscalYear)));
      if (application.matterKey !== null) await load.fold(streams.matter(application.uscc, application.matterKey), new Map(), evolveMatter);
      return decideRevoke({ application, programmeCurrent, budget, enterpriseYear }, reason);
    });
  }

  // ---- money out and back

  recordDisbursement(context: CommandContext, applicationId: string, body: unknown) {
    return this.run(context, 'RecordDisbursement', ['finance'], { applicationId, body }, async (load, today) => {
      const input = read.objectOf(body);
      read.onlyFields(input, ['amount', 'paymentRef', 'paidOn']);
      const disbursement = {
        disbursementId: derivedUuid(context.commandId, 'disbursement'),
        amount: read.money(input['amount'], 'amount'),
        paymentRef: read.key(input['paymentRef'], 'paymentRef'),
        paidOn: read.date(input['paidOn'], 'paidOn'),
      };
      const application = await this.application(load, applicationId);
      const { programme } = await this.programmeOf(load, application);
      const enterprise = await this.enterprise(load, application.uscc);
      const used = await load.last(streams.paymentReference(disbursement.paymentRef));
      const holder = used?.type === 'PaymentReferenceUsed' ? used.data.applicationId : null;
      return decideRecordDisbursement(application, programme, enterprise, holder, disbursement, context.actor.id, today);
    });
  }

  confirmDisbursement(context: CommandContext, disbursementId: string) {
    return this.run(context, 'ConfirmDisbursement', ['finance'], { disbursementId }, async (load, today) => {
      const applicationId = await this.indexed(load, streams.disbursement(disbursementId), 'disbursement', disbursementId);
      const application = await this.application(load, applicationId);
      const { programme } = await this.programmeOf(load, application);
      const enterprise = await this.enterprise(load, application.uscc);
      return decideConfirmDisbursement(application, programme, enterprise, disbursementId, context.actor.id, today);
    });
  }

  rejectDisbursement(context: CommandContext, disbursementId: string, body: unknown) {
    return this.run(context, 'RejectDisbursement', ['finance'], { disbursementId, body }, async (load) => {
      const input = read.objectOf(body);
      read.onlyFields(input, ['reason']);
      const reason = read.text(input['reason'], 'reason');
      const applicationId = await this.indexed(load, streams.disbursement(disbursementId), 'disbursement', disbursementId);
      return decideRejectDisbursement(await this.application(load, applicationId), disbursementId, context.actor.id, reason);
    });
  }

  orderClawback(context: CommandContext, applicationId: string, body: unknown) {
    return this.run(context, 'OrderClawback', ['approver'], { applicationId, body }, async (load, today) => {
      const input = read.objectOf(body);
      read.onlyFields(input, ['amount', 'reason', 'fraud']);
      if (input['fraud'] !== undefined && typeof input['fraud'] !== 'boolean') throw new DomainError('VALIDATION_FAILED', 'fraud must be true or false', { field: 'fraud' });
      const order = {
        clawbackId: derivedUuid(context.commandId, 'clawback'),
        amount: read.money(input['amount'], 'amount'),
        reason: read.text(input['reason'], 'reason'),
        fraud: input['fraud'] === true,
        flagId: derivedUuid(context.commandId, 'flag'),
      };
      const application = await this.application(load, applicationId);
      const enterprise = await this.enterprise(load, application.uscc);
      return decideOrderClawback(application, enterprise, order, today, context.now);
    });
  }

  recordRecovery(context: CommandContext, clawbackId: string, body: unknown) {
    return this.run(context, 'RecordRecovery', ['finance'], { clawbackId, body }, async (load, today) => {
      const input = read.objectOf(body);
      read.onlyFields(input, ['amount', 'receivedOn', 'receiptRef']);
      const receipt = { amount: read.money(input['amount'], 'amount'), receivedOn: read.date(input['receivedOn'], 'receivedOn'), receiptRef: read.text(input['receiptRef'], 'receiptRef', 100) };
      const applicationId = await this.indexed(load, streams.clawback(clawbackId), 'clawback', clawbackId);
      const application = await this.application(load, applicationId);
      const { programme, programmeCurrent } = await this.programmeOf(load, application);
      const restores = programmeCurrent.recoveryRestoresHeadroom;
      const budget = restores ? budgetStateOf(await load.last(streams.budget(application.programmeId, application.fiscalYear))) : budgetStateOf(undefined);
      const enterpriseYear = restores
        ? enterpriseYearStateOf(await load.last(streams.enterpriseYear(application.programmeId, application.uscc, application.fiscalYear)))
        : enterpriseYearStateOf(undefined);
      return decideRecordRecovery({ application, programme, programmeCurrent, budget, enterpriseYear, today }, clawbackId, receipt);
    });
  }

  writeOffClawback(context: CommandContext, clawbackId: string, body: unknown) {
    return this.run(context, 'WriteOffClawback', ['approver'], { clawbackId, body }, async (load) => {
      const input = read.objectOf(body);
      read.onlyFields(input, ['reason']);
      const reason = read.text(input['reason'], 'reason');
      const applicationId = await this.indexed(load, streams.clawback(clawbackId), 'clawback', clawbackId);
      return decideWriteOff(await this.application(load, applicationId), clawbackId, reason);
    });
  }

  get eventStore(): EventStore {
    return this.store;
  }
}
