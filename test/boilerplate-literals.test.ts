// The boilerplate patterns are only tried on lines that hold the literals their matches
// must contain (stages/boilerplate/literals.ts). A wrong literal would silently keep
// boilerplate: every line a pattern matches must pass the filter, on generated matches of
// every pattern of the table and on every line of the real pages and fixtures.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { realTextFiles } from './helpers/fixtures.js';
import { readPatterns } from '../pipeline/tables.js';
import { LiteralFilter, patternNeeds, requiredLiterals, requiredPrefix } from '../stages/boilerplate/literals.js';

const PATTERNS = readPatterns('stages', 'boilerplate', 'patterns.tsv');

describe('requiredLiterals', () => {
  const cases: [string, string[] | undefined][] = [
    ['^abc$', ['abc']],
    ['^.{0,40}(?:版权所有|Copyright).{0,120}$', ['版权所有', 'Copyright']],
    ['^(?:ab|cd)\\s*[：:]\\S+$', ['ab', 'cd']], // the longer of two required sets
    ['^(?:发布|发表)?[：:]?\\d{4}年', ['年']], // optional parts require nothing
    ['^\\d+$', undefined],
    ['^.*$', undefined],
    ['^(?:a.{0,6}b|cd)$', ['a', 'b', 'cd'].slice(0, 1).concat(['cd'])], // an alternative's own best: a (or b), cd
    ['^(?:x(?:转载|删除)|不构成)', ['x转载', 'x删除', '不构成']],
    ['^[（(]?摄[）)]$', ['摄）', '摄)']], // (摄) holds 摄): the longer strings add nothing
    ['^版\\s*权$', ['版']],
    ['^(?=.*\\d)(?:上一页|\\d)+$', undefined], // a lookahead requires nothing here; one alternative has no literal
    ['^(?:广告)(?!业)', ['广告']],
    ['^Tags?:', ['Tag:', 'Tags:']],
    ['^[^。]{0,3}摄$', ['摄']],
    ['^\\u4e2d\\x41$', ['中A']],
    ['^(a)\\1$', undefined], // a backreference: not analysed
    ['^a|b$', ['a', 'b']],
    ['^(?:a|)$', undefined], // an empty alternative
  ];
  it.each(cases)('%s', (source, expected) => {
    const got = requiredLiterals(source);
    expect(got === undefined ? undefined : [...got].sort()).toEqual(expected === undefined ? undefined : [...expected].sort());
  });
});

describe('requiredPrefix', () => {
  const cases: [string, string[] | undefined][] = [
    ['^(?:上一篇|下一篇)\\s*[：:]?.{0,80}$', ['上一篇', '下一篇']],
    ['^(?:分享到|分享至)[：:]', ['分享到：', '分享到:', '分享至：', '分享至:']],
    ['^(?:发布|发表)?[：:]?\\d{4}', undefined], // it may start with a digit
    ['^.{0,40}版权所有', undefined],
    ['版权所有$', undefined], // not anchored at the start
    ['^Tags?\\s', ['Tag']],
  ];
  it.each(cases)('%s', (source, expected) => {
    const got = requiredPrefix(source);
    expect(got === undefined ? undefined : [...got].sort()).toEqual(expected === undefined ? undefined : [...expected].sort());
  });
});

describe('LiteralFilter', () => {
  const filter = new LiteralFilter([{ anywhere: ['版权所有', 'Copyright'] }, {}, { anywhere: ['摄'] }, { anywhere: ['转载', '转发'] }, { prefix: ['上一篇'] }]);
  const hits = (line: string): number[] => {
    filter.scan(line);
    return [...filter.hits].flatMap((h, i) => (h === 1 ? [i] : []));
  };
  it('finds literals anywhere in the line, at its ends too', () => {
    expect(hits('本站版权所有')).toEqual([0, 1]);
    expect(hits('Copyright 2024')).toEqual([0, 1]);
    expect(hits('张三 摄')).toEqual([1, 2]);
    expect(hits('请勿转发')).toEqual([1, 3]);
    expect(hits('版权')).toEqual([1]); // the start of a literal is not the literal
    expect(hits('')).toEqual([1]); // a pattern without literals is always a candidate
  });
  it('finds a prefix at the start of the line only', () => {
    expect(hits('上一篇：新闻')).toEqual([1, 4]);
    expect(hits('见上一篇')).toEqual([1]);
  });
  it('says whether any pattern can match', () => {
    const strict = new LiteralFilter([{ anywhere: ['版权所有'] }]);
    expect(strict.scan('今天天气很好。')).toBe(false);
    expect(strict.scan('©版权所有')).toBe(true);
  });
});

/** Every pattern of the table: each line it matches passes the filter. */
function unsound(lines: Iterable<string>): string[] {
  const filter = new LiteralFilter(PATTERNS.map((p) => patternNeeds(p.regex.source)));
  const misses: string[] = [];
  for (const line of lines) {
    filter.scan(line);
    PATTERNS.forEach((p, k) => {
      if (filter.hits[k] === 0 && p.regex.test(line)) misses.push(`${p.source}: ${line}`);
    });
  }
  return misses;
}

describe('the boilerplate patterns', () => {
  it('every pattern but those without any literal gets literals', () => {
    const none = PATTERNS.filter((p) => !patternNeeds(p.regex.source).prefix && !patternNeeds(p.regex.source).anywhere).map((p) => p.source);
    // Patterns made only of classes (separator rules, page numbers) have none; the rest must.
    expect(none.length).toBeLessThanOrEqual(3);
  });

  it('lets through every generated match of every pattern', () => {
    for (const p of PATTERNS) {
      // fast-check generates neither \p{…} nor lookaheads: Han stands in for Script=Han, and
      // lookaheads go (the generated lines are a wider set; only those the pattern matches count).
      const source = p.regex.source.replaceAll('\\p{Script=Han}', '\\u4e00-\\u9fa5').replace(/\(\?[=!][^()]*\)/gu, '');
      const lines = fc.sample(fc.stringMatching(new RegExp(source, 'u')), { numRuns: 300, seed: 7 });
      expect(unsound(lines.filter((l) => !l.includes('\n'))), p.source).toEqual([]);
    }
  });

  it('lets through every line of the real pages and fixtures a pattern matches', () => {
    const files = realTextFiles();
    const lines = files.flatMap((f) => readFileSync(f, 'utf8').split(/\r?\n/u));
    expect(lines.length).toBeGreaterThan(3000);
    expect(unsound(lines)).toEqual([]);
  });
});
