// Writing results: every file is written to a temporary name in the same
// folder and renamed into place, so a reader (or a crash) never sees half a file.

import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
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

/** `text` written to `path` through an AtomicFileWriter: the previous file or the new one, never half of it. */
export function writeFileAtomic(path: string, text: string): void {
  const file = new AtomicFileWriter(path);
  try {
    file.append(text);
    file.commit();
  } catch (err) {
    file.abort();
    throw err;
  }
}

/**
 * Text encoded straight into a buffer and written to a temporary file synchronously, 256 KB
 * at a time: through a stream the run waited for a write to finish every few documents, and
 * joining the lines into one string before encoding it copied every line once more.
 */
class BufferedTempFile {
  protected readonly tmp: string;
  protected readonly fd: number;
  private buffer = Buffer.allocUnsafe(FLUSH_AT * 2);
  private used = 0;

  /** A temporary file beside `path` (the same folder, so a rename into place is atomic). */
  constructor(path: string, flags: 'w' | 'w+') {
    this.tmp = tmpName(path);
    this.fd = openSync(this.tmp, flags);
    openTemporaries.add(this);
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

  protected flush(): void {
    writeAll(this.fd, this.buffer, this.used);
    this.used = 0;
  }

  /** Closes the temporary file and removes it. */
  discard(): void {
    openTemporaries.delete(this);
    try {
      closeSync(this.fd);
    } finally {
      rmSync(this.tmp, { force: true });
    }
  }
}

/**
 * A file written line by line (or in pieces) under a temporary name and renamed on `commit`,
 * so corpus.jsonl and index.html are either the previous complete file or the new complete one.
 */
export class AtomicFileWriter extends BufferedTempFile {
  constructor(readonly path: string) {
    super(path, 'w');
  }

  /** Everything written to `spool` so far, byte for byte, after what this file holds. */
  appendSpool(spool: Spool): void {
    this.flush();
    spool.copyTo(this.fd);
  }

  commit(): void {
    this.flush();
    closeSync(this.fd);
    renameSync(this.tmp, this.path);
    openTemporaries.delete(this);
  }

  /** Gives the file up: the previous file at `path`, if any, stays as it was. */
  abort(): void {
    this.discard();
  }
}

/**
 * Text kept on disk until the end of a run rather than in memory: the report page's rows, one
 * a document, which in memory grew with the corpus (about 500 bytes a document in V8's heap:
 * half a gigabyte for a million pages). Copied into the page with `appendSpool`, then removed
 * with `discard`.
 */
export class Spool extends BufferedTempFile {
  /** A spool in the folder of `near` (the file it will be copied into). */
  constructor(near: string) {
    super(near, 'w+');
  }

  /** Writes what the spool holds to `fd`, a megabyte at a time. */
  copyTo(fd: number): void {
    this.flush();
    const chunk = Buffer.allocUnsafe(1 << 20);
    for (let at = 0; ; ) {
      const got = readSync(this.fd, chunk, 0, chunk.length, at);
      if (got === 0) return;
      writeAll(fd, chunk, got);
      at += got;
    }
  }
}

/** Temporary files neither committed nor discarded yet. */
const openTemporaries = new Set<BufferedTempFile>();

/**
 * Removes every temporary file still open, for a run stopped by a signal: a stopped run
 * leaves the previous corpus.jsonl and index.html as they were and no temporary files
 * (the spool of the page's rows alone is 13 MB per 40 MB of input).
 */
export function discardTemporaryFiles(): void {
  for (const file of [...openTemporaries]) {
    try {
      file.discard();
    } catch {
      // already closed or removed: the others still go
    }
  }
}

/** Writes the first `length` bytes of `buffer` to `fd`, however many calls that takes. */
function writeAll(fd: number, buffer: Buffer, length: number): void {
  let done = 0;
  while (done < length) done += writeSync(fd, buffer, done, length - done);
}

/** Bytes buffered before a write. */
const FLUSH_AT = 256 * 1024;
