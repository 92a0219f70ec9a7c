// What a programme is: a versioned definition (data, not code) and the award rule it names.
import type { CalendarDate } from '../shared/time.js';

import type { Jurisdiction } from '../shared/patterns.js';

export { jurisdictions, voucherCategories, type Jurisdiction } from '../shared/patterns.js';

export const platformLevels = ['national', 'provincial', 'municipal'] as const;
export const standardsLevels = [
  'lead-international',
  'lead-national',
  'lead-industry',
  'lead-hebei-local',
  'lead-baoding-local',
  'lead-national-group',
  'participant-international',
  'participant-national',
  'participant-industry',
] as const;

/**
 * How an award is computed. Amounts are decimal strings (yuan), rates decimal strings ("0.3").
 * - `cumulative-annual` (数智券): rate × the enterprise's recognized spend in the year, once that
 *   total reaches the threshold, capped per enterprise per year; each approval awards the increase.
 * - `proportional`: rate × the recognized spend of one project (its 立项 reference where the rule
 *   requires one, else its matter), capped per project; each approval awards the increase.
 * - `fixed`: an amount by level.
 */
export type AwardRule =
  | { readonly kind: 'cumulative-annual'; readonly rate: string; readonly thresholdYuan: string; readonly capPerEnterpriseYearYuan: string }
  | { readonly kind: 'proportional'; readonly rate: string; readonly capPerProjectYuan: string; readonly approvalRefRequired: boolean }
  | { readonly kind: 'fixed'; readonly amountByLevelYuan: Readonly<Record<string, string>> };

export interface NoticeStage {
  /** The review stage after which the notice is held. */
  readonly afterStage: string;
  readonly listsAmounts: boolean;
}

export type BudgetRule = { readonly kind: 'fixed-annual'; readonly amountYuan: string } | { readonly kind: 'allocated' };

export interface ProgrammeDefinition {
  readonly id: string;
  readonly version: number;
  readonly name: { readonly zh: string; readonly en: string };
  /** The city an enterprise must be registered in. */
  readonly jurisdiction: Jurisdiction;
  readonly validFrom: CalendarDate;
  /** Last day invoices may be dated; null: until amended. */
  readonly validUntil: CalendarDate | null;
  /** Last day applications are accepted (Baoding: the end of validity, until a later version extends it); null: open. */
  readonly lastApplicationDay: CalendarDate | null;
  readonly rule: AwardRule;
  /** Item categories an application must use; null: any (optional). */
  readonly categories: readonly string[] | null;
  /** Review stages, in the order they must be recorded. */
  readonly stages: readonly string[];
  readonly noticeWorkingDays: number;
  /**
   * The public notices (公示) the process holds, in order: each after a review stage, the last after
   * the last stage. `listsAmounts`: the notice lists each application's proposed award (拟奖励金额);
   * a notice that confirms the applicants only (Wuhan art. 9 确认主体) does not.
   */
  readonly noticeStages: readonly NoticeStage[];
  /** 一事一议: lifts per-application and per-enterprise caps, never the budget. */
  readonly caseByCaseAllowed: boolean;
  readonly budget: BudgetRule;
  /** 就高不重复: `top-up` pays a later, higher entitlement the difference; `refuse` refuses a matter already funded. */
  readonly duplicateMatterPolicy: 'top-up' | 'refuse';
  /** Whether recovered (clawed-back) money becomes budget and enterprise headroom again (SPEC §5, 6). */
  readonly recoveryRestoresHeadroom: boolean;
  /** The seed the rule comes from. */
  readonly source: string;
}
