// The corpus index for document dedup: every kept document's 64-bit content
// hash, its MinHash signature, and its LSH band keys. Behind an interface so
// that a shared store (a database, a service) can replace the in-memory one
// when the work is spread over machines: `admit` is one check-and-insert, the
// unit a shared store would make atomic.
//
// Memory (in-memory index, defaults: 256 permutations, 32 bands):
// - signature: 256 × 8 bits = 256 bytes;
// - exact hash: one slot of an open-addressing table of 64-bit keys (3 × 4 bytes at ≤ 0.7 load) ≈ 17 bytes;
// - LSH: 32 band keys of 32 bits, each a slot of a table of 32-bit keys (2 × 4 bytes at ≤ 0.7
//   load ≈ 11 bytes; a chain entry of 8 bytes more only for a key several documents
//   share) ≈ 370 bytes;
// - the id string; and the tables' free room after each doubling.
// Measured 1,009 bytes per document at 200,000 and 867 at a million
// (test/eval/dedup-memory.mjs): a million documents in under 1 GiB. Only kept documents
// are added; duplicates cost nothing after their check.

import { fmix32, HashTable } from '../../pipeline/hashing.js';
import { compactInto, similarity } from './minhash.js';
import { round3 } from '../../pipeline/text.js';

export interface Fingerprint {
  /** 64-bit hash of the folded text, as [high, low]. */
  exact: [number, number];
  /** MinHash signature (32-bit values, as int32), null when the text has no characters to compare. */
  signature: ArrayLike<number> | null;
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

/**
 * An array that grows a chunk at a time: nothing is copied when it grows, and
 * each page of memory is touched once (a fresh page costs more than the work
 * done in it; doubling and copying touched twice the final memory).
 */
class Chunked<T extends Int32Array | Uint8Array> {
  private readonly chunks: T[] = [];

  /** Chunks of 2^`shift` units of `unit` elements each. */
  constructor(
    private readonly make: (n: number) => T,
    private readonly shift: number,
    private readonly unit: number,
  ) {}

  /** The chunk holding unit `i`; its elements start at `offset(i)`. */
  chunk(i: number): T {
    const c = i >>> this.shift;
    while (this.chunks.length <= c) this.chunks.push(this.make((1 << this.shift) * this.unit));
    return this.chunks[c]!;
  }

  offset(i: number): number {
    return (i & ((1 << this.shift) - 1)) * this.unit;
  }

  get bytes(): number {
    return this.chunks.reduce((n, c) => n + c.byteLength, 0);
  }
}

/** LSH takes `rows` values of the signature per band: the bands need that many permutations in all. */
export function bandsProblem(p: Pick<DedupIndexParams, 'bands' | 'rows' | 'permutations'>): string | undefined {
  return p.bands * p.rows > p.permutations ? `bands × rows (${p.bands} × ${p.rows}) exceeds the ${p.permutations} permutations` : undefined;
}

export class MemoryDedupIndex implements DedupIndex {
  private readonly ids: string[] = [];
  private readonly exact = new HashTable();
  private readonly bands = new HashTable(32);
  /** Band chains: per entry, its document and the next entry (+1; 0 ends). */
  private readonly entries = new Chunked((n) => new Int32Array(n), 15, 2);
  private entryCount = 0;
  /** The 8-bit signatures, a document after another. */
  private readonly signatures: Chunked<Uint8Array>;
  private stamp = 0;
  private stamps = new Int32Array(0);
  /** The band keys of the document being admitted. */
  private readonly keys: Int32Array;

  constructor(readonly params: DedupIndexParams) {
    const problem = bandsProblem(params);
    if (problem !== undefined) throw new Error(problem);
    this.keys = new Int32Array(params.bands);
    this.signatures = new Chunked((n) => new Uint8Array(n), 10, params.permutations);
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
      // The 8-bit signature goes where it is kept if the document is, and is compared from there.
      compactInto(sig, this.signatures.chunk(doc), this.signatures.offset(doc));
      bandKeys(sig, this.params.bands, this.params.rows, this.keys);
      const near = this.bands.warm(this.keys, this.params.bands) ? this.nearest(doc) : null;
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
    const mine = this.signatures.chunk(doc);
    const at = this.signatures.offset(doc);
    let best = -1;
    let bestSim = -1;
    for (let b = 0; b < bands; b++) {
      const v = this.bands.get(this.keys[b]!);
      // One document under the key: the value is that document (+1); several: a chain (see addBands).
      for (let e = v < 0 ? -v : 0, other = v > 0 ? v - 1 : -1; other >= 0 || e !== 0; other = -1) {
        if (other < 0) {
          const entry = this.entries.chunk(e - 1);
          const i = this.entries.offset(e - 1);
          other = entry[i]!;
          e = entry[i + 1]!;
        }
        if (this.stamps[other] === stamp) continue; // already compared through another band
        this.stamps[other] = stamp;
        const s = similarity(mine, at, this.signatures.chunk(other), this.signatures.offset(other), P);
        if (s > bestSim || (s === bestSim && other < best)) {
          best = other;
          bestSim = s;
        }
      }
    }
    return best >= 0 && bestSim >= threshold ? { id: this.ids[best]!, similarity: round3(bestSim), exact: false } : null;
  }

  /**
   * Files kept document `doc` under its band keys (`keys`). Documents without a signature
   * (exact mode) take no space here: no band points at their slot, so it is never read.
   *
   * A band key's value is the one document under it (+1), or, once a second document comes,
   * minus (+1) the head of a chain of entries (document, next entry + 1; 0 ends). Most keys
   * hold one document (distinct texts), and then need no entry: 8 bytes a band, 256 bytes a
   * document at the defaults, saved.
   */
  private addBands(doc: number): void {
    for (let b = 0; b < this.params.bands; b++) {
      const key = this.keys[b]!;
      const before = this.bands.swap(key, 0, doc + 1);
      if (before === 0) continue;
      // A second document under the key: the first moves into the chain, then this one.
      const next = before > 0 ? this.entry(before - 1, 0) : -before;
      this.bands.set(key, 0, -this.entry(doc, next));
    }
  }

  /** A new chain entry for a document, before entry `next` (+1; 0: none); returns it (+1). */
  private entry(doc: number, next: number): number {
    const e = this.entryCount++;
    const chunk = this.entries.chunk(e);
    const i = this.entries.offset(e);
    chunk[i] = doc;
    chunk[i + 1] = next;
    return e + 1;
  }

  /** Bytes held by the index's arrays (not the id strings). */
  get bytes(): number {
    return this.exact.bytes + this.bands.bytes + this.entries.bytes + this.signatures.bytes + this.stamps.length * 4;
  }
}

/**
 * The 32-bit key of every band, in `keys`: its rows' values hashed with the band number.
 * Two documents can share a key by chance, not only by sharing the band's rows: a lookup
 * finds a key of another band content with the chance keys held / 2^32 (1 in 134 at a
 * million documents, 32 million keys; a fifth of the documents then meet one in their 32
 * lookups). That costs comparing the signatures of the documents under it, which decide;
 * 64-bit keys cost half as much memory again for every key held.
 */
function bandKeys(sig: ArrayLike<number>, bands: number, rows: number, keys: Int32Array): void {
  for (let b = 0; b < bands; b++) {
    let h = 0x3c6ef372 ^ b;
    for (let r = b * rows; r < (b + 1) * rows; r++) h = fmix32(h ^ sig[r]!) + 0x6b43a9b5;
    keys[b] = fmix32(h);
  }
}
