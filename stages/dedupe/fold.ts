// Folding text to the characters that say what it is, for comparing paragraphs
// and documents: two copies of one article differ in punctuation (ASCII or
// full-width commas), width (ＡＢＣ１２３), spacing, case and script (Traditional
// or Simplified), and none of that makes them different articles.
//
// Kept: letters and digits (Han, Latin, kana, hangul ...), folded to one form.
// Dropped: punctuation, symbols, whitespace. The positions of the kept characters
// in the source are returned too, so a paragraph decision can point at the text.

import { traditionalToSimplified } from '../opencc-tables.js';
import { unitsOf } from './scratch.js';

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/** The folded form of one code point, or -1 when it does not count (punctuation, symbols, spaces). */
function foldCode(c: number, ts: Map<number, number>): number {
  if (c < 0x80) {
    if (c >= 0x61 && c <= 0x7a) return c; // a-z
    if (c >= 0x41 && c <= 0x5a) return c + 0x20; // A-Z → a-z
    if (c >= 0x30 && c <= 0x39) return c; // 0-9
    return -1;
  }
  if (c >= 0xff10 && c <= 0xff19) return c - 0xfee0; // full-width digits
  if (c >= 0xff21 && c <= 0xff3a) return c - 0xfee0 + 0x20; // full-width A-Z → a-z
  if (c >= 0xff41 && c <= 0xff5a) return c - 0xfee0; // full-width a-z
  const ch = String.fromCodePoint(c);
  if (!LETTER_OR_DIGIT.test(ch)) return -1;
  const lower = ch.toLowerCase().codePointAt(0)!;
  return ts.get(lower) ?? lower;
}

/**
 * foldCode for every BMP code unit, worked out once (a few milliseconds) so
 * that folding is one array read per character: this runs on every
 * character of every document, twice.
 */
export interface FoldTables {
  /** The folded form; 0 means "does not count" (and surrogates, folded as pairs). */
  table: Int32Array;
  /**
   * Bit `c` set when `c` folds to itself, as most characters of a Simplified
   * text do: 8 KB that stay in the cache, where the 256 KB table is read at a
   * cache miss for many characters of a document.
   */
  same: Int32Array;
}

let tables: FoldTables | undefined;

export function foldTables(): FoldTables {
  if (tables) return tables;
  const ts = traditionalToSimplified();
  const table = new Int32Array(0x10000);
  const same = new Int32Array(0x10000 / 32);
  for (let c = 0; c < 0x10000; c++) {
    if (c >= 0xd800 && c <= 0xdfff) continue; // surrogates: handled as pairs
    const f = foldCode(c, ts);
    table[c] = f < 0 ? 0 : f;
    if (f === c) same[c >>> 5]! |= 1 << (c & 31);
  }
  tables = { table, same };
  return tables;
}

/** Whether BMP code unit `c` folds to itself (`same` from foldTables). */
export function foldsToItself(same: Int32Array, c: number): boolean {
  return ((same[c >>> 5]! >>> (c & 31)) & 1) !== 0;
}

export interface Folded {
  /** Folded code points. */
  codes: Int32Array;
  /** `codes[i]` came from the source at UTF-16 offset `starts[i]`. */
  starts: Int32Array;
  length: number;
}

/**
 * Folds `text.slice(start, end)`; positions are offsets in `text`. The plain
 * form, character by character: the stage folds with foldCodes and in
 * paragraphs.ts, which tests hold to this.
 */
export function fold(text: string, start = 0, end = text.length): Folded {
  const { table } = foldTables();
  const n = end - start;
  const codes = new Int32Array(n);
  const starts = new Int32Array(n);
  let k = 0;
  for (let i = start; i < end; i++) {
    const at = i;
    const c = text.charCodeAt(i);
    let f: number;
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < end && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      f = foldCode(0x10000 + ((c - 0xd800) << 10) + (text.charCodeAt(++i) - 0xdc00), traditionalToSimplified());
      if (f < 0) continue;
    } else {
      f = table[c]!;
      if (f === 0) continue;
    }
    codes[k] = f;
    starts[k] = at;
    k++;
  }
  return { codes: codes.subarray(0, k), starts: starts.subarray(0, k), length: k };
}

/**
 * The folded code points of `text` written to `codes` (at least `text.length`
 * long), as `fold` gives them, without positions; returns how many.
 */
export function foldCodes(text: string, codes: Int32Array): number {
  const { table, same } = foldTables();
  const units = unitsOf(text);
  const end = text.length;
  let k = 0;
  for (let i = 0; i < end; i++) {
    const c = units[i]!;
    if (foldsToItself(same, c)) {
      codes[k++] = c;
      continue;
    }
    const f = table[c]!;
    if (f !== 0) codes[k++] = f;
    else {
      // Surrogates are 0 in the table: a pair is folded as its code point.
      const pair = astralAt(units, i, end);
      if (pair === 0) continue;
      i++;
      if (pair > 0) codes[k++] = pair;
    }
  }
  return k;
}

/**
 * At a high surrogate followed by a low one (UTF-16 `units`): the folded code
 * point of the pair, or -1 when it does not count. 0 when `units[i]` starts
 * no pair.
 */
export function astralAt(units: Uint16Array, i: number, end: number): number {
  const c = units[i]!;
  if (c < 0xd800 || c > 0xdbff || i + 1 >= end) return 0;
  const d = units[i + 1]!;
  if ((d & 0xfc00) !== 0xdc00) return 0;
  return foldCode(0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00), traditionalToSimplified());
}

/** The folded text as a string (for tests and display). */
export function foldedString(text: string): string {
  const { codes } = fold(text);
  let out = '';
  for (const c of codes) out += String.fromCodePoint(c);
  return out;
}
