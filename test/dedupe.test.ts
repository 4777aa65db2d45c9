// The dedupe stage: repeated and stitched paragraphs inside a document, and
// exact and near-duplicate documents across a corpus.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createPipeline } from '../pipeline/pipeline.js';
import type { CleanResult } from '../pipeline/types.js';
import { HashTable } from '../pipeline/hashing.js';
import { MemoryDedupIndex } from '../stages/dedupe/corpus-index.js';
import { fold, foldedString } from '../stages/dedupe/fold.js';
import { shingleHashes } from '../stages/dedupe/hash.js';
import { compactInto, signature, similarity } from '../stages/dedupe/minhash.js';
import { dedupe } from '../stages/dedupe.js';
import { scoreDecisions, variantCorpus } from './eval/variants.mjs';
import { fixtureCases, FIXTURES, golden } from './helpers/fixtures.js';
import { runStage, testStage } from './helpers/stage-tester.js';

// Paragraphs written for these tests in the manner of Chinese news.
const P1 = '国家统计局今天发布数据显示，一季度国内生产总值同比增长百分之五点三，比上年四季度环比增长百分之一点六，经济运行开局良好。';
const P2 = '从需求看，最终消费支出对经济增长的贡献率达到百分之七十三，消费的基础性作用进一步增强，投资保持稳定增长，外贸进出口好于预期。';
const P3 = '国家统计局新闻发言人表示，下阶段要加大宏观政策实施力度，着力扩大国内需求，推动经济持续回升向好，为完成全年目标打下基础。';
const P4 = '分行业看，制造业增加值增长百分之六点七，高技术制造业增长百分之七点五，装备制造业增长百分之七点六，新动能持续壮大。';

testStage(dedupe, {
  valid: [
    [P1, P2, P3].join('\n'),
    // A headline and its lead share words: a heading is compared only whole.
    ['一季度国内生产总值同比增长百分之五点三', P1, P2].join('\n'),
    // Equal short data lines apart from each other are data, not a repeat.
    ['第一站：城市规划馆', '成人票原价：30元', '第二站：科技馆', '成人票原价：30元'].join('\n'),
    // Short lines that differ in a number or a marker say different things.
    ['[12] 国家统计局：《2023年国民经济和社会发展统计公报》，2024年2月29日。', '[23] 国家统计局：《2023年国民经济和社会发展统计公报》，2024年2月29日。'].join('\n'),
    // A paragraph quoting one sentence of another is not a repeat.
    [P1, `${P2}正如发言人所说，${P3}`, P4].join('\n'),
    // Labels repeat by design.
    ['问：', P1, '问：', P2].join('\n'),
    { input: [P1, P2, P1].join('\n'), options: { paragraphs: false } },
  ],
  invalid: [
    { name: 'the lead repeated at the end goes', input: [P1, P2, P3, P1].join('\n'), output: [P1, P2, P3].join('\n'), rules: ['repeated-paragraph'] },
    {
      name: 'the second half of the lead repeated at the end goes, the fuller lead stays',
      input: [`${P1}${P4}`, P2, P3, P4].join('\n'),
      output: [`${P1}${P4}`, P2, P3].join('\n'),
      rules: ['repeated-paragraph'],
    },
    {
      name: 'a summary stitched from later paragraphs goes, the paragraphs stay',
      input: [`${P4}${P2}${P3.slice(0, 30)}`, P1, P2, P3, P4].join('\n'),
      output: [P1, P2, P3, P4].join('\n'),
      rules: ['stitched-paragraph'],
    },
    {
      name: 'a copy in other punctuation, width and script is a repeat',
      input: [P1, P2, '國家統計局今天發布數據顯示,一季度國內生產總值同比增長百分之五點三,比上年四季度環比增長百分之一點六,經濟運行開局良好.'].join('\n'),
      output: [P1, P2].join('\n'),
      rules: ['repeated-paragraph'],
    },
    { name: 'a caption said twice collapses to one', input: [P1, '(资料图片)', '(资料图片)', P2].join('\n'), output: [P1, '(资料图片)', P2].join('\n'), rules: ['repeated-paragraph'] },
    { name: 'a headline said twice collapses to one', input: ['一季度经济开局良好', '一季度经济开局良好', P1].join('\n'), output: ['一季度经济开局良好', P1].join('\n'), rules: ['repeated-paragraph'] },
    { name: 'a repeat at the top goes with its own line break', input: [P1 + P2, P1, P2].join('\n'), output: [P1, P2].join('\n'), rules: ['stitched-paragraph'] },
  ],
});

describe('dedupe inside a document', () => {
  it('reports where the dropped text is found, and how much of it', () => {
    const { result } = runStage(dedupe, [P1, P2, P3, P1].join('\n'));
    expect(result.findings).toHaveLength(1);
    expect(result.findings![0]).toMatchObject({ rule: 'repeated-paragraph', action: 'drop', line: 4, data: { coverage: 1, foundInLines: [1] } });
  });

  it('of two equal paragraphs keeps exactly one, however many there are', () => {
    const { text } = runStage(dedupe, [P1, P1, P2, P1, P2, P1].join('\n'));
    expect(text).toBe([P1, P2].join('\n'));
  });

  it('says so instead of comparing the paragraphs of a document over the size limit', () => {
    const { text, result } = runStage(dedupe, [P1, P2, P1].join('\n'), { paragraphMaxChars: 100 });
    expect(text).toBe([P1, P2, P1].join('\n'));
    expect(result.findings).toMatchObject([{ rule: 'too-long-to-compare', action: 'flag' }]);
  });

  it('stays linear on a page of thousands of repeated lines', () => {
    const lines = Array.from({ length: 3000 }, (_, i) => (i % 2 ? P1 : `${P2}${i}`));
    const { text } = runStage(dedupe, lines.join('\n'));
    expect(text.split('\n').filter((l) => l === P1)).toHaveLength(1);
  });
});

describe('dedupe on the seeds (hand-checked goldens)', () => {
  const pipeline = createPipeline({ stages: ['normalize', 'script', 'reflow', 'boilerplate', 'dedupe'] });
  const cases = fixtureCases('dedupe');
  for (const c of cases) {
    it(c.name, () => {
      const { text } = pipeline.process({ id: c.name, source: c.dir, encoding: 'utf-8', text: c.input, meta: {} });
      expect(text).toBe(golden(c, text));
    });
  }

  const clean = (name: string): string =>
    pipeline.process({ id: name, source: name, encoding: 'utf-8', text: cases.find((c) => c.name === name)!.input, meta: {} }).text;

  it('000: the stitched summary goes; every sentence it borrowed stays once, in its own paragraph', () => {
    const t = clean('seed-000');
    const paragraphs = t.split('\n');
    for (const sentence of ['与此同时,金山区不断积极探索社区治理新路径', '另一方面,金山区还将视野放大到乐高所在的15平方公里', '目前,金山正聚焦新材料、智能装备']) {
      expect(paragraphs.filter((p) => p.includes(sentence))).toHaveLength(1);
      expect(paragraphs.find((p) => p.includes(sentence))!.startsWith(sentence.slice(0, 4))).toBe(true);
    }
    expect(t).toContain('其中规上企业42家');
    expect(t).not.toContain('其中规上企业\n');
    expect(t.match(/疫情前拍摄/g) ?? []).toHaveLength(0); // the caption twice: a credit line, gone in boilerplate
  });

  it('003: the lead repeated as the last paragraph goes, the lead stays', () => {
    const t = clean('seed-003');
    expect(t.match(/全力打造新时代现代化转型的样本/g)).toHaveLength(1);
    expect(t.startsWith('央广网上海10月23日消息')).toBe(true);
    expect(t.split('\n').at(-1)!.startsWith('此外,围绕“双碳”战略')).toBe(true);
  });
});

describe('folding for comparison', () => {
  it('ignores punctuation, spaces, width, case and script', () => {
    expect(foldedString('國家統計局：ＧＤＰ增長 5.3%！')).toBe('国家统计局gdp增长53');
    expect(foldedString('国家统计局:GDP增长5.3%!')).toBe('国家统计局gdp增长53');
  });
  it('keeps the source offset of every character it keeps', () => {
    const f = fold('甲，乙 丙');
    expect([...f.starts]).toEqual([0, 2, 4]);
  });
});

describe('MinHash signatures', () => {
  const jaccard = (a: string, b: string): number => {
    const A = new Set(shingleHashes(fold(a).codes, 5));
    const B = new Set(shingleHashes(fold(b).codes, 5));
    let both = 0;
    for (const x of A) if (B.has(x)) both++;
    return both / (A.size + B.size - both);
  };
  const estimate = (a: string, b: string): number => {
    const x = signature(fold(a).codes, { shingle: 5, permutations: 256 })!;
    const y = signature(fold(b).codes, { shingle: 5, permutations: 256 })!;
    let same = 0;
    for (let i = 0; i < x.length; i++) if (x[i] === y[i]) same++;
    return same / x.length;
  };

  it('estimate the Jaccard similarity of the shingle sets', () => {
    const base = [P1, P2, P3, P4].join('');
    const pairs: [string, string][] = [
      [base, base],
      [base, [P1, P2, P3].join('')],
      [base, [P1, P2].join('')],
      [base, [P3, P4].join('') + P1.slice(0, 20)],
      [P1, P4],
    ];
    for (const [a, b] of pairs) expect(Math.abs(estimate(a, b) - jaccard(a, b))).toBeLessThan(0.1);
  });

  it('estimate it from their lowest 8 bits as well, with the chance agreement of 8-bit values taken out', () => {
    // k of 256 positions agreeing: 1 of them is what chance gives, so the estimate is (k − 1) / 255.
    const a = Uint8Array.from({ length: 256 }, (_, i) => i);
    const agreeing = (k: number): Uint8Array => a.map((v, i) => (i < k ? v : (v + 1) & 0xff));
    expect(similarity(a, 0, agreeing(256), 0, 256)).toBe(1);
    expect(similarity(a, 0, agreeing(205), 0, 256)).toBe(0.8);
    expect(similarity(a, 0, agreeing(128), 0, 256)).toBeCloseTo(127 / 255, 12);
    expect(similarity(a, 0, agreeing(1), 0, 256)).toBe(0);
    expect(similarity(a, 0, agreeing(0), 0, 256)).toBe(0);

    const compact = (t: string): Uint8Array => {
      const out = new Uint8Array(256);
      compactInto(signature(fold(t).codes, { shingle: 5, permutations: 256 })!, out, 0);
      return out;
    };
    const base = [P1, P2, P3, P4].join('');
    for (const other of [base, [P1, P2, P3].join(''), [P1, P2].join(''), P4]) {
      expect(Math.abs(similarity(compact(base), 0, compact(other), 0, 256) - jaccard(base, other))).toBeLessThan(0.1);
    }
    // Long unrelated texts: many shingles per bin make every minimum small, so its high bits
    // would agree by chance (106 of 256 here); the low bits do not, and the estimate stays near 0.
    const long = (seed: number): string =>
      Array.from({ length: 60000 }, (_, i) => {
        const x = Math.imul(i + seed * 100_003, 0x9e3779b1);
        return String.fromCharCode(0x4e00 + ((Math.imul(x ^ (x >>> 15), 0x85ebca6b) >>> 0) % 2000));
      }).join('');
    expect(similarity(compact(long(1)), 0, compact(long(2)), 0, 256)).toBeLessThan(0.05);
  });

  it('give a short text a full signature and an empty one none', () => {
    expect(signature(fold('你好，请问你是谁').codes, { shingle: 5, permutations: 64 })).toHaveLength(64);
    expect(signature(fold('！？').codes, { shingle: 5, permutations: 64 })).toBeNull();
  });
});

describe('the corpus index', () => {
  it('keeps 64-bit keys apart that agree in one half', () => {
    const t = new HashTable();
    for (let i = 1; i <= 5000; i++) {
      t.set(i, 7, i);
      t.set(7, i, i + 10000);
    }
    expect(t.get(123, 7)).toBe(123);
    expect(t.get(7, 123)).toBe(10123);
    expect(t.get(123, 8)).toBe(0);
    expect(t.size).toBe(9999); // (7, 7) was set twice
  });

  it('rejects band settings that need more values than the signature has', () => {
    expect(() => new MemoryDedupIndex({ permutations: 64, bands: 32, rows: 4, threshold: 0.5, near: true })).toThrow(/exceeds/);
  });
});

/** Runs documents through one pipeline in order. */
function runAll(texts: string[], options: Record<string, unknown> = {}, stages = ['dedupe']): CleanResult[] {
  const pipeline = createPipeline({ stages, options: stages.includes('quality') ? { quality: options } : { dedupe: options } });
  return texts.map((text, i) => pipeline.process({ id: `doc-${i}`, source: 'test', encoding: 'utf-8', text, meta: {} }));
}

describe('corpus dedup', () => {
  it('keeps the first of two copies and rejects the second with the reason, the kept id and the similarity', () => {
    const [a, b, c] = runAll([[P1, P2, P3].join('\n'), P4, [P1, P2, P3].join('\n')]);
    expect(a!.decision).toBe('keep');
    expect(b!.decision).toBe('keep');
    expect(c!.decision).toBe('reject');
    expect(c!.report.duplicateOf).toBe('doc-0');
    expect(c!.report.similarity).toBe(1);
    expect(c!.report.reasons[0]).toMatch(/^exact-duplicate: duplicate/);
    const finding = c!.report.stages[0]!.findings.at(-1)!;
    expect(finding).toMatchObject({ rule: 'exact-duplicate', action: 'reject', data: { duplicateOf: 'doc-0', similarity: 1 } });
  });

  it('catches a near copy with its estimated similarity, and can be limited to exact copies', () => {
    const original = [P1, P2, P3, P4].join('\n');
    const edited = [P1, P2.replace('百分之七十三', '七成以上'), P3, P4.slice(0, 40)].join('\n');
    const [, near] = runAll([original, edited]);
    expect(near!.report.reasons[0]).toMatch(/^near-duplicate: duplicate/);
    expect(near!.report.similarity).toBeGreaterThan(0.5);
    expect(near!.report.similarity).toBeLessThan(1);
    expect(runAll([original, edited], { corpus: 'exact' })[1]!.decision).toBe('keep');
    expect(runAll([original, original], { corpus: 'off' })[1]!.decision).toBe('keep');
  });

  it('does not keep an already rejected document as the original of later copies', () => {
    const article = [P1, P2, P3].join('\n');
    const rs = runAll([article, article], { minChars: 10_000 } as never, ['dedupe', 'quality']);
    expect(rs.map((r) => r.report.reasons.map((x) => x.split(':')[0]))).toEqual([['too-short'], ['too-short']]);
  });

  it('does not take an empty document for a copy', () => {
    expect(runAll(['……', '……']).map((r) => r.decision)).toEqual(['keep', 'keep']);
  });
});

// data-juicer's own Chinese dedup cases, with the options of the op they test.
describe("data-juicer's Chinese dedup cases", () => {
  const cases: { test: string; source_file: string; op: string; input: string[]; expected_kept: string[] }[] = JSON.parse(
    readFileSync(`${FIXTURES}/data-juicer-dedup/chinese_dedup_cases.json`, 'utf8'),
  );
  const options: Record<string, Record<string, unknown>> = {
    // DocumentDeduplicator: exact hash of the text.
    'test_document_deduplicator.py': { corpus: 'exact', paragraphs: false },
    // DocumentMinhashDeduplicator / DocumentSimhashDeduplicator: near duplicates, punctuation ignored.
    'test_document_minhash_deduplicator.py': { paragraphs: false },
    'test_document_simhash_deduplicator.py': { paragraphs: false },
  };
  for (const c of cases) {
    const file = c.source_file.split('/').at(-1)!;
    it(`${file}: ${c.op.split('(')[0]}`, () => {
      const results = runAll(c.input, options[file]);
      expect(results.filter((r) => r.decision === 'keep').map((r) => c.input[Number(r.id.slice(4))])).toEqual(c.expected_kept);
      for (const r of results.filter((x) => x.decision === 'reject')) expect(r.report.reasons.join(' ')).toContain('duplicate');
    });
  }
});

// Real article bodies and the copies a crawl meets, through the whole pipeline.
describe('a generated corpus of article copies', () => {
  const corpus = variantCorpus();
  const pipeline = createPipeline({});
  const results = corpus.map((d) => pipeline.process({ id: d.id, source: d.id, encoding: 'utf-8', text: d.text, meta: {} }));
  // Originals the other stages reject on their own (a table of contents cleaned to nothing, a page of
  // captions, a price list) are not kept, so there is no kept copy to find: left out with their copies.
  const empty = new Set(corpus.filter((d, i) => d.original === null && results[i]!.decision === 'reject').map((d) => d.id));
  const scored = corpus.map((d, i) => [d, results[i]!] as const).filter(([d]) => !empty.has(d.original ?? d.id));

  it('catches every copy and rejects no distinct article', () => {
    const s = scoreDecisions(scored.map(([d]) => d), scored.map(([, r]) => r));
    expect(s.misses).toEqual([]);
    expect(s.precision).toBe(1);
    expect(s.recall).toBe(1);
    expect(empty.size).toBeLessThanOrEqual(5);
    expect(scored.length).toBeGreaterThan(200);
  });
});

describe('the corpus fingerprint', () => {
  it('is computed with the stages (in the worker), and decide without it (a resumed run) decides the same', () => {
    const text = '国家统计局今天发布数据，一季度国内生产总值同比增长，就业形势总体稳定，消费市场持续恢复。';
    const withPrepared = createPipeline({ stages: ['dedupe'] });
    const first = withPrepared.runStages({ id: 'a', source: 'a', encoding: 'utf-8', text, meta: {} });
    expect(first.doc.data.dedupeFingerprint).toBeDefined();
    expect(withPrepared.finish(first).decision).toBe('keep');
    const copy = withPrepared.runStages({ id: 'b', source: 'b', encoding: 'utf-8', text: `${text}\n`, meta: {} });
    expect(withPrepared.finish(copy).report.duplicateOf).toBe('a');
    // The same decisions from text alone, as replay makes them.
    const replayed = createPipeline({ stages: ['dedupe'] });
    replayed.replay({ id: 'a', text, reasons: [] });
    const again = replayed.runStages({ id: 'b', source: 'b', encoding: 'utf-8', text, meta: {} });
    const { dedupeFingerprint: _, ...without } = again.doc.data;
    expect(replayed.finish({ ...again, doc: { ...again.doc, data: without } }).report.duplicateOf).toBe('a');
  });
});
