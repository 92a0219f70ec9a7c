// An enterprise's state and the eligibility rule every step of an application checks (SPEC §4).
import { assert, assertNever } from '../shared/assert.js';
import { refusal } from '../shared/errors.js';
import type { Recorded } from '../shared/event.js';
import type { StreamKind } from '../shared/stream-kind.js';
import type { CalendarDate } from '../shared/time.js';
import type { EnterpriseEvent } from './events.js';

export { flagLists, type FlagList } from '../shared/patterns.js';

export interface Flag {
  readonly flagId: string;
  readonly list: string;
  readonly source: string;
  readonly since: CalendarDate;
  readonly until: CalendarDate | null;
}

export type Enterprise =
  | { readonly status: 'none' }
  | {
      readonly status: 'registered';
      readonly uscc: string;
      readonly name: string;
      readonly city: string;
      readonly district: string | null;
      readonly tags: readonly string[];
      readonly flags: ReadonlyMap<string, Flag>;
    };

export type RegisteredEnterprise = Extract<Enterprise, { status: 'registered' }>;

export const noEnterprise: Enterprise = { status: 'none' };

export function evolveEnterprise(state: Enterprise, event: Recorded<EnterpriseEvent>): Enterprise {
  switch (event.type) {
    case 'EnterpriseRegistered': {
      const d = event.data;
      return { status: 'registered', uscc: d.uscc, name: d.name, city: d.city, district: d.district, tags: d.tags, flags: new Map() };
    }
    case 'FlagRaised': {
      assert(state.status === 'registered', 'a flag raised on an enterprise that is not registered');
      const d = event.data;
      const flags = new Map(state.flags);
      flags.set(d.flagId, { flagId: d.flagId, list: d.list, source: d.source, since: d.since, until: d.until });
      return { ...state, flags };
    }
    case 'FlagLifted': {
      assert(state.status === 'registered', 'a flag lifted on an enterprise that is not registered');
      const flags = new Map(state.flags);
      flags.delete(event.data.flagId);
      return { ...state, flags };
    }
    default:
      return assertNever(event, 'unknown event in an enterprise stream');
  }
}

export const enterpriseStream: StreamKind<Enterprise, EnterpriseEvent> = {
  name: 'enterprise',
  types: ['EnterpriseRegistered', 'FlagRaised', 'FlagLifted'],
  initial: noEnterprise,
  evolve: evolveEnterprise,
  lastEventSuffices: false,
};

/** A major safety accident bars an enterprise for three years from the accident (Wuhan art. 4). */
export const safetyAccidentBarYears = 3;

/** Flags in force on a date: not lifted, started, not past their end, and a safety accident less than three years old. */
export function flagsInForce(state: Enterprise, today: CalendarDate): Flag[] {
  if (state.status === 'none') return [];
  return [...state.flags.values()].filter((flag) => {
    if (flag.since > today) return false;
    if (flag.until !== null && today > flag.until) return false;
    if (flag.list === 'major-safety-accident') {
      const barEnds = `${Number(flag.since.slice(0, 4)) + safetyAccidentBarYears}${flag.since.slice(4)}`;
      return today < barEnds;
    }
    return true;
  });
}

/**
 * Rule `eligibility` (Baoding appendix; Wuhan art. 4): registered in the programme's city and not
 * flagged on any list in force today. Checked at submission, approval and disbursement.
 */
export function assertEligible(enterprise: Enterprise, jurisdiction: string, today: CalendarDate, uscc: string): asserts enterprise is RegisteredEnterprise {
  if (enterprise.status === 'none') throw refusal('INELIGIBLE_ENTERPRISE', `enterprise ${uscc} is not registered`, { uscc, reason: 'not-registered' });
  if (enterprise.city !== jurisdiction) {
    throw refusal('INELIGIBLE_ENTERPRISE', `enterprise ${uscc} is registered in ${enterprise.city}, not in ${jurisdiction}`, {
      uscc,
      reason: 'jurisdiction',
      city: enterprise.city,
      jurisdiction,
    });
  }
  const flag = flagsInForce(enterprise, today)[0];
  if (flag !== undefined) {
    throw refusal('INELIGIBLE_ENTERPRISE', `enterprise ${uscc} is flagged on ${flag.list} (since ${flag.since})`, {
      uscc,
      reason: 'flagged',
      list: flag.list,
      flagId: flag.flagId,
    });
  }
}
