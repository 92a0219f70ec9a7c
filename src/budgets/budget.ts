// A programme-year's budget: what was allocated and what awards have committed of it.
import { assertNever } from '../shared/assert.js';
import type { Recorded } from '../shared/event.js';
import { Money } from '../shared/money.js';
import type { StreamKind } from '../shared/stream-kind.js';
import type { ProgrammeDefinition } from '../programmes/programme.js';
import type { BudgetEvent } from './events.js';

export type Budget = { readonly status: 'none' } | { readonly status: 'open'; readonly allocated: Money; readonly committed: Money };

export function evolveBudget(_state: Budget, event: Recorded<BudgetEvent>): Budget {
  switch (event.type) {
    case 'BudgetAllocated':
    case 'AwardCommitted':
    case 'AwardReleased':
    case 'HeadroomRestored':
      return { status: 'open', allocated: Money.of(event.data.budgetAfter), committed: Money.of(event.data.committedAfter) };
    default:
      return assertNever(event, 'unknown event in a budget stream');
  }
}

export const budgetStream: StreamKind<Budget, BudgetEvent> = {
  name: 'budget',
  types: ['BudgetAllocated', 'AwardCommitted', 'AwardReleased', 'HeadroomRestored'],
  initial: { status: 'none' },
  evolve: evolveBudget,
  lastEventSuffices: true,
  contended: true,
};

export function committedOf(budget: Budget): Money {
  return budget.status === 'open' ? budget.committed : Money.zero;
}

/** Rule `budget-annual`: a fixed annual amount (数智券: 2000万) or what an administrator allocated for the year. */
export function budgetTotalOf(programme: ProgrammeDefinition, budget: Budget): Money {
  if (programme.budget.kind === 'fixed-annual') return Money.of(programme.budget.amountYuan);
  return budget.status === 'open' ? budget.allocated : Money.zero;
}
