// MinHash signatures for near-duplicate documents, by one-permutation hashing
// with optimal densification (Li, Owen & Zhang 2012; Shrivastava 2017).
//
// Classic MinHash hashes every shingle once per permutation: 128 permutations
// cost 128 hash evaluations per character. One-permutation hashing hashes each
// shingle once, sends it to one of P bins by its top bits, and keeps the
// minimum per bin; bins left empty (short texts) borrow the value of a bin
// chosen by a fixed pseudo-random probe sequence, the same for every document.
// Two signatures then agree in each position with probability equal to the
// Jaccard similarity of the shingle sets, as with P separate permutations,
// at the cost of one hash per character.

import { fmix32, shingleHashes } from './hash.js';

export interface MinHashParams {
  /** Characters per shingle. */
  shingle: number;
  /** Signature length (bins). */
  permutations: number;
}

/** A signature: `permutations` 32-bit minima. Null for a text with no characters. */
export function signature(codes: ArrayLike<number>, p: MinHashParams): Uint32Array | null {
  const shingles = shingleHashes(codes, p.shingle);
  if (shingles.length === 0) return null;
  const P = p.permutations;
  const sig = new Uint32Array(P).fill(0xffffffff);
  const filled = new Uint8Array(P);
  for (let i = 0; i < shingles.length; i++) {
    const h = shingles[i]!;
    // Bin from the high bits, value from an independent remix: the two are uncorrelated.
    const bin = Math.floor((h / 0x100000000) * P);
    const v = fmix32(h ^ 0x9e3779b9);
    if (!filled[bin] || v < sig[bin]!) {
      sig[bin] = v;
      filled[bin] = 1;
    }
  }
  densify(sig, filled);
  return sig;
}

/** Fills each empty bin from the first filled bin on its own fixed probe sequence. */
function densify(sig: Uint32Array, filled: Uint8Array): void {
  const P = sig.length;
  let empty = 0;
  for (let i = 0; i < P; i++) if (!filled[i]) empty++;
  if (empty === 0) return;
  for (let i = 0; i < P; i++) {
    if (filled[i]) continue;
    let attempt = 1;
    for (; attempt <= 64 * P; attempt++) {
      const j = Math.floor((fmix32(Math.imul(i + 1, 0x9e3779b1) ^ Math.imul(attempt, 0x85ebca77)) / 0x100000000) * P);
      if (filled[j]) {
        sig[i] = sig[j]!;
        break;
      }
    }
    // Unreachable in practice (some bin is filled); a deterministic fallback keeps it total.
    if (attempt > 64 * P) for (let j = 0; j < P; j++) if (filled[j]) { sig[i] = sig[j]!; break; }
  }
}

/** The top 16 bits of each value: enough to estimate similarity (chance agreement 1/65536), half the memory. */
export function compact(sig: Uint32Array): Uint16Array {
  const out = new Uint16Array(sig.length);
  for (let i = 0; i < sig.length; i++) out[i] = sig[i]! >>> 16;
  return out;
}

/** Estimated Jaccard similarity: the share of positions where two compact signatures agree. */
export function similarity(a: ArrayLike<number>, aOffset: number, b: ArrayLike<number>, bOffset: number, length: number): number {
  let same = 0;
  for (let i = 0; i < length; i++) if (a[aOffset + i] === b[bOffset + i]) same++;
  return same / length;
}
