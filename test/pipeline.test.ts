import { describe, expect, it } from 'vitest';
import { clean, createPipeline, StageError } from '../pipeline/index.js';
import { ConfigError, resolveStages } from '../pipeline/config.js';
import { applyEdits, EditConflictError } from '../pipeline/edits.js';
import { splitLines } from '../pipeline/text.js';

describe('applyEdits', () => {
  it('applies non-overlapping edits in any order', () => {
    const edits = [
      { start: 4, end: 5, text: 'E', finding: 0 },
      { start: 0, end: 1, text: '', finding: 0 },
      { start: 2, end: 2, text: '+', finding: 0 },
    ];
    expect(applyEdits('abcdef', edits)).toBe('b+cdEf');
  });

  it('refuses overlapping edits', () => {
    expect(() =>
      applyEdits('abcdef', [
        { start: 0, end: 3, text: '', finding: 0 },
        { start: 2, end: 4, text: '', finding: 0 },
      ]),
    ).toThrow(EditConflictError);
  });
});

describe('splitLines', () => {
  it('keeps offsets of every line', () => {
    expect(splitLines('ab\ncd\n').map((l) => [l.start, l.end, l.next, l.text])).toEqual([
      [0, 2, 3, 'ab'],
      [3, 5, 6, 'cd'],
    ]);
    expect(splitLines('').map((l) => l.text)).toEqual(['']);
  });
});

describe('clean (library API)', () => {
  it('returns the cleaned text and a full report', () => {
    const { text, report, decision } = clean('\u3000\u3000这是第一段。\r\n\r\n这是第二段。', { id: 'demo' });
    expect(text).toBe('这是第一段。\n这是第二段。');
    // Two short lines are cleaned, and rejected by the quality stage as too short to be an article.
    expect(decision).toBe('reject');
    expect(report).toMatchObject({
      id: 'demo',
      chars: { in: 18, out: 13 },
      decision: 'reject',
      reasons: ['too-short: 10 characters of text, fewer than 50.', 'short-sentences: sentences average 5 characters, under 8: fragments.'],
      language: { code: 'und', score: 0 },
      spin: { detected: false, score: 0, repairs: 0 },
      quality: { signals: { chars: 10, sentenceEndShare: 1 } },
    });
    expect(report.quality.score).toBeLessThan(0.5);
    expect(report.stages.map((s) => s.name)).toEqual(['normalize', 'script', 'reflow', 'boilerplate', 'despin', 'punctuation', 'language', 'dedupe', 'quality']);
    expect(report.stages[0]!.findings.map((f) => f.rule).sort()).toEqual(['edge-whitespace', 'empty-lines', 'line-endings']);
    expect(report.stages[0]!.findings.every((f) => f.stage === 'normalize')).toBe(true);
  });

  it('rejects unknown stages and options with a ConfigError', () => {
    expect(() => clean('x', { stages: ['nope'] })).toThrow(ConfigError);
    expect(() => resolveStages({ options: { normalize: { nope: true } } })).toThrow(/no option "nope"/);
    expect(() => resolveStages({ options: { normalize: { dropEmptyLines: 'yes' } } })).toThrow(/must be a boolean/);
  });

  it('applies stage options', () => {
    expect(clean('甲\n\n乙', { stages: ['normalize'], options: { normalize: { dropEmptyLines: false } } }).text).toBe('甲\n\n乙');
  });
});

describe('createPipeline', () => {
  it('cleans a stream of documents with one pipeline', () => {
    const pipeline = createPipeline({ stages: ['normalize'] });
    const results = ['甲 ', ' 乙'].map((text, i) =>
      pipeline.process({ id: `d${i}`, source: 'mem', encoding: 'utf-16', text, meta: { n: i } }),
    );
    expect(results.map((r) => r.text)).toEqual(['甲', '乙']);
    expect(results[1]!.report.meta).toEqual({ n: 1 });
    expect(results[0]!.trace[0]!.edits).toEqual([[1, 2, '', 0]]);
  });

  it('wraps a failing stage in a StageError naming it', async () => {
    const { STAGES } = await import('../stages/index.js');
    const normalize = STAGES[0]!;
    const original = normalize.apply;
    normalize.apply = () => ({ findings: [], edits: [{ start: 0, end: 1, text: '', finding: 3 }] });
    try {
      expect(() => clean('abc')).toThrow(StageError);
      expect(() => clean('abc')).toThrow(/stage normalize failed/);
    } finally {
      normalize.apply = original;
    }
  });
});
