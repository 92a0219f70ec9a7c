// A synthetic history, made through the real commands: all six programmes over three fiscal years,
// with rejections, withdrawals, notices with objections (some upheld), reduced awards, revocations,
// maker–checker disbursements, clawbacks and recoveries, and flags raised and lifted.
// Deterministic: the same seed and size give the same log, event for event.
import { defined } from '../shared/assert.js';
import type { LedgerCommands } from '../commands/ledger-commands.js';
import type { CommandContext, Role } from '../shared/actor.js';
import { LedgerError } from '../shared/errors.js';
import { usccCheckCharacter } from '../shared/identifiers.js';
import { addDays } from '../shared/time.js';
import { Money } from '../shared/money.js';
import { builtInProgrammes } from '../programmes/definitions.js';

export interface SyntheticOptions {
  readonly applications: number;
  readonly seed?: number;
  readonly onProgress?: (applicationsDone: number) => void;
}

export interface SyntheticSummary {
  applications: number;
  commands: number;
  refusals: number;
}

/** mulberry32: a small seeded generator, so that histories are reproducible. */
export function randomFrom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const years = [2025, 2026, 2027] as const;
const wavesPerYear = 10;
const waveSpacingDays = 18;
const noticeSizeMax = 400;
const reviewStages = ['district-preliminary', 'city-re-review', 'expert-review'] as const;

const baodingProgrammes = ['baoding-data-voucher', 'baoding-data-voucher', 'baoding-rnd-project', 'baoding-innovation-platform', 'baoding-standards'] as const;
const wuhanProgrammes = ['wuhan-dataset-construction', 'wuhan-data-product'] as const;
const allocated = ['baoding-rnd-project', 'baoding-innovation-platform', 'baoding-standards', 'wuhan-dataset-construction', 'wuhan-data-product'] as const;
const standardsLevels = ['lead-international', 'lead-national', 'lead-industry', 'lead-hebei-local', 'lead-baoding-local', 'participant-national'] as const;
const categories = [
  'data-property-registration',
  'data-trading',
  'data-assets-on-balance-sheet',
  'data-asset-financing',
  'compute-rental',
  'llm-products',
  'llm-services',
] as const;
const districts = { baoding: ['竞秀区', '莲池区', '满城区', '清苑区', '徐水区'], wuhan: ['江岸区', '江汉区', '洪山区', '东湖高新区'] } as const;
const tagsPool = ['unicorn', 'potential-unicorn', 'specialized-little-giant', 'hidden-champion'] as const;

interface Enterprise {
  uscc: string;
  city: 'baoding' | 'wuhan';
}

interface Pending {
  id: string;
  programmeId: string;
}

export async function generateSynthetic(ledger: LedgerCommands, options: SyntheticOptions): Promise<SyntheticSummary> {
  const random = randomFrom(options.seed ?? 2025);
  const pick = <T>(items: readonly T[]): T => defined(items[Math.floor(random() * items.length)], 'a pick');
  const chance = (p: number): boolean => random() < p;
  const summary: SyntheticSummary = { applications: 0, commands: 0, refusals: 0 };
  let now = '2025-05-01T02:00:00.000Z';
  let sequence = 0;
  let invoiceSequence = 0;
  const as = (actorId: string, role: Role): CommandContext => {
    sequence += 1;
    return { commandId: `synthetic-${options.seed ?? 2025}-${sequence}`, actor: { id: actorId, roles: [role] }, now };
  };
  const on = (date: string): void => {
    const next = `${date}T02:00:00.000Z`;
    if (next > now) now = next;
  };
  /** Runs a command; a refusal by a rule is part of a realistic history, anything else is a bug. */
  const attempt = async <R>(run: () => Promise<R>): Promise<R | undefined> => {
    summary.commands += 1;
    try {
      return await run();
    } catch (error) {
      if (!(error instanceof LedgerError)) throw error;
      summary.refusals += 1;
      return undefined;
    }
  };

  // The definitions shipped with the project, as the service publishes them at start (a no-op where it has).
  await ledger.publishBuiltInProgrammes(now);
  for (const year of [2026, 2027, 2028]) {
    await attempt(() =>
      ledger.dispatch('PublishHolidayYear', as('admin-1', 'admin'), {
        params: {},
        body: { year, holidays: [`${year}-01-01`], workdays: [], source: 'synthetic calendar (weekends and New Year only)' },
      }),
    );
  }

  const enterpriseCount = Math.max(8, Math.ceil(options.applications / 6));
  const enterprises: Enterprise[] = [];
  for (let n = 0; n < enterpriseCount; n += 1) {
    const city = chance(0.7) ? 'baoding' : 'wuhan';
    const first17 = `91${city === 'baoding' ? '130600' : '420100'}${String(n + 1).padStart(9, '0')}`;
    const uscc = first17 + usccCheckCharacter(first17);
    // About one in ten carries a priority tag from the start; one in ten more for certain, so that a small
    // history still queues priority enterprises ahead of others.
    const tagged = chance(0.1);
    const tags = tagged || n % 10 === 4 ? [pick(tagsPool)] : [];
    await attempt(() =>
      ledger.dispatch('RegisterEnterprise', as('admin-1', 'admin'), { params: {}, body: { uscc, name: `合成企业${n + 1}有限公司`, city, district: pick(districts[city]), tags } }),
    );
    enterprises.push({ uscc, city });
  }
  for (const year of years) {
    for (const programmeId of allocated) {
      // Wuhan dataset budgets are tight, so that some approvals are refused for want of budget.
      const amount = programmeId === 'wuhan-dataset-construction' ? '3000000.00' : '900000000.00';
      await attempt(() => ledger.dispatch('AllocateBudget', as('admin-1', 'admin'), { params: { programmeId }, body: { year, amount } }));
    }
  }

  const perWave = Math.ceil(options.applications / (years.length * wavesPerYear));
  const flagged = new Map<string, string>();
  for (const year of years) {
    for (let wave = 0; wave < wavesPerYear && summary.applications < options.applications; wave += 1) {
      on(addDays(`${year}-05-01`, wave * waveSpacingDays));
      const today = (): string => now.slice(0, 10);

      // A priority tag is added on evidence early in the year and taken off later (no draw of the
      // random sequence, so the rest of the log stays what the seed made it).
      const taggedLater = enterprises[years.indexOf(year) % enterprises.length];
      if (taggedLater !== undefined && wave === 1) {
        await attempt(() =>
          ledger.dispatch('AddTag', as('admin-1', 'admin'), { params: { uscc: taggedLater.uscc }, body: { tag: '隐形冠军', evidenceRef: `单项冠军名单〔${year}〕` } }),
        );
      }
      if (taggedLater !== undefined && wave === 6) {
        await attempt(() => ledger.dispatch('RemoveTag', as('admin-1', 'admin'), { params: { uscc: taggedLater.uscc, tag: 'hidden-champion' }, body: { reason: '复核未通过' } }));
      }

      // Flags come and go.
      if (chance(0.5)) {
        const enterprise = pick(enterprises);
        const flagId = flagged.get(enterprise.uscc);
        if (flagId === undefined) {
          const raised = await attempt(() =>
            ledger.dispatch('RaiseFlag', as('admin-1', 'admin'), {
              params: { uscc: enterprise.uscc },
              body: { list: 'major-tax-violation', source: '国家税务总局', since: today() },
            }),
          );
          if (raised !== undefined) flagged.set(enterprise.uscc, raised.flagId);
        } else {
          await attempt(() => ledger.dispatch('LiftFlag', as('admin-1', 'admin'), { params: { uscc: enterprise.uscc, flagId }, body: { reason: '已整改' } }));
          flagged.delete(enterprise.uscc);
        }
      }

      const toReview: (Pending & { recognizedAmount: string | null })[] = [];
      for (let k = 0; k < perWave && summary.applications < options.applications; k += 1) {
        summary.applications += 1;
        const enterprise = pick(enterprises);
        const programmeId = enterprise.city === 'baoding' ? pick(baodingProgrammes) : pick(wuhanProgrammes);
        // Platforms and standards are applied for with their recognition, not invoices. Their items are
        // still drawn (and dropped), so that a seed gives the same history otherwise as before.
        const recognitionAward = programmeId === 'baoding-innovation-platform' || programmeId === 'baoding-standards';
        const itemCount = 1 + Math.floor(random() * 3);
        const items = Array.from({ length: itemCount }, () => {
          invoiceSequence += 1;
          const fen = 1_000_000 + Math.floor(random() * 60_000_000);
          // Both identities the tax system uses: a 20-digit 全电发票 number, or a 发票代码 (its first four
          // digits the province's) with an 8-digit 号码.
          const identity =
            invoiceSequence % 2 === 0
              ? { invoiceNumber: `${String(year).slice(2)}${enterprise.city === 'baoding' ? '13' : '42'}2000${String(invoiceSequence).padStart(12, '0')}` }
              : { invoiceCode: `${enterprise.city === 'baoding' ? '1300' : '4200'}${String(year).slice(2)}1130`, invoiceNumber: String(10_000_000 + invoiceSequence) };
          return {
            ...identity,
            invoiceDate: addDays(`${year}-03-20`, Math.floor(random() * 40)),
            amount: `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`,
            ...(programmeId === 'baoding-data-voucher' ? { category: pick(categories) } : {}),
          };
        });
        const extra: Record<string, unknown> = {};
        if (programmeId === 'baoding-rnd-project') extra['approvalRef'] = `冀科计〔${year}〕${Math.floor(random() * 90) + 10}号`;
        if (programmeId === 'baoding-innovation-platform') extra['level'] = pick(['national', 'provincial', 'municipal', 'municipal']);
        if (programmeId === 'baoding-standards') extra['level'] = pick(standardsLevels);
        if (chance(0.05)) extra['matterKey'] = `M-${enterprise.uscc.slice(8, 17)}-${year}`;
        if (recognitionAward) {
          // Each one a platform (or standard) of its own: the generator does not apply twice for one.
          extra['matterKey'] = `P-${enterprise.uscc.slice(8, 17)}-${year}-${summary.applications}`;
          extra['recognition'] = {
            documentRef: `冀科认〔${year}〕${summary.applications}号`,
            issuer: '河北省科学技术厅',
            issuedOn: defined(items[0], 'the first item').invoiceDate,
          };
        }
        const submitted = await attempt(() =>
          ledger.dispatch('SubmitApplication', as('reviewer-1', 'reviewer'), {
            params: {},
            body: { programmeId, uscc: enterprise.uscc, fiscalYear: year, items: recognitionAward ? [] : items, ...extra },
          }),
        );
        if (submitted === undefined) continue;
        const id = submitted.applicationId;
        // About 3 % are withdrawn, and one in 45 for certain, so that a small history holds withdrawals.
        const withdrawn = chance(0.03);
        if (withdrawn || summary.applications % 45 === 20) {
          await attempt(() => ledger.dispatch('WithdrawApplication', as('reviewer-1', 'reviewer'), { params: { applicationId: id }, body: { reason: '企业主动撤回' } }));
          continue;
        }
        toReview.push({ id, programmeId, recognizedAmount: recognitionAward ? null : (items[0]?.amount ?? null) });
      }

      // Reviews by stage. Where a programme holds a notice after a stage before the last (Wuhan's 确认主体),
      // its applications wait there for that notice, and the clock moves past its end.
      const reviewed: Pending[] = [];
      let waiting = toReview.map((p) => ({ ...p, next: 0 }));
      while (waiting.length > 0) {
        const held: typeof waiting = [];
        for (const p of waiting) {
          const noticeAfter = new Set(builtInProgrammes.find((d) => d.id === p.programmeId)?.noticeStages.map((n) => n.afterStage) ?? []);
          let passed = true;
          let stopped = false;
          for (let index = p.next; index < reviewStages.length; index += 1) {
            const stage = defined(reviewStages[index], 'a review stage');
            if (index > p.next && noticeAfter.has(reviewStages[index - 1] ?? '')) {
              held.push({ ...p, next: index });
              stopped = true;
              break;
            }
            if (chance(0.02)) {
              await attempt(() =>
                ledger.dispatch('ReviewApplication', as(`reviewer-${index + 1}`, 'reviewer'), {
                  params: { applicationId: p.id },
                  body: { stage, outcome: 'reject', reason: '材料不符合申报要求' },
                }),
              );
              passed = false;
              break;
            }
            const recognized = stage === 'expert-review' && chance(0.3) && p.recognizedAmount !== null ? { recognizedAmount: p.recognizedAmount } : {};
            const done = await attempt(() =>
              ledger.dispatch('ReviewApplication', as(`reviewer-${index + 1}`, 'reviewer'), { params: { applicationId: p.id }, body: { stage, outcome: 'pass', ...recognized } }),
            );
            if (done === undefined) {
              passed = false;
              break;
            }
          }
          if (passed && !stopped) reviewed.push({ id: p.id, programmeId: p.programmeId });
        }
        // The notices of the held applications (one per programme), then the day after the last one ends.
        let heldUntil = today();
        for (const programmeId of new Set(held.map((p) => p.programmeId))) {
          const applicationIds = held.filter((p) => p.programmeId === programmeId).map((p) => p.id);
          for (let from = 0; from < applicationIds.length; from += noticeSizeMax) {
            const notice = await attempt(() =>
              ledger.dispatch('OpenNotice', as('approver-1', 'approver'), {
                params: {},
                body: { programmeId, applicationIds: applicationIds.slice(from, from + noticeSizeMax), opensOn: today() },
              }),
            );
            if (notice !== undefined && notice.endsOn > heldUntil) heldUntil = notice.endsOn;
          }
        }
        if (held.length > 0) on(addDays(heldUntil, 1));
        waiting = held;
      }

      // Public notices: one per programme (in pieces of at most `noticeSizeMax`), some objections.
      const noticed: Pending[] = [];
      const proposed = new Map<string, string>();
      let endsOnLast = today();
      const byProgramme = new Map<string, Pending[]>();
      for (const p of reviewed) byProgramme.set(p.programmeId, [...(byProgramme.get(p.programmeId) ?? []), p]);
      for (const [programmeId, group] of byProgramme) {
        for (let from = 0; from < group.length; from += noticeSizeMax) {
          const part = group.slice(from, from + noticeSizeMax);
          const notice = await attempt(() =>
            ledger.dispatch('OpenNotice', as('approver-1', 'approver'), { params: {}, body: { programmeId, applicationIds: part.map((p) => p.id), opensOn: today() } }),
          );
          if (notice === undefined) continue;
          if (notice.endsOn > endsOnLast) endsOnLast = notice.endsOn;
          for (const entry of notice.entries) proposed.set(entry.applicationId, entry.proposedAward ?? '0.00');
          for (const p of part) {
            if (chance(0.04)) {
              const anonymous = chance(0.5);
              const objection = await attempt(() =>
                ledger.dispatch('FileObjection', as(anonymous ? 'reviewer-1' : 'approver-1', anonymous ? 'reviewer' : 'approver'), {
                  params: { noticeId: notice.noticeId },
                  body: { applicationId: p.id, summary: '群众反映申报材料存疑', ...(anonymous ? { channel: 'phone' } : { objector: '某公司', channel: 'letter' }) },
                }),
              );
              if (objection !== undefined) {
                const upheld = chance(0.5);
                await attempt(() =>
                  ledger.dispatch('ResolveObjection', as('approver-1', 'approver'), {
                    params: { noticeId: notice.noticeId, objectionId: objection.objectionId },
                    body: { outcome: upheld ? 'upheld' : 'dismissed', reason: upheld ? '经核实属实' : '经核实无问题' },
                  }),
                );
                if (upheld) continue;
              }
            }
            noticed.push(p);
          }
        }
      }
      on(addDays(endsOnLast, 1));

      // The collective decision (one per programme, at the noticed amounts, some reduced), the approvals
      // citing it, then money out, and sometimes back.
      const decisionOf = new Map<string, string>();
      for (const programmeId of new Set(noticed.map((p) => p.programmeId))) {
        const awards = noticed
          .filter((p) => p.programmeId === programmeId)
          .map((p) => {
            const amount = proposed.get(p.id) ?? '0.00';
            return { applicationId: p.id, amount: chance(0.1) && Money.of(amount).greaterThan(Money.of('10000.00')) ? '10000.00' : amount };
          });
        for (let from = 0; from < awards.length; from += noticeSizeMax) {
          const decided = await attempt(() =>
            ledger.dispatch('RecordDecision', as('approver-2', 'approver'), {
              params: {},
              body: {
                reference: `党组会议纪要-${programmeId}-${now.slice(0, 10)}-${from}`,
                decidedOn: today(),
                body: '市数据局党组',
                kind: 'collective',
                awards: awards.slice(from, from + noticeSizeMax),
              },
            }),
          );
          if (decided !== undefined) for (const { applicationId } of decided.awards) decisionOf.set(applicationId, decided.decisionId);
        }
      }
      for (const p of noticed) {
        const decisionRef = decisionOf.get(p.id);
        if (decisionRef === undefined) continue;
        const approved = await attempt(() => ledger.dispatch('ApproveAward', as('approver-2', 'approver'), { params: { applicationId: p.id }, body: { decisionRef } }));
        if (approved === undefined || approved.award === '0.00') continue;
        if (chance(0.02)) {
          await attempt(() => ledger.dispatch('RevokeAward', as('approver-2', 'approver'), { params: { applicationId: p.id }, body: { reason: '发现重复申报' } }));
          continue;
        }
        const award = approved.award;
        const halves = chance(0.3);
        const [cents, fenPart] = award.split('.') as [string, string];
        const totalFen = BigInt(cents) * 100n + BigInt(fenPart);
        const portions = halves ? [totalFen / 2n, totalFen - totalFen / 2n] : [totalFen];
        let paidFen = 0n;
        for (const [index, portion] of portions.entries()) {
          if (portion === 0n) continue;
          const amount = `${portion / 100n}.${String(portion % 100n).padStart(2, '0')}`;
          const recorded = await attempt(() =>
            ledger.dispatch('RecordDisbursement', as('finance-1', 'finance'), {
              params: { applicationId: p.id },
              body: { amount, paymentRef: `PAY-${p.id.slice(-12)}-${index}`, paidOn: today() },
            }),
          );
          if (recorded === undefined) continue;
          const confirmed = await attempt(() =>
            ledger.dispatch('ConfirmDisbursement', as('finance-2', 'finance'), { params: { disbursementId: recorded.disbursementId }, body: undefined }),
          );
          if (confirmed !== undefined) paidFen += portion;
        }
        if (paidFen > 0n && chance(0.03)) {
          const orderFen = paidFen / 2n > 0n ? paidFen / 2n : paidFen;
          const amount = `${orderFen / 100n}.${String(orderFen % 100n).padStart(2, '0')}`;
          // A fraud's ban ends two years on, a day the decision sets.
          const fraud = chance(0.2);
          const order = await attempt(() =>
            ledger.dispatch('OrderClawback', as('approver-1', 'approver'), {
              params: { applicationId: p.id },
              body: { amount, reason: '未按规定用途使用资金', fraud, ...(fraud ? { banUntil: addDays(today(), 730) } : {}) },
            }),
          );
          if (order !== undefined) {
            const firstFen = orderFen / 2n > 0n ? orderFen / 2n : orderFen;
            const first = `${firstFen / 100n}.${String(firstFen % 100n).padStart(2, '0')}`;
            await attempt(() =>
              ledger.dispatch('RecordRecovery', as('finance-1', 'finance'), {
                params: { clawbackId: order.clawbackId },
                body: { amount: first, receivedOn: today(), receiptRef: `RCPT-${order.clawbackId.slice(-12)}` },
              }),
            );
          }
        }
      }
      options.onProgress?.(summary.applications);
    }
  }
  return summary;
}
