// The language stage's fast paths against plain implementations: francTop against
// franc's francAll itself, and the stage (letters counted per unit from a memoised
// table, lines walked without an object each) against the stage as it was written
// with franc, a regex per uncommon unit and splitLines, on random texts from an
// alphabet of the cases treated apart.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { francAll } from 'franc';
import { describe, expect, it } from 'vitest';
import { francTop } from '../stages/language/franc.js';
import { identify, language, type LanguageOptions } from '../stages/language.js';
import { dropRange, round3, splitLines } from '../pipeline/text.js';
import { readPatterns } from '../pipeline/tables.js';
import { makeDoc } from './helpers/stage-tester.js';
import { FIXTURES } from './helpers/fixtures.js';

const fixtures = Object.values(JSON.parse(readFileSync(join(FIXTURES, 'franc-fixtures', 'fixtures.json'), 'utf8')) as Record<string, { fixture: string }>).map((f) => f.fixture);
const CANDIDATES = language.defaults.candidates;
const reference = (value: string, minLength: number, only: readonly string[]): string =>
  francAll(value, { minLength, ...(only.length > 0 ? { only: [...only] } : {}) })[0]?.[0] ?? 'und';

describe('francTop, against francAll', () => {
  const onlys: (readonly string[])[] = [CANDIDATES, [], ['eng', 'fra', 'deu'], ['cmn'], ['rus', 'ukr', 'bel'], ['jpn', 'kor']];
  it("gives franc's first language on franc's fixtures and pieces of them", () => {
    const samples = fixtures.flatMap((f) => [f, ...Array.from({ length: Math.floor(f.length / 50) }, (_, k) => f.slice(k * 50, k * 50 + 70))]);
    for (const only of onlys) for (const s of samples) for (const min of [10, 20]) expect(francTop(s, min, only), s).toBe(reference(s, min, only));
  });
  it('gives the same on random mixtures of scripts, digits and punctuation', () => {
    const piece = fc.oneof(
      fc.tuple(fc.constantFrom(...fixtures), fc.nat(), fc.nat(80)).map(([f, a, n]) => f.slice(a % f.length, (a % f.length) + n)),
      fc.constantFrom('123', '!?', ' ', '\n', '𠀀', '😀', '\ud800', '\udc00', 'ÀÉ', 'İ', 'ß', '，。'),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }), fc.constantFrom(...onlys), (pieces, only) => {
        const s = pieces.join('');
        expect(francTop(s, 20, only)).toBe(reference(s, 20, only));
      }),
      { numRuns: 3000 },
    );
  });
});

// The stage as it was: letters by ranges and a regex per other unit, franc, splitLines.
const LETTER_ONE = /\p{L}/u;
function referenceCounts(text: string) {
  let letters = 0;
  let han = 0;
  let cjk = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) letters++;
    } else if ((c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf)) {
      han++;
      cjk++;
      letters++;
    } else if ((c >= 0x3040 && c <= 0x30ff) || (c >= 0xac00 && c <= 0xd7af) || (c >= 0x1100 && c <= 0x11ff)) {
      cjk++;
      letters++;
    } else if ((c >= 0x3000 && c <= 0x303f) || (c >= 0xff00 && c <= 0xff0f) || (c >= 0x2000 && c <= 0x206f)) {
      // not letters
    } else if (c >= 0xd800 && c <= 0xdbff) {
      const cp = text.codePointAt(i)!;
      i++;
      if (LETTER_ONE.test(String.fromCodePoint(cp))) {
        letters++;
        if (cp >= 0x20000 && cp <= 0x3134f) {
          han++;
          cjk++;
        }
      }
    } else if (LETTER_ONE.test(text[i]!)) letters++;
  }
  return { letters, han, cjk };
}
const SCRIPT_OF: Record<string, RegExp> = {
  cmn: /\p{Script=Han}/gu,
  yue: /\p{Script=Han}/gu,
  jpn: /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/gu,
  kor: /[\p{Script=Hangul}\p{Script=Han}]/gu,
};
function referenceVerdict(sample: string, o: LanguageOptions) {
  const { letters, han, cjk } = referenceCounts(sample);
  if (letters < o.minChars) return { code: 'und', score: 0 };
  if ((o.candidates.length === 0 || o.candidates.includes('cmn')) && cjk === han && han * 2 > letters) return { code: 'cmn', score: round3(Math.min(1, han / letters)) };
  const code = reference(sample, o.minChars, o.candidates);
  if (code === 'und') return { code, score: 0 };
  return { code, score: round3(Math.min(letters, sample.match(SCRIPT_OF[code] ?? /\p{Script=Latin}/gu)?.length ?? 0) / letters) };
}
const sampleOf = (t: string, o: LanguageOptions) => (t.length > o.sampleChars ? t.slice(0, o.sampleChars) : t);
const referenceIdentify = (t: string, o: LanguageOptions) => referenceVerdict(sampleOf(t, o), o);
const patterns = readPatterns('stages', 'boilerplate', 'patterns.tsv').map((p) => p.regex);
const isBoilerplate = (line: string) => {
  if (patterns.some((r) => r.test(line))) return true;
  const pieces = line.split(/\s*[|｜/·•»>]\s*|\s{2,}/u).filter((p) => p !== '');
  return pieces.length >= 3 && pieces.every((p) => p.length <= 20 && !/[.!?。！？]$/u.test(p));
};
function referenceApply(text: string, original: string, o: LanguageOptions) {
  const lines = splitLines(text);
  const paragraphs = lines.map((l) => {
    const sample = sampleOf(l.text, o);
    const c = referenceCounts(sample);
    return { verdict: referenceVerdict(sample, o), weight: (c.letters + c.cjk) * (l.text.length / Math.max(1, sample.length)) };
  });
  const weight = new Map<string, number>();
  let total = 0;
  for (const { verdict: v, weight: w } of paragraphs) {
    total += w;
    if (v.code !== 'und') weight.set(v.code, (weight.get(v.code) ?? 0) + w);
  }
  let best: [string, number] = ['und', 0];
  for (const [code, w] of weight) if (w > best[1]) best = [code, w];
  let main = best[0] === 'und' ? { code: 'und', score: 0 } : { code: best[0], score: round3(best[1] / total) };
  if (main.code === 'und') main = referenceIdentify(text, o);
  if (main.code === 'und') main = referenceIdentify(original, o);
  const counts: Record<string, number> = {};
  const findings: unknown[] = [];
  const edits: unknown[] = [];
  if (main.code !== 'und' && !o.languages.includes(main.code)) return { main, counts, findings, edits, reject: true };
  if (!o.paragraphs || main.code === 'und') return { main, counts, findings, edits, reject: false };
  const verdicts = paragraphs.map((p) => p.verdict);
  const drop = verdicts.map((v, i) => v.code !== 'und' && !o.languages.includes(v.code) && isBoilerplate(lines[i]!.text));
  const firstKept = drop.indexOf(false);
  verdicts.forEach((v, i) => {
    counts[v.code] = (counts[v.code] ?? 0) + 1;
    if (v.code === 'und' || o.languages.includes(v.code)) return;
    if (drop[i]) {
      edits.push(dropRange(lines, i, firstKept));
      findings.push({ rule: 'foreign-boilerplate', line: i + 1, data: { ...v } });
    } else findings.push({ rule: 'foreign-paragraph', line: i + 1, range: [lines[i]!.start, lines[i]!.end], data: { ...v } });
  });
  return { main, counts, findings, edits, reject: false };
}

describe('the language stage, against the stage as it was', () => {
  const piece = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom('国家统计局今天发布数据显示，一季度国内生产总值同比增长。', '经济运行开局良好：就业形势总体稳定；', '臺灣東部登陸', '今天') },
    { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...fixtures), fc.nat(), fc.nat(120)).map(([f, a, n]) => f.slice(a % f.length, (a % f.length) + n)) },
    { weight: 2, arbitrary: fc.constantFrom('Copyright © 2024 Example News. All rights reserved.', 'Home | News | Sports | Contact', 'The bureau will publish the figures in July.') },
    { weight: 3, arbitrary: fc.constantFrom('\n', '\n', '\n\n', ' ', '𠀀', '𝐀', 'a𠀀𠀀𠀀𠀀𠀀𠀀𠀀𠀀𠀀𠀀𠀀𠀀𠀀𠀀𠀀𠀀𠀀𠀀𠀀𠀀', '\ud800', '\udc00', '\ud840a', 'ひらがな', '한국어', '·', 'é', '：') },
  );
  const options: LanguageOptions[] = [
    language.defaults,
    { ...language.defaults, languages: ['cmn', 'eng'] },
    { ...language.defaults, candidates: [] },
    { ...language.defaults, sampleChars: 30, minChars: 10 },
    { ...language.defaults, sampleChars: 25, minChars: 5 },
    { ...language.defaults, languages: ['eng'] },
  ];
  it('gives the same verdicts, votes, findings and drops on random documents', () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 14 }), fc.constantFrom(...options), (pieces, o) => {
        const text = pieces.join('');
        const original = `${text}\nThe page as read had an English paragraph about the economy and its figures.`;
        const result = language.apply({ ...makeDoc(text), original }, o, undefined as never);
        const want = referenceApply(text, original, o);
        const data = result.data!.language as Record<string, unknown>;
        expect({ code: data.code, score: data.score }).toEqual(want.main);
        expect(data.paragraphs).toEqual(want.counts);
        expect(result.reject !== undefined).toBe(want.reject);
        expect((result.findings ?? []).map((f) => ({ rule: f.rule, line: f.line, ...(f.rule === 'foreign-paragraph' ? { range: f.range } : {}), data: f.data }))).toEqual(want.findings);
        expect((result.edits ?? []).map((e) => [e.start, e.end])).toEqual(want.edits);
        expect(identify(text, o)).toEqual(referenceIdentify(text, o));
      }),
      { numRuns: 1500 },
    );
  });
});
