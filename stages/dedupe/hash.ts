// 32-bit hashing on code points, with Math.imul so it stays in integer
// arithmetic. Two independent 32-bit hashes make the 64-bit keys the corpus
// index stores (as two numbers in typed arrays, never as strings).

import { fmix32 } from '../../pipeline/hashing.js';

/** Murmur3-style mixing of one 32-bit value into a running hash. */
function mix(h: number, k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/** 32-bit hash of `codes[start, end)`, seeded. */
export function hashRange(codes: ArrayLike<number>, start: number, end: number, seed: number): number {
  let h = seed | 0;
  for (let i = start; i < end; i++) h = mix(h, codes[i]!);
  return fmix32(h ^ (end - start));
}

/** 64-bit hash of a whole code sequence, as [high, low] 32-bit halves: hashRange with two seeds, in one pass. */
export function hash64(codes: ArrayLike<number>): [number, number] {
  let high = 0x2f6b1d3a;
  let low = 0x7e3c9a15;
  for (let i = 0; i < codes.length; i++) {
    high = mix(high, codes[i]!);
    low = mix(low, codes[i]!);
  }
  return [fmix32(high ^ codes.length), fmix32(low ^ codes.length)];
}

/** The seed of window and shingle hashes. */
export const SHINGLE_SEED = 0x5bd1e995;

/**
 * Hashes of every `k`-character window (shingle) of `codes`. A text shorter
 * than `k` but not empty is one shingle, so short documents still compare.
 * A polynomial rolling hash (one multiply per character, whatever `k` is),
 * finalised with fmix32 so that every bit of the result depends on the window.
 */
export function shingleHashes(codes: ArrayLike<number>, k: number, seed = SHINGLE_SEED): Uint32Array {
  const n = codes.length;
  if (n === 0) return new Uint32Array(0);
  if (n < k) return Uint32Array.of(hashRange(codes, 0, n, seed));
  const out = new Uint32Array(n - k + 1);
  windowHashes(codes, 0, n, k, out, 0, seed);
  return out;
}

/**
 * Writes the hashes of the `k`-windows of `codes[from, to)` to `out` from
 * `at`; returns how many (0 when the range is shorter than `k`).
 */
export function windowHashes(
  codes: ArrayLike<number>,
  from: number,
  to: number,
  k: number,
  out: Uint32Array,
  at: number,
  seed = SHINGLE_SEED,
): number {
  if (to - from < k) return 0;
  const leaving = rollOut(k);
  let h = 0;
  for (let i = from; i < from + k; i++) h = (Math.imul(h, ROLL_BASE) + codes[i]!) | 0;
  out[at] = fmix32(h ^ seed);
  for (let i = from + k; i < to; i++) {
    h = (Math.imul(h, ROLL_BASE) + (codes[i]! - Math.imul(codes[i - k]!, leaving))) | 0;
    out[at + i - from - k + 1] = fmix32(h ^ seed);
  }
  return to - from - k + 1;
}

/** The base of the rolling window hash: odd, so multiplication by it is invertible mod 2^32. */
export const ROLL_BASE = 0x01000193;

/**
 * ROLL_BASE^k mod 2^32: what the character leaving a `k`-window weighs once the
 * hash is shifted. Rolling as h·B + (in − out·B^k) rather than (h − out·B^(k−1))·B + in
 * gives the same value with one multiply, not two, between one window's hash and the next.
 */
export function rollOut(k: number): number {
  let weight = 1;
  for (let i = 0; i < k; i++) weight = Math.imul(weight, ROLL_BASE);
  return weight;
}
