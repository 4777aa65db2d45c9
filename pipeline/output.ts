// Writing results: every file is written to a temporary name in the same
// folder and renamed into place, so a reader (or a crash) never sees half a file.

import { randomBytes } from 'node:crypto';
import { closeSync, openSync, promises as fs, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';

export class UnsafePathError extends Error {}

/** Joins a folder and a file name, refusing any result outside the folder. */
export function inside(dir: string, name: string): string {
  const base = resolve(dir);
  const full = resolve(base, name);
  if (!full.startsWith(base + sep) || name.includes('\0')) {
    throw new UnsafePathError(`refusing to write ${JSON.stringify(name)} outside ${dir}`);
  }
  return full;
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
 * A file written line by line under a temporary name and renamed on `commit`,
 * so corpus.jsonl is either the previous complete file or the new complete one.
 * Lines are buffered and written synchronously, 256 KB at a time: through a stream the
 * run waited for a write to finish every few documents.
 */
export class AtomicLineWriter {
  private readonly tmp: string;
  private readonly fd: number;
  private buffer: string[] = [];
  private buffered = 0;

  constructor(readonly path: string) {
    this.tmp = tmpName(path);
    this.fd = openSync(this.tmp, 'w');
  }

  write(line: string): void {
    this.buffer.push(line, '\n');
    this.buffered += line.length + 1;
    if (this.buffered >= 256 * 1024) this.flush();
  }

  private flush(): void {
    if (this.buffer.length === 0) return;
    writeSync(this.fd, this.buffer.join(''));
    this.buffer = [];
    this.buffered = 0;
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
