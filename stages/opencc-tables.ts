// OpenCC's own character table, read once and shared: the script stage uses it to
// measure how much of a text is Traditional, the dedupe stage to fold Traditional
// characters when it compares text.

import TSCharacters from 'opencc-js/dict/TSCharacters';

let tsMap: Map<number, number> | undefined;

/**
 * Traditional → Simplified, one character to one, from OpenCC's TSCharacters table
 * (the first choice where it offers several); identity entries left out, so every key
 * is a Traditional-only form. Phrase-level conversion is the script stage's job.
 */
export function traditionalToSimplified(): Map<number, number> {
  if (tsMap) return tsMap;
  tsMap = new Map();
  for (const entry of (TSCharacters as string).split('|')) {
    const [from, to] = entry.split(' ');
    if (!from || !to) continue;
    const f = from.codePointAt(0)!;
    const t = to.codePointAt(0)!;
    if (String.fromCodePoint(f) === from && String.fromCodePoint(t) === to && f !== t) tsMap.set(f, t);
  }
  return tsMap;
}
