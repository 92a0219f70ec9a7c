// npm run bench:store — the event store port beside raw better-sqlite3 doing the same work, same run.
//
// Appends are durable on both sides (WAL, synchronous=FULL, one commit per append), on the same
// schema and indexes; the raw side skips what the port adds: the expected-revision check, the
// idempotency look-up and the hash chain. Reads go through the whole log, the raw side parsing
// each event's data as the port does. Each figure is the best of several alternating rounds.
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExpectedRevision, NewEvent } from '../../src/event-store/event-store.js';
import { migrate } from '../../src/event-store/sqlite/migrations.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';

const roundCount = Number(process.env['BENCH_ROUNDS'] ?? 3);
const singleAppendCount = Number(process.env['BENCH_SINGLE_APPENDS'] ?? 3_000);
const batchAppendCount = Number(process.env['BENCH_BATCH_APPENDS'] ?? 1_000);
const readEventCount = Number(process.env['BENCH_READ_EVENTS'] ?? 300_000);
const streamCount = 200;

const metadata = {
  actorId: 'u-finance-1',
  actorRole: 'finance',
  commandId: 'c-1',
  correlationId: 'c-1',
  causationId: null,
  recordedAt: '2025-06-01T02:00:00.000Z',
};

function eventAt(i: number): NewEvent {
  return {
    id: randomUUID(),
    type: 'DisbursementRecorded',
    schemaVersion: 1,
    data: { applicationId: `app-${i % 5000}`, amount: '12345.67', paymentRef: `PAY-${i}`, paidOn: '2025-06-01', note: '保定市数智券拨付' },
    metadata,
  };
}

const dir = mkdtempSync(join(tmpdir(), 'ledger-bench-'));

function openRaw(path: string): Database.Database {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  migrate(db);
  return db;
}

interface RawWriter {
  append(stream: string, events: NewEvent[]): void;
}

function rawWriter(db: Database.Database): RawWriter {
  const insert = db.prepare(
    `INSERT INTO events (id, stream, revision, type, schema_version, data, actor_id, actor_role, command_id,
       correlation_id, causation_id, recorded_at, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const revisions = new Map<string, number>();
  const hash = 'f'.repeat(64);
  const write = db.transaction((stream: string, events: NewEvent[]) => {
    let revision = revisions.get(stream) ?? -1;
    for (const e of events) {
      revision += 1;
      const m = e.metadata;
      insert.run(e.id, stream, revision, e.type, e.schemaVersion, JSON.stringify(e.data), m.actorId, m.actorRole, m.commandId, m.correlationId, m.causationId, m.recordedAt, hash, hash);
    }
    revisions.set(stream, revision);
  });
  return { append: (stream, events) => write.immediate(stream, events) };
}

async function timeIt(work: () => Promise<void> | void): Promise<number> {
  const start = performance.now();
  await work();
  return (performance.now() - start) / 1000;
}

async function appendRound(eventsPerAppend: number, appendCount: number, round: number): Promise<{ raw: number; port: number }> {
  const events = Array.from({ length: appendCount }, (_, i) => Array.from({ length: eventsPerAppend }, (_, k) => eventAt(i * eventsPerAppend + k)));
  const rawDb = openRaw(join(dir, `raw-${eventsPerAppend}-${round}.db`));
  const raw = rawWriter(rawDb);
  const store = new SqliteEventStore({ path: join(dir, `port-${eventsPerAppend}-${round}.db`) });
  const revisions = new Map<string, bigint>();
  const runPort = () =>
    timeIt(async () => {
      for (let i = 0; i < appendCount; i += 1) {
        const stream = `application-${i % streamCount}`;
        const current = revisions.get(stream);
        const expected: ExpectedRevision = current === undefined ? 'no-stream' : current;
        const result = await store.append(stream, events[i]!, expected);
        revisions.set(stream, result.revision);
      }
    });
  const runRaw = () =>
    timeIt(() => {
      for (let i = 0; i < appendCount; i += 1) raw.append(`application-${i % streamCount}`, events[i]!);
    });
  // Alternate which side goes first, so that neither always gets the warmer disk.
  let portSeconds: number;
  let rawSeconds: number;
  if (round % 2 === 0) {
    portSeconds = await runPort();
    rawSeconds = await runRaw();
  } else {
    rawSeconds = await runRaw();
    portSeconds = await runPort();
  }
  rawDb.close();
  await store.close();
  return { raw: appendCount / rawSeconds, port: appendCount / portSeconds };
}

async function buildReadLog(path: string): Promise<void> {
  const store = new SqliteEventStore({ path });
  for (let i = 0; i < readEventCount; i += 1_000) {
    await store.append(`application-${(i / 1_000) % streamCount}`, Array.from({ length: 1_000 }, (_, k) => eventAt(i + k)), 'any');
  }
  await store.close();
}

async function readRound(path: string): Promise<{ raw: number; port: number; verify: number; rawHash: number }> {
  const db = new Database(path, { readonly: true });
  const page = db.prepare(
    'SELECT position, id, stream, revision, type, schema_version, data, actor_id, actor_role, command_id, correlation_id, causation_id, recorded_at, prev_hash, hash FROM events WHERE position > ? ORDER BY position LIMIT ?',
  ).raw(true);
  let checksum = 0;
  const rawSeconds = await timeIt(() => {
    let after = 0;
    for (;;) {
      const rows = page.all(after, 2_000) as unknown[][];
      if (rows.length === 0) break;
      for (const row of rows) checksum += (JSON.parse(row[6] as string) as { amount: string }).amount.length;
      after = rows[rows.length - 1]![0] as number;
    }
  });
  const { hash } = await import('node:crypto');
  const rawHashSeconds = await timeIt(() => {
    let after = 0;
    for (;;) {
      const rows = page.all(after, 2_000) as unknown[][];
      if (rows.length === 0) break;
      for (const row of rows) checksum += hash('sha256', row.join('\u0000'), 'hex').length;
      after = rows[rows.length - 1]![0] as number;
    }
  });
  db.close();
  const store = new SqliteEventStore({ path });
  let count = 0;
  const portSeconds = await timeIt(async () => {
    for await (const event of store.readAll()) {
      count += 1;
      checksum += (event.data as { amount: string }).amount.length;
    }
  });
  let verified = 0;
  const verifySeconds = await timeIt(async () => {
    verified = (await store.verify()).eventsChecked;
  });
  await store.close();
  if (count !== readEventCount || verified !== readEventCount || checksum === 0) throw new Error('read a different log than written');
  return { raw: readEventCount / rawSeconds, port: readEventCount / portSeconds, verify: readEventCount / verifySeconds, rawHash: readEventCount / rawHashSeconds };
}

function best(values: number[]): number {
  return Math.max(...values);
}

function format(rate: number): string {
  return Math.round(rate).toLocaleString('en-US');
}

async function main(): Promise<void> {
  const results = { single: { raw: [] as number[], port: [] as number[] }, batch: { raw: [] as number[], port: [] as number[] } };
  for (let round = 0; round < roundCount; round += 1) {
    const single = await appendRound(1, singleAppendCount, round);
    results.single.raw.push(single.raw);
    results.single.port.push(single.port);
    const batch = await appendRound(10, batchAppendCount, round);
    results.batch.raw.push(batch.raw);
    results.batch.port.push(batch.port);
  }
  const readPath = join(dir, 'read.db');
  await buildReadLog(readPath);
  const reads = { raw: [] as number[], port: [] as number[], verify: [] as number[], rawHash: [] as number[] };
  for (let round = 0; round < roundCount; round += 1) {
    const r = await readRound(readPath);
    reads.raw.push(r.raw);
    reads.port.push(r.port);
    reads.verify.push(r.verify);
    reads.rawHash.push(r.rawHash);
  }

  const rows = [
    ['append, 1 event (appends/s)', best(results.single.raw), best(results.single.port), 0.8],
    ['append, 10 events (appends/s)', best(results.batch.raw), best(results.batch.port), 0.6],
    ['full-log read (events/s)', best(reads.raw), best(reads.port), 0.7],
    ['verify vs raw read + sha256 (events/s)', best(reads.rawHash), best(reads.verify), undefined],
  ] as const;
  const lines = [
    `event store bench: sqlite, ${roundCount} rounds (best of each), ${singleAppendCount} single appends, ${batchAppendCount} × 10-event appends, ${readEventCount.toLocaleString('en-US')}-event log`,
    '',
    '| workload | raw better-sqlite3 | port (SqliteEventStore) | ratio | target | met |',
    '| --- | ---: | ---: | ---: | ---: | :---: |',
    ...rows.map(([name, raw, port, target]) => {
      const ratio = port / raw;
      return `| ${name} | ${format(raw)} | ${format(port)} | ${ratio.toFixed(2)} | ${target === undefined ? '—' : `≥ ${target}`} | ${target === undefined ? '—' : ratio >= target ? 'yes' : 'NO'} |`;
    }),
    '',
    `peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main()
  .catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  })
  .finally(() => rmSync(dir, { recursive: true, force: true }));
