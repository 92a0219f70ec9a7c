// A bounded map that forgets what was used least recently: the folds of streams a command path keeps,
// the heads of streams a store's connection knows.
//
// A map in insertion order is the usual way (a use moves the entry to the end by deleting and setting
// it again; the first entry is the one forgotten), but deleting from a large Map leaves a hole that
// the next growth must copy past, and on the command path, where every command uses half a dozen
// entries, that cost more than the lookups. Here a use moves an entry only if it has drifted into the
// older half: an entry used within the last `max / 2` placements stays where it is, and so cannot be
// the one forgotten before `max / 2` further placements. With `max` of one or two this is exact LRU.
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
    if (this.entries.size >= this.max) this.entries.delete(defined(this.entries.keys().next().value, 'the entry used least recently'));
    this.place(key, { value, stamp: 0 });
  }

  delete(key: K): boolean {
    return this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  private place(key: K, entry: Placed<V>): void {
    this.placements += 1;
    entry.stamp = this.placements;
    this.entries.set(key, entry);
  }
}
