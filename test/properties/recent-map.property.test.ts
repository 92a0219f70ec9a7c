// The bounded map behind the command path's folds and the store's known stream heads: it keeps what
// it was given, never holds more than its bound, and forgets only entries not used lately (exactly
// the least recently used where it holds one or two).
import fc from 'fast-check';
import { RecentMap } from '../../src/shared/recent-map.js';

type Op = { readonly kind: 'get' | 'set' | 'delete' | 'clear'; readonly key: number; readonly value: number };

const ops = (keys: number, kinds: readonly Op['kind'][] = ['get', 'set', 'set', 'delete']) =>
  fc.array(fc.record({ kind: fc.constantFrom(...kinds), key: fc.integer({ min: 0, max: keys - 1 }), value: fc.integer() }), { maxLength: 400 });

describe('RecentMap', () => {
  it('answers with the last value set, holds at most its bound, and keeps every key used within its last half-bound of other uses', () => {
    fc.assert(
      // Clears now and then: the map keeps where its last eviction stopped, which a clear must reset.
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 30 }),
        ops(30, ['get', 'set', 'set', 'set', 'delete', 'get', 'set', 'clear']),
        (max, keys, sequence) => {
          const map = new RecentMap<number, number>(max);
          const lastSet = new Map<number, number>();
          // Uses of other keys since each key's last use (a get that found it, or a set).
          const othersSince = new Map<number, number>();
          for (const { kind, key: raw, value } of sequence) {
            const key = raw % keys;
            if (kind === 'delete') {
              map.delete(key);
              lastSet.delete(key);
              othersSince.delete(key);
              continue;
            }
            if (kind === 'clear') {
              map.clear();
              lastSet.clear();
              othersSince.clear();
              expect(map.size).toBe(0);
              continue;
            }
            const found = kind === 'get' ? map.get(key) : (map.set(key, value), value);
            if (kind === 'set') lastSet.set(key, value);
            if (found !== undefined) expect(found).toBe(lastSet.get(key));
            if (found === undefined) expect(kind === 'get' && !map.has(key)).toBe(true);
            else {
              for (const [other, count] of othersSince) if (other !== key) othersSince.set(other, count + 1);
              othersSince.set(key, 0);
            }
            expect(map.size).toBeLessThanOrEqual(max);
            for (const [other, count] of othersSince) {
              if (count <= Math.floor(max / 2)) expect(map.has(other)).toBe(true);
              if (!map.has(other)) othersSince.delete(other);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('forgets exactly the least recently used entry where it holds one or two', () => {
    fc.assert(
      fc.property(fc.constantFrom(1, 2), ops(5), (max, sequence) => {
        const map = new RecentMap<number, number>(max);
        // The model: a list, most recently used last.
        let model: { key: number; value: number }[] = [];
        for (const { kind, key, value } of sequence) {
          const at = model.findIndex((entry) => entry.key === key);
          if (kind === 'delete') {
            map.delete(key);
            if (at >= 0) model.splice(at, 1);
          } else if (kind === 'get') {
            const entry = model[at];
            expect(map.get(key)).toBe(entry?.value);
            if (entry !== undefined) model = [...model.filter((e) => e !== entry), entry];
          } else {
            map.set(key, value);
            model = [...model.filter((e) => e.key !== key), { key, value }];
            if (model.length > max) model.shift();
          }
          expect([...model.map((e) => e.key)].sort()).toEqual([0, 1, 2, 3, 4].filter((k) => map.has(k)));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a bound below one', () => {
    expect(() => new RecentMap(0)).toThrow(RangeError);
    expect(() => new RecentMap(1.5)).toThrow(RangeError);
  });
});
