// Rules for enterprises: registration once per USCC, and flags raised and lifted by an administrator.
import { refusal } from '../shared/errors.js';
import type { TypedCommand } from '../shared/command.js';
import type { CalendarDate } from '../shared/time.js';
import type { EnterpriseTag } from '../shared/patterns.js';
import { legalPersonKindRefused, regionLiesIn, type Enterprise, type FlagList } from './enterprise.js';
import type { EnterpriseEvents } from './events.js';

type Of<T extends keyof EnterpriseEvents> = { readonly type: T; readonly data: EnterpriseEvents[T] };

export type RegisterEnterprise = TypedCommand<
  'RegisterEnterprise',
  {
    uscc: string;
    name: string;
    city: string;
    district: string | null;
    tags: readonly string[];
    usccCheckOverrideReason: string | null;
    /** An administrator's reason to admit a code registered outside `city` (the parser lets only an administrator give one). */
    regionOverrideReason: string | null;
  }
>;

/**
 * Rule `enterprise-once`: an enterprise is registered once; its USCC identifies it. Rules
 * `eligibility-legal-person` and `eligibility-region`: the code says an independent legal person
 * registered in `city`; outside it, only with an administrator's recorded reason.
 */
export function decideRegisterEnterprise(command: RegisterEnterprise, given: { enterprise: Enterprise }): { enterprise: [Of<'EnterpriseRegistered'>] } {
  const d = command.data;
  if (given.enterprise.status !== 'none') throw refusal('ALREADY_EXISTS', `enterprise ${d.uscc} is already registered`, { uscc: d.uscc });
  const kind = legalPersonKindRefused(d.uscc);
  if (kind !== null) {
    throw refusal('INELIGIBLE_ENTERPRISE', `${d.uscc} is of kind ${kind} (USCC characters 1–2), not an independent legal person the programmes support (a 个体工商户 is 92)`, {
      uscc: d.uscc,
      reason: 'not-legal-person',
      entityType: kind,
    });
  }
  const inCity = regionLiesIn(d.uscc, d.city);
  if (!inCity && d.regionOverrideReason === null) {
    throw refusal(
      'INELIGIBLE_ENTERPRISE',
      `${d.uscc} was registered by the authority of region ${d.uscc.slice(2, 8)}, outside ${d.city}: an administrator may admit it with a reason (regionOverride)`,
      { uscc: d.uscc, reason: 'region', region: d.uscc.slice(2, 8), jurisdiction: d.city },
    );
  }
  // A reason is kept only where it admitted something: a code inside the city needs none.
  return { enterprise: [{ type: 'EnterpriseRegistered', data: { ...d, tags: [...d.tags], regionOverrideReason: inCity ? null : d.regionOverrideReason } }] };
}

export type AddTag = TypedCommand<'AddTag', { uscc: string; tag: EnterpriseTag; evidenceRef: string }>;

/**
 * Rule `baoding-m8-tags`: a priority tag is added after registration on cited evidence (the list or
 * certificate that names the enterprise); a tag it already has is refused.
 */
export function decideAddTag(command: AddTag, given: { enterprise: Enterprise }): { enterprise: [Of<'TagAdded'>] } {
  const d = command.data;
  if (given.enterprise.status === 'none') throw refusal('NOT_FOUND', `enterprise ${d.uscc} does not exist`, { id: d.uscc });
  if (given.enterprise.tags.includes(d.tag)) throw refusal('ALREADY_EXISTS', `enterprise ${d.uscc} is already tagged ${d.tag}`, { uscc: d.uscc, tag: d.tag });
  return { enterprise: [{ type: 'TagAdded', data: { uscc: d.uscc, tag: d.tag, evidenceRef: d.evidenceRef } }] };
}

export type RemoveTag = TypedCommand<'RemoveTag', { uscc: string; tag: EnterpriseTag; evidenceRef: string | null; reason: string }>;

/** Rule `baoding-m8-tags`: a tag the enterprise has is removed, with the reason and its evidence. */
export function decideRemoveTag(command: RemoveTag, given: { enterprise: Enterprise }): { enterprise: [Of<'TagRemoved'>] } {
  const d = command.data;
  if (given.enterprise.status === 'none' || !given.enterprise.tags.includes(d.tag)) {
    throw refusal('NOT_FOUND', `enterprise ${d.uscc} does not exist or is not tagged ${d.tag}`, { id: `${d.uscc}/${d.tag}` });
  }
  return { enterprise: [{ type: 'TagRemoved', data: { uscc: d.uscc, tag: d.tag, evidenceRef: d.evidenceRef, reason: d.reason } }] };
}

export type RaiseFlag = TypedCommand<
  'RaiseFlag',
  { uscc: string; flagId: string; list: FlagList; source: string; since: CalendarDate; until: CalendarDate | null; evidenceRef: string | null; checkedAt: string | null }
>;

/** Rule `wuhan-a4-flags`: a flag on one of the lists, with its source, the time of the check and its evidence. */
export function decideRaiseFlag(command: RaiseFlag, given: { enterprise: Enterprise }): { enterprise: [Of<'FlagRaised'>] } {
  const d = command.data;
  if (given.enterprise.status === 'none') throw refusal('NOT_FOUND', `enterprise ${d.uscc} does not exist`, { id: d.uscc });
  return {
    enterprise: [
      {
        type: 'FlagRaised',
        data: {
          uscc: d.uscc,
          flagId: d.flagId,
          list: d.list,
          source: d.source,
          since: d.since,
          checkedAt: d.checkedAt ?? command.metadata.now,
          evidenceRef: d.evidenceRef,
          until: d.until,
        },
      },
    ],
  };
}

export type LiftFlag = TypedCommand<'LiftFlag', { uscc: string; flagId: string; reason: string }>;

export function decideLiftFlag(command: LiftFlag, given: { enterprise: Enterprise }): { enterprise: [Of<'FlagLifted'>] } {
  const d = command.data;
  if (given.enterprise.status === 'none' || !given.enterprise.flags.has(d.flagId)) {
    throw refusal('NOT_FOUND', `flag ${d.flagId} of ${d.uscc} does not exist or is lifted`, { id: d.flagId });
  }
  return { enterprise: [{ type: 'FlagLifted', data: { uscc: d.uscc, flagId: d.flagId, reason: d.reason } }] };
}
