// One example per rule of SPEC §2–4, with the seeds' numbers, through the ledger's commands.
import { budgetStream } from '../../src/budgets/budget.js';
import { enterpriseYearStream } from '../../src/awards/award-streams.js';
import { readEventOf } from '../../src/events/upcasting.js';
import { streams } from '../../src/shared/streams.js';
import type { Recorded } from '../../src/shared/event.js';
import type { BudgetEvent } from '../../src/budgets/events.js';
import type { EnterpriseYearEvent } from '../../src/awards/events.js';
import { World, codeOf, errorOf, nextInvoice, usccFor } from '../support/world.js';

async function budgetOf(world: World, programmeId: string, year = 2025) {
  const [last] = await world.store.readStream(streams.budget(programmeId, year), { direction: 'backwards', maxCount: 1 });
  const state = last === undefined ? budgetStream.initial : budgetStream.evolve(budgetStream.initial, readEventOf(last) as Recorded<BudgetEvent>);
  return state.status === 'none' ? { allocated: '0.00', committed: '0.00' } : { allocated: state.allocated.format(), committed: state.committed.format() };
}

async function enterpriseYearOf(world: World, programmeId: string, uscc: string, year = 2025) {
  const [last] = await world.store.readStream(streams.enterpriseYear(programmeId, uscc, year), { direction: 'backwards', maxCount: 1 });
  const state = last === undefined ? enterpriseYearStream.initial : enterpriseYearStream.evolve(enterpriseYearStream.initial, readEventOf(last) as Recorded<EnterpriseYearEvent>);
  return { spend: state.spend.format(), awarded: state.awarded.format() };
}

describe('the workflow and its rules', () => {
  let world: World;

  beforeEach(async () => {
    world = await World.create();
  });

  afterEach(async () => world.close());

  describe('数智券 (Baoding measure 1): cumulative annual rule', () => {
    it('awards 0.00 below the threshold, then the increase once the year total reaches it: 200,000 then 150,000 → 0.00 then 105,000.00', async () => {
      const uscc = await world.enterprise(1);
      const first = await world.awarded('baoding-data-voucher', uscc, ['200000.00']);
      expect(first.award).toBe('0.00');
      const second = await world.awarded('baoding-data-voucher', uscc, ['150000.00']);
      expect(second.award).toBe('105000.00');
      expect(await enterpriseYearOf(world, 'baoding-data-voucher', uscc)).toEqual({ spend: '350000.00', awarded: '105000.00' });
    });

    it('caps one enterprise at 300,000.00 a year: 1,200,000.00 → 300,000.00, and a later approval adds nothing', async () => {
      const uscc = await world.enterprise(1);
      expect((await world.awarded('baoding-data-voucher', uscc, ['1200000.00'])).award).toBe('300000.00');
      expect((await world.awarded('baoding-data-voucher', uscc, ['500000.00'])).award).toBe('0.00');
    });

    it('includes the threshold itself (达到30万元以上) and allows exactly the cap (不超过30万元)', async () => {
      const a = await world.enterprise(1);
      expect((await world.awarded('baoding-data-voucher', a, ['300000.00'])).award).toBe('90000.00');
      const b = await world.enterprise(2);
      expect((await world.awarded('baoding-data-voucher', b, ['1000000.00'])).award).toBe('300000.00');
    });

    it('rounds down to the fen: 30% of 300,000.07 is 90,000.021 → 90,000.02', async () => {
      const uscc = await world.enterprise(1);
      expect((await world.awarded('baoding-data-voucher', uscc, ['300000.07'])).award).toBe('90000.02');
    });

    it('bases the award on the latest recognized amount, not the claim', async () => {
      const uscc = await world.enterprise(1);
      expect((await world.awarded('baoding-data-voucher', uscc, ['500000.00'], { recognized: '400000.00' })).award).toBe('120000.00');
    });

    it('needs a category of the seven kinds of spend on every item', async () => {
      const uscc = await world.enterprise(1);
      const items = [{ invoiceNumber: nextInvoice(), invoiceDate: '2025-05-20', amount: '1000.00', category: 'office-rent' }];
      expect(
        await codeOf(world.dispatch('SubmitApplication', world.reviewer(), { params: {}, body: { programmeId: 'baoding-data-voucher', uscc, fiscalYear: 2025, items } })),
      ).toBe('VALIDATION_FAILED');
    });

    it('funds 一事一议 above the enterprise cap where the programme allows it, never above the budget', async () => {
      const uscc = await world.enterprise(1);
      // The notice lists the 一事一议 amount the 专班 will consider, above the rule's entitlement.
      const id = await world.readyForApproval('baoding-data-voucher', uscc, ['1200000.00'], { proposed: '500000.00' });
      expect(await codeOf(world.approve(id, { amount: '500000.00' }))).toBe('AMOUNT_ABOVE_ENTITLEMENT');
      const result = await world.approve(id, { amount: '500000.00', caseByCase: { justification: '特别重大项目, 专班会议纪要2025-3' } });
      expect(result.award).toBe('500000.00');
      const big = await world.readyForApproval('baoding-data-voucher', await world.enterprise(2), ['20000000.00'], { proposed: '19600000.00' });
      expect(await codeOf(world.approve(big, { amount: '19600000.00', caseByCase: { justification: '超预算' } }))).toBe('BUDGET_EXCEEDED');
    });
  });

  describe('programmes as data', () => {
    it('lets an administrator publish the next version of a programme, in force from a stated day: decisions before it keep version 1, decisions from it follow version 2', async () => {
      const { builtInProgrammes } = await import('../../src/programmes/definitions.js');
      const voucher = builtInProgrammes.find((p) => p.id === 'baoding-data-voucher')!;
      const { version: _version, ...definition } = voucher;
      const amended = { ...definition, rule: { ...voucher.rule, rate: '0.2' } };
      const publish = (context: ReturnType<World['admin']>) =>
        world.dispatch('PublishProgrammeVersion', context, { params: { programmeId: voucher.id }, body: { effectiveOn: '2025-07-01', definition: amended } });
      expect(await codeOf(world.dispatch('PublishProgramme', world.admin(), { params: {}, body: { definition } }))).toBe('ALREADY_EXISTS');
      expect(await codeOf(publish(world.reviewer()))).toBe('FORBIDDEN');
      expect(await publish(world.admin())).toMatchObject({ version: 2, effectiveOn: '2025-07-01' });
      // Approved before 2025-07-01: 30% of 400,000.
      const before = await world.awarded('baoding-data-voucher', await world.enterprise(1), ['400000.00']);
      expect(before.award).toBe('120000.00');
      world.on('2025-07-01');
      const later = await world.awarded('baoding-data-voucher', await world.enterprise(2), ['400000.00']);
      expect(later.award).toBe('80000.00');
    });
  });

  describe('budgets (invariant 1)', () => {
    it('approves exactly 3 of 10 awards of 300,000.00 against a 1,000,000.00 budget, and says what remains', async () => {
      await world.allocate('wuhan-data-product', 2025, '1000000.00');
      const outcomes: string[] = [];
      let refusal: Awaited<ReturnType<typeof errorOf>> | undefined;
      for (let n = 0; n < 10; n += 1) {
        const id = await world.readyForApproval('wuhan-data-product', await world.enterprise(n, 'wuhan'), ['1000000.00']);
        try {
          outcomes.push((await world.approve(id)).award);
        } catch (error) {
          refusal ??= await errorOf(Promise.reject(error));
          outcomes.push('refused');
        }
      }
      expect(outcomes.filter((o) => o === '300000.00')).toHaveLength(3);
      expect(outcomes.filter((o) => o === 'refused')).toHaveLength(7);
      expect(refusal?.code).toBe('BUDGET_EXCEEDED');
      expect(refusal?.details).toMatchObject({ budget: '1000000.00', committed: '900000.00', remaining: '100000.00', requested: '300000.00' });
      expect(await budgetOf(world, 'wuhan-data-product')).toEqual({ allocated: '1000000.00', committed: '900000.00' });
    });

    it('refuses to approve without any budget for the year (NO_BUDGET)', async () => {
      const id = await world.readyForApproval('wuhan-data-product', await world.enterprise(1, 'wuhan'), ['100000.00']);
      expect(await codeOf(world.approve(id))).toBe('NO_BUDGET');
    });

    it('refuses an allocation to a programme whose annual budget is fixed (数智券: 20,000,000.00)', async () => {
      expect(await codeOf(world.dispatch('AllocateBudget', world.admin(), { params: { programmeId: 'baoding-data-voucher' }, body: { year: 2025, amount: '1.00' } }))).toBe(
        'INVALID_TRANSITION',
      );
    });

    it('releases the commitment of a revoked award, which cannot be revoked once disbursement started', async () => {
      await world.allocate('wuhan-data-product', 2025, '1000000.00');
      const a = await world.awarded('wuhan-data-product', await world.enterprise(1, 'wuhan'), ['1000000.00']);
      await world.dispatch('RevokeAward', world.approver(), { params: { applicationId: a.applicationId }, body: { reason: '材料不实' } });
      expect(await budgetOf(world, 'wuhan-data-product')).toEqual({ allocated: '1000000.00', committed: '0.00' });
      const b = await world.awarded('wuhan-data-product', await world.enterprise(2, 'wuhan'), ['1000000.00']);
      await world.dispatch('RecordDisbursement', world.finance(), {
        params: { applicationId: b.applicationId },
        body: { amount: '1.00', paymentRef: 'PAY-1', paidOn: world.now.slice(0, 10) },
      });
      expect(await codeOf(world.dispatch('RevokeAward', world.approver(), { params: { applicationId: b.applicationId }, body: { reason: 'late' } }))).toBe('INVALID_TRANSITION');
    });
  });

  describe('per-project and fixed awards (Baoding measures 3–5, Wuhan art. 6–7)', () => {
    beforeEach(async () => {
      for (const id of ['baoding-rnd-project', 'baoding-innovation-platform', 'baoding-standards', 'wuhan-dataset-construction', 'wuhan-data-product']) {
        await world.allocate(id, 2025, '50000000.00');
      }
    });

    it('R&D: 50% of recognized cost, at most 500,000.00 a project, only with its approval reference (立项)', async () => {
      const uscc = await world.enterprise(1);
      expect(await codeOf(world.submit('baoding-rnd-project', uscc, ['800000.00']))).toBe('VALIDATION_FAILED');
      const small = await world.awarded('baoding-rnd-project', uscc, ['999999.99'], { extra: { approvalRef: '冀科计〔2025〕12号' } });
      expect(small.award).toBe('499999.99');
      const big = await world.awarded('baoding-rnd-project', uscc, ['1200000.00'], { extra: { approvalRef: '国科发〔2025〕3号' } });
      expect(big.award).toBe('500000.00');
    });

    it('innovation platforms and standards: fixed awards by level', async () => {
      const uscc = await world.enterprise(1);
      const national = await world.awarded('baoding-innovation-platform', uscc, ['1.00'], { extra: { level: 'national' } });
      expect(national.award).toBe('2000000.00');
      const participant = await world.awarded('baoding-standards', uscc, ['1.00'], { extra: { level: 'participant-national' } });
      expect(participant.award).toBe('30000.00');
      expect(await codeOf(world.submit('baoding-standards', uscc, ['1.00'], { level: 'lead-galactic' }))).toBe('VALIDATION_FAILED');
    });

    it('Wuhan: 30% of investment or purchase, at most 2,000,000.00', async () => {
      const uscc = await world.enterprise(1, 'wuhan');
      expect((await world.awarded('wuhan-dataset-construction', uscc, ['5000000.00'])).award).toBe('1500000.00');
      expect((await world.awarded('wuhan-data-product', uscc, ['9000000.00'])).award).toBe('2000000.00');
    });

    it('allows a lower amount explicitly, never a higher one, and refuses 一事一议 where the programme does not allow it', async () => {
      const uscc = await world.enterprise(1, 'wuhan');
      const id = await world.readyForApproval('wuhan-data-product', uscc, ['1000000.00']);
      const refused = await errorOf(world.approve(id, { amount: '300000.01' }));
      expect(refused.code).toBe('AMOUNT_ABOVE_ENTITLEMENT');
      expect(refused.details).toMatchObject({ entitlement: '300000.00', requested: '300000.01' });
      expect(await codeOf(world.approve(id, { amount: '400000.00', caseByCase: { justification: 'x' } }))).toBe('INVALID_TRANSITION');
      expect((await world.approve(id, { amount: '250000.00' })).award).toBe('250000.00');
    });
  });

  describe('reviews', () => {
    it('takes the programme stages in order and refuses a recognized amount above the claim', async () => {
      const uscc = await world.enterprise(1);
      const id = await world.submit('baoding-data-voucher', uscc, ['100000.00', '50000.00']);
      expect(await codeOf(world.dispatch('ReviewApplication', world.reviewer(), { params: { applicationId: id }, body: { stage: 'expert-review', outcome: 'pass' } }))).toBe(
        'INVALID_TRANSITION',
      );
      await world.dispatch('ReviewApplication', world.reviewer(), { params: { applicationId: id }, body: { stage: 'district-preliminary', outcome: 'pass' } });
      expect(
        await codeOf(
          world.dispatch('ReviewApplication', world.reviewer(), {
            params: { applicationId: id },
            body: { stage: 'city-re-review', outcome: 'pass', recognizedAmount: '150000.01' },
          }),
        ),
      ).toBe('VALIDATION_FAILED');
      const result = await world.dispatch('ReviewApplication', world.reviewer(), {
        params: { applicationId: id },
        body: { stage: 'city-re-review', outcome: 'pass', recognizedAmount: '150000.00' },
      });
      expect(result.status).toBe('in_review');
    });

    it('rejects at any stage, with a reason, freeing the invoices for another application', async () => {
      const uscc = await world.enterprise(1);
      const invoiceNumber = nextInvoice();
      const items = [{ invoiceNumber, invoiceDate: '2025-05-20', amount: '1000.00', category: 'llm-services' }];
      const body = { programmeId: 'baoding-data-voucher', uscc, fiscalYear: 2025, items };
      const { applicationId } = await world.dispatch('SubmitApplication', world.reviewer(), { params: {}, body: body });
      expect(await codeOf(world.dispatch('ReviewApplication', world.reviewer(), { params: { applicationId }, body: { stage: 'district-preliminary', outcome: 'reject' } }))).toBe(
        'VALIDATION_FAILED',
      );
      await world.dispatch('ReviewApplication', world.reviewer(), { params: { applicationId }, body: { stage: 'district-preliminary', outcome: 'reject', reason: '材料不全' } });
      expect((await world.dispatch('SubmitApplication', world.reviewer(), { params: {}, body: body })).status).toBe('submitted');
    });

    it('lets an application be withdrawn before approval, not after', async () => {
      const uscc = await world.enterprise(1);
      const id = await world.submit('baoding-data-voucher', uscc, ['1000.00']);
      expect((await world.dispatch('WithdrawApplication', world.reviewer(), { params: { applicationId: id }, body: { reason: '企业撤回' } })).status).toBe('withdrawn');
      const approved = await world.awarded('baoding-data-voucher', uscc, ['1000.00']);
      expect(await codeOf(world.dispatch('WithdrawApplication', world.reviewer(), { params: { applicationId: approved.applicationId }, body: {} }))).toBe('INVALID_TRANSITION');
    });
  });

  describe('public notice (公示)', () => {
    it('lasts 5 working days after the opening day, which is not counted', async () => {
      const uscc = await world.enterprise(1);
      const id = await world.submit('baoding-data-voucher', uscc, ['1000.00']);
      await world.reviewAll(id);
      world.on('2025-06-03'); // a Tuesday
      const { endsOn } = await world.notice('baoding-data-voucher', [id]);
      expect(endsOn).toBe('2025-06-10');
    });

    it('skips the National Day holidays and counts the 调休 Saturday', async () => {
      const uscc = await world.enterprise(1);
      const id = await world.submit('baoding-data-voucher', uscc, ['1000.00']);
      await world.reviewAll(id);
      world.on('2025-09-30');
      const { endsOn } = await world.notice('baoding-data-voucher', [id]);
      // 10-01..08 off; 10-09, 10-10, 10-11 (a working Saturday), 10-13, 10-14.
      expect(endsOn).toBe('2025-10-14');
    });

    it('refuses a notice period in a year whose holidays are not published, until an administrator publishes them', async () => {
      const uscc = await world.enterprise(1);
      const id = await world.submit('baoding-data-voucher', uscc, ['1000.00']);
      await world.reviewAll(id);
      world.on('2025-12-29');
      expect(await codeOf(world.notice('baoding-data-voucher', [id]))).toBe('CALENDAR_MISSING');
      await world.dispatch('PublishHolidayYear', world.admin(), {
        params: {},
        body: { year: 2026, holidays: ['2026-01-01', '2026-01-02'], workdays: ['2026-01-04'], source: 'test data' },
      });
      // 12-30, 12-31, 01-04 (working Sunday), 01-05, 01-06.
      expect((await world.notice('baoding-data-voucher', [id])).endsOn).toBe('2026-01-06');
    });

    it('refuses approval before the notice has ended (NOTICE_NOT_ENDED)', async () => {
      const uscc = await world.enterprise(1);
      const id = await world.submit('baoding-data-voucher', uscc, ['1000.00']);
      await world.reviewAll(id);
      const { endsOn } = await world.notice('baoding-data-voucher', [id]);
      world.on(endsOn);
      expect(await codeOf(world.approve(id))).toBe('NOTICE_NOT_ENDED');
    });

    it('refuses approval while an objection is unresolved; an upheld one rejects the application', async () => {
      const uscc = await world.enterprise(1);
      const [a, b] = [await world.submit('baoding-data-voucher', uscc, ['1000.00']), await world.submit('baoding-data-voucher', uscc, ['2000.00'])];
      await world.reviewAll(a!);
      await world.reviewAll(b!);
      const { noticeId, endsOn } = await world.notice('baoding-data-voucher', [a!, b!]);
      const onA = await world.dispatch('FileObjection', world.approver(), { params: { noticeId }, body: { applicationId: a!, summary: '发票重复使用' } });
      const onB = await world.dispatch('FileObjection', world.approver(), { params: { noticeId }, body: { applicationId: b!, summary: '材料存疑' } });
      world.after(endsOn);
      expect(await codeOf(world.dispatch('FileObjection', world.approver(), { params: { noticeId }, body: { applicationId: a!, summary: 'late' } }))).toBe('NOTICE_CLOSED');
      expect(await codeOf(world.approve(a!))).toBe('OBJECTION_UNRESOLVED');
      await world.dispatch('ResolveObjection', world.approver(), { params: { noticeId, objectionId: onA.objectionId }, body: { outcome: 'dismissed', reason: '经核实无问题' } });
      expect((await world.approve(a!)).status).toBe('approved');
      const upheld = await world.dispatch('ResolveObjection', world.approver(), {
        params: { noticeId, objectionId: onB.objectionId },
        body: { outcome: 'upheld', reason: '经核实属实' },
      });
      expect(upheld.applicationStatus).toBe('rejected');
      expect(await codeOf(world.approve(b!))).toBe('INVALID_TRANSITION');
    });
  });

  describe('eligibility (SPEC §4)', () => {
    it('refuses an enterprise of another city', async () => {
      const wuhan = await world.enterprise(1, 'wuhan');
      const error = await errorOf(world.submit('baoding-data-voucher', wuhan, ['1000.00']));
      expect(error.code).toBe('INELIGIBLE_ENTERPRISE');
      expect(error.details).toMatchObject({ reason: 'jurisdiction' });
    });

    it('blocks submission, approval and disbursement while a flag is in force, and not after it is lifted', async () => {
      const uscc = await world.enterprise(1);
      const flag = await world.dispatch('RaiseFlag', world.admin(), {
        params: { uscc },
        body: { list: 'dishonest-judgement-debtor', source: '信用中国', since: '2025-01-01', evidenceRef: 'XY-1' },
      });
      expect(await codeOf(world.submit('baoding-data-voucher', uscc, ['1000.00']))).toBe('INELIGIBLE_ENTERPRISE');
      await world.dispatch('LiftFlag', world.admin(), { params: { uscc, flagId: flag.flagId }, body: { reason: '已履行' } });
      const id = await world.readyForApproval('baoding-data-voucher', uscc, ['400000.00']);
      const raised = await world.dispatch('RaiseFlag', world.admin(), { params: { uscc }, body: { list: 'major-tax-violation', source: '税务总局', since: '2025-06-01' } });
      expect(await codeOf(world.approve(id))).toBe('INELIGIBLE_ENTERPRISE');
      await world.dispatch('LiftFlag', world.admin(), { params: { uscc, flagId: raised.flagId }, body: {} });
      await world.approve(id);
      await world.dispatch('RaiseFlag', world.admin(), { params: { uscc }, body: { list: 'procurement-violation', source: '财政部', since: '2025-06-01', until: '2027-06-01' } });
      expect(
        await codeOf(
          world.dispatch('RecordDisbursement', world.finance(), { params: { applicationId: id }, body: { amount: '1.00', paymentRef: 'P-1', paidOn: world.now.slice(0, 10) } }),
        ),
      ).toBe('INELIGIBLE_ENTERPRISE');
    });

    it('bars a major safety accident for three years (Wuhan art. 4), and a ban only until its end date', async () => {
      const old = await world.enterprise(1, 'wuhan');
      await world.dispatch('RaiseFlag', world.admin(), { params: { uscc: old }, body: { list: 'major-safety-accident', source: '应急管理局', since: '2022-06-02' } });
      await world.allocate('wuhan-data-product', 2025, '1000000.00');
      expect(await world.submit('wuhan-data-product', old, ['1000.00'])).toBeDefined();
      const recent = await world.enterprise(2, 'wuhan');
      await world.dispatch('RaiseFlag', world.admin(), { params: { uscc: recent }, body: { list: 'major-safety-accident', source: '应急管理局', since: '2022-06-04' } });
      expect(await codeOf(world.submit('wuhan-data-product', recent, ['1000.00']))).toBe('INELIGIBLE_ENTERPRISE');
      const banned = await world.enterprise(3, 'wuhan');
      await world.dispatch('RaiseFlag', world.admin(), {
        params: { uscc: banned },
        body: { list: 'procurement-violation', source: '财政部', since: '2024-01-01', until: '2025-06-02' },
      });
      expect(await world.submit('wuhan-data-product', banned, ['1000.00'])).toBeDefined();
    });

    it('registers an enterprise with or without tags, and refuses tags that are not a list', async () => {
      expect((await world.dispatch('RegisterEnterprise', world.admin(), { params: {}, body: { uscc: usccFor(21), name: '甲', city: 'baoding', tags: [] } })).uscc).toBe(
        usccFor(21),
      );
      expect(
        (
          await world.dispatch('RegisterEnterprise', world.reviewer(), {
            params: {},
            body: { uscc: usccFor(22, 'wuhan'), name: '乙', city: 'wuhan', tags: ['unicorn'], district: '洪山区' },
          })
        ).uscc,
      ).toBe(usccFor(22, 'wuhan'));
      expect(await codeOf(world.dispatch('RegisterEnterprise', world.admin(), { params: {}, body: { uscc: usccFor(23), name: '丙', city: 'baoding', tags: 'unicorn' } }))).toBe(
        'VALIDATION_FAILED',
      );
    });

    it('validates the USCC check character; an administrator may register a genuine early code with a reason', async () => {
      const good = usccFor(7);
      const bad = good.slice(0, 17) + (good.endsWith('0') ? '1' : '0');
      expect(await codeOf(world.dispatch('RegisterEnterprise', world.admin(), { params: {}, body: { uscc: bad, name: 'x', city: 'baoding' } }))).toBe('VALIDATION_FAILED');
      expect(
        await codeOf(
          world.dispatch('RegisterEnterprise', world.reviewer(), { params: {}, body: { uscc: bad, name: 'x', city: 'baoding', usccCheckOverride: { reason: '早期赋码' } } }),
        ),
      ).toBe('FORBIDDEN');
      expect(
        (
          await world.dispatch('RegisterEnterprise', world.admin(), {
            params: {},
            body: { uscc: bad, name: 'x', city: 'baoding', usccCheckOverride: { reason: '早期赋码, 经市场监管局核实' } },
          })
        ).uscc,
      ).toBe(bad);
      expect(
        await codeOf(world.dispatch('RegisterEnterprise', world.admin(), { params: {}, body: { uscc: bad, name: 'x', city: 'baoding', usccCheckOverride: { reason: 'again' } } })),
      ).toBe('ALREADY_EXISTS');
    });
  });

  describe('invoices and duplicates', () => {
    it('lets an invoice back one live application only, in any programme, naming the other', async () => {
      await world.allocate('baoding-rnd-project', 2025, '1000000.00');
      const uscc = await world.enterprise(1);
      const invoiceNumber = '12345678901234567890';
      const item = { invoiceNumber, invoiceDate: '2025-05-20', amount: '1000.00' };
      const first = await world.dispatch('SubmitApplication', world.reviewer(), {
        params: {},
        body: { programmeId: 'baoding-data-voucher', uscc, fiscalYear: 2025, items: [{ ...item, category: 'llm-products' }] },
      });
      const error = await errorOf(
        world.dispatch('SubmitApplication', world.reviewer(), {
          params: {},
          body: { programmeId: 'baoding-rnd-project', uscc, fiscalYear: 2025, approvalRef: 'R-1', items: [item] },
        }),
      );
      expect(error.code).toBe('DUPLICATE_INVOICE');
      expect(error.details).toEqual({ invoiceNumber, invoiceCode: null, applicationId: first.applicationId });
    });

    it('refuses invoice dates outside the fiscal year, before the programme, or in the future, and malformed numbers', async () => {
      const uscc = await world.enterprise(1);
      const submit = (invoiceNumber: string, invoiceDate: string) =>
        world.dispatch('SubmitApplication', world.reviewer(), {
          params: {},
          body: { programmeId: 'baoding-data-voucher', uscc, fiscalYear: 2025, items: [{ invoiceNumber, invoiceDate, amount: '1.00', category: 'llm-products' }] },
        });
      expect(await codeOf(submit(nextInvoice(), '2024-12-31'))).toBe('VALIDATION_FAILED');
      expect(await codeOf(submit(nextInvoice(), '2025-02-16'))).toBe('VALIDATION_FAILED');
      expect(await codeOf(submit(nextInvoice(), '2025-06-04'))).toBe('VALIDATION_FAILED');
      expect(await codeOf(submit('1234567', '2025-05-01'))).toBe('VALIDATION_FAILED');
      expect((await submit(nextInvoice(), '2025-02-17')).status).toBe('submitted');
    });

    it('就高不重复: one matter under two programmes gets no more than the higher entitlement, topping up a later, higher one', async () => {
      await world.allocate('baoding-rnd-project', 2025, '10000000.00');
      const uscc = await world.enterprise(1);
      const matterKey = 'LLM-PLATFORM-2025';
      // 数智券 first: 30% of 1,000,000 = 300,000; R&D then: 50% of 1,000,000 = 500,000 → topped up by 200,000.
      const voucher = await world.awarded('baoding-data-voucher', uscc, ['1000000.00'], { extra: { matterKey } });
      expect(voucher.award).toBe('300000.00');
      const rnd = await world.awarded('baoding-rnd-project', uscc, ['1000000.00'], { extra: { matterKey, approvalRef: 'R-1' } });
      expect(rnd.award).toBe('200000.00');
      // A third, lower entitlement on the same matter gets nothing.
      const other = await world.enterprise(2);
      expect((await world.awarded('baoding-data-voucher', other, ['1000000.00'], { extra: { matterKey } })).award).toBe('300000.00');
      await world.allocate('baoding-innovation-platform', 2025, '10000000.00');
      const lower = await world.awarded('baoding-innovation-platform', uscc, ['1.00'], { extra: { matterKey, level: 'municipal' } });
      expect(lower.award).toBe('0.00');
    });
  });

  describe('disbursement (maker–checker) and segregation of duties', () => {
    let applicationId: string;
    const today = () => world.now.slice(0, 10);

    beforeEach(async () => {
      await world.allocate('wuhan-data-product', 2025, '10000000.00');
      applicationId = (await world.awarded('wuhan-data-product', await world.enterprise(1, 'wuhan'), ['1000000.00'])).applicationId;
    });

    it('counts a disbursement as paid only once a different finance user confirms it', async () => {
      const recorded = await world.dispatch('RecordDisbursement', world.finance('maker'), {
        params: { applicationId },
        body: { amount: '100000.00', paymentRef: 'PAY-1', paidOn: today() },
      });
      expect(await codeOf(world.dispatch('ConfirmDisbursement', world.finance('maker'), { params: { disbursementId: recorded.disbursementId }, body: undefined }))).toBe(
        'SEGREGATION_OF_DUTIES',
      );
      const confirmed = await world.dispatch('ConfirmDisbursement', world.finance('checker'), { params: { disbursementId: recorded.disbursementId }, body: undefined });
      expect(confirmed.paid).toBe('100000.00');
      expect(await codeOf(world.dispatch('ConfirmDisbursement', world.finance('checker-2'), { params: { disbursementId: recorded.disbursementId }, body: undefined }))).toBe(
        'INVALID_TRANSITION',
      );
    });

    it('lets the checker reject a wrong record, which then no longer counts against the award; a confirmed one cannot be', async () => {
      const wrong = await world.dispatch('RecordDisbursement', world.finance('maker'), {
        params: { applicationId },
        body: { amount: '300000.00', paymentRef: 'PAY-WRONG', paidOn: today() },
      });
      expect(
        await codeOf(world.dispatch('RecordDisbursement', world.finance('maker'), { params: { applicationId }, body: { amount: '1.00', paymentRef: 'PAY-X', paidOn: today() } })),
      ).toBe('DISBURSEMENT_EXCEEDS_AWARD');
      expect(await codeOf(world.dispatch('RejectDisbursement', world.finance('maker'), { params: { disbursementId: wrong.disbursementId }, body: { reason: 'own record' } }))).toBe(
        'SEGREGATION_OF_DUTIES',
      );
      expect(
        (await world.dispatch('RejectDisbursement', world.finance('checker'), { params: { disbursementId: wrong.disbursementId }, body: { reason: '收款账户有误' } })).status,
      ).toBe('rejected');
      expect(await codeOf(world.dispatch('ConfirmDisbursement', world.finance('checker'), { params: { disbursementId: wrong.disbursementId }, body: undefined }))).toBe(
        'NOT_FOUND',
      );
      const right = await world.dispatch('RecordDisbursement', world.finance('maker'), {
        params: { applicationId },
        body: { amount: '300000.00', paymentRef: 'PAY-RIGHT', paidOn: today() },
      });
      expect((await world.dispatch('ConfirmDisbursement', world.finance('checker'), { params: { disbursementId: right.disbursementId }, body: undefined })).paid).toBe('300000.00');
      expect(
        await codeOf(world.dispatch('RejectDisbursement', world.finance('checker-2'), { params: { disbursementId: right.disbursementId }, body: { reason: 'too late' } })),
      ).toBe('INVALID_TRANSITION');
    });

    it('keeps total disbursed within the award and payment references unique', async () => {
      await world.dispatch('RecordDisbursement', world.finance(), { params: { applicationId }, body: { amount: '200000.00', paymentRef: 'PAY-1', paidOn: today() } });
      const over = await errorOf(
        world.dispatch('RecordDisbursement', world.finance(), { params: { applicationId }, body: { amount: '100000.01', paymentRef: 'PAY-2', paidOn: today() } }),
      );
      expect(over.code).toBe('DISBURSEMENT_EXCEEDS_AWARD');
      expect(over.details).toMatchObject({ award: '300000.00', disbursed: '200000.00', requested: '100000.01' });
      expect(
        await codeOf(world.dispatch('RecordDisbursement', world.finance(), { params: { applicationId }, body: { amount: '1.00', paymentRef: 'PAY-1', paidOn: today() } })),
      ).toBe('DUPLICATE_PAYMENT_REFERENCE');
    });

    it('forbids the approver to record or confirm the disbursement, and the final reviewer to approve', async () => {
      const both = { id: 'approver-1', roles: ['approver', 'finance'] as const };
      const context = { commandId: 'sod-1', actor: { id: both.id, roles: [...both.roles] }, now: world.now };
      expect(await codeOf(world.dispatch('RecordDisbursement', context, { params: { applicationId }, body: { amount: '1.00', paymentRef: 'PAY-9', paidOn: today() } }))).toBe(
        'SEGREGATION_OF_DUTIES',
      );
      const uscc = await world.enterprise(2, 'wuhan');
      const id = await world.submit('wuhan-data-product', uscc, ['1000.00']);
      await world.reviewAll(id, undefined, 'reviewer-approver');
      const { endsOn } = await world.notice('wuhan-data-product', [id]);
      world.after(endsOn);
      expect(await codeOf(world.approve(id, {}, 'reviewer-approver'))).toBe('SEGREGATION_OF_DUTIES');
    });
  });

  describe('clawback (Wuhan art. 12)', () => {
    it('orders at most what was paid, records partial receipts until recovered, and does not restore the budget (invariant 6)', async () => {
      await world.allocate('wuhan-data-product', 2025, '1000000.00');
      const uscc = await world.enterprise(1, 'wuhan');
      const { applicationId } = await world.awarded('wuhan-data-product', uscc, ['1000000.00']);
      const paidOn = world.now.slice(0, 10);
      const d = await world.dispatch('RecordDisbursement', world.finance('maker'), { params: { applicationId }, body: { amount: '300000.00', paymentRef: 'PAY-1', paidOn } });
      await world.dispatch('ConfirmDisbursement', world.finance('checker'), { params: { disbursementId: d.disbursementId }, body: undefined });
      expect(await codeOf(world.dispatch('OrderClawback', world.approver(), { params: { applicationId }, body: { amount: '300000.01', reason: '挪用' } }))).toBe(
        'CLAWBACK_EXCEEDS_PAID',
      );
      const order = await world.dispatch('OrderClawback', world.approver(), { params: { applicationId }, body: { amount: '100000.00', reason: '挪用专项资金' } });
      const first = await world.dispatch('RecordRecovery', world.finance(), {
        params: { clawbackId: order.clawbackId },
        body: { amount: '40000.00', receivedOn: paidOn, receiptRef: 'R-1' },
      });
      expect(first).toMatchObject({ recovered: '40000.00', outstanding: '60000.00' });
      expect(
        await codeOf(
          world.dispatch('RecordRecovery', world.finance(), { params: { clawbackId: order.clawbackId }, body: { amount: '60000.01', receivedOn: paidOn, receiptRef: 'R-2' } }),
        ),
      ).toBe('RECOVERY_EXCEEDS_ORDERED');
      expect((await world.dispatch('WriteOffClawback', world.approver(), { params: { clawbackId: order.clawbackId }, body: { reason: '企业注销' } })).writtenOff).toBe('60000.00');
      expect(await budgetOf(world, 'wuhan-data-product')).toEqual({ allocated: '1000000.00', committed: '300000.00' });
    });

    it('flags the enterprise for subsidy fraud when the order says so, blocking its later applications', async () => {
      await world.allocate('wuhan-data-product', 2025, '1000000.00');
      const uscc = await world.enterprise(1, 'wuhan');
      const { applicationId } = await world.awarded('wuhan-data-product', uscc, ['100000.00']);
      const d = await world.dispatch('RecordDisbursement', world.finance('maker'), {
        params: { applicationId },
        body: { amount: '30000.00', paymentRef: 'PAY-1', paidOn: world.now.slice(0, 10) },
      });
      await world.dispatch('ConfirmDisbursement', world.finance('checker'), { params: { disbursementId: d.disbursementId }, body: undefined });
      const order = { amount: '30000.00', reason: '骗取补助', fraud: true, banUntil: '2027-06-30' };
      expect((await world.dispatch('OrderClawback', world.approver(), { params: { applicationId }, body: order })).flagged).toBe(true);
      const error = await errorOf(world.submit('wuhan-data-product', uscc, ['1000.00']));
      expect(error.details).toMatchObject({ reason: 'flagged', list: 'subsidy-fraud' });
    });
  });

  describe('idempotency (invariant 5)', () => {
    it('has a retried command take effect once, returning the first result; the same key with another body is refused', async () => {
      const uscc = await world.enterprise(1);
      const body = {
        programmeId: 'baoding-data-voucher',
        uscc,
        fiscalYear: 2025,
        items: [{ invoiceNumber: nextInvoice(), invoiceDate: '2025-05-20', amount: '1.00', category: 'llm-products' }],
      };
      const context = world.as('reviewer-1', 'reviewer', 'key-1');
      const first = await world.dispatch('SubmitApplication', context, { params: {}, body: body });
      const head = await world.store.headPosition();
      const again = await world.dispatch('SubmitApplication', { ...context, now: '2025-06-03T09:00:00.000Z' }, { params: {}, body: { ...body, items: [...body.items] } });
      expect(again).toEqual(first);
      expect(await world.store.headPosition()).toBe(head);
      expect(await codeOf(world.dispatch('SubmitApplication', context, { params: {}, body: { ...body, fiscalYear: 2026 } }))).toBe('IDEMPOTENCY_KEY_REUSED');
    });
  });

  it('refuses a command to a role that may not run it', async () => {
    expect(await codeOf(world.dispatch('AllocateBudget', world.finance(), { params: { programmeId: 'wuhan-data-product' }, body: { year: 2025, amount: '1.00' } }))).toBe(
      'FORBIDDEN',
    );
  });
});
