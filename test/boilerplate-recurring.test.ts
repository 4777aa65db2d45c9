// The recurring-line counts (stages/boilerplate/recurring.ts) against a plain Map of every
// key's count: equal for every key seen in two documents or more, with few false sightings,
// and usable after a structured clone (how a worker thread receives them).
import { describe, expect, it } from 'vitest';
import { HashTable } from '../pipeline/hashing.js';
import { countOf, Sightings, tallyKeys } from '../stages/boilerplate/recurring.js';

/** Mulberry32: the same keys every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 53-bit line key as lineKey makes them (never 0). */
function keys(n: number, seed: number): number[] {
  const r = random(seed);
  return Array.from({ length: n }, () => Math.floor(r() * 0x100000000) * 0x200000 + Math.floor(r() * 0x200000) || 1);
}

describe('recurring-line counts', () => {
  it("equal a Map's count for every key seen in two documents or more, and are 0 for a key seen once", () => {
    const furniture = keys(300, 1); // lines on many pages
    const body = keys(150_000, 2); // lines of one page each, more than the first filter holds
    const r = random(3);
    const table = new HashTable();
    const sightings = new Sightings();
    const want = new Map<number, number>();
    for (let d = 0; d < 3000; d++) {
      // A document: its own 50 body lines and some furniture (each key once per document, as the scan gives them).
      const doc = [...body.slice(d * 50, d * 50 + 50), ...furniture.filter(() => r() < 0.1)];
      for (const k of doc) want.set(k, (want.get(k) ?? 0) + 1);
      tallyKeys(table, sightings, doc);
    }
    let once = 0;
    let falseSightings = 0;
    for (const [k, n] of want) {
      if (n >= 2) expect(countOf(table, k)).toBe(n);
      else {
        once++;
        // A line seen once has no count, unless its one sighting looked like a second.
        if (countOf(table, k) !== 0) falseSightings++;
      }
    }
    expect(once).toBe(150_000);
    expect(table.size).toBeLessThan(300 + 150); // furniture, and no more than 0.1% of the body lines
    expect(falseSightings).toBeLessThan(150);
  });

  it('read the same after a structured clone, as a worker thread gets them', () => {
    const table = new HashTable();
    const sightings = new Sightings();
    const some = keys(5000, 4);
    for (let d = 0; d < 4; d++) tallyKeys(table, sightings, some);
    const copy = HashTable.revive(structuredClone(table));
    for (const k of some) expect(countOf(copy, k)).toBe(4);
    expect(countOf(copy, keys(1, 5)[0]!)).toBe(0);
  });

  it('false sightings of distinct keys stay rare as the filters fill', () => {
    const sightings = new Sightings();
    let falseSightings = 0;
    const all = keys(1_000_000, 6);
    for (const k of all) if (sightings.see(k)) falseSightings++;
    // Measured: 0.12% of 1,000,000 distinct keys seen as before (three filters, the last a quarter full).
    expect(falseSightings / all.length).toBeLessThan(0.002);
    for (const k of all.slice(0, 1000)) expect(sightings.see(k)).toBe(true);
  });
});
