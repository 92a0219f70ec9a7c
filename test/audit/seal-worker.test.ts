// Verify checks the events' hashes and commit MACs on a worker thread where the code runs compiled
// (the built dist/; `npm test` builds first). Its report must be the one the same verify makes on a
// single thread, and the one the sources make, whatever was done to the log: the log here is tampered
// with step by step, each step adding findings of another kind, and read in small pages so that
// commits and checkpoints straddle the pages handed to the worker.
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkpointsOf } from '../../src/audit/checkpoints.js';
import { verifyLog } from '../../src/audit/verify.js';
import { openLedgerCommands } from '../../src/commands/ledger-commands.js';
import { computeEventHash, type LogDigest, type VerifyReport } from '../../src/event-store/hash-chain.js';
import { defined } from '../../src/shared/assert.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { generateSynthetic } from '../../src/synthetic/generator.js';
import { collect } from '../support/events.js';
import { built } from '../support/built.js';
import { SqliteTamperer } from '../support/sqlite-tamperer.js';
import { hashInputOf, type EventRowForTampering } from '../support/tamper-rows.js';

type HashChain = typeof import('../../src/event-store/hash-chain.js');
type RunningTotals = typeof import('../../src/audit/running-totals.js');
type Verify = typeof import('../../src/audit/verify.js');
type SqliteStore = typeof import('../../src/event-store/sqlite/sqlite-event-store.js');

const macKey = createHash('sha256').update('seal worker test MAC key').digest();
/** Small pages: a commit's events and the checkpoints' positions fall across page boundaries. */
const readPageSize = 7;

describe('seals checked on a worker thread', () => {
  let dir: string;
  let path: string;
  let checkpoints: LogDigest[];
  let hashChain: HashChain;
  let runningTotals: RunningTotals;
  let builtStore: SqliteStore;
  let builtVerify: Verify;
  const tamperer = new SqliteTamperer(() => new Database(path));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-seal-worker-'));
    path = join(dir, 'ledger.db');
    const store = new SqliteEventStore({ path, macKey });
    await generateSynthetic((await openLedgerCommands(store)).commands, { applications: 12, seed: 8 });
    checkpoints = await collect(checkpointsOf(store, 25));
    await store.close();
    hashChain = await built<HashChain>('event-store/hash-chain.js');
    runningTotals = await built<RunningTotals>('audit/running-totals.js');
    builtStore = await built<SqliteStore>('event-store/sqlite/sqlite-event-store.js');
    builtVerify = await built<Verify>('audit/verify.js');
  }, 120_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  type Reports = Record<'sent' | 'readByWorkers' | 'builtVerifyLog' | 'here' | 'sources', VerifyReport>;

  /**
   * The built verify with seals on workers the pages are sent to, on workers that read them from the
   * file, as `verifyLog` runs it, and on this thread; and the sources' verify.
   */
  async function reports(): Promise<Reports> {
    const store = new builtStore.SqliteEventStore({ path, readPageSize });
    const sourceStore = new SqliteEventStore({ path, readPageSize });
    const options = (sealWorkers: number) => ({ positionsAreDense: true, digest: checkpoints, macKey, recordChecks: [runningTotals.runningTotalsCheck()], sealWorkers });
    try {
      return {
        sent: await hashChain.verifyRecordPages(store.readChainPages(), options(2)),
        readByWorkers: await hashChain.verifyFilePages(defined(store.chainFile(), 'a file'), options(3)),
        builtVerifyLog: await builtVerify.verifyLog(store, checkpoints, undefined, macKey),
        here: await hashChain.verifyRecordPages(store.readChainPages(), options(0)),
        sources: await verifyLog(sourceStore, checkpoints, undefined, macKey),
      };
    } finally {
      await store.close();
      await sourceStore.close();
    }
  }

  function run(sql: string, ...values: unknown[]): void {
    const db = new Database(path);
    try {
      db.exec('DROP TRIGGER IF EXISTS events_are_immutable_update; DROP TRIGGER IF EXISTS events_are_immutable_delete;');
      db.prepare(sql).run(...values);
    } finally {
      db.close();
    }
  }

  function firstOf(sql: string): { position: bigint; stream: string; revision: bigint; data: string } {
    const db = new Database(path, { readonly: true });
    try {
      return db.prepare(sql).safeIntegers(true).get() as { position: bigint; stream: string; revision: bigint; data: string };
    } finally {
      db.close();
    }
  }

  it('runs where the code is built', () => {
    expect(hashChain.sealWorkerAvailable).toBe(true);
  });

  const steps: [string, () => Promise<void>][] = [
    ['nothing', async () => undefined],
    [
      'a byte of data flipped',
      async () => {
        const row = firstOf('SELECT position, data FROM events WHERE position = 12');
        await tamperer.changeData(row.position, row.data.replace('"', "'"));
      },
    ],
    [
      'an amount changed and its stream re-chained',
      async () => {
        const row = firstOf("SELECT position, data FROM events WHERE type = 'AwardCommitted' ORDER BY position LIMIT 1 OFFSET 1");
        await tamperer.rewrite(row.position, row.data.replace(/"amount":"([0-9]+)\./, '"amount":"1$1.'));
      },
    ],
    ['an event removed', () => tamperer.remove(40n)],
    ['two events swapped', () => tamperer.swap(61n, 66n)],
    [
      'an event inserted without a MAC',
      async () => {
        const row = firstOf('SELECT stream, revision, data FROM events WHERE revision > 1 AND position > 90 ORDER BY position LIMIT 1');
        await tamperer.insertForged(95n, row.stream, row.revision, row.data);
      },
    ],
    ['a MAC dropped', async () => run('UPDATE events SET mac = NULL WHERE position = 120')],
    ['a MAC copied from another event', async () => run('UPDATE events SET mac = (SELECT mac FROM events WHERE position = 130) WHERE position = 131')],
    ['a stored hash changed', async () => run("UPDATE events SET hash = '0' || substr(hash, 2) WHERE position = 150")],
    [
      'an event hashed again with version 1 of the hash',
      async () => {
        const db = new Database(path);
        try {
          const row = db.prepare('SELECT * FROM events WHERE position = 170').get() as EventRowForTampering;
          run('UPDATE events SET hash = ? WHERE position = 170', computeEventHash(hashInputOf(row), 1));
        } finally {
          db.close();
        }
      },
    ],
    ['the tail cut off', async () => run('DELETE FROM events WHERE position > (SELECT MAX(position) - 9 FROM events)')],
    // The workers read spans of 7 positions: they must skip the trillion empty ones, not read them.
    ['an event moved a trillion positions on', async () => run('UPDATE events SET position = 1000000000000 WHERE position = (SELECT MAX(position) - 2 FROM events)')],
    // Positions start at 1: a row at 0 is outside the log for every way of reading it.
    ['the first event moved to position 0', async () => run('UPDATE events SET position = 0 WHERE position = (SELECT MIN(position) FROM events)')],
  ];

  it.each(steps)('reports the same with %s done to the log', async (_, tamper) => {
    await tamper();
    const { sources, ...built } = await reports();
    for (const report of Object.values(built)) expect(report).toEqual(sources);
  });

  it('found something at every step after the first', async () => {
    const { readByWorkers: onWorker } = await reports();
    expect(onWorker.findings.some((finding) => /hashed with version 1 after events of version 2/.test(finding.detail))).toBe(true);
    expect(new Set(onWorker.findings.map((finding) => finding.kind))).toEqual(new Set(['changed', 'removed', 'reordered', 'inserted', 'forged', 'digest-mismatch']));
  });
});
