// The despin stage: spun text (伪原创) repaired with the mapping table, judged by
// the jieba word-frequency model, only in documents detected as spun.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createPipeline } from '../pipeline/pipeline.js';
import { TableError } from '../pipeline/tables.js';
import { despin, findCandidates, spinTable } from '../stages/despin.js';
import { languageModel, WordModel } from '../stages/despin/lm.js';
import { editDistance } from './eval/spin.mjs';
import { FIXTURES } from './helpers/fixtures.js';
import { tempDir } from './helpers/cli.js';
import { runStage } from './helpers/stage-tester.js';

const STRUCTURE = ['normalize', 'script', 'reflow', 'boilerplate'];

describe('the language model', () => {
  const lm = languageModel();
  it('finds fluent text far more probable than its spun form', () => {
    expect(lm.logProb('真正形成') - lm.logProb('实反构成')).toBeGreaterThan(5);
    expect(lm.logProb('居民往来') - lm.logProb('居平易近往来')).toBeGreaterThan(5);
  });
  it('segments as jieba does', () => {
    expect(lm.segment('加快建设五个中心')).toEqual(['加快', '建设', '五个', '中心']);
  });
});

/** The model as first written: a Map of words, substrings cut at every position. The typed-array table must agree with it. */
function referenceModel(dict: string): (text: string) => { logProb: number; words: string[] } {
  const counts = new Map<string, number>();
  let total = 0;
  for (const line of dict.split('\n')) {
    const [word, n] = line.replace(/\r$/, '').split(' ');
    if (!word || !(Number(n) > 0)) continue;
    counts.set(word, (counts.get(word) ?? 0) + Number(n));
    total += Number(n);
  }
  const logP = new Map([...counts].map(([w, n]) => [w, Math.log(n) - Math.log(total)]));
  const unknown = -Math.log(total);
  return (text) => {
    const score = new Array<number>(text.length + 1).fill(0);
    const next = new Array<number>(text.length + 1).fill(0);
    for (let i = text.length - 1; i >= 0; i--) {
      score[i] = (logP.get(text[i]!) ?? unknown) + score[i + 1]!;
      next[i] = i + 1;
      for (let j = i + 2; j <= Math.min(text.length, i + 16); j++) {
        const p = logP.get(text.slice(i, j));
        if (p !== undefined && p + score[j]! > score[i]!) {
          score[i] = p + score[j]!;
          next[i] = j;
        }
      }
    }
    const words: string[] = [];
    for (let i = 0; i < text.length; i = next[i]!) words.push(text.slice(i, next[i]!));
    return { logProb: score[0]!, words };
  };
}

describe('the language model table', () => {
  // Duplicated words add up; a line without a count, or with 0, is no word; CRLF line ends;
  // an astral character (𠀀) is two UTF-16 units in the text and in the table alike.
  const dict = ['中国 50 ns', '中国人 8 n', '国人 3', '人 40 n', '中 30', '国 20', '中国 5 ns', '无数 x', '零 0', '𠀀字 4\r', '字 9', 'ab 2 eng', ''].join('\n');
  const model = WordModel.fromBytes(new TextEncoder().encode(dict));
  const reference = referenceModel(dict);
  it.each(['中国人', '中国国人人', '𠀀字中国', '无数零', 'ab中国abc', '人', '字𠀀'])('scores %s as the Map-based model does', (text) => {
    const r = reference(text);
    expect(model.logProb(text)).toBe(r.logProb);
    expect(model.segment(text)).toEqual(r.words);
  });
  it('gives a word its probability and an unknown word that of one sighting per character', () => {
    expect(model.wordLogProb('中国')).toBeCloseTo(Math.log(55 / 171), 12);
    expect(model.wordLogProb('中国人民')).toBeCloseTo(4 * -Math.log(171), 12);
    expect(model.wordLogProb('无数')).toBeCloseTo(2 * -Math.log(171), 12);
  });
});

describe('the mapping table', () => {
  it('matches longest forms first, left to right', () => {
    const c = findCandidates('金山区反正在积极谋划', spinTable());
    expect(c.map((x) => [x.entry.spun, x.entry.original])).toEqual([['反正在', '正在']]);
  });

  it('keeps only word entries the model can judge: the original is not less probable than the spun form alone', () => {
    const lm = languageModel();
    for (const list of spinTable().byFirst.values()) {
      for (const e of list) {
        if (e.kind !== 'word') continue;
        expect(lm.logProb(e.original) - lm.logProb(e.spun), `${e.spun} → ${e.original} (${e.source})`).toBeGreaterThan(despin.defaults.margin);
      }
    }
  });

  it('takes user tables by configuration, which override the built-in entries', () => {
    const dir = tempDir();
    const extra = join(dir, 'my-spin.tsv');
    writeFileSync(extra, '# mine\n帮手\t助手\tword\t助手 → 帮手\n');
    expect(findCandidates('好帮手', spinTable([extra])).map((c) => c.entry.original)).toEqual(['助手']);
    writeFileSync(join(dir, 'bad.tsv'), '帮手\t助手\tmaybe\tbad kind\n');
    expect(() => spinTable([join(dir, 'bad.tsv')])).toThrow(TableError);
  });
});

describe('despin decisions', () => {
  const spun =
    '记者获悉,金山区将沉点环绕上海碳谷绿湾财产园,加速扶植乡村振兴示范区,鞭策城乡融合成长,让居平易近过上更好的糊口。' +
    '该区还将打制一批人工笨能使用场景,构成新的经济删长点,具无较强的竞让力。';
  it('repairs a spun paragraph, one finding per repair with its evidence', () => {
    const { text, result } = runStage(despin, spun);
    expect(text).toContain('重点围绕上海碳谷绿湾产业园');
    expect(text).toContain('建设乡村振兴示范区,推动城乡融合发展,让居民过上更好的生活');
    expect(text).toContain('人工智能');
    expect(text).toContain('具有较强的竞争力');
    const spin = result.data!.spin as { detected: boolean; repairs: number; score: number };
    expect(spin.detected).toBe(true);
    expect(spin.score).toBeGreaterThan(0.5);
    expect(result.findings).toHaveLength(spin.repairs);
    const f = result.findings!.find((x) => x.before === '平易近')!;
    expect(f).toMatchObject({ rule: 'spin-repair', action: 'replace', after: '民', line: 1 });
    expect(f.data).toMatchObject({ kind: 'sig', table: expect.stringMatching(/spin-map\.tsv:\d+/) });
    expect((f.data as { gain: number }).gain).toBeGreaterThan(0);
  });

  it('leaves a clean text alone even where it has table forms (成长, 核心, 平易近人)', () => {
    const clean = '青少年健康成长是社会关注的核心问题。这位老教授平易近人,正在指导学生完成实验,他说科研要有耐心。';
    const { text, result } = runStage(despin, clean);
    expect(text).toBe(clean);
    expect(result.findings).toEqual([]);
    expect((result.data!.spin as { detected: boolean }).detected).toBe(false);
  });

  it('does not repair a few signatures in a long clean text', () => {
    const clean = '国家统计局今天发布数据显示,一季度国内生产总值同比增长,经济运行开局良好。'.repeat(20) + '他们扶植了一批青年作家。';
    expect(runStage(despin, clean).text).toBe(clean);
  });
});

describe('seed 001 (hand-restored expected text)', () => {
  const dir = join(FIXTURES, 'despin', 'seed-001');
  const expected = readFileSync(join(dir, 'expected.txt'), 'utf8').trim();
  const input = readFileSync(join(dir, 'input.txt'), 'utf8');
  const structure = createPipeline({ stages: STRUCTURE }).process({ id: 's', source: 's', encoding: 'utf-8', text: input, meta: {} }).text;
  const repaired = createPipeline({ stages: [...STRUCTURE, 'despin'] }).process({ id: 's', source: 's', encoding: 'utf-8', text: input, meta: {} });

  it('is about a fifth wrong as spun', () => {
    expect(editDistance(structure, expected) / expected.length).toBeGreaterThan(0.15);
  });

  it('comes out with a character error rate below 1%', () => {
    const cer = editDistance(repaired.text, expected) / expected.length;
    expect(cer).toBeLessThan(0.01);
    expect(repaired.report.spin.detected).toBe(true);
    expect(repaired.report.spin.repairs).toBeGreaterThan(250);
  });

  it('other seeds: not detected as spun, no repair', () => {
    const pipeline = createPipeline({ stages: [...STRUCTURE, 'despin'] });
    for (const f of ['000_f0b12cb112efd242', '002_5db6cf021c629536', '003_3ed01d294938376b', '004_bbc2bebf66bb6947']) {
      const text = readFileSync(join(FIXTURES, '..', '..', 'seeds', `${f}.txt`), 'utf8');
      const r = pipeline.process({ id: f, source: f, encoding: 'utf-8', text, meta: {} });
      expect(r.report.spin, f).toMatchObject({ detected: false, repairs: 0 });
    }
  });
});
