// Model-based property test: random command sequences over several enterprises and programmes, run
// against the ledger and against a plain reference model of the rules (amounts in fen, as bigints).
// Each command's outcome (success or error code, and the award) must agree, and every invariant of
// SPEC §5 must hold in the ledger's own streams after every step.
import fc from 'fast-check';
import { applicationStream, clawbackOrderedOf, paidOf, recoveredOf, type Application } from '../../src/applications/application.js';
import type { ApplicationEvent } from '../../src/applications/events.js';
import { readEventOf } from '../../src/events/upcasting.js';
import type { Recorded } from '../../src/shared/event.js';
import { Money } from '../../src/shared/money.js';
import { streams } from '../../src/shared/streams.js';
import { LedgerError } from '../../src/shared/errors.js';
import { World } from '../support/world.js';

const runCount = Number(process.env['LEDGER_PROPERTY_RUNS'] ?? 200);

// `app` picks among the applications in the state the step needs when `fit` is true (most steps),
// and among all applications otherwise, so that both the rules and the refusals get exercised.
type AppRef = { app: number; fit: boolean };
type Op =
  | { kind: 'submit'; enterprise: number; amount: bigint }
  | ({ kind: 'prepare' | 'reject' | 'withdraw' | 'revoke' } & AppRef)
  | ({ kind: 'approve'; halve: boolean } & AppRef)
  | ({ kind: 'disburse' | 'clawback'; percent: number } & AppRef)
  | { kind: 'recover'; clawback: number; percent: number }
  | { kind: 'flag' | 'lift'; enterprise: number };

const enterprises = [
  { n: 1, city: 'baoding' as const, programmeId: 'baoding-data-voucher' },
  { n: 2, city: 'baoding' as const, programmeId: 'baoding-data-voucher' },
  { n: 3, city: 'wuhan' as const, programmeId: 'wuhan-data-product' },
  { n: 4, city: 'wuhan' as const, programmeId: 'wuhan-data-product' },
];
// 450,000.00: small, so that it runs out often, and a multiple of the awards' 15,000.00 steps, so that
// approvals can fill it exactly.
const wuhanBudgetFen = 45_000_000n;
const voucherBudgetFen = 2_000_000_000n; // 20,000,000.00
const voucherCapFen = 30_000_000n;
const voucherThresholdFen = 30_000_000n;

const fit = fc.oneof({ weight: 5, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) });
const recoverStep = fc.record({ kind: fc.constant('recover' as const), clawback: fc.nat(10), percent: fc.constantFrom(30, 100, 200) });
const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('submit' as const),
      enterprise: fc.nat(3),
      amount: fc.constantFrom(1_000_001n, 2_000_000n, 5_000_000n, 10_000_000n, 15_000_000n, 20_000_000n, 30_000_000n, 45_000_001n, 100_000_000n, 120_000_000n, 300_000_000n),
    }),
  },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('prepare' as const), app: fc.nat(30), fit }) },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('approve' as const),
      app: fc.nat(30),
      fit,
      halve: fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constantFrom('reject' as const, 'withdraw' as const, 'revoke' as const), app: fc.nat(30), fit }) },
  { weight: 6, arbitrary: fc.record({ kind: fc.constantFrom('disburse' as const, 'clawback' as const), app: fc.nat(30), fit, percent: fc.constantFrom(10, 50, 100, 150) }) },
  { weight: 3, arbitrary: recoverStep },
  { weight: 2, arbitrary: fc.record({ kind: fc.constantFrom('flag' as const, 'lift' as const), enterprise: fc.nat(3) }) },
);

/** The applications each step can work on, for picking a fitting one. */
const fits: Record<string, (app: ModelApp) => boolean> = {
  prepare: (a) => a.status === 'submitted',
  reject: (a) => a.status === 'submitted',
  withdraw: (a) => a.status === 'submitted' || a.status === 'in_notice',
  approve: (a) => a.status === 'in_notice',
  revoke: (a) => a.status === 'approved' && a.recorded === 0n,
  disburse: (a) => a.status === 'approved' && a.recorded < a.award,
  clawback: (a) => a.status === 'approved' && a.ordered < a.paid,
};

const fen = (amount: bigint): string => `${amount / 100n}.${String(amount % 100n).padStart(2, '0')}`;
const toFen = (text: string): bigint => BigInt(text.replace('.', ''));
const minBig = (a: bigint, b: bigint) => (a < b ? a : b);
const maxBig = (a: bigint, b: bigint) => (a > b ? a : b);

interface ModelApp {
  id: string;
  enterprise: number;
  base: bigint;
  status: string;
  /** The proposed award its notice listed: the entitlement when the notice opened. */
  noticed: bigint;
  award: bigint;
  /** What the enterprise-year counts of the award: less what corrections clawed back. */
  pooled: bigint;
  approvedAt: number;
  recorded: bigint;
  paid: bigint;
  ordered: bigint;
  orderedByApprover: bigint;
}

interface ModelClawback {
  id: string;
  app: ModelApp;
  amount: bigint;
  recovered: bigint;
}

class Model {
  apps: ModelApp[] = [];
  clawbacks: ModelClawback[] = [];
  flags = new Map<number, string>();
  committed = new Map<string, bigint>([
    ['baoding-data-voucher', 0n],
    ['wuhan-data-product', 0n],
  ]);
  yearOf = new Map<number, { spend: bigint; awarded: bigint }>();

  /** What clawbacks of an application still have to bring back: no payment meanwhile. */
  outstanding(app: ModelApp): bigint {
    return this.clawbacks.filter((c) => c.app === app).reduce((sum, c) => sum + c.amount - c.recovered, 0n);
  }

  year(enterprise: number) {
    let state = this.yearOf.get(enterprise);
    if (state === undefined) this.yearOf.set(enterprise, (state = { spend: 0n, awarded: 0n }));
    return state;
  }

  /** What approving would award before any explicit reduction, and the new annual spend. */
  entitlement(app: ModelApp): { award: bigint; spendAfter: bigint } {
    const year = this.year(app.enterprise);
    if (enterprises[app.enterprise]!.programmeId === 'wuhan-data-product') {
      // No matter named: the application is its own project.
      return { award: minBig((app.base * 3n) / 10n, 200_000_000n), spendAfter: year.spend + app.base };
    }
    // The increment E(S after) − E(S before), within what the cap leaves: a reduction is final.
    const spendAfter = year.spend + app.base;
    return { award: minBig(voucherE(spendAfter) - voucherE(year.spend), maxBig(0n, voucherCapFen - year.awarded)), spendAfter };
  }

  /**
   * After a revocation took its spend and award out of the enterprise-year: where the awards left exceed
   * E(S), the newest are reduced where undisbursed, then clawed back where paid (new clawbacks, in order).
   */
  correct(enterprise: number): { reduced: Map<ModelApp, bigint>; clawedBack: Map<ModelApp, bigint> } {
    const year = this.year(enterprise);
    // What approvers already ordered back is not an overpayment: only the rest is corrected.
    const orderedBack = this.apps.filter((a) => a.enterprise === enterprise && a.status === 'approved').reduce((sum, a) => sum + minBig(a.orderedByApprover, a.pooled), 0n);
    let excess = year.awarded - orderedBack - voucherE(year.spend);
    const reduced = new Map<ModelApp, bigint>();
    const clawedBack = new Map<ModelApp, bigint>();
    if (excess <= 0n) return { reduced, clawedBack };
    const newestFirst = this.apps.filter((a) => a.enterprise === enterprise && a.status === 'approved' && a.pooled > 0n).sort((a, b) => b.approvedAt - a.approvedAt);
    for (const app of newestFirst) {
      const reduce = minBig(excess, minBig(app.pooled, maxBig(0n, app.award - app.recorded)));
      if (reduce === 0n) continue;
      reduced.set(app, reduce);
      excess -= reduce;
    }
    for (const app of newestFirst) {
      if (excess === 0n) break;
      const clawBack = minBig(excess, minBig(app.pooled - (reduced.get(app) ?? 0n), app.paid - app.ordered));
      if (clawBack === 0n) continue;
      clawedBack.set(app, clawBack);
      excess -= clawBack;
    }
    return { reduced, clawedBack };
  }
}

function voucherE(spend: bigint): bigint {
  return spend < voucherThresholdFen ? 0n : minBig((spend * 3n) / 10n, voucherCapFen);
}

async function outcome(run: () => Promise<unknown>): Promise<{ code: string; value: unknown }> {
  try {
    return { code: 'ok', value: await run() };
  } catch (error) {
    if (error instanceof LedgerError) return { code: error.code, value: error };
    throw error;
  }
}

async function checkInvariants(world: World, model: Model, usccs: readonly string[]): Promise<void> {
  for (const [programmeId, budget] of [
    ['baoding-data-voucher', voucherBudgetFen],
    ['wuhan-data-product', wuhanBudgetFen],
  ] as const) {
    const [last] = await world.store.readStream(streams.budget(programmeId, 2025), { direction: 'backwards', maxCount: 1 });
    const committed = last === undefined ? 0n : toFen((last.data as { committedAfter: string }).committedAfter);
    expect(committed).toBe(model.committed.get(programmeId)); // the ledger's figure is the model's
    expect(committed <= budget).toBe(true); // invariant 1
  }
  for (const e of [0, 1]) {
    const uscc = usccs[e]!;
    const [last] = await world.store.readStream(streams.enterpriseYear('baoding-data-voucher', uscc, 2025), { direction: 'backwards', maxCount: 1 });
    const awarded = last === undefined ? 0n : toFen((last.data as { awardedAfter: string }).awardedAfter);
    expect(awarded).toBe(model.year(e).awarded);
    expect(awarded <= voucherCapFen).toBe(true); // invariant 2
  }
  for (const app of model.apps) {
    const events = (await world.store.readStream(streams.application(app.id))).map((e) => readEventOf(e) as Recorded<ApplicationEvent>);
    const state: Application = events.reduce(applicationStream.evolve, applicationStream.initial);
    const award = 'award' in state ? state.award : null;
    const [paid, ordered, recovered] = award === null ? [Money.zero, Money.zero, Money.zero] : [paidOf(award), clawbackOrderedOf(award), recoveredOf(award)];
    expect(state.status).toBe(app.status);
    expect(paid.lessThanOrEqual(award?.award ?? Money.zero)).toBe(true); // invariant 3
    expect(ordered.lessThanOrEqual(paid)).toBe(true);
    expect(recovered.lessThanOrEqual(ordered)).toBe(true);
    expect(paid.format()).toBe(fen(app.paid));
  }
}

describe('the ledger against a reference model of its rules', () => {
  it(`agrees on every outcome and keeps every invariant, over ${runCount} random command sequences`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 10, maxLength: 60 }), async (ops) => {
        const world = await World.create();
        try {
          await world.allocate('wuhan-data-product', 2025, fen(wuhanBudgetFen));
          // Notices may run into 2026 as the clock moves: give that year a calendar (weekends only: test data).
          await world.dispatch('PublishHolidayYear', world.admin(), { params: {}, body: { year: 2026, holidays: [], workdays: [], source: 'test data' } });
          const usccs: string[] = [];
          for (const e of enterprises) usccs.push(await world.enterprise(e.n, e.city));
          const model = new Model();
          let paymentSequence = 0;
          let approvals = 0;

          for (const step of ops) {
            const pickFrom = (apps: ModelApp[], index: number) => apps[index % Math.max(apps.length, 1)];
            const pick = (ref: AppRef & { kind: string }) => {
              const fitting = model.apps.filter(fits[ref.kind]!);
              return ref.fit && fitting.length > 0 ? pickFrom(fitting, ref.app) : pickFrom(model.apps, ref.app);
            };
            switch (step.kind) {
              case 'submit': {
                const e = enterprises[step.enterprise]!;
                const result = await outcome(() => world.submit(e.programmeId, usccs[step.enterprise]!, [fen(step.amount)]));
                expect(result.code).toBe(model.flags.has(step.enterprise) ? 'INELIGIBLE_ENTERPRISE' : 'ok');
                if (result.code === 'ok') {
                  model.apps.push({
                    id: result.value as string,
                    enterprise: step.enterprise,
                    base: step.amount,
                    status: 'submitted',
                    noticed: 0n,
                    award: 0n,
                    pooled: 0n,
                    approvedAt: 0,
                    recorded: 0n,
                    paid: 0n,
                    ordered: 0n,
                    orderedByApprover: 0n,
                  });
                }
                break;
              }
              case 'prepare': {
                const app = pick(step);
                if (app === undefined) break;
                const first = await outcome(() =>
                  world.dispatch('ReviewApplication', world.reviewer(), { params: { applicationId: app.id }, body: { stage: 'district-preliminary', outcome: 'pass' } }),
                );
                expect(first.code).toBe(app.status === 'submitted' ? 'ok' : 'INVALID_TRANSITION');
                if (first.code !== 'ok') break;
                await world.dispatch('ReviewApplication', world.reviewer(), { params: { applicationId: app.id }, body: { stage: 'city-re-review', outcome: 'pass' } });
                await world.dispatch('ReviewApplication', world.reviewer(), { params: { applicationId: app.id }, body: { stage: 'expert-review', outcome: 'pass' } });
                const { endsOn } = await world.notice(enterprises[app.enterprise]!.programmeId, [app.id]);
                world.after(endsOn);
                app.status = 'in_notice';
                app.noticed = model.entitlement(app).award;
                break;
              }
              case 'reject': {
                const app = pick(step);
                if (app === undefined) break;
                const result = await outcome(() =>
                  world.dispatch('ReviewApplication', world.reviewer(), {
                    params: { applicationId: app.id },
                    body: { stage: 'district-preliminary', outcome: 'reject', reason: '不符合条件' },
                  }),
                );
                expect(result.code).toBe(app.status === 'submitted' ? 'ok' : 'INVALID_TRANSITION');
                if (result.code === 'ok') app.status = 'rejected';
                break;
              }
              case 'withdraw': {
                const app = pick(step);
                if (app === undefined) break;
                const result = await outcome(() => world.dispatch('WithdrawApplication', world.reviewer(), { params: { applicationId: app.id }, body: {} }));
                expect(result.code).toBe(['submitted', 'in_notice'].includes(app.status) ? 'ok' : 'INVALID_TRANSITION');
                if (result.code === 'ok') app.status = 'withdrawn';
                break;
              }
              case 'approve': {
                const app = pick(step);
                if (app === undefined) break;
                const { programmeId } = enterprises[app.enterprise]!;
                const { award: entitled, spendAfter } = model.entitlement(app);
                const award = step.halve && entitled > 1n ? entitled / 2n : entitled;
                const body = step.halve && entitled > 1n ? { amount: fen(award) } : {};
                const budget = programmeId === 'wuhan-data-product' ? wuhanBudgetFen : voucherBudgetFen;
                const expectedOf = () =>
                  app.status !== 'in_notice'
                    ? 'INVALID_TRANSITION'
                    : model.flags.has(app.enterprise)
                      ? 'INELIGIBLE_ENTERPRISE'
                      : award > app.noticed
                        ? 'AMOUNT_ABOVE_NOTICE'
                        : model.committed.get(programmeId)! + award > budget
                          ? 'BUDGET_EXCEEDED'
                          : 'ok';
                let result = await outcome(() => world.approve(app.id, body));
                expect(result.code).toBe(expectedOf());
                if (result.code === 'AMOUNT_ABOVE_NOTICE') {
                  // The pools moved since the notice: a new notice lists the amount now due, then the approval.
                  const { endsOn } = await world.notice(programmeId, [app.id]);
                  world.after(endsOn);
                  app.noticed = entitled;
                  result = await outcome(() => world.approve(app.id, body));
                  expect(result.code).toBe(expectedOf());
                }
                if (result.code !== 'ok') break;
                expect((result.value as { award: string }).award).toBe(fen(award));
                app.status = 'approved';
                app.award = award;
                app.pooled = award;
                approvals += 1;
                app.approvedAt = approvals;
                model.committed.set(programmeId, model.committed.get(programmeId)! + award);
                const year = model.year(app.enterprise);
                year.spend = spendAfter;
                year.awarded += award;
                break;
              }
              case 'revoke': {
                const app = pick(step);
                if (app === undefined) break;
                const result = await outcome(() => world.dispatch('RevokeAward', world.approver(), { params: { applicationId: app.id }, body: { reason: '撤销' } }));
                expect(result.code).toBe(app.status === 'approved' && app.recorded === 0n ? 'ok' : 'INVALID_TRANSITION');
                if (result.code !== 'ok') break;
                const { programmeId } = enterprises[app.enterprise]!;
                model.committed.set(programmeId, model.committed.get(programmeId)! - app.award);
                const year = model.year(app.enterprise);
                year.spend -= app.base;
                year.awarded -= app.pooled;
                app.status = 'revoked';
                if (programmeId !== 'baoding-data-voucher') break;
                // Corrections recompute the enterprise-year, in the same append.
                const { reduced, clawedBack } = model.correct(app.enterprise);
                const told = new Map(
                  (result.value as { corrections: { applicationId: string; reduced: string; clawbackOrdered: string; clawbackId: string | null }[] }).corrections.map((c) => [
                    c.applicationId,
                    c,
                  ]),
                );
                expect([...told.keys()].sort()).toEqual([...new Set([...reduced.keys(), ...clawedBack.keys()].map((a) => a.id))].sort());
                for (const [other, amount] of reduced) {
                  other.award -= amount;
                  other.pooled -= amount;
                  year.awarded -= amount;
                  model.committed.set(programmeId, model.committed.get(programmeId)! - amount);
                  expect(told.get(other.id)?.reduced).toBe(fen(amount));
                }
                for (const [other, amount] of clawedBack) {
                  other.pooled -= amount;
                  other.ordered += amount;
                  year.awarded -= amount;
                  const clawbackId = told.get(other.id)?.clawbackId;
                  expect(told.get(other.id)?.clawbackOrdered).toBe(fen(amount));
                  model.clawbacks.push({ id: clawbackId!, app: other, amount, recovered: 0n });
                }
                break;
              }
              case 'disburse': {
                const app = pick(step);
                if (app === undefined) break;
                const amount = maxBig(1n, (app.award * BigInt(step.percent)) / 100n);
                let expected = 'ok';
                if (app.status !== 'approved') expected = 'INVALID_TRANSITION';
                else if (model.flags.has(app.enterprise)) expected = 'INELIGIBLE_ENTERPRISE';
                else if (model.outstanding(app) > 0n) expected = 'CLAWBACK_OUTSTANDING';
                else if (app.recorded + amount > app.award) expected = 'DISBURSEMENT_EXCEEDS_AWARD';
                paymentSequence += 1;
                const paymentRef = `PAY-${paymentSequence}`;
                const result = await outcome(() =>
                  world.dispatch('RecordDisbursement', world.finance('maker'), {
                    params: { applicationId: app.id },
                    body: { amount: fen(amount), paymentRef, paidOn: world.now.slice(0, 10) },
                  }),
                );
                expect(result.code).toBe(expected);
                if (result.code !== 'ok') break;
                app.recorded += amount;
                await world.dispatch('ConfirmDisbursement', world.finance('checker'), {
                  params: { disbursementId: (result.value as { disbursementId: string }).disbursementId },
                  body: undefined,
                });
                app.paid += amount;
                break;
              }
              case 'clawback': {
                const app = pick(step);
                if (app === undefined) break;
                const amount = maxBig(1n, ((app.paid - app.ordered) * BigInt(step.percent)) / 100n);
                let expected = 'ok';
                if (app.status !== 'approved') expected = 'INVALID_TRANSITION';
                else if (app.ordered + amount > app.paid) expected = 'CLAWBACK_EXCEEDS_PAID';
                const result = await outcome(() =>
                  world.dispatch('OrderClawback', world.approver(), { params: { applicationId: app.id }, body: { amount: fen(amount), reason: '违规使用' } }),
                );
                expect(result.code).toBe(expected);
                if (result.code !== 'ok') break;
                app.ordered += amount;
                app.orderedByApprover += amount;
                model.clawbacks.push({ id: (result.value as { clawbackId: string }).clawbackId, app, amount, recovered: 0n });
                break;
              }
              case 'recover': {
                const clawback = model.clawbacks[step.clawback % Math.max(model.clawbacks.length, 1)];
                if (clawback === undefined) break;
                const outstanding = clawback.amount - clawback.recovered;
                const amount = maxBig(1n, (outstanding * BigInt(step.percent)) / 100n);
                const result = await outcome(() =>
                  world.dispatch('RecordRecovery', world.finance(), {
                    params: { clawbackId: clawback.id },
                    body: { amount: fen(amount), receivedOn: world.now.slice(0, 10), receiptRef: 'R' },
                  }),
                );
                expect(result.code).toBe(amount <= outstanding ? 'ok' : 'RECOVERY_EXCEEDS_ORDERED');
                if (result.code === 'ok') clawback.recovered += amount;
                break;
              }
              case 'flag': {
                if (model.flags.has(step.enterprise)) break;
                const result = await world.dispatch('RaiseFlag', world.admin(), {
                  params: { uscc: usccs[step.enterprise]! },
                  body: { list: 'major-tax-violation', source: '税务', since: '2025-01-01' },
                });
                model.flags.set(step.enterprise, result.flagId);
                break;
              }
              case 'lift': {
                const flagId = model.flags.get(step.enterprise);
                if (flagId === undefined) break;
                await world.dispatch('LiftFlag', world.admin(), { params: { uscc: usccs[step.enterprise]!, flagId }, body: {} });
                model.flags.delete(step.enterprise);
                break;
              }
            }
            // Invariant 6 is in here too: recoveries never lower the model's commitments, so a
            // ledger that restored headroom on recovery would disagree with it.
            await checkInvariants(world, model, usccs);
          }
        } finally {
          await world.close();
        }
      }),
      { numRuns: runCount },
    );
  });
});
