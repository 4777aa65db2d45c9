// dedupe: content said twice.
//
// Inside a document (apply): a paragraph whose text is (nearly) all found in
// other paragraphs goes, and the fuller, in-context occurrence stays. Pages
// repeat a caption or a headline, end with their lead again, or open with a
// "summary" stitched from sentences of later paragraphs. Paragraphs are
// compared folded (punctuation, spaces, width, case and script ignored) as
// overlapping character windows: a character of a paragraph is covered when
// a window through it occurs in another paragraph still kept.
//
// Across the corpus (decide): the finished text is folded the same way and
// fingerprinted: a 64-bit hash for exact copies, a MinHash signature with LSH
// bands for near copies (syndicated with other frames, small edits, other
// punctuation, the other script). The first document in input order is kept;
// each later copy is rejected as a duplicate of it.

import { Changes } from '../pipeline/changes.js';
import { dropRange, preview, round3, splitLines, type Line } from '../pipeline/text.js';
import type { Stage } from '../pipeline/types.js';
import { MemoryDedupIndex, type DedupIndex, type DedupIndexParams, type Fingerprint } from './dedupe/corpus-index.js';
import { fold } from './dedupe/fold.js';
import { hash64, windowHashes } from './dedupe/hash.js';
import { signature } from './dedupe/minhash.js';

export interface DedupeOptions {
  /** Remove repeated and stitched paragraphs inside a document. */
  paragraphs: boolean;
  /** Folded characters per window when comparing paragraphs (long enough that set phrases do not match by chance). */
  paragraphWindow: number;
  /** A paragraph goes when at least this share of its folded characters is found in other kept paragraphs ... */
  paragraphCoverage: number;
  /** ... and at most this many of its folded characters are not. */
  paragraphMaxNew: number;
  /** Documents longer than this (UTF-16 units) are not compared paragraph by paragraph (memory is ~100 bytes a character). */
  paragraphMaxChars: number;
  /** Paragraphs shorter than this (folded) go only when they are a part of one other paragraph. */
  partialMinChars: number;
  /** Paragraphs shorter (folded) than one window, and headings, go only when repeated exactly right after themselves, and only from this length. */
  shortMinChars: number;
  /** Corpus dedup: `near` (exact and MinHash), `exact` (content hash only) or `off`. */
  corpus: 'near' | 'exact' | 'off';
  /** Characters per shingle for MinHash. */
  shingle: number;
  /** MinHash signature length. */
  permutations: number;
  /** LSH bands and rows per band (bands × rows ≤ permutations). */
  bands: number;
  rows: number;
  /** Estimated Jaccard similarity of shingle sets at or above which a document is a near-duplicate. */
  threshold: number;
}

const REASONS = {
  'repeated-paragraph': 'The paragraph repeats text found in another paragraph of the document; the fuller occurrence is kept.',
  'stitched-paragraph': 'The paragraph is stitched together from sentences of other paragraphs of the document, which are kept.',
  'too-long-to-compare': 'The document is too long to compare its paragraphs with each other within the memory bound; repeated paragraphs were not looked for.',
  'exact-duplicate': 'duplicate: the document is a copy of an earlier one (same text once punctuation, spacing, width and script are ignored).',
  'near-duplicate': 'duplicate: the document is a near copy of an earlier one (MinHash estimate of shingle overlap at or above the threshold).',
} as const;

/**
 * A paragraph as ranges into the document's folded text and window slots:
 * numbers only, no per-paragraph arrays (a page can have thousands of lines).
 */
interface Para {
  line: number;
  /** Its folded characters are `codes[from, to)`. */
  from: number;
  to: number;
  /** Table slots of its windows are `slots[slotFrom, slotTo)`; empty for a paragraph compared whole. */
  slotFrom: number;
  slotTo: number;
  /** Compared whole (shorter than a window, or a heading). */
  whole?: boolean;
  /** Ends with a colon: a label ("问：", "记者：") that repeats by design. */
  label?: boolean;
}

/** The document's folded text and the slot of every paragraph window in its table. */
interface Folding {
  codes: Int32Array;
  slots: Int32Array;
  table: WindowTable;
  k: number;
}

const length = (p: Para): number => p.to - p.from;

export const dedupe: Stage<DedupeOptions> = {
  name: 'dedupe',
  description: 'Remove repeated and stitched paragraphs; reject documents that duplicate an earlier one (exact hash, MinHash + LSH).',
  defaults: {
    paragraphs: true,
    paragraphWindow: 8,
    paragraphCoverage: 0.9,
    paragraphMaxNew: 40,
    paragraphMaxChars: 2_000_000,
    partialMinChars: 100,
    shortMinChars: 4,
    corpus: 'near',
    shingle: 5,
    permutations: 256,
    bands: 32,
    rows: 4,
    threshold: 0.5,
  },

  apply(doc, o) {
    const changes = new Changes();
    if (!o.paragraphs) return changes.result();
    const lines = splitLines(doc.text);
    if (lines.length < 2) return changes.result();
    if (doc.text.length > o.paragraphMaxChars) {
      // The comparison holds about 100 bytes per character while it runs: bounded, and said.
      changes.finding({ rule: 'too-long-to-compare', action: 'flag', before: '', reason: REASONS['too-long-to-compare'], data: { chars: doc.text.length, limit: o.paragraphMaxChars } });
      return changes.result();
    }
    const dropped = repeatedParagraphs(doc.text, lines, o);
    if (dropped.size === 0) return changes.result();
    let firstKept = -1;
    for (let i = 0; i < lines.length && firstKept === -1; i++) if (!dropped.has(i)) firstKept = i;
    for (const [i, why] of [...dropped].sort((a, b) => a[0] - b[0])) {
      const [start, end] = dropRange(lines, i, firstKept);
      const f = changes.finding({
        rule: why.rule,
        action: 'drop',
        line: i + 1,
        range: [start, end],
        before: doc.text.slice(start, end),
        after: '',
        reason: REASONS[why.rule],
        data: { coverage: why.coverage, foundInLines: why.sources.map((s) => s + 1), kept: preview(lines[why.sources[0] ?? i]!.text, 40) },
      });
      changes.edit(start, end, '', f);
    }
    return changes.result();
  },

  prepare(doc, o) {
    if (o.corpus === 'off' || doc.reasons.length > 0) return {};
    return { dedupeFingerprint: fingerprint(doc.text, o) };
  },

  decide(doc, o, ctx) {
    if (o.corpus === 'off') return {};
    // A document already rejected (not Chinese, too short ...) is not kept, so it cannot be the
    // copy later documents are rejected against.
    if (doc.reasons.length > 0) return {};
    const params: DedupIndexParams = { permutations: o.permutations, bands: o.bands, rows: o.rows, threshold: o.threshold, near: o.corpus === 'near' };
    const index = ctx.store<DedupIndex>(`dedupe:${JSON.stringify(params)}`, () => new MemoryDedupIndex(params));
    const fp = (doc.data.dedupeFingerprint as Fingerprint | undefined) ?? fingerprint(doc.text, o);
    if (!fp) return {}; // nothing to compare: an empty document is not a copy of anything
    const match = index.admit(doc.id, fp);
    if (!match) return {};
    const rule = match.exact ? 'exact-duplicate' : 'near-duplicate';
    return {
      data: { duplicateOf: match.id, similarity: match.similarity },
      reject: [{ rule, reason: `${REASONS[rule]} Kept: ${match.id}; similarity ${match.similarity}.`, data: { duplicateOf: match.id, similarity: match.similarity } }],
    };
  },
};

/** What the corpus index compares: a hash of the folded text and its MinHash signature; null for a text with nothing to compare. */
function fingerprint(text: string, o: DedupeOptions): Fingerprint | null {
  const folded = fold(text);
  if (folded.length === 0) return null;
  return {
    exact: hash64(folded.codes),
    signature: o.corpus === 'near' ? signature(folded.codes, { shingle: o.shingle, permutations: o.permutations }) : null,
  };
}

interface Drop {
  rule: 'repeated-paragraph' | 'stitched-paragraph';
  coverage: number;
  /** Line indices the text was found in, most first. */
  sources: number[];
}

/**
 * The paragraphs to drop, with why. Each window of each paragraph goes into a
 * table that counts the distinct kept paragraphs holding it. Candidates are
 * paragraphs covered enough by others; they are tried in order — stitched
 * from several paragraphs first, then shorter first, then later first — and
 * each is dropped only if, with the drops before it, it is still covered by
 * paragraphs that stay. So of two copies one always stays.
 */
export function repeatedParagraphs(text: string, lines: readonly Line[], o: DedupeOptions): Map<number, Drop> {
  const k = o.paragraphWindow;
  // One fold for the whole text; each paragraph is a range of it.
  const all = fold(text);
  const f: Folding = { codes: all.codes, slots: new Int32Array(all.length), table: new WindowTable(all.length), k };
  const hashes = new Uint32Array(all.length);
  let at = 0;
  let slotAt = 0;
  const paras: Para[] = lines.map((l) => {
    while (at < all.length && all.starts[at]! < l.start) at++;
    const from = at;
    while (at < all.length && all.starts[at]! < l.end) at++;
    const p: Para = { line: l.index, from, to: at, slotFrom: slotAt, slotTo: slotAt };
    if (at - from < k || isHeading(l.text)) {
      p.whole = true;
      // A label such as "问：" or "记者：" repeats by design.
      p.label = /[:：]\s*$/u.test(l.text);
      return p;
    }
    const n = windowHashes(all.codes, from, at, k, hashes, 0);
    for (let i = 0; i < n; i++) f.slots[slotAt + i] = f.table.add(hashes[i]!, l.index);
    slotAt += n;
    p.slotTo = slotAt;
    return p;
  });

  const dropped = new Map<number, Drop>();
  dropShortRepeats(paras, f.codes, o, dropped);

  // Candidates: covered enough by the other paragraphs as they are now.
  const candidates: { p: Para; sources: number[]; coverage: number }[] = [];
  for (const p of paras) {
    if (p.slotTo === p.slotFrom) continue;
    const c = coverage(p, f);
    if (!enough(c, length(p), o)) continue;
    const sources = sourcesOf(p, f);
    // Covered only by scattered set phrases, not by another paragraph's text: not a repeat.
    if (sources.length === 0) continue;
    candidates.push({ p, sources, coverage: c });
  }
  candidates.sort((a, b) => b.sources.length - a.sources.length || length(a.p) - length(b.p) || b.p.line - a.p.line);
  for (const cand of candidates) {
    const { p } = cand;
    const c = coverage(p, f);
    if (!enough(c, length(p), o)) continue;
    // Where its text is now, with the drops before it (for the report).
    const sources = sourcesOf(p, f);
    if (length(p) < o.partialMinChars) {
      // Short: must be a part of one kept paragraph holding its first window.
      const outer = f.table.holdersOf(f.slots[p.slotFrom]!, p.line).find((q) => contains(f.codes, paras[q]!, p));
      if (outer === undefined) continue;
      if (!sources.includes(outer)) sources.unshift(outer);
    }
    f.table.remove(p.line, f.slots.subarray(p.slotFrom, p.slotTo));
    dropped.set(p.line, {
      rule: cand.sources.length > 1 ? 'stitched-paragraph' : 'repeated-paragraph',
      coverage: round3(c),
      sources: sources.length > 0 ? sources : cand.sources,
    });
  }
  return dropped;
}

/**
 * A heading or caption: short, no sentence-final punctuation. Its words are
 * usually said again in the body, so it is compared only whole, with other
 * headings: a headline twice is a repeat, a headline and its lead are not.
 */
function isHeading(text: string): boolean {
  return text.length <= 50 && !/[。！？!?…]/u.test(text);
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
function dropShortRepeats(paras: Para[], codes: Int32Array, o: DedupeOptions, dropped: Map<number, Drop>): void {
  let previous: Para | undefined;
  for (const p of paras) {
    const same = p.whole && previous?.whole && !p.label && length(p) >= o.shortMinChars && equal(codes, previous, p);
    if (same) dropped.set(p.line, { rule: 'repeated-paragraph', coverage: 1, sources: [previous!.line] });
    else previous = p;
  }
}

function equal(codes: Int32Array, a: Para, b: Para): boolean {
  if (length(a) !== length(b)) return false;
  for (let i = 0; i < length(a); i++) if (codes[a.from + i] !== codes[b.from + i]) return false;
  return true;
}

/** Whether the folded text of `inner` occurs in that of `outer`. */
function contains(codes: Int32Array, outer: Para, inner: Para): boolean {
  const n = length(inner);
  outer: for (let i = outer.from; i + n <= outer.to; i++) {
    for (let j = 0; j < n; j++) if (codes[i + j] !== codes[inner.from + j]) continue outer;
    return true;
  }
  return false;
}

/** Share of a paragraph's folded characters inside some window another kept paragraph also has. */
function coverage(p: Para, f: Folding): number {
  let covered = 0;
  let until = 0; // folded characters [0, until) of the paragraph are counted
  for (let i = 0; i < p.slotTo - p.slotFrom; i++) {
    if (f.table.count(f.slots[p.slotFrom + i]!) < 2) continue;
    covered += i + f.k - Math.max(i, until);
    until = i + f.k;
  }
  return covered / length(p);
}

/** The other paragraphs a paragraph's shared windows come from, most shared first; a source needs a window's worth. */
function sourcesOf(p: Para, f: Folding): number[] {
  const shared = new Map<number, number>();
  for (let i = p.slotFrom; i < p.slotTo; i++) {
    const other = f.table.other(f.slots[i]!, p.line);
    if (other >= 0) shared.set(other, (shared.get(other) ?? 0) + 1);
  }
  return [...shared]
    .filter(([, n]) => n >= f.k)
    .sort((a, b) => b[1] - a[1] || a[0] - b[0])
    .map(([line]) => line);
}

/** How many paragraphs holding a window the table remembers by number (the count is always exact). */
const HOLDERS = 4;

/**
 * Open addressing from a window's 32-bit hash to how many distinct kept
 * paragraphs hold it, and the first few that do. Sized once per document.
 */
class WindowTable {
  private readonly keys: Uint32Array;
  private readonly counts: Int32Array;
  /** HOLDERS paragraph numbers per slot, -1 when unused. */
  private readonly holders: Int32Array;
  /** The last paragraph counted at a slot, so a window twice in one paragraph counts once. */
  private readonly last: Int32Array;
  private readonly mask: number;
  private readonly dropped = new Set<number>();

  constructor(windows: number) {
    let n = 16;
    while (n < windows * 2) n *= 2;
    this.keys = new Uint32Array(n);
    this.counts = new Int32Array(n);
    this.holders = new Int32Array(n * HOLDERS).fill(-1);
    this.last = new Int32Array(n).fill(-1);
    this.mask = n - 1;
  }

  add(hash: number, para: number): number {
    let i = hash & this.mask;
    while (this.last[i] !== -1 && this.keys[i] !== hash) i = (i + 1) & this.mask;
    this.keys[i] = hash;
    if (this.last[i] !== para) {
      if (this.counts[i]! < HOLDERS) this.holders[i * HOLDERS + this.counts[i]!] = para;
      this.last[i] = para;
      this.counts[i]!++;
    }
    return i;
  }

  count(slot: number): number {
    return this.counts[slot]!;
  }

  /** A kept paragraph other than `para` known to hold the window at `slot`, or -1. */
  other(slot: number, para: number): number {
    return this.holdersOf(slot, para)[0] ?? -1;
  }

  /** The kept paragraphs other than `para` known to hold the window at `slot`. */
  holdersOf(slot: number, para: number): number[] {
    const out: number[] = [];
    for (let h = slot * HOLDERS; h < slot * HOLDERS + HOLDERS; h++) {
      const q = this.holders[h]!;
      if (q === -1) break;
      if (q !== para && !this.dropped.has(q)) out.push(q);
    }
    return out;
  }

  /** Paragraph `para` is dropped: its windows are held by one paragraph fewer. */
  remove(para: number, slots: Int32Array): void {
    this.dropped.add(para);
    const seen = new Set<number>();
    for (const s of slots) {
      if (seen.has(s)) continue;
      seen.add(s);
      this.counts[s]!--;
    }
  }
}
