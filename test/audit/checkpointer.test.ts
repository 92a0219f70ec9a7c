// The service's signed checkpoints: every N events or T seconds, after the MACs of everything since the
// last one are checked; kept in the store and in an append-only file; a forged event (valid chain, no
// MAC) is never anchored, is logged, and is found by verify at its position.
import Database from 'better-sqlite3';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChainChecks } from '../../src/audit/checkpoint-span.js';
import { Checkpointer, type CheckpointerOptions } from '../../src/audit/checkpointer.js';
import { parseSavedDigests } from '../../src/audit/checkpoints.js';
import { publicKeyPemOf, readPublicKey, signDigest, verifySignedDigest } from '../../src/audit/signing.js';
import { mergeDigests, storedCheckpoints, verifyLog } from '../../src/audit/verify.js';
import { openLedgerCommands } from '../../src/commands/ledger-commands.js';
import { PostgresEventStore } from '../../src/event-store/postgres/postgres-event-store.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { generateSynthetic } from '../../src/synthetic/generator.js';
import { DigestAccumulator, type ChainRecord } from '../../src/event-store/hash-chain.js';
import { collect, someEvents } from '../support/events.js';
import { dropSchema, freshSchemaName, postgresAvailability, postgresUrl } from '../support/postgres.js';
import { forgedHashOf, type EventRowForTampering } from '../support/tamper-rows.js';
import { built } from '../support/built.js';

const macKey = createHash('sha256').update('checkpointer test MAC key').digest();
const { privateKey: signingKey } = generateKeyPairSync('ed25519');
const publicKey = readPublicKey(publicKeyPemOf(signingKey), 'test');

type ThreadedChecks = typeof import('../../src/audit/threaded-chain-checks.js');
// The service checks a log in an SQLite file on a thread of its own (the built worker); the sources
// under test have no worker file, and check on the calling thread, as a store of another kind does.
async function digestOf(records: readonly ChainRecord[]) {
  const accumulator = new DigestAccumulator();
  for (const record of records) accumulator.add(record.position, record.hash);
  return accumulator.value;
}

const checksOn: [string, ((store: SqliteEventStore) => Promise<ChainChecks>) | undefined][] = [
  ['on the calling thread', undefined],
  [
    'on a thread of its own',
    async (store) => {
      const { ThreadedChainChecks } = await built<ThreadedChecks>('audit/threaded-chain-checks.js');
      return new ThreadedChainChecks(store.chainFile()!, macKey);
    },
  ],
];

describe.each(checksOn)('the checkpointer, checking the MACs %s', (_where, checksOf) => {
  let dir: string;
  const opened: ChainChecks[] = [];
  const checksFor = async (store: SqliteEventStore): Promise<{ checks?: ChainChecks }> => {
    if (checksOf === undefined) return {};
    const checks = await checksOf(store);
    opened.push(checks);
    return { checks };
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-checkpointer-'));
  });

  afterEach(async () => {
    for (const checks of opened.splice(0)) await checks.close();
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function ledger(name: string) {
    const path = join(dir, `${name}.db`);
    const store = new SqliteEventStore({ path, macKey });
    await generateSynthetic((await openLedgerCommands(store)).commands, { applications: 6, seed: 4 });
    const errors: { message: string; fields: object }[] = [];
    let now = new Date('2026-03-02T08:00:00Z');
    const file = join(dir, `${name}.checkpoints.jsonl`);
    const options: CheckpointerOptions = {
      store,
      signingKey,
      macKey,
      everyEvents: 1_000_000,
      everySeconds: 5,
      file,
      clock: () => now,
      log: { info: () => undefined, error: (message, fields) => errors.push({ message, fields }) },
      ...(await checksFor(store)),
    };
    const checkpointer = new Checkpointer(options);
    const advance = (seconds: number) => {
      now = new Date(now.getTime() + seconds * 1000);
    };
    return { path, store, checkpointer, options, errors, file, advance };
  }

  it('signs the log after T seconds unanchored, into the store and the file, and verify anchors everything with them', async () => {
    const { store, checkpointer, file, advance } = await ledger('clean');
    try {
      const head = await store.headPosition();
      await checkpointer.tick();
      expect(await store.checkpoints?.last()).toBeUndefined();
      advance(5);
      await checkpointer.tick();
      const last = await store.checkpoints?.last();
      expect(last).toMatchObject({ position: head.toString(), eventCount: head.toString() });
      expect(verifySignedDigest(last, publicKey)).toEqual(await store.digest());
      const shipped = parseSavedDigests(readFileSync(file, 'utf8'), publicKey);
      expect(shipped).toEqual({ digests: [await store.digest()] });
      const stored = await storedCheckpoints(store, publicKey);
      expect(stored).toEqual({ digests: [await store.digest()], rejected: 0 });
      const report = await verifyLog(store, stored.digests, undefined, macKey);
      expect(report).toMatchObject({ ok: true, unanchoredEvents: 0, anchoredThrough: head, macChecked: true, unkeyedEvents: 0 });
    } finally {
      await store.close();
    }
  });

  it('signs once N events are unanchored, without waiting for T', async () => {
    const { store, options } = await ledger('by-count');
    try {
      const counted = new Checkpointer({ ...options, everyEvents: 10, file: undefined });
      await counted.tick();
      expect((await store.checkpoints?.last())?.position).toBe((await store.headPosition()).toString());
    } finally {
      await store.close();
    }
  });

  it('refuses to anchor a forged event (valid chain, no MAC), logs it, and verify finds it at its position', async () => {
    const { path, store, checkpointer, errors, advance } = await ledger('forged');
    try {
      await checkpointer.tick();
      advance(5);
      await checkpointer.tick();
      const anchored = await store.headPosition();
      expect((await store.checkpoints?.last())?.position).toBe(anchored.toString());
      // Someone with write access to the file appends an AwardCommitted-like event at a stream's tail,
      // chained correctly: without the key, no MAC.
      const db = new Database(path);
      const rows = db.prepare('SELECT * FROM events ORDER BY position').all() as EventRowForTampering[];
      const last = rows.filter((row) => row.stream === rows[rows.length - 1]!.stream).pop()!;
      const forged: EventRowForTampering = {
        ...last,
        position: (anchored + 1n).toString(),
        id: 'forged-tail',
        revision: (BigInt(last.revision) + 1n).toString(),
        prev_hash: last.hash,
        hash: '',
        mac: null,
      };
      forged.hash = forgedHashOf(forged, last.hash);
      const columns = Object.keys(forged);
      db.prepare(`INSERT INTO events (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`).run(forged);
      db.close();

      for (let tick = 0; tick < 3; tick += 1) {
        await checkpointer.tick();
        advance(5);
      }
      expect((await store.checkpoints?.last())?.position).toBe(anchored.toString());
      expect(checkpointer.refused).toMatchObject({ position: anchored + 1n });
      expect(errors).toHaveLength(1);
      expect(errors[0]!.message).toMatch(/checkpoint refused/);

      const stored = await storedCheckpoints(store, publicKey);
      const withKey = await verifyLog(store, mergeDigests(stored.digests), undefined, macKey);
      expect(withKey.ok).toBe(false);
      expect(withKey.findings[0]).toMatchObject({ kind: 'forged', position: anchored + 1n });
      // Without the MAC key, the forged event is what no checkpoint vouches for.
      const withoutKey = await verifyLog(store, stored.digests);
      expect(withoutKey).toMatchObject({ ok: true, anchoredThrough: anchored, unanchoredEvents: 1 });
    } finally {
      await store.close();
    }
  });

  it('stops once the look under way has ended, with its checks closed', async () => {
    const { store, checkpointer, advance, options } = await ledger('stopping');
    try {
      advance(5);
      await checkpointer.tick();
      advance(5);
      let looked = false;
      // Events to check, then a look that is still under way when the service stops.
      await store.append('test-stopping', someEvents(3), 'no-stream');
      const look = checkpointer.tick().then(() => (looked = true));
      await checkpointer.stop();
      expect(looked).toBe(true);
      await look;
      expect((await store.checkpoints?.last())?.position).toBe((await store.headPosition()).toString());
      // A thread of checks, if any, was not started again behind the stop.
      expect((options.checks as { thread?: unknown } | undefined)?.thread).toBeUndefined();
    } finally {
      await store.close();
    }
  });

  it('continues from the last stored checkpoint after a restart, rolling the digest on', async () => {
    const { store, checkpointer, options, advance } = await ledger('restart');
    try {
      await checkpointer.tick();
      advance(5);
      await checkpointer.tick();
      expect(await collect(store.checkpoints!.all())).toHaveLength(1);
      // A commit of three events after the checkpoint: the next one checks their MACs as one commit.
      await store.append('test-after-restart', someEvents(3), 'no-stream');
      const restarted = new Checkpointer(options);
      const signed = await restarted.checkpoint();
      expect(signed?.position).toBe((await store.headPosition()).toString());
      expect(verifySignedDigest(signed, publicKey)).toEqual(await store.digest());
      expect(await collect(store.checkpoints!.all())).toHaveLength(2);
    } finally {
      await store.close();
    }
  });
  it('two service processes on one store ship each checkpoint once: the file holds what the table holds, and verify anchors the whole log with it', async () => {
    const { path, store: storeA, checkpointer: processA, options, file, advance } = await ledger('two-processes');
    // The second process: its own connection to the same file, its own checkpointer, the same keys and checkpoint file.
    const storeB = new SqliteEventStore({ path, macKey });
    const processB = new Checkpointer({ ...options, store: storeB, ...(await checksFor(storeB)) });
    try {
      // Both have looked at the log before either signs: each knows only the start of it.
      await processA.tick();
      await processB.tick();
      advance(5);
      expect(await processA.checkpoint()).toBeDefined();
      // B rolls on from A's checkpoint instead of signing the same stretch again from where it last looked.
      expect(await processB.checkpoint()).toBeUndefined();
      await storeB.append('test-process-b', someEvents(3), 'no-stream');
      expect((await processB.checkpoint())?.position).toBe((await storeB.headPosition()).toString());
      expect(await processA.checkpoint()).toBeUndefined();
      // Both at once, over the same new events: one of them signs, and one line reaches the file.
      await storeA.append('test-process-a', someEvents(2), 'no-stream');
      const both = await Promise.all([processA.checkpoint(), processB.checkpoint()]);
      expect(both.filter((signed) => signed !== undefined)).toHaveLength(1);

      const lines = readFileSync(file, 'utf8').trim().split('\n');
      const stored = await collect(storeA.checkpoints.all());
      expect(lines.map((line) => (JSON.parse(line) as { position: string }).position)).toEqual(stored.map((checkpoint) => checkpoint.position));
      expect(new Set(lines).size).toBe(lines.length);
      expect(stored.map((checkpoint) => checkpoint.position)).toHaveLength(3);
      const shipped = parseSavedDigests(readFileSync(file, 'utf8'), publicKey);
      if (!('digests' in shipped)) throw new Error(shipped.error);
      const head = await storeA.headPosition();
      const report = await verifyLog(storeA, shipped.digests, undefined, macKey);
      expect(report).toMatchObject({ ok: true, anchoredThrough: head, unanchoredEvents: 0, macChecked: true });
    } finally {
      await storeB.close();
      await storeA.close();
    }
  });
});

describe('checkpoint checks on a thread of their own', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-checkpoint-thread-'));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const start = { digest: { position: 0n, eventCount: 0n, hash: '' }, macPrevious: null, macSeen: false };

  it('reads no further than the head it is told is on disk, and rolls the same digest as the store', async () => {
    const { ThreadedChainChecks } = await built<ThreadedChecks>('audit/threaded-chain-checks.js');
    const store = new SqliteEventStore({ path: join(dir, 'bounded.db'), macKey });
    await generateSynthetic((await openLedgerCommands(store)).commands, { applications: 3, seed: 9 });
    const head = await store.headPosition();
    const file = store.chainFile()!;
    // A head three events short, as when the last commit's sync has not returned yet.
    let onDisk = head - 3n;
    const checks = new ThreadedChainChecks({ ...file, headPosition: async () => onDisk, spanPositions: 7 }, macKey);
    try {
      const genesis = { ...start, digest: { ...start.digest, hash: (await digestOf([])).hash } };
      const { anchor, forged } = await checks.check(genesis, 1_000_000);
      expect(forged).toBeUndefined();
      expect(anchor.digest).toEqual(await digestOf((await collect(store.readChain())).slice(0, Number(head - 3n))));
      // And at most as many events as asked, from where the last check ended.
      onDisk = head;
      const { anchor: next } = await checks.check(anchor, 2);
      expect(next.digest.position).toBe(head - 1n);
    } finally {
      await checks.close();
      await store.close();
    }
  });

  it('fails the check, instead of leaving it waiting, when the thread cannot read the file', async () => {
    const { ThreadedChainChecks } = await built<ThreadedChecks>('audit/threaded-chain-checks.js');
    const checks = new ThreadedChainChecks({ headPosition: async () => 5n, sqlitePath: join(dir, 'missing.db'), spanPositions: 100 }, macKey);
    try {
      await expect(checks.check(start, 10)).rejects.toThrow(/unable to open/);
    } finally {
      await checks.close();
    }
  });
});

describe('the checkpoint table', () => {
  it('on PostgreSQL too, the checkpoint table takes a position once and tells a second writer it was taken', async () => {
    if (!(await postgresAvailability('checkpoint table on PostgreSQL'))) return;
    const schema = freshSchemaName('ledger_checkpointer_');
    const first = await PostgresEventStore.open({ connectionString: postgresUrl, schema, macKey });
    const second = await PostgresEventStore.open({ connectionString: postgresUrl, schema, macKey });
    try {
      await first.append('test-postgres', someEvents(3), 'no-stream');
      const digest = await first.digest();
      const signed = signDigest(digest, signingKey, new Date('2026-03-02T08:00:05Z'));
      expect(await first.checkpoints.add(signed)).toBe(true);
      // The second process signed the same position a second later: the table keeps the first.
      expect(await second.checkpoints.add(signDigest(digest, signingKey, new Date('2026-03-02T08:00:06Z')))).toBe(false);
      expect(await collect(second.checkpoints.all())).toEqual([signed]);
    } finally {
      await second.close();
      await first.close();
      await dropSchema(schema);
    }
  });
});
