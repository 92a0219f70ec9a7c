// Builders of deciders' input states for specs and property tests: a submission with the figures a
// test cares about, the rest fixed.
import type { AwardState, Clawback, Submission } from '../../src/applications/application.js';
import type { Pool, PoolEntry } from '../../src/awards/award-streams.js';
import { Money } from '../../src/shared/money.js';

export function aSubmission(overrides: Partial<Submission> & { claimed?: string } = {}): Submission {
  const { claimed, ...rest } = overrides;
  return {
    applicationId: 'a-1',
    programmeId: 'baoding-data-voucher',
    programmeVersion: 1,
    uscc: 'U',
    fiscalYear: 2025,
    matterKey: null,
    level: null,
    approvalRef: null,
    items: [],
    claimedTotal: Money.of(claimed ?? '500000.00'),
    recognition: null,
    ...rest,
  };
}

export const reviewedBy = (lastReviewer = 'reviewer-1') => ({ recognized: null, stagesPassed: [], lastReviewer });

/** An award as approved on 2025-06-11 by approver-1, nothing paid yet. */
export function anAward(overrides: Partial<AwardState> & { amount?: string } = {}): AwardState {
  const { amount, ...rest } = overrides;
  return {
    entitlement: Money.of(amount ?? '150000.00'),
    award: Money.of(amount ?? '150000.00'),
    caseByCase: false,
    approvedBy: 'approver-1',
    approvedOn: '2025-06-11',
    disbursements: new Map(),
    clawbacks: new Map(),
    ...rest,
  };
}

/** A clawback an approver ordered on 2025-07-01, nothing recovered yet. */
export function aClawback(amount: string, overrides: Partial<Clawback> = {}): Clawback {
  return {
    clawbackId: 'c-1',
    amount: Money.of(amount),
    recovered: Money.zero,
    writtenOff: Money.zero,
    orderedOn: '2025-07-01',
    disqualifiesSpend: false,
    correction: false,
    ...overrides,
  };
}

/** A pool (an enterprise-year or a project) holding these awards, in the order granted. */
export function aPool(entries: readonly { id: string; spend: string; award: string; caseByCase?: boolean }[]): Pool {
  const map = new Map<string, PoolEntry>(
    entries.map((e) => [e.id, { applicationId: e.id, spend: Money.of(e.spend), award: Money.of(e.award), caseByCase: e.caseByCase ?? false }]),
  );
  return { entries: map, spend: Money.sum([...map.values()].map((e) => e.spend)), awarded: Money.sum([...map.values()].map((e) => e.award)) };
}

export const noPool: Pool = aPool([]);
