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
import { dropRange, preview, splitLines } from '../pipeline/text.js';
import type { Stage } from '../pipeline/types.js';
import { MemoryDedupIndex, type DedupIndex, type DedupIndexParams } from './dedupe/corpus-index.js';
import { fold, type Folded } from './dedupe/fold.js';
import { hash64, shingleHashes } from './dedupe/hash.js';
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
  'exact-duplicate': 'duplicate: the document is a copy of an earlier one (same text once punctuation, spacing, width and script are ignored).',
  'near-duplicate': 'duplicate: the document is a near copy of an earlier one (MinHash estimate of shingle overlap at or above the threshold).',
} as const;

/** A paragraph's folded text and its windows, with the slot of each window in the document's table. */
interface Para {
  line: number;
  folded: Folded;
  /** Table slot of each window; empty for a paragraph compared whole. */
  slots: Int32Array;
  /** Folded text of a paragraph compared whole (shorter than a window, or a heading). */
  whole?: string;
}

export const dedupe: Stage<DedupeOptions> = {
  name: 'dedupe',
  description: 'Remove repeated and stitched paragraphs; reject documents that duplicate an earlier one (exact hash, MinHash + LSH).',
  defaults: {
    paragraphs: true,
    paragraphWindow: 8,
    paragraphCoverage: 0.9,
    paragraphMaxNew: 40,
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
    const dropped = repeatedParagraphs(
      lines.map((l) => l.text),
      o,
    );
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

  decide(doc, o, ctx) {
    if (o.corpus === 'off') return {};
    const params: DedupIndexParams = { permutations: o.permutations, bands: o.bands, rows: o.rows, threshold: o.threshold, near: o.corpus === 'near' };
    const index = ctx.store<DedupIndex>(`dedupe:${JSON.stringify(params)}`, () => new MemoryDedupIndex(params));
    const folded = fold(doc.text);
    if (folded.length === 0) return {}; // nothing to compare: an empty document is not a copy of anything
    const fp = {
      exact: hash64(folded.codes),
      signature: o.corpus === 'near' ? signature(folded.codes, { shingle: o.shingle, permutations: o.permutations }) : null,
    };
    const match = index.admit(doc.id, fp);
    if (!match) return {};
    const rule = match.exact ? 'exact-duplicate' : 'near-duplicate';
    return {
      data: { duplicateOf: match.id, similarity: match.similarity },
      reject: [{ rule, reason: `${REASONS[rule]} Kept: ${match.id}; similarity ${match.similarity}.`, data: { duplicateOf: match.id, similarity: match.similarity } }],
    };
  },
};

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
export function repeatedParagraphs(texts: readonly string[], o: DedupeOptions): Map<number, Drop> {
  const k = o.paragraphWindow;
  const table = new WindowTable(texts.reduce((n, t) => n + t.length, 0));
  const paras: Para[] = texts.map((t, line) => {
    const folded = fold(t);
    if (folded.length < k || isHeading(t)) {
      const whole = String.fromCodePoint(...folded.codes);
      return { line, folded, slots: new Int32Array(0), whole };
    }
    const hashes = shingleHashes(folded.codes, k);
    const slots = new Int32Array(hashes.length);
    for (let i = 0; i < hashes.length; i++) slots[i] = table.add(hashes[i]!, line);
    return { line, folded, slots };
  });

  const dropped = new Map<number, Drop>();
  dropShortRepeats(paras, o, dropped);

  // Candidates: covered enough by the other paragraphs as they are now.
  const candidates: { p: Para; sources: number[]; coverage: number }[] = [];
  for (const p of paras) {
    if (p.slots.length === 0) continue;
    const c = coverage(p, k, table);
    if (!enough(c, p.folded.length, o)) continue;
    const sources = sourcesOf(p, table, k);
    // Covered only by scattered set phrases, not by another paragraph's text: not a repeat.
    if (sources.length === 0) continue;
    candidates.push({ p, sources, coverage: c });
  }
  candidates.sort(
    (a, b) => b.sources.length - a.sources.length || a.p.folded.length - b.p.folded.length || b.p.line - a.p.line,
  );
  for (const cand of candidates) {
    const c = coverage(cand.p, k, table);
    if (!enough(c, cand.p.folded.length, o)) continue;
    // Where its text is now, with the drops before it (for the report).
    const sources = sourcesOf(cand.p, table, k);
    if (cand.p.folded.length < o.partialMinChars) {
      // Short: must be a part of one kept paragraph holding its first window.
      const outer = table.holdersOf(cand.p.slots[0]!, cand.p.line).find((q) => contains(paras[q]!, cand.p));
      if (outer === undefined) continue;
      if (!sources.includes(outer)) sources.unshift(outer);
    }
    table.remove(cand.p.line, cand.p.slots);
    dropped.set(cand.p.line, {
      rule: cand.sources.length > 1 ? 'stitched-paragraph' : 'repeated-paragraph',
      coverage: Math.round(c * 1000) / 1000,
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
function dropShortRepeats(paras: Para[], o: DedupeOptions, dropped: Map<number, Drop>): void {
  let previous: Para | undefined;
  for (const p of paras) {
    const same = p.whole !== undefined && previous?.whole === p.whole && p.folded.length >= o.shortMinChars;
    // A label such as "问：" or "记者：" repeats by design.
    if (same && !/[:：]\s*$/u.test(p.whole!)) dropped.set(p.line, { rule: 'repeated-paragraph', coverage: 1, sources: [previous!.line] });
    else previous = p;
  }
}

/** Whether the folded text of `inner` occurs in that of `outer`. */
function contains(outer: Para, inner: Para): boolean {
  const a = outer.folded.codes;
  const b = inner.folded.codes;
  outer: for (let i = 0; i + b.length <= a.length; i++) {
    for (let j = 0; j < b.length; j++) if (a[i + j] !== b[j]) continue outer;
    return true;
  }
  return false;
}

/** Share of a paragraph's folded characters inside some window another kept paragraph also has. */
function coverage(p: Para, k: number, table: WindowTable): number {
  let covered = 0;
  let until = 0; // folded characters [0, until) are counted
  for (let i = 0; i < p.slots.length; i++) {
    if (table.count(p.slots[i]!) < 2) continue;
    const from = Math.max(i, until);
    covered += i + k - from;
    until = i + k;
  }
  return covered / p.folded.length;
}

/** The other paragraphs a paragraph's shared windows come from, most shared first; a source needs a few windows. */
function sourcesOf(p: Para, table: WindowTable, k: number): number[] {
  const shared = new Map<number, number>();
  for (const s of p.slots) {
    const other = table.other(s, p.line);
    if (other >= 0) shared.set(other, (shared.get(other) ?? 0) + 1);
  }
  return [...shared]
    .filter(([, n]) => n >= k)
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
