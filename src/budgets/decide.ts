// Rules for budgets: an administrator allocates a year's budget to a programme without a fixed one.
import type { TypedCommand } from '../shared/command.js';
import { refusal } from '../shared/errors.js';
import type { Money } from '../shared/money.js';
import type { ProgrammeDefinition } from '../programmes/programme.js';
import { budgetTotalOf, committedOf, type Budget } from './budget.js';
import type { BudgetEvents } from './events.js';

export type AllocateBudget = TypedCommand<'AllocateBudget', { programmeId: string; year: number; amount: Money }>;

/** Rule `budget-allocated`: programmes without a fixed annual budget get theirs per year from an administrator. */
export function decideAllocateBudget(
  command: AllocateBudget,
  given: { programme: ProgrammeDefinition; budget: Budget },
): { budget: [{ type: 'BudgetAllocated'; data: BudgetEvents['BudgetAllocated'] }] } {
  const { programmeId, year, amount } = command.data;
  const { programme, budget } = given;
  if (programme.budget.kind !== 'allocated') {
    throw refusal('INVALID_TRANSITION', `programme ${programmeId} has a fixed annual budget of ${programme.budget.amountYuan}`, { programmeId });
  }
  const budgetAfter = budgetTotalOf(programme, budget).plus(amount);
  return {
    budget: [{ type: 'BudgetAllocated', data: { programmeId, year, amount: amount.format(), budgetAfter: budgetAfter.format(), committedAfter: committedOf(budget).format() } }],
  };
}
