// The language stage: franc's own fixtures through the stage, rejection of
// documents not in the target language, short text undetermined, foreign
// paragraphs flagged and foreign boilerplate dropped.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createPipeline } from '../pipeline/pipeline.js';
import { identify, language } from '../stages/language.js';
import { FIXTURES } from './helpers/fixtures.js';
import { runStage } from './helpers/stage-tester.js';

const fixtures: Record<string, { iso6393: string; fixture: string }> = JSON.parse(readFileSync(join(FIXTURES, 'franc-fixtures', 'fixtures.json'), 'utf8'));
const run = (text: string, options = {}) =>
  createPipeline({ stages: ['language'], options: { language: options } }).process({ id: 't', source: 't', encoding: 'utf-8', text, meta: {} });

describe("franc's fixtures through the stage", () => {
  for (const [key, { iso6393, fixture }] of Object.entries(fixtures)) {
    it(`${key} is ${iso6393}; ${iso6393 === 'cmn' ? 'kept' : 'rejected by default'}`, () => {
      const r = run(fixture);
      expect(r.report.language.code).toBe(iso6393);
      expect(r.report.language.score).toBeGreaterThan(0.5);
      expect(r.decision).toBe(iso6393 === 'cmn' ? 'keep' : 'reject');
      if (iso6393 !== 'cmn') expect(r.report.reasons[0]).toMatch(new RegExp(`^not-target-language: the document is in ${iso6393}`));
    });
  }

  it('accepts other languages when configured', () => {
    expect(run(fixtures.eng!.fixture, { languages: ['cmn', 'eng'] }).decision).toBe('keep');
  });
});

describe('language identification', () => {
  it('calls short text undetermined, not a guess', () => {
    expect(identify('今天天气很好', language.defaults)).toEqual({ code: 'und', score: 0 });
    expect(identify('Hello there', language.defaults)).toEqual({ code: 'und', score: 0 });
    const r = run('短讯：会议已结束。');
    expect(r.report.language.code).toBe('und');
    expect(r.decision).toBe('keep');
  });

  it('scores a mixed document lower than a pure one', () => {
    const zh = '国家统计局今天发布数据显示，一季度国内生产总值同比增长，经济运行开局良好，就业形势总体稳定。';
    const mixed = `${zh} The National Bureau of Statistics said on Tuesday that the economy grew faster than expected.`;
    expect(identify(mixed, language.defaults).score).toBeLessThan(identify(zh, language.defaults).score);
  });
});

describe('foreign paragraphs in a Chinese document', () => {
  const zh = ['国家统计局今天发布数据显示，一季度国内生产总值同比增长，经济运行开局良好。', '从需求看，最终消费支出对经济增长的贡献率达到百分之七十三，消费的基础性作用进一步增强。'];
  it('flags a foreign paragraph and keeps it', () => {
    const en = 'The statistics bureau will publish the full figures for the second quarter in July this year.';
    const { text, result } = runStage(language, [zh[0], en, zh[1]].join('\n'));
    expect(text).toBe([zh[0], en, zh[1]].join('\n'));
    expect(result.findings).toMatchObject([{ rule: 'foreign-paragraph', action: 'flag', line: 2, data: { code: 'eng' } }]);
    expect(result.data!.language).toMatchObject({ code: 'cmn', paragraphs: { cmn: 2, eng: 1 } });
  });

  it('drops a foreign line that is boilerplate', () => {
    const footer = 'Copyright © 2024 Example News Network. All rights reserved.';
    const { text, result } = runStage(language, [zh[0], zh[1], footer].join('\n'));
    expect(text).toBe([zh[0], zh[1]].join('\n'));
    expect(result.findings).toMatchObject([{ rule: 'foreign-boilerplate', action: 'drop', line: 3 }]);
  });
});
