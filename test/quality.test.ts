// The quality stage: each rule on a text that fails it, the seeds kept, and the
// signals counted in characters, not space-separated words.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { referenceRepeated } from './helpers/repeated.js';
import { createPipeline } from '../pipeline/pipeline.js';
import { quality, repeatedShare, RULES, signals } from '../stages/quality.js';
import fc from 'fast-check';
import { ROOT } from './helpers/cli.js';

const P = [
  '国家统计局今天发布数据显示，一季度国内生产总值同比增长百分之五点三，经济运行开局良好。',
  '从需求看，最终消费支出对经济增长的贡献率达到百分之七十三，消费的基础性作用进一步增强。',
  '国家统计局新闻发言人表示，下阶段要加大宏观政策实施力度，着力扩大国内需求，推动经济持续回升向好。',
];
const run = (text: string, options = {}) =>
  createPipeline({ stages: ['quality'], options: { quality: options } }).process({ id: 't', source: 't', encoding: 'utf-8', text, meta: {} });
const failed = (text: string, options = {}) => run(text, options).report.reasons.map((r) => r.split(':')[0]);

describe('quality rules', () => {
  const cases: [string, string, Record<string, unknown>?][] = [
    ['too-short', '今天天气很好。'],
    ['too-long', P.join('\n'), { maxChars: 100 }],
    ['low-han-share', `${P[0]}\nThe National Bureau of Statistics said the economy grew faster than expected in the first quarter of the year.`],
    ['few-sentence-ends', [...P.map((p) => p.replace(/。$/, '')), '国务院常务会议部署稳经济措施', '多地出台促消费新政'].join('\n')],
    ['duplicate-lines', [P[0], P[0], P[0], P[1]].join('\n')],
    ['repeated-ngrams', `${P[0]}${P[0]}${P[0]}`],
    ['many-symbols', `${P[0]}★★★★★★★★★★★★★★★★★★★★`],
    ['many-digits', `${P[0]}1234567890123456789012345678901234567890`],
    ['short-sentences', '好。是。对。行。可以。好的。没问题。知道了。明白。收到。谢谢。再见。好。是。对。行。可以。好的。没问题。'],
    ['long-sentences', P.join('').replace(/。/g, '，').repeat(3)],
  ];
  for (const [rule, text, options] of cases) {
    it(`${rule}: fails and is named in the reasons`, () => {
      expect(failed(text, options)).toContain(rule);
      const r = run(text, options);
      expect(r.decision).toBe('reject');
      expect(r.report.quality.score).toBeLessThan(1);
    });
  }
  it('every rule has a case above', () => {
    expect(new Set(cases.map((c) => c[0]))).toEqual(new Set(RULES.map((r) => r.id).filter((id) => id !== 'mostly-removed')));
  });
  it('mostly-removed: a page the other stages emptied', () => {
    const r = createPipeline({ stages: ['boilerplate', 'quality'] }).process({
      id: 'links', source: 't', encoding: 'utf-8', meta: {},
      text: ['首页 | 新闻 | 体育 | 财经', '国务院常务会议部署稳经济措施', '多地出台促消费新政', '暴雨来袭 多地发布预警', '版权所有 © 2024 某某网'].join('\n'),
    });
    expect(r.report.reasons.map((x) => x.split(':')[0])).toEqual(expect.arrayContaining(['too-short', 'mostly-removed']));
  });
  it('keeps a plain article with a score of 1', () => {
    const r = run(P.join('\n'));
    expect(r.decision).toBe('keep');
    expect(r.report.quality.score).toBe(1);
  });
});

describe('quality signals', () => {
  it('count characters, not space-separated words, and Chinese sentence ends', () => {
    const s = signals(P.join('\n'), P.join('\n'), []);
    expect(s.chars).toBeGreaterThan(100);
    expect(s.sentenceEndShare).toBe(1);
    expect(s.hanShare).toBe(1);
    expect(s.meanSentenceLength).toBeGreaterThan(30);
  });
  it('record the share each stage removed', () => {
    const r = createPipeline({ stages: ['normalize', 'quality'] }).process({ id: 't', source: 't', encoding: 'utf-8', meta: {}, text: `\u3000\u3000${P.join('\n\n')}` });
    expect(r.report.quality.signals['removed.normalize']).toBeGreaterThan(0);
  });
});

describe('quality on the seeds', () => {
  it('keeps all five, 001 after repair, with the signals a reader sees', () => {
    const pipeline = createPipeline({});
    for (const f of readdirSync(join(ROOT, 'seeds')).filter((x) => x.endsWith('.txt'))) {
      const r = pipeline.process({ id: f, source: f, encoding: 'utf-8', text: readFileSync(join(ROOT, 'seeds', f), 'utf8'), meta: {} });
      expect(r.decision, `${f}: ${r.report.reasons.join('; ')}`).toBe('keep');
      expect(r.report.quality.score, f).toBeGreaterThan(0.7);
      if (f.startsWith('001')) expect(r.report.spin.detected).toBe(true);
    }
  });
  it('has defaults for every threshold in one place', () => {
    for (const r of RULES) expect(typeof r.threshold(quality.defaults)).toBe('number');
  });
});

describe('repeated n-gram share', () => {
  // The definition, with strings (test/helpers/repeated.ts).
  const reference = referenceRepeated;
  it('matches the definition on random texts with repeats', () => {
    const piece = fc.stringOf(fc.constantFrom(...'中文字 的了\n，。ab'.split('')), { minLength: 0, maxLength: 30 });
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }), fc.array(fc.nat(7), { maxLength: 6 }), (pieces, picks) => {
        const text = [...pieces, ...picks.map((k) => pieces[k % Math.max(1, pieces.length)] ?? '')].join('');
        expect(repeatedShare(text, 10)).toBeCloseTo(reference(text, 10), 12);
      }),
      { numRuns: 500 },
    );
  });
});
