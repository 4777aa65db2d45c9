// readFileBytes: a file's exact bytes through a buffer reused between files, whatever
// the sizes that come one after another (growing it, and past its cap).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readFileBytes, readTextFile } from '../pipeline/inputs.js';
import { tempDir } from './helpers/cli.js';

describe('readFileBytes', () => {
  it('gives each file its exact bytes, small and large, in any order', () => {
    const dir = tempDir();
    // Sizes around the buffer's first size (64 KB), its doublings, and past its 4 MB cap.
    const sizes = [0, 1, 5_000, 65_535, 65_536, 65_537, 200_000, 10, 4_194_304, 5_000_001, 3, 131_072];
    const files = sizes.map((size, i) => {
      const bytes = Buffer.alloc(size);
      for (let k = 0; k < size; k++) bytes[k] = (k * 31 + i * 7) & 0xff;
      const path = join(dir, `f${i}.bin`);
      writeFileSync(path, bytes);
      return { path, bytes };
    });
    for (const round of [files, [...files].reverse()]) {
      for (const f of round) expect(Buffer.compare(Buffer.from(readFileBytes(f.path)), f.bytes), f.path).toBe(0);
    }
  });

  it('fails as reading fails: a missing file, a folder', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'sub'));
    expect(() => readFileBytes(join(dir, 'missing.txt'))).toThrow(/ENOENT/);
    expect(() => readFileBytes(join(dir, 'sub'))).toThrow(/EISDIR/);
    expect(readTextFile(join(dir, 'sub'))).toEqual({ source: join(dir, 'sub'), reason: 'is a folder' });
  });

  it('a document read after a larger one has only its own text', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'long.txt'), '长'.repeat(100_000));
    writeFileSync(join(dir, 'short.txt'), '短文');
    readTextFile(join(dir, 'long.txt'));
    expect(readTextFile(join(dir, 'short.txt'))).toMatchObject({ text: '短文', encoding: 'utf-8' });
  });
});
