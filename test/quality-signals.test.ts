// The quality signals' one-pass implementation against a plain one written from the
// definitions (regexes, split lines, a Map of lines, strings per window), on random
// texts from an alphabet of the cases the fast paths treat apart: Han and other
// letters, white space of every kind, sentence ends and closing quotes, surrogate
// pairs and lone halves, repeated lines and repeated runs.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { referenceRepeated } from './helpers/repeated.js';
import { repeatedShare, signals } from '../stages/quality.js';
import { round3 } from '../pipeline/text.js';

const HAN = /\p{Script=Han}/u;
const LETTER = /\p{L}/u;
const SYMBOL = /[\p{S}#*|•●◆■□★☆▶►]/u;
const SENTENCE_END = /[。！？!?…]$|[。！？!?…][”’」』）)]+$/u;

/** Characters counted per class, as the stage defines them (the second unit after a high surrogate is taken with it). */
function referenceCounts(text: string) {
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
    const ch = String.fromCodePoint(c);
    if (c >= 0x30 && c <= 0x39) digits++;
    else if ((c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf)) {
      han++;
      letters++;
    } else if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) letters++;
    else if (c < 0x80 || (c >= 0x3000 && c <= 0x303f) || (c >= 0xff00 && c <= 0xff0f) || (c >= 0x2010 && c <= 0x2027)) {
      if (c < 0x80 && SYMBOL.test(ch)) symbols++;
    } else if (HAN.test(ch)) {
      han++;
      letters++;
    } else if (LETTER.test(ch)) letters++;
    else if (SYMBOL.test(ch)) symbols++;
  }
  return { letters, han, nonSpace, symbols, digits };
}

/** Sentences: split after each run of 。！？!?… (and one closing quote); characters without white space, a pair's second half not counted. */
function referenceSentences(text: string): { count: number; chars: number } {
  const pieces = text.split(/(?<=[。！？!?…])(?![。！？!?…])[”’」』]?/u);
  let count = 0;
  let chars = 0;
  for (const p of pieces) {
    const n = p.replace(/[ \n\t\r\u3000\u00a0。！？!?…]/gu, '').split('').filter((u) => !/[\udc00-\udfff]/.test(u)).length;
    if (n > 0) {
      count++;
      chars += n;
    }
  }
  return { count, chars };
}

function reference(text: string, original: string, steps: { stage: string; length: number }[]) {
  const { letters, han, nonSpace, symbols, digits } = referenceCounts(text);
  const lines = text === '' ? [] : text.split('\n');
  const seen = new Map<string, number>();
  for (const l of lines) seen.set(l, (seen.get(l) ?? 0) + 1);
  let dupChars = 0;
  for (const l of lines) if (seen.get(l)! > 1) dupChars += l.length;
  const { count, chars } = referenceSentences(text);
  const removed: Record<string, number> = {};
  let before = original.length;
  for (const s of steps) {
    if (before !== s.length && original.length > 0) removed[`removed.${s.stage}`] = round3((removed[`removed.${s.stage}`] ?? 0) + (before - s.length) / original.length);
    before = s.length;
  }
  return {
    chars: letters + digits,
    lines: lines.length,
    hanShare: letters === 0 ? 0 : round3(han / letters),
    sentenceEndShare: lines.length === 0 ? 0 : round3(lines.filter((l) => SENTENCE_END.test(l)).length / lines.length),
    duplicateLineShare: text.length === 0 ? 0 : round3(dupChars / text.length),
    repeatedNgramShare: round3(referenceRepeated(text, 10)),
    symbolShare: nonSpace === 0 ? 0 : round3(symbols / nonSpace),
    digitShare: nonSpace === 0 ? 0 : round3(digits / nonSpace),
    meanSentenceLength: count === 0 ? 0 : round3(chars / count),
    removedShare: original.length === 0 ? 0 : round3(Math.max(0, original.length - text.length) / original.length),
    spinScore: 0,
    languageScore: 0,
    ...removed,
  };
}


const ALPHABET = [
  ...'中文字的了国家統計𠀀',
  ...'aZ09#*|★é',
  ...'。！？!?…',
  ...'”’」』）)',
  '，', '、', '\n', '\n', ' ', '\t', '\r', '\u3000', '\u00a0', '\u2028', '\ufeff',
  'ア', '한', '𝟘', '😀', '\ud800', '\udc00',
];
const piece = fc.array(fc.constantFrom(...ALPHABET), { maxLength: 40 }).map((a) => a.join(''));
/** Pieces and repeats of them: repeated lines and repeated windows are common, not chance. */
const text = fc.tuple(fc.array(piece, { maxLength: 6 }), fc.array(fc.nat(9), { maxLength: 8 }), fc.constantFrom('', '\n')).map(([pieces, picks, sep]) =>
  [...pieces, ...picks.map((k) => pieces[k % Math.max(1, pieces.length)] ?? '')].join(sep),
);

describe('quality signals, one pass', () => {
  it('equal the definitions on random texts', () => {
    fc.assert(
      fc.property(text, (t) => {
        const steps = [{ stage: 'normalize', length: t.length + 3 }, { stage: 'boilerplate', length: t.length + 1 }, { stage: 'normalize', length: t.length }];
        expect(signals(t, `${t}xyz`, steps)).toEqual(reference(t, `${t}xyz`, steps));
      }),
      { numRuns: 2000 },
    );
  });
  it('keep the removed shares in the order the stages first removed something', () => {
    const s = signals('一二三', '一二三四五六七', [{ stage: 'b', length: 5 }, { stage: 'a', length: 4 }, { stage: 'b', length: 3 }]);
    expect(Object.keys(s).filter((k) => k.startsWith('removed.'))).toEqual(['removed.b', 'removed.a']);
    expect(s['removed.b']).toBe(round3(2 / 7 + 1 / 7));
  });
  it('repeatedShare equals the definition for other window sizes', () => {
    fc.assert(
      fc.property(text, fc.integer({ min: 1, max: 16 }), (t, n) => {
        expect(repeatedShare(t, n)).toBeCloseTo(referenceRepeated(t, n), 12);
      }),
      { numRuns: 1000 },
    );
  });
  it('handles a long text with a long repeated run and many lines', () => {
    const line = '国家统计局今天发布数据显示，一季度国内生产总值同比增长。';
    const t = Array.from({ length: 3000 }, (_, i) => (i % 3 === 0 ? line : `${line.slice(0, 10)}${i}`)).join('\n');
    expect(signals(t, t, [])).toEqual(reference(t, t, []));
  });
});
