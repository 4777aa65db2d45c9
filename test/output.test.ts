// corpus.jsonl's writer: lines encoded into a buffer and written in chunks, the file
// renamed into place on commit. Whatever the lines' lengths and characters, the file holds
// exactly them; an aborted file leaves nothing behind.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AtomicLineWriter } from '../pipeline/output.js';

describe('AtomicLineWriter', () => {
  it('writes every line whole, across flushes, lines longer than its buffer and astral characters', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zhclean-out-'));
    const path = join(dir, 'corpus.jsonl');
    const lines = [
      '{"text":"新闻"}',
      '𠮷'.repeat(10),
      '长'.repeat(600_000), // more than the 256 KB buffer, in 3-byte characters
      ...Array.from({ length: 5000 }, (_, i) => `${i}：${'段落。'.repeat(i % 50)}`),
      '',
      'last',
    ];
    const w = new AtomicLineWriter(path);
    for (const l of lines) w.write(l);
    expect(readdirSync(dir)).not.toContain('corpus.jsonl'); // not there before commit
    w.commit();
    expect(readFileSync(path, 'utf8')).toBe(lines.map((l) => `${l}\n`).join(''));
    expect(readdirSync(dir)).toEqual(['corpus.jsonl']);
  });

  it('leaves nothing behind when aborted', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zhclean-out-'));
    const w = new AtomicLineWriter(join(dir, 'corpus.jsonl'));
    w.write('x'.repeat(300_000));
    w.abort();
    expect(readdirSync(dir)).toEqual([]);
  });
});
