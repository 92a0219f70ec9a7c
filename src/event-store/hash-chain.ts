// Tamper evidence for the log, the same on every store.
//
// Each event is hashed with the hash of the previous event *of its stream* (`prevHash`): per-stream
// chains need no global order at write time, which EventStoreDB assigns on the server. The global
// order is covered by the digest: a rolling hash over (position, event hash) in log order, saved by
// an auditor and checked later. A change, removal, reordering or insertion breaks a chain (found and
// located by position) or, if the forger recomputed the chains, no longer matches the saved digest.
import { assert, defined } from '../shared/assert.js';
import { WorkerCalls } from '../shared/worker-calls.js';
import { hash as oneShotHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { EventMetadata } from './event-metadata.js';
import { CommitMac } from './commit-mac.js';

export const GENESIS_HASH = '0'.repeat(64);

/** An event as hashed: the exact data text stored, not a re-serialisation of it. */
export interface ChainRecord {
  readonly position: bigint;
  readonly stream: string;
  readonly revision: bigint;
  readonly id: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly dataJson: string;
  readonly metadata: EventMetadata;
  readonly prevHash: string;
  readonly hash: string;
  /** The commit's MAC through this event (commit-mac.ts); null or absent where it was written without one. */
  readonly mac?: string | null;
}

export type HashInput = Omit<ChainRecord, 'position' | 'hash' | 'mac'>;

/**
 * What verify checks of an event on the thread that keeps the log's order: its place, its links, and
 * its data for the record checks. `dataJson` is null where the event was read on a seal worker and no
 * record check reads the data of its type (see `RecordCheck.dataOfTypes`).
 */
export type ChainLink = Pick<ChainRecord, 'position' | 'stream' | 'revision' | 'id' | 'type' | 'prevHash' | 'hash'> & { readonly dataJson: string | null };

/**
 * The log as a store lets verify read it on several threads: the seal workers read the records from
 * the store's file themselves, a span of positions each in turn, and hand back the links; the thread
 * that verifies reads nothing of the log itself.
 */
export interface ChainFileSource {
  /** The last position of the log as verified (what is appended later is left for the next verify). */
  headPosition(): Promise<bigint>;
  /** The SQLite file a seal worker opens (read only) to read the records of its spans. */
  readonly sqlitePath: string;
  /** Positions per span a worker reads: the store's page size. */
  readonly spanPositions: number;
}

export interface ChainReadOptions {
  /** Records whose position is strictly greater than this (0n: from the start). */
  readonly afterPosition?: bigint;
  readonly maxCount?: number;
}

// Length-prefixed fields: no separator inside a field can make two different events hash alike.
function field(value: string): string {
  return `${value.length}:${value}`;
}

/** A field that may be null: `~` cannot start a length-prefixed field, so null and '' differ. */
function nullableField(value: string | null): string {
  return value === null ? '~' : field(value);
}

/**
 * Versions of the event hash. 1: the first, which hashed a null causation id as ''; 2 (current): null
 * and '' hash differently, and the text names its version, so that no event hashes alike under both.
 * Logs written before version 2 keep verifying: an event's version is the one its stored hash matches,
 * and once an event of the current version is in the log, none of an older version may follow it.
 */
export const eventHashVersionCurrent = 2;
export type EventHashVersion = 1 | 2;

export function computeEventHash(input: HashInput, version: EventHashVersion = eventHashVersionCurrent): string {
  const m = input.metadata;
  const common =
    field(input.prevHash) +
    field(input.stream) +
    field(input.revision.toString()) +
    field(input.id) +
    field(input.type) +
    field(String(input.schemaVersion)) +
    field(input.dataJson) +
    field(m.actorId) +
    field(m.actorRole) +
    field(m.commandId) +
    field(m.correlationId);
  const text = version === 1 ? common + field(m.causationId ?? '') + field(m.recordedAt) : `v2|${common}${nullableField(m.causationId)}${field(m.recordedAt)}`;
  return oneShotHash('sha256', text, 'hex');
}

/** The hash version an event's stored hash was computed with, or `undefined` when it matches none: changed. */
export function eventHashVersionOf(record: ChainRecord): EventHashVersion | undefined {
  if (computeEventHash(record, 2) === record.hash) return 2;
  if (computeEventHash(record, 1) === record.hash) return 1;
  return undefined;
}

/** What an auditor keeps: the log up to `position` had these `eventCount` events and this rolling `hash`. */
export interface LogDigest {
  readonly position: bigint;
  readonly eventCount: bigint;
  readonly hash: string;
}

export interface LogDigestJson {
  readonly position: string;
  readonly eventCount: string;
  readonly hash: string;
}

/** A digest signed with the ledger's Ed25519 key (audit/signing.ts): a checkpoint, or a digest handed out. */
export interface SignedDigestJson extends LogDigestJson {
  readonly signedAt: string;
  readonly keyId: string;
  /** Ed25519 over the signed text, base64. */
  readonly signature: string;
}

export function digestToJson(digest: LogDigest): LogDigestJson {
  return { position: digest.position.toString(), eventCount: digest.eventCount.toString(), hash: digest.hash };
}

/** Parses a digest an auditor saved; returns `undefined` when it is not one. */
export function digestFromJson(value: unknown): LogDigest | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { position, eventCount, hash } = value as Record<string, unknown>;
  const isCount = (v: unknown): v is string => typeof v === 'string' && /^(0|[1-9][0-9]{0,18})$/.test(v);
  if (!isCount(position) || !isCount(eventCount)) return undefined;
  if (typeof hash !== 'string' || !/^[0-9a-f]{64}$/.test(hash)) return undefined;
  return { position: BigInt(position), eventCount: BigInt(eventCount), hash };
}

/** A signed digest as stored (JSON text): its fields, unchecked; `undefined` when it is not one. Check its signature with audit/signing.ts. */
export function signedDigestFromText(text: string): SignedDigestJson | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const digest = digestFromJson(value);
  if (digest === undefined) return undefined;
  const { signedAt, keyId, signature } = value as Record<string, unknown>;
  if (typeof signedAt !== 'string' || typeof keyId !== 'string' || typeof signature !== 'string') return undefined;
  return { ...digestToJson(digest), signedAt, keyId, signature };
}

/** The rolling digest over the log in global order. */
export class DigestAccumulator {
  private hashCurrent: string;
  private positionLast: bigint;
  private readonly eventCountFrom: bigint;
  /** Events added since `eventCountFrom`: a number, not a bigint allocated anew for every event. */
  private eventCountAdded = 0;

  /** From the start of the log, or rolling on from a digest of it up to some position. */
  constructor(from?: LogDigest) {
    this.hashCurrent = from?.hash ?? GENESIS_HASH;
    this.positionLast = from?.position ?? 0n;
    this.eventCountFrom = from?.eventCount ?? 0n;
  }

  add(position: bigint, eventHash: string): void {
    this.hashCurrent = oneShotHash('sha256', `${this.hashCurrent}:${position}:${eventHash}`, 'hex');
    this.positionLast = position;
    this.eventCountAdded += 1;
  }

  get value(): LogDigest {
    return { position: this.positionLast, eventCount: this.eventCountFrom + BigInt(this.eventCountAdded), hash: this.hashCurrent };
  }
}

export async function digestRecords(records: AsyncIterable<ChainRecord>): Promise<LogDigest> {
  const accumulator = new DigestAccumulator();
  for await (const record of records) accumulator.add(record.position, record.hash);
  return accumulator.value;
}

/** `forged`: an event whose MAC is missing or wrong, where the verifier holds the MAC key. */
export type TamperKind = 'changed' | 'removed' | 'inserted' | 'reordered' | 'forged' | 'digest-mismatch';

export interface VerifyFinding {
  readonly kind: TamperKind;
  /** Where the log stops being what was written: the first position an auditor should look at. */
  readonly position: bigint;
  readonly stream: string | null;
  readonly detail: string;
  /** For a saved digest that no longer matches: the last position of the window the change lies in. */
  readonly throughPosition?: bigint;
}

export interface VerifyReport {
  readonly ok: boolean;
  readonly eventsChecked: number;
  readonly headPosition: bigint;
  readonly digestChecked: boolean;
  /** The position of the last saved digest that matched (0n: none): the log up to it is anchored. */
  readonly anchoredThrough: bigint;
  /** Events after the last saved digest given: no saved digest vouches for them yet. */
  readonly unanchoredEvents: number;
  /**
   * Sorted by position (a digest mismatch by the end of its window); the first is the earliest sign
   * of tampering. At most `findingCountMax`.
   */
  readonly findings: readonly VerifyFinding[];
  /** The log's digest as verified now (up to its head), to save for the next check. */
  readonly digest: LogDigest;
  /**
   * Events hashed with version 1 of the event hash, written before version 2: a null causation id
   * changed to '' in one of them cannot be told from the hash alone.
   */
  readonly legacyHashEvents: number;
  /** Whether every event's MAC was checked (the verifier held the MAC key). */
  readonly macChecked: boolean;
  /**
   * Events without a MAC before the first that has one: written before the store MACed its commits
   * (or without a key). After the first event with a MAC, an event without one is a finding.
   */
  readonly unkeyedEvents: number;
}

export const findingCountMax = 100;

interface StreamHead {
  revision: bigint;
  hash: string;
  prevHash: string;
  position: bigint;
}

export interface VerifyOptions {
  readonly positionsAreDense: boolean;
  /**
   * Digests saved earlier (checkpoints), in any order: each must match the log up to its position.
   * The first that does not bounds the change to the window after the one before it.
   */
  readonly digest?: LogDigest | readonly LogDigest[];
  /** Called every so often with the number of events checked, for progress bars. */
  readonly onProgress?: (eventsChecked: number, position: bigint) => void;
  /** Further checks of each record, in log order (running totals of the domain's streams, say). */
  readonly recordChecks?: readonly RecordCheck[];
  /** The key commits were MACed with: every event's MAC is checked, and a forged one located. */
  readonly macKey?: Buffer;
  /**
   * Check the events' hashes and MACs on this many worker threads, beside the chain checks on this one,
   * where the compiled worker file exists (`sealWorkerAvailable`); elsewhere (the TypeScript sources run
   * directly), or with 0, on this thread. The findings are the same either way.
   */
  readonly sealWorkers?: number;
}

/** A check of one record, given in log order; returns what it found wrong, if anything. */
export interface RecordCheck {
  (record: ChainLink): VerifyFinding | undefined;
  /**
   * The event types whose data the check reads; the others' data need not be read for it (their
   * `dataJson` may be null). Absent: every type's.
   */
  readonly dataOfTypes?: readonly string[];
}

// An event's seals are its hash and its commit's MAC. Checking them needs nothing but the stored event
// and the event before it (the MAC stored on it, and its command), so that they can be checked apart
// from the chain links, a page at a time, on other threads. What the checks found about one event is
// one byte: the version of the hash it matches (0: none) plus four times the outcome of its MAC.
const macUnchecked = 0;
const macAbsent = 1;
const macValid = 2;
const macInvalid = 3;

const hashVersionOfSeal = (seal: number): EventHashVersion | undefined => ((seal & 3) as EventHashVersion | 0) || undefined;
const macOutcomeOfSeal = (seal: number): number => seal >> 2;

/** The event before a page, as the MAC check of the page's first event needs it. */
export interface MacContext {
  /** The MAC stored on it, whatever it is: the next event of its commit continues it. */
  readonly mac: string | null;
  readonly commandId: string;
}

export function macContextOf(record: ChainRecord): MacContext {
  return { mac: record.mac ?? null, commandId: record.metadata.commandId };
}

/** The seal checks of pages of the log, each given with the event before it. */
export class SealChecker {
  private readonly commitMac: CommitMac | undefined;

  constructor(macKey: Uint8Array | undefined) {
    this.commitMac = macKey === undefined ? undefined : new CommitMac(Buffer.from(macKey));
  }

  /** One seal byte per record of the page; `before`: the event before it (none: the page starts the log). */
  checkPage(page: readonly ChainRecord[], before: MacContext | undefined): Uint8Array<ArrayBuffer> {
    const seals = new Uint8Array(page.length);
    const commitMac = this.commitMac;
    let macPrevious = before?.mac ?? null;
    let commandPrevious = before?.commandId;
    for (let i = 0; i < page.length; i += 1) {
      const record = defined(page[i], 'page[i]');
      let seal: number = eventHashVersionOf(record) ?? 0;
      if (commitMac !== undefined) {
        const mac = record.mac ?? null;
        if (mac === null) seal += 4 * macAbsent;
        else {
          const continues = record.metadata.commandId === commandPrevious;
          seal += 4 * (commitMac.check(mac, macPrevious, record.position, record.hash, continues) === undefined ? macInvalid : macValid);
        }
        macPrevious = mac;
        commandPrevious = record.metadata.commandId;
      }
      seals[i] = seal;
    }
    return seals;
  }
}

/** A page as the chain checks take it: its links, in log order, and their seals. */
interface CheckedPage {
  readonly links: readonly ChainLink[];
  readonly seals: Uint8Array;
}

/** Seal checks running beside the chain checks: a page given now, taken checked later, in order. */
interface SealChecks<P> {
  /** The page after the one given before (the first: the log's first page). */
  give(page: P): void;
  /** The oldest page given and not yet taken, with its seals. */
  take(): Promise<CheckedPage>;
  close(): Promise<void>;
}

/** On this thread: a page is checked when given. */
class SealChecksHere implements SealChecks<readonly ChainRecord[]> {
  private readonly checker: SealChecker;
  private readonly checked: CheckedPage[] = [];
  private before: MacContext | undefined;

  constructor(macKey: Uint8Array | undefined) {
    this.checker = new SealChecker(macKey);
  }

  give(page: readonly ChainRecord[]): void {
    this.checked.push({ links: page, seals: this.checker.checkPage(page, this.before) });
    const last = page[page.length - 1];
    if (last !== undefined) this.before = macContextOf(last);
  }

  async take(): Promise<CheckedPage> {
    return defined(this.checked.shift(), 'a page given');
  }

  async close(): Promise<void> {}
}

// The workers run the compiled seal-worker.js beside this module: a worker thread runs JavaScript
// only, and the TypeScript sources, run through a loader in tests and benchmarks, have none beside them.
const sealWorkerFile = new URL('./seal-worker.js', import.meta.url);

/** Whether verify can check seals on worker threads here: only where the code runs compiled. */
export const sealWorkerAvailable = existsSync(sealWorkerFile);

/**
 * Seal workers worth starting on this machine when they are sent the records: the thread that reads
 * the log keeps a core busy reading it, with the chain links, running totals and digest; the workers
 * share the others (at least one).
 */
export const sealWorkersDefault = Math.max(1, Math.min(3, availableParallelism() - 1));

/**
 * Seal workers worth starting when they read the log themselves: they do nearly all the work (reading
 * every row, its hash and MAC), and the thread that keeps the log's order little, so one per core.
 */
export const fileSealWorkersDefault = Math.max(1, Math.min(4, availableParallelism()));

/** What a seal worker is started with. */
export interface SealWorkerData {
  readonly macKey: Uint8Array | undefined;
  /** Where the worker reads pages itself (a SQLite file); absent: pages are sent to it. */
  readonly sqlitePath?: string;
  /** Reading the file: the event types whose data it hands back with the links (null: every type's). */
  readonly dataOfTypes?: readonly string[] | null;
}

/**
 * A page for a seal worker: its records sent (as flat fields, with the event before them), or, where
 * the worker reads the log itself, the span of positions it reads: after `after`, through `through`
 * (and the last event before the span, for the MAC check of its first).
 */
export type SealWorkerRequest = { readonly fields: unknown[]; readonly before: MacContext | undefined } | SpanRead;

/** A span of the log's positions for a seal worker to read. */
export interface SpanRead {
  readonly after: bigint;
  readonly through: bigint;
}

/**
 * A seal worker's answer: the seals of a page sent to it; or those of a span it read, with the span's
 * links (`linkFieldsOf`) and the first position after the span (null: none), so that spans of
 * positions the log does not hold are skipped.
 */
export type SealWorkerReply = Uint8Array<ArrayBuffer> | SpanReply;

export interface SpanReply {
  readonly seals: Uint8Array<ArrayBuffer>;
  readonly links: LinkFields;
  readonly next: bigint | null;
}

// A page goes to a worker as one flat array of the records' fields: copying strings and numbers
// costs less than copying as many objects, each with its field names.
const sealFieldCount = 16;

function sealFieldsOf(page: readonly ChainRecord[]): unknown[] {
  const fields = new Array<unknown>(page.length * sealFieldCount);
  let at = 0;
  for (const record of page) {
    const m = record.metadata;
    fields[at] = record.position;
    fields[at + 1] = record.stream;
    fields[at + 2] = record.revision;
    fields[at + 3] = record.id;
    fields[at + 4] = record.type;
    fields[at + 5] = record.schemaVersion;
    fields[at + 6] = record.dataJson;
    fields[at + 7] = m.actorId;
    fields[at + 8] = m.actorRole;
    fields[at + 9] = m.commandId;
    fields[at + 10] = m.correlationId;
    fields[at + 11] = m.causationId;
    fields[at + 12] = m.recordedAt;
    fields[at + 13] = record.prevHash;
    fields[at + 14] = record.hash;
    fields[at + 15] = record.mac ?? null;
    at += sealFieldCount;
  }
  return fields;
}

/** The records of a page as a worker receives it. */
export function recordsOfSealFields(fields: readonly unknown[]): ChainRecord[] {
  const records: ChainRecord[] = [];
  for (let at = 0; at < fields.length; at += sealFieldCount) {
    records.push({
      position: fields[at] as bigint,
      stream: fields[at + 1] as string,
      revision: fields[at + 2] as bigint,
      id: fields[at + 3] as string,
      type: fields[at + 4] as string,
      schemaVersion: fields[at + 5] as number,
      dataJson: fields[at + 6] as string,
      metadata: {
        actorId: fields[at + 7] as string,
        actorRole: fields[at + 8] as string,
        commandId: fields[at + 9] as string,
        correlationId: fields[at + 10] as string,
        causationId: fields[at + 11] as string | null,
        recordedAt: fields[at + 12] as string,
      },
      prevHash: fields[at + 13] as string,
      hash: fields[at + 14] as string,
      mac: fields[at + 15] as string | null,
    });
  }
  return records;
}

// The links of a page a worker read, handed back with its seals: positions and revisions as 64-bit
// integers (their buffers handed over, not copied), the texts as one flat array. The chain checks
// need neither the metadata nor, for most types, the data.
const linkTextCount = 6;

/** The links of records a worker read, with the data of the types named only (null: every type's). */
export interface LinkFields {
  readonly positions: BigInt64Array<ArrayBuffer>;
  readonly revisions: BigInt64Array<ArrayBuffer>;
  /** Per event: id, stream, type, data (or null), previous hash, hash. */
  readonly texts: (string | null)[];
}

export function linkFieldsOf(page: readonly ChainRecord[], dataOfTypes: ReadonlySet<string> | null): LinkFields {
  const positions = new BigInt64Array(page.length);
  const revisions = new BigInt64Array(page.length);
  const texts = new Array<string | null>(page.length * linkTextCount);
  for (let i = 0, at = 0; i < page.length; i += 1, at += linkTextCount) {
    const record = defined(page[i], 'page[i]');
    positions[i] = record.position;
    revisions[i] = record.revision;
    texts[at] = record.id;
    texts[at + 1] = record.stream;
    texts[at + 2] = record.type;
    texts[at + 3] = dataOfTypes === null || dataOfTypes.has(record.type) ? record.dataJson : null;
    texts[at + 4] = record.prevHash;
    texts[at + 5] = record.hash;
  }
  return { positions, revisions, texts };
}

/** The links a worker read, as the chain checks take them. */
function linksOfFields(fields: LinkFields): ChainLink[] {
  const links = new Array<ChainLink>(fields.positions.length);
  const texts = fields.texts;
  for (let i = 0, at = 0; i < links.length; i += 1, at += linkTextCount) {
    links[i] = {
      position: defined(fields.positions[i], 'fields.positions[i]'),
      id: texts[at] as string,
      stream: texts[at + 1] as string,
      revision: defined(fields.revisions[i], 'fields.revisions[i]'),
      type: texts[at + 2] as string,
      dataJson: texts[at + 3] ?? null,
      prevHash: texts[at + 4] as string,
      hash: texts[at + 5] as string,
    };
  }
  return links;
}

/** Requests for the pages of the log, in order: each knows the page before it. */
function sentPages(): (page: readonly ChainRecord[]) => SealWorkerRequest {
  let before: MacContext | undefined;
  return (page) => {
    const request = { fields: sealFieldsOf(page), before };
    const last = page[page.length - 1];
    if (last !== undefined) before = macContextOf(last);
    return request;
  };
}

/**
 * The spans of positions the workers read, up to the head: each the store's page size, except that a
 * span after which a worker found no event before position `next` moves the spans given later past
 * the positions between (a log whose positions jump far, by a forged event say, is not read span by
 * empty span).
 */
class Spans implements AsyncIterable<SpanRead> {
  private after = 0n;

  constructor(
    private readonly head: bigint,
    private readonly size: bigint,
  ) {}

  /** What a worker found after the span it read. */
  found(through: bigint, next: bigint | null): void {
    const skipTo = next === null ? this.head : next - 1n;
    if (through <= this.after && skipTo > this.after) this.after = skipTo;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<SpanRead> {
    while (this.after < this.head) {
      const after = this.after;
      const through = after + this.size < this.head ? after + this.size : this.head;
      this.after = through;
      yield { after, through };
    }
  }
}

/** On worker threads: the pages given go to them in turn, and come back checked in the same order. */
class SealChecksOnWorkers<P> implements SealChecks<P> {
  private readonly workers: WorkerCalls<SealWorkerRequest, SealWorkerReply>[];
  private readonly replies: Promise<CheckedPage>[] = [];
  private turn = 0;

  constructor(
    count: number,
    data: SealWorkerData,
    private readonly requestOf: (page: P) => SealWorkerRequest,
    private readonly checkedOf: (page: P, reply: SealWorkerReply) => CheckedPage,
  ) {
    this.workers = Array.from({ length: count }, () => new WorkerCalls<SealWorkerRequest, SealWorkerReply>(sealWorkerFile, data, { name: 'a seal worker' }));
  }

  give(page: P): void {
    const worker = defined(this.workers[this.turn], 'this.workers[this.turn]');
    this.turn = (this.turn + 1) % this.workers.length;
    const reply = worker.call(this.requestOf(page)).then((answer) => this.checkedOf(page, answer));
    // Taken in order later; a failure before then must not count as unhandled meanwhile.
    reply.catch(() => undefined);
    this.replies.push(reply);
  }

  take(): Promise<CheckedPage> {
    return defined(this.replies.shift(), 'a page given');
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}

/** Streams the log once, in global order, in memory proportional to the number of streams. */
export function verifyRecords(records: AsyncIterable<ChainRecord>, options: VerifyOptions): Promise<VerifyReport> {
  return verifyRecordPages(inPages(records), options);
}

/** Records read one at a time, gathered into pages: a page, not an event, is what goes to the seal worker. */
const recordsPerPage = 1_000;

async function* inPages(records: AsyncIterable<ChainRecord>): AsyncIterable<readonly ChainRecord[]> {
  let page: ChainRecord[] = [];
  for await (const record of records) {
    page.push(record);
    if (page.length === recordsPerPage) {
      yield page;
      page = [];
    }
  }
  if (page.length > 0) yield page;
}

/**
 * `verifyRecords` over the log as the store reads it, a page at a time: one await per page, not per
 * event, on a check that runs once per event of the whole log. The seals are checked on this thread,
 * or on `sealWorkers` worker threads the pages are sent to.
 */
export function verifyRecordPages(pages: AsyncIterable<readonly ChainRecord[]>, options: VerifyOptions): Promise<VerifyReport> {
  const workers = sealWorkerAvailable ? (options.sealWorkers ?? 0) : 0;
  const seals =
    workers > 0
      ? new SealChecksOnWorkers(workers, { macKey: options.macKey }, sentPages(), (page: readonly ChainRecord[], reply) => ({ links: page, seals: reply as Uint8Array }))
      : new SealChecksHere(options.macKey);
  return verifyPages(pages, seals, workers, options);
}

/**
 * Verify with the log read once, by seal workers that read spans of its positions from the store's
 * file themselves, check their seals, and hand back their links: this thread reads nothing of the log
 * and keeps its order (chains, running totals, digest, checkpoints). Needs the compiled workers
 * (`sealWorkerAvailable`).
 */
export async function verifyFilePages(source: ChainFileSource, options: VerifyOptions): Promise<VerifyReport> {
  assert(sealWorkerAvailable, 'verifying from the file needs the compiled seal workers');
  const workers = Math.max(1, options.sealWorkers ?? fileSealWorkersDefault);
  const data: SealWorkerData = { macKey: options.macKey, sqlitePath: source.sqlitePath, dataOfTypes: dataOfTypesOf(options.recordChecks ?? []) };
  const spans = new Spans(await source.headPosition(), BigInt(Math.max(1, source.spanPositions)));
  const requestOf = (span: SpanRead): SealWorkerRequest => span;
  const seals = new SealChecksOnWorkers(workers, data, requestOf, (span: SpanRead, reply) => {
    if (reply instanceof Uint8Array) throw new Error('a seal worker reading the file answered without links');
    spans.found(span.through, reply.next);
    return { links: linksOfFields(reply.links), seals: reply.seals };
  });
  return verifyPages(spans, seals, workers, options);
}

/** The event types whose data the record checks read; null when one of them reads every type's. */
function dataOfTypesOf(checks: readonly RecordCheck[]): readonly string[] | null {
  const types = new Set<string>();
  for (const check of checks) {
    if (check.dataOfTypes === undefined) return null;
    for (const type of check.dataOfTypes) types.add(type);
  }
  return [...types];
}

async function verifyPages<P>(pages: AsyncIterable<P>, seals: SealChecks<P>, workers: number, options: VerifyOptions): Promise<VerifyReport> {
  const heads = new Map<string, StreamHead>();
  // Revisions found missing in a stream; a missing revision that turns up later was moved, not removed.
  const gaps = new Map<string, { from: bigint; to: bigint; findingIndex: number }>();
  const findings: VerifyFinding[] = [];
  const checkpoints = [options.digest ?? []].flat().sort((a, b) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0));
  // Read for every event: kept apart from the digests, and the option in a local.
  const checkpointPositions = checkpoints.map((checkpoint) => checkpoint.position);
  let checkpointsPassed = 0;
  // The rolling digest, and its value at each saved digest's position (every event up to it, none after).
  const accumulator = new DigestAccumulator();
  const digestsAtCheckpoints: LogDigest[] = [];
  const positionsAreDense = options.positionsAreDense;
  let anchoredThrough = 0n;
  let anchorBroken = false;
  let eventsAfterLastCheckpoint = 0;
  let positionLast = 0n;
  let eventsChecked = 0;
  let legacyHashEvents = 0;
  /** The first event hashed with the current version: no older version may follow it. */
  let currentHashFrom: bigint | undefined;
  const recordChecks = options.recordChecks ?? [];
  /** The first event with a MAC: none may follow it without one. */
  let macFrom: bigint | undefined;
  let unkeyedEvents = 0;

  const report = (finding: VerifyFinding): number => {
    findings.push(finding);
    return findings.length - 1;
  };

  /** Checks the next saved digest against the log's digest through its position. */
  const checkCheckpoint = (saved: LogDigest, now: LogDigest): void => {
    if (anchorBroken) return;
    if (now.hash === saved.hash && now.eventCount === saved.eventCount && now.position === saved.position) {
      anchoredThrough = saved.position;
      return;
    }
    // Digests roll: every later one fails too. Only the first tells where to look.
    anchorBroken = true;
    report({
      kind: 'digest-mismatch',
      position: anchoredThrough + 1n,
      throughPosition: saved.position,
      stream: null,
      detail:
        `the log between positions ${anchoredThrough + 1n} and ${saved.position} no longer matches the digest saved at ${saved.position} ` +
        `(saved: ${saved.eventCount} events, hash ${saved.hash.slice(0, 12)}…; ` +
        `now: ${now.eventCount} events up to position ${now.position}, hash ${now.hash.slice(0, 12)}…)`,
    });
  };

  /** The checks that follow the log's order, of a page whose seals are checked. */
  const checkPage = ({ links: page, seals: pageSeals }: CheckedPage): void => {
    // A worker that read another page than this thread's (the log changed meanwhile) cannot vouch for it.
    assert(pageSeals.length === page.length, 'a page was checked against seals of another page');
    for (let i = 0; i < page.length; i += 1) {
      const record = defined(page[i], 'page[i]');
      const seal = pageSeals[i] ?? 0;
      while (digestsAtCheckpoints.length < checkpointPositions.length && record.position > (checkpointPositions[digestsAtCheckpoints.length] ?? record.position)) {
        digestsAtCheckpoints.push(accumulator.value);
      }
      accumulator.add(record.position, record.hash);
      eventsChecked += 1;
      if (options.onProgress !== undefined && eventsChecked % 10_000 === 0) options.onProgress(eventsChecked, record.position);

      while (checkpointsPassed < checkpoints.length && record.position > (checkpointPositions[checkpointsPassed] ?? record.position)) checkpointsPassed += 1;
      if (checkpointsPassed === checkpoints.length) eventsAfterLastCheckpoint += 1;

      const positionExpected = positionLast + 1n;
      if (positionsAreDense && record.position !== positionExpected) {
        report({
          kind: 'removed',
          position: positionExpected,
          stream: null,
          detail: `positions ${positionExpected}..${record.position - 1n} are missing from the log`,
        });
      }
      positionLast = record.position;

      const { position, stream, revision } = record;
      const hashVersion = hashVersionOfSeal(seal);
      if (hashVersion === undefined) {
        report({
          kind: 'changed',
          position,
          stream,
          detail: `event ${record.id} (${stream}@${revision}) does not match its hash: its content was changed`,
        });
      } else if (hashVersion === eventHashVersionCurrent) {
        currentHashFrom ??= position;
      } else if (currentHashFrom !== undefined) {
        report({
          kind: 'changed',
          position,
          stream,
          detail: `event ${record.id} (${stream}@${revision}) is hashed with version ${hashVersion} after events of version ${eventHashVersionCurrent} (from position ${currentHashFrom}): it was rewritten`,
        });
      } else {
        legacyHashEvents += 1;
      }
      const macOutcome = macOutcomeOfSeal(seal);
      if (macOutcome === macAbsent) {
        if (macFrom === undefined) unkeyedEvents += 1;
        else
          report({
            kind: 'forged',
            position,
            stream,
            detail: `event ${record.id} (${stream}@${revision}) carries no MAC, after events that do (from position ${macFrom}): it was not written by the ledger`,
          });
      } else if (macOutcome !== macUnchecked) {
        macFrom ??= position;
        if (macOutcome === macInvalid) {
          report({
            kind: 'forged',
            position,
            stream,
            detail: `event ${record.id} (${stream}@${revision}) does not match its MAC at position ${position}: it was added, changed, re-chained or moved without the key`,
          });
        }
      }
      for (const check of recordChecks) {
        const finding = check(record);
        if (finding !== undefined) report(finding);
      }

      const head = heads.get(stream);
      const revisionExpected = head === undefined ? 0n : head.revision + 1n;
      if (revision === revisionExpected) {
        const linkExpected = head === undefined ? GENESIS_HASH : head.hash;
        if (record.prevHash !== linkExpected) {
          if (head !== undefined && record.prevHash === head.prevHash) {
            report({
              kind: 'inserted',
              position: head.position,
              stream,
              detail: `the event at position ${head.position} (${stream}@${head.revision}) is not in the chain its successor at position ${position} was written on: it was inserted`,
            });
          } else {
            report({
              kind: 'changed',
              position: head?.position ?? position,
              stream,
              detail: `the chain of ${stream} breaks before revision ${revision} (position ${position}): the event before it was rewritten`,
            });
          }
        }
        // Most streams hold one event: their head's link to the genesis is the one shared string, not a copy per stream.
        if (head === undefined) heads.set(stream, { revision, hash: record.hash, prevHash: record.prevHash === GENESIS_HASH ? GENESIS_HASH : record.prevHash, position });
        else {
          // In place: one object per stream, not one per event.
          head.revision = revision;
          head.hash = record.hash;
          head.prevHash = record.prevHash;
          head.position = position;
        }
      } else if (revision > revisionExpected) {
        const findingIndex = report({
          kind: 'removed',
          position,
          stream,
          detail: `${stream} jumps from revision ${revisionExpected - 1n} to ${revision} at position ${position}: revisions ${revisionExpected}..${revision - 1n} are missing`,
        });
        gaps.set(stream, { from: revisionExpected, to: revision - 1n, findingIndex });
        heads.set(stream, { revision, hash: record.hash, prevHash: record.prevHash, position });
      } else {
        const gap = gaps.get(stream);
        if (gap !== undefined && revision >= gap.from && revision <= gap.to) {
          const moved = findings[gap.findingIndex];
          if (moved !== undefined && moved.kind === 'removed') {
            findings[gap.findingIndex] = {
              ...moved,
              kind: 'reordered',
              detail: `${stream}@${revision} was moved after later events of its stream (found at position ${position})`,
            };
          }
        }
        report({
          kind: 'reordered',
          position,
          stream,
          detail: `${stream}@${revision} appears at position ${position}, after revision ${head?.revision ?? -1n} of its stream`,
        });
      }
    }
  };

  // Pages ahead of the one checked here: each worker has the next page to check when it is done.
  const ahead = Math.max(1, 2 * workers);
  let inFlight = 0;
  try {
    for await (const page of pages) {
      seals.give(page);
      inFlight += 1;
      if (inFlight > ahead) {
        checkPage(await seals.take());
        inFlight -= 1;
      }
    }
    for (; inFlight > 0; inFlight -= 1) checkPage(await seals.take());
  } finally {
    await seals.close();
  }
  const digestLast = accumulator.value;
  while (digestsAtCheckpoints.length < checkpointPositions.length) digestsAtCheckpoints.push(digestLast);

  let checkpointNext = 0;
  const checkNextCheckpoint = (): void => {
    checkCheckpoint(defined(checkpoints[checkpointNext], 'checkpoints[checkpointNext]'), defined(digestsAtCheckpoints[checkpointNext], 'digestsAtCheckpoints[checkpointNext]'));
    checkpointNext += 1;
  };
  while (checkpointNext < checkpoints.length && defined(checkpoints[checkpointNext], 'checkpoints[checkpointNext]').position <= positionLast) checkNextCheckpoint();
  const beyondEnd = checkpoints[checkpoints.length - 1];
  if (checkpointNext < checkpoints.length && beyondEnd !== undefined && !anchorBroken) {
    // Every digest up to here matched: the log was cut off after the last event read.
    anchorBroken = true;
    report({
      kind: 'removed',
      position: positionLast + 1n,
      stream: null,
      detail: `the log ends at position ${positionLast}, before the saved digest's position ${beyondEnd.position}`,
    });
  }
  while (checkpointNext < checkpoints.length) checkNextCheckpoint();

  // A saved digest that no longer matches only bounds the change to its window: it sorts by the end of
  // that window, after any event the other checks located inside it.
  // At one position, what was done to the log (an event removed, inserted, moved) comes before what it
  // caused (content or totals that no longer fit), and a digest's window last.
  const sortKey = (finding: VerifyFinding): bigint => finding.throughPosition ?? finding.position;
  const kindRank: Record<TamperKind, number> = { removed: 0, inserted: 0, reordered: 0, changed: 1, forged: 1, 'digest-mismatch': 2 };
  findings.sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : kindRank[a.kind] - kindRank[b.kind]));
  return {
    ok: findings.length === 0,
    eventsChecked,
    headPosition: positionLast,
    digestChecked: checkpoints.length > 0,
    anchoredThrough,
    unanchoredEvents: checkpoints.length === 0 ? eventsChecked : eventsAfterLastCheckpoint,
    findings: findings.slice(0, findingCountMax),
    digest: digestLast,
    legacyHashEvents,
    macChecked: options.macKey !== undefined,
    unkeyedEvents,
  };
}
