// The script stage's own OpenCC converter against opencc-js itself, for every
// configuration the stage offers: real Chinese lines (the seeds and the text
// fixtures, each also rendered to Traditional, Taiwan and Hong Kong forms by
// opencc-js so that phrases and variants occur as they do in real Traditional
// text), OpenCC's test inputs, and random strings built from the dictionaries'
// own keys and replacements, cut and mixed with the units opencc-js treats apart
// (ideographic description sequences, surrogate pairs and lone halves).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import * as OpenCC from 'opencc-js';
import { describe, expect, it } from 'vitest';
import { converterFor } from '../stages/script/converter.js';
import { detectVariant, script, traditionalShare } from '../stages/script.js';
import { makeDoc } from './helpers/stage-tester.js';
import { traditionalToSimplified } from '../stages/opencc-tables.js';
import { FIXTURES } from './helpers/fixtures.js';
import { round3 } from '../pipeline/text.js';
import { ROOT } from './helpers/cli.js';

const VARIANTS = { t: 't2s', tw: 'tw2s', twp: 'tw2sp', hk: 'hk2s' } as const;

function realLines(): string[] {
  const texts = readdirSync(join(ROOT, 'seeds'))
    .filter((f) => f.endsWith('.txt'))
    .map((f) => readFileSync(join(ROOT, 'seeds', f), 'utf8'));
  const gold = join(FIXTURES, 'magic-html-zh', 'gold');
  for (const f of readdirSync(gold)) texts.push(readFileSync(join(gold, f), 'utf8'));
  const franc = JSON.parse(readFileSync(join(FIXTURES, 'franc-fixtures', 'fixtures.json'), 'utf8')) as Record<string, { fixture: string }>;
  for (const f of Object.values(franc)) texts.push(f.fixture);
  const opencc = JSON.parse(readFileSync(join(FIXTURES, 'opencc-testcases', 'testcases.strict.json'), 'utf8')) as { cases: { input: string }[] };
  for (const c of opencc.cases) texts.push(c.input);
  const lines = new Set(texts.flatMap((t) => t.split('\n')));
  // Traditional renderings: phrase-rich Traditional text, regional variants included.
  for (const to of ['t', 'tw', 'twp', 'hk']) {
    const toTraditional = OpenCC.Converter({ from: 'cn', to: to as 'tw' });
    for (const l of [...lines]) lines.add(toTraditional(l));
  }
  return [...lines];
}

/** Every key and replacement of the dictionaries the four configurations use. */
function dictionaryWords(): string[] {
  const configs = OpenCC.Locale.configs as unknown as Record<string, { normalizationChain: string[][]; segmentation?: string[]; conversionChain: string[][] }>;
  const words = new Set<string>();
  for (const name of Object.values(VARIANTS)) {
    const c = configs[name]!;
    for (const group of [...c.normalizationChain, ...c.conversionChain, c.segmentation ?? []]) {
      for (const dict of group) for (const entry of dict.split('|')) for (const w of entry.split(' ')) words.add(w);
    }
  }
  return [...words];
}

describe('the OpenCC converter, against opencc-js', () => {
  const lines = realLines();
  for (const [variant, config] of Object.entries(VARIANTS)) {
    it(`${config}: the same output on ${lines.length} real lines and their Traditional forms`, () => {
      const reference = OpenCC.Converter({ from: variant as 'tw', to: 'cn' });
      const ours = converterFor(config);
      const differing = lines.filter((l) => ours(l) !== reference(l));
      expect(differing).toEqual([]);
    });
  }

  const words = dictionaryWords();
  const special = ['⿰', '⿱', '⿲', '⿳', '⿻', '⿰木', '⿱⿰', '\ud800', '\udc00', '𠀀', '𪢮', 'a', ' ', '\n', '。', '乾', '著', '么', '裏', '綫', '臺', '髮', '\uf900'];
  const piece = fc.oneof(
    fc.constantFrom(...words),
    fc.tuple(fc.constantFrom(...words), fc.nat(12)).map(([w, k]) => w.slice(0, 1 + (k % Math.max(1, w.length)))),
    fc.constantFrom(...special),
  );
  const text = fc.array(piece, { maxLength: 12 }).map((p) => p.join(''));
  for (const [variant, config] of Object.entries(VARIANTS)) {
    it(`${config}: the same output on random strings of dictionary words`, () => {
      const reference = OpenCC.Converter({ from: variant as 'tw', to: 'cn' });
      const ours = converterFor(config);
      fc.assert(
        fc.property(text, (t) => {
          expect(ours(t)).toBe(reference(t));
        }),
        { numRuns: 3000 },
      );
    });
  }
});

describe('the Traditional share and the variant markers, against plain definitions', () => {
  const traditional = new Set([...traditionalToSimplified().keys()].filter((c) => c < 0x10000));
  const share = (t: string): number => {
    const han = [...t].filter((ch) => ch.length === 1 && ch >= '\u3400' && ch <= '\u9fff');
    return han.length === 0 ? 0 : han.filter((ch) => traditional.has(ch.charCodeAt(0))).length / han.length;
  };
  const variant = (t: string): string => ((t.match(/[裏綫衞僞啓着]/gu)?.length ?? 0) > (t.match(/[裡線衛偽啟著]/gu)?.length ?? 0) ? 'hk' : 'tw');
  const units = fc.constantFrom('中', '國', '裏', '裡', '綫', '線', '着', '著', '豐', 'a', '\n', '。', '\u3400', '\u9fff', '\u33ff', '\ua000', '\uf900', '𠀀', '\ud840');
  it('equal on random texts', () => {
    fc.assert(
      fc.property(fc.array(units, { maxLength: 40 }), (a) => {
        const t = a.join('');
        expect(traditionalShare(t)).toBe(share(t));
        expect(detectVariant(t)).toBe(variant(t));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('the script stage, against the stage as it was (opencc-js, a pass per question)', () => {
  const traditional = new Set([...traditionalToSimplified().keys()].filter((c) => c < 0x10000));
  /** The stage's edits and first finding, computed as they were: share, markers and lines read separately, opencc-js converting. */
  function reference(text: string) {
    const share = traditionalShare(text);
    if (share === 0) return { data: { traditionalShare: 0 } };
    const variant = detectVariant(text);
    const convert = OpenCC.Converter({ from: variant, to: 'cn' });
    const edits: [number, number, string][] = [];
    let first: unknown;
    let lineNo = 0;
    for (let offset = 0; offset <= text.length; ) {
      let nl = text.indexOf('\n', offset);
      if (nl === -1) nl = text.length;
      lineNo++;
      const la = text.slice(offset, nl);
      if ([...la].some((ch) => ch.length === 1 && traditional.has(ch.charCodeAt(0)))) {
        const lb = convert(la);
        if (la.length === lb.length) {
          for (let k = 0; k < la.length; ) {
            if (la[k] === lb[k]) {
              k++;
              continue;
            }
            let m = k + 1;
            while (m < la.length && la[m] !== lb[m]) m++;
            edits.push([offset + k, offset + m, lb.slice(k, m)]);
            first ??= { line: lineNo, range: [offset + k, offset + m], before: la.slice(k, m), after: lb.slice(k, m) };
            k = m;
          }
        } else {
          edits.push([offset, nl, lb]);
          first ??= { line: lineNo, range: [offset, nl], before: la, after: lb };
        }
      }
      offset = nl + 1;
    }
    return { data: { traditionalShare: round3(share), variant }, edits, first };
  }
  const piece = fc.constantFrom('臺北市政府今天發布消息，颱風將於明天登陸。', '這裏的綫路', '這裡的線路', '国家统计局今天发布数据。', '乾隆皇帝', '\n', '\n', 'abc', '𠀀', '\uf900', '著作', '么');
  it('gives the same edits, finding and data on random mixed pages', () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
        const text = pieces.join('');
        const result = script.apply(makeDoc(text), script.defaults, undefined as never);
        const want = reference(text);
        expect(result.data!.script).toEqual(want.data);
        expect((result.edits ?? []).map((e) => [e.start, e.end, e.text])).toEqual(want.edits ?? []);
        if (want.first) expect(result.findings![0]).toMatchObject(want.first as object);
      }),
      { numRuns: 1500 },
    );
  });
});
