// ESLint's RuleTester, for stages: a table of `valid` inputs the stage must
// leave alone and `invalid` ones with the output and the rules that fire.
import { describe, expect, it } from 'vitest';
import { MemoryCorpusContext } from '../../pipeline/pipeline.js';
import { applyEdits } from '../../pipeline/edits.js';
import type { Doc, Stage } from '../../pipeline/types.js';

export interface InvalidCase {
  name?: string;
  input: string;
  output: string;
  /** The rule ids that must be reported (in any order), each once. */
  rules: string[];
  options?: Record<string, unknown>;
}

export function makeDoc(text: string, id = 'test'): Doc {
  return { id, source: 'test', encoding: 'utf-8', text, original: text, meta: {}, data: {}, reasons: [] };
}

/** Runs one stage alone on a text, applying its edits as the runner would. */
export function runStage<O extends object>(stage: Stage<O>, text: string, options: Partial<O> = {}) {
  const result = stage.apply(makeDoc(text), { ...stage.defaults, ...options }, new MemoryCorpusContext());
  return { text: applyEdits(text, result.edits ?? []), result };
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
