// The events of an enterprise's stream: its registration and the eligibility flags raised and lifted on it.
import type { EventOf } from '../shared/event.js';

export interface EnterpriseEvents {
  EnterpriseRegistered: {
    uscc: string;
    name: string;
    city: string;
    district: string | null;
    tags: string[];
    usccCheckOverrideReason: string | null;
  };
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
