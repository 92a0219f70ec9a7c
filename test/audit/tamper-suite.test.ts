// Seeded tampering with the stored log, as someone with write access to the database (but not to the
// keys) would do it, against SQLite and PostgreSQL. A verifier that holds the commits' MAC key finds
// every mutation of every kind at the exact position of the first event changed, removed, inserted or
// moved, with and without saved checkpoints (truncation, which leaves no event to check, against
// checkpoints). A verifier without the key finds every mutation at the exact first position where the
// chain, the hashes or the running totals can locate it, and within the window of the saved
// checkpoints where only they can. The seed of a failing run is printed: replay it with
// LEDGER_TAMPER_SEED=<seed>; LEDGER_TAMPER_CASES sets the mutations per kind (at least 50 in CI).
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { checkpointsOf } from '../../src/audit/checkpoints.js';
import { verifyLog } from '../../src/audit/verify.js';
import { openLedgerCommands } from '../../src/commands/ledger-commands.js';
import type { EventStore } from '../../src/event-store/event-store.js';
import type { LogDigest, VerifyFinding } from '../../src/event-store/hash-chain.js';
import { PostgresEventStore } from '../../src/event-store/postgres/postgres-event-store.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { generateSynthetic } from '../../src/synthetic/generator.js';
import { collect } from '../support/events.js';
import { dropSchema, freshSchemaName, postgresAvailability, postgresUrl } from '../support/postgres.js';
import { forgedHashOf, type EventRowForTampering } from '../support/tamper-rows.js';
import { createHash } from 'node:crypto';

type Row = EventRowForTampering;

const seed = Number(process.env['LEDGER_TAMPER_SEED'] ?? Date.now() % 2_147_483_647);
const casesPerKind = Number(process.env['LEDGER_TAMPER_CASES'] ?? 50);
const checkpointEvery = 40;
/** The key the ledger MACs its commits with; the forger never has it. */
const macKey = createHash('sha256').update('tamper suite MAC key').digest();

/** mulberry32: small, seeded, good enough to choose what to tamper with. */
function randomFrom(state: number): () => number {
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

type Random = () => number;
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const positionOf = (row: Row) => BigInt(row.position);
const revisionOf = (row: Row) => BigInt(row.revision);

/** Recomputes the hashes of a stream from one of its rows on: what a careful forger does. */
function rechain(rows: Row[], stream: string, fromRevision: bigint): void {
  const ofStream = rows.filter((row) => row.stream === stream).sort((a, b) => Number(revisionOf(a) - revisionOf(b)));
  let prevHash = ofStream.find((row) => revisionOf(row) === fromRevision)!.prev_hash;
  for (const row of ofStream.filter((r) => revisionOf(r) >= fromRevision)) {
    row.prev_hash = prevHash;
    row.hash = forgedHashOf(row, prevHash);
    prevHash = row.hash;
  }
}

function plusOneFen(amount: string): string {
  return (BigInt(amount.replace('.', '')) + 1n).toString().padStart(3, '0').replace(/(..)$/, '.$1');
}

/** What a mutation did, and what verify must report first. */
interface Mutation {
  readonly rows: Row[];
  /**
   * The finding a verifier without the MAC key must put first; `'unanchored'`: a forged tail no digest
   * vouches for; `'window'`: a finding that starts at or before the first changed position and ends at
   * or after it (a saved checkpoint's window).
   */
  readonly expected: { kind: VerifyFinding['kind']; position: bigint; throughPosition?: bigint } | { unanchored: number } | 'window';
  /** The position of the first event changed, removed, inserted or moved: where a verifier with the MAC key reports it. */
  readonly firstChanged: bigint;
  readonly note: string;
}

type Mutate = (rows: Row[], random: Random, checkpoints: readonly LogDigest[]) => Mutation;

const copyRows = (rows: readonly Row[]): Row[] => rows.map((row) => ({ ...row }));

/** The window of saved checkpoints a position lies in. */
function windowOf(position: bigint, checkpoints: readonly LogDigest[]): { from: bigint; through: bigint } {
  let from = 1n;
  for (const checkpoint of checkpoints) {
    if (position <= checkpoint.position) return { from, through: checkpoint.position };
    from = checkpoint.position + 1n;
  }
  throw new Error(`position ${position} is after the last checkpoint`);
}

/** Kinds that the hashes, chains and running totals locate exactly, with or without checkpoints. */
const exactKinds: Record<string, Mutate> = {
  'byte flip': (template, random) => {
    const rows = copyRows(template);
    const row = pick(random, rows);
    const at = Math.floor(random() * row.data.length);
    const flipped = String.fromCharCode(row.data.charCodeAt(at) ^ (1 << Math.floor(random() * 5)));
    row.data = row.data.slice(0, at) + flipped + row.data.slice(at + 1);
    return { rows, expected: { kind: 'changed', position: positionOf(row) }, firstChanged: positionOf(row), note: `byte ${at} of position ${row.position}` };
  },
  'amount change': (template, random) => {
    const rows = copyRows(template);
    const row = pick(
      random,
      rows.filter((r) => /"amount":"[0-9]+\.[0-9]{2}"/.test(r.data)),
    );
    row.data = row.data.replace(/"amount":"([0-9]+\.[0-9]{2})"/, (_, amount: string) => `"amount":"${plusOneFen(amount)}"`);
    return { rows, expected: { kind: 'changed', position: positionOf(row) }, firstChanged: positionOf(row), note: `amount at position ${row.position}` };
  },
  'amount change, stream re-chained': (template, random) => {
    const rows = copyRows(template);
    const row = pick(
      random,
      rows.filter((r) => r.type === 'AwardCommitted' || r.type === 'AwardGranted'),
    );
    const field = row.type === 'AwardCommitted' ? 'amount' : pick(random, ['award', 'spend']);
    row.data = row.data.replace(new RegExp(`"${field}":"([0-9]+\\.[0-9]{2})"`), (_, amount: string) => `"${field}":"${plusOneFen(amount)}"`);
    rechain(rows, row.stream, revisionOf(row));
    return { rows, expected: { kind: 'changed', position: positionOf(row) }, firstChanged: positionOf(row), note: `${row.type}.${field} at position ${row.position}` };
  },
  'null to empty': (template, random) => {
    const rows = copyRows(template);
    const row = pick(
      random,
      rows.filter((r) => r.causation_id === null),
    );
    row.causation_id = '';
    return { rows, expected: { kind: 'changed', position: positionOf(row) }, firstChanged: positionOf(row), note: `causation of position ${row.position}` };
  },
  delete: (template, random) => {
    const rows = copyRows(template);
    // The last event leaves no gap: that is truncation, found against checkpoints below.
    const index = Math.floor(random() * (rows.length - 1));
    const [removed] = rows.splice(index, 1);
    return { rows, expected: { kind: 'removed', position: positionOf(removed!) }, firstChanged: positionOf(removed!), note: `position ${removed!.position}` };
  },
  'swap in a stream': (template, random) => {
    const rows = copyRows(template);
    const counts = new Map<string, number>();
    for (const row of rows) counts.set(row.stream, (counts.get(row.stream) ?? 0) + 1);
    const stream = pick(
      random,
      [...counts].filter(([, count]) => count >= 2).map(([name]) => name),
    );
    const ofStream = rows.filter((row) => row.stream === stream);
    const i = Math.floor(random() * (ofStream.length - 1));
    const j = i + 1 + Math.floor(random() * (ofStream.length - 1 - i));
    const [a, b] = [ofStream[i]!, ofStream[j]!];
    [a.position, b.position] = [b.position, a.position];
    rows.sort((x, y) => Number(positionOf(x) - positionOf(y)));
    return { rows, expected: { kind: 'reordered', position: positionOf(b) }, firstChanged: positionOf(b), note: `${stream} revisions ${a.revision} and ${b.revision}` };
  },
  'naive insert': (template, random) => {
    const rows = copyRows(template);
    const target = pick(
      random,
      rows.filter((r) => revisionOf(r) >= 1n),
    );
    const position = positionOf(target);
    const previous = rows.find((r) => r.stream === target.stream && revisionOf(r) === revisionOf(target) - 1n)!;
    for (const row of rows) {
      if (positionOf(row) >= position) row.position = (positionOf(row) + 1n).toString();
      if (row.stream === target.stream && revisionOf(row) >= revisionOf(previous) + 1n) row.revision = (revisionOf(row) + 1n).toString();
    }
    const forged: Row = {
      ...previous,
      id: `forged-${position}`,
      position: position.toString(),
      revision: (revisionOf(previous) + 1n).toString(),
      data: '{"forged":true}',
      prev_hash: previous.hash,
      hash: '',
    };
    forged.hash = forgedHashOf(forged, previous.hash);
    rows.push(forged);
    rows.sort((x, y) => Number(positionOf(x) - positionOf(y)));
    return { rows, expected: { kind: 'inserted', position }, firstChanged: position, note: `into ${target.stream} at position ${position}` };
  },
};

/** Kinds only saved checkpoints can see: found within the window they bound, or reported as unanchored. */
const checkpointKinds: Record<string, Mutate> = {
  truncation: (template, random) => {
    const rows = copyRows(template);
    const cut = 1 + Math.floor(random() * 20);
    rows.splice(rows.length - cut, cut);
    return {
      rows,
      expected: { kind: 'removed', position: positionOf(rows[rows.length - 1]!) + 1n },
      firstChanged: positionOf(rows[rows.length - 1]!) + 1n,
      note: `last ${cut} events`,
    };
  },
  'whole-chain rewrite': (template, random, checkpoints) => {
    const rows = copyRows(template);
    // An event that carries no running total: only the checkpoints can tell it was rewritten.
    const row = pick(
      random,
      rows.filter((r) => !/After"/.test(r.data)),
    );
    row.data = JSON.stringify({ ...(JSON.parse(row.data) as object), rewritten: Math.floor(random() * 1_000_000) });
    rechain(rows, row.stream, revisionOf(row));
    const window = windowOf(positionOf(row), checkpoints);
    return {
      rows,
      expected: { kind: 'digest-mismatch', position: window.from, throughPosition: window.through },
      firstChanged: positionOf(row),
      note: `${row.stream} from position ${row.position}`,
    };
  },
  'forged tail': (template, random) => {
    const rows = copyRows(template);
    // A stream whose events carry no running total: a forger who knows the rules keeps totals right anyway.
    const tails = new Map<string, Row>();
    for (const row of rows) tails.set(row.stream, row);
    for (const [stream, row] of tails) if (/After"/.test(row.data)) tails.delete(stream);
    const last = pick(random, [...tails.values()]);
    const forged: Row = {
      ...last,
      id: `forged-tail-${last.position}`,
      position: (positionOf(rows[rows.length - 1]!) + 1n).toString(),
      revision: (revisionOf(last) + 1n).toString(),
      data: last.data,
      prev_hash: last.hash,
      hash: '',
    };
    forged.hash = forgedHashOf(forged, last.hash);
    rows.push(forged);
    return { rows, expected: { unanchored: 1 }, firstChanged: positionOf(forged), note: `after ${last.stream}@${last.revision}` };
  },
};

/**
 * Kinds that leave every chain, hash and running total intact where the forger knows the rules: the
 * checkpoints bound them to a window; the MAC key finds the first moved or forged event.
 */
const windowKinds: Record<string, Mutate> = {
  'cross-stream swap': (template, random) => {
    const rows = copyRows(template);
    let a: Row;
    let b: Row;
    do {
      [a, b] = [pick(random, rows), pick(random, rows)];
    } while (a.stream === b.stream);
    if (positionOf(a) > positionOf(b)) [a, b] = [b, a];
    const first = positionOf(a);
    [a.position, b.position] = [b.position, a.position];
    rows.sort((x, y) => Number(positionOf(x) - positionOf(y)));
    return { rows, expected: 'window', firstChanged: first, note: `${a.stream}@${a.revision} and ${b.stream}@${b.revision}, positions ${first} and ${a.position}` };
  },
  'delete, positions renumbered': (template, random) => {
    const rows = copyRows(template);
    const index = Math.floor(random() * (rows.length - 1));
    const [removed] = rows.splice(index, 1);
    for (const row of rows.slice(index)) row.position = (positionOf(row) - 1n).toString();
    return { rows, expected: 'window', firstChanged: positionOf(removed!), note: `position ${removed!.position}, later ones moved down` };
  },
  'mid-log insert, positions shifted': (template, random) => {
    const rows = copyRows(template);
    const tails = new Map<string, Row>();
    for (const row of rows) tails.set(row.stream, row);
    const head = positionOf(rows[rows.length - 1]!);
    // A stream whose events carry no running total, ended before the head: its new tail goes mid-log.
    const candidates = [...tails.values()].filter((row) => !/After"/.test(row.data) && positionOf(row) < head);
    const last = pick(random, candidates);
    const position = positionOf(last) + 1n + BigInt(Math.floor(random() * Number(head - positionOf(last))));
    const displaced = rows.find((row) => positionOf(row) === position)!;
    for (const row of rows) if (positionOf(row) >= position) row.position = (positionOf(row) + 1n).toString();
    const forged: Row = {
      ...last,
      id: `forged-mid-${position}`,
      position: position.toString(),
      revision: (revisionOf(last) + 1n).toString(),
      prev_hash: last.hash,
      hash: '',
      // The MAC of the event it displaced: the best a forger without the key can do.
      mac: displaced.mac,
    };
    forged.hash = forgedHashOf(forged, last.hash);
    rows.push(forged);
    rows.sort((x, y) => Number(positionOf(x) - positionOf(y)));
    return { rows, expected: 'window', firstChanged: position, note: `after ${last.stream}@${last.revision}, at position ${position}` };
  },
};

const columns = [
  'position',
  'id',
  'stream',
  'revision',
  'type',
  'schema_version',
  'data',
  'actor_id',
  'actor_role',
  'command_id',
  'correlation_id',
  'causation_id',
  'recorded_at',
  'prev_hash',
  'hash',
  'mac',
] as const;

/** A store under test and a second connection that rewrites its events table. */
interface Backend {
  readonly store: EventStore;
  readRows(): Promise<Row[]>;
  /** Makes the table hold exactly `rows`, deleting and inserting only the rows that differ. */
  replaceRows(rows: readonly Row[]): Promise<void>;
  dispose(): Promise<void>;
}

const keyOf = (row: Row) => columns.map((c) => String(row[c])).join('\u0000');

/** What turns the rows held into the rows wanted: the positions to delete, then the rows to insert. */
function differenceOf(held: readonly Row[], wanted: readonly Row[]): { deleted: string[]; inserted: Row[] } {
  const heldKeys = new Set(held.map(keyOf));
  const wantedKeys = new Set(wanted.map(keyOf));
  return { deleted: held.filter((row) => !wantedKeys.has(keyOf(row))).map((row) => String(row.position)), inserted: wanted.filter((row) => !heldKeys.has(keyOf(row))) };
}

async function sqliteBackend(dir: string): Promise<Backend> {
  const path = join(dir, 'tamper.db');
  const store = new SqliteEventStore({ path, macKey });
  await generateSynthetic((await openLedgerCommands(store)).commands, { applications: 10, seed: 21 });
  const db = new Database(path);
  db.exec('DROP TRIGGER IF EXISTS events_are_immutable_update; DROP TRIGGER IF EXISTS events_are_immutable_delete;');
  const insert = db.prepare(`INSERT INTO events (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`);
  const remove = db.prepare('DELETE FROM events WHERE position = ?');
  const readRows = () => db.prepare('SELECT * FROM events ORDER BY position').all() as Row[];
  let held = readRows();
  const replace = db.transaction((rows: readonly Row[]) => {
    const { deleted, inserted } = differenceOf(held, rows);
    for (const position of deleted) remove.run(position);
    for (const row of inserted) insert.run(row);
  });
  return {
    store,
    readRows: async () => readRows(),
    replaceRows: async (rows) => {
      replace(rows);
      held = [...rows];
    },
    dispose: async () => {
      db.close();
      await store.close();
    },
  };
}

async function postgresBackend(): Promise<Backend> {
  const schema = freshSchemaName('ledger_tamper_suite_');
  const store = await PostgresEventStore.open({ connectionString: postgresUrl, schema, macKey });
  await generateSynthetic((await openLedgerCommands(store)).commands, { applications: 10, seed: 21 });
  const client = new pg.Client({ connectionString: postgresUrl, options: `-c search_path="${schema}"` });
  await client.connect();
  const readRows = async () => (await client.query<Row>('SELECT * FROM events ORDER BY position')).rows;
  let held = await readRows();
  return {
    store,
    readRows,
    replaceRows: async (rows) => {
      const { deleted, inserted } = differenceOf(held, rows);
      await client.query('BEGIN');
      await client.query('ALTER TABLE events DISABLE TRIGGER USER');
      if (deleted.length > 0) await client.query('DELETE FROM events WHERE position = ANY($1::bigint[])', [deleted]);
      const values = inserted.flatMap((row) => columns.map((c) => row[c]));
      for (let from = 0; from < inserted.length; from += 500) {
        const batch = inserted.slice(from, from + 500);
        const tuples = batch.map((_, i) => `(${columns.map((__, j) => `$${i * columns.length + j + 1}`).join(', ')})`);
        await client.query(`INSERT INTO events (${columns.join(', ')}) VALUES ${tuples.join(', ')}`, values.slice(from * columns.length, (from + batch.length) * columns.length));
      }
      await client.query('ALTER TABLE events ENABLE TRIGGER USER');
      await client.query('COMMIT');
      held = [...rows];
    },
    dispose: async () => {
      await client.end();
      await store.close();
      await dropSchema(schema);
    },
  };
}

function describeTampering(name: string, open: () => Promise<Backend | undefined>): void {
  describe(`tampering with ${name} (seed ${seed}, ${casesPerKind} per kind)`, () => {
    let backend: Backend | undefined;
    let template: Row[];
    let checkpoints: LogDigest[];

    beforeAll(async () => {
      backend = await open();
      if (backend === undefined) return;
      template = await backend.readRows();
      checkpoints = await collect(checkpointsOf(backend.store, checkpointEvery));
      expect(template.filter((row) => row.causation_id === null).length).toBeGreaterThan(0);
    }, 180_000);

    afterAll(async () => {
      await backend?.dispose();
    });

    /** Runs every case of a kind; a failure names the seed, the case and what was done. */
    async function runKind(kind: string, mutate: Mutate, withCheckpoints: boolean, withMacKey: boolean): Promise<void> {
      if (backend === undefined) return;
      const random = randomFrom(seed ^ [...kind].reduce((h, c) => Math.imul(h, 31) + c.charCodeAt(0), 7));
      for (let n = 0; n < casesPerKind; n += 1) {
        const mutation = mutate(template, random, checkpoints);
        await backend.replaceRows(mutation.rows);
        const report = await verifyLog(backend.store, withCheckpoints ? checkpoints : undefined, undefined, withMacKey ? macKey : undefined);
        const context =
          `${name}, ${kind} #${n} (${mutation.note}), ${withCheckpoints ? 'with' : 'without'} checkpoints, ${withMacKey ? 'with' : 'without'} the MAC key: ` +
          `replay with LEDGER_TAMPER_SEED=${seed}`;
        try {
          const first = report.findings[0];
          if (withMacKey) {
            expect(report.ok).toBe(false);
            expect(first?.position).toBe(mutation.firstChanged);
          } else if (mutation.expected === 'window') {
            const window = windowOf(mutation.firstChanged, checkpoints);
            expect(report.ok).toBe(false);
            expect(first!.position >= window.from && first!.position <= window.through).toBe(true);
          } else if ('unanchored' in mutation.expected) {
            expect({ ok: report.ok, unanchoredEvents: report.unanchoredEvents }).toEqual({ ok: true, unanchoredEvents: mutation.expected.unanchored });
          } else {
            expect(report.ok).toBe(false);
            expect(first).toMatchObject(mutation.expected);
          }
        } catch (error) {
          process.stdout.write(`TAMPER SUITE FAILED: ${context}\n`);
          throw new Error(`${context}\n${error instanceof Error ? error.message : String(error)}`, { cause: error });
        }
      }
      await backend.replaceRows(template);
    }

    const allKinds = { ...exactKinds, ...checkpointKinds, ...windowKinds };
    describe('a verifier without the MAC key', () => {
      it.each(Object.keys(exactKinds))('finds every %s at its exact position, without checkpoints', async (kind) => runKind(kind, exactKinds[kind]!, false, false), 180_000);
      it.each(Object.keys(exactKinds))('finds every %s at its exact position, with checkpoints', async (kind) => runKind(kind, exactKinds[kind]!, true, false), 180_000);
      it.each(Object.keys(checkpointKinds))('finds every %s against the saved checkpoints', async (kind) => runKind(kind, checkpointKinds[kind]!, true, false), 180_000);
      it.each(Object.keys(windowKinds))('finds every %s within the window of the saved checkpoints', async (kind) => runKind(kind, windowKinds[kind]!, true, false), 180_000);
    });

    describe('a verifier with the MAC key', () => {
      it.each(Object.keys(allKinds))('finds every %s at the first changed position, with checkpoints', async (kind) => runKind(kind, allKinds[kind]!, true, true), 180_000);
      // Truncation at a commit's end leaves no event to check: only a checkpoint past the new end sees it.
      const locatedByMacs = Object.keys(allKinds).filter((kind) => kind !== 'truncation');
      it.each(locatedByMacs)('finds every %s at the first changed position, without checkpoints', async (kind) => runKind(kind, allKinds[kind]!, false, true), 180_000);
    });

    it('finds nothing in the untouched log, which every checkpoint anchors', async () => {
      if (backend === undefined) return;
      await backend.replaceRows(template);
      expect(await verifyLog(backend.store, checkpoints, undefined, macKey)).toMatchObject({ ok: true, findings: [], unanchoredEvents: 0, macChecked: true, unkeyedEvents: 0 });
    });
  });
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ledger-tamper-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeTampering('SQLite', () => sqliteBackend(dir));
describeTampering('PostgreSQL', async () => ((await postgresAvailability('tamper suite')) ? postgresBackend() : undefined));
