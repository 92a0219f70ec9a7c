// SPEC §5 under concurrency: many commands fired at once at one consistency boundary.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readEventOf } from '../../src/events/upcasting.js';
import { LedgerError } from '../../src/shared/errors.js';
import { Money } from '../../src/shared/money.js';
import { streams } from '../../src/shared/streams.js';
import { PostgresEventStore } from '../../src/event-store/postgres/postgres-event-store.js';
import { KurrentDbEventStore } from '../../src/event-store/kurrentdb/kurrentdb-event-store.js';
import { dropSchema, freshSchemaName, postgresAvailability, postgresUrl } from '../support/postgres.js';
import { World, nextInvoice } from '../support/world.js';

function codesOf(outcomes: PromiseSettledResult<unknown>[]): string[] {
  return outcomes.map((o) => (o.status === 'fulfilled' ? 'ok' : o.reason instanceof LedgerError ? o.reason.code : String(o.reason)));
}

interface Backend {
  readonly name: string;
  open(): Promise<{ world: World; dispose(): Promise<void> }>;
}

const backends: Backend[] = [
  {
    name: 'sqlite',
    async open() {
      const dir = mkdtempSync(join(tmpdir(), 'ledger-race-'));
      const world = await World.create(join(dir, 'ledger.db'));
      return { world, dispose: async () => rmSync(dir, { recursive: true, force: true }) };
    },
  },
];
if (await postgresAvailability('invariants under concurrent commands: postgres')) {
  backends.push({
    name: 'postgres',
    async open() {
      const schema = freshSchemaName();
      const world = await World.create(await PostgresEventStore.open({ connectionString: postgresUrl, schema, poolSizeMax: 12 }));
      return { world, dispose: () => dropSchema(schema) };
    },
  });
}

// KurrentDB runs only against a real server; each world gets a stream prefix of its own on it.
const kurrentDbConnectionString = process.env['EVENTSTORE_CONNECTION_STRING'] ?? '';
if (kurrentDbConnectionString !== '') {
  backends.push({
    name: 'eventstoredb',
    async open() {
      const streamPrefix = `ledgertest-${randomBytes(6).toString('hex')}-`;
      const world = await World.create(await KurrentDbEventStore.open({ connectionString: kurrentDbConnectionString, streamPrefix }));
      // Nothing to drop: KurrentDB streams are append-only, and the prefix is never used again.
      return { world, dispose: async () => undefined };
    },
  });
} else {
  process.stdout.write(
    'SKIPPED invariants under concurrent commands: eventstoredb: EVENTSTORE_CONNECTION_STRING is not set. To run it, start a server with ' +
      "`docker compose up -d kurrentdb` and set EVENTSTORE_CONNECTION_STRING='kurrentdb://127.0.0.1:2113?tls=false' (see docker-compose.yml)\n",
  );
}

describe.each(backends)('invariants under concurrent commands: $name', (backend) => {
  let world: World;
  let dispose: () => Promise<void>;

  beforeEach(async () => {
    ({ world, dispose } = await backend.open());
  });

  afterEach(async () => {
    await world.close();
    await dispose();
  });

  /**
   * Submitted, reviewed and on one notice that has ended. With `ceiling`, the notice lists each at its
   * recognized amount (a proposal the 数智券 allows, up to the 一事一议 bound): applications of one
   * enterprise-year racing each other in any order then stay within the noticed amounts, and the rule
   * alone decides each award.
   */
  async function noticedApplications(programmeId: string, usccs: string[], amount: string, options: { ceiling?: boolean } = {}): Promise<string[]> {
    const ids: string[] = [];
    for (const uscc of usccs) {
      const id = await world.submit(programmeId, uscc, [amount]);
      await world.reviewAll(id);
      ids.push(id);
    }
    const { endsOn } = await world.notice(programmeId, ids, options.ceiling === true ? Object.fromEntries(ids.map((id) => [id, amount])) : {});
    world.after(endsOn);
    return ids;
  }

  /** One collective decision listing each application at `amount`, then every approval citing it at once. */
  async function racingApprovals(ids: string[], amount: string): Promise<Promise<{ award: string }>[]> {
    const decisionRef = await world.decide(ids, { amounts: Object.fromEntries(ids.map((id) => [id, amount])) });
    return ids.map((id) => world.dispatch('ApproveAward', world.approver(), { params: { applicationId: id }, body: { decisionRef } }));
  }

  it('50 approvals at once against a budget with room for 33: exactly 33 succeed, 17 get BUDGET_EXCEEDED, the total is exact', async () => {
    await world.allocate('wuhan-data-product', 2025, '1000000.00');
    const usccs: string[] = [];
    for (let n = 0; n < 50; n += 1) usccs.push(await world.enterprise(n, 'wuhan'));
    const ids = await noticedApplications('wuhan-data-product', usccs, '100000.00'); // 30,000.00 each
    const outcomes = await Promise.allSettled(ids.map((id) => world.approve(id)));
    const codes = codesOf(outcomes);
    expect(codes.filter((c) => c === 'ok')).toHaveLength(33);
    expect(codes.filter((c) => c === 'BUDGET_EXCEEDED')).toHaveLength(17);

    const budget = (await world.store.readStream(streams.budget('wuhan-data-product', 2025))).map(readEventOf);
    const commits = budget.filter((e) => e.type === 'AwardCommitted');
    expect(commits).toHaveLength(33);
    const total = Money.sum(commits.map((e) => Money.of(e.data.amount)));
    expect(total.format()).toBe('990000.00');
    const last = budget[budget.length - 1]!;
    expect(last.type === 'AwardCommitted' && last.data.committedAfter).toBe('990000.00');
    // Each running total follows from the one before: no two approvals read the same total.
    let running = Money.zero;
    for (const event of commits) {
      running = running.plus(Money.of(event.data.amount));
      expect(event.type === 'AwardCommitted' && event.data.committedAfter).toBe(running.format());
    }
  });

  it('50 approvals at once for one enterprise under the 数智券: the year adds up to exactly the 300,000.00 cap', async () => {
    const uscc = await world.enterprise(1);
    const ids = await noticedApplications(
      'baoding-data-voucher',
      Array.from({ length: 50 }, () => uscc),
      '100000.00',
      { ceiling: true },
    );
    const outcomes = await Promise.allSettled(await racingApprovals(ids, '100000.00'));
    expect(codesOf(outcomes).filter((c) => c !== 'ok')).toEqual([]);
    const awards = outcomes.map((o) => Money.of((o as PromiseFulfilledResult<{ award: string }>).value.award));
    expect(Money.sum(awards).format()).toBe('300000.00');
    // Serialised, the awards are 0, 0, 90,000, then 30,000 until S = 1,000,000, then 0.
    expect(
      awards
        .filter((a) => !a.isZero())
        .map((a) => a.format())
        .sort(),
    ).toEqual(['30000.00', '30000.00', '30000.00', '30000.00', '30000.00', '30000.00', '30000.00', '90000.00']);
    const [last] = await world.store.readStream(streams.enterpriseYear('baoding-data-voucher', uscc, 2025), { direction: 'backwards', maxCount: 1 });
    expect(last?.data).toMatchObject({ spendAfter: '5000000.00', awardedAfter: '300000.00' });
  });

  it('corrections-recompute: revocations racing approvals of one 数智券 enterprise-year leave it exactly at the entitlement of the spend left', async () => {
    const uscc = await world.enterprise(1);
    // Three of 100,000.00 approved one after another: 0.00, 0.00, 90,000.00 (S = 300,000.00).
    const first = await noticedApplications('baoding-data-voucher', [uscc, uscc, uscc], '100000.00');
    for (const id of first) await world.approve(id);
    const more = await noticedApplications(
      'baoding-data-voucher',
      Array.from({ length: 8 }, () => uscc),
      '100000.00',
      { ceiling: true },
    );
    // The two awards of 0.00 revoked while eight more are approved: whatever the order, each revocation
    // takes 100,000.00 of spend out and reduces what the rest no longer supports.
    const outcomes = await Promise.allSettled([
      ...(await racingApprovals(more, '100000.00')),
      ...first.slice(0, 2).map((id) => world.dispatch('RevokeAward', world.approver(), { params: { applicationId: id }, body: { reason: '发票不实' } })),
    ]);
    expect(codesOf(outcomes).filter((c) => c !== 'ok')).toEqual([]);
    // S = 9 × 100,000.00 = 900,000.00: E = 270,000.00, held exactly by the live awards.
    let awarded = Money.zero;
    for (const id of [first[2]!, ...more]) {
      const events = (await world.store.readStream(streams.application(id))).map(readEventOf);
      const approved = events.find((e) => e.type === 'AwardApproved');
      const reductions = events.filter((e) => e.type === 'AwardReduced');
      awarded = awarded
        .plus(Money.of(approved?.type === 'AwardApproved' ? approved.data.award : '0.00'))
        .minus(Money.sum(reductions.map((e) => Money.of(e.type === 'AwardReduced' ? e.data.amount : '0.00'))));
    }
    expect(awarded.format()).toBe('270000.00');
    const [last] = await world.store.readStream(streams.enterpriseYear('baoding-data-voucher', uscc, 2025), { direction: 'backwards', maxCount: 1 });
    expect(last?.data).toMatchObject({ spendAfter: '900000.00', awardedAfter: '270000.00' });
    const budget = await world.store.readStream(streams.budget('baoding-data-voucher', 2025), { direction: 'backwards', maxCount: 1 });
    expect(budget[0]?.data).toMatchObject({ committedAfter: '270000.00' });
  });

  it('one invoice number submitted by 10 applications at once backs exactly one of them', async () => {
    const invoiceNumber = nextInvoice();
    const usccs: string[] = [];
    for (let n = 0; n < 10; n += 1) usccs.push(await world.enterprise(n));
    const outcomes = await Promise.allSettled(
      usccs.map((uscc) =>
        world.dispatch('SubmitApplication', world.reviewer(), {
          params: {},
          body: {
            programmeId: 'baoding-data-voucher',
            uscc,
            fiscalYear: 2025,
            items: [{ invoiceNumber, invoiceDate: '2025-05-20', amount: '1000.00', category: 'compute-rental' }],
          },
        }),
      ),
    );
    const codes = codesOf(outcomes);
    expect(codes.filter((c) => c === 'ok')).toHaveLength(1);
    expect(codes.filter((c) => c === 'DUPLICATE_INVOICE')).toHaveLength(9);
    expect(await world.store.readStream(streams.invoice(invoiceNumber))).toHaveLength(1);
  });

  it('a flag raised while approvals race: every approval after the flag is refused, none before it is lost', async () => {
    const uscc = await world.enterprise(1, 'wuhan');
    await world.allocate('wuhan-data-product', 2025, '10000000.00');
    const ids = await noticedApplications(
      'wuhan-data-product',
      Array.from({ length: 20 }, () => uscc),
      '1000.00',
    );
    const approvals = ids.map((id) => world.approve(id));
    const flag = world.dispatch('RaiseFlag', world.admin(), { params: { uscc }, body: { list: 'major-tax-violation', source: '税务总局', since: '2025-01-01' } });
    const outcomes = await Promise.allSettled([...approvals, flag]);
    const flagPosition = BigInt((outcomes[20] as PromiseFulfilledResult<{ position: string }>).value.position);
    for (const outcome of outcomes.slice(0, 20)) {
      if (outcome.status === 'fulfilled') expect(BigInt((outcome.value as { position: string }).position)).toBeLessThan(flagPosition);
      else expect((outcome.reason as LedgerError).code).toBe('INELIGIBLE_ENTERPRISE');
    }
  });
});
