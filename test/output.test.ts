// corpus.jsonl's and index.html's writer: lines or pieces encoded into a buffer and written in chunks, the file
// renamed into place on commit. Whatever the lines' lengths and characters, the file holds
// exactly them; an aborted file leaves nothing behind.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AtomicFileWriter, Spool } from '../pipeline/output.js';

describe('AtomicFileWriter', () => {
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
    const w = new AtomicFileWriter(path);
    for (const l of lines) w.write(l);
    expect(readdirSync(dir)).not.toContain('corpus.jsonl'); // not there before commit
    w.commit();
    expect(readFileSync(path, 'utf8')).toBe(lines.map((l) => `${l}\n`).join(''));
    expect(readdirSync(dir)).toEqual(['corpus.jsonl']);
  });

  it('writes appended pieces as they are, between lines and across flushes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zhclean-out-'));
    const path = join(dir, 'index.html');
    const pieces = ['<p>', '新'.repeat(100_000), '', '𠮷', ...Array.from({ length: 3000 }, (_, i) => `,{"n":${i}}`)];
    const w = new AtomicFileWriter(path);
    w.write('line');
    for (const p of pieces) w.append(p);
    w.write('end');
    w.commit();
    expect(readFileSync(path, 'utf8')).toBe(`line\n${pieces.join('')}end\n`);
  });

  it('leaves nothing behind when aborted'
, () => {
    const dir = mkdtempSync(join(tmpdir(), 'zhclean-out-'));
    const w = new AtomicFileWriter(join(dir, 'corpus.jsonl'));
    w.write('x'.repeat(300_000));
    w.abort();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('copies a spool into the file byte for byte, across its megabyte chunks, and the spool leaves nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zhclean-out-'));
    const path = join(dir, 'index.html');
    const spool = new Spool(path);
    const pieces = Array.from({ length: 4000 }, (_, i) => `,{"i":${i},"t":"${'新闻𠮷'.repeat(i % 200)}"}`); // ~2.4 MB
    for (const p of pieces) spool.append(p);
    const w = new AtomicFileWriter(path);
    w.append('<head>');
    w.appendSpool(spool);
    w.append('<tail>');
    w.commit();
    spool.discard();
    expect(readFileSync(path, 'utf8')).toBe(`<head>${pieces.join('')}<tail>`);
    expect(readdirSync(dir)).toEqual(['index.html']);
  });
});
