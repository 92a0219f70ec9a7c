// Property test of the award arithmetic on the paths where money is corrected or decided case by case
// (SPEC §2–3, §5 invariants 1–3): random sequences of approvals (in full, reduced, 一事一议), revocations,
// payments, clawbacks (some disqualifying the spend) and recoveries over the 数智券, R&D projects and the
// two Wuhan programmes sharing matters. After every step the figures are worked out again from the
// applications alone, independently of the pools' own streams, and checked against the rules; at the
// end of each sequence the log is replayed into a fresh read side that must reconcile with it.
import fc from 'fast-check';
import { applicationStream, awardBaseOf, clawbackOrderedOf, paidOf, recoveredOf, type Application } from '../../src/applications/application.js';
import type { ApplicationEvent } from '../../src/applications/events.js';
import { readEventOf } from '../../src/events/upcasting.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { Projector } from '../../src/projections/projector.js';
import { ReadQueries } from '../../src/projections/queries.js';
import { reconcile } from '../../src/projections/reconcile.js';
import { SqliteReadModel } from '../../src/projections/sqlite-read-model.js';
import { builtInProgrammes } from '../../src/programmes/definitions.js';
import { poolEntitlement, type PooledRule } from '../../src/programmes/award-rules.js';
import type { Recorded } from '../../src/shared/event.js';
import { LedgerError } from '../../src/shared/errors.js';
import { Money } from '../../src/shared/money.js';
import { streams } from '../../src/shared/streams.js';
import { World } from '../support/world.js';

const runCount = Number(process.env['LEDGER_PROPERTY_RUNS'] ?? 200);

const programmes = ['baoding-data-voucher', 'baoding-rnd-project', 'wuhan-dataset-construction', 'wuhan-data-product'] as const;
type ProgrammeId = (typeof programmes)[number];
const ruleOf = (id: ProgrammeId) => builtInProgrammes.find((p) => p.id === id)!.rule as PooledRule;
const budgets: Record<ProgrammeId, string> = {
  'baoding-data-voucher': '20000000.00',
  'baoding-rnd-project': '2000000.00',
  'wuhan-dataset-construction': '3000000.00',
  'wuhan-data-product': '3000000.00',
};

type Op =
  | { kind: 'submit'; programme: number; amount: number; key: number; recognizedShare: number }
  // Two 数智券 applications approved one after the other: the first often below the threshold, the second
  // standing on its spend (what a later revocation or disqualification has to correct).
  | { kind: 'pair'; first: number; second: number }
  | { kind: 'approve'; app: number; mode: 'full' | 'reduced' | 'case-by-case'; share: number }
  | { kind: 'revoke'; app: number; early: boolean }
  | { kind: 'pay'; app: number; percent: number }
  | { kind: 'clawback'; app: number; percent: number; disqualify: boolean }
  | { kind: 'recover'; clawback: number; percent: number };

// Around the 数智券's 300,000.00 threshold (where corrections bite: the entitlement is not subadditive
// there); around the per-project caps elsewhere.
const voucherAmounts = ['100000.00', '150000.00', '200000.00', '250000.00', '300000.00', '1200000.00'];
const projectAmounts = ['300000.00', '600000.00', '1200000.00', '4000000.00', '150000.00', '7000000.00'];
const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('submit' as const),
      // The 数智券 most often: its threshold is where corrections bite.
      programme: fc.constantFrom(0, 0, 0, 1, 2, 3),
      amount: fc.nat(5),
      key: fc.nat(1),
      recognizedShare: fc.constantFrom(100, 100, 80),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('pair' as const), first: fc.nat(3), second: fc.nat(4) }) },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('approve' as const),
      app: fc.nat(40),
      mode: fc.constantFrom('full' as const, 'full' as const, 'full' as const, 'reduced' as const, 'case-by-case' as const),
      share: fc.constantFrom(50, 100, 120),
    }),
  },
  // `early`: an award of 0.00 from below the threshold, whose spend the later awards of the year stand on.
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('revoke' as const), app: fc.nat(40), early: fc.constantFrom(true, true, true, false) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('pay' as const), app: fc.nat(40), percent: fc.constantFrom(40, 100) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('clawback' as const), app: fc.nat(40), percent: fc.constantFrom(50, 100), disqualify: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('recover' as const), clawback: fc.nat(10), percent: fc.constantFrom(50, 100) }) },
);

/** Refusals a random step may meet; anything else (or an error that is not a refusal) fails the run. */
const expectedRefusals = new Set([
  'INVALID_TRANSITION',
  'BUDGET_EXCEEDED',
  'AMOUNT_ABOVE_ENTITLEMENT',
  'DISBURSEMENT_EXCEEDS_AWARD',
  'CLAWBACK_EXCEEDS_PAID',
  'CLAWBACK_OUTSTANDING',
  'RECOVERY_EXCEEDS_ORDERED',
  'VALIDATION_FAILED',
]);

interface Tracked {
  readonly id: string;
  readonly programmeId: ProgrammeId;
  readonly key: string;
}

/** What the runs went through, so that a generator that stopped reaching a path is noticed. */
const reached = { approved: 0, caseByCase: 0, corrected: 0, disqualified: 0, recovered: 0 };

async function attempt(run: () => Promise<unknown>): Promise<unknown> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof LedgerError && expectedRefusals.has(error.code)) return undefined;
    throw error;
  }
}

type Approved = Extract<Application, { status: 'approved' }>;

/**
 * Approves as the process runs: where the pools moved since the notice (or a 一事一议 amount is above
 * it), the approval is refused with AMOUNT_ABOVE_NOTICE, a new notice lists the amount now due, and
 * the approval follows its end.
 */
async function approveRenoticing(world: World, id: string, programmeId: string, body: Record<string, unknown> = {}): Promise<unknown> {
  try {
    return await world.approve(id, body);
  } catch (error) {
    if (!(error instanceof LedgerError) || error.code !== 'AMOUNT_ABOVE_NOTICE') throw error;
    const amount = typeof body['amount'] === 'string' ? body['amount'] : undefined;
    const { endsOn } = await world.notice(programmeId, [id], amount === undefined ? {} : { [id]: amount });
    world.after(endsOn);
    return await world.approve(id, body);
  }
}

async function stateOf(world: World, id: string): Promise<Application> {
  const events = (await world.store.readStream(streams.application(id))).map((e) => readEventOf(e) as Recorded<ApplicationEvent>);
  return events.reduce(applicationStream.evolve, applicationStream.initial);
}

/** What an application keeps in its pool: its award less everything ordered back; nothing once its spend is disqualified. */
function counted(app: Approved): { spend: Money; award: Money; caseByCase: boolean } | null {
  const clawbacks = [...app.award.clawbacks.values()];
  if (clawbacks.some((c) => c.disqualifiesSpend)) return null;
  return { spend: awardBaseOf(app), award: app.award.award.minus(clawbackOrderedOf(app.award)), caseByCase: app.award.caseByCase };
}

async function checkFigures(world: World, tracked: readonly Tracked[]): Promise<void> {
  const approved: { t: Tracked; app: Approved }[] = [];
  for (const t of tracked) {
    const app = await stateOf(world, t.id);
    if (app.status !== 'approved') continue;
    approved.push({ t, app });
    // Invariant 3: paid − recovered ≤ award; ordered ≤ paid; recovered ≤ ordered.
    const paid = paidOf(app.award);
    expect(paid.minus(recoveredOf(app.award)).lessThanOrEqual(app.award.award)).toBe(true);
    expect(clawbackOrderedOf(app.award).lessThanOrEqual(paid)).toBe(true);
    expect(recoveredOf(app.award).lessThanOrEqual(clawbackOrderedOf(app.award))).toBe(true);
  }
  // Invariant 1: Σ awards ≤ budget, and the budget stream's committed is exactly Σ awards.
  for (const programmeId of programmes) {
    const total = Money.sum(approved.filter((a) => a.t.programmeId === programmeId).map((a) => a.app.award.award));
    const [last] = await world.store.readStream(streams.budget(programmeId, 2025), { direction: 'backwards', maxCount: 1 });
    const committed = last === undefined ? Money.zero : Money.of((last.data as { committedAfter: string }).committedAfter);
    expect(committed.format()).toBe(total.format());
    expect(total.lessThanOrEqual(Money.of(budgets[programmeId]))).toBe(true);
  }
  // Invariant 2: each pool's ordinary awards ≤ min(cap, E(S)) — the 数智券 enterprise-year, each project.
  const pools = new Map<string, { rule: PooledRule; spend: Money; ordinary: Money }>();
  for (const { t, app } of approved) {
    const c = counted(app);
    if (c === null) continue;
    const key = t.programmeId === 'baoding-data-voucher' ? t.programmeId : `${t.programmeId}|${t.key}`;
    const pool = pools.get(key) ?? { rule: ruleOf(t.programmeId), spend: Money.zero, ordinary: Money.zero };
    pools.set(key, { ...pool, spend: pool.spend.plus(c.spend), ordinary: c.caseByCase ? pool.ordinary : pool.ordinary.plus(c.award) });
  }
  for (const [key, pool] of pools) {
    const entitlement = poolEntitlement(pool.rule, pool.spend);
    expect({ key, within: pool.ordinary.lessThanOrEqual(entitlement), ordinary: pool.ordinary.format(), entitlement: entitlement.format() }).toMatchObject({ within: true });
  }
  // 就高不重复: a Wuhan matter's awards across both programmes ≤ the higher of the two entitlements.
  for (const key of ['0', '1']) {
    const of = (programmeId: ProgrammeId) => pools.get(`${programmeId}|${key}`);
    const highest = (['wuhan-dataset-construction', 'wuhan-data-product'] as const).reduce((max, id) => {
      const pool = of(id);
      return pool === undefined ? max : max.max(poolEntitlement(pool.rule, pool.spend));
    }, Money.zero);
    const total = Money.sum(approved.filter((a) => a.t.programmeId.startsWith('wuhan-') && a.t.key === key).map((a) => counted(a.app)?.award ?? Money.zero));
    expect({ matter: key, within: total.lessThanOrEqual(highest), total: total.format(), highest: highest.format() }).toMatchObject({ within: true });
  }
}

/** Replays the log into a fresh read side: its figures must reconcile with the streams exactly. */
async function checkReplay(world: World): Promise<void> {
  const store = world.store as SqliteEventStore;
  const model = new SqliteReadModel(store.database);
  await new Projector(store, model).rebuild();
  const report = await reconcile(store, new ReadQueries(store.database));
  expect(report.differences).toEqual([]);
}

describe('corrections, 一事一议 and per-project caps', () => {
  it(`keep every pool within its entitlement and every figure replayable, over ${runCount} random sequences`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 8, maxLength: 28 }), async (ops) => {
        const world = await World.create();
        try {
          for (const programmeId of programmes.slice(1)) await world.allocate(programmeId, 2025, budgets[programmeId]);
          await world.dispatch('PublishHolidayYear', world.admin(), { params: {}, body: { year: 2026, holidays: [], workdays: [], source: 'test data' } });
          const baoding = await world.enterprise(1, 'baoding');
          const wuhan = await world.enterprise(2, 'wuhan');
          const tracked: Tracked[] = [];
          const clawbacks: string[] = [];
          let payment = 0;
          // Mostly an application in the state the step needs (so that the rules, not the refusals, are exercised).
          const pick = async (index: number, fits: (app: Application) => boolean): Promise<Tracked | undefined> => {
            const fitting: Tracked[] = [];
            for (const t of tracked) if (fits(await stateOf(world, t.id))) fitting.push(t);
            const from = fitting.length > 0 && index % 5 !== 0 ? fitting : tracked;
            return from[index % Math.max(from.length, 1)];
          };
          const approvedWith = (test: (app: Approved) => boolean) => (app: Application) => app.status === 'approved' && test(app);

          for (const step of ops) {
            switch (step.kind) {
              case 'submit': {
                const programmeId = programmes[step.programme]!;
                const key = String(step.key);
                const extra = programmeId === 'baoding-rnd-project' ? { approvalRef: `冀科立项-${key}` } : programmeId.startsWith('wuhan-') ? { matterKey: `m-${key}` } : {};
                const amount = (programmeId === 'baoding-data-voucher' ? voucherAmounts : projectAmounts)[step.amount]!;
                const id = await world.submit(programmeId, programmeId.startsWith('wuhan-') ? wuhan : baoding, [amount], extra);
                const recognized = Money.of(amount)
                  .timesRate(String(step.recognizedShare / 100))
                  .format();
                await world.reviewAll(id, recognized);
                const { endsOn } = await world.notice(programmeId, [id]);
                world.after(endsOn);
                tracked.push({ id, programmeId, key });
                break;
              }
              case 'pair': {
                for (const index of [step.first, step.second]) {
                  const id = await world.submit('baoding-data-voucher', baoding, [voucherAmounts[index]!]);
                  await world.reviewAll(id);
                  const { endsOn } = await world.notice('baoding-data-voucher', [id]);
                  world.after(endsOn);
                  tracked.push({ id, programmeId: 'baoding-data-voucher', key: '0' });
                  if ((await attempt(() => approveRenoticing(world, id, 'baoding-data-voucher'))) !== undefined) reached.approved += 1;
                }
                break;
              }
              case 'approve': {
                const t = await pick(step.app, (a) => a.status === 'in_notice');
                if (t === undefined) break;
                const app = await stateOf(world, t.id);
                if (app.status === 'none') break;
                const base = awardBaseOf(app);
                const body =
                  step.mode === 'case-by-case'
                    ? { amount: base.timesRate(String(step.share / 100)).format(), caseByCase: { justification: '特别重大项目' } }
                    : step.mode === 'reduced'
                      ? { amount: '1000.00' }
                      : {};
                if ((await attempt(() => approveRenoticing(world, t.id, t.programmeId, body))) !== undefined) {
                  reached.approved += 1;
                  if (step.mode === 'case-by-case') reached.caseByCase += 1;
                }
                break;
              }
              case 'revoke': {
                const t = await pick(
                  step.app,
                  approvedWith((a) => a.award.disbursements.size === 0 && (!step.early || (a.submission.programmeId === 'baoding-data-voucher' && a.award.award.isZero()))),
                );
                if (t === undefined) break;
                const revoked = (await attempt(() => world.dispatch('RevokeAward', world.approver(), { params: { applicationId: t.id }, body: { reason: '撤销' } }))) as
                  { corrections: { clawbackId: string | null }[] } | undefined;
                clawbacks.push(...(revoked?.corrections ?? []).flatMap((c) => (c.clawbackId === null ? [] : [c.clawbackId])));
                if ((revoked?.corrections.length ?? 0) > 0) reached.corrected += 1;
                break;
              }
              case 'pay': {
                const t = await pick(
                  step.app,
                  approvedWith((a) => a.award.award.greaterThan(Money.zero)),
                );
                if (t === undefined) break;
                const app = await stateOf(world, t.id);
                if (app.status !== 'approved' || app.award.award.isZero()) break;
                payment += 1;
                const amount = app.award.award
                  .timesRate(String(step.percent / 100))
                  .max(Money.of('0.01'))
                  .format();
                const recorded = (await attempt(() =>
                  world.dispatch('RecordDisbursement', world.finance('maker'), {
                    params: { applicationId: t.id },
                    body: { amount, paymentRef: `PAY-${payment}`, paidOn: world.now.slice(0, 10) },
                  }),
                )) as { disbursementId: string } | undefined;
                if (recorded !== undefined) {
                  await attempt(() => world.dispatch('ConfirmDisbursement', world.finance('checker'), { params: { disbursementId: recorded.disbursementId }, body: undefined }));
                }
                break;
              }
              case 'clawback': {
                const t = await pick(
                  step.app,
                  approvedWith((a) => paidOf(a.award).greaterThan(clawbackOrderedOf(a.award))),
                );
                if (t === undefined) break;
                const app = await stateOf(world, t.id);
                if (app.status !== 'approved') break;
                const open = paidOf(app.award).minus(clawbackOrderedOf(app.award));
                if (open.isZero()) break;
                const amount = open
                  .timesRate(String(step.percent / 100))
                  .max(Money.of('0.01'))
                  .format();
                const ordered = (await attempt(() =>
                  world.dispatch('OrderClawback', world.approver(), {
                    params: { applicationId: t.id },
                    body: { amount, reason: step.disqualify ? '虚假发票' : '违规使用', disqualifiesSpend: step.disqualify },
                  }),
                )) as { clawbackId: string; corrections: { clawbackId: string | null }[] } | undefined;
                if (ordered !== undefined) {
                  clawbacks.push(ordered.clawbackId, ...ordered.corrections.flatMap((c) => (c.clawbackId === null ? [] : [c.clawbackId])));
                  if (step.disqualify) reached.disqualified += 1;
                  if (ordered.corrections.length > 0) reached.corrected += 1;
                }
                break;
              }
              case 'recover': {
                const clawbackId = clawbacks[step.clawback % Math.max(clawbacks.length, 1)];
                if (clawbackId === undefined) break;
                const received = await attempt(() =>
                  world.dispatch('RecordRecovery', world.finance(), {
                    params: { clawbackId },
                    body: { amount: step.percent === 100 ? '1.00' : '0.50', receivedOn: world.now.slice(0, 10), receiptRef: 'R' },
                  }),
                );
                if (received !== undefined) reached.recovered += 1;
                break;
              }
            }
            await checkFigures(world, tracked);
          }
          await checkReplay(world);
        } finally {
          await world.close();
        }
      }),
      { numRuns: runCount },
    );
    // The sequences went where the rules are: approvals, 一事一议, corrections, disqualifications, receipts.
    process.stdout.write(`corrections property reached ${JSON.stringify(reached)}\n`);
    expect(Object.entries(reached).filter(([, count]) => count === 0)).toEqual([]);
  });
});
