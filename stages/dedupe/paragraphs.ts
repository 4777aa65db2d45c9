// Repeated and stitched paragraphs inside a document (the stage's `apply`).
//
// Each line is a paragraph: a range of the document's folded text. Every
// window of `paragraphWindow` folded characters goes into a table that counts
// the distinct kept paragraphs holding it; a paragraph whose characters are
// (nearly) all inside windows other paragraphs hold is a candidate to go.
//
// This runs on every document, and most have no repeated window at all: one
// pass folds the text and hashes its windows into arrays reused from document
// to document (no per-line strings, objects or arrays), and the comparison of
// paragraphs only starts when some window is held by two of them.

import { round3 } from '../../pipeline/text.js';
import type { DedupeOptions } from '../dedupe.js';
import { astralAt, foldTable } from './fold.js';
import { windowHashes } from './hash.js';
import { int32Scratch, uint32Scratch } from './scratch.js';

export interface Drop {
  rule: 'repeated-paragraph' | 'stitched-paragraph';
  coverage: number;
  /** Line indices the text was found in, most first. */
  sources: number[];
}

/** Paragraph flags. */
const WHOLE = 1; // compared whole (shorter than a window, or a heading)
const LABEL = 2; // ends with a colon: a label ("问：", "记者：") that repeats by design

/**
 * The paragraphs of a document, one per line, as numbers in one array:
 * folded characters `codes[from, to)`, table slots of its windows
 * `slots[slotFrom, slotTo)` (empty for a paragraph compared whole), flags.
 */
class Paragraphs {
  static readonly FIELDS = 5;
  count = 0;

  constructor(private readonly data: Int32Array) {}

  push(from: number, to: number, slotFrom: number, slotTo: number, flags: number): void {
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
}

const codesScratch = int32Scratch();
const slotsScratch = int32Scratch();
const hashesScratch = uint32Scratch();
const parasScratch = int32Scratch();
const tableScratch = int32Scratch();

/** The document's folded text, its paragraphs and the slot of every paragraph window in its table. */
interface Folding {
  codes: Int32Array;
  paras: Paragraphs;
  slots: Int32Array;
  table: WindowTable;
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
export function repeatedParagraphs(text: string, o: DedupeOptions): Map<number, Drop> {
  const f = foldParagraphs(text, o.paragraphWindow);
  const { paras } = f;
  const dropped = new Map<number, Drop>();
  dropShortRepeats(f, o, dropped);
  // No window held by two paragraphs: none is covered at all.
  if (!f.table.shared) return dropped;

  // Candidates: covered enough by the other paragraphs as they are now.
  const candidates: { p: number; sources: number[]; coverage: number }[] = [];
  for (let p = 0; p < paras.count; p++) {
    if (paras.slotTo(p) === paras.slotFrom(p)) continue;
    const c = coverage(p, f);
    if (!enough(c, paras.length(p), o)) continue;
    const sources = sourcesOf(p, f);
    // Covered only by scattered set phrases, not by another paragraph's text: not a repeat.
    if (sources.length === 0) continue;
    candidates.push({ p, sources, coverage: c });
  }
  candidates.sort((a, b) => b.sources.length - a.sources.length || paras.length(a.p) - paras.length(b.p) || b.p - a.p);
  for (const cand of candidates) {
    const { p } = cand;
    const c = coverage(p, f);
    if (!enough(c, paras.length(p), o)) continue;
    // Where its text is now, with the drops before it (for the report).
    const sources = sourcesOf(p, f);
    if (paras.length(p) < o.partialMinChars) {
      // Short: must be a part of one kept paragraph holding its first window.
      const outer = f.table.holdersOf(f.slots[paras.slotFrom(p)]!, p).find((q) => contains(f, q, p));
      if (outer === undefined) continue;
      if (!sources.includes(outer)) sources.unshift(outer);
    }
    f.table.remove(p, f.slots, paras.slotFrom(p), paras.slotTo(p));
    dropped.set(p, {
      rule: cand.sources.length > 1 ? 'stitched-paragraph' : 'repeated-paragraph',
      coverage: round3(c),
      sources: sources.length > 0 ? sources : cand.sources,
    });
  }
  return dropped;
}

/**
 * One pass over the text: folds it (see fold.ts), splits it into paragraphs
 * at line breaks as splitLines does, and puts every window of every paragraph
 * not compared whole into the table.
 */
function foldParagraphs(text: string, k: number): Folding {
  const n = text.length;
  let lines = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++;
  const codes = codesScratch.take(n);
  const slots = slotsScratch.take(n);
  const hashes = hashesScratch.take(n);
  const paras = new Paragraphs(parasScratch.take(lines * Paragraphs.FIELDS));
  // Windows are at most the folded characters, so at most the text's UTF-16 units.
  const table = new WindowTable(n);
  const fold = foldTable();
  let at = 0; // folded characters so far
  let slotAt = 0;
  let lineStart = 0;
  let from = 0;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? text.charCodeAt(i) : 10;
    if (c === 10) {
      // No line after a final line break.
      if (i === n && lineStart === n && paras.count > 0) break;
      const line = paras.count;
      if (at - from < k || isHeading(text, lineStart, i)) {
        paras.push(from, at, slotAt, slotAt, WHOLE | (isLabel(text, lineStart, i) ? LABEL : 0));
      } else {
        const windows = windowHashes(codes, from, at, k, hashes, 0);
        for (let w = 0; w < windows; w++) slots[slotAt + w] = table.add(hashes[w]!, line);
        paras.push(from, at, slotAt, slotAt + windows, 0);
        slotAt += windows;
      }
      lineStart = i + 1;
      from = at;
      continue;
    }
    const folded = fold[c]!;
    if (folded !== 0) codes[at++] = folded;
    else {
      const pair = astralAt(text, i, n);
      if (pair === 0) continue;
      i++;
      if (pair > 0) codes[at++] = pair;
    }
  }
  return { codes, paras, slots, table, k };
}

/** Sentence-final punctuation: a line with it is a sentence, not a heading. */
const SENTENCE_END = new Set([0x3002, 0xff01, 0xff1f, 0x21, 0x3f, 0x2026]); // 。！？!?…

/**
 * A heading or caption: short, no sentence-final punctuation. Its words are
 * usually said again in the body, so it is compared only whole, with other
 * headings: a headline twice is a repeat, a headline and its lead are not.
 */
function isHeading(text: string, start: number, end: number): boolean {
  if (end - start > 50) return false;
  for (let i = start; i < end; i++) if (SENTENCE_END.has(text.charCodeAt(i))) return false;
  return true;
}

/** Ends with a colon, then perhaps white space (as /[:：]\s*$/u). */
function isLabel(text: string, start: number, end: number): boolean {
  let i = end - 1;
  while (i >= start && isSpace(text.charCodeAt(i))) i--;
  if (i < start) return false;
  const c = text.charCodeAt(i);
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
function coverage(p: number, f: Folding): number {
  const slotFrom = f.paras.slotFrom(p);
  let covered = 0;
  let until = 0; // folded characters [0, until) of the paragraph are counted
  for (let i = 0; i < f.paras.slotTo(p) - slotFrom; i++) {
    if (f.table.count(f.slots[slotFrom + i]!) < 2) continue;
    covered += i + f.k - Math.max(i, until);
    until = i + f.k;
  }
  return covered / f.paras.length(p);
}

/** The other paragraphs a paragraph's shared windows come from, most shared first; a source needs a window's worth. */
function sourcesOf(p: number, f: Folding): number[] {
  const shared = new Map<number, number>();
  for (let i = f.paras.slotFrom(p); i < f.paras.slotTo(p); i++) {
    const other = f.table.other(f.slots[i]!, p);
    if (other >= 0) shared.set(other, (shared.get(other) ?? 0) + 1);
  }
  return [...shared]
    .filter(([, n]) => n >= f.k)
    .sort((a, b) => b[1] - a[1] || a[0] - b[0])
    .map(([line]) => line);
}

/** How many paragraphs holding a window the table remembers by number (the count is always exact). */
const HOLDERS = 4;

/** Int32 fields of a table slot: generation, key, count, last paragraph counted, HOLDERS paragraph numbers. */
const STRIDE = 8;
const GEN = 0;
const KEY = 1;
const COUNT = 2;
const LAST = 3;
const HOLDER = 4;

/**
 * Open addressing from a window's 32-bit hash to how many distinct kept
 * paragraphs hold it, and the first few that do. Its array is shared by all
 * documents: a slot is in use when it carries this document's generation, so
 * nothing is cleared between documents. A slot's fields sit together, one
 * cache line for the lookup and the update.
 */
class WindowTable {
  private static generation = 0;
  private readonly slots: Int32Array;
  private readonly generation: number;
  private readonly mask: number;
  private readonly dropped = new Set<number>();
  /** Some window is held by two paragraphs. */
  shared = false;

  constructor(windows: number) {
    let n = 16;
    while (n < windows * 2) n *= 2;
    this.slots = tableScratch.take(n * STRIDE);
    if (WindowTable.generation === 0x7fffffff) {
      this.slots.fill(0);
      WindowTable.generation = 0;
    }
    this.generation = ++WindowTable.generation;
    this.mask = n - 1;
  }

  /** Counts the window for paragraph `para` (once however often it has it); returns its slot. */
  add(hash: number, para: number): number {
    const t = this.slots;
    const key = hash | 0;
    let i = hash & this.mask;
    let b = i * STRIDE;
    while (t[b + GEN] === this.generation) {
      if (t[b + KEY] === key) {
        if (t[b + LAST] !== para) {
          const count = t[b + COUNT]!;
          if (count < HOLDERS) t[b + HOLDER + count] = para;
          t[b + LAST] = para;
          t[b + COUNT] = count + 1;
          this.shared = true;
        }
        return i;
      }
      i = (i + 1) & this.mask;
      b = i * STRIDE;
    }
    t[b + GEN] = this.generation;
    t[b + KEY] = key;
    t[b + COUNT] = 1;
    t[b + LAST] = para;
    t[b + HOLDER] = para;
    for (let h = 1; h < HOLDERS; h++) t[b + HOLDER + h] = -1;
    return i;
  }

  count(slot: number): number {
    return this.slots[slot * STRIDE + COUNT]!;
  }

  /** A kept paragraph other than `para` known to hold the window at `slot`, or -1. */
  other(slot: number, para: number): number {
    const b = slot * STRIDE + HOLDER;
    for (let h = b; h < b + HOLDERS; h++) {
      const q = this.slots[h]!;
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
      const q = this.slots[h]!;
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
