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
import { compact, similarity } from './minhash.js';
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

/** Open addressing from a 64-bit key to an int32 value (0 = absent). */
export class Hash64Table {
  private hi = new Uint32Array(1024);
  private lo = new Uint32Array(1024);
  private val = new Int32Array(1024);
  private mask = 1023;
  size = 0;

  private slot(hi: number, lo: number): number {
    let i = fmix32(lo ^ Math.imul(hi, 0x9e3779b1)) & this.mask;
    while (this.val[i] !== 0 && (this.hi[i] !== hi || this.lo[i] !== lo)) i = (i + 1) & this.mask;
    return i;
  }

  get(hi: number, lo: number): number {
    return this.val[this.slot(hi >>> 0, lo >>> 0)]!;
  }

  /** Sets the value for a key; `value` must not be 0. */
  set(hi: number, lo: number, value: number): void {
    hi >>>= 0;
    lo >>>= 0;
    const i = this.slot(hi, lo);
    if (this.val[i] === 0) {
      this.size++;
      this.hi[i] = hi;
      this.lo[i] = lo;
    }
    this.val[i] = value;
    if (this.size > this.mask * 0.7) this.grow();
  }

  private grow(): void {
    const { hi, lo, val } = this;
    const n = (this.mask + 1) * 2;
    this.hi = new Uint32Array(n);
    this.lo = new Uint32Array(n);
    this.val = new Int32Array(n);
    this.mask = n - 1;
    for (let i = 0; i < val.length; i++) {
      if (val[i] === 0) continue;
      const j = this.slot(hi[i]!, lo[i]!);
      this.hi[j] = hi[i]!;
      this.lo[j] = lo[i]!;
      this.val[j] = val[i]!;
    }
  }

  /** Bytes held by the arrays. */
  get bytes(): number {
    return this.val.length * 12;
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

  constructor(readonly params: DedupIndexParams) {
    if (params.bands * params.rows > params.permutations) {
      throw new Error(`bands × rows (${params.bands} × ${params.rows}) exceeds the ${params.permutations} permutations`);
    }
  }

  get size(): number {
    return this.ids.length;
  }

  admit(id: string, fp: Fingerprint): DuplicateMatch | null {
    const earlier = this.exact.get(fp.exact[0], fp.exact[1]);
    if (earlier !== 0) return { id: this.ids[earlier - 1]!, similarity: 1, exact: true };

    // The 16-bit signature, compared against the kept ones and then kept itself.
    const small = this.params.near && fp.signature ? compact(fp.signature) : null;
    const near = small ? this.nearest(fp.signature!, small) : null;
    if (near) return near;

    const doc = this.ids.length;
    this.ids.push(id);
    this.exact.set(fp.exact[0], fp.exact[1], doc + 1);
    if (small) this.addSignature(doc, fp.signature!, small);
    return null;
  }

  /** The most similar kept document sharing a band with `sig`, if similar enough. */
  private nearest(sig: Uint32Array, small: Uint16Array): DuplicateMatch | null {
    const { bands, rows, permutations: P, threshold } = this.params;
    if (this.stamps.length < this.ids.length) {
      const next = new Int32Array(Math.max(1024, this.ids.length * 2));
      next.set(this.stamps);
      this.stamps = next;
    }
    const stamp = ++this.stamp;
    let best = -1;
    let bestSim = -1;
    for (let b = 0; b < bands; b++) {
      const [hi, lo] = bandKey(sig, b, rows);
      for (let e = this.bands.get(hi, lo); e !== 0; e = this.entryNext.data[e - 1]!) {
        const doc = this.entryDoc.data[e - 1]!;
        if (this.stamps[doc] === stamp) continue; // already compared through another band
        this.stamps[doc] = stamp;
        const s = similarity(small, 0, this.signatures, doc * P, P);
        if (s > bestSim || (s === bestSim && doc < best)) {
          best = doc;
          bestSim = s;
        }
      }
    }
    return best >= 0 && bestSim >= threshold ? { id: this.ids[best]!, similarity: round3(bestSim), exact: false } : null;
  }

  /**
   * Keeps a document's signature and band keys. Documents without one (exact mode) take no
   * space here: no band points at their slot, so it is never read.
   */
  private addSignature(doc: number, sig: Uint32Array, small: Uint16Array): void {
    const { bands, rows, permutations: P } = this.params;
    if (this.signatures.length < (doc + 1) * P) {
      const next = new Uint16Array(Math.max(1024 * P, this.signatures.length * 2, (doc + 1) * P));
      next.set(this.signatures);
      this.signatures = next;
    }
    this.signatures.set(small, doc * P);
    for (let b = 0; b < bands; b++) {
      const [hi, lo] = bandKey(sig, b, rows);
      const head = this.bands.get(hi, lo);
      const e = this.entryDoc.push(doc);
      this.entryNext.push(head);
      this.bands.set(hi, lo, e + 1);
    }
  }

  /** Bytes held by the index's arrays (not the id strings). */
  get bytes(): number {
    return (
      this.exact.bytes + this.bands.bytes + this.entryDoc.data.length * 8 + this.signatures.length * 2 + this.stamps.length * 4
    );
  }
}

/** 64-bit key of band `b`: its rows' values hashed with the band number. */
function bandKey(sig: Uint32Array, b: number, rows: number): [number, number] {
  let h1 = 0x3c6ef372 ^ b;
  let h2 = 0xa54ff53a ^ Math.imul(b, 0x9e3779b1);
  for (let r = b * rows; r < (b + 1) * rows; r++) {
    const v = sig[r]!;
    h1 = fmix32(h1 ^ v) + 0x6b43a9b5;
    h2 = fmix32((h2 + v) ^ 0x27d4eb2f);
  }
  return [fmix32(h1), fmix32(h2)];
}

