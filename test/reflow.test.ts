import { describe, expect, it } from 'vitest';
import { reflow } from '../stages/reflow.js';
import { runStage, testStage } from './helpers/stage-tester.js';

// Lines are written for these tests, in the style of newspaper PDFs and web pages.
const LONG_A = '市统计局今天发布数据显示，一季度全市工业增加值同比增长百分之六，其中高技术制造业增长较快，拉动作用明显，';
const PROSE_CUT = '市统计局今天发布数据显示，一季度全市工业增加值同比增长百分之六，其中高技术制造业增长较快，对全市经济的拉';
const PROSE_REST = '动作用进一步增强，新动能持续壮大。';

testStage(reflow, {
  valid: [
    '标题在这里\n第一段正文，内容完整。\n第二段正文，也完整。',
    '一、总体要求\n（一）指导思想\n坚持稳中求进工作总基调，推动高质量发展。',
    `${PROSE_CUT}\n1. 列表项不接上一行`,
    '“这是一段完整的引语。”\n他说。',
    `${PROSE_CUT}\n昨天上午，新闻发布会举行，会上介绍了有关情况。`,
    '首页\n新闻\n体育',
    '短行没有标点\n下一行也没有',
  ],
  invalid: [
    { name: 'a line ending with a comma continues', input: `${LONG_A}\n${PROSE_REST}`, output: `${LONG_A}${PROSE_REST}`, rules: ['broken-paragraph'] },
    {
      name: 'a line starting with a closing mark continues the one before',
      input: '他表示，这一举措将惠及更多市民\n，预计年内全面推开。',
      output: '他表示，这一举措将惠及更多市民，预计年内全面推开。',
      rules: ['broken-paragraph'],
    },
    {
      name: 'an open quote closed on the next line (a word cut in two)',
      input: '“城东科技园A地\n块”项目是今年最大的工业用地转型项目，计划年内开工。',
      output: '“城东科技园A地块”项目是今年最大的工业用地转型项目，计划年内开工。',
      rules: ['broken-paragraph'],
    },
    { name: 'running prose cut mid-word', input: `${PROSE_CUT}\n${PROSE_REST}`, output: `${PROSE_CUT}${PROSE_REST}`, rules: ['broken-paragraph'] },
    {
      name: 'a caption inside a cut paragraph is moved after it',
      input: `${PROSE_CUT}\n新建的城东科技园全景效果图\n${PROSE_REST}\n下一段。`,
      output: `${PROSE_CUT}${PROSE_REST}\n新建的城东科技园全景效果图\n下一段。`,
      rules: ['caption-inside-paragraph'],
    },
    {
      name: 'three pieces of one paragraph',
      input: `${PROSE_CUT}\n${PROSE_REST.slice(0, -1)}，服务业、消费、投资、外贸等主要指标均稳中有升，全市各区县\n（市）协同推进，成效明显。`,
      output: `${PROSE_CUT}${PROSE_REST.slice(0, -1)}，服务业、消费、投资、外贸等主要指标均稳中有升，全市各区县（市）协同推进，成效明显。`,
      rules: ['broken-paragraph', 'broken-paragraph'],
    },
  ],
});

describe('reflow findings', () => {
  it('says which lines were joined and why', () => {
    const { result } = runStage(reflow, `${LONG_A}\n${PROSE_REST}`);
    expect(result.findings![0]).toMatchObject({ rule: 'broken-paragraph', action: 'merge', line: 1 });
    expect(result.findings![0]!.reason).toMatch(/Line 1 continues on line 2/);
  });

  it('is idempotent', () => {
    const once = runStage(reflow, `${PROSE_CUT}\n标题效果图\n${PROSE_REST}\n${LONG_A}\n${PROSE_REST}`).text;
    expect(runStage(reflow, once).text).toBe(once);
  });
});
