// A small, realistic demo history for a first look at the ledger (`ledger seed:demo`): both cities,
// every built-in programme, notices already past, awards paid and confirmed by two finance users, a
// clawback with a first receipt; one application waits for its collective decision and one award for
// its payment, so that a walk-through can approve and pay on its first day.
//
// Everything goes through the ledger's own commands, as users would issue them, each with the time it
// is dated: the command's `now` is the ledger's only clock, so a history dated in 2026 passes the same
// rules (notice periods, invoice and payment dates) as one typed in then. Command ids are fixed, so
// running it again changes nothing and answers the same.
import type { LedgerCommands } from '../commands/ledger-commands.js';
import type { CommandRequest } from '../commands/use-case.js';
import type { CommandType } from '../commands/use-cases.js';
import type { EventStore, StoredEvent } from '../event-store/event-store.js';
import { builtInProgrammes } from '../programmes/definitions.js';
import type { CommandContext, Role } from '../shared/actor.js';
import { usccCheckCharacter } from '../shared/identifiers.js';
import { addDays } from '../shared/time.js';

/** The fiscal year the demo takes place in. */
export const demoYear = 2026;

const commandIdPrefix = 'demo-';
const builtInPrefix = 'built-in-programme-';

/** 国务院办公厅关于2026年部分节假日安排的通知: weekdays off and weekend days worked. */
const holidays2026 = {
  year: demoYear,
  holidays: [
    '2026-01-01',
    '2026-01-02',
    '2026-02-16',
    '2026-02-17',
    '2026-02-18',
    '2026-02-19',
    '2026-02-20',
    '2026-02-23',
    '2026-04-06',
    '2026-05-01',
    '2026-05-04',
    '2026-05-05',
    '2026-06-19',
    '2026-09-25',
    '2026-10-01',
    '2026-10-02',
    '2026-10-05',
    '2026-10-06',
    '2026-10-07',
  ],
  workdays: ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'],
  source: '国务院办公厅关于2026年部分节假日安排的通知',
};

type City = 'baoding' | 'wuhan';

const regionOf: Record<City, string> = { baoding: '130600', wuhan: '420100' };

function usccOf(city: City, n: number): string {
  const first17 = `91${regionOf[city]}MA${String(n).padStart(7, '0')}`;
  return first17 + usccCheckCharacter(first17);
}

const enterprises = {
  zhiyun: { uscc: usccOf('baoding', 1), name: '保定智云数据科技有限公司', city: 'baoding', district: '竞秀区', tags: ['specialized-little-giant'] },
  suanli: { uscc: usccOf('baoding', 2), name: '保定燕赵算力服务有限公司', city: 'baoding', district: '莲池区', tags: [] },
  xinchuang: { uscc: usccOf('baoding', 3), name: '保定京南信创软件有限公司', city: 'baoding', district: '徐水区', tags: [] },
  biaozhun: { uscc: usccOf('baoding', 4), name: '保定华北标准技术有限公司', city: 'baoding', district: '满城区', tags: [] },
  guanggu: { uscc: usccOf('wuhan', 1), name: '武汉光谷数据集科技有限公司', city: 'wuhan', district: '东湖高新区', tags: ['potential-unicorn'] },
  jianghan: { uscc: usccOf('wuhan', 2), name: '武汉江汉数智产品有限公司', city: 'wuhan', district: '江汉区', tags: [] },
} as const;

type EnterpriseName = keyof typeof enterprises;

const allocations: readonly { programmeId: string; amount: string }[] = [
  { programmeId: 'baoding-rnd-project', amount: '8000000.00' },
  { programmeId: 'baoding-innovation-platform', amount: '6000000.00' },
  { programmeId: 'baoding-standards', amount: '2000000.00' },
  { programmeId: 'wuhan-dataset-construction', amount: '10000000.00' },
  { programmeId: 'wuhan-data-product', amount: '10000000.00' },
];

interface DemoApplication {
  readonly name: string;
  readonly programmeId: string;
  readonly enterprise: EnterpriseName;
  /** None for a recognition award (platforms, standards), which names its recognition in `extra`. */
  readonly items: readonly { amount: string; invoiceDate: string; category?: string }[];
  readonly extra?: Readonly<Record<string, string | { documentRef: string; issuer: string; issuedOn: string }>>;
  /** Set by the expert review, where the experts recognized less than was claimed. */
  readonly recognizedAmount?: string;
  /** What happens to it: rejected at review, or paid in these tranches (none: approved, not yet paid). */
  readonly outcome: { readonly rejectedAt: string } | { readonly paid: readonly string[] } | 'approve-only';
}

/** The first round of the year: reviewed in March, on notice in April, decided and paid from May. */
const firstRound: readonly DemoApplication[] = [
  {
    name: 'voucher-zhiyun',
    programmeId: 'baoding-data-voucher',
    enterprise: 'zhiyun',
    items: [
      { amount: '800000.00', invoiceDate: '2026-01-20', category: 'compute-rental' },
      { amount: '400000.00', invoiceDate: '2026-02-10', category: 'llm-services' },
    ],
    outcome: { paid: ['150000.00', '150000.00'] },
  },
  {
    name: 'voucher-suanli',
    programmeId: 'baoding-data-voucher',
    enterprise: 'suanli',
    items: [{ amount: '200000.00', invoiceDate: '2026-02-03', category: 'data-trading' }],
    // Below the 300,000.00 threshold: approved at 0.00, its spend counts toward the year's later applications.
    outcome: 'approve-only',
  },
  {
    name: 'rnd-xinchuang',
    programmeId: 'baoding-rnd-project',
    enterprise: 'xinchuang',
    items: [{ amount: '600000.00', invoiceDate: '2026-01-15' }],
    extra: { approvalRef: '冀科计〔2026〕15号' },
    outcome: { paid: ['300000.00'] },
  },
  {
    name: 'platform-zhiyun',
    programmeId: 'baoding-innovation-platform',
    enterprise: 'zhiyun',
    items: [],
    extra: {
      level: 'provincial',
      matterKey: 'KL-zhiyun-data-intelligence',
      recognition: { documentRef: '冀科平台认〔2026〕8号', issuer: '河北省科学技术厅', issuedOn: '2026-01-08' },
    },
    outcome: { paid: ['500000.00'] },
  },
  {
    name: 'standards-biaozhun',
    programmeId: 'baoding-standards',
    enterprise: 'biaozhun',
    items: [],
    extra: { level: 'lead-national', matterKey: 'GB-T-46001-2026', recognition: { documentRef: '国标委发〔2026〕3号', issuer: '国家标准化管理委员会', issuedOn: '2026-02-02' } },
    // Approved, waiting for its payment.
    outcome: 'approve-only',
  },
  {
    name: 'standards-zhiyun',
    programmeId: 'baoding-standards',
    enterprise: 'zhiyun',
    items: [],
    extra: {
      level: 'participant-national',
      matterKey: 'GB-T-46002-2026',
      recognition: { documentRef: '国标委发〔2026〕5号', issuer: '国家标准化管理委员会', issuedOn: '2026-01-27' },
    },
    outcome: { paid: ['30000.00'] },
  },
  {
    name: 'standards-suanli',
    programmeId: 'baoding-standards',
    enterprise: 'suanli',
    items: [],
    extra: { level: 'participant-industry', matterKey: 'SJ-T-11901-2026', recognition: { documentRef: '工信部公告2026年第9号', issuer: '工业和信息化部', issuedOn: '2026-02-05' } },
    outcome: { rejectedAt: 'city-re-review' },
  },
  {
    name: 'dataset-guanggu',
    programmeId: 'wuhan-dataset-construction',
    enterprise: 'guanggu',
    items: [{ amount: '2000000.00', invoiceDate: '2026-02-26' }],
    recognizedAmount: '1800000.00',
    outcome: { paid: ['540000.00'] },
  },
  {
    name: 'product-jianghan',
    programmeId: 'wuhan-data-product',
    enterprise: 'jianghan',
    items: [{ amount: '800000.00', invoiceDate: '2026-03-03' }],
    outcome: { paid: ['240000.00'] },
  },
];

/** The autumn round: on notice in October, its notice long over, waiting for the collective decision. */
const autumnApplication: DemoApplication = {
  name: 'voucher-xinchuang',
  programmeId: 'baoding-data-voucher',
  enterprise: 'xinchuang',
  items: [{ amount: '900000.00', invoiceDate: '2026-08-18', category: 'data-assets-on-balance-sheet' }],
  outcome: 'approve-only',
};

/** The collective decisions (党组集体研究) that approve each city's first round. */
const decisionBodies: Record<City, { body: string; reference: string }> = {
  baoding: { body: '保定市数据局党组', reference: '保定市数据局党组会议纪要〔2026〕9号' },
  wuhan: { body: '武汉市数据局党组', reference: '武汉市数据局党组会议纪要〔2026〕6号' },
};

const people = {
  admin: 'admin-zhou',
  reviewers: ['reviewer-li', 'reviewer-wang', 'reviewer-chen'],
  approver: 'approver-zhao',
  maker: 'finance-liu',
  checker: 'finance-sun',
} as const;

export interface DemoSummary {
  readonly fiscalYear: number;
  readonly enterprises: number;
  readonly applications: number;
  readonly commands: number;
  readonly position: string;
  /**
   * On notice (`noticeId`, listing its proposed award), the notice over: record the collective decision
   * (POST /api/decisions), approve it citing the decision (POST /api/applications/:id/approval), pay it.
   */
  readonly awaitingApproval: { readonly applicationId: string; readonly programmeId: string; readonly uscc: string; readonly noticeId: string };
  /** Approved, not paid yet. */
  readonly awaitingPayment: { readonly applicationId: string; readonly programmeId: string; readonly award: string };
  readonly clawback: { readonly clawbackId: string; readonly applicationId: string; readonly ordered: string; readonly recovered: string };
}

/** Why the store is not fresh: its first event that neither the demo nor the start of the service wrote. */
export async function foreignEventOf(store: EventStore): Promise<StoredEvent | undefined> {
  for await (const event of store.readAll()) {
    const commandId = event.metadata.commandId;
    if (!commandId.startsWith(commandIdPrefix) && !commandId.startsWith(builtInPrefix)) return event;
  }
  return undefined;
}

export async function seedDemo(ledger: LedgerCommands): Promise<DemoSummary> {
  let now = '2026-03-02T02:00:00.000Z';
  let sequence = 0;
  const on = (date: string): void => {
    now = `${date}T02:00:00.000Z`;
  };
  const today = (): string => now.slice(0, 10);
  const as = (actorId: string, role: Role): CommandContext => {
    sequence += 1;
    return { commandId: `${commandIdPrefix}${sequence}`, actor: { id: actorId, roles: [role] }, now };
  };
  const run = <T extends CommandType>(type: T, actorId: string, role: Role, request: CommandRequest) => ledger.dispatch(type, as(actorId, role), request);

  // 2 March: the programmes (as the service publishes them at start), the year's calendar, budgets, enterprises.
  await ledger.publishBuiltInProgrammes(now);
  await run('PublishHolidayYear', people.admin, 'admin', { params: {}, body: holidays2026 });
  for (const { programmeId, amount } of allocations) {
    await run('AllocateBudget', people.admin, 'admin', { params: { programmeId }, body: { year: demoYear, amount } });
  }
  for (const { uscc, name, city, district, tags } of Object.values(enterprises)) {
    await run('RegisterEnterprise', people.admin, 'admin', { params: {}, body: { uscc, name, city, district, tags: [...tags] } });
  }

  let invoice = 26_030_000;
  const stagesOf = (programmeId: string): readonly string[] => {
    const definition = builtInProgrammes.find((p) => p.id === programmeId);
    if (definition === undefined) throw new Error(`the demo names an unknown programme ${programmeId}`);
    return definition.stages;
  };

  /** Submits and reviews one application: its id, or undefined where a stage rejects it. */
  const submitAndReview = async (application: DemoApplication): Promise<string | undefined> => {
    const { uscc } = enterprises[application.enterprise];
    // Older invoices: the 8-digit 号码 with the 发票代码 of the enterprise's province.
    const invoiceCode = enterprises[application.enterprise].city === 'baoding' ? '1300251130' : '4200251130';
    const items = application.items.map((item) => ({ invoiceNumber: String((invoice += 1)), invoiceCode, ...item }));
    const submitted = await run('SubmitApplication', people.reviewers[0], 'reviewer', {
      params: {},
      body: { programmeId: application.programmeId, uscc, fiscalYear: demoYear, items, ...application.extra },
    });
    const stages = stagesOf(application.programmeId);
    const definition = builtInProgrammes.find((p) => p.id === application.programmeId);
    for (const [index, stage] of stages.entries()) {
      // Where the programme holds a notice after the stage before (Wuhan's 确认主体), it runs first.
      const previous = stages[index - 1];
      if (previous !== undefined && definition?.noticeStages.some((n) => n.afterStage === previous) === true) {
        const confirmed = await run('OpenNotice', people.approver, 'approver', {
          params: {},
          body: { programmeId: application.programmeId, applicationIds: [submitted.applicationId], opensOn: today() },
        });
        on(addDays(confirmed.endsOn, 1));
      }
      const reviewer = people.reviewers[Math.min(index, people.reviewers.length - 1)] ?? people.reviewers[0];
      const rejectedHere = typeof application.outcome === 'object' && 'rejectedAt' in application.outcome && application.outcome.rejectedAt === stage;
      const last = index === stages.length - 1;
      const body = rejectedHere
        ? { stage, outcome: 'reject', reason: '申报材料与立项内容不一致' }
        : { stage, outcome: 'pass', ...(last && application.recognizedAmount !== undefined ? { recognizedAmount: application.recognizedAmount } : {}) };
      await run('ReviewApplication', reviewer, 'reviewer', { params: { applicationId: submitted.applicationId }, body });
      if (rejectedHere) return undefined;
    }
    return submitted.applicationId;
  };

  /** Opens one notice per programme today, listing each proposed award; the last day any of them ends. */
  const openNotices = async (reviewed: readonly { application: DemoApplication; id: string }[]): Promise<{ endsOn: string; proposed: Map<string, string> }> => {
    let endsOnLast = today();
    const proposed = new Map<string, string>();
    for (const programmeId of [...new Set(reviewed.map((r) => r.application.programmeId))]) {
      const applicationIds = reviewed.filter((r) => r.application.programmeId === programmeId).map((r) => r.id);
      const notice = await run('OpenNotice', people.approver, 'approver', { params: {}, body: { programmeId, applicationIds, opensOn: today() } });
      if (notice.endsOn > endsOnLast) endsOnLast = notice.endsOn;
      for (const entry of notice.entries) proposed.set(entry.applicationId, entry.proposedAward ?? '0.00');
    }
    return { endsOn: endsOnLast, proposed };
  };

  // March: submissions and reviews.
  on('2026-03-10');
  const reviewed: { application: DemoApplication; id: string }[] = [];
  for (const application of firstRound) {
    const id = await submitAndReview(application);
    if (id !== undefined) reviewed.push({ application, id });
  }

  // April: the public notices (5 working days; Qingming falls in them).
  on('2026-04-01');
  const { endsOn, proposed } = await openNotices(reviewed);

  // The day after the last notice ends: each city's collective decision, at the noticed amounts; the approvals cite it.
  on(addDays(endsOn, 1));
  const decisionOf = new Map<City, string>();
  for (const city of ['baoding', 'wuhan'] as const) {
    const listed = reviewed.filter((r) => enterprises[r.application.enterprise].city === city);
    const decided = await run('RecordDecision', people.approver, 'approver', {
      params: {},
      body: { ...decisionBodies[city], decidedOn: today(), kind: 'collective', awards: listed.map((r) => ({ applicationId: r.id, amount: proposed.get(r.id) ?? '0.00' })) },
    });
    decisionOf.set(city, decided.decisionId);
  }
  const awards = new Map<string, string>();
  for (const { application, id } of reviewed) {
    const approved = await run('ApproveAward', people.approver, 'approver', {
      params: { applicationId: id },
      body: { decisionRef: decisionOf.get(enterprises[application.enterprise].city) },
    });
    awards.set(application.name, approved.award);
  }

  // May and June: payments, each recorded by one finance user and confirmed by another.
  let paymentRef = 0;
  for (const [tranche, paidOn] of ['2026-05-15', '2026-06-16'].entries()) {
    on(paidOn);
    for (const { application, id } of reviewed) {
      if (typeof application.outcome !== 'object' || !('paid' in application.outcome)) continue;
      const amount = application.outcome.paid[tranche];
      if (amount === undefined) continue;
      paymentRef += 1;
      const recorded = await run('RecordDisbursement', people.maker, 'finance', {
        params: { applicationId: id },
        body: { amount, paymentRef: `GK-${demoYear}-${String(paymentRef).padStart(4, '0')}`, paidOn },
      });
      await run('ConfirmDisbursement', people.checker, 'finance', { params: { disbursementId: recorded.disbursementId }, body: undefined });
    }
  }

  // September: one more voucher application, reviewed, to go on notice in October.
  on('2026-09-01');
  const autumnId = await submitAndReview(autumnApplication);
  if (autumnId === undefined) throw new Error('the demo autumn application was rejected');

  // The Wuhan data product was not delivered as declared (Wuhan art. 12): part is ordered back, a first receipt comes in.
  const clawedBack = reviewed.find((r) => r.application.name === 'product-jianghan');
  if (clawedBack === undefined) throw new Error('the demo lost its Wuhan data-product application');
  on('2026-09-08');
  const ordered = '120000.00';
  const order = await run('OrderClawback', people.approver, 'approver', {
    params: { applicationId: clawedBack.id },
    body: { amount: ordered, reason: '数据产品未按申报内容交付,按第十二条追回部分资金' },
  });
  on('2026-09-22');
  const recovered = '60000.00';
  await run('RecordRecovery', people.maker, 'finance', {
    params: { clawbackId: order.clawbackId },
    body: { amount: recovered, receivedOn: today(), receiptRef: `SK-${demoYear}-0001` },
  });

  // October: its notice, long over by now; the collective decision is still to be taken.
  on('2026-10-12');
  const lastResult = await run('OpenNotice', people.approver, 'approver', {
    params: {},
    body: { programmeId: autumnApplication.programmeId, applicationIds: [autumnId], opensOn: today() },
  });

  const unpaid = reviewed.find((r) => r.application.name === 'standards-biaozhun');
  if (unpaid === undefined) throw new Error('the demo lost its unpaid standards award');
  return {
    fiscalYear: demoYear,
    enterprises: Object.keys(enterprises).length,
    applications: firstRound.length + 1,
    commands: sequence,
    position: lastResult.position,
    awaitingApproval: {
      applicationId: autumnId,
      programmeId: autumnApplication.programmeId,
      uscc: enterprises[autumnApplication.enterprise].uscc,
      noticeId: lastResult.noticeId,
    },
    awaitingPayment: { applicationId: unpaid.id, programmeId: unpaid.application.programmeId, award: awards.get(unpaid.application.name) ?? '0.00' },
    clawback: { clawbackId: order.clawbackId, applicationId: clawedBack.id, ordered, recovered },
  };
}
