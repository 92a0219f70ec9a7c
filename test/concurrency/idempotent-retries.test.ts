// Invariant 5 across processes: the same Idempotency-Key sent at once to two processes on one store,
// ten times each, gets one answer — the first result — twenty times, never a refusal of what in fact
// succeeded (before, a retry that read the state after the other process's approval was told
// INVALID_TRANSITION). And a refused key, sent again once the state has changed, is decided again.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PostgresEventStore } from '../../src/event-store/postgres/postgres-event-store.js';
import { dropSchema, freshSchemaName, postgresAvailability, postgresUrl } from '../support/postgres.js';
import { World, codeOf } from '../support/world.js';

const run = promisify(execFile);
const worker = join(import.meta.dirname, 'idempotent-retries.worker.ts');
const root = join(import.meta.dirname, '..', '..');

interface Backend {
  readonly name: string;
  open(): Promise<{ world: World; args: string[]; dispose(): Promise<void> }>;
}

const backends: Backend[] = [
  {
    name: 'sqlite',
    async open() {
      const dir = mkdtempSync(join(tmpdir(), 'ledger-idem-'));
      const path = join(dir, 'ledger.db');
      return { world: await World.create(path), args: ['sqlite', path], dispose: async () => rmSync(dir, { recursive: true, force: true }) };
    },
  },
];
if (await postgresAvailability('idempotent retries across processes: postgres')) {
  backends.push({
    name: 'postgres',
    async open() {
      const schema = freshSchemaName();
      const world = await World.create(await PostgresEventStore.open({ connectionString: postgresUrl, schema }));
      return { world, args: ['postgres', postgresUrl, schema], dispose: () => dropSchema(schema) };
    },
  });
}

describe.each(backends)('idempotent retries across processes: $name', (backend) => {
  it('60 keys, each sent 10 times at once to each of two processes: every key gets its first result 20 times', async () => {
    const { world, args, dispose } = await backend.open();
    try {
      await world.allocate('wuhan-data-product', 2025, '100000000.00');
      const ids: string[] = [];
      for (let n = 0; n < 60; n += 1) {
        const id = await world.submit('wuhan-data-product', await world.enterprise(n, 'wuhan'), ['100000.00']);
        await world.reviewAll(id);
        ids.push(id);
      }
      const { endsOn } = await world.notice('wuhan-data-product', ids);
      world.after(endsOn);
      const decisionRef = await world.decide(ids, { amounts: Object.fromEntries(ids.map((id) => [id, '30000.00'])) });
      const pairs = ids.map((id, i) => `retry-${i}=${id}@${decisionRef}`);
      const startAt = String(Date.now() + 4_000);
      const outputs = await Promise.all([0, 1].map(() => run(process.execPath, ['--import', 'tsx', worker, ...args, world.now, startAt, ...pairs], { cwd: root })));
      const byKey = new Map<string, string[]>();
      for (const output of outputs) {
        for (const { key, answers } of JSON.parse(output.stdout.trim().split('\n').pop()!) as { key: string; answers: string[] }[]) {
          byKey.set(key, [...(byKey.get(key) ?? []), ...answers]);
        }
      }
      expect(byKey.size).toBe(60);
      const differing = [...byKey].filter(([, answers]) => new Set(answers).size !== 1 || answers[0]!.startsWith('refused'));
      expect(differing.map(([key, answers]) => `${key}: ${[...new Set(answers)].join(' | ')}`)).toEqual([]);
      for (const answers of byKey.values()) expect(JSON.parse(answers[0]!)).toMatchObject({ status: 'approved', award: '30000.00' });
    } finally {
      await world.close();
      await dispose();
    }
  });

  it('a refusal records nothing: the same key sent again after the state changed is decided again', async () => {
    const { world, dispose } = await backend.open();
    try {
      const id = await world.submit('wuhan-data-product', await world.enterprise(1, 'wuhan'), ['100000.00']);
      await world.reviewAll(id);
      const { endsOn } = await world.notice('wuhan-data-product', [id]);
      world.after(endsOn);
      const decisionRef = await world.decide([id], { amounts: { [id]: '30000.00' } });
      const approve = () => world.dispatch('ApproveAward', world.as('approver-1', 'approver', 'approve-once'), { params: { applicationId: id }, body: { decisionRef } });
      const head = await world.store.headPosition();
      expect(await codeOf(approve())).toBe('NO_BUDGET');
      expect(await world.store.headPosition()).toBe(head);
      await world.allocate('wuhan-data-product', 2025, '1000000.00');
      const approved = await approve();
      expect(approved).toMatchObject({ status: 'approved', award: '30000.00' });
      // From then on the key has its result, and every retry gets it.
      expect(await approve()).toEqual(approved);
    } finally {
      await world.close();
      await dispose();
    }
  });
});
