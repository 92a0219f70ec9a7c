// Rules for enterprises: registration once per USCC, and flags raised and lifted by an administrator.
import { refusal } from '../shared/errors.js';
import type { TypedCommand } from '../shared/command.js';
import type { CalendarDate } from '../shared/time.js';
import type { Enterprise, FlagList } from './enterprise.js';
import type { EnterpriseEvents } from './events.js';

type Of<T extends keyof EnterpriseEvents> = { readonly type: T; readonly data: EnterpriseEvents[T] };

export type RegisterEnterprise = TypedCommand<
  'RegisterEnterprise',
  { uscc: string; name: string; city: string; district: string | null; tags: readonly string[]; usccCheckOverrideReason: string | null }
>;

/** Rule `enterprise-once`: an enterprise is registered once; its USCC identifies it. */
export function decideRegisterEnterprise(command: RegisterEnterprise, given: { enterprise: Enterprise }): { enterprise: [Of<'EnterpriseRegistered'>] } {
  const d = command.data;
  if (given.enterprise.status !== 'none') throw refusal('ALREADY_EXISTS', `enterprise ${d.uscc} is already registered`, { uscc: d.uscc });
  return { enterprise: [{ type: 'EnterpriseRegistered', data: { ...d, tags: [...d.tags] } }] };
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
