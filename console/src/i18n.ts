// The console's two languages: Chinese first, English on request. Page text is written as a pair
// beside where it is shown (tr); names the ledger gives (roles, statuses, events, stages) are here.

export type Lang = 'zh' | 'en';

const storageKey = 'ledger-console-lang';
let current: Lang = (globalThis.localStorage?.getItem(storageKey) as Lang | null) === 'en' ? 'en' : 'zh';
const listeners = new Set<() => void>();

export function lang(): Lang {
  return current;
}

export function setLang(next: Lang): void {
  current = next;
  globalThis.localStorage?.setItem(storageKey, next);
  document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en';
  document.title = tr('补贴资金台账', 'Subsidy ledger');
  for (const listener of listeners) listener();
}

export function onLangChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The text in the current language. */
export function tr(zh: string, en: string): string {
  return current === 'zh' ? zh : en;
}

type Names = Record<string, readonly [zh: string, en: string]>;

function named(names: Names, key: string | null | undefined): string {
  if (key === null || key === undefined) return '—';
  const pair = names[key];
  return pair === undefined ? key : pair[current === 'zh' ? 0 : 1];
}

const roles: Names = {
  admin: ['管理员', 'Administrator'],
  reviewer: ['审核人员', 'Reviewer'],
  approver: ['审批人员', 'Approver'],
  finance: ['财务人员', 'Finance'],
  auditor: ['审计人员', 'Auditor'],
  supervisor: ['监管人员', 'Supervisor'],
};

const statuses: Names = {
  submitted: ['已受理', 'Submitted'],
  in_review: ['审核中', 'In review'],
  reviewed: ['审核完成', 'Reviewed'],
  in_notice: ['公示中', 'In notice'],
  approved: ['已批准', 'Approved'],
  rejected: ['未通过', 'Rejected'],
  withdrawn: ['已撤回', 'Withdrawn'],
  revoked: ['已撤销', 'Revoked'],
  recorded: ['待复核', 'Awaiting check'],
  confirmed: ['已确认', 'Confirmed'],
};

const stages: Names = {
  'district-preliminary': ['区县初审', 'District preliminary review'],
  'city-re-review': ['市级复核', 'City re-review'],
  'expert-review': ['专家评审', 'Expert review'],
};

const events: Names = {
  ApplicationSubmitted: ['提交申请', 'Application submitted'],
  StageReviewed: ['审核', 'Stage reviewed'],
  ApplicationRejected: ['驳回', 'Application rejected'],
  ApplicationWithdrawn: ['撤回', 'Application withdrawn'],
  ApplicationNoticed: ['列入公示', 'Put on notice'],
  AwardApproved: ['集体研究批准', 'Award approved'],
  AwardRevoked: ['撤销奖励', 'Award revoked'],
  DisbursementRecorded: ['登记拨付', 'Disbursement recorded'],
  DisbursementConfirmed: ['复核确认拨付', 'Disbursement confirmed'],
  DisbursementRejected: ['复核退回拨付', 'Disbursement rejected'],
  ClawbackOrdered: ['责令追回', 'Clawback ordered'],
  RecoveryRecorded: ['登记收回', 'Recovery recorded'],
  ClawbackWrittenOff: ['核销追回', 'Clawback written off'],
  ObjectionFiled: ['异议登记', 'Objection filed'],
  ObjectionResolved: ['异议处理', 'Objection resolved'],
  EnterpriseRegistered: ['企业登记', 'Enterprise registered'],
  FlagRaised: ['列入名单', 'Flag raised'],
  FlagLifted: ['移出名单', 'Flag lifted'],
};

export const roleName = (key: string) => named(roles, key);
export const statusName = (key: string | null | undefined) => named(statuses, key);
export const stageName = (key: string | null | undefined) => named(stages, key);
export const eventName = (key: string) => named(events, key);
