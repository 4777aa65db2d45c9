// A word-frequency language model from jieba's dictionary (dict.txt shipped by
// @node-rs/jieba, MIT: 349k words with counts). The probability of a text is
// that of its best segmentation, found as jieba does: a DAG of the dictionary
// words starting at each character, then dynamic programming from the end.
// A character no dictionary word covers counts as a word seen once.
//
// Word counts carry more context than they seem to: 真正形成 splits into two
// common words, 实反构成 into rare single characters, so the first is many
// orders of magnitude more probable. That is the evidence a repair needs.
//
// The dictionary is held in typed arrays, not a Map of strings: an open-addressing
// table keyed by two 32-bit hashes of the UTF-16 units, holding every word and every
// prefix of a word (a prefix that is no word has no probability). Scoring then reads
// the text's character codes and stops extending a word as soon as no dictionary word
// starts that way, without cutting a substring; loading parses the file's bytes once.
// A 512 KB table of one-unit words and a 512 KB filter of longer keys answer most
// look-ups before the 16 MB table, whose lines are cold when the pipeline comes back to
// despin after the other stages.
// Load: about 0.17 s and 17 MB of tables per thread (a Map of strings took 0.6 s).

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

export interface LanguageModel {
  /** Natural-log probability of the best segmentation of `text`. */
  logProb(text: string): number;
  /** The best segmentation. */
  segment(text: string): string[];
  /** Natural-log probability of one word (unknown: as if seen once). */
  wordLogProb(word: string): number;
  /**
   * `logProb` on UTF-16 units already in an array, for callers that score many small variants
   * of a window: the best score from each position of `units[lo, end)` to `end`, filled into
   * `score` (and the end of the best first word into `next`) from `hi - 1` down to `lo`.
   * `score[end]` must be 0 and `score[hi..end)` filled by an earlier call on the same units
   * from `hi` on, so a variant that differs only before `hi` reuses them. Returns `score[lo]`.
   */
  scoreBackward(units: Uint16Array, lo: number, hi: number, end: number, score: Float64Array, next: Int32Array): number;
}

let model: WordModel | undefined;

/** The model, loaded on first use; documents that need no repair never load it. */
export function languageModel(): LanguageModel {
  return (model ??= WordModel.fromBytes(readFileSync(createRequire(import.meta.url).resolve('@node-rs/jieba/dict.txt'))));
}

/** Longest word considered, in UTF-16 units (jieba's longest words are phrases nobody spins). */
const MAX_WORD = 16;
const H1 = 0x811c9dc5;
const H2 = 0x9747b28c;

/** Bits of the key filter: 4 Mbit (512 KB) for jieba's ~490k keys of two units or more, one false "maybe" in nine. */
const FILTER_BITS = 22;

/** The key filter's bit for a key's two hashes. */
function filterBit(h1: number, h2: number): number {
  return (h1 ^ Math.imul(h2, 0x9e3779b1)) >>> (32 - FILTER_BITS);
}

/** Two independent 32-bit hashes, extended one code unit at a time. */
function step1(h: number, c: number): number {
  return Math.imul(h ^ c, 0x01000193);
}
function step2(h: number, c: number): number {
  const x = Math.imul(h ^ c, 0x5bd1e995);
  return x ^ (x >>> 15);
}

/** A slot's value before anything is stored in it: log-probabilities are finite, prefixes NaN. */
const EMPTY = Number.POSITIVE_INFINITY;

export class WordModel implements LanguageModel {
  private mask: number;
  /**
   * Slot s is 16 bytes, so a probe touches one cache line: the two hashes at ints 4s and 4s+1,
   * and at float 2s+1 (the same bytes as ints 4s+2, 4s+3) the word's log-probability, NaN for
   * a prefix that is no word, EMPTY for a free slot. (Four parallel arrays cost four misses.)
   */
  private keys: Int32Array;
  private values: Float64Array;
  /** Each one-unit key's value (EMPTY: no key): the first look-up at every position, from 512 KB rather than 16 MB. */
  private firstValue = new Float64Array(0x10000).fill(EMPTY);
  /**
   * A bit per `filterBit` of every key of two units or more. Most look-ups past the first unit
   * find nothing (168k of 264k on c1k); a clear bit says so from 512 KB without probing the
   * 16 MB table, whose lines are cold in the pipeline (other stages run between documents).
   */
  private filter = new Int32Array(1 << (FILTER_BITS - 5));
  private filled = 0;
  private unknown = 0;
  /** Scratch for `logProb` and `segment`, grown to the longest text seen. */
  private units = new Uint16Array(256);
  private score = new Float64Array(257);
  private next = new Int32Array(257);

  private constructor(size: number) {
    this.mask = size - 1;
    this.keys = new Int32Array(size * 4);
    this.values = new Float64Array(this.keys.buffer).fill(EMPTY);
  }

  /**
   * Builds the model from a dictionary in jieba's format, `word count [tag]` per line,
   * read as UTF-8 bytes: decoding 5 MB to a string first took as long as the parse.
   */
  static fromBytes(bytes: Uint8Array): WordModel {
    // jieba's dictionary has about 500k words and prefixes: room for them without growing.
    const m = new WordModel(1 << 20);
    let total = 0;
    let pos = 0;
    const n = bytes.length;
    while (pos < n) {
      // The word: UTF-8 to UTF-16 units, hashed as they come, each prefix given a slot.
      let h1 = H1;
      let h2 = H2;
      let slot = -1;
      let p = pos;
      // Units so far: keys of two or more go into the filter.
      let units = 0;
      while (p < n) {
        const b = bytes[p]!;
        if (b === 0x20 || b === 0x0a || b === 0x0d) break;
        let cp: number;
        if (b < 0x80) {
          cp = b;
          p += 1;
        } else if (b < 0xe0) {
          cp = ((b & 0x1f) << 6) | (bytes[p + 1]! & 0x3f);
          p += 2;
        } else if (b < 0xf0) {
          cp = ((b & 0x0f) << 12) | ((bytes[p + 1]! & 0x3f) << 6) | (bytes[p + 2]! & 0x3f);
          p += 3;
        } else {
          cp = ((b & 0x07) << 18) | ((bytes[p + 1]! & 0x3f) << 12) | ((bytes[p + 2]! & 0x3f) << 6) | (bytes[p + 3]! & 0x3f);
          p += 4;
        }
        if (cp > 0xffff) {
          const hi = 0xd800 + ((cp - 0x10000) >> 10);
          h1 = step1(h1, hi);
          h2 = step2(h2, hi);
          slot = m.insert(h1, h2);
          if (units++ > 0) m.mayBeKey(h1, h2);
          cp = 0xdc00 + ((cp - 0x10000) & 0x3ff);
        }
        h1 = step1(h1, cp);
        h2 = step2(h2, cp);
        slot = m.insert(h1, h2);
        if (units++ > 0) m.mayBeKey(h1, h2);
      }
      // The count: digits after the space.
      let count = 0;
      let digits = 0;
      if (slot !== -1 && bytes[p] === 0x20) {
        for (p++; p < n; p++, digits++) {
          const d = bytes[p]! - 48;
          if (d < 0 || d > 9) break;
          count = count * 10 + d;
        }
      }
      if (digits > 0 && count > 0) {
        const v = m.values[2 * slot + 1]!;
        m.values[2 * slot + 1] = Number.isNaN(v) ? count : v + count;
        total += count;
      }
      while (p < n && bytes[p] !== 0x0a) p++;
      pos = p + 1;
    }
    // Counts to log-probabilities.
    const logTotal = Math.log(total);
    for (let s = 0; s <= m.mask; s++) {
      const v = m.values[2 * s + 1]!;
      if (v !== EMPTY && !Number.isNaN(v)) m.values[2 * s + 1] = Math.log(v) - logTotal;
    }
    m.unknown = -logTotal;
    for (let c = 0; c < 0x10000; c++) {
      const slot = m.find(step1(H1, c), step2(H2, c));
      if (slot !== -1) m.firstValue[c] = m.values[2 * slot + 1]!;
    }
    return m;
  }

  private mayBeKey(h1: number, h2: number): void {
    const b = filterBit(h1, h2);
    this.filter[b >>> 5]! |= 1 << (b & 31);
  }

  /** Doubles the table when it is 70% full, so probes stay short. */
  private grow(): void {
    const { keys, values } = this;
    const size = (this.mask + 1) * 2;
    this.mask = size - 1;
    this.keys = new Int32Array(size * 4);
    this.values = new Float64Array(this.keys.buffer).fill(EMPTY);
    for (let s = 0; 4 * s < keys.length; s++) {
      if (values[2 * s + 1] === EMPTY) continue;
      const k1 = keys[4 * s]!;
      let t = (k1 ^ (k1 >>> 16)) & this.mask;
      while (this.values[2 * t + 1] !== EMPTY) t = (t + 1) & this.mask;
      this.keys[4 * t] = k1;
      this.keys[4 * t + 1] = keys[4 * s + 1]!;
      this.values[2 * t + 1] = values[2 * s + 1]!;
    }
  }

  private insert(h1: number, h2: number): number {
    let s = (h1 ^ (h1 >>> 16)) & this.mask;
    while (this.values[2 * s + 1] !== EMPTY) {
      if (this.keys[4 * s] === h1 && this.keys[4 * s + 1] === h2) return s;
      s = (s + 1) & this.mask;
    }
    if (this.filled + 1 > this.mask * 0.7) {
      this.grow();
      return this.insert(h1, h2);
    }
    this.filled++;
    this.keys[4 * s] = h1;
    this.keys[4 * s + 1] = h2;
    this.values[2 * s + 1] = Number.NaN;
    return s;
  }

  /** The slot of a word or prefix with these hashes, or -1. */
  private find(h1: number, h2: number): number {
    const keys = this.keys;
    const values = this.values;
    let s = (h1 ^ (h1 >>> 16)) & this.mask;
    while (values[2 * s + 1] !== EMPTY) {
      if (keys[4 * s] === h1 && keys[4 * s + 1] === h2) return s;
      s = (s + 1) & this.mask;
    }
    return -1;
  }

  wordLogProb(word: string): number {
    let h1 = H1;
    let h2 = H2;
    let slot = -1;
    for (let i = 0; i < word.length && (i === 0 || slot !== -1); i++) {
      h1 = step1(h1, word.charCodeAt(i));
      h2 = step2(h2, word.charCodeAt(i));
      slot = this.find(h1, h2);
    }
    const v = slot === -1 ? Number.NaN : this.values[2 * slot + 1]!;
    return Number.isNaN(v) ? this.unknown * Math.max(1, word.length) : v;
  }

  scoreBackward(units: Uint16Array, lo: number, hi: number, end: number, score: Float64Array, next: Int32Array): number {
    const { values, firstValue, filter } = this;
    for (let i = hi - 1; i >= lo; i--) {
      // A single character is always a candidate, known or not.
      let bestScore = this.unknown + score[i + 1]!;
      let bestEnd = i + 1;
      const c0 = units[i]!;
      const p0 = firstValue[c0]!;
      // No key starts with a unit that is no key itself: every prefix of a word is one.
      if (p0 !== EMPTY) {
        if (!Number.isNaN(p0)) bestScore = p0 + score[i + 1]!;
        let h1 = step1(H1, c0);
        let h2 = step2(H2, c0);
        const last = Math.min(end, i + MAX_WORD);
        for (let j = i + 1; j < last; j++) {
          const c = units[j]!;
          h1 = step1(h1, c);
          h2 = step2(h2, c);
          const b = filterBit(h1, h2);
          if ((filter[b >>> 5]! & (1 << (b & 31))) === 0) break; // no key starts with units[i..j]
          const slot = this.find(h1, h2);
          if (slot === -1) break;
          const p = values[2 * slot + 1]!;
          if (!Number.isNaN(p)) {
            const s = p + score[j + 1]!;
            if (s > bestScore) {
              bestScore = s;
              bestEnd = j + 1;
            }
          }
        }
      }
      score[i] = bestScore;
      next[i] = bestEnd;
    }
    return score[lo]!;
  }

  /** Scores `text` into the scratch arrays: score[0] is its log-probability, next[i] the end of the word at i. */
  private best(text: string): void {
    const n = text.length;
    if (this.units.length < n) {
      this.units = new Uint16Array(n);
      this.score = new Float64Array(n + 1);
      this.next = new Int32Array(n + 1);
    }
    const units = this.units;
    for (let i = 0; i < n; i++) units[i] = text.charCodeAt(i);
    this.score[n] = 0;
    this.scoreBackward(units, 0, n, n, this.score, this.next);
  }

  logProb(text: string): number {
    if (text.length === 0) return 0;
    this.best(text);
    return this.score[0]!;
  }

  segment(text: string): string[] {
    this.best(text);
    const next = this.next;
    const words: string[] = [];
    for (let i = 0; i < text.length; i = next[i]!) words.push(text.slice(i, next[i]!));
    return words;
  }
}
