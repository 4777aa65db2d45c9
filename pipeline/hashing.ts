// Hashing shared by the stages and the runner: MurmurHash3's 32-bit finaliser, and an
// open-addressing table keyed by 64-bit hashes (as two int32 halves, never as strings).

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

/**
 * Open addressing from a 64-bit key to an int32 value (0 = absent). A slot's
 * key halves and value sit together in one array: a lookup in a table of
 * millions of band keys is one cache miss, not three.
 */
export class Hash64Table {
  /** Per slot: high half, low half, value. */
  private slots = new Int32Array(1024 * 3);
  private mask = 1023;
  size = 0;

  /** The slot of a key (int32 halves): where it is, or the empty slot where it would go. */
  private slot(hi: number, lo: number): number {
    const t = this.slots;
    let i = this.home(hi, lo);
    while (t[i * 3 + 2] !== 0 && (t[i * 3] !== hi || t[i * 3 + 1] !== lo)) i = (i + 1) & this.mask;
    return i;
  }

  /** Where the probe for a key starts. */
  private home(hi: number, lo: number): number {
    return fmix32(lo ^ Math.imul(hi, 0x9e3779b1)) & this.mask;
  }

  /**
   * Reads where the probes for `count` keys (halves in pairs in `keys`) start,
   * all before any is needed, so that their cache misses overlap. False when
   * none of those slots is taken: then no key is in the table.
   */
  warm(keys: Int32Array, count: number): boolean {
    let taken = 0;
    for (let k = 0; k < count; k++) taken |= this.slots[this.home(keys[2 * k]!, keys[2 * k + 1]!) * 3 + 2]!;
    return taken !== 0;
  }

  get(hi: number, lo: number): number {
    return this.slots[this.slot(hi | 0, lo | 0) * 3 + 2]!;
  }

  /** Sets the value for a key; `value` must not be 0. */
  set(hi: number, lo: number, value: number): void {
    this.swap(hi, lo, value);
  }

  /** Sets the value for a key (`value` not 0) and returns the one it had (0: none). */
  swap(hi: number, lo: number, value: number): number {
    hi |= 0;
    lo |= 0;
    const b = this.slot(hi, lo) * 3;
    const t = this.slots;
    const before = t[b + 2]!;
    if (before === 0) {
      this.size++;
      t[b] = hi;
      t[b + 1] = lo;
    }
    t[b + 2] = value;
    if (this.size > this.mask * 0.7) this.grow();
    return before;
  }

  private grow(): void {
    const old = this.slots;
    this.mask = (this.mask + 1) * 2 - 1;
    this.slots = new Int32Array((this.mask + 1) * 3);
    for (let b = 0; b < old.length; b += 3) {
      if (old[b + 2] === 0) continue;
      const j = this.slot(old[b]!, old[b + 1]!) * 3;
      this.slots[j] = old[b]!;
      this.slots[j + 1] = old[b + 1]!;
      this.slots[j + 2] = old[b + 2]!;
    }
  }

  /**
   * The table again after a structured clone (how a worker thread receives the corpus
   * context), which keeps an object's fields but not its class.
   */
  static revive(table: Hash64Table): Hash64Table {
    if (!(table instanceof Hash64Table)) Object.setPrototypeOf(table, Hash64Table.prototype);
    return table;
  }

  /** Bytes held by the arrays. */
  get bytes(): number {
    return this.slots.length * 4;
  }
}
