// Inputs: files, folders and globs; a .txt file is one document, a .jsonl file
// one document a line. Every problem becomes an InputFailure that names the
// file (and line) and the reason; the rest of the input is still read.

import { closeSync, openSync, promises as fs, readSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import fg from 'fast-glob';
import { decode, NotTextError } from './decode.js';

export interface InputFailure {
  source: string;
  line?: number;
  reason: string;
}

export interface SourceFile {
  path: string;
  kind: 'txt' | 'jsonl';
}

/** A document as read, before it gets its final unique id. */
export interface RawDoc {
  rawId: string;
  source: string;
  encoding: string;
  text: string;
  meta: Record<string, unknown>;
  warnings: string[];
}

const JSONL_EXT = new Set(['.jsonl', '.ndjson']);
/** What a folder contributes: text documents and JSONL files, at any depth. */
const FOLDER_PATTERN = '**/*.{txt,jsonl,ndjson}';

function kindOf(path: string): SourceFile['kind'] {
  return JSONL_EXT.has(extname(path).toLowerCase()) ? 'jsonl' : 'txt';
}

/**
 * Expands the command line's inputs, in the order given, each folder and glob
 * sorted, every file once. A path that does not exist and a glob that matches
 * nothing are failures, not usage errors: the other inputs still run.
 */
export async function expandInputs(inputs: string[]): Promise<{ files: SourceFile[]; failures: InputFailure[] }> {
  const files: SourceFile[] = [];
  const failures: InputFailure[] = [];
  const seen = new Set<string>();
  const add = (path: string): void => {
    const key = resolve(path);
    if (seen.has(key)) return;
    seen.add(key);
    files.push({ path, kind: kindOf(path) });
  };
  for (const input of inputs) {
    let stat;
    try {
      stat = await fs.stat(input);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (fg.isDynamicPattern(input)) {
        const matches = (await fg(input, GLOB)).filter(notFolder).sort();
        if (matches.length === 0) failures.push({ source: input, reason: 'no file matches this pattern' });
        matches.forEach(add);
      } else {
        failures.push({ source: input, reason: code === 'ENOENT' ? 'no such file or folder' : `cannot read: ${code ?? (err as Error).message}` });
      }
      continue;
    }
    if (stat.isDirectory()) {
      const matches = (await fg(FOLDER_PATTERN, { ...GLOB, cwd: input }))
        .filter(notFolder)
        .sort()
        .map((m) => `${input.replace(/[\\/]+$/, '')}/${m}`);
      if (matches.length === 0) failures.push({ source: input, reason: 'folder holds no .txt or .jsonl file' });
      matches.forEach(add);
    } else {
      add(input);
    }
  }
  return { files, failures };
}

/**
 * Folders are marked and left out; everything else is listed, including links that lead
 * nowhere and files that cannot be read, so that each is named as a failure rather than
 * skipped without a word (fast-glob's onlyFiles would drop them silently).
 */
const GLOB = { onlyFiles: false, markDirectories: true, dot: false, followSymbolicLinks: true } as const;
const notFolder = (p: string): boolean => !p.endsWith('/');

export function idFromPath(path: string): string {
  return basename(path, extname(path));
}

function describe(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e && e.code === 'EACCES') return 'permission denied';
  if (e && e.code === 'EISDIR') return 'is a folder';
  if (e && e.code === 'ENOENT') return 'no such file';
  return e?.code ? `cannot read (${e.code})` : String((err as Error)?.message ?? err);
}

/**
 * Reads a .txt file as one document. Synchronously: a batch run reads thousands of
 * small files, and fs.promises.readFile (open, stat, read, close, each a round trip
 * through libuv's pool) costs several times the CPU of a synchronous read.
 */
export function readTextFile(path: string): RawDoc | InputFailure {
  let bytes: Uint8Array;
  try {
    bytes = readFileBytes(path);
  } catch (err) {
    return { source: path, reason: describe(err) };
  }
  return textDoc(path, idFromPath(path), bytes);
}

/** The reused read buffer: grown to the largest file read so far, up to this size. */
const REUSED_MAX = 4 << 20;
let reused = Buffer.allocUnsafe(64 << 10);

/**
 * A file's bytes, read into a buffer reused from one file to the next: valid only until the
 * next call (callers decode or count them and let go). readFileSync asked each file's size
 * first (fstat) and allocated a buffer for it: for the 16,000 reads of a 40 MB run (the scan
 * pass reads every text file too) that was 0.1 s of readFileSync's 0.47 s. A file larger
 * than REUSED_MAX is read into a buffer of its own, not kept.
 */
export function readFileBytes(path: string): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    let buffer = reused;
    let n = 0;
    for (;;) {
      if (n === buffer.length) {
        const grown = Buffer.allocUnsafe(buffer.length * 2);
        buffer.copy(grown, 0, 0, n);
        buffer = grown;
        if (buffer.length <= REUSED_MAX) reused = buffer;
      }
      const got = readSync(fd, buffer, n, buffer.length - n, null);
      if (got === 0) return buffer.subarray(0, n);
      n += got;
    }
  } finally {
    closeSync(fd);
  }
}

export function textDoc(source: string, rawId: string, bytes: Uint8Array): RawDoc | InputFailure {
  if (bytes.length === 0) return { source, reason: 'empty file' };
  let decoded;
  try {
    decoded = decode(bytes);
  } catch (err) {
    if (err instanceof NotTextError) return { source, reason: err.message };
    throw err;
  }
  if (decoded.text.trim() === '') return { source, reason: 'no text: the file holds only whitespace' };
  const warnings = decoded.invalid > 0 ? [`${decoded.invalid} invalid byte sequence(s) in ${decoded.encoding} were replaced by U+FFFD`] : [];
  return { rawId, source, encoding: decoded.encoding, text: decoded.text, meta: {}, warnings };
}

/**
 * Reads JSONL one line at a time (files of any size), yielding a document or a
 * failure per line. JSON text is UTF-8 (RFC 8259); a BOM is tolerated.
 * `label` names the source in failures: the path, or "-" for stdin.
 */
export async function* readJsonl(stream: Readable, label: string): AsyncGenerator<RawDoc | InputFailure> {
  const stem = label === '-' ? 'stdin' : idFromPath(label);
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let n = 0;
  try {
    for await (let line of lines) {
      n++;
      if (n === 1 && line.charCodeAt(0) === 0xfeff) line = line.slice(1);
      if (line.trim() === '') continue;
      yield parseJsonlLine(line, label, n, stem);
    }
  } catch (err) {
    yield { source: label, line: n + 1, reason: describe(err) };
  }
}

export function parseJsonlLine(line: string, label: string, n: number, stem: string): RawDoc | InputFailure {
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch (err) {
    return { source: label, line: n, reason: `malformed JSON: ${(err as Error).message}` };
  }
  if (typeof record !== 'object' || record === null || Array.isArray(record)) {
    return { source: label, line: n, reason: 'a JSONL line must be a JSON object' };
  }
  const { text, id, ...meta } = record as Record<string, unknown>;
  if (typeof text !== 'string') {
    return { source: label, line: n, reason: text === undefined ? 'record has no "text" field' : '"text" must be a string' };
  }
  if (text.trim() === '') return { source: label, line: n, reason: 'no text: "text" is empty or whitespace' };
  const rawId = typeof id === 'string' && id !== '' ? id : typeof id === 'number' ? String(id) : `${stem}-${n}`;
  const warnings = text.includes('\ufffd') ? ['text contains U+FFFD replacement characters (invalid bytes upstream)'] : [];
  return { rawId, source: `${label}:${n}`, encoding: 'utf-8', text, meta, warnings };
}

/** Reads every document of one file: a .txt file gives one, a .jsonl file one a line. */
export async function* readSourceFile(file: SourceFile): AsyncGenerator<RawDoc | InputFailure> {
  if (file.kind === 'txt') {
    yield readTextFile(file.path);
    return;
  }
  let handle;
  try {
    handle = await fs.open(file.path, 'r');
  } catch (err) {
    yield { source: file.path, reason: describe(err) };
    return;
  }
  const stream = handle.createReadStream({ encoding: 'utf8' });
  yield* readJsonl(stream, file.path);
}

export function isFailure(x: RawDoc | InputFailure): x is InputFailure {
  return 'reason' in x;
}
