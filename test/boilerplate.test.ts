import { describe, expect, it } from 'vitest';
import { MemoryCorpusContext } from '../pipeline/pipeline.js';
import { applyEdits } from '../pipeline/edits.js';
import { readPatterns, readTable, TableError } from '../pipeline/tables.js';
import { boilerplate, features, lineKey } from '../stages/boilerplate.js';
import fc from 'fast-check';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { FIXTURES } from './helpers/fixtures.js';
import { makeDoc, runStage } from './helpers/stage-tester.js';
import { writeFileSync } from 'node:fs';
import { tempDir } from './helpers/cli.js';
import { join } from 'node:path';

// Pages written for these tests from the usual parts of Chinese news sites.
const P1 = '国家统计局今天发布数据显示，一季度国内生产总值同比增长百分之五点三，比上年四季度环比增长百分之一点六，经济运行开局良好。';
const P2 = '从需求看，最终消费支出对经济增长的贡献率达到百分之七十三，消费的基础性作用进一步增强，投资保持稳定增长，外贸进出口好于预期。';
const P3 = '国家统计局新闻发言人表示，下阶段要加大宏观政策实施力度，着力扩大国内需求，推动经济持续回升向好，为完成全年目标打下基础。';

function keptLines(text: string, opts = {}): string[] {
  const { text: out } = runStage(boilerplate, text, opts);
  return out === '' ? [] : out.split('\n');
}

function rulesOf(text: string): Record<string, string> {
  const { result } = runStage(boilerplate, text);
  const lines = text.split('\n');
  const byLine: Record<string, string> = {};
  for (const f of result.findings ?? []) {
    const n = f.count ?? 1;
    for (let k = 0; k < n; k++) byLine[lines[f.line! - 1 + k]!] = f.rule;
  }
  return byLine;
}

describe('boilerplate: a news page', () => {
  const page = [
    '首页 | 新闻 | 财经 | 体育',
    '一季度经济运行开局良好',
    '2024-04-16 10:30 来源：新华网 点击：1234次',
    P1,
    '消费需求稳步恢复',
    P2,
    P3,
    '（记者 张明 王芳）',
    '责任编辑：李华',
    '上一篇：春季农业生产有序推进',
    '------------------------------',
    '相关阅读',
    '多地出台措施促进消费',
    '一季度外贸数据发布',
    '专家解读经济形势',
    'Copyright © 2024 某某网 版权所有',
    '京ICP备12345678号',
  ].join('\n');

  it('keeps the body and the subheading between paragraphs, nothing else', () => {
    expect(keptLines(page)).toEqual([P1, '消费需求稳步恢复', P2, P3]);
  });

  it('names the rule of every dropped line', () => {
    const r = rulesOf(page);
    expect(r['首页 | 新闻 | 财经 | 体育']).toBe('nav');
    expect(r['一季度经济运行开局良好']).toBe('headline');
    expect(r['2024-04-16 10:30 来源：新华网 点击：1234次']).toBe('dateline');
    expect(r['（记者 张明 王芳）']).toBe('credit');
    expect(r['责任编辑：李华']).toBe('credit');
    expect(r['上一篇：春季农业生产有序推进']).toBe('prev-next');
    expect(r['------------------------------']).toBe('separator');
    expect(r['相关阅读']).toBe('promo');
    expect(r['多地出台措施促进消费']).toBe('link-list');
    expect(r['Copyright © 2024 某某网 版权所有']).toBe('copyright');
    expect(r['京ICP备12345678号']).toBe('copyright');
  });

  it('reports the headline as the title', () => {
    const { result } = runStage(boilerplate, page);
    expect(result.data).toEqual({ title: '一季度经济运行开局良好' });
  });
});

describe('boilerplate: context', () => {
  it('keeps a short sentence between paragraphs and drops one among boilerplate', () => {
    expect(keptLines([P1, '会议还研究了其他事项。', P2].join('\n'))).toEqual([P1, '会议还研究了其他事项。', P2]);
    const comments = [P1, P2, '网友评论', '5月16日18:14举报赞494回复', '这个政策真好，点赞。', '5月16日18:20举报赞3回复'].join('\n');
    expect(keptLines(comments)).toEqual([P1, P2]);
  });

  it('keeps poems and key-value lines, which have punctuation, as body', () => {
    const poem = ['深夜看书须尽欢，', '明月照亮浊酒案。', '一杯美酒空对月，', '酌酒吟诗五千年。', P1].join('\n');
    expect(keptLines(poem)).toHaveLength(5);
  });

  it('does not take a news sentence for page furniture', () => {
    for (const sentence of [
      '美国司法部没有立即发表评论，但此前曾表示，苹果公司每部手机的售价高达一千五百九十九美元，利润比任何竞争对手都高。',
      '2024年5月16日，记者从市政府获悉，全市新建保障性住房项目已全部开工，预计年底前完成主体结构建设。',
    ]) {
      expect(keptLines([P1, sentence, P2].join('\n'))).toContain(sentence);
    }
  });

  it('drops a feed of dated headline + summary items after the article', () => {
    const feed = [];
    for (let i = 0; i < 4; i++) feed.push(`其他新闻标题第${i + 1}条`, `这是第${i + 1}条新闻的摘要，介绍了有关情况，内容较短。`, `新华社·${i + 1} 小时前`);
    expect(keptLines([P1, P2, P3, '你可能还想看', ...feed].join('\n'))).toEqual([P1, P2, P3]);
  });

  it('keeps a second article of a newspaper page', () => {
    const second = ['区政府召开常务会议', '本报讯 昨天下午，区政府召开常务会议，研究部署近期重点工作，要求各部门抓好落实，确保各项任务按期完成。', P3];
    expect(keptLines([P1, P2, '（下转第2版）', ...second].join('\n'))).toEqual([P1, P2, ...second]);
  });
});

describe('boilerplate: lines recurring across a corpus', () => {
  const furniture = '本站热线欢迎您';
  const docs = Array.from({ length: 6 }, (_, i) => [`第${i}篇`, `${P1}${i}`, furniture, `${P2}${i}`].join('\n'));

  function cleanWithCorpus(minCorpus: number): string {
    const ctx = new MemoryCorpusContext();
    const options = { ...boilerplate.defaults, recurringMinDocs: 5, recurringMinCorpus: minCorpus };
    docs.forEach((d) => boilerplate.tally!(boilerplate.scan!(d, options), options, ctx));
    ctx.scannedDocuments = docs.length;
    const r = boilerplate.apply(makeDoc(docs[0]!), options, ctx);
    return applyEdits(docs[0]!, r.edits ?? []);
  }

  it('drops a non-prose line seen in many documents', () => {
    expect(cleanWithCorpus(5)).not.toContain(furniture);
  });

  it('counts lines by a numeric key that ignores digits, punctuation and spaces', () => {
    expect(lineKey('点击：94次')).toBe(lineKey('点击: 12次'));
    expect(lineKey('本站热线欢迎您')).not.toBe(lineKey('本站热线欢迎你'));
    expect(Number.isSafeInteger(lineKey(P1))).toBe(true);
    expect(lineKey('—— 123 ——')).toBe(0);
  });

  it('is off below the minimum corpus size', () => {
    expect(cleanWithCorpus(50)).toContain(furniture);
  });
});

describe('boilerplate tables', () => {
  const patterns = readPatterns('stages', 'boilerplate', 'patterns.tsv');

  it('every pattern has a rule, a scope and a comment', () => {
    expect(patterns.length).toBeGreaterThan(30);
    for (const p of patterns) {
      expect(p.rule).toMatch(/^[a-z-]+$/);
      expect(p.comment.length).toBeGreaterThan(10);
    }
  });

  it('no pattern backtracks catastrophically on adversarial input', () => {
    const inputs = [
      '1'.repeat(20000) + 'x',
      '来源：'.repeat(5000),
      '-'.repeat(20000) + '中',
      ('2024-05-01 ' + '点击 ').repeat(2000),
      '|<<'.repeat(5000) + '下一页x',
      '（'.repeat(10000) + '摄',
      ' '.repeat(20000) + '。',
    ];
    for (const p of patterns) {
      for (const input of inputs) {
        const t0 = performance.now();
        p.regex.test(input);
        expect(performance.now() - t0, `${p.source} on ${JSON.stringify(input.slice(0, 10))}`).toBeLessThan(200);
      }
    }
  });

  it('refuses a malformed table with its file and line', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 't.tsv'), '# comment\nrule\tonly-two\n');
    expect(() => readTable(join(dir, 't.tsv'), 3)).toThrow(TableError);
    expect(() => readTable(join(dir, 't.tsv'), 3)).toThrow(/t\.tsv:2/);
  });
});

describe('line features', () => {
  // The regexes features() replaced, as the reference its counts must equal.
  const reference = (line: string) => {
    const compact = line.replace(/\s+/gu, '');
    return {
      n: [...compact].length,
      enumCommas: compact.split('、').length - 1,
      han: compact.match(/\p{Script=Han}/gu)?.length ?? 0,
      punct: (compact.match(/[，。、；：！？…]/gu)?.length ?? 0) + (compact.match(/(?<=\p{Script=Han})[,;:!?](?!\d)|[,;:!?](?=\p{Script=Han})/gu)?.length ?? 0),
      endsSentence: /[。！？!?…；;，,、："'”’」』）)】]$/u.test(compact),
    };
  };
  const referenceKey = (line: string): number => {
    const s = line.replace(/[\s\p{P}\p{S}\d]+/gu, '');
    if (s.length === 0) return 0;
    let h1 = 0x811c9dc5;
    let h2 = 0x01000193 ^ s.length;
    for (let i = 0; i < s.length; i++) {
      h1 = Math.imul(h1 ^ s.charCodeAt(i), 0x01000193);
      h2 = Math.imul(h2 ^ s.charCodeAt(i), 0x5bd1e995);
    }
    return (h1 >>> 0) * 0x200000 + (h2 >>> 11);
  };
  it('counts as the regexes did, on every line of the seeds and the magic-html pages', () => {
    const dirs = [join(FIXTURES, '..', '..', 'seeds'), join(FIXTURES, 'magic-html-zh', 'gold'), join(FIXTURES, '..', '..', '..', 'shared', 'datasets', 'magic-html-zh', 'input')].filter((d) => existsSync(d));
    let lines = 0;
    for (const dir of dirs) {
      for (const f of readdirSync(dir)) {
        if (!f.endsWith('.txt')) continue;
        for (const line of readFileSync(join(dir, f), 'utf8').split('\n')) {
          expect(features(line), line).toEqual(reference(line));
          expect(lineKey(line), line).toBe(referenceKey(line));
          lines++;
        }
      }
    }
    expect(lines).toBeGreaterThan(1000);
  });
  it('counts as the regexes did, on random lines of marks, digits, spaces and Han', () => {
    const alphabet = fc.constantFrom(...'中文𠀀 \u3000\t,;:!?，。、；：！？…1a"”）)】😀\ud800'.match(/./gsu)!);
    fc.assert(fc.property(fc.array(alphabet, { maxLength: 30 }), (chars) => {
      const line = chars.join('');
      expect(features(line)).toEqual(reference(line));
      expect(lineKey(line)).toBe(referenceKey(line));
    }), { numRuns: 2000 });
  });
});
