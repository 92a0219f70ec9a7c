// npm run bench:scale — the SQLite store's durable append latency on a large log beside the same on a
// small one, measured in the same run: p50 and p99 of single appends (one event to one stream) and of
// four-stream appends (one event to each of four streams, all or nothing), as the service makes them
// (synchronous=FULL, every commit MACed).
//
// Both logs are filled through the store's own appendMulti, in batches of 1,000 events over 40
// streams, with durability 'normal' (synced at WAL checkpoints only): the rows are the store's own
// (hashes, chains, MACs), written several times faster than by durable appends one at a time (on a
// loaded 2-core machine, 1,000,000 events took 4 to 6 minutes). The large log holds
// BENCH_SCALE_EVENTS events (10,000,000), the small one 10,000, over streams of about 25 events each
// (a large log has many streams, so that a stream's head is read from a deep index). The measured
// appends go to streams picked at random from those filled (on the large log, almost always one whose
// head the store has not read yet). The two logs take turns over BENCH_ROUNDS rounds (3), so that the
// machine's load falls on both alike. The files live in a temporary folder, removed at the end (a
// 10,000,000-event log takes about 6 GB: check the free disk first).
// @ts-expect-error -- a plain ES module shared with the .mjs benchmarks; its JSDoc types it
import { printFigures } from './figures.mjs';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NewEvent, StreamAppend } from '../../src/event-store/event-store.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { timeOrderedUuid } from '../../src/shared/identifiers.js';
import { benchMetadata as metadata } from './bench-metadata.js';

const largeEvents = Number(process.env['BENCH_SCALE_EVENTS'] ?? 10_000_000);
const smallEvents = 10_000;
const roundCount = Math.max(1, Number(process.env['BENCH_ROUNDS'] ?? 3));
/** Appends of each kind per log per round. */
const appendsPerRound = Number(process.env['BENCH_SCALE_APPENDS'] ?? 200);
const eventsPerStream = 25;
const fillBatchEvents = 1_000;
const fillBatchStreams = 40;
const macKey = createHash('sha256').update('ledger scale bench MAC key').digest();

/** Ids as the service makes them (time-ordered): new keys land at the end of the events' id index. */
function eventAt(i: number): NewEvent {
  return {
    id: timeOrderedUuid(new Date().toISOString(), `c-${i}`, 'event'),
    type: 'DisbursementRecorded',
    schemaVersion: 1,
    data: { applicationId: `app-${i}`, amount: '12345.67', paymentRef: `PAY-${i}`, paidOn: '2025-06-01', note: '保定市数智券拨付' },
    metadata: { ...metadata, commandId: `c-${i}`, correlationId: `c-${i}` },
  };
}

const streamOf = (index: number) => `application-${index}`;

/**
 * Fills a log with `events` events through the store's own appends, in large batches without a sync
 * each: batch b writes 25 events to each of 40 streams, so that stream k holds events 25k.. of the log.
 */
async function fill(path: string, events: number): Promise<number> {
  const store = new SqliteEventStore({ path, durability: 'normal', macKey });
  const started = performance.now();
  const perStream = fillBatchEvents / fillBatchStreams;
  for (let written = 0; written < events; written += fillBatchEvents) {
    const firstStream = written / perStream;
    const appends: StreamAppend[] = Array.from({ length: fillBatchStreams }, (_, s) => ({
      stream: streamOf(firstStream + s),
      expectedRevision: 'no-stream',
      events: Array.from({ length: perStream }, (__, k) => eventAt(written + s * perStream + k)),
    }));
    await store.appendMulti(appends);
    if (written % 500_000 === 0) process.stderr.write(`\rfilling ${path}: ${written.toLocaleString('en-US')} events`);
  }
  await store.close();
  const seconds = (performance.now() - started) / 1000;
  process.stderr.write(`\rfilled ${path}: ${events.toLocaleString('en-US')} events in ${Math.round(seconds)} s\n`);
  return seconds;
}

interface Latencies {
  single: number[];
  multi: number[];
}

/** Durable appends to streams picked at random: one event to one stream, then one to each of four. */
async function measure(path: string, events: number, into: Latencies, round: number): Promise<void> {
  const store = new SqliteEventStore({ path, macKey });
  const streams = Math.ceil(events / eventsPerStream);
  const randomStream = () => streamOf(Math.floor(Math.random() * streams));
  // Events numbered after those filled and those appended in earlier rounds: only their data differs.
  let next = events + round * 5 * appendsPerRound;
  try {
    for (let i = 0; i < appendsPerRound; i += 1) {
      let started = performance.now();
      await store.append(randomStream(), [eventAt(next++)], 'any');
      into.single.push(performance.now() - started);
      // Four distinct streams: a stream may appear once per append.
      const picked = new Set<string>();
      while (picked.size < 4) picked.add(randomStream());
      const appends: StreamAppend[] = [...picked].map((stream) => ({ stream, expectedRevision: 'any', events: [eventAt(next++)] }));
      started = performance.now();
      await store.appendMulti(appends);
      into.multi.push(performance.now() - started);
    }
  } finally {
    await store.close();
  }
}

function percentile(values: readonly number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? Number.NaN;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-scale-bench-'));
  // A run stopped part-way (the fill of a large log takes long) leaves no gigabytes behind either.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      rmSync(dir, { recursive: true, force: true });
      process.exit(130);
    });
  }
  try {
    const smallPath = join(dir, 'small.db');
    const largePath = join(dir, 'large.db');
    await fill(smallPath, smallEvents);
    const fillSeconds = await fill(largePath, largeEvents);
    const largeBytes = statSync(largePath).size;
    const loadBefore = loadavg()[0] ?? 0;
    const small: Latencies = { single: [], multi: [] };
    const large: Latencies = { single: [], multi: [] };
    for (let round = 0; round < roundCount; round += 1) {
      process.stderr.write(`round ${round + 1} of ${roundCount}\n`);
      // Alternate which log goes first, so that neither always meets the same moment of the load.
      const order: [string, number, Latencies][] = [
        [smallPath, smallEvents, small],
        [largePath, largeEvents, large],
      ];
      for (const [path, events, into] of round % 2 === 0 ? order : order.reverse()) await measure(path, events, into, round);
    }
    const loadAfter = loadavg()[0] ?? 0;
    const fixed = (ms: number) => ms.toFixed(2);
    const rows = (['single', 'multi'] as const).flatMap((kind) =>
      [0.5, 0.99].map((fraction) => {
        const name = `${kind === 'single' ? 'single append' : '4-stream appendMulti'}, p${Math.round(fraction * 100)}`;
        const atSmall = percentile(small[kind], fraction);
        const atLarge = percentile(large[kind], fraction);
        return { name, atSmall, atLarge, count: large[kind].length };
      }),
    );
    const lines = [
      `scale bench: durable appends on a log of ${largeEvents.toLocaleString('en-US')} events (${(largeBytes / 1e9).toFixed(1)} GB, filled in ${Math.round(fillSeconds)} s) ` +
        `beside one of ${smallEvents.toLocaleString('en-US')}, ${roundCount} rounds taking turns, load average ${loadBefore.toFixed(1)} before and ${loadAfter.toFixed(1)} after`,
      '',
      `| latency | at ${smallEvents.toLocaleString('en-US')} events, ms | at ${largeEvents.toLocaleString('en-US')} events, ms | ratio (target ≤ 1.2) | appends |`,
      '| --- | ---: | ---: | ---: | ---: |',
      ...rows.map((row) => `| ${row.name} | ${fixed(row.atSmall)} | ${fixed(row.atLarge)} | ${(row.atLarge / row.atSmall).toFixed(2)} | ${row.count} |`),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    printFigures(
      'scale',
      rows.map((row) => ({ name: `${row.name} at ${largeEvents} events`, value: row.atLarge, baseline: row.atSmall, unit: `ms (baseline: at ${smallEvents} events)` })),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
