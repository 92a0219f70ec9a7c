// The states that bound an award: the enterprise-year's running totals and a matter's live awards.
import { assertNever } from '../shared/assert.js';
import type { Recorded } from '../shared/event.js';
import { Money } from '../shared/money.js';
import type { StreamKind } from '../shared/stream-kind.js';
import type { EnterpriseYearEvent, MatterEvent } from './events.js';

export interface EnterpriseYear {
  /** Recognized spend of the enterprise's live approved applications in the programme-year (S). */
  readonly spend: Money;
  readonly awarded: Money;
}

export const noEnterpriseYear: EnterpriseYear = { spend: Money.zero, awarded: Money.zero };

export function evolveEnterpriseYear(_state: EnterpriseYear, event: Recorded<EnterpriseYearEvent>): EnterpriseYear {
  switch (event.type) {
    case 'AwardGranted':
    case 'AwardWithdrawn':
    case 'EnterpriseHeadroomRestored':
      return { spend: Money.of(event.data.spendAfter), awarded: Money.of(event.data.awardedAfter) };
    default:
      return assertNever(event, 'unknown event in an enterprise-year stream');
  }
}

export const enterpriseYearStream: StreamKind<EnterpriseYear, EnterpriseYearEvent> = {
  name: 'enterprise-year',
  types: ['AwardGranted', 'AwardWithdrawn', 'EnterpriseHeadroomRestored'],
  initial: noEnterpriseYear,
  evolve: evolveEnterpriseYear,
  lastEventSuffices: true,
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

export const matterStream: StreamKind<Matter, MatterEvent> = {
  name: 'matter',
  types: ['MatterFunded', 'MatterReleased'],
  initial: new Map(),
  evolve: evolveMatter,
  lastEventSuffices: false,
};
