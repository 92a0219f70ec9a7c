// The states that bound an award. A pool is the recognized spend and the awards that one entitlement
// covers: the enterprise-year under the cumulative 数智券 rule (and, for totals, under every rule), the
// project under a proportional rule. A matter is one enterprise's live awards for one matter.
import { assertNever } from '../shared/assert.js';
import type { Recorded } from '../shared/event.js';
import { Money } from '../shared/money.js';
import type { StreamKind } from '../shared/stream-kind.js';
import type { EnterpriseYearEvent, MatterEvent, ProjectEvent } from './events.js';

/** One live approved application in a pool: the spend it brought and the award it now holds there. */
export interface PoolEntry {
  readonly applicationId: string;
  readonly spend: Money;
  readonly award: Money;
  /** 一事一议: outside the caps and the threshold, never reduced by a correction. */
  readonly caseByCase: boolean;
}

export interface Pool {
  /** In the order the awards were granted: a correction reduces the newest first. */
  readonly entries: ReadonlyMap<string, PoolEntry>;
  /** Recognized spend of the live approved applications (S). */
  readonly spend: Money;
  /** Every award the pool holds, 一事一议 included. */
  readonly awarded: Money;
}

export const emptyPool: Pool = { entries: new Map(), spend: Money.zero, awarded: Money.zero };

/** Σ ordinary (not 一事一议) awards of the pool: what invariant 2 bounds by min(cap, E(S)). */
export function ordinaryAwardedOf(pool: Pool): Money {
  return Money.sum([...pool.entries.values()].filter((e) => !e.caseByCase).map((e) => e.award));
}

/** The pool once an application's spend and award count in it (what-if, for proposals listed together). */
export function poolWith(pool: Pool, entry: PoolEntry): Pool {
  const entries = new Map(pool.entries);
  entries.set(entry.applicationId, entry);
  return { entries, spend: pool.spend.plus(entry.spend), awarded: pool.awarded.plus(entry.award) };
}

type Totals = { readonly spendAfter: string; readonly awardedAfter: string };

function withTotals(entries: Map<string, PoolEntry>, totals: Totals): Pool {
  return { entries, spend: Money.of(totals.spendAfter), awarded: Money.of(totals.awardedAfter) };
}

function granted(pool: Pool, d: { applicationId: string; spend: string; award: string; caseByCase: boolean } & Totals): Pool {
  const entries = new Map(pool.entries);
  entries.set(d.applicationId, { applicationId: d.applicationId, spend: Money.of(d.spend), award: Money.of(d.award), caseByCase: d.caseByCase });
  return withTotals(entries, d);
}

function released(pool: Pool, d: { applicationId: string } & Totals): Pool {
  const entries = new Map(pool.entries);
  entries.delete(d.applicationId);
  return withTotals(entries, d);
}

function corrected(pool: Pool, d: { applicationId: string; spendRemoved: string; awardRemoved: string } & Totals): Pool {
  const entries = new Map(pool.entries);
  const entry = entries.get(d.applicationId);
  // A reader of the last event alone (totals only) has no entries to correct.
  if (entry !== undefined) entries.set(d.applicationId, { ...entry, spend: entry.spend.minus(Money.of(d.spendRemoved)), award: entry.award.minus(Money.of(d.awardRemoved)) });
  return withTotals(entries, d);
}

export function evolveEnterpriseYear(state: Pool, event: Recorded<EnterpriseYearEvent>): Pool {
  switch (event.type) {
    case 'AwardGranted':
      return granted(state, event.data);
    case 'AwardWithdrawn':
      return released(state, event.data);
    case 'AwardCorrected':
      return corrected(state, event.data);
    case 'EnterpriseHeadroomRestored':
      return corrected(state, { ...event.data, spendRemoved: '0.00', awardRemoved: event.data.amount });
    default:
      return assertNever(event, 'unknown event in an enterprise-year stream');
  }
}

export const enterpriseYearStream: StreamKind<Pool, EnterpriseYearEvent> = {
  name: 'enterprise-year',
  types: ['AwardGranted', 'AwardWithdrawn', 'AwardCorrected', 'EnterpriseHeadroomRestored'],
  initial: emptyPool,
  evolve: evolveEnterpriseYear,
  lastEventSuffices: false,
};

export function evolveProject(state: Pool, event: Recorded<ProjectEvent>): Pool {
  switch (event.type) {
    case 'ProjectFunded':
      return granted(state, event.data);
    case 'ProjectReleased':
      return released(state, event.data);
    case 'ProjectCorrected':
      return corrected(state, event.data);
    default:
      return assertNever(event, 'unknown event in a project stream');
  }
}

export const projectStream: StreamKind<Pool, ProjectEvent> = {
  name: 'project',
  types: ['ProjectFunded', 'ProjectReleased', 'ProjectCorrected'],
  initial: emptyPool,
  evolve: evolveProject,
  lastEventSuffices: false,
};

export interface MatterFunding {
  readonly applicationId: string;
  readonly programmeId: string;
  readonly entitlement: Money;
  readonly award: Money;
}

/** The live awards of one matter of one enterprise, by application. */
export type Matter = ReadonlyMap<string, MatterFunding>;

export function evolveMatter(state: Matter, event: Recorded<MatterEvent>): Matter {
  const next = new Map(state);
  switch (event.type) {
    case 'MatterFunded':
      next.set(event.data.applicationId, {
        applicationId: event.data.applicationId,
        programmeId: event.data.programmeId,
        entitlement: Money.of(event.data.entitlement),
        award: Money.of(event.data.award),
      });
      return next;
    case 'MatterReleased':
      next.delete(event.data.applicationId);
      return next;
    default:
      return assertNever(event, 'unknown event in a matter stream');
  }
}

/** The matter once an application's award counts in it (what-if, for proposals listed together). */
export function matterWith(matter: Matter, funding: MatterFunding): Matter {
  const next = new Map(matter);
  next.set(funding.applicationId, funding);
  return next;
}

export const matterStream: StreamKind<Matter, MatterEvent> = {
  name: 'matter',
  types: ['MatterFunded', 'MatterReleased'],
  initial: new Map(),
  evolve: evolveMatter,
  lastEventSuffices: false,
};
