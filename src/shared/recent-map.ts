// A bounded map that forgets what was used least recently: the folds of streams a command path keeps,
// the heads of streams a store's connection knows.
//
// A map in insertion order is the usual way (a use moves the entry to the end by deleting and setting
// it again; the first entry is the one forgotten), but deleting from a large Map leaves a hole that
// the next growth must copy past, and on the command path, where every command uses half a dozen
// entries, that cost more than the lookups. Here a use moves an entry only if it has drifted into the
// older half: an entry used within the last `max / 2` placements stays where it is, and so cannot be
// the one forgotten before `max / 2` further placements. With `max` of one or two this is exact LRU.
//
// The entry forgotten is the first in insertion order, found by one iterator kept from one eviction
// to the next. A fresh `keys().next()` each time walked past every hole the evictions and moves had
// left at the front of the table since it was last rebuilt: thousands of slots once the map was full
// (20,000 entries: 6 to 20 µs a placement against 2 while it filled, on the command path a dozen a
// command). The kept iterator resumes where the last eviction stopped; everything before it is gone.
import { defined } from './assert.js';

interface Placed<V> {
  value: V;
  /** The count of placements when this entry was last placed at the end. */
  stamp: number;
}

export class RecentMap<K, V> {
  private readonly entries = new Map<K, Placed<V>>();
  private placements = 0;
  private readonly moveAfter: number;
  // Where the last eviction stopped: no entry before it is left (entries are only ever added at the end).
  private oldest: Iterator<K> | undefined;

  constructor(readonly max: number) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`a RecentMap holds at least one entry (got ${max})`);
    this.moveAfter = Math.ceil(max / 2);
  }

  get size(): number {
    return this.entries.size;
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }

  /** The value kept for `key`, now counted as used. */
  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (this.placements - entry.stamp >= this.moveAfter) {
      this.entries.delete(key);
      this.place(key, entry);
    }
    return entry.value;
  }

  /** Keeps `value` for `key`, counted as used; the entry used least recently goes if the map is full. */
  set(key: K, value: V): void {
    const entry = this.entries.get(key);
    if (entry !== undefined) {
      entry.value = value;
      if (this.placements - entry.stamp >= this.moveAfter) {
        this.entries.delete(key);
        this.place(key, entry);
      }
      return;
    }
    if (this.entries.size >= this.max) this.forgetOldest();
    this.place(key, { value, stamp: 0 });
  }

  delete(key: K): boolean {
    return this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
    this.oldest = undefined;
  }

  /** Forgets the entry first in insertion order: the one used least recently, as far as the map keeps count. */
  private forgetOldest(): void {
    let next = this.oldest?.next();
    if (next === undefined || next.done === true) {
      this.oldest = this.entries.keys();
      next = this.oldest.next();
    }
    this.entries.delete(defined(next.done === true ? undefined : next.value, 'the entry used least recently'));
  }

  private place(key: K, entry: Placed<V>): void {
    this.placements += 1;
    entry.stamp = this.placements;
    this.entries.set(key, entry);
  }
}
