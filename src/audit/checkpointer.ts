// The service's signed checkpoints: every N events and every T seconds, the log's digest (position,
// event count, rolling hash, time) signed with the Ed25519 key, once the MAC of every event since the
// previous checkpoint has been checked. A forged event (no MAC, or a wrong one) is never anchored: the
// checkpoint stops before it, the forgery is logged and reported, and no later checkpoint passes it.
// The checks run on a thread of their own where the log is an SQLite file (threaded-chain-checks.ts);
// signing and keeping the checkpoint stay here.
//
// Where checkpoints are kept: a table beside the log, and an append-only JSON Lines file that can be
// shipped elsewhere (a WORM bucket, another host). A table rather than an event in the log, because
// an event would sit inside the very log it anchors: it would change the rolling hash it signs (the
// checkpoint at N would be event N + 1, anchored only by the next one), show up in every replay,
// projection and export as bookkeeping auditors asked not to see, and be subject to the append rules
// of a stream. A row is signed, so editing it only destroys it; deleting rows is what the shipped file
// guards against.
import type { KeyObject } from 'node:crypto';
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { EventStore } from '../event-store/event-store.js';
import { DigestAccumulator, type SignedDigestJson } from '../event-store/hash-chain.js';
import { InThreadChainChecks, type Anchor, type ChainChecks, type Refusal } from './checkpoint-span.js';
import { signDigest, verifySignedDigest } from './signing.js';

export type { Refusal } from './checkpoint-span.js';

export interface CheckpointerOptions {
  readonly store: EventStore;
  readonly signingKey: KeyObject;
  /** The MAC key of the commits; absent: MACs cannot be checked, and nothing is anchored past an event that has one. */
  readonly macKey: Buffer | undefined;
  readonly everyEvents: number;
  readonly everySeconds: number;
  /** The append-only JSON Lines file; absent: the table only. */
  readonly file: string | undefined;
  readonly clock: () => Date;
  readonly log: { info(message: string, fields: object): void; error(message: string, fields: object): void };
  /** Where the MACs are checked (absent: on the calling thread, over the store's port). */
  readonly checks?: ChainChecks;
}

/** Events read per pass at most, so that one pass over a long unanchored log stays bounded in time. */
export const checkpointEventsPerPassMax = 100_000;

export class Checkpointer {
  private anchor: Anchor | undefined;
  private refusal: Refusal | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<SignedDigestJson | undefined> | undefined;
  /** The look under way, if any. */
  private ticking: Promise<void> | undefined;
  /** When the log was first seen ahead of the last checkpoint (undefined: it is not). */
  private unanchoredSince: number | undefined;
  private readonly checks: ChainChecks;

  constructor(private readonly options: CheckpointerOptions) {
    this.checks = options.checks ?? new InThreadChainChecks(options.store, options.macKey);
  }

  /** The forged event that stops anchoring, if one was found. */
  get refused(): Refusal | undefined {
    return this.refusal;
  }

  /** Looks often enough to keep both bounds: a quarter of a second, or T if that is shorter. One look at a time. */
  start(): void {
    const pollMs = Math.min(250, this.options.everySeconds * 1000);
    this.timer = setInterval(() => void this.tick().catch((error: unknown) => this.options.log.error('checkpoint failed', { error: String(error) })), pollMs);
    this.timer.unref();
  }

  /** Stops looking, once the look under way (and any checkpoint it takes) has ended; then the checks' thread, if any. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.ticking?.catch(() => undefined);
    await this.running?.catch(() => undefined);
    await this.checks.close();
  }

  /** Takes a checkpoint when N events or T seconds have gone unanchored; a look already under way is joined. */
  tick(): Promise<void> {
    this.ticking ??= this.look().finally(() => {
      this.ticking = undefined;
    });
    return this.ticking;
  }

  private async look(): Promise<void> {
    const head = await this.options.store.headPosition();
    // Nothing past the checkpoint this process knows: no need to ask the store for a later one.
    const anchor = this.anchor !== undefined && head <= this.anchor.digest.position ? this.anchor : await this.anchorNow();
    if (head <= anchor.digest.position) {
      this.unanchoredSince = undefined;
      return;
    }
    const now = this.options.clock().getTime();
    this.unanchoredSince ??= now;
    // Positions count events where they are dense; elsewhere only the time bound applies.
    const eventsDue = this.options.store.positionsAreDense && head - anchor.digest.position >= BigInt(this.options.everyEvents);
    if (eventsDue || now - this.unanchoredSince >= this.options.everySeconds * 1000) await this.checkpoint();
  }

  /** Checks the MACs since the last checkpoint and signs one at the last event that passes; one at a time. */
  checkpoint(): Promise<SignedDigestJson | undefined> {
    this.running ??= this.checkpointOnce().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async checkpointOnce(): Promise<SignedDigestJson | undefined> {
    const anchor = await this.anchorNow();
    const { anchor: checked, forged } = await this.checks.check(anchor, checkpointEventsPerPassMax);
    if (forged !== undefined && forged.position !== this.refusal?.position) {
      this.options.log.error('checkpoint refused: a forged event is in the log', { position: forged.position.toString(), stream: forged.stream, detail: forged.detail });
    }
    this.refusal = forged;
    const { digest } = checked;
    if (digest.eventCount === anchor.digest.eventCount) return undefined;
    const signed = signDigest(digest, this.options.signingKey, this.options.clock());
    // Another service process on the same store may have signed this position a moment earlier: the
    // table keeps the first, and only the process whose row it is ships it to the file, so that the
    // file holds each checkpoint once. (A store without a table leaves the file to each process.)
    const added = (await this.options.store.checkpoints?.add(signed)) ?? true;
    if (added && this.options.file !== undefined) {
      await mkdir(dirname(this.options.file), { recursive: true });
      await appendFile(this.options.file, `${JSON.stringify(signed)}\n`, { mode: 0o644 });
    }
    this.anchor = checked;
    this.unanchoredSince = undefined;
    if (!added) return undefined;
    this.options.log.info('checkpoint signed', { position: signed.position, eventCount: signed.eventCount });
    return signed;
  }

  /**
   * The last checkpoint: the last one the store keeps that is signed with this key, when it is later
   * than the one this process knows (another service process on the same store signed it: rolling on
   * from it, the two never sign the same stretch twice), or the one this process knows, or the start
   * of the log. A stored one not signed with this key was not written by this service, and is passed
   * over.
   */
  private async anchorNow(): Promise<Anchor> {
    const known = this.anchor;
    const last = await this.options.store.checkpoints?.last();
    if (known !== undefined && (last === undefined || BigInt(last.position) <= known.digest.position)) return known;
    const digest = last === undefined ? undefined : verifySignedDigest(last, this.options.signingKey);
    if (known !== undefined && digest === undefined) return known;
    if (last !== undefined && digest === undefined) {
      this.options.log.error('the last stored checkpoint is not signed with this service key: checkpoints start again from the beginning of the log', { position: last.position });
    }
    if (digest === undefined || digest.position === 0n) {
      this.anchor = { digest: new DigestAccumulator().value, macPrevious: null, macSeen: false };
      return this.anchor;
    }
    let atAnchor: { mac?: string | null } | undefined;
    for await (const record of this.options.store.readChain({ afterPosition: digest.position - 1n, maxCount: 1 })) atAnchor = record;
    const macPrevious = atAnchor?.mac ?? null;
    this.anchor = { digest, macPrevious, macSeen: macPrevious !== null };
    return this.anchor;
  }
}
