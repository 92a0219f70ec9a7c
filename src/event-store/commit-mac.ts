// Keyed commits: every append carries an HMAC-SHA256 over the hashes of its events, with a key held
// outside the database, so that someone who can write the database but not read the key cannot add,
// change, move or re-chain an event and have it pass.
//
// The MAC runs through the commit: each event stores the MAC of the commit up to and including itself,
// so that the last event's MAC is the commit's MAC over every hash in it, and a verifier that finds a
// bad MAC knows the exact event where the commit stops being what was written (a single MAC on the
// commit would only say "somewhere in these events"). Each step binds the event's position too: an
// event moved, or renumbered after a deletion or an insertion, fails at the first position that moved.
// The MAC is stored in a column beside the event, written by the same insert: no extra round trip.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Shortest key accepted: HMAC-SHA256 gains nothing from more than its block, and loses from less than its output. */
export const macKeyBytesMin = 32;

/** What the MAC of one event of a commit is over; `previous` is the MAC of the commit's event before it (none: the first). */
function macText(previous: string | null, position: bigint, hash: string): string {
  return previous === null ? `ledger-commit|1|${position}|${hash}` : `ledger-commit|1|${previous}|${position}|${hash}`;
}

export class CommitMac {
  constructor(private readonly key: Buffer) {}

  /** The MAC of the commit through this event. */
  of(previous: string | null, position: bigint, hash: string): string {
    return createHmac('sha256', this.key)
      .update(macText(previous, position, hash))
      .digest('hex');
  }

  /** Signs a commit's events in log order: their MACs, each over the ones before it in the commit. */
  ofCommit(events: readonly { readonly position: bigint; readonly hash: string }[]): string[] {
    const macs: string[] = [];
    let previous: string | null = null;
    for (const event of events) {
      previous = this.of(previous, event.position, event.hash);
      macs.push(previous);
    }
    return macs;
  }

  /**
   * Whether `mac` is this event's MAC as the next event of the commit whose MAC so far is `previous`,
   * or as the first event of a commit. Returns which, or `undefined` when it is neither: forged.
   */
  check(mac: string, previous: string | null, position: bigint, hash: string): 'continues' | 'starts' | undefined {
    if (previous !== null && equalHex(mac, this.of(previous, position, hash))) return 'continues';
    return equalHex(mac, this.of(null, position, hash)) ? 'starts' : undefined;
  }
}

function equalHex(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Parses a MAC key as given (hex or base64, at least `macKeyBytesMin` bytes); `undefined` when it is not one. */
export function macKeyFromText(text: string): Buffer | undefined {
  const trimmed = text.trim();
  const bytes =
    /^[0-9a-fA-F]+$/.test(trimmed) && trimmed.length % 2 === 0
      ? Buffer.from(trimmed, 'hex')
      : /^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)
        ? Buffer.from(trimmed, 'base64')
        : undefined;
  return bytes !== undefined && bytes.length >= macKeyBytesMin ? bytes : undefined;
}
