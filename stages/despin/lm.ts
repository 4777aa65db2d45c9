// A word-frequency language model from jieba's dictionary (dict.txt shipped by
// @node-rs/jieba, MIT: 349k words with counts). The probability of a text is
// that of its best segmentation, found as jieba does: a DAG of the dictionary
// words starting at each character, then dynamic programming from the end.
// A character no dictionary word covers counts as a word seen once.
//
// Word counts carry more context than they seem to: 真正形成 splits into two
// common words, 实反构成 into rare single characters, so the first is many
// orders of magnitude more probable. That is the evidence a repair needs.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

export interface LanguageModel {
  /** Natural-log probability of the best segmentation of `text`. */
  logProb(text: string): number;
  /** The best segmentation. */
  segment(text: string): string[];
  /** Natural-log probability of one word (unknown: as if seen once). */
  wordLogProb(word: string): number;
}

let model: WordModel | undefined;

/** The model, loaded on first use (about 0.3 s and 40 MB); documents that need no repair never load it. */
export function languageModel(): LanguageModel {
  return (model ??= WordModel.fromJieba());
}

class WordModel implements LanguageModel {
  private readonly unknown: number;

  private constructor(
    private readonly logP: Map<string, number>,
    private readonly maxLength: number,
    total: number,
  ) {
    this.unknown = -Math.log(total);
  }

  static fromJieba(): WordModel {
    const require = createRequire(import.meta.url);
    const text = readFileSync(require.resolve('@node-rs/jieba/dict.txt'), 'utf8');
    const counts = new Map<string, number>();
    let total = 0;
    let maxLength = 1;
    for (const line of text.split('\n')) {
      const a = line.indexOf(' ');
      if (a <= 0) continue;
      const b = line.indexOf(' ', a + 1);
      const word = line.slice(0, a);
      const n = Number(line.slice(a + 1, b === -1 ? undefined : b));
      if (!(n > 0)) continue;
      counts.set(word, (counts.get(word) ?? 0) + n);
      total += n;
      if (word.length > maxLength) maxLength = word.length;
    }
    const logTotal = Math.log(total);
    const logP = new Map<string, number>();
    for (const [w, n] of counts) logP.set(w, Math.log(n) - logTotal);
    return new WordModel(logP, Math.min(maxLength, 16), total);
  }

  wordLogProb(word: string): number {
    return this.logP.get(word) ?? this.unknown * Math.max(1, word.length);
  }

  private best(text: string): { score: Float64Array; next: Int32Array } {
    const n = text.length;
    const score = new Float64Array(n + 1);
    const next = new Int32Array(n + 1);
    for (let i = n - 1; i >= 0; i--) {
      // A single character is always a candidate, known or not.
      let bestScore = (this.logP.get(text[i]!) ?? this.unknown) + score[i + 1]!;
      let bestEnd = i + 1;
      for (let j = i + 2; j <= Math.min(n, i + this.maxLength); j++) {
        const p = this.logP.get(text.slice(i, j));
        if (p === undefined) continue;
        const s = p + score[j]!;
        if (s > bestScore) {
          bestScore = s;
          bestEnd = j;
        }
      }
      score[i] = bestScore;
      next[i] = bestEnd;
    }
    return { score, next };
  }

  logProb(text: string): number {
    return text.length === 0 ? 0 : this.best(text).score[0]!;
  }

  segment(text: string): string[] {
    const { next } = this.best(text);
    const words: string[] = [];
    for (let i = 0; i < text.length; i = next[i]!) words.push(text.slice(i, next[i]!));
    return words;
  }
}
