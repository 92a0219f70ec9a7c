// The events of the streams that bound awards: one enterprise's spend and awards in a programme-year
// (the cumulative 数智券 rule and its cap, and every programme's totals), one project's spend and awards
// (the per-project caps), and one matter's funding across programmes (就高不重复).
import type { Amount, EventOf } from '../shared/event.js';

interface PoolTotals {
  spendAfter: Amount;
  awardedAfter: Amount;
}

/** What made a correction: an award revoked, or a clawback that disqualified an application's spend. */
export type CorrectionCause = 'revocation' | 'disqualifying-clawback';

/**
 * A correction of one application's place in a pool: spend removed (its own disqualification) and
 * award removed (reduced where undisbursed, clawed back where paid), naming what caused it.
 */
interface Correction {
  applicationId: string;
  spendRemoved: Amount;
  awardRemoved: Amount;
  cause: CorrectionCause;
  causeApplicationId: string;
  causeClawbackId: string | null;
}

export interface EnterpriseYearEvents {
  /** `caseByCase`: a 一事一议 award, outside the caps and the threshold (it still counts towards them). */
  AwardGranted: { programmeId: string; uscc: string; year: number; applicationId: string; spend: Amount; award: Amount; caseByCase: boolean } & PoolTotals;
  /** The award revoked: its spend and award leave the year. */
  AwardWithdrawn: { programmeId: string; uscc: string; year: number; applicationId: string; spend: Amount; award: Amount } & PoolTotals;
  AwardCorrected: { programmeId: string; uscc: string; year: number } & Correction & PoolTotals;
  EnterpriseHeadroomRestored: { programmeId: string; uscc: string; year: number; applicationId: string; amount: Amount } & PoolTotals;
}

export type EnterpriseYearEvent = EventOf<EnterpriseYearEvents>;

/** Version 1 of AwardGranted: no 一事一议 mark (read as ordinary). */
export type AwardGrantedV1 = Omit<EnterpriseYearEvents['AwardGranted'], 'caseByCase'>;

export interface ProjectEvents {
  ProjectFunded: { programmeId: string; uscc: string; projectKey: string; applicationId: string; spend: Amount; award: Amount; caseByCase: boolean } & PoolTotals;
  ProjectReleased: { programmeId: string; uscc: string; projectKey: string; applicationId: string; spend: Amount; award: Amount } & PoolTotals;
  ProjectCorrected: { programmeId: string; uscc: string; projectKey: string } & Correction & PoolTotals;
}

export type ProjectEvent = EventOf<ProjectEvents>;

export interface MatterEvents {
  MatterFunded: { uscc: string; matterKey: string; applicationId: string; programmeId: string; entitlement: Amount; award: Amount };
  MatterReleased: { uscc: string; matterKey: string; applicationId: string; programmeId: string; award: Amount };
}

export type MatterEvent = EventOf<MatterEvents>;
