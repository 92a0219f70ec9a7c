// The rules about enterprises, programmes, budgets and the calendar (SPEC §1, §2, §4; Wuhan art. 4)
// as given / when / then over their deciders.
import { budgetTotalOf } from '../../src/budgets/budget.js';
import { decideAllocateBudget } from '../../src/budgets/decide.js';
import { decideAddTag, decideRegisterEnterprise, decideRaiseFlag, decideRemoveTag } from '../../src/enterprises/decide.js';
import { assertEligible, enterpriseStream } from '../../src/enterprises/enterprise.js';
import type { EnterpriseEvent } from '../../src/enterprises/events.js';
import { decidePublishHolidayYear, decidePublishProgramme } from '../../src/programmes/decide.js';
import { builtInProgrammes } from '../../src/programmes/definitions.js';
import { programmeStream } from '../../src/programmes/state.js';
import { LedgerError } from '../../src/shared/errors.js';
import { Money } from '../../src/shared/money.js';
import { deciderSpec, folded, on } from '../support/decider-spec.js';

/** Companies (91) and other kinds registered in 武汉 (4201xx), one in 保定 (1306xx), one by the province (4200xx). */
const W = '91420100MA00000012';
const individualBusiness = '92420100MA00000022';
const publicInstitution = '12420100MA0000003D';
const cooperative = '93420100MA00000045';
const organ = '11420100MA0000005N';
const baodingCompany = '91130600MA0000006B';
const provinceRegistered = '91420000MA0000007F';
const socialOrganisation = '51420100MA0000008U';

const register = (uscc: string, regionOverrideReason: string | null = null) => ({
  type: 'RegisterEnterprise' as const,
  data: { uscc, name: '某单位', city: 'wuhan', district: null, tags: [], usccCheckOverrideReason: null, regionOverrideReason },
  metadata: on('2025-06-01', 'admin-1'),
});

const registered: EnterpriseEvent = {
  type: 'EnterpriseRegistered',
  data: { uscc: W, name: '某企业', city: 'wuhan', district: null, tags: [], usccCheckOverrideReason: null, regionOverrideReason: null },
};
const flag = (list: string, since: string, until: string | null = null): EnterpriseEvent => ({
  type: 'FlagRaised',
  data: { uscc: W, flagId: `f-${list}`, list, source: '信用中国', since, checkedAt: '2025-06-01T02:00:00.000Z', evidenceRef: null, until },
});
const refusedWith = (run: () => void): string => {
  try {
    run();
  } catch (error) {
    if (error instanceof LedgerError) return error.code;
    throw error;
  }
  return 'accepted';
};

describe('enterprises, programmes, budgets', () => {
  it('enterprise-once: an enterprise is registered once', () => {
    const command = {
      type: 'RegisterEnterprise' as const,
      data: { uscc: W, name: '某企业', city: 'wuhan', district: null, tags: [], usccCheckOverrideReason: null, regionOverrideReason: null },
      metadata: on('2025-06-01', 'admin-1'),
    };
    deciderSpec(decideRegisterEnterprise)
      .given({ enterprise: { status: 'none' } })
      .when(command)
      .then({ enterprise: [registered as Extract<EnterpriseEvent, { type: 'EnterpriseRegistered' }>] });
    deciderSpec(decideRegisterEnterprise)
      .given({ enterprise: folded(enterpriseStream, [registered]) })
      .when(command)
      .thenRefused('ALREADY_EXISTS', { uscc: W });
  });

  it("wuhan-a4-flags: a flag records its list, source, time of the check and evidence; the check time defaults to the command's", () => {
    deciderSpec(decideRaiseFlag)
      .given({ enterprise: folded(enterpriseStream, [registered]) })
      .when({
        type: 'RaiseFlag',
        data: { uscc: W, flagId: 'f-1', list: 'major-tax-violation', source: '国家税务总局', since: '2025-06-01', until: null, evidenceRef: 'SW-1', checkedAt: null },
        metadata: on('2025-06-02', 'admin-1'),
      })
      .then({
        enterprise: [
          {
            type: 'FlagRaised',
            data: {
              uscc: W,
              flagId: 'f-1',
              list: 'major-tax-violation',
              source: '国家税务总局',
              since: '2025-06-01',
              checkedAt: '2025-06-02T02:00:00.000Z',
              evidenceRef: 'SW-1',
              until: null,
            },
          },
        ],
      });
  });

  it('eligibility: a flag in force bars the enterprise; a major safety accident bars it for three years from the accident', () => {
    const accident = folded(enterpriseStream, [registered, flag('major-safety-accident', '2023-03-01')]);
    expect(refusedWith(() => assertEligible(accident, 'wuhan', '2026-02-28', W))).toBe('INELIGIBLE_ENTERPRISE');
    expect(refusedWith(() => assertEligible(accident, 'wuhan', '2026-03-01', W))).toBe('accepted');
    const banned = folded(enterpriseStream, [registered, flag('subsidy-fraud', '2025-01-01', '2025-12-31')]);
    expect(refusedWith(() => assertEligible(banned, 'wuhan', '2025-12-31', W))).toBe('INELIGIBLE_ENTERPRISE');
    expect(refusedWith(() => assertEligible(banned, 'wuhan', '2026-01-01', W))).toBe('accepted');
  });

  it('eligibility-legal-person: a 个体工商户 (92) or an organ (11) is refused; a company (91), a 事业单位 (12), a 社会团体 (51) and a 农民专业合作社 (93) are registered', () => {
    const registering = deciderSpec(decideRegisterEnterprise).given({ enterprise: { status: 'none' } });
    registering.when(register(individualBusiness)).thenRefused('INELIGIBLE_ENTERPRISE', { reason: 'not-legal-person', entityType: '92' });
    registering.when(register(organ)).thenRefused('INELIGIBLE_ENTERPRISE', { reason: 'not-legal-person', entityType: '11' });
    for (const uscc of [W, publicInstitution, socialOrganisation, cooperative]) {
      expect(decideRegisterEnterprise(register(uscc), { enterprise: { status: 'none' } }).enterprise[0].data.uscc).toBe(uscc);
    }
    // An enterprise already in the log is held to the rule at every step after.
    const stored = folded(enterpriseStream, [{ ...registered, data: { ...registered.data, uscc: individualBusiness } } as EnterpriseEvent]);
    expect(refusedWith(() => assertEligible(stored, 'wuhan', '2025-06-02', individualBusiness))).toBe('INELIGIBLE_ENTERPRISE');
  });

  it('eligibility-region: a code registered outside the city is refused unless an administrator records a reason; the reason is kept only where it admitted the code', () => {
    const registering = deciderSpec(decideRegisterEnterprise).given({ enterprise: { status: 'none' } });
    registering.when(register(baodingCompany)).thenRefused('INELIGIBLE_ENTERPRISE', { reason: 'region', region: '130600', jurisdiction: 'wuhan' });
    registering.when(register(provinceRegistered)).thenRefused('INELIGIBLE_ENTERPRISE', { reason: 'region', region: '420000', jurisdiction: 'wuhan' });
    const admitted = decideRegisterEnterprise(register(provinceRegistered, '湖北省市场监管局登记,实际经营地在武汉市东湖高新区'), { enterprise: { status: 'none' } });
    expect(admitted.enterprise[0].data.regionOverrideReason).toBe('湖北省市场监管局登记,实际经营地在武汉市东湖高新区');
    expect(decideRegisterEnterprise(register(W, 'not needed'), { enterprise: { status: 'none' } }).enterprise[0].data.regionOverrideReason).toBeNull();
    const state = folded(enterpriseStream, [admitted.enterprise[0]]);
    expect(refusedWith(() => assertEligible(state, 'wuhan', '2025-06-02', provinceRegistered))).toBe('accepted');
    // Registered before the rule (version 1, no reason recorded) with a code of another city: refused at the next step.
    const stored = folded(enterpriseStream, [{ ...registered, data: { ...registered.data, uscc: baodingCompany } } as EnterpriseEvent]);
    expect(() => assertEligible(stored, 'wuhan', '2025-06-02', baodingCompany)).toThrow(
      expect.objectContaining({ code: 'INELIGIBLE_ENTERPRISE', details: expect.objectContaining({ reason: 'region' }) }),
    );
  });

  it('wuhan-a4-operating: the 严重违法失信名单 bars until its end date, the 经营异常名录 until the enterprise is taken off it', () => {
    const dishonest = folded(enterpriseStream, [registered, flag('serious-illegal-dishonest', '2025-01-01', '2027-12-31')]);
    expect(refusedWith(() => assertEligible(dishonest, 'wuhan', '2027-12-31', W))).toBe('INELIGIBLE_ENTERPRISE');
    expect(refusedWith(() => assertEligible(dishonest, 'wuhan', '2028-01-01', W))).toBe('accepted');
    const abnormal = folded(enterpriseStream, [registered, flag('abnormal-operation', '2025-03-01')]);
    expect(refusedWith(() => assertEligible(abnormal, 'wuhan', '2030-01-01', W))).toBe('INELIGIBLE_ENTERPRISE');
    const lifted: EnterpriseEvent = { type: 'FlagLifted', data: { uscc: W, flagId: 'f-abnormal-operation', reason: '已移出经营异常名录' } };
    const removed = folded(enterpriseStream, [registered, flag('abnormal-operation', '2025-03-01'), lifted]);
    expect(refusedWith(() => assertEligible(removed, 'wuhan', '2025-06-02', W))).toBe('accepted');
  });

  it('baoding-m8-tags: a priority tag is added later on evidence and removed with a reason; a tag held twice, or removed when absent, is refused', () => {
    const enterprise = folded(enterpriseStream, [registered]);
    const add = {
      type: 'AddTag' as const,
      data: { uscc: W, tag: 'hidden-champion' as const, evidenceRef: '工信部第八批制造业单项冠军名单' },
      metadata: on('2025-06-02', 'admin-1'),
    };
    deciderSpec(decideAddTag)
      .given({ enterprise })
      .when(add)
      .then({ enterprise: [{ type: 'TagAdded', data: { uscc: W, tag: 'hidden-champion', evidenceRef: '工信部第八批制造业单项冠军名单' } }] });
    const tagged = folded(enterpriseStream, [registered, { type: 'TagAdded', data: add.data }]);
    expect(tagged.status === 'registered' && tagged.tags).toEqual(['hidden-champion']);
    deciderSpec(decideAddTag).given({ enterprise: tagged }).when(add).thenRefused('ALREADY_EXISTS', { tag: 'hidden-champion' });
    const remove = {
      type: 'RemoveTag' as const,
      data: { uscc: W, tag: 'hidden-champion' as const, evidenceRef: null, reason: '认定有效期届满' },
      metadata: on('2026-06-02', 'admin-1'),
    };
    deciderSpec(decideRemoveTag)
      .given({ enterprise: tagged })
      .when(remove)
      .then({ enterprise: [{ type: 'TagRemoved', data: { uscc: W, tag: 'hidden-champion', evidenceRef: null, reason: '认定有效期届满' } }] });
    deciderSpec(decideRemoveTag).given({ enterprise }).when(remove).thenRefused('NOT_FOUND');
    const untagged = folded(enterpriseStream, [registered, { type: 'TagAdded', data: add.data }, { type: 'TagRemoved', data: remove.data }]);
    expect(untagged.status === 'registered' && untagged.tags).toEqual([]);
  });

  it('programme-versions: a programme id is published once; a shipped definition already in the log publishes nothing', () => {
    const voucher = builtInProgrammes.find((p) => p.id === 'baoding-data-voucher')!;
    const programme = folded(programmeStream, [{ type: 'ProgrammePublished' as const, data: { definition: voucher, effectiveOn: voucher.validFrom } }]);
    const publish = (version: number, shipped: boolean) => ({
      type: 'PublishProgramme' as const,
      data: { definition: { ...voucher, version }, shipped },
      metadata: on('2025-06-01', 'admin-1'),
    });
    deciderSpec(decidePublishProgramme).given({ programme }).when(publish(1, false)).thenRefused('ALREADY_EXISTS', { programmeId: voucher.id });
    deciderSpec(decidePublishProgramme).given({ programme }).when(publish(1, true)).then({ programme: [] });
    deciderSpec(decidePublishProgramme)
      .given({ programme })
      .when(publish(2, true))
      .then({ programme: [{ type: 'ProgrammePublished', data: { definition: { ...voucher, version: 2 }, effectiveOn: '2025-02-17' } }] });
  });

  it('notice-working-days: a holiday year lists dates of that year only, and only weekend days as workdays', () => {
    const publish = (holidays: string[], workdays: string[]) => ({
      type: 'PublishHolidayYear' as const,
      data: { year: 2026, holidays, workdays, source: '国办发明电〔2025〕' },
      metadata: on('2025-12-01', 'admin-1'),
    });
    expect(refusedWith(() => decidePublishHolidayYear(publish(['2025-10-01'], [])))).toBe('VALIDATION_FAILED');
    expect(refusedWith(() => decidePublishHolidayYear(publish([], ['2026-01-05'])))).toBe('VALIDATION_FAILED');
    expect(decidePublishHolidayYear(publish(['2026-01-01'], ['2026-01-04'])).calendar[0].data.year).toBe(2026);
  });

  it('budget-annual: the 数智券 has 20,000,000.00 a year, fixed; another programme has what was allocated for the year, or nothing', () => {
    const product = builtInProgrammes.find((p) => p.id === 'wuhan-data-product')!;
    const voucher = builtInProgrammes.find((p) => p.id === 'baoding-data-voucher')!;
    const allocated = { status: 'open' as const, allocated: Money.of('1500000.00'), committed: Money.zero };
    expect(budgetTotalOf(voucher, allocated).format()).toBe('20000000.00');
    expect(budgetTotalOf(product, allocated).format()).toBe('1500000.00');
    expect(budgetTotalOf(product, { status: 'none' }).format()).toBe('0.00');
  });

  it("budget-allocated: an allocation adds to the year's budget; a programme with a fixed budget takes none", () => {
    const product = builtInProgrammes.find((p) => p.id === 'wuhan-data-product')!;
    const voucher = builtInProgrammes.find((p) => p.id === 'baoding-data-voucher')!;
    const allocate = (programmeId: string) => ({
      type: 'AllocateBudget' as const,
      data: { programmeId, year: 2025, amount: Money.of('1000000.00') },
      metadata: on('2025-03-01', 'admin-1'),
    });
    deciderSpec(decideAllocateBudget)
      .given({ programme: product, budget: { status: 'open', allocated: Money.of('500000.00'), committed: Money.of('200000.00') } })
      .when(allocate(product.id))
      .then({ budget: [{ type: 'BudgetAllocated', data: { programmeId: product.id, year: 2025, amount: '1000000.00', budgetAfter: '1500000.00', committedAfter: '200000.00' } }] });
    deciderSpec(decideAllocateBudget)
      .given({ programme: voucher, budget: { status: 'none' } })
      .when(allocate(voucher.id))
      .thenRefused('INVALID_TRANSITION', { programmeId: voucher.id });
  });
});
