// Builders of deciders' input states for specs and property tests: a submission with the figures a
// test cares about, the rest fixed.
import type { AwardState, Clawback, NoticeRef, Submission } from '../../src/applications/application.js';
import type { RecordedDecision } from '../../src/decisions/decision.js';
import type { Objection, OpenedNotice } from '../../src/notices/notice.js';
import type { Pool, PoolEntry } from '../../src/awards/award-streams.js';
import type { RegisteredEnterprise } from '../../src/enterprises/enterprise.js';
import { usccCheckCharacter } from '../../src/shared/identifiers.js';
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

export const reviewedBy = (lastReviewer = 'reviewer-1') => ({ recognized: null, stagesPassed: ['district-preliminary', 'city-re-review', 'expert-review'], lastReviewer });

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
    fraud: false,
    referral: null,
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

/** A notice reference on an application: the last notice (after expert-review), listing `proposedAward` if given. */
export function aNoticeRef(overrides: Partial<NoticeRef> = {}): NoticeRef {
  return { noticeId: 'n-1', endsOn: '2025-06-10', afterStage: 'expert-review', proposedAward: null, ...overrides };
}

/** An opened notice after expert-review, listing `applicationIds`, with objections as given. */
export function anOpenedNotice(overrides: Partial<OpenedNotice> & { programmeId?: string } = {}): OpenedNotice {
  return {
    status: 'opened',
    noticeId: 'n-1',
    programmeId: 'baoding-data-voucher',
    afterStage: 'expert-review',
    applicationIds: ['a-1'],
    entries: new Map(),
    opensOn: '2025-06-03',
    endsOn: '2025-06-10',
    objections: new Map(),
    ...overrides,
  };
}

/** An objection on a notice: open unless `outcome` is given. */
export function anObjection(objectionId: string, applicationId: string, outcome: Objection['outcome'] = null): Objection {
  return {
    objectionId,
    applicationId,
    summary: '群众来信反映',
    objector: null,
    channel: 'letter',
    receivedOn: '2025-06-05',
    filedBy: 'approver-1',
    outcome,
    reason: null,
    resolvedBy: null,
  };
}

/** A recorded collective decision `d-1` listing each application at its amount. */
export function aDecision(awards: Readonly<Record<string, string>>, kind: RecordedDecision['kind'] = 'collective'): RecordedDecision {
  return {
    status: 'recorded',
    decisionId: 'd-1',
    reference: '市数据局党组会议纪要〔2025〕7号',
    decidedOn: '2025-06-11',
    body: '市数据局党组',
    kind,
    awards: new Map(Object.entries(awards).map(([id, amount]) => [id, Money.of(amount)])),
  };
}

/** A company (91…) registered by the market regulator of the city (保定 130600, 武汉 420100), no tags, no flags. */
export function aRegisteredEnterprise(city: string, overrides: Partial<RegisteredEnterprise> = {}): RegisteredEnterprise {
  const first17 = `91${city === 'wuhan' ? '420100' : '130600'}MA0000001`;
  return {
    status: 'registered',
    uscc: first17 + usccCheckCharacter(first17),
    name: '某企业',
    city,
    district: null,
    tags: [],
    flags: new Map(),
    regionOverrideReason: null,
    ...overrides,
  };
}
