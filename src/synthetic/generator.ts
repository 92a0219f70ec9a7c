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
function randomFrom(seed: number): () => number {
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
    const tags = chance(0.1) ? [pick(tagsPool)] : [];
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

      const reviewed: Pending[] = [];
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
          return {
            invoiceNumber: String(10_000_000 + invoiceSequence),
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
        if (chance(0.03)) {
          await attempt(() => ledger.dispatch('WithdrawApplication', as('reviewer-1', 'reviewer'), { params: { applicationId: id }, body: { reason: '企业主动撤回' } }));
          continue;
        }
        let passed = true;
        for (const [index, stage] of ['district-preliminary', 'city-re-review', 'expert-review'].entries()) {
          if (chance(0.02)) {
            await attempt(() =>
              ledger.dispatch('ReviewApplication', as(`reviewer-${index + 1}`, 'reviewer'), {
                params: { applicationId: id },
                body: { stage, outcome: 'reject', reason: '材料不符合申报要求' },
              }),
            );
            passed = false;
            break;
          }
          const recognized = stage === 'expert-review' && chance(0.3) && !recognitionAward ? { recognizedAmount: defined(items[0], 'the first item').amount } : {};
          const done = await attempt(() =>
            ledger.dispatch('ReviewApplication', as(`reviewer-${index + 1}`, 'reviewer'), { params: { applicationId: id }, body: { stage, outcome: 'pass', ...recognized } }),
          );
          if (done === undefined) {
            passed = false;
            break;
          }
        }
        if (passed) reviewed.push({ id, programmeId });
      }

      // Public notices: one per programme (in pieces of at most `noticeSizeMax`), some objections.
      const noticed: Pending[] = [];
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
          for (const p of part) {
            if (chance(0.04)) {
              const objection = await attempt(() =>
                ledger.dispatch('FileObjection', as('approver-1', 'approver'), {
                  params: { noticeId: notice.noticeId },
                  body: { applicationId: p.id, summary: '群众反映申报材料存疑' },
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

      // Collective decision, then money out, and sometimes back.
      for (const p of noticed) {
        const reduced = chance(0.1) ? { amount: '10000.00' } : {};
        const approved = await attempt(() =>
          ledger.dispatch('ApproveAward', as('approver-2', 'approver'), { params: { applicationId: p.id }, body: { decisionRef: `党组会议${now.slice(0, 10)}`, ...reduced } }),
        );
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
              body: { amount, paymentRef: `PAY-${p.id.slice(0, 8)}-${index}`, paidOn: today() },
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
          const order = await attempt(() =>
            ledger.dispatch('OrderClawback', as('approver-1', 'approver'), {
              params: { applicationId: p.id },
              body: { amount, reason: '未按规定用途使用资金', fraud: chance(0.2) },
            }),
          );
          if (order !== undefined) {
            const firstFen = orderFen / 2n > 0n ? orderFen / 2n : orderFen;
            const first = `${firstFen / 100n}.${String(firstFen % 100n).padStart(2, '0')}`;
            await attempt(() =>
              ledger.dispatch('RecordRecovery', as('finance-1', 'finance'), {
                params: { clawbackId: order.clawbackId },
                body: { amount: first, receivedOn: today(), receiptRef: `RCPT-${order.clawbackId.slice(0, 8)}` },
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
