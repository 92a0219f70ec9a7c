// The events of a programme-year's budget stream. Each carries the running totals after it, so the
// last event alone is the budget's state (invariant 1 is checked against it under an expected revision).
import type { Amount, EventOf } from '../shared/event.js';

interface Totals {
  budgetAfter: Amount;
  committedAfter: Amount;
}

export interface BudgetEvents {
  BudgetAllocated: { programmeId: string; year: number; amount: Amount } & Totals;
  AwardCommitted: { programmeId: string; year: number; applicationId: string; amount: Amount } & Totals;
  /** An award revoked (or reduced by a correction): its commitment is released. */
  AwardReleased: { programmeId: string; year: number; applicationId: string; amount: Amount } & Totals;
  /** Recovered money made budget again, where the programme says so (SPEC §5, 6). */
  HeadroomRestored: { programmeId: string; year: number; applicationId: string; amount: Amount } & Totals;
}

export type BudgetEvent = EventOf<BudgetEvents>;
