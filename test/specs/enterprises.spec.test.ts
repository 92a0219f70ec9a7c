// The rules about enterprises, programmes, budgets and the calendar (SPEC §1, §2, §4; Wuhan art. 4)
// as given / when / then over their deciders.
import { budgetTotalOf } from '../../src/budgets/budget.js';
import { decideAllocateBudget } from '../../src/budgets/decide.js';
import { decideRegisterEnterprise, decideRaiseFlag } from '../../src/enterprises/decide.js';
import { assertEligible, enterpriseStream } from '../../src/enterprises/enterprise.js';
import type { EnterpriseEvent } from '../../src/enterprises/events.js';
import { decidePublishHolidayYear, decidePublishProgramme } from '../../src/programmes/decide.js';
import { builtInProgrammes } from '../../src/programmes/definitions.js';
import { programmeStream } from '../../src/programmes/state.js';
import { LedgerError } from '../../src/shared/errors.js';
import { Money } from '../../src/shared/money.js';
import { deciderSpec, folded, on } from '../support/decider-spec.js';

const registered: EnterpriseEvent = { type: 'EnterpriseRegistered', data: { uscc: 'U', name: '某企业', city: 'wuhan', district: null, tags: [], usccCheckOverrideReason: null } };
const flag = (list: string, since: string, until: string | null = null): EnterpriseEvent => ({
  type: 'FlagRaised',
  data: { uscc: 'U', flagId: `f-${list}`, list, source: '信用中国', since, checkedAt: '2025-06-01T02:00:00.000Z', evidenceRef: null, until },
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
      data: { uscc: 'U', name: '某企业', city: 'wuhan', district: null, tags: [], usccCheckOverrideReason: null },
      metadata: on('2025-06-01', 'admin-1'),
    };
    deciderSpec(decideRegisterEnterprise)
      .given({ enterprise: { status: 'none' } })
      .when(command)
      .then({ enterprise: [registered as Extract<EnterpriseEvent, { type: 'EnterpriseRegistered' }>] });
    deciderSpec(decideRegisterEnterprise)
      .given({ enterprise: folded(enterpriseStream, [registered]) })
      .when(command)
      .thenRefused('ALREADY_EXISTS', { uscc: 'U' });
  });

  it("wuhan-a4-flags: a flag records its list, source, time of the check and evidence; the check time defaults to the command's", () => {
    deciderSpec(decideRaiseFlag)
      .given({ enterprise: folded(enterpriseStream, [registered]) })
      .when({
        type: 'RaiseFlag',
        data: { uscc: 'U', flagId: 'f-1', list: 'major-tax-violation', source: '国家税务总局', since: '2025-06-01', until: null, evidenceRef: 'SW-1', checkedAt: null },
        metadata: on('2025-06-02', 'admin-1'),
      })
      .then({
        enterprise: [
          {
            type: 'FlagRaised',
            data: {
              uscc: 'U',
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
    expect(refusedWith(() => assertEligible(accident, 'wuhan', '2026-02-28', 'U'))).toBe('INELIGIBLE_ENTERPRISE');
    expect(refusedWith(() => assertEligible(accident, 'wuhan', '2026-03-01', 'U'))).toBe('accepted');
    const banned = folded(enterpriseStream, [registered, flag('subsidy-fraud', '2025-01-01', '2025-12-31')]);
    expect(refusedWith(() => assertEligible(banned, 'wuhan', '2025-12-31', 'U'))).toBe('INELIGIBLE_ENTERPRISE');
    expect(refusedWith(() => assertEligible(banned, 'wuhan', '2026-01-01', 'U'))).toBe('accepted');
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
