// ESLint's RuleTester, for stages: a table of `valid` inputs the stage must
// leave alone and `invalid` ones with the output and the rules that fire.
import { describe, expect, it } from 'vitest';
import { createPipeline } from '../../pipeline/pipeline.js';
import type { Doc, Stage, StageResult } from '../../pipeline/types.js';

export interface InvalidCase {
  name?: string;
  input: string;
  output: string;
  /** The rule ids that must be reported (in any order), each once. */
  rules: string[];
  options?: Record<string, unknown>;
}

export function makeDoc(text: string, id = 'test'): Doc {
  return { id, source: 'test', encoding: 'utf-8', text, original: text, meta: {}, data: {}, reasons: [], steps: [] };
}

/** Runs one stage alone on a text through the real runner (edits applied, findings counted). */
export function runStage<O extends object>(stage: Stage<O>, text: string, options: Partial<O> = {}) {
  const pipeline = createPipeline({ stages: [stage.name], options: { [stage.name]: options as Record<string, unknown> } });
  const out = pipeline.process({ id: 'test', source: 'test', encoding: 'utf-8', text, meta: {} });
  const trace = out.trace[0]!;
  const result: StageResult = {
    findings: trace.findings,
    edits: trace.edits.map(([start, end, t, finding]) => ({ start, end, text: t, finding })),
    data: out.doc.data,
  };
  return { text: out.text, result };
}

export function testStage<O extends object>(
  stage: Stage<O>,
  cases: { valid: (string | { input: string; options?: Partial<O> })[]; invalid: InvalidCase[] },
): void {
  describe(`${stage.name} rules`, () => {
    for (const v of cases.valid) {
      const input = typeof v === 'string' ? v : v.input;
      const options = typeof v === 'string' ? {} : (v.options ?? {});
      it(`leaves alone: ${JSON.stringify(input).slice(0, 50)}`, () => {
        const { text, result } = runStage(stage, input, options);
        expect(text).toBe(input);
        expect(result.findings ?? []).toEqual([]);
      });
    }
    for (const c of cases.invalid) {
      it(c.name ?? `fixes: ${JSON.stringify(c.input).slice(0, 50)}`, () => {
        const { text, result } = runStage(stage, c.input, (c.options ?? {}) as Partial<O>);
        expect(text).toBe(c.output);
        expect((result.findings ?? []).map((f) => f.rule).sort()).toEqual([...c.rules].sort());
        for (const f of result.findings ?? []) expect(f.reason.length).toBeGreaterThan(10);
      });
    }
  });
}
