// How many documents of the corpus each line was seen in, for the boilerplate stage's
// recurring-line rule, in memory that grows with the lines that recur, not with all lines.
//
// A crawl's lines are mostly body text that occurs once; the furniture that recurs (menus,
// footers, bylines) is a small part. A Map of every distinct line's count took about 50
// bytes a line, and V8's Map holds at most 2^24 entries: a crawl of some 600,000 pages
// (16.7 million distinct lines) ended the scan pass with "Map maximum size exceeded".
//
// So a line's first sighting goes into a Bloom filter (3 bytes a line, no count), and only a
// line seen again gets a count, in the 64-bit hash table of typed arrays the dedup index
// uses (HashTable). A filter may answer "seen" for a line it has not seen: that line's
// count then starts one too high, which matters only for a line one document short of the
// rule's threshold and not prose.
// Measured on random keys: 0.02% of the first 65,536 distinct lines, 0.12% of 1 million,
// 0.25% of 16 million (test/boilerplate-recurring.test.ts keeps it under 0.2% at 1 million).

import { fmix32, HashTable, mixKey } from '../../pipeline/hashing.js';

/** A line key's two halves: its 32 high bits and 21 low bits (keys are 53-bit hashes). */
function high(key: number): number {
  return Math.floor(key / 0x200000);
}
function low(key: number): number {
  return key % 0x200000;
}

/** Documents a line key was seen in (`counts` holds the keys seen in two or more); 0 for a key seen in one or none. */
export function countOf(counts: HashTable, key: number): number {
  return counts.get(high(key), low(key));
}

/**
 * The lines seen so far, a few bits each: a blocked Bloom filter (all of a key's bits in
 * one 64-byte block, so a look-up is one cache miss), as a chain of filters each four times
 * larger than the last, added when the last holds as many keys as it was made for (a
 * scalable Bloom filter): memory follows the corpus's distinct lines, 3 bytes each.
 */
export class Sightings {
  private readonly filters: { bits: Int32Array; capacity: number; added: number }[] = [];

  /** Records a key; returns whether it had been recorded before (or, rarely, looks so). */
  see(key: number): boolean {
    const hi = high(key);
    const lo = low(key);
    const block = mixKey(hi, lo);
    // Bit positions within a block from a second, independent mix.
    const bitsSeed = fmix32(hi ^ Math.imul(lo ^ 0x5bd1e995, 0x85ebca6b));
    for (const f of this.filters) if (inFilter(f.bits, block, bitsSeed)) return true;
    let last = this.filters[this.filters.length - 1];
    if (!last || last.added >= last.capacity) {
      const capacity = last ? last.capacity * 4 : FIRST_CAPACITY;
      last = { bits: new Int32Array((capacity * BITS_PER_KEY) >>> 5), capacity, added: 0 };
      this.filters.push(last);
    }
    addToFilter(last.bits, block, bitsSeed);
    last.added++;
    return false;
  }
}

/** Bits a key, and bits set for it in its 512-bit block (16 and 6 measured 0.36% false sightings at 1 million keys, these 0.12%). */
const BITS_PER_KEY = 24;
const BITS_PER_LOOKUP = 8;
/** Keys the first filter holds (128 KB); each next one holds four times more. */
const FIRST_CAPACITY = 1 << 16;
/** Int32 words per block (512 bits, a cache line). */
const BLOCK_WORDS = 16;

function inFilter(bits: Int32Array, block: number, seed: number): boolean {
  const base = (block % (bits.length / BLOCK_WORDS)) * BLOCK_WORDS;
  // Double hashing inside the block: positions a, a + b, a + 2b ... (b odd: all distinct).
  const step = (seed >>> 9) | 1;
  for (let k = 0, bit = seed & 511; k < BITS_PER_LOOKUP; k++, bit = (bit + step) & 511) {
    if ((bits[base + (bit >>> 5)]! & (1 << (bit & 31))) === 0) return false;
  }
  return true;
}

function addToFilter(bits: Int32Array, block: number, seed: number): void {
  const base = (block % (bits.length / BLOCK_WORDS)) * BLOCK_WORDS;
  const step = (seed >>> 9) | 1;
  for (let k = 0, bit = seed & 511; k < BITS_PER_LOOKUP; k++, bit = (bit + step) & 511) bits[base + (bit >>> 5)]! |= 1 << (bit & 31);
}

/** Counts one document's distinct line keys: a key seen before gets (another) count; a key not yet in `counts` is in its second document. */
export function tallyKeys(counts: HashTable, sightings: Sightings, keys: readonly number[]): void {
  for (const key of keys) {
    if (key === 0 || !sightings.see(key)) continue;
    const n = countOf(counts, key);
    counts.set(high(key), low(key), n === 0 ? 2 : n + 1);
  }
}
