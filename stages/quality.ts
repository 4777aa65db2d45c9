// quality: signals on the cleaned text, one score, and a keep/reject decision
// that names every rule it failed.
//
// The rules are Gopher's and C4's, counted the way Chinese needs: characters,
// not space-separated words (Chinese has no spaces), and sentence ends
// 。！？… not only . ? ! (C4's rule would delete every Chinese line). The
// starting values follow FineWeb-2's `cmn_Hani` filters and Gopher's
// repetition limits; all of them are options of this stage, in one place.

import type { Stage } from '../pipeline/types.js';
import { isSpace, round3 } from '../pipeline/text.js';
import { hashBuffer, repeatedWindowsShare, rollingTop, ROLLING_BASE } from './quality/repeated.js';

export { repeatedShare } from './quality/repeated.js';

export interface QualityOptions {
  /** Fewer Han-or-letter characters than this: too short to be an article (FineWeb-2 cmn: ~50 words ≈ 50–100 characters). */
  minChars: number;
  /** More than this: not a news article but a dump (Gopher: 100k words). */
  maxChars: number;
  /** Share of Han characters among the letters (Han, kana, hangul, Latin). */
  minHanShare: number;
  /** Share of lines ending a sentence (。！？… or a closing quote after one); C4 in Chinese. Only for texts of 3+ lines. */
  minSentenceEndShare: number;
  /** Share of characters in lines that occur more than once (Gopher dup_line_char_frac 0.2). */
  maxDuplicateLineShare: number;
  /** Share of characters inside 10-character sequences that occur more than once (Gopher dup_10gram_frac 0.10, in characters). */
  maxRepeatedNgramShare: number;
  /** Share of symbols (#, *, |, bullets, emoji ...) among non-space characters (Gopher symbol ratio 0.1). */
  maxSymbolShare: number;
  /** Share of digits among non-space characters: tables of figures and lists of dates. */
  maxDigitShare: number;
  /** Mean characters per sentence: below, fragments (menus, tags); above, text without sentence ends. */
  minMeanSentence: number;
  maxMeanSentence: number;
  /** Share of the input removed by all stages together, above which the page was mostly not an article. */
  maxRemovedShare: number;
}

export interface QualityRule {
  id: string;
  signal: keyof Signals;
  kind: 'min' | 'max';
  threshold: (o: QualityOptions) => number;
  /** One sentence for the reason, given the value and the threshold. */
  say: (value: number, threshold: number) => string;
  /** Whether the rule applies to this text (e.g. line rules need several lines). */
  applies?: (s: Signals) => boolean;
}

/** A type, not an interface: a plain record of numbers, published as the report's `signals` as it is. */
export type Signals = {
  chars: number;
  lines: number;
  hanShare: number;
  sentenceEndShare: number;
  duplicateLineShare: number;
  repeatedNgramShare: number;
  symbolShare: number;
  digitShare: number;
  meanSentenceLength: number;
  removedShare: number;
  spinScore: number;
  languageScore: number;
  [removedBy: `removed.${string}`]: number;
};

const pct = (x: number): string => `${Math.round(x * 100)}%`;

/** The rules, in the order they are checked and reported. */
export const RULES: QualityRule[] = [
  { id: 'too-short', signal: 'chars', kind: 'min', threshold: (o) => o.minChars, say: (v, t) => `${v} characters of text, fewer than ${t}.` },
  { id: 'too-long', signal: 'chars', kind: 'max', threshold: (o) => o.maxChars, say: (v, t) => `${v} characters, more than ${t}.` },
  {
    id: 'low-han-share',
    signal: 'hanShare',
    kind: 'min',
    threshold: (o) => o.minHanShare,
    say: (v, t) => `${pct(v)} of the letters are Han characters, under ${pct(t)}.`,
    applies: (s) => s.chars > 0,
  },
  {
    id: 'few-sentence-ends',
    signal: 'sentenceEndShare',
    kind: 'min',
    threshold: (o) => o.minSentenceEndShare,
    say: (v, t) => `${pct(v)} of the lines end a sentence, under ${pct(t)}: a list of links or headings, not prose.`,
    applies: (s) => s.lines >= 3,
  },
  {
    id: 'duplicate-lines',
    signal: 'duplicateLineShare',
    kind: 'max',
    threshold: (o) => o.maxDuplicateLineShare,
    say: (v, t) => `${pct(v)} of the text is in lines that occur more than once, over ${pct(t)}.`,
  },
  {
    id: 'repeated-ngrams',
    signal: 'repeatedNgramShare',
    kind: 'max',
    threshold: (o) => o.maxRepeatedNgramShare,
    say: (v, t) => `${pct(v)} of the characters are in repeated 10-character sequences, over ${pct(t)}.`,
  },
  { id: 'many-symbols', signal: 'symbolShare', kind: 'max', threshold: (o) => o.maxSymbolShare, say: (v, t) => `${pct(v)} of the characters are symbols, over ${pct(t)}.` },
  { id: 'many-digits', signal: 'digitShare', kind: 'max', threshold: (o) => o.maxDigitShare, say: (v, t) => `${pct(v)} of the characters are digits, over ${pct(t)}.` },
  {
    id: 'short-sentences',
    signal: 'meanSentenceLength',
    kind: 'min',
    threshold: (o) => o.minMeanSentence,
    say: (v, t) => `sentences average ${Math.round(v)} characters, under ${t}: fragments.`,
    applies: (s) => s.chars > 0,
  },
  {
    id: 'long-sentences',
    signal: 'meanSentenceLength',
    kind: 'max',
    threshold: (o) => o.maxMeanSentence,
    say: (v, t) => `sentences average ${Math.round(v)} characters, over ${t}: text without sentence ends.`,
  },
  {
    id: 'mostly-removed',
    signal: 'removedShare',
    kind: 'max',
    threshold: (o) => o.maxRemovedShare,
    say: (v, t) => `${pct(v)} of the page was removed as boilerplate, repeats or noise, over ${pct(t)}.`,
  },
];

const HAN = /\p{Script=Han}/u;
const LETTER = /\p{L}/u;
const SYMBOL = /[\p{S}#*|•●◆■□★☆▶►]/u;

// What the signals need to know of a UTF-16 unit, in one byte: its class for the counts
// (low 3 bits, never 0 once known) and flags. A table memoised per unit: the Unicode
// classes are tested the first time a unit is met, not at every occurrence.
const CLASS = 0x07;
const C_OTHER = 1;
/** White space the character counts leave out. */
const C_SKIP = 2;
const C_DIGIT = 3;
const C_HAN = 4;
const C_LETTER = 5;
const C_SYMBOL = 6;
/** White space as /\s/u: left out of the n-gram windows. */
const NGRAM_SPACE = 0x08;
/** Left out of sentence lengths: white space and the second half of a surrogate pair. */
const SENTENCE_SKIP = 0x10;
/** 。！？!?… : ends a sentence. */
const ENDER = 0x20;
/** ”’」』 : one of them right after a sentence end belongs to it. */
const CLOSER = 0x40;
/** The first half of a surrogate pair. */
const HIGH = 0x80;

const unitFlags = new Uint8Array(0x10000);

/** The counting class of a code point, by ranges for the common cases and the Unicode classes for the rest. */
function countClass(c: number): number {
  if (c === 0x20 || c === 0x0a || c === 0x09 || c === 0x3000) return C_SKIP;
  if (c >= 0x30 && c <= 0x39) return C_DIGIT;
  if ((c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf)) return C_HAN;
  if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) return C_LETTER;
  if (c < 0x80 || (c >= 0x3000 && c <= 0x303f) || (c >= 0xff00 && c <= 0xff0f) || (c >= 0x2010 && c <= 0x2027)) {
    return c < 0x80 && SYMBOL.test(String.fromCharCode(c)) ? C_SYMBOL : C_OTHER;
  }
  // Anything else (rare in Chinese text): the Unicode classes decide.
  const ch = String.fromCodePoint(c);
  return HAN.test(ch) ? C_HAN : LETTER.test(ch) ? C_LETTER : SYMBOL.test(ch) ? C_SYMBOL : C_OTHER;
}

function flagsOf(c: number): number {
  let f = countClass(c);
  if (isSpace(c)) f |= NGRAM_SPACE;
  if (c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d || c === 0x3000 || c === 0xa0 || (c >= 0xdc00 && c <= 0xdfff)) f |= SENTENCE_SKIP;
  if (c === 0x3002 || c === 0xff01 || c === 0xff1f || c === 0x21 || c === 0x3f || c === 0x2026) f |= ENDER;
  if (c === 0x201d || c === 0x2019 || c === 0x300d || c === 0x300f) f |= CLOSER;
  if (c >= 0xd800 && c <= 0xdbff) f |= HIGH;
  return f;
}

/** Units a line may end with after its sentence end: ”’」』）) */
const isLineCloser = (c: number): boolean => c === 0x201d || c === 0x2019 || c === 0x300d || c === 0x300f || c === 0xff09 || c === 0x29;

/** Does the line [start, end) end a sentence: 。！？!?… last, or before a run of closing quotes and brackets? */
function endsSentence(text: string, start: number, end: number): boolean {
  let k = end - 1;
  while (k > start && isLineCloser(text.charCodeAt(k))) k--;
  return k >= start && (unitFlags[text.charCodeAt(k)]! & ENDER) !== 0;
}

/** Reused from document to document: the lines' bounds and hashes, and a table of lines by hash. */
let lineStarts = new Int32Array(256);
let lineEnds = new Int32Array(256);
let lineHashes = new Int32Array(256);
/** Per line, the first line with the same text (its own index when it is the first). */
let lineFirst = new Int32Array(256);
let lineCopies = new Int32Array(256);
let lineSlots = new Int32Array(512);

/** Characters in lines that occur more than once: lines grouped by hash, the text of each match compared. */
function duplicateLineChars(text: string, lines: number): number {
  let size = 64;
  while (size < lines * 2) size <<= 1;
  if (lineSlots.length < size) lineSlots = new Int32Array(size);
  // A slot holds a line's index plus one; 0 is free.
  lineSlots.fill(0, 0, size);
  const mask = size - 1;
  let any = false;
  for (let i = 0; i < lines; i++) {
    lineFirst[i] = i;
    lineCopies[i] = 1;
    const start = lineStarts[i]!;
    const length = lineEnds[i]! - start;
    // An empty line adds no characters, however often it occurs.
    if (length === 0) continue;
    const h = lineHashes[i]!;
    let s = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) & mask;
    for (;;) {
      const j = lineSlots[s]! - 1;
      if (j < 0) {
        lineSlots[s] = i + 1;
        break;
      }
      if (lineHashes[j] === h && lineEnds[j]! - lineStarts[j]! === length && sameText(text, lineStarts[j]!, start, length)) {
        lineFirst[i] = j;
        lineCopies[j]!++;
        any = true;
        break;
      }
      s = (s + 1) & mask;
    }
  }
  if (!any) return 0;
  let chars = 0;
  for (let i = 0; i < lines; i++) if (lineCopies[lineFirst[i]!]! > 1) chars += lineEnds[i]! - lineStarts[i]!;
  return chars;
}

function sameText(text: string, a: number, b: number, length: number): boolean {
  for (let k = 0; k < length; k++) if (text.charCodeAt(a + k) !== text.charCodeAt(b + k)) return false;
  return true;
}

function growLines(): void {
  const grow = (a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> => {
    const b = new Int32Array(a.length * 2);
    b.set(a);
    return b;
  };
  lineStarts = grow(lineStarts);
  lineEnds = grow(lineEnds);
  lineHashes = grow(lineHashes);
  lineFirst = new Int32Array(lineStarts.length);
  lineCopies = new Int32Array(lineStarts.length);
}

/** Windows of the repeated n-gram signal, in units (Gopher's 10-gram, in characters). */
const NGRAM = 10;
const NGRAM_TOP = rollingTop(NGRAM);
/** The last 16 n-gram units, for the unit leaving the window (NGRAM ≤ 16). */
const recent = new Uint16Array(16);
/** `removed.<stage>` for each stage name met. */
const removedKeys = new Map<string, `removed.${string}`>();

/**
 * Every signal of a cleaned text. One pass over the units does the counts by class, the
 * sentences, the lines (bounds, hash, sentence end) and the n-gram windows' hashes; no
 * string per line, sentence or window.
 */
export function signals(text: string, original: string, steps: readonly { stage: string; length: number }[]): Signals {
  const length = text.length;
  // hs[k]: the hash of the n-gram units before the k-th (the window ending there).
  const hs = hashBuffer(length);
  const ring = recent;
  ring.fill(0);
  let ngramUnits = 0;
  let h = 0;
  // Units per class (local counters: an array's counter would be a chain of loads and stores).
  let han = 0;
  let letters = 0;
  let digits = 0;
  let symbols = 0;
  let others = 0;
  // Sentences: a sentence ends at a run of 。！？!?… and one closing quote after it; its characters leave out white space.
  let sentences = 0;
  let sentenceChars = 0;
  let current = 0;
  let afterEnd = false;
  // Lines, split at \n.
  let lines = 0;
  let ended = 0;
  let lineStart = 0;
  let lineHash = 0;
  /** The second half of a surrogate pair the counts took with the first (or the unit after a lone first half). */
  let taken = -1;
  // Locals: module bindings are read through their context (imported ones with a check) at every use.
  const flagTable = unitFlags;
  const n = NGRAM;
  const base = ROLLING_BASE;
  /** B^n: the weight of the unit leaving the window, after the window's multiplication by B. */
  const leavingWeight = Math.imul(NGRAM_TOP, ROLLING_BASE);
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x4e00 && c <= 0x9fff && i !== taken) {
      // A common Han character, most units: a letter, in its sentence, in the n-grams.
      han++;
      current++;
      afterEnd = false;
    } else {
      let f = flagTable[c]!;
      if (f === 0) f = flagTable[c] = flagsOf(c);

      if (i !== taken) {
        let k = f & CLASS;
        if ((f & HIGH) !== 0 && i + 1 < length) {
          const cp = text.codePointAt(i)!;
          taken = i + 1;
          if (cp > 0xffff) k = countClass(cp);
        }
        if (k === C_HAN) han++;
        else if (k !== C_SKIP) {
          if (k === C_LETTER) letters++;
          else if (k === C_DIGIT) digits++;
          else if (k === C_SYMBOL) symbols++;
          else others++;
        }
      }

      if ((f & ENDER) !== 0) {
        if (current > 0) {
          sentences++;
          sentenceChars += current;
        }
        current = 0;
        afterEnd = true;
      } else {
        if (!(afterEnd && (f & CLOSER) !== 0) && (f & SENTENCE_SKIP) === 0) current++;
        afterEnd = false;
      }

      if ((f & NGRAM_SPACE) !== 0) {
        if (c === 0x0a) {
          if (lines === lineStarts.length) growLines();
          lineStarts[lines] = lineStart;
          lineEnds[lines] = i;
          lineHashes[lines++] = lineHash;
          if (endsSentence(text, lineStart, i)) ended++;
          lineStart = i + 1;
          lineHash = 0;
        } else lineHash = (Math.imul(lineHash, 31) + c) | 0;
        continue;
      }
    }
    // An n-gram unit: the window ending here rolls on (the ring's zeros stand for the units before the first).
    const leaving = ngramUnits & 15;
    // (h − leaving·B^(n−1))·B + c, with the leaving unit's term computed beside the chain through h.
    h = (Math.imul(h, base) + (c - Math.imul(ring[(ngramUnits - n) & 15]!, leavingWeight))) | 0;
    ring[leaving] = c;
    hs[++ngramUnits] = h;
    lineHash = (Math.imul(lineHash, 31) + c) | 0;
  }
  if (current > 0) {
    sentences++;
    sentenceChars += current;
  }
  if (length > 0) {
    if (lines === lineStarts.length) growLines();
    lineStarts[lines] = lineStart;
    lineEnds[lines] = length;
    lineHashes[lines++] = lineHash;
    if (endsSentence(text, lineStart, length)) ended++;
  }
  const dupChars = duplicateLineChars(text, lines);

  letters += han;
  const nonSpace = others + digits + letters + symbols;
  const out: Signals = {
    chars: letters + digits,
    lines,
    hanShare: letters === 0 ? 0 : round3(han / letters),
    sentenceEndShare: lines === 0 ? 0 : round3(ended / lines),
    duplicateLineShare: length === 0 ? 0 : round3(dupChars / length),
    repeatedNgramShare: round3(repeatedWindowsShare(hs, ngramUnits, NGRAM)),
    symbolShare: nonSpace === 0 ? 0 : round3(symbols / nonSpace),
    digitShare: nonSpace === 0 ? 0 : round3(digits / nonSpace),
    meanSentenceLength: sentences === 0 ? 0 : round3(sentenceChars / sentences),
    removedShare: original.length === 0 ? 0 : round3(Math.max(0, original.length - length) / original.length),
    spinScore: 0,
    languageScore: 0,
  };
  let before = original.length;
  for (const s of steps) {
    // Summed over the passes a stage ran in; the keys after the signals above, in the order of the stages' first edits.
    if (before !== s.length && original.length > 0) {
      let key = removedKeys.get(s.stage);
      if (key === undefined) removedKeys.set(s.stage, (key = `removed.${s.stage}`));
      out[key] = round3((out[key] ?? 0) + (before - s.length) / original.length);
    }
    before = s.length;
  }
  return out;
}

export const quality: Stage<QualityOptions> = {
  name: 'quality',
  measureOnly: true,
  description: 'Quality signals on the cleaned text (length, Han share, sentence ends, repetition, symbols, digits, removed share), one score, and a keep/reject decision naming each failed rule.',
  defaults: {
    minChars: 50,
    maxChars: 200_000,
    minHanShare: 0.5,
    minSentenceEndShare: 0.3,
    maxDuplicateLineShare: 0.2,
    maxRepeatedNgramShare: 0.3,
    maxSymbolShare: 0.1,
    maxDigitShare: 0.3,
    minMeanSentence: 8,
    maxMeanSentence: 400,
    maxRemovedShare: 0.97,
  },
  limits: {
    minChars: { integer: true, min: 0 },
    maxChars: { integer: true, min: 0 },
    minHanShare: { min: 0, max: 1 },
    minSentenceEndShare: { min: 0, max: 1 },
    maxDuplicateLineShare: { min: 0, max: 1 },
    maxRepeatedNgramShare: { min: 0, max: 1 },
    maxSymbolShare: { min: 0, max: 1 },
    maxDigitShare: { min: 0, max: 1 },
    minMeanSentence: { min: 0 },
    maxMeanSentence: { min: 0 },
    maxRemovedShare: { min: 0, max: 1 },
  },
  checkOptions: (o) =>
    o.minChars > o.maxChars
      ? `minChars (${o.minChars}) is above maxChars (${o.maxChars}): every document would be rejected`
      : o.minMeanSentence > o.maxMeanSentence
        ? `minMeanSentence (${o.minMeanSentence}) is above maxMeanSentence (${o.maxMeanSentence}): every document would be rejected`
        : undefined,

  apply(doc, o) {
    const s = signals(doc.text, doc.original, doc.steps);
    s.spinScore = doc.data.spin?.score ?? 0;
    s.languageScore = doc.data.language?.score ?? 0;
    const reject: { rule: string; reason: string; data: Record<string, unknown> }[] = [];
    let score = 1;
    for (const r of RULES) {
      if (r.applies && !r.applies(s)) continue;
      const value = s[r.signal] as number;
      const t = r.threshold(o);
      // Each rule scales the score by how far inside its limit the value is: 1 well inside, 0.5 at the limit, less beyond.
      const ratio = r.kind === 'min' ? (t === 0 ? 1 : value / t) : value === 0 ? Infinity : t / value;
      score *= ratio < 1 ? ratio / 2 : Math.min(1, 0.5 + (ratio - 1) / 2);
      const failed = r.kind === 'min' ? value < t : value > t;
      if (failed) reject.push({ rule: r.id, reason: r.say(value, t), data: { signal: r.signal, value, threshold: t } });
    }
    return { data: { quality: { score: round3(score), signals: s } }, ...(reject.length > 0 ? { reject } : {}) };
  },
};

