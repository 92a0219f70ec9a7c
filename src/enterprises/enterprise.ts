// An enterprise's state and the eligibility rule every step of an application checks (SPEC §4).
import { assert, assertNever } from '../shared/assert.js';
import { refusal } from '../shared/errors.js';
import type { Recorded } from '../shared/event.js';
import type { StreamKind } from '../shared/stream-kind.js';
import type { CalendarDate } from '../shared/time.js';
import { jurisdictionRegionPrefixes, type Jurisdiction } from '../shared/patterns.js';
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
      /** The administrator's reason for admitting a USCC registered outside `city`; null: none given. */
      readonly regionOverrideReason: string | null;
    };

export type RegisteredEnterprise = Extract<Enterprise, { status: 'registered' }>;

export const noEnterprise: Enterprise = { status: 'none' };

export function evolveEnterprise(state: Enterprise, event: Recorded<EnterpriseEvent>): Enterprise {
  switch (event.type) {
    case 'EnterpriseRegistered': {
      const d = event.data;
      return {
        status: 'registered',
        uscc: d.uscc,
        name: d.name,
        city: d.city,
        district: d.district,
        tags: d.tags,
        flags: new Map(),
        regionOverrideReason: d.regionOverrideReason,
      };
    }
    case 'TagAdded': {
      assert(state.status === 'registered', 'a tag added to an enterprise that is not registered');
      return { ...state, tags: [...state.tags, event.data.tag] };
    }
    case 'TagRemoved': {
      assert(state.status === 'registered', 'a tag removed from an enterprise that is not registered');
      return { ...state, tags: state.tags.filter((tag) => tag !== event.data.tag) };
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
  types: ['EnterpriseRegistered', 'FlagRaised', 'FlagLifted', 'TagAdded', 'TagRemoved'],
  initial: noEnterprise,
  evolve: evolveEnterprise,
  lastEventSuffices: false,
};

/** A major safety accident bars an enterprise for three years from the accident (Wuhan art. 4). */
export const safetyAccidentBarYears = 3;

/**
 * Flags in force on a date: not lifted, started, not past their end, and a safety accident less than
 * three years old. Rule `wuhan-a4-operating`: the 严重违法失信名单 bars until the end of its term
 * (未在严重违法失信名单有效期内), the 经营异常名录 until the enterprise is taken off it (正常开展经营活动).
 */
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
 * The kinds of registrant that are independent legal persons of the kinds the seeds support, by the
 * USCC's first two characters (GB 32100-2015: 登记管理部门码, 机构类别码). Baoding's appendix admits
 * 具有独立法人资格的企事业单位、社会组织、高等院校、科研院所 …; Wuhan art. 4 具有独立法人资格 … 企业、
 * 事业单位、科研院所、高校. Every other pair is refused: see docs/rules.md for each and why.
 */
export const legalPersonKinds: Readonly<Record<string, string>> = {
  '91': '企业 (enterprise: 有限责任公司, 股份有限公司 and other enterprise legal persons)',
  '12': '事业单位 (public institution: 高等院校, 科研院所 among them)',
  '51': '社会团体 (social organisation)',
  '52': '民办非企业单位 / 社会服务机构 (private non-enterprise unit)',
  '53': '基金会 (foundation)',
  '93': "农民专业合作社 (farmers' cooperative: 取得法人资格 on registration, 农民专业合作社法 art. 5)",
};

/**
 * Rule `eligibility-legal-person` (Baoding appendix, Wuhan art. 4: 具有独立法人资格): the registrant's
 * kind, read from the USCC's first two characters, is one of `legalPersonKinds`. A 个体工商户 (92) is
 * a natural person's business, not a legal person; an organ (11) administers funds rather than
 * receiving them. Null: eligible; otherwise the two characters that are not.
 */
export function legalPersonKindRefused(uscc: string): string | null {
  const kind = uscc.slice(0, 2);
  return Object.prototype.hasOwnProperty.call(legalPersonKinds, kind) ? null : kind;
}

/**
 * Rule `eligibility-region` (Baoding appendix: 在我市行政区域内登记注册): the USCC's characters 3–8,
 * the 登记管理机关行政区划码, lie in the jurisdiction (its prefixes in `jurisdictionRegionPrefixes`),
 * unless an administrator recorded a reason to admit it at registration.
 */
export function regionLiesIn(uscc: string, jurisdiction: string): boolean {
  const prefixes: readonly string[] = jurisdictionRegionPrefixes[jurisdiction as Jurisdiction] ?? [];
  const region = uscc.slice(2, 8);
  return prefixes.some((prefix) => region.startsWith(prefix));
}

/**
 * Rule `eligibility` (Baoding appendix; Wuhan art. 4): an independent legal person
 * (`eligibility-legal-person`), registered in the programme's city (`eligibility-region`, and the
 * city it was registered with) and not flagged on any list in force today. Checked at submission,
 * approval and disbursement.
 */
export function assertEligible(enterprise: Enterprise, jurisdiction: string, today: CalendarDate, uscc: string): asserts enterprise is RegisteredEnterprise {
  if (enterprise.status === 'none') throw refusal('INELIGIBLE_ENTERPRISE', `enterprise ${uscc} is not registered`, { uscc, reason: 'not-registered' });
  const kind = legalPersonKindRefused(enterprise.uscc);
  if (kind !== null) {
    throw refusal('INELIGIBLE_ENTERPRISE', `enterprise ${uscc} is of kind ${kind} (USCC characters 1–2), not an independent legal person the programmes support`, {
      uscc,
      reason: 'not-legal-person',
      entityType: kind,
    });
  }
  if (enterprise.city !== jurisdiction) {
    throw refusal('INELIGIBLE_ENTERPRISE', `enterprise ${uscc} is registered in ${enterprise.city}, not in ${jurisdiction}`, {
      uscc,
      reason: 'jurisdiction',
      city: enterprise.city,
      jurisdiction,
    });
  }
  if (enterprise.regionOverrideReason === null && !regionLiesIn(enterprise.uscc, jurisdiction)) {
    throw refusal('INELIGIBLE_ENTERPRISE', `enterprise ${uscc} was registered by the authority of region ${enterprise.uscc.slice(2, 8)}, outside ${jurisdiction}`, {
      uscc,
      reason: 'region',
      region: enterprise.uscc.slice(2, 8),
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
