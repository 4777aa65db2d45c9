// Generalisation: real article bodies (the magic-html-zh gold texts) spun with the
// inverse of the table on whole jieba words (~85% of occurrences), then repaired.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createPipeline } from '../pipeline/pipeline.js';
import { editDistance, spin } from './eval/spin.mjs';
import { GOLD } from './eval/variants.mjs';

describe('despin on spun real texts', () => {
  const pipeline = createPipeline({ stages: ['despin'] });
  const run = (id: string, text: string) => pipeline.process({ id, source: id, encoding: 'utf-8', text, meta: {} });
  let before = 0;
  let after = 0;
  let falseRepairs = 0;
  for (const name of readdirSync(GOLD).filter((f) => f.endsWith('.txt')).sort()) {
    const gold = readFileSync(join(GOLD, name), 'utf8').trim();
    falseRepairs += run(name, gold).report.spin.repairs;
    const spun = spin(gold, { seed: name.length * 7919 + gold.length });
    const repaired = run(name, spun.text).text;
    // Spinning and repairing keep the lines: distance summed line by line.
    const g = gold.split('\n');
    before += spun.text.split('\n').reduce((n: number, l: string, i: number) => n + editDistance(l, g[i]!), 0);
    after += repaired.split('\n').reduce((n: number, l: string, i: number) => n + editDistance(l, g[i]!), 0);
  }

  it('undoes at least 90% of the damage', () => {
    expect(before).toBeGreaterThan(2000);
    expect(1 - after / before).toBeGreaterThanOrEqual(0.9);
  });

  it('makes no repair in the same texts unspun', () => {
    expect(falseRepairs).toBe(0);
  });
});
