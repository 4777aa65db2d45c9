import { describe, expect, it } from 'vitest';
import { IdAllocator, safeId } from '../pipeline/ids.js';
import { resolve } from 'node:path';
import { inside } from '../pipeline/output.js';

describe('safeId', () => {
  it.each([
    ['../../etc/passwd', '___.._etc_passwd'],
    ['/abs/path', '_abs_path'],
    ['C:\\Windows\\x', 'C__Windows_x'],
    ['a\u0000b', 'a_b'],
    ['..', '__'],
    ['.hidden', '_hidden'],
    ['CON', '_CON'],
    ['nul.txt', '_nul.txt'],
    ['summary', '_summary'],
    ['name. ', 'name'],
    ['', 'doc'],
    ['新闻-2024_01', '新闻-2024_01'],
  ])('%j -> %j', (raw, safe) => {
    expect(safeId(raw)).toBe(safe);
  });

  it('keeps every id one path segment inside the folder', () => {
    for (const raw of ['../x', '../../../../tmp/evil', 'a/../../b', '\\..\\..\\x', '.', '...', 'x\u2028y']) {
      const id = safeId(raw);
      expect(id).not.toMatch(/[/\\\0]/);
      expect(() => inside('/tmp/out', `${id}.txt`)).not.toThrow();
    }
  });

  it('cuts long ids and keeps them distinct with a hash', () => {
    const a = safeId('长'.repeat(300));
    const b = safeId(`${'长'.repeat(299)}短`);
    expect(a.length).toBeLessThanOrEqual(100);
    expect(a).not.toBe(b);
  });
});

describe('IdAllocator', () => {
  it('makes repeated ids unique in input order, ignoring case', () => {
    const ids = new IdAllocator();
    expect(ids.allocate('doc').id).toBe('doc');
    expect(ids.allocate('doc').id).toBe('doc~2');
    expect(ids.allocate('DOC').id).toBe('DOC~3');
    expect(ids.allocate('other')).toEqual({ id: 'other', changed: false });
  });

  it('keeps 300,000 distinct ids as they are and still finds each again, across the table growing', () => {
    const ids = new IdAllocator();
    const names = Array.from({ length: 300_000 }, (_, i) => `page-${i}`);
    for (const n of names) expect(ids.allocate(n).changed).toBe(false);
    for (const n of names.filter((_, i) => i % 997 === 0)) expect(ids.allocate(n.toUpperCase()).id).toBe(`${n.toUpperCase()}~2`);
    expect(ids.allocate('page-300000')).toEqual({ id: 'page-300000', changed: false });
  });
});

describe('inside', () => {
  it('refuses names that leave the folder', () => {
    expect(() => inside('/tmp/out', '../x.txt')).toThrow();
    expect(() => inside('/tmp/out', '/etc/passwd')).toThrow();
    expect(() => inside('/tmp/out', 'a\0b')).toThrow();
    expect(() => inside('/tmp/out', '..')).toThrow();
    expect(() => inside('/tmp/out', '.')).toThrow();
    expect(() => inside('/tmp/out', '')).toThrow();
    expect(() => inside('/tmp/out', 'a\\..\\..\\x')).not.toThrow(); // one segment on POSIX: a name with backslashes
  });

  it('joins a plain name as path.resolve does, relative folders from the working directory', () => {
    for (const [dir, name] of [
      ['/tmp/out', 'doc.txt'],
      ['/tmp/out/', 'doc.json'],
      ['/tmp//out/./x/..', '新闻~2.txt'],
      ['out', 'doc.txt'],
      ['./out/rejected', 'a b.txt'],
      ['/tmp/out', 'sub/doc.txt'],
    ]) {
      expect(inside(dir!, name!)).toBe(resolve(dir!, name!));
      expect(inside(dir!, name!)).toBe(resolve(dir!, name!)); // again, from what was resolved before
    }
  });
});
