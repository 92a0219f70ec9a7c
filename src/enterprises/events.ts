// The events of an enterprise's stream: its registration, the eligibility flags raised and lifted on
// it, and the priority tags added and removed.
import type { EventOf } from '../shared/event.js';

export interface EnterpriseEvents {
  EnterpriseRegistered: {
    uscc: string;
    name: string;
    city: string;
    district: string | null;
    tags: string[];
    usccCheckOverrideReason: string | null;
    /** An administrator's reason to admit a USCC whose region (characters 3–8) lies outside `city`; null: none needed. */
    regionOverrideReason: string | null;
  };
  /** A priority tag (Baoding measure 8) added after registration, on the evidence cited (a list, a certificate). */
  TagAdded: { uscc: string; tag: string; evidenceRef: string };
  /** A priority tag taken off: the enterprise left the list, or it was added in error. */
  TagRemoved: { uscc: string; tag: string; evidenceRef: string | null; reason: string };
  FlagRaised: {
    uscc: string;
    flagId: string;
    list: string;
    source: string;
    since: string;
    checkedAt: string;
    evidenceRef: string | null;
    until: string | null;
  };
  FlagLifted: { uscc: string; flagId: string; reason: string };
}

export type EnterpriseEvent = EventOf<EnterpriseEvents>;

/** Version 1 of EnterpriseRegistered: no region override (every code then was taken as registered where it said). */
export type EnterpriseRegisteredV1 = Omit<EnterpriseEvents['EnterpriseRegistered'], 'regionOverrideReason'>;
