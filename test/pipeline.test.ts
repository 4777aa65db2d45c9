import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { clean, createPipeline, StageError } from '../pipeline/index.js';
import { MemoryCorpusContext, runStages } from '../pipeline/pipeline.js';
import type { ResolvedStage } from '../pipeline/config.js';
import type { OptionLimit, Stage } from '../pipeline/types.js';
import { ConfigError, resolveStages, withinLimit } from '../pipeline/config.js';
import { applyEdits, EditConflictError } from '../pipeline/edits.js';
import { splitLines } from '../pipeline/text.js';
import { STAGES } from '../stages/index.js';

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

  it.each([
    [{ despin: { context: -5 } }, /option despin\.context must be an integer of at least 0, got -5/],
    [{ despin: { context: 2.5 } }, /despin\.context must be an integer/],
    [{ quality: { minHanShare: 1.5 } }, /quality\.minHanShare must be a finite number from 0 to 1, got 1\.5/],
    [{ dedupe: { shingle: 0 } }, /dedupe\.shingle must be an integer of at least 1/],
    [{ dedupe: { permutations: 64 } }, /options of stage "dedupe": bands × rows \(32 × 4\) exceeds the 64 permutations/],
    [{ quality: { minChars: 500, maxChars: 100 } }, /minChars \(500\) is above maxChars \(100\)/],
    [{ boilerplate: { recurringMinDocs: 1 } }, /recurringMinDocs must be an integer of at least 2/],
    [{ despin: { margin: Number.NaN } }, /despin\.margin must be a finite number, got NaN/],
  ])('refuses option values outside their limits: %j', (options, message) => {
    expect(() => resolveStages({ options })).toThrow(ConfigError);
    expect(() => resolveStages({ options })).toThrow(message);
  });

  it('accepts values at their limits, and any finite margin', () => {
    expect(() => resolveStages({ options: { despin: { context: 0, margin: -3, signatureMargin: 2 }, quality: { minHanShare: 1, minChars: 0, maxChars: 0 }, dedupe: { permutations: 128 } } })).not.toThrow();
  });

  it('every stage declares the limits of each numeric option, and its defaults are within them', () => {
    for (const stage of STAGES) {
      const limits = (stage.limits ?? {}) as Record<string, OptionLimit>;
      for (const [key, value] of Object.entries(stage.defaults)) {
        if (typeof value !== 'number') continue;
        expect(limits[key], `${stage.name}.${key}`).toBeDefined();
        expect(withinLimit(value, limits[key]!), `${stage.name}.${key}`).toBe(true);
      }
      expect(stage.checkOptions?.(stage.defaults as never), stage.name).toBeUndefined();
    }
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

  it('in three parts (stages, decisions, finish) gives what process gives; finished without decisions, as the run writes it first', () => {
    const text = readFileSync(new URL('../seeds/003_3ed01d294938376b.txt', import.meta.url), 'utf8');
    const docs = ['a', 'b'].map((id) => ({ id, source: id, encoding: 'utf-8', text, meta: {} }));
    const whole = createPipeline({});
    const [, copy] = docs.map((d) => whole.process(d));
    const parts = createPipeline({});
    const done = docs.map((d) => parts.runStages(d));
    expect(parts.decide(done[0]!.doc)).toEqual([]);
    const asWritten = parts.finish(structuredClone(done[1]!), []);
    const decisions = parts.decide(done[1]!.doc);
    expect(decisions.map((d) => [d.stage, d.reject?.map((r) => r.rule)])).toEqual([['dedupe', ['exact-duplicate']]]);
    const settled = parts.finish(done[1]!, structuredClone(decisions));
    const untimed = (r: typeof settled) => ({ ...r.report, stages: r.report.stages.map((s) => ({ ...s, ms: 0 })) });
    expect(untimed(settled)).toEqual(untimed(copy!));
    expect(settled.report).toMatchObject({ decision: 'reject', duplicateOf: 'a', similarity: 1 });
    expect(asWritten.report).toMatchObject({ decision: 'keep', reasons: [] });
    expect(asWritten.report.duplicateOf).toBeUndefined();
    // Replaying the kept document's decisions (a resumed run) rebuilds the index: the copy is found again.
    const resumed = createPipeline({});
    expect(resumed.replay({ id: 'a', text: settled.text, reasons: [] })).toEqual([]);
    expect(resumed.replay({ id: 'b', text: settled.text, reasons: [] })).toEqual(decisions);
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

describe('passes over the stages', () => {
  // Small stages that log their runs: the runner must rerun what can find something new, and only that.
  const log: string[] = [];
  const stage = (name: string, apply: (text: string) => { edits?: { start: number; end: number; text: string }[]; reject?: boolean }, extra: Partial<Stage> = {}): ResolvedStage => ({
    options: {},
    stage: {
      name,
      description: name,
      defaults: {},
      ...extra,
      apply(doc) {
        log.push(name);
        const r = apply(doc.text);
        const edits = (r.edits ?? []).map((e) => ({ ...e, finding: 0 }));
        return {
          findings: edits.length > 0 ? [{ rule: name, action: 'replace', before: '', reason: name }] : [],
          edits,
          ...(r.reject ? { reject: [{ rule: `${name}-reject`, reason: 'rejected' }] } : {}),
        };
      },
    },
  });
  const input = (text: string) => ({ id: 'x', source: 'x', encoding: 'utf-8', text, meta: {} });
  /** Upper-cases a, b and c, one edit each: line-local. */
  const upper = stage('upper', (t) => ({ edits: [...t.matchAll(/[abc]/g)].map((m) => ({ start: m.index, end: m.index + 1, text: m[0].toUpperCase() })) }), { scope: 'line' });
  /** Drops a line "drop": after it, the lines around it are neighbours. */
  const dropper = stage('dropper', (t) => {
    const lines = splitLines(t);
    const i = lines.findIndex((l) => l.text === 'drop');
    return i < 0 ? {} : { edits: [{ start: lines[i - 1]?.end ?? 0, end: lines[i]!.end + (i === 0 ? 1 : 0), text: '' }] };
  });
  /** Joins a line ending in "-" with the next. */
  const joiner = stage('joiner', (t) => {
    const i = t.indexOf('-\n');
    return i < 0 ? {} : { edits: [{ start: i, end: i + 2, text: '' }] };
  });
  const measure = stage('measure', () => ({ reject: true }), { measureOnly: true });
  const ctx = new MemoryCorpusContext();

  it('reruns a line stage after a join, not after a dropped line; skips a stage that would see its own text again', () => {
    log.length = 0;
    const done = runStages([upper, joiner, dropper, measure], input('a-\nb\ndrop\nc'), ctx);
    expect(done.doc.text).toBe('AB\nC');
    // Pass 1: all three; pass 2: upper after the join, and the others on their changed text
    // (a stage is not assumed to leave its own output alone); measure once, at the end.
    expect(log).toEqual(['upper', 'joiner', 'dropper', 'upper', 'joiner', 'dropper', 'measure']);
    log.length = 0;
    runStages([upper, dropper, joiner, measure], input('a\ndrop\nb'), ctx);
    // The drop joined nothing: upper is not run again, nor joiner, whose text is the one it saw.
    expect(log).toEqual(['upper', 'dropper', 'joiner', 'dropper', 'measure']);
  });

  it('keeps the rejection of a stage skipped in a later pass, once', () => {
    const rejecter = stage('rejecter', (t) => ({ reject: t.includes('#') }));
    log.length = 0;
    const done = runStages([dropper, joiner, rejecter], input('x#-\ny\ndrop'), ctx);
    expect(done.doc.text).toBe('x#y');
    // Pass 2 runs dropper and joiner on the joined text; rejecter would see what it saw.
    expect(log).toEqual(['dropper', 'joiner', 'rejecter', 'dropper', 'joiner']);
    expect(done.doc.reasons).toEqual(['rejecter-reject: rejected']);
  });

  it('reports each rejection of a real run once, with its reason', () => {
    const english = 'The committee met on Tuesday to discuss the budget for the coming year, and agreed on most points.\nMembers will vote next week.';
    const report = createPipeline({}).process(input(english)).report;
    expect(report.decision).toBe('reject');
    expect(report.stages.flatMap((s) => s.findings).filter((f) => f.action === 'reject').length).toBe(report.reasons.length);
  });
});
