// The ledger's records as the API gives them, and what several pages do with them.
import { get } from './api';
import { fenOf } from './format';
import { lang } from './i18n';
import { useLoad } from './ui';

export interface Programme {
  id: string;
  version: number;
  name: { zh: string; en: string };
  stages: string[];
  /** The public notices the process holds, each after a review stage. */
  noticeStages: { afterStage: string; listsAmounts: boolean }[];
  rule: { kind: string };
}

export interface Budget {
  programmeId: string;
  year: number;
  budget: string;
  committed: string;
  paid: string;
  clawbackOrdered: string;
  recovered: string;
  remaining: string;
  position: string;
}

export interface Application {
  applicationId: string;
  programmeId: string;
  fiscalYear: number;
  uscc: string;
  district: string | null;
  priority: number;
  status: string;
  claimed: string;
  recognized: string | null;
  entitlement: string;
  /** From the final review on: what an approval now would grant (null before). */
  proposedAward?: string | null;
  award: string;
  paid: string;
  clawbackOrdered: string;
  recovered: string;
  noticeId: string | null;
  noticeEndsOn: string | null;
  submittedAt: string;
}

export function programmeName(programme: Programme | undefined, id: string): string {
  return programme === undefined ? id : lang() === 'zh' ? programme.name.zh : programme.name.en;
}

export function usePrograms() {
  return useLoad(() => get<Programme[]>('/api/programmes'), []);
}

/** The read side knows an application's entitlement once it is proposed or approved; before, it reads 0.00. */
export function entitlementKnown(a: Application): boolean {
  return a.status === 'approved' || a.status === 'revoked' || (a.proposedAward ?? null) !== null || fenOf(a.entitlement) > 0n;
}
