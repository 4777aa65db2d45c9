import { describe, expect, it } from 'vitest';
import { normalize } from '../stages/normalize.js';
import { fixtureCases, golden } from './helpers/fixtures.js';
import { runStage, testStage } from './helpers/stage-tester.js';

testStage(normalize, {
  valid: [
    '一行',
    '第一段。\n第二段。',
    'Latin words keep their inner spaces: a  b',
    '中文 English 混排\t制表符在行内保留',
    '表情👍🏽和扩展字𠮷保留',
  ],
  invalid: [
    { name: 'CRLF and CR become LF', input: '甲\r\n乙\r丙', output: '甲\n乙\n丙', rules: ['line-endings'] },
    { name: 'Unicode line and paragraph separators', input: '甲\u2028乙\u2029丙\u0085丁', output: '甲\n乙\n丙\n丁', rules: ['line-endings'] },
    { name: 'ideographic-space indentation', input: '\u3000\u3000正文第一段。\n\u3000\u3000第二段。', output: '正文第一段。\n第二段。', rules: ['edge-whitespace'] },
    { name: 'NBSP and tabs at the edges', input: '\u00a0\t标题\u00a0 ', output: '标题', rules: ['edge-whitespace'] },
    { name: 'blank lines, also whitespace-only ones', input: '甲\n\n\u3000\u3000\n \t\n乙\n', output: '甲\n乙', rules: ['empty-lines'] },
    { name: 'leading blank lines and BOM', input: '\ufeff\n\n正文', output: '正文', rules: ['empty-lines'] },
    { name: 'BOM at the start of a line is an invisible character', input: '\ufeff正文', output: '正文', rules: ['invisible-chars'] },
    { name: 'zero-width characters inside words', input: '中\u200b华\u200d人\u2060民\u00ad共和国', output: '中华人民共和国', rules: ['invisible-chars'] },
    { name: 'bidi controls', input: '\u202e文本\u202c与\u200f标记', output: '文本与标记', rules: ['invisible-chars'] },
    { name: 'C0 and C1 controls', input: '控\u0007制\u001b字\u0085符\u0080', output: '控制字\n符', rules: ['control-chars', 'line-endings'] },
    { name: 'CRLF blank lines between paragraphs', input: '甲\r\n\r\n乙\r\n', output: '甲\n乙', rules: ['empty-lines', 'line-endings'] },
    { name: 'kept blank lines when asked', input: '甲\n\n乙', output: '甲\n\n乙', rules: [], options: { dropEmptyLines: false } },
  ],
});

describe('normalize findings', () => {
  it('groups a rule into one finding with a count, pointing at the first occurrence', () => {
    const { result } = runStage(normalize, 'a\r\nb\r\nc\r\nd');
    expect(result.findings).toHaveLength(1);
    const f = result.findings![0]!;
    expect(f).toMatchObject({ rule: 'line-endings', action: 'replace', line: 1, range: [1, 3], before: '\r\n', after: '\n' });
    expect(result.edits).toHaveLength(3);
  });

  it('is idempotent', () => {
    const messy = '\ufeff\u3000\u3000标题\r\n\r\n\u3000正文\u200b内容。 \r\n\r\n';
    const once = runStage(normalize, messy).text;
    expect(runStage(normalize, once).text).toBe(once);
    expect(runStage(normalize, once).result.findings).toEqual([]);
  });

  it('a text of only blank lines becomes empty', () => {
    expect(runStage(normalize, '\n \u3000\n\r\n').text).toBe('');
  });
});

describe('normalize fixtures', () => {
  for (const c of fixtureCases('normalize')) {
    it(c.name, () => {
      const { text } = runStage(normalize, c.input, c.options);
      expect(text).toBe(golden(c, text));
    });
  }
});
