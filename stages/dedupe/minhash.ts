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

import { fmix32, fmix32i } from '../../pipeline/hashing.js';
import { hashRange, ROLL_BASE, rollOut, SHINGLE_SEED } from './hash.js';
import { int32Scratch, uint8Scratch } from './scratch.js';

export interface MinHashParams {
  /** Characters per shingle. */
  shingle: number;
  /** Signature length (bins). */
  permutations: number;
}

/**
 * A signature: `permutations` 32-bit minima, each as the int32 of its bits (what the index
 * reads of them, the low bits and XOR, is the same). Null for a text with no characters.
 * A plain array: a typed array this size is allocated outside the JavaScript heap,
 * and that cost more per document than computing it (the allocation waits for the
 * garbage collector's sweeping of earlier buffers). Int32, not the unsigned value: half
 * the unsigned values are above the small integers V8 stores in place, and each became an
 * object of its own, for the garbage collector and for the copy to the main thread.
 */
export function signature(codes: Int32Array, p: MinHashParams): number[] | null {
  const n = codes.length;
  if (n === 0) return null;
  const P = p.permutations;
  const k = p.shingle;
  // The minima as int32 with the sign bit flipped, which orders them as the unsigned values do:
  // the loop stays in integer arithmetic (a Uint32Array gives values from 2^31 up as doubles).
  // A bin is filled when its minimum is below EMPTY, or when it was offered EMPTY itself.
  const minima = minimaScratch.take(P).fill(EMPTY, 0, P);
  const filled = filledScratch.take(P).fill(0, 0, P);
  // The bin is the top bits of the shingle hash; for P a power of two, a shift gives the same.
  const shift = P >= 2 && (P & (P - 1)) === 0 ? 32 - Math.log2(P) : -1;
  if (n < k) offer(hashRange(codes, 0, n, SHINGLE_SEED) | 0, minima, filled, P, shift);
  else if (shift >= 0) offerShingles(codes, k, minima, filled, shift);
  else {
    // The shingle hashes of shingleHashes, rolled here rather than stored (as in offerShingles).
    const leaving = rollOut(k);
    let h = 0;
    for (let i = 0; i < k; i++) h = (Math.imul(h, ROLL_BASE) + codes[i]!) | 0;
    offer(fmix32i(h ^ SHINGLE_SEED), minima, filled, P, shift);
    for (let i = k; i < n; i++) {
      h = (Math.imul(h, ROLL_BASE) + (codes[i]! - Math.imul(codes[i - k]!, leaving))) | 0;
      offer(fmix32i(h ^ SHINGLE_SEED), minima, filled, P, shift);
    }
  }
  for (let i = 0; i < P; i++) if (minima[i] !== EMPTY) filled[i] = 1;
  densify(minima, filled, P);
  const sig = new Array<number>(P);
  for (let i = 0; i < P; i++) sig[i] = minima[i]! ^ 0x80000000;
  return sig;
}

const minimaScratch = int32Scratch();
const filledScratch = uint8Scratch();

/**
 * offer() for every shingle of `codes` (at least `k` long) when P is a power
 * of two (the bin a shift): the signature's hot loop on its own, integers only
 * and its constants in registers (an imported binding is read from its module
 * at every use). 10% faster than the general loop.
 */
function offerShingles(codes: Int32Array, k: number, minima: Int32Array, filled: Uint8Array, shift: number): void {
  const base = ROLL_BASE;
  const seed = SHINGLE_SEED;
  const leaving = rollOut(k);
  let h = 0;
  for (let i = 0; i < k; i++) h = (Math.imul(h, base) + codes[i]!) | 0;
  for (let i = k; ; i++) {
    const shingle = fmix32i(h ^ seed);
    const bin = shingle >>> shift;
    const v = fmix32i(shingle ^ 0x9e3779b9) ^ 0x80000000;
    if (v < minima[bin]!) minima[bin] = v;
    else if (v === EMPTY) filled[bin] = 1;
    if (i === codes.length) break;
    h = (Math.imul(h, base) + (codes[i]! - Math.imul(codes[i - k]!, leaving))) | 0;
  }
}

/** An empty bin's minimum: 0xffffffff, sign-flipped. */
const EMPTY = 0x7fffffff;

/** One shingle, its 32-bit hash as int32 bits: its bin keeps the smaller value. */
function offer(shingle: number, minima: Int32Array, filled: Uint8Array, P: number, shift: number): void {
  // Bin from the high bits, value from an independent remix: the two are uncorrelated.
  const bin = shift >= 0 ? shingle >>> shift : Math.floor(((shingle >>> 0) / 0x100000000) * P);
  const v = fmix32i(shingle ^ 0x9e3779b9) ^ 0x80000000;
  if (v < minima[bin]!) minima[bin] = v;
  else if (v === EMPTY) filled[bin] = 1; // the one value that does not show in the minimum
}

/** Fills each empty bin of `sig[0, P)` from the first filled bin on its own fixed probe sequence. */
function densify(sig: Int32Array, filled: Uint8Array, P: number): void {
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

/**
 * The lowest 8 bits of each value, written to `out` from `at`: b-bit minwise hashing (Li &
 * König 2010), a quarter of the memory of 32-bit values. The lowest bits, because a
 * minimum's highest bits are mostly 0 in a bin of many shingles; its lowest are uniform,
 * so two different minima agree in them by chance 1 time in 256, which `similarity`
 * takes out.
 */
export function compactInto(sig: ArrayLike<number>, out: Uint8Array, at: number): void {
  for (let i = 0; i < sig.length; i++) out[at + i] = sig[i]! & COMPACT_MASK;
}

/** The bits of a value that `compactInto` keeps (a Uint8Array holds them). */
const COMPACT_BITS = 8;
const COMPACT_MASK = (1 << COMPACT_BITS) - 1;
/** Chance that two different minima agree in those bits. */
const CHANCE = 1 / (1 << COMPACT_BITS);

/**
 * Estimated Jaccard similarity of two compact signatures: positions agree where the minima
 * are one (probability J) or agree by chance (1/256 of the rest), so J = (share − 1/256) /
 * (1 − 1/256), and 0 when fewer agree than chance alone gives.
 */
export function similarity(a: ArrayLike<number>, aOffset: number, b: ArrayLike<number>, bOffset: number, length: number): number {
  let same = 0;
  for (let i = 0; i < length; i++) if (a[aOffset + i] === b[bOffset + i]) same++;
  return Math.max(0, (same / length - CHANCE) / (1 - CHANCE));
}
