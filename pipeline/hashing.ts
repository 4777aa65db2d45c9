// Hashing shared by the stages and the runner: MurmurHash3's 32-bit finaliser, and
// open-addressing tables keyed by 64-bit hashes (as two int32 halves, never as strings)
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

/**
 * Open addressing from a 32-bit key to an int32 value (0 = absent): Hash64Table with
 * 8-byte slots instead of 12, for keys where a false match costs only a check that
 * follows anyway. The dedup index's LSH band keys are such keys: a document found
 * under a band is compared by its signature before it counts, and 32 band keys per
 * kept document made the 64-bit table most of the index's memory.
 */
export class Hash32Table {
  /** Per slot: key, value. */
  private slots = new Int32Array(1024 * 2);
  private mask = 1023;
  size = 0;

  /** The slot of a key: where it is, or the empty slot where it would go. */
  private slot(key: number): number {
    const t = this.slots;
    let i = fmix32(key) & this.mask;
    while (t[i * 2 + 1] !== 0 && t[i * 2] !== key) i = (i + 1) & this.mask;
    return i;
  }

  /**
   * Reads where the probes for `count` keys in `keys` start, all before any is needed, so
   * that their cache misses overlap. False when none of those slots is taken: then no key
   * is in the table.
   */
  warm(keys: Int32Array, count: number): boolean {
    let taken = 0;
    for (let k = 0; k < count; k++) taken |= this.slots[(fmix32(keys[k]!) & this.mask) * 2 + 1]!;
    return taken !== 0;
  }

  get(key: number): number {
    return this.slots[this.slot(key | 0) * 2 + 1]!;
  }

  /** Sets the value for a key; `value` must not be 0. */
  set(key: number, value: number): void {
    this.swap(key, value);
  }

  /** Sets the value for a key (`value` not 0) and returns the one it had (0: none). */
  swap(key: number, value: number): number {
    key |= 0;
    const b = this.slot(key) * 2;
    const t = this.slots;
    const before = t[b + 1]!;
    if (before === 0) {
      this.size++;
      t[b] = key;
    }
    t[b + 1] = value;
    if (this.size > this.mask * 0.7) this.grow();
    return before;
  }

  private grow(): void {
    const old = this.slots;
    this.mask = (this.mask + 1) * 2 - 1;
    this.slots = new Int32Array((this.mask + 1) * 2);
    for (let b = 0; b < old.length; b += 2) {
      if (old[b + 1] === 0) continue;
      const j = this.slot(old[b]!) * 2;
      this.slots[j] = old[b]!;
      this.slots[j + 1] = old[b + 1]!;
    }
  }

  /** Bytes held by the arrays. */
  get bytes(): number {
    return this.slots.length * 4;
  }
}
