// The punctuation stage: one named rule each, on lines from the seeds and lines
// made for the edge cases. Numbers, URLs, e-mail addresses and code stay as they are.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createPipeline } from '../pipeline/pipeline.js';
import { punctuation, RULES } from '../stages/punctuation.js';
import { ROOT } from './helpers/cli.js';
import { runStage, testStage } from './helpers/stage-tester.js';

testStage(punctuation, {
  valid: [
    // Real lines from the seeds that must not change.
    '截至2021年底，拥有生物医药企业累计98家',
    '作为上海市“1 5 X”生物医药产业空间布局规划的重要组成部分',
    '围绕“1+4+4”新型工业化产业体系',
    '堆积3.08平方公里围填海区域开辟',
    '沿着G320文旅连廊',
    '全长2.24公里，取浙江省嘉兴市嘉善县姚杨公路对接',
    // Numbers, times, Latin text, URLs, e-mail, code.
    '共计10,500美元，会议于10:30开始。',
    'He said: "Hello, world!" (quietly)',
    '详见https://example.cn/a?b=1,2&c=(3)，或发邮件至news.desk@example.com。',
    '调用print()函数，再看f(x)的值。',
    { input: '北京,上海', options: { fullWidthPunctuation: false } },
    { input: 'ＧＤＰ', options: { halfWidthAlnum: false } },
  ],
  invalid: [
    { name: 'ascii-comma: 12月29日至30日,金山区委 (seed 001)', input: '12月29日至30日,金山区委举行学习研讨会,分高质量发展', output: '12月29日至30日，金山区委举行学习研讨会，分高质量发展', rules: ['ascii-comma'] },
    { name: 'ascii-comma after a number before Chinese', input: '其中规上企业42家,产值首次突破百亿元', output: '其中规上企业42家，产值首次突破百亿元', rules: ['ascii-comma'] },
    { name: 'ascii-comma after a percentage', input: '企业每年营收增长超30%,今年前五个月', output: '企业每年营收增长超30%，今年前五个月', rules: ['ascii-comma'] },
    { name: 'ascii-colon: a speaker', input: '记者:今天的会议很重要', output: '记者：今天的会议很重要', rules: ['ascii-colon'] },
    { name: 'ascii-colon before a URL, the URL intact', input: '网址:http://www.example.cn/a:b', output: '网址：http://www.example.cn/a:b', rules: ['ascii-colon'] },
    { name: 'ascii-semicolon (seed 000)', input: '加速先进制造业、新型材料产业推进的速度;在空间转型方面', output: '加速先进制造业、新型材料产业推进的速度；在空间转型方面', rules: ['ascii-semicolon'] },
    { name: 'ascii-question', input: '如何切实形成品牌效应?记者获悉', output: '如何切实形成品牌效应？记者获悉', rules: ['ascii-question'] },
    { name: 'ascii-exclamation', input: '太好了!我们赢了', output: '太好了！我们赢了', rules: ['ascii-exclamation'] },
    { name: 'ascii-parentheses around Chinese (seed 001)', input: '互联互通项目(姚杨公路—叶新公路)正式通车', output: '互联互通项目（姚杨公路—叶新公路）正式通车', rules: ['ascii-parentheses'] },
    { name: 'ascii-parentheses for a gloss after Chinese (seed 004)', input: '新材料产业集群(New material),加上', output: '新材料产业集群（New material），加上', rules: ['ascii-parentheses', 'ascii-comma'] },
    { name: 'ascii-parentheses, nested', input: '中国(上海(浦东))自由贸易试验区', output: '中国（上海（浦东））自由贸易试验区', rules: ['ascii-parentheses'] },
    { name: 'fullwidth-alnum', input: 'ＧＤＰ增长５．３％，ｉＰｈｏｎｅ销量', output: 'GDP增长5．3％，iPhone销量', rules: ['fullwidth-alnum'] },
    { name: 'corner-quotes', input: '他說「這是『試點』工作」。', output: '他說“這是‘試點’工作”。', rules: ['corner-quotes'] },
  ],
});

describe('punctuation rules', () => {
  it('every rule has an id, what it catches, and a test above', () => {
    const tested = readFileSync(new URL(import.meta.url), 'utf8');
    for (const [id, rule] of Object.entries(RULES)) {
      expect(rule.catches.length).toBeGreaterThan(10);
      expect(tested).toContain(`'${id}'`);
    }
  });

  it('reports one finding per rule with a count', () => {
    const { result } = runStage(punctuation, '甲,乙,丙:丁');
    expect(result.findings!.map((f) => [f.rule, f.count ?? 1])).toEqual([
      ['ascii-comma', 2],
      ['ascii-colon', 1],
    ]);
  });
});

describe('the cleaned seeds', () => {
  const pipeline = createPipeline({});
  const seeds = readdirSync(join(ROOT, 'seeds')).filter((f) => f.endsWith('.txt'));
  const cleaned = seeds.map((f) => pipeline.process({ id: f, source: f, encoding: 'utf-8', text: readFileSync(join(ROOT, 'seeds', f), 'utf8'), meta: {} }).text);

  it('have no ASCII comma, colon, semicolon or bracket next to a Chinese character', () => {
    for (const [i, t] of cleaned.entries()) {
      expect(t.match(/\p{Script=Han}[,:;()]|[,:;()]\p{Script=Han}/gu) ?? [], seeds[i]).toEqual([]);
    }
  });

  it('keep their numbers, codes and formulas', () => {
    const all = cleaned.join('\n');
    for (const kept of ['4.7亿元', '1+4+4', 'G320', '3.08平方公里', '2.24公里', '“1 5 X”', '3+6', '5G']) expect(all).toContain(kept);
  });
});
