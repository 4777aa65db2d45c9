// Spinning clean text the way seed 001 was spun, to test that the despin stage
// generalises: the inverse of the mapping table (original → spun form) applied
// to whole words of a jieba segmentation, to ~85% of the occurrences, seeded.
import { readFileSync } from 'node:fs';
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import { prng } from './variants.mjs';

const TABLE = new URL('../../stages/despin/spin-map.tsv', import.meta.url).pathname;
let jieba;

/** original word → spun form, for entries whose original is one jieba word. */
export function inverseTable() {
  jieba ??= Jieba.withDict(dict);
  const inverse = new Map();
  for (const line of readFileSync(TABLE, 'utf8').split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const [spun, original] = line.split('\t');
    if (spun === original || inverse.has(original)) continue;
    if (jieba.cut(original, false).length !== 1) continue;
    inverse.set(original, spun);
  }
  return inverse;
}

/** The text spun: each word with an entry replaced with probability `rate`. Returns the text and how many words changed. */
export function spin(text, { rate = 0.85, seed = 1 } = {}) {
  jieba ??= Jieba.withDict(dict);
  const inverse = inverseTable();
  const random = prng(seed);
  let changed = 0;
  const out = text
    .split('\n')
    .map((line) =>
      jieba
        .cut(line, false)
        .map((w) => {
          const s = inverse.get(w);
          if (s === undefined || random() >= rate) return w;
          changed++;
          return s;
        })
        .join(''),
    )
    .join('\n');
  return { text: out, changed };
}

/** Levenshtein distance over code points (O(n·m) time, O(m) memory). */
export function editDistance(a, b) {
  const A = [...a];
  const B = [...b];
  let prev = Array.from({ length: B.length + 1 }, (_, j) => j);
  for (let i = 1; i <= A.length; i++) {
    const cur = [i];
    for (let j = 1; j <= B.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (A[i - 1] === B[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[B.length];
}
