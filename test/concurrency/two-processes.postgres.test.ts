// Two processes sharing one PostgreSQL database approve concurrently against one programme-year:
// the budget is never exceeded and no event is lost.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { readEventOf } from '../../src/events/upcasting.js';
import { PostgresEventStore } from '../../src/event-store/postgres/postgres-event-store.js';
import { streams } from '../../src/shared/streams.js';
import { Money } from '../../src/shared/money.js';
import { dropSchema, freshSchemaName, postgresAvailability, postgresUrl } from '../support/postgres.js';
import { World } from '../support/world.js';

const run = promisify(execFile);
const available = await postgresAvailability('two processes on one PostgreSQL');

(available ? describe : describe.skip)('two processes on one PostgreSQL database', () => {
  it('approve 40 applications at once with room for 33: exactly 33 awards, 990,000.00 committed, every event kept', async () => {
    const schema = freshSchemaName();
    const world = await World.create(await PostgresEventStore.open({ connectionString: postgresUrl, schema }));
    try {
      await world.allocate('wuhan-data-product', 2025, '1000000.00');
      const ids: string[] = [];
      for (let n = 0; n < 40; n += 1) {
        const id = await world.submit('wuhan-data-product', await world.enterprise(n, 'wuhan'), ['100000.00']);
        await world.reviewAll(id);
        ids.push(id);
      }
      const { endsOn } = await world.notice('wuhan-data-product', ids);
      const decisionRef = await world.decide(ids, { amounts: Object.fromEntries(ids.map((id) => [id, '30000.00'])) });
      world.after(endsOn);
      const startAt = String(Date.now() + 3_000);
      const worker = join(import.meta.dirname, 'postgres-approver.worker.ts');
      const halves = [ids.filter((_, i) => i % 2 === 0), ids.filter((_, i) => i % 2 === 1)];
      const outputs = await Promise.all(
        halves.map((half, who) =>
          run(process.execPath, ['--import', 'tsx', worker, postgresUrl, schema, `approver-${who + 10}`, world.now, startAt, decisionRef, ...half], {
            cwd: join(import.meta.dirname, '..', '..'),
          }),
        ),
      );
      const outcomes = outputs.flatMap((o) => JSON.parse(o.stdout.trim().split('\n').pop()!) as { id: string; outcome: string; award?: string; position?: string }[]);
      expect(outcomes.filter((o) => o.outcome === 'ok')).toHaveLength(33);
      expect(outcomes.filter((o) => o.outcome === 'BUDGET_EXCEEDED')).toHaveLength(7);
      // Both processes won some: they really ran against each other.
      for (const half of halves) expect(outcomes.filter((o) => half.includes(o.id) && o.outcome === 'ok').length).toBeGreaterThan(0);

      const budget = (await world.store.readStream(streams.budget('wuhan-data-product', 2025))).map(readEventOf);
      const commits = budget.filter((e) => e.type === 'AwardCommitted');
      expect(commits).toHaveLength(33);
      expect(Money.sum(commits.map((e) => Money.of(e.data.amount))).format()).toBe('990000.00');
      // Every approval reported is in the log where it said, and the log is whole.
      for (const approved of outcomes.filter((o) => o.outcome === 'ok')) {
        const events = await world.store.readStream(streams.application(approved.id));
        expect(events.some((e) => e.type === 'AwardApproved')).toBe(true);
      }
      const report = await world.store.verify();
      expect(report.ok).toBe(true);
      expect(BigInt(report.eventsChecked)).toBe(await world.store.headPosition());
    } finally {
      await world.close();
      await dropSchema(schema);
    }
  });
});
