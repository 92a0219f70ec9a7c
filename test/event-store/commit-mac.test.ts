// The commits' MAC: HMAC-SHA256 exactly (pinned to the library's), running through a commit, bound to
// each event's position and hash.
import { createHmac, randomBytes } from 'node:crypto';
import { CommitMac, macKeyFromText } from '../../src/event-store/commit-mac.js';

describe('commit MACs', () => {
  const hashOf = (n: number) => n.toString(16).padStart(64, '0');

  it.each([32, 64, 100])('is HMAC-SHA256 with a %i-byte key, first event and next', (keyBytes) => {
    const key = randomBytes(keyBytes);
    const mac = new CommitMac(key);
    const first = mac.of(null, 41n, hashOf(1));
    expect(first).toBe(
      createHmac('sha256', key)
        .update(`ledger-commit|1|41|${hashOf(1)}`)
        .digest('hex'),
    );
    expect(mac.of(first, 42n, hashOf(2))).toBe(
      createHmac('sha256', key)
        .update(`ledger-commit|1|${first}|42|${hashOf(2)}`)
        .digest('hex'),
    );
  });

  it('tells an event that starts a commit from one that continues it, and anything moved or forged from both', () => {
    const mac = new CommitMac(randomBytes(32));
    const a = mac.of(null, 7n, hashOf(7));
    const b = mac.of(a, 8n, hashOf(8));
    expect(mac.check(a, 'f'.repeat(64), 7n, hashOf(7))).toBe('starts');
    expect(mac.check(b, a, 8n, hashOf(8), false)).toBe('continues');
    expect(mac.check(b, a, 9n, hashOf(8))).toBeUndefined();
    expect(mac.check(b, a, 8n, hashOf(9))).toBeUndefined();
    expect(mac.check(b, null, 8n, hashOf(8))).toBeUndefined();
    expect(mac.check(new CommitMac(randomBytes(32)).of(null, 7n, hashOf(7)), null, 7n, hashOf(7))).toBeUndefined();
    expect(mac.check('not hex at all', null, 7n, hashOf(7))).toBeUndefined();
    // A stored hash no real event has (too long, not ASCII) is MACed too, and matches nothing real.
    expect(mac.check(a, null, 7n, `${hashOf(7)}\u00e9${'x'.repeat(300)}`)).toBeUndefined();
  });

  it('takes a key of at least 32 bytes in hex or base64', () => {
    expect(macKeyFromText('ab'.repeat(32))).toEqual(Buffer.from('ab'.repeat(32), 'hex'));
    expect(macKeyFromText(randomBytes(48).toString('base64'))).toHaveLength(48);
    expect(macKeyFromText('ab'.repeat(16))).toBeUndefined();
    expect(macKeyFromText('not a key')).toBeUndefined();
  });
});
