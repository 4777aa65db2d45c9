// Repeated and stitched paragraphs inside a document (the stage's `apply`).
//
// Each line is a paragraph: a range of the document's folded text. Every
// window of `paragraphWindow` folded characters goes into a table that counts
// the distinct kept paragraphs holding it; a paragraph whose characters are
// (nearly) all inside windows other paragraphs hold is a candidate to go.
//
// This runs on every document, and most have no window in two paragraphs.
// So a first pass only marks the paragraphs that share a window with another
// one, in a table of 8 bytes a window; the counting table (32 bytes a window)
// is built only for those paragraphs, in the few documents that have any. A
// paragraph sharing no window is covered by nothing and cannot be a source.
// All arrays are reused from document to document: allocating them per
// document cost more than the work done in them (fresh pages, and the
// garbage collector's sweeps that allocations wait for).

import { round3 } from '../../pipeline/text.js';
import type { DedupeOptions } from '../dedupe.js';
import { astralAt, foldsToItself, foldTables } from './fold.js';
import { fmix32 } from '../../pipeline/hashing.js';
import { ROLL_BASE, rollOut, SHINGLE_SEED } from './hash.js';
import { int32Scratch, unitsOf } from './scratch.js';

export interface Drop {
  rule: 'repeated-paragraph' | 'stitched-paragraph';
  coverage: number;
  /** Line indices the text was found in, most first. */
  sources: number[];
}

/** Paragraph flags. */
const WHOLE = 1; // compared whole (shorter than a window, or a heading)
const LABEL = 2; // ends with a colon: a label ("问：", "记者：") that repeats by design
const SHARED = 4; // holds a window another paragraph also holds

/**
 * The paragraphs of a document, one per line, as numbers in one growable
 * array: folded characters `codes[from, to)`, its windows `[slotFrom, slotTo)`
 * (their hashes, then their table slots; none for a paragraph compared
 * whole), flags.
 */
class Paragraphs {
  static readonly FIELDS = 5;
  count = 0;

  constructor(private data: Int32Array) {}

  push(from: number, to: number, slotFrom: number, slotTo: number, flags: number): void {
    if ((this.count + 1) * Paragraphs.FIELDS > this.data.length) {
      const more = parasScratch.take(this.data.length * 2);
      more.set(this.data.subarray(0, this.count * Paragraphs.FIELDS));
      this.data = more;
    }
    const b = this.count++ * Paragraphs.FIELDS;
    this.data[b] = from;
    this.data[b + 1] = to;
    this.data[b + 2] = slotFrom;
    this.data[b + 3] = slotTo;
    this.data[b + 4] = flags;
  }

  from(p: number): number {
    return this.data[p * Paragraphs.FIELDS]!;
  }
  to(p: number): number {
    return this.data[p * Paragraphs.FIELDS + 1]!;
  }
  length(p: number): number {
    return this.to(p) - this.from(p);
  }
  slotFrom(p: number): number {
    return this.data[p * Paragraphs.FIELDS + 2]!;
  }
  slotTo(p: number): number {
    return this.data[p * Paragraphs.FIELDS + 3]!;
  }
  is(p: number, flag: number): boolean {
    return (this.data[p * Paragraphs.FIELDS + 4]! & flag) !== 0;
  }
  mark(p: number, flag: number): void {
    this.data[p * Paragraphs.FIELDS + 4]! |= flag;
  }
}

const codesScratch = int32Scratch();
const slotsScratch = int32Scratch();
const hashesScratch = int32Scratch();
const parasScratch = int32Scratch();
const seenScratch = int32Scratch();
const sharingScratch = int32Scratch();
const tableScratch = int32Scratch();

/** The document's folded text, its paragraphs and the slot of every window of a sharing paragraph in its table. */
interface Folding {
  codes: Int32Array;
  paras: Paragraphs;
  slots: Int32Array;
  /** Null when no window is in two paragraphs. */
  table: WindowTable | null;
  k: number;
}

/**
 * The paragraphs to drop, with why. Each window of each paragraph goes into a
 * table that counts the distinct kept paragraphs holding it. Candidates are
 * paragraphs covered enough by others; they are tried in order — stitched
 * from several paragraphs first, then shorter first, then later first — and
 * each is dropped only if, with the drops before it, it is still covered by
 * paragraphs that stay. So of two copies one always stays.
 */
export function repeatedParagraphs(text: string, o: DedupeOptions): { dropped: Map<number, Drop>; folded: Int32Array } {
  const f = foldParagraphs(text, o.paragraphWindow);
  const { paras, table } = f;
  const dropped = new Map<number, Drop>();
  // The folded text (valid until the next call), for the fingerprint of an unchanged text.
  const folded = f.codes.subarray(0, paras.count === 0 ? 0 : paras.to(paras.count - 1));
  dropShortRepeats(f, o, dropped);
  if (!table) return { dropped, folded };

  // Candidates: covered enough by the other paragraphs as they are now.
  const candidates: { p: number; sources: number[]; coverage: number }[] = [];
  for (let p = 0; p < paras.count; p++) {
    if (!paras.is(p, SHARED)) continue;
    const c = coverage(p, f, table);
    if (!enough(c, paras.length(p), o)) continue;
    const sources = sourcesOf(p, f, table);
    // Covered only by scattered set phrases, not by another paragraph's text: not a repeat.
    if (sources.length === 0) continue;
    candidates.push({ p, sources, coverage: c });
  }
  candidates.sort((a, b) => b.sources.length - a.sources.length || paras.length(a.p) - paras.length(b.p) || b.p - a.p);
  for (const cand of candidates) {
    const { p } = cand;
    const c = coverage(p, f, table);
    if (!enough(c, paras.length(p), o)) continue;
    // Where its text is now, with the drops before it (for the report).
    const sources = sourcesOf(p, f, table);
    if (paras.length(p) < o.partialMinChars) {
      // Short: must be a part of one kept paragraph holding its first window.
      const outer = table.holdersOf(f.slots[paras.slotFrom(p)]!, p).find((q) => contains(f, q, p));
      if (outer === undefined) continue;
      if (!sources.includes(outer)) sources.unshift(outer);
    }
    table.remove(p, f.slots, paras.slotFrom(p), paras.slotTo(p));
    dropped.set(p, {
      rule: cand.sources.length > 1 ? 'stitched-paragraph' : 'repeated-paragraph',
      coverage: round3(c),
      sources: sources.length > 0 ? sources : cand.sources,
    });
  }
  return { dropped, folded };
}

/**
 * Folds the text (see fold.ts) and splits it into paragraphs at line breaks as
 * splitLines does; rolls the hash of every window of a paragraph not compared
 * whole (as windowHashes, before its final mix) and passes it through the
 * sharing filter. Then marks the paragraphs sharing a window, and puts the
 * windows of those into the counting table. Each step is a small loop of its
 * own, so that the compiler keeps its few variables in registers.
 */
function foldParagraphs(text: string, k: number): Folding {
  const n = text.length;
  const units = unitsOf(text);
  const codes = codesScratch.take(n);
  // Windows are at most the folded characters, so at most the text's UTF-16 units.
  const hashes = hashesScratch.take(n);
  const paras = new Paragraphs(parasScratch.take(256));
  const filter = new SharingFilter(n);
  const leaving = rollOut(k);
  let at = 0; // folded characters so far
  let windows = 0;
  for (let lineStart = 0; ; ) {
    const lineBreak = text.indexOf('\n', lineStart);
    const lineEnd = lineBreak === -1 ? n : lineBreak;
    const from = at;
    at = foldRange(units, lineStart, lineEnd, codes, at);
    if (at - from < k || isHeading(units, lineStart, lineEnd)) {
      paras.push(from, at, windows, windows, WHOLE | (isLabel(units, lineStart, lineEnd) ? LABEL : 0));
    } else {
      const count = rollWindows(codes, from, at, k, leaving, hashes, windows);
      filter.add(hashes, windows, windows + count);
      paras.push(from, at, windows, windows + count, 0);
      windows += count;
    }
    // No line after a final line break.
    if (lineBreak === -1 || lineBreak + 1 === n) break;
    lineStart = lineBreak + 1;
  }

  const sharing = filter.again === 0 ? 0 : markSharing(paras, hashes, filter);
  if (sharing === 0) return { codes, paras, slots: slotsScratch.take(0), table: null, k };

  const slots = slotsScratch.take(windows);
  const table = new WindowTable(sharing);
  for (let p = 0; p < paras.count; p++) {
    if (!paras.is(p, SHARED)) continue;
    const to = paras.slotTo(p);
    for (let w = paras.slotFrom(p); w < to; w++) slots[w] = table.add(fmix32(hashes[w]! ^ SHINGLE_SEED), p);
  }
  return { codes, paras, slots, table, k };
}

/** Folds `units[start, end)` (no line break in it) into `codes` from `at`; returns where the folded text ends. */
function foldRange(units: Uint16Array, start: number, end: number, codes: Int32Array, at: number): number {
  const { table, same } = foldTables();
  for (let i = start; i < end; i++) {
    const c = units[i]!;
    if (foldsToItself(same, c)) {
      codes[at++] = c;
      continue;
    }
    const f = table[c]!;
    if (f !== 0) codes[at++] = f;
    else {
      // Surrogates are 0 in the table: a pair is folded as its code point.
      const pair = astralAt(units, i, end);
      if (pair === 0) continue;
      i++;
      if (pair > 0) codes[at++] = pair;
    }
  }
  return at;
}

/**
 * The rolled hashes of the `k`-windows of `codes[from, to)` (at least `k`
 * long) to `out` from `at`: windowHashes before its final mix. Returns how many.
 */
function rollWindows(codes: Int32Array, from: number, to: number, k: number, leaving: number, out: Int32Array, at: number): number {
  const base = ROLL_BASE; // in a register: an imported binding is read from its module at every use
  let h = 0;
  for (let i = from; i < from + k; i++) h = (Math.imul(h, base) + codes[i]!) | 0;
  out[at] = h;
  for (let i = from + k; i < to; i++) {
    h = (Math.imul(h, base) + (codes[i]! - Math.imul(codes[i - k]!, leaving))) | 0;
    out[at + i - from - k + 1] = h;
  }
  return to - from - k + 1;
}

/**
 * The first half of markSharing: two bitsets over a hash of each window
 * (16 bits a UTF-16 unit of the text, so a few per cent of buckets are hit
 * twice by chance), "seen" and "seen again", in the fastest cache.
 */
class SharingFilter {
  readonly bits: number;
  readonly words: number;
  /** Seen: words [0, words); seen again: [words, 2 words). */
  readonly seen: Int32Array;
  /** Windows that found their bucket seen. */
  again = 0;

  constructor(units: number) {
    let bits = 10;
    while (1 << bits < units * 16) bits++;
    this.bits = bits;
    this.words = 1 << (bits - 5);
    this.seen = seenScratch.take(2 * this.words).fill(0, 0, 2 * this.words);
  }

  add(hashes: Int32Array, from: number, to: number): void {
    const { seen, words, bits } = this;
    let again = 0;
    for (let w = from; w < to; w++) {
      const bucket = bucketOf(hashes[w]!, bits);
      const word = bucket >>> 5;
      const bit = 1 << (bucket & 31);
      if ((seen[word]! & bit) === 0) seen[word]! |= bit;
      else {
        seen[words + word]! |= bit;
        again++;
      }
    }
    this.again += again;
  }

  /** Whether the bucket of a window was seen again. */
  seenAgain(hash: number): boolean {
    const bucket = bucketOf(hash, this.bits);
    return (this.seen[this.words + (bucket >>> 5)]! & (1 << (bucket & 31))) !== 0;
  }
}

/**
 * Marks SHARED the paragraphs holding a window another paragraph holds, and
 * returns how many windows they have. Only windows whose bucket the filter saw
 * again can be in two places (a window seen once has its bucket seen once):
 * open addressing from those windows' rolled hash (the final mix is
 * one-to-one, so equal before it is equal after it) to the last paragraph
 * holding it (+1; 0 for an empty slot). A paragraph meeting a window last held
 * by another one marks both. (Windows of lines then compared whole went
 * through the filter too: a few more come here.)
 */
function markSharing(paras: Paragraphs, hashes: Int32Array, filter: SharingFilter): number {
  // At most `again` windows repeat a bucket, and as many were first in it.
  let size = 16;
  while (size < filter.again * 4) size *= 2;
  const slotBits = Math.log2(size);
  const wrap = size * 2 - 1;
  const t = sharingScratch.take(size * 2).fill(0, 0, size * 2);
  let any = false;
  for (let p = 0; p < paras.count; p++) {
    if (paras.is(p, WHOLE)) continue;
    const holder = p + 1;
    const to = paras.slotTo(p);
    for (let w = paras.slotFrom(p); w < to; w++) {
      const key = hashes[w]!;
      if (!filter.seenAgain(key)) continue;
      let b = bucketOf(key, slotBits) * 2;
      for (;;) {
        const last = t[b + 1]!;
        if (last === 0) {
          t[b] = key;
          t[b + 1] = holder;
          break;
        }
        if (t[b] === key) {
          if (last !== holder) {
            paras.mark(last - 1, SHARED);
            paras.mark(p, SHARED);
            t[b + 1] = holder;
            any = true;
          }
          break;
        }
        b = (b + 2) & wrap;
      }
    }
  }
  if (!any) return 0;
  let sharing = 0;
  for (let p = 0; p < paras.count; p++) if (paras.is(p, SHARED)) sharing += paras.slotTo(p) - paras.slotFrom(p);
  return sharing;
}

/** A `bits`-bit bucket of a rolled window hash, whose low bits are weak: the top bits of a multiple. */
function bucketOf(key: number, bits: number): number {
  return Math.imul(key, 0x9e3779b1) >>> (32 - bits);
}

/**
 * A heading or caption: short, no sentence-final punctuation (。！？!?…). Its
 * words are usually said again in the body, so it is compared only whole, with
 * other headings: a headline twice is a repeat, a headline and its lead are not.
 */
function isHeading(units: Uint16Array, start: number, end: number): boolean {
  if (end - start > 50) return false;
  for (let i = start; i < end; i++) {
    const c = units[i]!;
    if (c === 0x3002 || c === 0xff01 || c === 0xff1f || c === 0x21 || c === 0x3f || c === 0x2026) return false;
  }
  return true;
}

/** Ends with a colon, then perhaps white space (as /[:：]\s*$/u). */
function isLabel(units: Uint16Array, start: number, end: number): boolean {
  let i = end - 1;
  while (i >= start && isSpace(units[i]!)) i--;
  if (i < start) return false;
  const c = units[i]!;
  return c === 0x3a || c === 0xff1a;
}

/** A UTF-16 unit regex \s matches (all of them are in the BMP). */
function isSpace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  if (c < 0xa0) return false;
  return (
    c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff
  );
}

/**
 * Covered enough to go. A paragraph shorter than `partialMinChars` must be
 * covered entirely, and (checked by the caller) be a part of one other
 * paragraph: two short lines that differ in a number, a list marker or a word
 * ("[12] 国家统计局：《公报》" and "[23] 国家统计局：《公报》", two photo
 * captions "阿比纳德尔（中）在…" and "阿比纳德尔在…") say different things.
 */
function enough(coverage: number, length: number, o: DedupeOptions): boolean {
  if (length < o.partialMinChars) return coverage >= 1;
  return coverage >= o.paragraphCoverage && Math.round((1 - coverage) * length) <= o.paragraphMaxNew;
}

/**
 * Paragraphs compared whole (shorter than a window, headings, captions): a copy
 * right after the same text goes (a headline or caption said twice). Apart,
 * equal short lines are usually data that repeats ("成人票原价：60元" under
 * each attraction) and stay.
 */
function dropShortRepeats(f: Folding, o: DedupeOptions, dropped: Map<number, Drop>): void {
  const { paras } = f;
  let previous = -1;
  for (let p = 0; p < paras.count; p++) {
    const same =
      paras.is(p, WHOLE) && previous !== -1 && paras.is(previous, WHOLE) && !paras.is(p, LABEL) && paras.length(p) >= o.shortMinChars && equal(f, previous, p);
    if (same) dropped.set(p, { rule: 'repeated-paragraph', coverage: 1, sources: [previous] });
    else previous = p;
  }
}

function equal(f: Folding, a: number, b: number): boolean {
  const { codes, paras } = f;
  const n = paras.length(a);
  if (n !== paras.length(b)) return false;
  const from = paras.from(a);
  const other = paras.from(b);
  for (let i = 0; i < n; i++) if (codes[from + i] !== codes[other + i]) return false;
  return true;
}

/** Whether the folded text of paragraph `inner` occurs in that of `outer`. */
function contains(f: Folding, outer: number, inner: number): boolean {
  const { codes, paras } = f;
  const n = paras.length(inner);
  const innerFrom = paras.from(inner);
  outer: for (let i = paras.from(outer); i + n <= paras.to(outer); i++) {
    for (let j = 0; j < n; j++) if (codes[i + j] !== codes[innerFrom + j]) continue outer;
    return true;
  }
  return false;
}

/** Share of a paragraph's folded characters inside some window another kept paragraph also has. */
function coverage(p: number, f: Folding, table: WindowTable): number {
  const slotFrom = f.paras.slotFrom(p);
  let covered = 0;
  let until = 0; // folded characters [0, until) of the paragraph are counted
  for (let i = 0; i < f.paras.slotTo(p) - slotFrom; i++) {
    if (table.count(f.slots[slotFrom + i]!) < 2) continue;
    covered += i + f.k - Math.max(i, until);
    until = i + f.k;
  }
  return covered / f.paras.length(p);
}

/** The other paragraphs a paragraph's shared windows come from, most shared first; a source needs a window's worth. */
function sourcesOf(p: number, f: Folding, table: WindowTable): number[] {
  const shared = new Map<number, number>();
  for (let i = f.paras.slotFrom(p); i < f.paras.slotTo(p); i++) {
    const other = table.other(f.slots[i]!, p);
    if (other >= 0) shared.set(other, (shared.get(other) ?? 0) + 1);
  }
  return [...shared]
    .filter(([, n]) => n >= f.k)
    .sort((a, b) => b[1] - a[1] || a[0] - b[0])
    .map(([line]) => line);
}

/** How many paragraphs holding a window the table remembers by number (the count is always exact). */
const HOLDERS = 4;

/** Int32 fields of a table slot: key, count, last paragraph counted (+1; 0 for an empty slot), HOLDERS paragraph numbers (+1; 0 for none). */
const STRIDE = 8;
const KEY = 0;
const COUNT = 1;
const LAST = 2;
const HOLDER = 3;

/**
 * Open addressing from a window's 32-bit hash to how many distinct kept
 * paragraphs hold it, and the first few that do. A slot's fields sit
 * together: one cache line for the lookup and the update.
 */
class WindowTable {
  private readonly slots: Int32Array;
  private readonly mask: number;
  private readonly dropped = new Set<number>();

  constructor(windows: number) {
    let n = 16;
    while (n < windows * 2) n *= 2;
    this.slots = tableScratch.take(n * STRIDE).fill(0, 0, n * STRIDE);
    this.mask = n - 1;
  }

  /** Counts the window for paragraph `para` (once however often it has it); returns its slot. */
  add(hash: number, para: number): number {
    const t = this.slots;
    const key = hash | 0;
    const holder = para + 1;
    let i = key & this.mask;
    for (;;) {
      const b = i * STRIDE;
      const last = t[b + LAST]!;
      if (last === 0) {
        t[b + KEY] = key;
        t[b + COUNT] = 1;
        t[b + LAST] = holder;
        t[b + HOLDER] = holder;
        return i;
      }
      if (t[b + KEY] === key) {
        if (last !== holder) {
          const count = t[b + COUNT]!;
          if (count < HOLDERS) t[b + HOLDER + count] = holder;
          t[b + LAST] = holder;
          t[b + COUNT] = count + 1;
        }
        return i;
      }
      i = (i + 1) & this.mask;
    }
  }

  count(slot: number): number {
    return this.slots[slot * STRIDE + COUNT]!;
  }

  /** A kept paragraph other than `para` known to hold the window at `slot`, or -1. */
  other(slot: number, para: number): number {
    const b = slot * STRIDE + HOLDER;
    for (let h = b; h < b + HOLDERS; h++) {
      const q = this.slots[h]! - 1;
      if (q === -1) break;
      if (q !== para && !this.dropped.has(q)) return q;
    }
    return -1;
  }

  /** The kept paragraphs other than `para` known to hold the window at `slot`. */
  holdersOf(slot: number, para: number): number[] {
    const out: number[] = [];
    const b = slot * STRIDE + HOLDER;
    for (let h = b; h < b + HOLDERS; h++) {
      const q = this.slots[h]! - 1;
      if (q === -1) break;
      if (q !== para && !this.dropped.has(q)) out.push(q);
    }
    return out;
  }

  /** Paragraph `para`, whose windows are at `slots[from, to)`, is dropped: its windows are held by one paragraph fewer. */
  remove(para: number, slots: Int32Array, from: number, to: number): void {
    this.dropped.add(para);
    const seen = new Set<number>();
    for (let i = from; i < to; i++) {
      const s = slots[i]!;
      if (seen.has(s)) continue;
      seen.add(s);
      this.slots[s * STRIDE + COUNT]!--;
    }
  }
}
