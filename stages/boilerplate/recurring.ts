// How many documents of the corpus each line was seen in, for the boilerplate stage's
// recurring-line rule, in memory that grows with the lines that recur, not with all lines.
//
// A crawl's lines are mostly body text that occurs once; the furniture that recurs (menus,
// footers, bylines) is a small part. A Map of every distinct line's count took about 50
// bytes a line, and V8's Map holds at most 2^24 entries: a crawl of some 600,000 pages
// (16.7 million distinct lines) ended the scan pass with "Map maximum size exceeded".
//
// So a line's first sighting goes into a Bloom filter (3 bytes a line, no count), and only a
// line seen again gets a count, in an open-addressing table of typed arrays. A filter may
// answer "seen" for a line it has not seen: that line's count then starts one too high,
// which matters only for a line one document short of the rule's threshold and not prose.
// Measured on random keys: 0.03% of the first 65,536 distinct lines, 0.12% of 1 million,
// 0.25% of 16 million (test/boilerplate-recurring.test.ts keeps it under 0.2% at 1 million).

/**
 * Counts of the line keys seen in two documents or more. Plain data (typed arrays and
 * numbers): the scan pass's context crosses to worker threads by structured clone, which
 * keeps fields, not classes.
 */
export interface RecurringCounts {
  /** Per slot: the key (0: empty slot; no line has key 0). */
  keys: Float64Array;
  /** Per slot: documents the key was seen in. */
  counts: Uint32Array;
  size: number;
}

export function emptyCounts(): RecurringCounts {
  return { keys: new Float64Array(1024), counts: new Uint32Array(1024), size: 0 };
}

/** Documents a line key was seen in; 0 for a key seen in one document or none. */
export function countOf(table: RecurringCounts, key: number): number {
  const { keys } = table;
  const mask = keys.length - 1;
  for (let i = home(key, mask); ; i = (i + 1) & mask) {
    if (keys[i] === key) return table.counts[i]!;
    if (keys[i] === 0) return 0;
  }
}

/** Adds one document to a key's count; a key not in the table is in its second document. */
function countAgain(table: RecurringCounts, key: number): void {
  const { keys } = table;
  const mask = keys.length - 1;
  let i = home(key, mask);
  while (keys[i] !== 0 && keys[i] !== key) i = (i + 1) & mask;
  if (keys[i] === key) {
    table.counts[i]!++;
    return;
  }
  keys[i] = key;
  table.counts[i] = 2;
  if (++table.size > keys.length * 0.5) grow(table);
}

function grow(table: RecurringCounts): void {
  const { keys, counts } = table;
  const size = keys.length * 2;
  const mask = size - 1;
  table.keys = new Float64Array(size);
  table.counts = new Uint32Array(size);
  for (let s = 0; s < keys.length; s++) {
    const key = keys[s]!;
    if (key === 0) continue;
    let i = home(key, mask);
    while (table.keys[i] !== 0) i = (i + 1) & mask;
    table.keys[i] = key;
    table.counts[i] = counts[s]!;
  }
}

/** A key's 32 high bits and 21 low bits mixed into a slot (keys are 53-bit hashes). */
function home(key: number, mask: number): number {
  return mix(Math.floor(key / 0x200000), key % 0x200000) & mask;
}

function mix(hi: number, lo: number): number {
  let h = Math.imul(hi ^ Math.imul(lo, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
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
    const hi = Math.floor(key / 0x200000);
    const lo = key % 0x200000;
    const block = mix(hi, lo);
    // Bit positions within a block from a second, independent mix.
    const bitsSeed = mix(lo ^ 0x5bd1e995, hi);
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

/** Counts one document's distinct line keys: a key seen before gets (another) count. */
export function tallyKeys(table: RecurringCounts, sightings: Sightings, keys: readonly number[]): void {
  for (const key of keys) if (key !== 0 && sightings.see(key)) countAgain(table, key);
}
