// What a checkpoint checks before it signs: the events since the last one, in order, each with the MAC
// of its commit (an event without one after events that have one, or with one that does not match, was
// not written by the ledger), rolling the log's digest on over those that pass. The checks stop at the
// first forged event: nothing from it on is anchored.
//
// The checks run where the events are read: on the service's thread from the store's port, or, for a
// log in an SQLite file, on a thread of their own that reads the file (checkpoint-worker.ts), so that
// the command thread spends nothing on them but asking.
import type { ChainRecord, LogDigest } from '../event-store/hash-chain.js';
import { DigestAccumulator } from '../event-store/hash-chain.js';
import { CommitMac } from '../event-store/commit-mac.js';
import type { EventStore } from '../event-store/event-store.js';

/** A forged event found while checking MACs for a checkpoint: nothing from it on is anchored. */
export interface Refusal {
  readonly position: bigint;
  readonly stream: string;
  readonly detail: string;
}

/** The state after the last checkpoint: where the rolling digest and the commit MACs continue from. */
export interface Anchor {
  readonly digest: LogDigest;
  /** The MAC stored on the event at the anchor's position (the next event may continue its commit). */
  readonly macPrevious: string | null;
  /** Whether an event with a MAC was seen: after one, an event without one is forged. */
  readonly macSeen: boolean;
}

/** What the checks of a stretch of the log found: where it can be anchored, and the forgery that stopped them. */
export interface SpanChecked {
  readonly anchor: Anchor;
  readonly forged: Refusal | undefined;
}

/** The events after an anchor, checked one by one in log order. */
export class CheckpointSpan {
  private readonly accumulator: DigestAccumulator;
  private macPrevious: string | null;
  private macSeen: boolean;
  private refusal: Refusal | undefined;

  constructor(
    from: Anchor,
    private readonly commitMac: CommitMac | undefined,
  ) {
    this.accumulator = new DigestAccumulator(from.digest);
    this.macPrevious = from.macPrevious;
    this.macSeen = from.macSeen;
  }

  /** Takes the next event; false if it is forged (and then nothing more is taken). */
  add(record: Pick<ChainRecord, 'position' | 'stream' | 'revision' | 'id' | 'hash' | 'mac'>): boolean {
    if (this.refusal !== undefined) return false;
    const mac = record.mac ?? null;
    let why: string | undefined;
    if (mac === null) {
      if (this.macSeen) why = 'carries no MAC, after events that do';
    } else if (this.commitMac === undefined) {
      why = 'carries a MAC this service holds no key to check';
    } else if (this.commitMac.check(mac, this.macPrevious, record.position, record.hash) === undefined) {
      why = 'does not match its MAC';
    }
    if (why !== undefined) {
      this.refusal = {
        position: record.position,
        stream: record.stream,
        detail: `event ${record.id} (${record.stream}@${record.revision}) at position ${record.position} ${why}: it was not written by the ledger`,
      };
      return false;
    }
    this.macSeen ||= mac !== null;
    this.macPrevious = mac;
    this.accumulator.add(record.position, record.hash);
    return true;
  }

  get checked(): SpanChecked {
    return { anchor: { digest: this.accumulator.value, macPrevious: this.macPrevious, macSeen: this.macSeen }, forged: this.refusal };
  }
}

/** Where a checkpoint's checks run. */
export interface ChainChecks {
  /** Checks at most `maxCount` events after the anchor (those on disk now), stopping at a forged one. */
  check(from: Anchor, maxCount: number): Promise<SpanChecked>;
  close(): Promise<void>;
}

/** The checks on the calling thread, over the events as the store's port reads them. */
export class InThreadChainChecks implements ChainChecks {
  private readonly commitMac: CommitMac | undefined;

  constructor(
    private readonly store: EventStore,
    macKey: Buffer | undefined,
  ) {
    this.commitMac = macKey === undefined ? undefined : new CommitMac(macKey);
  }

  async check(from: Anchor, maxCount: number): Promise<SpanChecked> {
    const span = new CheckpointSpan(from, this.commitMac);
    for await (const record of this.store.readChain({ afterPosition: from.digest.position, maxCount })) {
      if (!span.add(record)) break;
    }
    return span.checked;
  }

  async close(): Promise<void> {}
}
