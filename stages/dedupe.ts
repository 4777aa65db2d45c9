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
import { bandsProblem, MemoryDedupIndex, type DedupIndex, type DedupIndexParams, type Fingerprint } from './dedupe/corpus-index.js';
import { foldCodes } from './dedupe/fold.js';
import { hash64 } from './dedupe/hash.js';
import { repeatedParagraphs } from './dedupe/paragraphs.js';
import { signature } from './dedupe/minhash.js';
import { int32Scratch } from './dedupe/scratch.js';

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
  limits: {
    paragraphWindow: { integer: true, min: 1 },
    paragraphCoverage: { min: 0, max: 1 },
    paragraphMaxNew: { integer: true, min: 0 },
    paragraphMaxChars: { integer: true, min: 0 },
    partialMinChars: { integer: true, min: 0 },
    shortMinChars: { integer: true, min: 0 },
    shingle: { integer: true, min: 1 },
    permutations: { integer: true, min: 1 },
    bands: { integer: true, min: 1 },
    rows: { integer: true, min: 1 },
    threshold: { min: 0, max: 1 },
  },
  checkOptions: bandsProblem,

  apply(doc, o) {
    handoff = null;
    const changes = new Changes();
    if (!o.paragraphs) return changes.result();
    // One line (perhaps ending with a break): no other paragraph to repeat.
    const firstBreak = doc.text.indexOf('\n');
    if (firstBreak === -1 || firstBreak === doc.text.length - 1) return changes.result();
    if (doc.text.length > o.paragraphMaxChars) {
      // The comparison holds about 100 bytes per character while it runs: bounded, and said.
      changes.finding({ rule: 'too-long-to-compare', action: 'flag', before: '', reason: REASONS['too-long-to-compare'], data: { chars: doc.text.length, limit: o.paragraphMaxChars } });
      return changes.result();
    }
    const { dropped, folded } = repeatedParagraphs(doc.text, o);
    if (dropped.size === 0) {
      handoff = { text: doc.text, folded };
      return changes.result();
    }
    const lines = splitLines(doc.text);
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
    const given = handoff?.text === doc.text ? handoff.folded : undefined;
    handoff = null;
    if (o.corpus === 'off' || doc.reasons.length > 0) return {};
    return { dedupeFingerprint: fingerprint(doc.text, o, given) };
  },

  decide(doc, o, ctx) {
    if (o.corpus === 'off') return {};
    // A document already rejected (not Chinese, too short ...) is not kept, so it cannot be the
    // copy later documents are rejected against.
    if (doc.reasons.length > 0) return {};
    const { params, name } = indexOf(o);
    const index = ctx.store<DedupIndex>(name, () => new MemoryDedupIndex(params));
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

/** The corpus index's parameters and store name for a set of options, worked out once per options object (the pipeline passes the same one for every document). */
const indexes = new WeakMap<DedupeOptions, { params: DedupIndexParams; name: string }>();

function indexOf(o: DedupeOptions): { params: DedupIndexParams; name: string } {
  let index = indexes.get(o);
  if (!index) {
    const params: DedupIndexParams = { permutations: o.permutations, bands: o.bands, rows: o.rows, threshold: o.threshold, near: o.corpus === 'near' };
    index = { params, name: `dedupe:${JSON.stringify(params)}` };
    indexes.set(o, index);
  }
  return index;
}

/**
 * The folded text of the last document apply compared and left unchanged, for
 * prepare of that same document: when nothing after dedupe edits it, its text
 * is folded once, not twice. Cleared by every apply and taken by prepare, so it
 * never outlives the document; used only for a text equal to the one folded.
 */
let handoff: { text: string; folded: Int32Array } | null = null;

/**
 * What the corpus index compares: a hash of the folded text and its MinHash
 * signature; null for a text with nothing to compare. `folded` is the folded
 * text when already at hand.
 */
function fingerprint(text: string, o: DedupeOptions, folded?: Int32Array): Fingerprint | null {
  let codes = folded;
  if (!codes) {
    const buffer = foldedScratch.take(text.length);
    codes = buffer.subarray(0, foldCodes(text, buffer));
  }
  if (codes.length === 0) return null;
  return {
    exact: hash64(codes),
    signature: o.corpus === 'near' ? signature(codes, { shingle: o.shingle, permutations: o.permutations }) : null,
  };
}

/** The folded text of the document being fingerprinted, reused from one document to the next. */
const foldedScratch = int32Scratch();
