// Writing results: every file is written to a temporary name in the same
// folder and renamed into place, so a reader (or a crash) never sees half a file.

import { randomBytes } from 'node:crypto';
import { closeSync, openSync, promises as fs, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';

export class UnsafePathError extends Error {}

/** Joins a folder and a file name, refusing any result outside the folder. */
export function inside(dir: string, name: string): string {
  const base = resolvedDir(dir);
  // A plain file name (one segment, not . or .., no NUL) joins as it is; anything else goes
  // through resolve and the check. A run joins two or three names per document: resolving
  // each (the working directory, then normalising the whole path) cost about 70 ms per
  // 8,000 documents.
  if (PLAIN_NAME.test(name) && name !== '.' && name !== '..') return base + sep + name;
  const full = resolve(base, name);
  if (!full.startsWith(base + sep) || name.includes('\0')) {
    throw new UnsafePathError(`refusing to write ${JSON.stringify(name)} outside ${dir}`);
  }
  return full;
}

/** One path segment: no separator (either kind, on any system), no NUL, not empty. */
const PLAIN_NAME = /^[^/\\\0]+$/;

/** Folders resolved so far, with the working directory they were resolved in (a run joins names to two or three folders, over and over). */
const resolvedDirs = new Map<string, { cwd: string; base: string }>();

function resolvedDir(dir: string): string {
  const cwd = process.cwd();
  const known = resolvedDirs.get(dir);
  if (known && known.cwd === cwd) return known.base;
  const base = resolve(dir);
  if (resolvedDirs.size > 64) resolvedDirs.clear();
  resolvedDirs.set(dir, { cwd, base });
  return base;
}

function tmpName(path: string): string {
  return join(dirname(path), `.${randomBytes(6).toString('hex')}.tmp`);
}

export async function writeFileAtomic(path: string, data: string): Promise<void> {
  const tmp = tmpName(path);
  try {
    await fs.writeFile(tmp, data);
    await fs.rename(tmp, path);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
}

/**
 * A file written line by line (or in pieces) under a temporary name and renamed on `commit`,
 * so corpus.jsonl and index.html are either the previous complete file or the new complete one.
 * Text is encoded straight into a buffer and written synchronously, 256 KB at a time:
 * through a stream the run waited for a write to finish every few documents, and joining
 * the lines into one string before encoding it copied every line once more.
 */
export class AtomicFileWriter {
  private readonly tmp: string;
  private readonly fd: number;
  private buffer = Buffer.allocUnsafe(FLUSH_AT * 2);
  private used = 0;

  constructor(readonly path: string) {
    this.tmp = tmpName(path);
    this.fd = openSync(this.tmp, 'w');
  }

  /** `line` and a newline after it. */
  write(line: string): void {
    this.put(line, true);
  }

  /** `text` as it is, nothing added: a file written in pieces. */
  append(text: string): void {
    this.put(text, false);
  }

  private put(text: string, newline: boolean): void {
    // A UTF-16 unit takes at most 3 bytes of UTF-8 (a surrogate pair, 4 for 2 units).
    const most = text.length * 3 + 1;
    if (this.used + most > this.buffer.length) {
      this.flush();
      if (most > this.buffer.length) this.buffer = Buffer.allocUnsafe(most);
    }
    this.used += this.buffer.write(text, this.used, 'utf8');
    if (newline) this.buffer[this.used++] = 0x0a;
    if (this.used >= FLUSH_AT) this.flush();
  }

  private flush(): void {
    let done = 0;
    while (done < this.used) done += writeSync(this.fd, this.buffer, done, this.used - done);
    this.used = 0;
  }

  commit(): void {
    this.flush();
    closeSync(this.fd);
    renameSync(this.tmp, this.path);
  }

  abort(): void {
    try {
      closeSync(this.fd);
    } finally {
      rmSync(this.tmp, { force: true });
    }
  }
}

/** Bytes buffered before a write. */
const FLUSH_AT = 256 * 1024;
