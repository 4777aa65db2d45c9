// The corpus index for document dedup: every kept document's 64-bit content
// hash, its MinHash signature, and its LSH band keys. Behind an interface so
// that a shared store (a database, a service) can replace the in-memory one
// when the work is spread over machines: `admit` is one check-and-insert, the
// unit a shared store would make atomic.
//
// Memory (in-memory index, defaults: 128 permutations, 32 bands):
// - signature: 128 × 16 bits = 256 bytes;
// - exact hash: one slot of a 64-bit open-addressing table (3 × 4 bytes at ≤ 0.7 load) ≈ 17 bytes;
// - LSH: 32 band keys, each a slot (≈ 17 bytes) plus a chain entry (8 bytes) ≈ 800 bytes;
// - the id string.
// About 1.1 KB per document: a million documents in about 1.1 GB. Only kept
// documents are added; duplicates cost nothing after their check.

import { fmix32 } from './hash.js';
import { compactInto, similarity } from './minhash.js';
import { round3 } from '../../pipeline/text.js';

export interface Fingerprint {
  /** 64-bit hash of the folded text, as [high, low]. */
  exact: [number, number];
  /** MinHash signature (32-bit values), null when the text has no characters to compare. */
  signature: Uint32Array | null;
}

export interface DuplicateMatch {
  /** Id of the earlier, kept document. */
  id: string;
  /** 1 for an exact duplicate; the estimated Jaccard similarity otherwise. */
  similarity: number;
  exact: boolean;
}

export interface DedupIndexParams {
  permutations: number;
  bands: number;
  rows: number;
  /** Estimated Jaccard similarity at or above which a document is a near-duplicate. */
  threshold: number;
  /** False: exact duplicates only. */
  near: boolean;
}

export interface DedupIndex {
  /** The earlier document `fp` duplicates, or null after adding `fp` as a kept document. */
  admit(id: string, fp: Fingerprint): DuplicateMatch | null;
  /** Kept documents in the index. */
  readonly size: number;
}

/** Growable Int32Array. */
class IntList {
  data = new Int32Array(1024);
  length = 0;
  push(v: number): number {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length] = v;
    return this.length++;
  }
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
    let i = fmix32(lo ^ Math.imul(hi, 0x9e3779b1)) & this.mask;
    while (t[i * 3 + 2] !== 0 && (t[i * 3] !== hi || t[i * 3 + 1] !== lo)) i = (i + 1) & this.mask;
    return i;
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

  /** Bytes held by the arrays. */
  get bytes(): number {
    return this.slots.length * 4;
  }
}

export class MemoryDedupIndex implements DedupIndex {
  private readonly ids: string[] = [];
  private readonly exact = new Hash64Table();
  private readonly bands = new Hash64Table();
  /** Band chains: entry → document, entry → next entry (+1; 0 ends). */
  private readonly entryDoc = new IntList();
  private readonly entryNext = new IntList();
  private signatures = new Uint16Array(0);
  private stamp = 0;
  private stamps = new Int32Array(0);
  /** The band keys of the document being admitted. */
  private readonly keys: Int32Array;

  constructor(readonly params: DedupIndexParams) {
    if (params.bands * params.rows > params.permutations) {
      throw new Error(`bands × rows (${params.bands} × ${params.rows}) exceeds the ${params.permutations} permutations`);
    }
    this.keys = new Int32Array(2 * params.bands);
  }

  get size(): number {
    return this.ids.length;
  }

  admit(id: string, fp: Fingerprint): DuplicateMatch | null {
    const earlier = this.exact.get(fp.exact[0], fp.exact[1]);
    if (earlier !== 0) return { id: this.ids[earlier - 1]!, similarity: 1, exact: true };

    const doc = this.ids.length;
    const sig = this.params.near ? fp.signature : null;
    if (sig) {
      // The 16-bit signature goes where it is kept if the document is, and is compared from there.
      this.reserve(doc);
      compactInto(sig, this.signatures, doc * this.params.permutations);
      bandKeys(sig, this.params.bands, this.params.rows, this.keys);
      const near = this.nearest(doc);
      if (near) return near;
    }

    this.ids.push(id);
    this.exact.set(fp.exact[0], fp.exact[1], doc + 1);
    if (sig) this.addBands(doc);
    return null;
  }

  /** The most similar kept document sharing a band (`keys`) with document `doc`, if similar enough. */
  private nearest(doc: number): DuplicateMatch | null {
    const { bands, permutations: P, threshold } = this.params;
    if (this.stamps.length < this.ids.length) {
      const next = new Int32Array(Math.max(1024, this.ids.length * 2));
      next.set(this.stamps);
      this.stamps = next;
    }
    const stamp = ++this.stamp;
    let best = -1;
    let bestSim = -1;
    for (let b = 0; b < bands; b++) {
      for (let e = this.bands.get(this.keys[2 * b]!, this.keys[2 * b + 1]!); e !== 0; e = this.entryNext.data[e - 1]!) {
        const other = this.entryDoc.data[e - 1]!;
        if (this.stamps[other] === stamp) continue; // already compared through another band
        this.stamps[other] = stamp;
        const s = similarity(this.signatures, doc * P, this.signatures, other * P, P);
        if (s > bestSim || (s === bestSim && other < best)) {
          best = other;
          bestSim = s;
        }
      }
    }
    return best >= 0 && bestSim >= threshold ? { id: this.ids[best]!, similarity: round3(bestSim), exact: false } : null;
  }

  /** Room for the signature of document `doc`. */
  private reserve(doc: number): void {
    const P = this.params.permutations;
    if (this.signatures.length < (doc + 1) * P) {
      const next = new Uint16Array(Math.max(1024 * P, this.signatures.length * 2, (doc + 1) * P));
      next.set(this.signatures);
      this.signatures = next;
    }
  }

  /**
   * Files kept document `doc` under its band keys (`keys`). Documents without a signature
   * (exact mode) take no space here: no band points at their slot, so it is never read.
   */
  private addBands(doc: number): void {
    for (let b = 0; b < this.params.bands; b++) {
      const head = this.bands.swap(this.keys[2 * b]!, this.keys[2 * b + 1]!, this.entryDoc.length + 1);
      this.entryDoc.push(doc);
      this.entryNext.push(head);
    }
  }

  /** Bytes held by the index's arrays (not the id strings). */
  get bytes(): number {
    return (
      this.exact.bytes + this.bands.bytes + this.entryDoc.data.length * 8 + this.signatures.length * 2 + this.stamps.length * 4
    );
  }
}

/** The 64-bit key of every band, as high and low halves in `keys`: its rows' values hashed with the band number. */
function bandKeys(sig: Uint32Array, bands: number, rows: number, keys: Int32Array): void {
  for (let b = 0; b < bands; b++) {
    let h1 = 0x3c6ef372 ^ b;
    let h2 = 0xa54ff53a ^ Math.imul(b, 0x9e3779b1);
    for (let r = b * rows; r < (b + 1) * rows; r++) {
      const v = sig[r]!;
      h1 = fmix32(h1 ^ v) + 0x6b43a9b5;
      h2 = fmix32((h2 + v) ^ 0x27d4eb2f);
    }
    keys[2 * b] = fmix32(h1);
    keys[2 * b + 1] = fmix32(h2);
  }
}
