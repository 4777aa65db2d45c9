// Hashing shared by the stages and the runner: MurmurHash3's 32-bit finaliser, and an
// open-addressing table keyed by 64-bit hashes (as two int32 halves, never as strings)
// or, where a false match is checked anyway, by 32-bit ones.

/** MurmurHash3's finaliser: spreads every input bit over the output. */
export function fmix32(h: number): number {
  return fmix32i(h) >>> 0;
}

/** fmix32 as int32 bits, for loops that stay in integer arithmetic. */
export function fmix32i(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** A 64-bit key (two int32 halves) mixed into 32 bits: where a table's probe starts, a filter's block. */
export function mixKey(hi: number, lo: number): number {
  return fmix32(lo ^ Math.imul(hi, 0x9e3779b1));
}

/**
 * Open addressing from a hashed key to an int32 value (0 = absent). A slot's key and
 * value sit together in one array: a lookup in a table of millions of keys is one cache
 * miss, not three.
 *
 * Keys are 64 bits, as two int32 halves `hi` and `lo` (12-byte slots), or 32 bits, `hi`
 * alone with `lo` 0 (8-byte slots), where a false match costs only a check that follows
 * anyway: the dedup index's LSH band keys, whose documents are compared by signature
 * before they count (32 band keys per kept document made 64-bit keys most of the index's
 * memory).
 */
export class HashTable {
  /** Int32s per slot: the key's (hi, lo or hi alone), then the value. */
  private readonly stride: number;
  private slots: Int32Array;
  private mask = 1023;
  size = 0;

  constructor(keyBits: 32 | 64 = 64) {
    this.stride = keyBits === 64 ? 3 : 2;
    this.slots = new Int32Array(1024 * this.stride);
  }

  /** The slot's first int of a key: where it is, or the empty slot where it would go. */
  private slot(hi: number, lo: number): number {
    const t = this.slots;
    const s = this.stride;
    let i = this.home(hi, lo);
    while (t[i * s + s - 1] !== 0 && (t[i * s] !== hi || (s === 3 && t[i * s + 1] !== lo))) i = (i + 1) & this.mask;
    return i * s;
  }

  /** A key's low half as the table keys it: none with 32-bit keys (a `lo` given is left out, not hashed). */
  private low(lo: number): number {
    return this.stride === 3 ? lo | 0 : 0;
  }

  /** Where the probe for a key starts. */
  private home(hi: number, lo: number): number {
    return mixKey(hi, lo) & this.mask;
  }

  /**
   * Reads where the probes for `count` keys start (in `keys`, as the table takes them: halves
   * in pairs, or one int each), all before any is needed, so that their cache misses
   * overlap. False when none of those slots is taken: then no key is in the table.
   */
  warm(keys: Int32Array, count: number): boolean {
    const s = this.stride;
    const w = s - 1;
    let taken = 0;
    for (let k = 0; k < count; k++) taken |= this.slots[this.home(keys[k * w]!, w === 2 ? keys[k * w + 1]! : 0) * s + w]!;
    return taken !== 0;
  }

  get(hi: number, lo = 0): number {
    return this.slots[this.slot(hi | 0, this.low(lo)) + this.stride - 1]!;
  }

  /** Sets the value for a key; `value` must not be 0. */
  set(hi: number, lo: number, value: number): void {
    this.swap(hi, lo, value);
  }

  /** Sets the value for a key (`value` not 0) and returns the one it had (0: none). */
  swap(hi: number, lo: number, value: number): number {
    hi |= 0;
    lo = this.low(lo);
    const b = this.slot(hi, lo);
    const v = b + this.stride - 1;
    const t = this.slots;
    const before = t[v]!;
    if (before === 0) {
      this.size++;
      t[b] = hi;
      if (this.stride === 3) t[b + 1] = lo;
    }
    t[v] = value;
    if (this.size > this.mask * 0.7) this.grow();
    return before;
  }

  private grow(): void {
    const old = this.slots;
    const s = this.stride;
    this.mask = (this.mask + 1) * 2 - 1;
    this.slots = new Int32Array((this.mask + 1) * s);
    for (let b = 0; b < old.length; b += s) {
      if (old[b + s - 1] === 0) continue;
      const lo = s === 3 ? old[b + 1]! : 0;
      const j = this.slot(old[b]!, lo);
      for (let k = 0; k < s; k++) this.slots[j + k] = old[b + k]!;
    }
  }

  /**
   * The table again after a structured clone (how a worker thread receives the corpus
   * context), which keeps an object's fields but not its class.
   */
  static revive(table: HashTable): HashTable {
    if (!(table instanceof HashTable)) Object.setPrototypeOf(table, HashTable.prototype);
    return table;
  }

  /** Bytes held by the arrays. */
  get bytes(): number {
    return this.slots.length * 4;
  }
}
