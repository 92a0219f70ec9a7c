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
import { createHmac, hash as oneShotHash } from 'node:crypto';

/** Shortest key accepted: HMAC-SHA256 gains nothing from more than its block, and loses from less than its output. */
export const macKeyBytesMin = 32;

/** What the MAC of one event of a commit is over; `previous` is the MAC of the commit's event before it (none: the first). */
function macText(previous: string | null, position: bigint, hash: string): string {
  return previous === null ? `ledger-commit|1|${position}|${hash}` : `ledger-commit|1|${previous}|${position}|${hash}`;
}

/** SHA-256's block: HMAC pads its key to it. */
const blockBytes = 64;
/** Longest MAC text taken the fast way: the purpose, a previous MAC, a position and an event hash (all ASCII). */
const macTextBytesMax = 256;

export class CommitMac {
  // HMAC-SHA256 as RFC 2104 defines it, H((K ⊕ opad) ‖ H((K ⊕ ipad) ‖ m)), over buffers kept for the
  // purpose: createHmac builds an object and pads the key again on every call, which made a verify
  // that checks every event's MAC markedly slower. commit-mac.test.ts pins it to createHmac.
  private readonly inner = Buffer.alloc(blockBytes + macTextBytesMax);
  private readonly outer = Buffer.alloc(blockBytes + 32);

  constructor(private readonly key: Buffer) {
    const padded = Buffer.alloc(blockBytes);
    (key.length > blockBytes ? sha256(key) : key).copy(padded);
    for (let i = 0; i < blockBytes; i += 1) {
      this.inner[i] = (padded[i] ?? 0) ^ 0x36;
      this.outer[i] = (padded[i] ?? 0) ^ 0x5c;
    }
  }

  /** The MAC of the commit through this event (hex). */
  of(previous: string | null, position: bigint, hash: string): string {
    const text = macText(previous, position, hash);
    // UTF-8 writes one byte per character only for ASCII: anything else (a forged stored hash, say),
    // or a text that does not fit, takes the library's way.
    const written = text.length <= macTextBytesMax ? this.inner.write(text, blockBytes, 'utf8') : -1;
    if (written !== text.length) return createHmac('sha256', this.key).update(text).digest('hex');
    // Hex out, not a Buffer: Node's one-shot hash is several times slower when asked for a Buffer.
    this.outer.write(oneShotHash('sha256', this.inner.subarray(0, blockBytes + written), 'hex'), blockBytes, 'hex');
    return oneShotHash('sha256', this.outer, 'hex');
  }

  /**
   * Whether `mac` is this event's MAC as the next event of the commit whose MAC so far is `previous`,
   * or as the first event of a commit. Returns which, or `undefined` when it is neither: forged.
   * `likelyContinues` (the event shares its command with the one before, as a commit's events do)
   * only orders the two tries, so that an event usually costs one HMAC.
   */
  check(mac: string, previous: string | null, position: bigint, hash: string, likelyContinues = true): 'continues' | 'starts' | undefined {
    if (mac.length !== 64) return undefined;
    // No closures here: this runs once per event of the log.
    const first = likelyContinues && previous !== null ? previous : null;
    if (equalText(mac, this.of(first, position, hash))) return first === null ? 'starts' : 'continues';
    const second = first === null ? previous : null;
    if ((second !== null || first !== null) && equalText(mac, this.of(second, position, hash))) return second === null ? 'starts' : 'continues';
    return undefined;
  }
}

function sha256(data: Buffer): Buffer {
  return oneShotHash('sha256', data, 'buffer');
}

/** Compares two strings of equal length in time that does not depend on where they differ. */
function equalText(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i += 1) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
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
