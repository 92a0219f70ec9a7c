// The events of the streams that bound awards: one enterprise's spend and awards in a programme-year
// (the cumulative 数智券 rule and its cap), and one matter's funding across programmes (就高不重复).
import type { Amount, EventOf } from '../shared/event.js';

interface EnterpriseYearTotals {
  spendAfter: Amount;
  awardedAfter: Amount;
}

export interface EnterpriseYearEvents {
  AwardGranted: { programmeId: string; uscc: string; year: number; applicationId: string; spend: Amount; award: Amount } & EnterpriseYearTotals;
  AwardWithdrawn: { programmeId: string; uscc: string; year: number; applicationId: string; spend: Amount; award: Amount } & EnterpriseYearTotals;
  EnterpriseHeadroomRestored: { programmeId: string; uscc: string; year: number; applicationId: string; amount: Amount } & EnterpriseYearTotals;
}

export type EnterpriseYearEvent = EventOf<EnterpriseYearEvents>;

export interface MatterEvents {
  MatterFunded: { uscc: string; matterKey: string; applicationId: string; programmeId: string; entitlement: Amount; award: Amount };
  MatterReleased: { uscc: string; matterKey: string; applicationId: string; programmeId: string; award: Amount };
}

export type MatterEvent = EventOf<MatterEvents>;
