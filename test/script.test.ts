// The script stage's own behaviour. OpenCC's test-case suite for every
// configuration belongs to the script-normalisation issue and is not here yet.
import { describe, expect, it } from 'vitest';
import { detectVariant, script, traditionalShare } from '../stages/script.js';
import { runStage } from './helpers/stage-tester.js';

const TW = '中央氣象署表示，颱風預計明天清晨在臺灣東部登陸，民眾應做好防颱準備，並注意強風豪雨對交通的影響。';
const SIMPLIFIED = '国家统计局今天发布数据，一季度国内生产总值同比增长，就业形势总体稳定。';

describe('script', () => {
  it('leaves a Simplified document alone and reports a zero share', () => {
    const { text, result } = runStage(script, SIMPLIFIED);
    expect(text).toBe(SIMPLIFIED);
    expect(result.findings).toEqual([]);
    expect(result.data?.script).toEqual({ traditionalShare: 0 });
  });

  it('converts a Traditional document, one finding explaining every edit', () => {
    const { text, result } = runStage(script, `${TW}\n第二行：臺北市政府發布消息。`);
    expect(text).toBe('中央气象署表示，台风预计明天清晨在台湾东部登陆，民众应做好防台准备，并注意强风豪雨对交通的影响。\n第二行：台北市政府发布消息。');
    expect(result.findings).toHaveLength(1);
    expect(result.findings![0]).toMatchObject({ rule: 'traditional-to-simplified', action: 'replace', line: 1, before: '氣', after: '气' });
    expect(result.findings![0]!.count).toBe(result.edits!.length);
    expect((result.data?.script as { traditionalShare: number }).traditionalShare).toBeGreaterThan(0.2);
  });

  it('tells Hong Kong from Taiwan text by marker characters', () => {
    expect(detectVariant('這裏的綫路')).toBe('hk');
    expect(detectVariant('這裡的線路')).toBe('tw');
  });

  it('measures the Traditional share of the Han characters', () => {
    expect(traditionalShare(SIMPLIFIED)).toBe(0);
    expect(traditionalShare('English only')).toBe(0);
    expect(traditionalShare(TW)).toBeGreaterThan(0.2);
  });
});

describe('script on a mixed page', () => {
  it('converts the Traditional lines only: Taiwan tables would turn a Simplified 什么 into 什幺 and 显著 into 显着', () => {
    const simplified = '你知道这是为什么吗？物质文明建设成效显著。';
    const traditional = '臺北市政府今天發布消息，颱風將於明天登陸。';
    const { text } = runStage(script, `${simplified}\n${traditional}\n${simplified}`, { variant: 'tw' });
    expect(text.split('\n')).toEqual([simplified, '台北市政府今天发布消息，台风将于明天登陆。', simplified]);
  });
});
