// A run whose worker pool cannot start fails with the pool's error and leaves no temporary
// file behind: corpus.jsonl's and the page rows' temporary files must not outlive a pool
// that fails (tinypool is replaced by a class whose constructor throws). The run's one pool
// (the scan pass's and the cleaning's) starts after they are open: with every stage, before
// the scan pass; with normalize alone there is no scan pass.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { runCorpus } from '../pipeline/run.js';
import { tempDir } from './helpers/cli.js';

vi.mock('tinypool', () => ({
  default: class {
    constructor() {
      throw new Error('no threads here');
    }
  },
}));

describe('a worker pool that cannot start', () => {
  it.each([
    ['the scan pass', {}],
    ['the cleaning', { stages: ['normalize'] }],
  ])('fails the run with its error and leaves no temporary file (%s)', async (_, config) => {
    const work = tempDir();
    const input = join(work, 'in');
    mkdirSync(input);
    for (let i = 0; i < 3; i++) writeFileSync(join(input, `doc-${i}.txt`), `第${i}篇。国家统计局今天发布数据显示，一季度国内生产总值同比增长百分之五点三。\n`);
    const out = join(work, 'out');
    const reports = join(work, 'reports');
    await expect(runCorpus({ inputs: [input], out, reports, workers: 1, config })).rejects.toThrow('no threads here');
    const files = readdirSync(work, { recursive: true }).map(String);
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(files.filter((f) => f.startsWith('out') || f.startsWith('reports')).sort()).toEqual(['out', join('out', 'rejected'), 'reports']);
  });
});
