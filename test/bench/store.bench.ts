// npm run bench:store — the event store port beside raw better-sqlite3 and pg doing the same work, and beside a peer (Emmett: peer.bench.ts), same run.
//
// Appends are durable on both sides (WAL, synchronous=FULL, one commit per append), on the same
// schema and indexes; the raw side skips what the port adds: the expected-revision check, the
// idempotency look-up and the hash chain. Reads go through the whole log, the raw side parsing
// each event's data as the port does. Each figure is the best of several alternating rounds.
// @ts-expect-error -- a plain ES module shared with the .mjs benchmarks; its JSDoc types it
import { printFigures } from './figures.mjs';
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExpectedRevision, NewEvent } from '../../src/event-store/event-store.js';
import { migrate } from '../../src/event-store/sqlite/migrations.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { PostgresEventStore } from '../../src/event-store/postgres/postgres-event-store.js';
import pg from 'pg';
import { comparePeer } from './peer.bench.js';
import { benchMetadata as metadata } from './bench-metadata.js';

const roundCount = Number(process.env['BENCH_ROUNDS'] ?? 3);
const singleAppendCount = Number(process.env['BENCH_SINGLE_APPENDS'] ?? 3_000);
const batchAppendCount = Number(process.env['BENCH_BATCH_APPENDS'] ?? 1_000);
const readEventCount = Number(process.env['BENCH_READ_EVENTS'] ?? 300_000);
const streamCount = 200;

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
      insert.run(
        e.id,
        stream,
        revision,
        e.type,
        e.schemaVersion,
        JSON.stringify(e.data),
        m.actorId,
        m.actorRole,
        m.commandId,
        m.correlationId,
        m.causationId,
        m.recordedAt,
        hash,
        hash,
      );
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
    await store.append(
      `application-${(i / 1_000) % streamCount}`,
      Array.from({ length: 1_000 }, (_, k) => eventAt(i + k)),
      'any',
    );
  }
  await store.close();
}

async function readRound(path: string): Promise<{ raw: number; port: number; verify: number; rawHash: number }> {
  const db = new Database(path, { readonly: true });
  const page = db
    .prepare(
      'SELECT position, id, stream, revision, type, schema_version, data, actor_id, actor_role, command_id, correlation_id, causation_id, recorded_at, prev_hash, hash FROM events WHERE position > ? ORDER BY position LIMIT ?',
    )
    .raw(true);
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

// ---- PostgreSQL: the port beside raw pg doing the same appends (one transaction with its revision
// check) and the same reads, on the same schema.
const postgresUrl = process.env['LEDGER_TEST_POSTGRES_URL'] ?? process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const pgAppendCount = Number(process.env['BENCH_PG_APPENDS'] ?? 1_000);
const pgReadEventCount = Number(process.env['BENCH_PG_READ_EVENTS'] ?? 100_000);

async function postgresRound(round: number): Promise<{ single: [number, number]; batch: [number, number]; read: [number, number] } | string> {
  const probe = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 3_000 });
  try {
    await probe.connect();
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  const schemas = [`bench_port_${process.pid}_${round}`, `bench_raw_${process.pid}_${round}`];
  try {
    const port = await PostgresEventStore.open({ connectionString: postgresUrl, schema: schemas[0]! });
    // The raw side gets the same tables (made by the store's migrations) and writes them itself.
    await (await PostgresEventStore.open({ connectionString: postgresUrl, schema: schemas[1]! })).close();
    const raw = new pg.Client({ connectionString: postgresUrl, options: `-c search_path=${schemas[1]}` });
    await raw.connect();
    let rawPosition = 0;
    const rawAppend = async (stream: string, events: NewEvent[]) => {
      await raw.query('BEGIN');
      const head = await raw.query<{ revision: string }>('SELECT revision FROM events WHERE stream = $1 ORDER BY revision DESC LIMIT 1', [stream]);
      let revision = head.rows[0] === undefined ? -1 : Number(head.rows[0].revision);
      const columns: unknown[][] = Array.from({ length: 15 }, () => []);
      for (const e of events) {
        revision += 1;
        rawPosition += 1;
        const m = e.metadata;
        [
          rawPosition,
          e.id,
          stream,
          revision,
          e.type,
          e.schemaVersion,
          JSON.stringify(e.data),
          m.actorId,
          m.actorRole,
          m.commandId,
          m.correlationId,
          m.causationId,
          m.recordedAt,
          'f'.repeat(64),
          'f'.repeat(64),
        ].forEach((v, i) => columns[i]!.push(v));
      }
      await raw.query(
        `INSERT INTO events SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::int[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[])`,
        columns,
      );
      await raw.query('COMMIT');
    };
    const measure = async (eventsPerAppend: number): Promise<[number, number]> => {
      const batches = Array.from({ length: pgAppendCount }, (_, i) => Array.from({ length: eventsPerAppend }, (_, k) => eventAt(i * eventsPerAppend + k)));
      const revisions = new Map<string, bigint>();
      const portSeconds = await timeIt(async () => {
        for (let i = 0; i < pgAppendCount; i += 1) {
          const stream = `pg-${eventsPerAppend}-${i % streamCount}`;
          const current = revisions.get(stream);
          revisions.set(stream, (await port.append(stream, batches[i]!, current === undefined ? 'no-stream' : current)).revision);
        }
      });
      const rawSeconds = await timeIt(async () => {
        for (let i = 0; i < pgAppendCount; i += 1) await rawAppend(`pg-${eventsPerAppend}-${i % streamCount}`, batches[i]!);
      });
      return [pgAppendCount / rawSeconds, pgAppendCount / portSeconds];
    };
    const single = await measure(1);
    const batch = await measure(10);
    // Reads: fill both to the same size with large appends, then read everything.
    for (let i = 0; i < pgReadEventCount; i += 1_000) {
      const events = Array.from({ length: 1_000 }, (_, k) => eventAt(i + k));
      await port.append(`read-${i}`, events, 'no-stream');
      await rawAppend(`read-${i}`, events);
    }
    const total = Number(await port.headPosition());
    const portRead = await timeIt(async () => {
      let n = 0;
      for await (const event of port.readAll()) n += (event.data as { amount: string }).amount.length > 0 ? 1 : 0;
      if (n !== total) throw new Error('port read a different log');
    });
    const rawRead = await timeIt(async () => {
      let after = 0;
      let n = 0;
      for (;;) {
        const { rows } = await raw.query<{ position: string; data: string }>('SELECT * FROM events WHERE position > $1 ORDER BY position LIMIT 2000', [after]);
        if (rows.length === 0) break;
        for (const row of rows) n += (JSON.parse(row.data) as { amount: string }).amount.length > 0 ? 1 : 0;
        after = Number(rows[rows.length - 1]!.position);
      }
      if (n !== total) throw new Error('raw read a different log');
    });
    await raw.end();
    await port.close();
    return { single, batch, read: [total / rawRead, total / portRead] };
  } finally {
    for (const schema of schemas) await probe.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await probe.end();
  }
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

  const rows: [string, number, number, number | undefined][] = [
    ['sqlite: append, 1 event (appends/s)', best(results.single.raw), best(results.single.port), 0.8],
    ['sqlite: append, 10 events (appends/s)', best(results.batch.raw), best(results.batch.port), 0.6],
    ['sqlite: full-log read (events/s)', best(reads.raw), best(reads.port), 0.7],
    ['sqlite: verify vs raw read + sha256 (events/s)', best(reads.rawHash), best(reads.verify), undefined],
  ];
  const postgres = { single: [] as [number, number][], batch: [] as [number, number][], read: [] as [number, number][] };
  let postgresSkipped: string | undefined;
  for (let round = 0; round < roundCount && postgresSkipped === undefined; round += 1) {
    const measured = await postgresRound(round);
    if (typeof measured === 'string') postgresSkipped = measured;
    else {
      postgres.single.push(measured.single);
      postgres.batch.push(measured.batch);
      postgres.read.push(measured.read);
    }
  }
  if (postgresSkipped === undefined) {
    const bestPair = (pairs: [number, number][]) => [best(pairs.map((p) => p[0])), best(pairs.map((p) => p[1]))] as const;
    rows.push(['postgres: append, 1 event (appends/s)', ...bestPair(postgres.single), 0.7]);
    rows.push(['postgres: append, 10 events (appends/s)', ...bestPair(postgres.batch), 0.7]);
    rows.push(['postgres: full-log read (events/s)', ...bestPair(postgres.read), 0.7]);
  }
  const lines = [
    `event store bench: sqlite, ${roundCount} rounds (best of each), ${singleAppendCount} single appends, ${batchAppendCount} × 10-event appends, ${readEventCount.toLocaleString('en-US')}-event log`,
    '',
    '| workload | raw (better-sqlite3 / pg) | port | ratio | target | met |',
    '| --- | ---: | ---: | ---: | ---: | :---: |',
    ...rows.map(([name, raw, port, target]) => {
      const ratio = port / raw;
      return `| ${name} | ${format(raw)} | ${format(port)} | ${ratio.toFixed(2)} | ${target === undefined ? '—' : `≥ ${target}`} | ${target === undefined ? '—' : ratio >= target ? 'yes' : 'NO'} |`;
    }),
    '',
    postgresSkipped === undefined
      ? `postgres: ${pgAppendCount} appends each, ${pgReadEventCount.toLocaleString('en-US')}-event log, at ${postgresUrl.replace(/\/\/[^@]*@/, '//…@')}`
      : `postgres rows SKIPPED: ${postgresSkipped}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  const peer = await comparePeer(postgresUrl);
  process.stdout.write(`\n${peer.lines.join('\n')}\n\npeak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB\n`);
  printFigures('store', [...rows.map(([name, raw, port]) => ({ name, value: port, baseline: raw })), ...peer.figures]);
}

main()
  .catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  })
  .finally(() => rmSync(dir, { recursive: true, force: true }));
