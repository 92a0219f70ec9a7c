// Reconciliation: every figure of the read side must equal what the consistency-boundary streams say.
// One pass over the log, folding with the same state functions the decisions use (not the read side's
// code), then a comparison with every row. Run by `ledger verify` beside the hash-chain check, on
// either read side (SQLite or PostgreSQL): the rows come through the read side's queries.
import type { EventStore } from '../event-store/event-store.js';
import { readEventOf } from '../events/upcasting.js';
import type { ReadEvent } from '../events/catalog.js';
import { applicationStream, clawbackOrderedOf, evolveApplication, noApplication, paidOf, recoveredOf, type Application, type AwardState } from '../applications/application.js';
import { budgetStream, evolveBudget } from '../budgets/budget.js';
import type { BudgetEvent } from '../budgets/events.js';
import type { ApplicationEvent } from '../applications/events.js';
import { enterpriseYearStream, evolveEnterpriseYear } from '../awards/award-streams.js';
import type { EnterpriseYearEvent } from '../awards/events.js';
import type { Recorded } from '../shared/event.js';
import { assert } from '../shared/assert.js';
import { Money } from '../shared/money.js';
import type { ReadSideQueries } from './queries.js';

export interface Difference {
  readonly table: string;
  readonly key: string;
  readonly field: string;
  readonly expected: string | null;
  readonly actual: string | null;
}

export interface ReconciliationReport {
  readonly ok: boolean;
  /** The log position both sides were compared at (the read side's checkpoint). */
  readonly position: bigint;
  readonly rowsChecked: number;
  readonly differences: readonly Difference[];
}

export const differenceCountMax = 100;

interface Sums {
  paid: Money;
  clawbackOrdered: Money;
  recovered: Money;
}

const noSums = (): Sums => ({ paid: Money.zero, clawbackOrdered: Money.zero, recovered: Money.zero });

export async function reconcile(store: EventStore, queries: Pick<ReadSideQueries, 'figures'>): Promise<ReconciliationReport> {
  // The rows first, with the checkpoint they reflect; the log is then folded up to that checkpoint.
  const figures = await queries.figures();
  const checkpoint = figures.position;

  // The truth, from the streams, up to the checkpoint.
  const applications = new Map<string, Application>();
  const budgetLast = new Map<string, Recorded<BudgetEvent>>();
  const yearLast = new Map<string, Recorded<EnterpriseYearEvent>>();
  for await (const event of store.readAll()) {
    if (event.position > checkpoint) break;
    if (event.stream.startsWith('application-')) {
      const id = event.stream.slice('application-'.length);
      const next = evolveApplication(applications.get(id) ?? noApplication, ofKind<ApplicationEvent>(readEventOf(event), applicationStream.types));
      // Items are not compared: drop them to keep memory to the figures.
      applications.set(id, next.status === 'none' ? next : { ...next, submission: { ...next.submission, items: [] } });
    } else if (event.stream.startsWith('budget-')) {
      const e = ofKind<BudgetEvent>(readEventOf(event), budgetStream.types);
      budgetLast.set(`${e.data.programmeId}|${e.data.year}`, e);
    } else if (event.stream.startsWith('enterprise-year-')) {
      const e = ofKind<EnterpriseYearEvent>(readEventOf(event), enterpriseYearStream.types);
      yearLast.set(`${e.data.uscc}|${e.data.programmeId}|${e.data.year}`, e);
    }
  }

  const differences: Difference[] = [];
  let rowsChecked = 0;
  const compare = (table: string, key: string, field: string, expected: string | null, actual: string | null): void => {
    if (expected !== actual && differences.length < differenceCountMax) differences.push({ table, key, field, expected, actual });
  };

  const budgetSums = new Map<string, Sums>();
  const yearSums = new Map<string, Sums>();
  const add = (sums: Map<string, Sums>, key: string, a: AwardState | null): void => {
    const s = sums.get(key) ?? noSums();
    if (a === null) {
      sums.set(key, s);
      return;
    }
    sums.set(key, { paid: s.paid.plus(paidOf(a)), clawbackOrdered: s.clawbackOrdered.plus(clawbackOrderedOf(a)), recovered: s.recovered.plus(recoveredOf(a)) });
  };

  for (const [id, application] of applications) {
    if (application.status === 'none') continue;
    const { programmeId, fiscalYear, uscc } = application.submission;
    const awarded = 'award' in application ? application.award : null;
    add(budgetSums, `${programmeId}|${fiscalYear}`, awarded);
    add(yearSums, `${uscc}|${programmeId}|${fiscalYear}`, awarded);
    const row = figures.applications.get(id);
    rowsChecked += 1;
    if (row === undefined) {
      compare('read_applications', id, 'row', 'present', null);
      continue;
    }
    const zero = Money.zero.format();
    compare('read_applications', id, 'status', application.status, row['status'] ?? null);
    compare('read_applications', id, 'award', awarded?.award.format() ?? zero, row['award'] ?? null);
    compare('read_applications', id, 'entitlement', awarded?.entitlement.format() ?? zero, row['entitlement'] ?? null);
    compare('read_applications', id, 'paid', awarded === null ? zero : paidOf(awarded).format(), row['paid'] ?? null);
    compare('read_applications', id, 'clawback_ordered', awarded === null ? zero : clawbackOrderedOf(awarded).format(), row['clawback_ordered'] ?? null);
    compare('read_applications', id, 'recovered', awarded === null ? zero : recoveredOf(awarded).format(), row['recovered'] ?? null);
  }
  const applicationCount = figures.applications.size;
  if (applicationCount !== applications.size) compare('read_applications', '*', 'count', String(applications.size), String(applicationCount));

  for (const [key, last] of budgetLast) {
    const row = figures.budgets.get(key);
    const state = evolveBudget(budgetStream.initial, last);
    if (state.status === 'none') continue;
    const sums = budgetSums.get(key) ?? noSums();
    rowsChecked += 1;
    compare('read_budgets', key, 'budget', state.allocated.format(), row?.['budget'] ?? null);
    compare('read_budgets', key, 'committed', state.committed.format(), row?.['committed'] ?? null);
    compare('read_budgets', key, 'paid', sums.paid.format(), row?.['paid'] ?? null);
    compare('read_budgets', key, 'clawback_ordered', sums.clawbackOrdered.format(), row?.['clawback_ordered'] ?? null);
    compare('read_budgets', key, 'recovered', sums.recovered.format(), row?.['recovered'] ?? null);
  }

  for (const [key, last] of yearLast) {
    const row = figures.totals.get(key);
    const state = evolveEnterpriseYear(enterpriseYearStream.initial, last);
    const sums = yearSums.get(key) ?? noSums();
    rowsChecked += 1;
    compare('read_enterprise_totals', key, 'recognized_spend', state.spend.format(), row?.['recognized_spend'] ?? null);
    compare('read_enterprise_totals', key, 'awarded', state.awarded.format(), row?.['awarded'] ?? null);
    compare('read_enterprise_totals', key, 'paid', sums.paid.format(), row?.['paid'] ?? null);
    compare('read_enterprise_totals', key, 'clawback_ordered', sums.clawbackOrdered.format(), row?.['clawback_ordered'] ?? null);
    compare('read_enterprise_totals', key, 'recovered', sums.recovered.format(), row?.['recovered'] ?? null);
  }

  return { ok: differences.length === 0, position: checkpoint, rowsChecked, differences };
}

/** An event of the kinds a stream may hold: anything else on it means the log is not the ledger's. */
function ofKind<E extends { type: string }>(event: ReadEvent, types: readonly E['type'][]): Recorded<E> {
  assert((types as readonly string[]).includes(event.type), `unexpected ${event.type} in a stream of another kind`);
  return event as unknown as Recorded<E>;
}
