// Answers to the hottest questions (a budget now, an enterprise's totals now, the programmes),
// remembered until the read side moves. A supervisor's dashboard asks them over and over between
// two writes; each answer stays exactly what the database would say at the position it carries.
import type { ProgrammeDefinition } from '../programmes/programme.js';
import type { ApplicationFilter, ApplicationView, AsOf, BudgetView, EnterpriseTotalsView, ReadFigures, ReadSideQueries } from './queries.js';

/** Answers remembered at once; past this, the cache starts over (a generation rarely holds so many). */
const answersMax = 10_000;

/**
 * Wraps a read side's queries. `generation` is the position this process's projector has reached:
 * every batch it commits (or finds already applied by another process) moves it, and forgets every
 * answer. Until then an answer read from the database cannot change, except by another process's
 * projector going further, and an answer from a position already reached is still true of that
 * position, which it carries.
 */
export class CachedReadQueries implements ReadSideQueries {
  private generationSeen: bigint | undefined;
  private readonly answers = new Map<string, Promise<unknown>>();

  constructor(
    private readonly inner: ReadSideQueries,
    private readonly generation: () => bigint,
  ) {}

  private remembered<T>(key: string, ask: () => Promise<T>): Promise<T> {
    const generation = this.generation();
    if (generation !== this.generationSeen) {
      this.answers.clear();
      this.generationSeen = generation;
    }
    const known = this.answers.get(key);
    if (known !== undefined) return known as Promise<T>;
    if (this.answers.size >= answersMax) this.answers.clear();
    const answer = ask();
    this.answers.set(key, answer);
    // A failed question is asked again next time, not remembered.
    answer.catch(() => {
      if (this.answers.get(key) === answer) this.answers.delete(key);
    });
    return answer;
  }

  budget(programmeId: string, year: number, asOf?: AsOf): Promise<BudgetView | undefined> {
    if (asOf !== undefined) return this.inner.budget(programmeId, year, asOf);
    return this.remembered(`budget\u0000${programmeId}\u0000${year}`, () => this.inner.budget(programmeId, year));
  }

  enterpriseTotals(uscc: string, options: { year?: number; asOf?: AsOf } = {}): Promise<EnterpriseTotalsView[]> {
    if (options.asOf !== undefined) return this.inner.enterpriseTotals(uscc, options);
    return this.remembered(`totals\u0000${uscc}\u0000${options.year ?? ''}`, () => this.inner.enterpriseTotals(uscc, options));
  }

  programme(programmeId: string): Promise<ProgrammeDefinition | undefined> {
    return this.remembered(`programme\u0000${programmeId}`, () => this.inner.programme(programmeId));
  }

  programmes(): Promise<ProgrammeDefinition[]> {
    return this.remembered('programmes', () => this.inner.programmes());
  }

  // The rest goes to the database every time: lists and audits, asked rarely or with many shapes.

  checkpoint(name?: string): Promise<bigint> {
    return this.inner.checkpoint(name);
  }

  positionOf(asOf: AsOf): Promise<bigint> {
    return this.inner.positionOf(asOf);
  }

  budgets(): Promise<BudgetView[]> {
    return this.inner.budgets();
  }

  application(applicationId: string): Promise<ApplicationView | undefined> {
    return this.inner.application(applicationId);
  }

  applications(filter: ApplicationFilter, page?: { limit: number; offset: number }): Promise<ApplicationView[]> {
    return this.inner.applications(filter, page);
  }

  approvalQueue(programmeId?: string, limit?: number): Promise<ApplicationView[]> {
    return this.inner.approvalQueue(programmeId, limit);
  }

  figures(): Promise<ReadFigures> {
    return this.inner.figures();
  }
}
