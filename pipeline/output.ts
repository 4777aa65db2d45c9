// Writing results: every file is written to a temporary name in the same
// folder and renamed into place, so a reader (or a crash) never sees half a file.

import { randomBytes } from 'node:crypto';
import { createWriteStream, promises as fs, type WriteStream } from 'node:fs';
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
 */
export class AtomicLineWriter {
  private readonly tmp: string;
  private readonly stream: WriteStream;
  private failed: Error | undefined;

  constructor(readonly path: string) {
    this.tmp = tmpName(path);
    this.stream = createWriteStream(this.tmp);
    this.stream.on('error', (err) => {
      this.failed = err;
    });
  }

  /** Resolves when the stream can take more (back-pressure). */
  async write(line: string): Promise<void> {
    if (this.failed) throw this.failed;
    if (!this.stream.write(`${line}\n`)) await new Promise<void>((r) => this.stream.once('drain', () => r()));
  }

  async commit(): Promise<void> {
    await new Promise<void>((res, rej) => this.stream.end((err?: Error | null) => (err ? rej(err) : res())));
    if (this.failed) throw this.failed;
    await fs.rename(this.tmp, this.path);
  }

  async abort(): Promise<void> {
    this.stream.destroy();
    await fs.rm(this.tmp, { force: true });
  }
}
