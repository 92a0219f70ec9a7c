// A ledger on a private store with a clock the test sets, and the steps of the workflow as one-liners.
import { openLedgerCommands, type LedgerCommands } from '../../src/commands/ledger-commands.js';
import type { CommandResult } from '../../src/commands/runner.js';
import type { CommandRequest } from '../../src/commands/use-case.js';
import type { CommandType, ResultOf } from '../../src/commands/use-cases.js';
import type { CommandContext, Role } from '../../src/shared/actor.js';
import type { EventStore } from '../../src/event-store/event-store.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { LedgerError } from '../../src/shared/errors.js';
import { usccCheckCharacter } from '../../src/shared/identifiers.js';
import { StreamLoader } from '../../src/commands/runner.js';
import { proposedAwardOf } from '../../src/awards/use-cases.js';
import { builtInProgrammes } from '../../src/programmes/definitions.js';

const regions = { baoding: '130600', wuhan: '420100' } as const;

/** A valid USCC for a city, distinct for each `n`. */
export function usccFor(n: number, city: keyof typeof regions = 'baoding'): string {
  const first17 = `91${regions[city]}${String(n).padStart(9, '0')}`;
  return first17 + usccCheckCharacter(first17);
}

/** Distinct 20-digit 全电发票 numbers (an invoice identified by its number alone). */
let invoiceSequence = 0;
export function nextInvoice(): string {
  invoiceSequence += 1;
  return `2513200000${String(invoiceSequence).padStart(10, '0')}`;
}

/** The programmes of recognition awards (Baoding measures 4 and 5). */
export const recognitionProgrammes: readonly string[] = ['baoding-innovation-platform', 'baoding-standards'];

export const stagesOf = ['district-preliminary', 'city-re-review', 'expert-review'] as const;

export class World {
  now = '2025-06-03T02:00:00.000Z';
  private sequence = 0;
  /** The programme of each application submitted through `submit`. */
  private readonly programmeOf = new Map<string, string>();

  private constructor(
    readonly store: EventStore,
    readonly ledger: LedgerCommands,
    private readonly closeCommands: () => Promise<void>,
  ) {}

  /** On an SQLite file (`:memory:` by default), or on a store given; the built-in programmes are published. */
  static async create(where: string | EventStore = ':memory:'): Promise<World> {
    const store = typeof where === 'string' ? new SqliteEventStore({ path: where }) : where;
    const { commands, close } = await openLedgerCommands(store);
    const world = new World(store, commands, close);
    await commands.publishBuiltInProgrammes(world.now);
    return world;
  }

  async close(): Promise<void> {
    await this.closeCommands();
    await this.store.close();
  }

  /** Runs a command through the CommandBus, as HTTP and the CLI do: the request is parsed once, here. */
  dispatch<T extends CommandType>(type: T, context: CommandContext, request: CommandRequest): Promise<CommandResult<ResultOf<T>>> {
    return this.ledger.dispatch(type, context, request);
  }

  /** A command context: a fresh idempotency key each time unless one is given. */
  as(actorId: string, role: Role, commandId?: string): CommandContext {
    this.sequence += 1;
    return { commandId: commandId ?? `cmd-${this.sequence}`, actor: { id: actorId, roles: [role] }, now: this.now };
  }

  admin = () => this.as('admin-1', 'admin');
  reviewer = (id = 'reviewer-1') => this.as(id, 'reviewer');
  approver = (id = 'approver-1') => this.as(id, 'approver');
  finance = (id = 'finance-1') => this.as(id, 'finance');

  /** Sets the clock to a date in Shanghai (10:00 local). */
  on(date: string): this {
    this.now = `${date}T02:00:00.000Z`;
    return this;
  }

  async enterprise(n: number, city: 'baoding' | 'wuhan' = 'baoding', extra: Record<string, unknown> = {}): Promise<string> {
    const uscc = usccFor(n, city);
    await this.dispatch('RegisterEnterprise', this.admin(), { params: {}, body: { uscc, name: `企业${n}`, city, ...extra } });
    return uscc;
  }

  async allocate(programmeId: string, year: number, amount: string): Promise<void> {
    await this.dispatch('AllocateBudget', this.admin(), { params: { programmeId }, body: { year, amount } });
  }

  async submit(programmeId: string, uscc: string, amounts: string[], extra: Record<string, unknown> = {}): Promise<string> {
    if (recognitionProgrammes.includes(programmeId)) {
      // Platforms and standards: the recognition instead of invoices, a platform of its own unless the test names one.
      const n = nextInvoice();
      const body = {
        programmeId,
        uscc,
        fiscalYear: 2025,
        matterKey: `platform-${n}`,
        recognition: { documentRef: `冀科认〔2025〕${n}号`, issuer: '河北省科学技术厅', issuedOn: '2025-05-20' },
        ...extra,
      };
      return (await this.dispatch('SubmitApplication', this.reviewer(), { params: {}, body })).applicationId;
    }
    const category = programmeId === 'baoding-data-voucher' ? 'compute-rental' : undefined;
    const items = amounts.map((amount) => ({ invoiceNumber: nextInvoice(), invoiceDate: '2025-05-20', amount, ...(category ? { category } : {}) }));
    const result = await this.dispatch('SubmitApplication', this.reviewer(), { params: {}, body: { programmeId, uscc, fiscalYear: 2025, items, ...extra } });
    this.programmeOf.set(result.applicationId, programmeId);
    return result.applicationId;
  }

  /**
   * Every review stage, passed; where the programme holds a notice after a stage before the last (Wuhan
   * dataset construction: 确认主体), that notice is opened and the clock moves past it.
   */
  async reviewAll(applicationId: string, recognizedAmount?: string, reviewerId = 'reviewer-1'): Promise<void> {
    const programmeId = this.programmeOf.get(applicationId);
    const definition = builtInProgrammes.find((p) => p.id === programmeId);
    for (const stage of stagesOf) {
      const last = stage === 'expert-review';
      if (!last && programmeId !== undefined && definition?.noticeStages.some((n) => n.afterStage === stage) === true) {
        await this.passStage(applicationId, stage, reviewerId);
        const { endsOn } = await this.notice(programmeId, [applicationId]);
        this.after(endsOn);
        continue;
      }
      await this.dispatch('ReviewApplication', this.reviewer(reviewerId), {
        params: { applicationId },
        body: {
          stage,
          outcome: 'pass',
          ...(last && recognizedAmount !== undefined ? { recognizedAmount } : {}),
        },
      });
    }
  }

  async passStage(applicationId: string, stage: string, reviewerId = 'reviewer-1'): Promise<void> {
    await this.dispatch('ReviewApplication', this.reviewer(reviewerId), { params: { applicationId }, body: { stage, outcome: 'pass' } });
  }

  /** Opens a notice today for these applications; returns its last day. */
  async notice(programmeId: string, applicationIds: string[], proposed: Record<string, string> = {}): Promise<{ noticeId: string; endsOn: string }> {
    const proposedAwards = Object.entries(proposed).map(([applicationId, amount]) => ({ applicationId, amount }));
    const body = { programmeId, applicationIds, opensOn: this.now.slice(0, 10), ...(proposedAwards.length > 0 ? { proposedAwards } : {}) };
    const result = await this.dispatch('OpenNotice', this.approver(), { params: {}, body });
    return { noticeId: result.noticeId, endsOn: result.endsOn };
  }

  /** Submitted, reviewed, noticed, notice over: ready for approval. The clock moves past the notice. */
  async readyForApproval(
    programmeId: string,
    uscc: string,
    amounts: string[],
    options: { recognized?: string; extra?: Record<string, unknown>; proposed?: string } = {},
  ): Promise<string> {
    const applicationId = await this.submit(programmeId, uscc, amounts, options.extra);
    await this.reviewAll(applicationId, options.recognized);
    const { endsOn } = await this.notice(programmeId, [applicationId], options.proposed === undefined ? {} : { [applicationId]: options.proposed });
    this.after(endsOn);
    return applicationId;
  }

  /** Moves the clock to the day after a date, if it is not there already. */
  after(date: string): void {
    const next = new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    if (this.now.slice(0, 10) < next) this.on(next);
  }

  /**
   * Records the collective decision (or the 一事一议 decision, with `caseByCase`) listing the application
   * at `amounts[id]`, else at what an approval now would grant; returns its id.
   */
  async decide(applicationIds: string[], options: { amounts?: Record<string, string>; caseByCase?: boolean; approverId?: string } = {}): Promise<string> {
    const awards = [];
    for (const applicationId of applicationIds) {
      const given = options.amounts?.[applicationId];
      const proposed = given === undefined ? await proposedAwardOf(new StreamLoader(this.store), applicationId, this.now.slice(0, 10)).catch(() => null) : null;
      awards.push({ applicationId, amount: given ?? proposed?.entitlement ?? '0.00' });
    }
    this.sequence += 1;
    const result = await this.dispatch('RecordDecision', this.approver(options.approverId), {
      params: {},
      body: {
        reference: `党组会议纪要〔2025〕${this.sequence}号`,
        decidedOn: this.now.slice(0, 10),
        body: options.caseByCase === true ? '保定国家数据标注基地建设工作专班' : '市数据局党组',
        kind: options.caseByCase === true ? 'case-by-case' : 'collective',
        awards,
      },
    });
    return result.decisionId;
  }

  /** Approves by a collective decision recorded first (at `body.amount` where given), as the seeds' process runs. */
  async approve(applicationId: string, body: Record<string, unknown> = {}, approverId = 'approver-1') {
    const amount = typeof body['amount'] === 'string' ? body['amount'] : undefined;
    const decisionRef = await this.decide([applicationId], {
      ...(amount === undefined ? {} : { amounts: { [applicationId]: amount } }),
      caseByCase: body['caseByCase'] !== undefined,
      approverId,
    });
    return this.dispatch('ApproveAward', this.approver(approverId), { params: { applicationId }, body: { decisionRef, ...body } });
  }

  async awarded(programmeId: string, uscc: string, amounts: string[], options: { recognized?: string; extra?: Record<string, unknown> } = {}) {
    const applicationId = await this.readyForApproval(programmeId, uscc, amounts, options);
    const result = await this.approve(applicationId);
    return { applicationId, award: result.award };
  }
}

/** The code of the LedgerError a promise rejects with. */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof LedgerError) return error.code;
    throw error;
  }
  throw new Error('expected the command to be refused, but it succeeded');
}

export async function errorOf(promise: Promise<unknown>): Promise<LedgerError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof LedgerError) return error;
    throw error;
  }
  throw new Error('expected the command to be refused, but it succeeded');
}
