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

export interface Signals {
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
}

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
const SENTENCE_END = /[。！？!?…]$|[。！？!?…][”’」』）)]+$/u;
const SYMBOL = /[\p{S}#*|•●◆■□★☆▶►]/u;

/** Every signal of a cleaned text. */
export function signals(text: string, original: string, steps: readonly { stage: string; length: number }[]): Signals {
  let letters = 0;
  let han = 0;
  let nonSpace = 0;
  let symbols = 0;
  let digits = 0;
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x0a || c === 0x09 || c === 0x3000) continue;
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) c = text.codePointAt(i++)!;
    nonSpace++;
    // Code-point ranges for the common cases; the Unicode regexes only for the rest.
    if (c >= 0x30 && c <= 0x39) digits++;
    else if ((c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf)) {
      han++;
      letters++;
    } else if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) letters++;
    else if (c < 0x80 || (c >= 0x3000 && c <= 0x303f) || (c >= 0xff00 && c <= 0xff0f) || (c >= 0x2010 && c <= 0x2027)) {
      if (c < 0x80 && SYMBOL.test(String.fromCharCode(c))) symbols++;
    } else {
      // Anything else (rare in Chinese text): the Unicode classes decide.
      const ch = String.fromCodePoint(c);
      if (HAN.test(ch)) {
        han++;
        letters++;
      } else if (LETTER.test(ch)) letters++;
      else if (SYMBOL.test(ch)) symbols++;
    }
  }
  const lines = text === '' ? [] : text.split('\n');
  const ended = lines.filter((l) => SENTENCE_END.test(l)).length;

  const seen = new Map<string, number>();
  for (const l of lines) seen.set(l, (seen.get(l) ?? 0) + 1);
  let dupChars = 0;
  for (const l of lines) if (seen.get(l)! > 1) dupChars += l.length;

  const { count: sentenceCount, chars: sentenceChars } = sentenceStats(text);

  const removed: Record<`removed.${string}`, number> = {};
  let before = original.length;
  for (const s of steps) {
    // Summed over the passes a stage ran in.
    if (before !== s.length && original.length > 0) removed[`removed.${s.stage}`] = round3((removed[`removed.${s.stage}`] ?? 0) + (before - s.length) / original.length);
    before = s.length;
  }

  return {
    chars: letters + digits,
    lines: lines.length,
    hanShare: letters === 0 ? 0 : round3(han / letters),
    sentenceEndShare: lines.length === 0 ? 0 : round3(ended / lines.length),
    duplicateLineShare: text.length === 0 ? 0 : round3(dupChars / text.length),
    repeatedNgramShare: round3(repeatedShare(text, 10)),
    symbolShare: nonSpace === 0 ? 0 : round3(symbols / nonSpace),
    digitShare: nonSpace === 0 ? 0 : round3(digits / nonSpace),
    meanSentenceLength: sentenceCount === 0 ? 0 : round3(sentenceChars / sentenceCount),
    removedShare: original.length === 0 ? 0 : round3(Math.max(0, original.length - text.length) / original.length),
    spinScore: 0,
    languageScore: 0,
    ...removed,
  };
}

/**
 * Sentences and their characters, spaces left out: a sentence ends at a run of 。！？!?…
 * (and one closing quote after it). One pass, no string per sentence.
 */
function sentenceStats(text: string): { count: number; chars: number } {
  let count = 0;
  let chars = 0;
  let current = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x3002 || c === 0xff01 || c === 0xff1f || c === 0x21 || c === 0x3f || c === 0x2026) {
      while (i + 1 < text.length && /[。！？!?…]/u.test(text[i + 1]!)) i++;
      if (i + 1 < text.length && /[”’」』]/u.test(text[i + 1]!)) i++;
      if (current > 0) {
        count++;
        chars += current;
      }
      current = 0;
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      // The second half of a surrogate pair: the character was counted at its first half.
    } else if (!(c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d || c === 0x3000 || c === 0xa0)) current++;
  }
  if (current > 0) {
    count++;
    chars += current;
  }
  return { count, chars };
}

/** Reused from document to document: the text's units without white space, window hashes, a hash table. */
let units = new Uint16Array(4096);
let hashes = new Int32Array(4096);
let tableKeys = new Int32Array(8192);
let tableCounts = new Uint8Array(8192);

/**
 * Share of characters covered by n-character sequences that occur more than once
 * (Gopher's duplicate n-gram fraction), white space left out. Windows are hashed by a
 * rolling polynomial and counted in an open-addressing table: linear time, typed arrays
 * reused across documents, no string per window (a 5-million-character line stays cheap).
 */
export function repeatedShare(text: string, n: number): number {
  if (units.length < text.length) units = new Uint16Array(text.length * 2);
  let len = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!isSpace(c)) units[len++] = c;
  }
  if (len < n * 2) return 0;
  const count = len - n + 1;
  if (hashes.length < count) hashes = new Int32Array(count * 2);
  const B = 0x01000193;
  let top = 1;
  for (let i = 1; i < n; i++) top = Math.imul(top, B);
  let h = 0;
  for (let i = 0; i < n; i++) h = (Math.imul(h, B) + units[i]!) | 0;
  hashes[0] = h;
  for (let i = n; i < len; i++) {
    h = (Math.imul(h - Math.imul(units[i - n]!, top), B) + units[i]!) | 0;
    hashes[i - n + 1] = h;
  }
  // Counts per hash (1, or 2 for "more than once"), in a table at most half full.
  let size = 1024;
  while (size < count * 2) size <<= 1;
  if (tableKeys.length < size) {
    tableKeys = new Int32Array(size);
    tableCounts = new Uint8Array(size);
  }
  const mask = size - 1;
  tableCounts.fill(0, 0, size);
  const slot = (key: number): number => {
    let s = Math.imul(key ^ (key >>> 15), 0x2c1b3c6d) & mask;
    while (tableCounts[s] !== 0 && tableKeys[s] !== key) s = (s + 1) & mask;
    return s;
  };
  let any = false;
  for (let i = 0; i < count; i++) {
    const s = slot(hashes[i]!);
    if (tableCounts[s] === 0) {
      tableKeys[s] = hashes[i]!;
      tableCounts[s] = 1;
    } else {
      tableCounts[s] = 2;
      any = true;
    }
  }
  if (!any) return 0;
  let covered = 0;
  let until = 0;
  for (let i = 0; i < count; i++) {
    if (tableCounts[slot(hashes[i]!)] !== 2) continue;
    covered += i + n - Math.max(i, until);
    until = i + n;
  }
  return covered / len;
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
    const signalsOut: Record<string, number> = { ...s };
    return { data: { quality: { score: round3(score), signals: signalsOut } }, ...(reject.length > 0 ? { reject } : {}) };
  },
};

