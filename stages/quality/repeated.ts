// Gopher's duplicate n-gram fraction, in characters: the share of a text's units
// (white space left out) covered by n-unit windows that occur more than once.
//
// A window is its 32-bit polynomial hash: two windows with the same hash
// count as the same sequence (as they always have here). Linear time, no string
// per window, every buffer reused from document to document.

import { isSpace } from '../../pipeline/text.js';

/** The rolling hash's multiplier (FNV's prime): a window's hash is Σ unit·B^(n-1-k) over its units k, modulo 2^32. */
export const ROLLING_BASE = 0x01000193;
/** Fibonacci hashing: a window's slot is the top bits of its hash times this. */
const SPREAD = 0x9e3779b1 | 0;
/**
 * Slots per window in the direct-mapped table: few slots already claimed by another hash,
 * so few windows spill. Past LARGE windows (a 2 MB table) two, for memory: more spill,
 * the same answer.
 */
const SLOTS_PER_WINDOW = 8;
const LARGE = 1 << 16;
const SLOTS_PER_WINDOW_LARGE = 2;

let units = new Uint16Array(4096);
let hashes = new Int32Array(4096);
let repeated = new Uint8Array(4096);
/**
 * Per slot, the window that claimed it plus one (0: free). Cleared for each text: the
 * clearing pass brings the table into the cache in order, where the windows' random
 * reads of a table left cold by the other stages cost more (measured in the pipeline).
 */
let owners = new Int32Array(1 << 14);
let spilled = new Int32Array(1024);
let spillKeys = new Int32Array(2048);
let spillFirst = new Int32Array(2048);

/** B^(n-1): what the unit leaving a window weighed in its hash. */
export function rollingTop(n: number): number {
  let top = 1;
  for (let i = 1; i < n; i++) top = Math.imul(top, ROLLING_BASE);
  return top;
}

/** A buffer of at least `size` hashes (one per unit of a text, plus one); the same one from call to call. */
export function hashBuffer(size: number): Int32Array {
  if (hashes.length < size + 1) {
    hashes = new Int32Array((size + 1) * 2);
    repeated = new Uint8Array(hashes.length);
  }
  return hashes;
}

/**
 * Share of characters covered by n-character sequences that occur more than once
 * (Gopher's duplicate n-gram fraction), white space left out.
 */
export function repeatedShare(text: string, n: number): number {
  if (units.length < text.length) units = new Uint16Array(text.length * 2);
  const hs = hashBuffer(text.length);
  const top = rollingTop(n);
  let len = 0;
  let h = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) continue;
    units[len] = c;
    h = (Math.imul(h - (len >= n ? Math.imul(units[len - n]!, top) : 0), ROLLING_BASE) + c) | 0;
    hs[++len] = h;
  }
  return repeatedWindowsShare(hs, len, n);
}

/**
 * The share of a text's `len` units (white space left out) covered by n-unit windows whose
 * hash occurs more than once, given in `hs[k]` the rolling hash of the units before k (the
 * hash of the window ending there, for k ≥ n). `hs` is `hashBuffer`'s.
 */
export function repeatedWindowsShare(hs: Int32Array, len: number, n: number): number {
  if (len < n * 2) return 0;
  const count = len - n + 1;
  // Each window looks at one slot. Free: it claims it. Claimed by the same hash: both
  // windows are repeated. Claimed by another hash: the window spills; every window with
  // its hash spills too (the slot's claimant never changes), so spilled windows are
  // repeated only among themselves. Window w is hs[w + n].
  let bits = 10;
  while (1 << bits < count * (count <= LARGE ? SLOTS_PER_WINDOW : SLOTS_PER_WINDOW_LARGE)) bits++;
  const shift = 32 - bits;
  const mask = (1 << bits) - 1;
  if (owners.length < 1 << bits) owners = new Int32Array(1 << bits);
  // Locals: the loop reads no module variable.
  const slots = owners;
  const marks = repeated;
  slots.fill(0, 0, 1 << bits);
  marks.fill(0, 0, count);
  let any = false;
  let spills = 0;
  for (let w = 0; w < count; w++) {
    const key = hs[w + n]!;
    const s = (Math.imul(key, SPREAD) >> shift) & mask;
    const owner = slots[s]! - 1;
    if (owner < 0) slots[s] = w + 1;
    else if (hs[owner + n] === key) {
      marks[owner] = 1;
      marks[w] = 1;
      any = true;
    } else {
      if (spills === spilled.length) spilled = grown(spilled);
      spilled[spills++] = w;
    }
  }
  if (spills > 1 && markSpilled(hs, n, spills)) any = true;
  if (!any) return 0;

  let covered = 0;
  let until = 0;
  for (let w = 0; w < count; w++) {
    if (marks[w] === 0) continue;
    covered += w + n - Math.max(w, until);
    until = w + n;
  }
  return covered / len;
}

/** Marks the spilled windows whose hash another spilled window has, by an open-addressing table of their hashes. */
function markSpilled(hs: Int32Array, n: number, spills: number): boolean {
  let size = 64;
  while (size < spills * 2) size <<= 1;
  if (spillKeys.length < size) {
    spillKeys = new Int32Array(size);
    spillFirst = new Int32Array(size);
  }
  const mask = size - 1;
  // spillFirst holds the first window with the slot's hash, plus one (0: a free slot).
  spillFirst.fill(0, 0, size);
  let any = false;
  for (let k = 0; k < spills; k++) {
    const w = spilled[k]!;
    const key = hs[w + n]!;
    // Another mix than the slot's: spilled windows share their slot's top bits.
    let s = Math.imul(key ^ (key >>> 15), 0x2c1b3c6d) & mask;
    while (spillFirst[s] !== 0 && spillKeys[s] !== key) s = (s + 1) & mask;
    if (spillFirst[s] === 0) {
      spillKeys[s] = key;
      spillFirst[s] = w + 1;
    } else {
      repeated[spillFirst[s]! - 1] = 1;
      repeated[w] = 1;
      any = true;
    }
  }
  return any;
}

function grown(a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}
