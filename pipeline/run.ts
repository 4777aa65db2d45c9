// A whole run: expand the inputs, read them (several at a time), clean every
// document in input order, write its text and report, then the corpus file,
// the summary and the index page. An input that cannot be read is a failure
// in the summary; it never stops the others.

import { promises as fs, unlinkSync, writeFileSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import type Tinypool from 'tinypool';
import type { PipelineConfig } from './config.js';
import { IdAllocator } from './ids.js';
import { expandInputs, idFromPath, isFailure, readJsonl, readSourceFile, type InputFailure, type RawDoc, type SourceFile } from './inputs.js';
import { Batcher } from './batcher.js';
import { AtomicFileWriter, inside, Spool, writeFileAtomic } from './output.js';
import { createPipeline, MemoryCorpusContext, type Pipeline, type StagesDone } from './pipeline.js';
import type { WorkerData } from './worker.js';
import { runTasks, scanTextFile, type WorkerOutcome, type WorkerTask } from './tasks.js';
import { packageVersion } from './paths.js';
import { round3 } from './text.js';
import { composeMarks } from './marks.js';
import { indexFrame, rowJson, type DocView, type IndexRow } from './report-index.js';
import type { CleanResult, InputDoc, Report } from './types.js';

export interface RunOptions {
  /** Files, folders, globs; `-` alone reads JSONL from `stdin`. */
  inputs: string[];
  /** Folder for cleaned text and corpus.jsonl; none in stdin mode unless given. */
  out?: string;
  /** Folder for per-document reports, summary.json and index.html. */
  reports?: string;
  /** Worker threads for the stages; 0 (the default) runs them on the main thread. */
  workers?: number;
  config: PipelineConfig;
  stdin?: Readable;
  /** Where cleaned JSONL goes in stdin mode. */
  stdout?: Writable;
  onDocument?: (done: Progress) => void;
  onFailure?: (failure: InputFailure) => void;
  /**
   * Resume an interrupted run into the same folders: a document whose report and text an
   * earlier run wrote (same source) is not cleaned again; its corpus decisions are replayed
   * in input order and its line of corpus.jsonl is rebuilt from its output.
   */
  resume?: boolean;
}

export interface Progress {
  documents: number;
  failed: number;
  /** Files read so far, and in all (0 when unknown, as with stdin). */
  files: number;
  totalFiles: number;
  charsIn: number;
}

export interface StageSummary {
  name: string;
  ms: number;
  findings: number;
  edits: number;
  /** Documents the stage changed or flagged. */
  documents: number;
  /** Characters (UTF-16 units) the stage removed, net of what it inserted. */
  charsRemoved: number;
}

export interface RunSummary {
  zhclean: string;
  startedAt: string;
  finishedAt: string;
  ms: number;
  inputs: string[];
  out: string | null;
  reports: string | null;
  documents: { total: number; kept: number; rejected: number };
  /** Documents an earlier, interrupted run had finished (with --resume). */
  resumed: number;
  failed: number;
  failures: InputFailure[];
  chars: { in: number; out: number };
  encodings: Record<string, number>;
  rejections: Record<string, number>;
  stages: StageSummary[];
  /** Distributions of the main signals over the documents: bins [from, to) with counts (the last bin includes `to`). */
  histograms: Record<string, Bin[]>;
}

export interface Bin {
  from: number;
  to: number;
  count: number;
}

/** Counts of values in fixed bins. */
class Histogram {
  readonly bins: Bin[];
  constructor(edges: number[]) {
    this.bins = edges.slice(0, -1).map((from, i) => ({ from, to: edges[i + 1]!, count: 0 }));
  }
  add(v: number | null | undefined): void {
    if (v === null || v === undefined || Number.isNaN(v)) return;
    const last = this.bins.length - 1;
    const i = this.bins.findIndex((b, k) => v < b.to || k === last);
    this.bins[Math.max(0, i)]!.count++;
  }
}

const TENTHS = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1];

/** The histograms summary.json and the report page show. */
function histograms() {
  return {
    'quality score': new Histogram(TENTHS),
    'characters out': new Histogram([0, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, Infinity]),
    'Han share': new Histogram(TENTHS),
    'sentence-end share': new Histogram(TENTHS),
    'spin score': new Histogram(TENTHS),
  };
}

/** Documents sent to a worker at once. */
const BATCH = 16;

/**
 * Documents whose texts the report page embeds, up to this many characters in all (the
 * rest: table only). The views wait in memory until the page is written, so this also
 * bounds the memory they take; a page much larger is slow to open anyway.
 */
const VIEW_BUDGET = 4_000_000;

export async function runCorpus(opts: RunOptions): Promise<RunSummary> {
  const started = Date.now();
  const pipeline = createPipeline(opts.config);
  const stdinMode = opts.inputs.length === 1 && opts.inputs[0] === '-';
  const failures: InputFailure[] = [];
  const fail = (f: InputFailure): void => {
    failures.push(f);
    opts.onFailure?.(f);
  };

  let files: SourceFile[] = [];
  if (!stdinMode) {
    const expanded = await expandInputs(opts.inputs);
    expanded.failures.forEach(fail);
    const own = [opts.out, opts.reports].filter((d): d is string => !!d).map((d) => resolve(d) + sep);
    // Never read our own output back as input (e.g. `zhclean run . --out output`).
    files = expanded.files.filter((f) => !own.some((d) => resolve(f.path).startsWith(d)));
  }

  // Folders that held files before this run may hold a document's text in the other place
  // (kept, rejected) or a report of an earlier run: only then is anything removed first.
  const stale = (await holdsFiles(opts.out)) || (await holdsFiles(opts.reports));
  if (opts.out) await fs.mkdir(inside(opts.out, 'rejected'), { recursive: true });
  if (opts.reports) await fs.mkdir(opts.reports, { recursive: true });
  // Created inside the run's `try` below, so that whatever fails from the scan pass on (a
  // worker pool that cannot start included) removes their temporary files.
  let corpus: AtomicFileWriter | undefined;
  /** The page's rows go to disk as documents finish: memory does not grow with the corpus. */
  let rows: Spool | undefined;
  let pool: Tinypool | undefined;
  let batches: Batcher<WorkerTask, WorkerOutcome> | undefined;
  let rowCount = 0;

  const stageTotals = new Map<string, StageSummary>();
  for (const name of pipeline.stages) {
    stageTotals.set(name, { name, ms: 0, findings: 0, edits: 0, documents: 0, charsRemoved: 0 });
  }
  const ids = new IdAllocator();
  let viewBudget = VIEW_BUDGET;
  const encodings: Record<string, number> = {};
  const rejections: Record<string, number> = {};
  const progress: Progress = { documents: 0, failed: 0, files: 0, totalFiles: files.length, charsIn: 0 };
  const hist = histograms();
  let kept = 0;
  let rejected = 0;
  let resumed = 0;
  let charsIn = 0;
  let charsOut = 0;

  /** Counts one document's report into the totals and the histograms; returns its row of the page. */
  const account = (report: Report, wasResumed: boolean): IndexRow => {
    charsIn += report.chars.in;
    charsOut += report.chars.out;
    encodings[report.encoding] = (encodings[report.encoding] ?? 0) + 1;
    if (report.decision === 'keep') kept++;
    else {
      rejected++;
      for (const r of report.reasons) {
        const key = r.split(':')[0]!;
        rejections[key] = (rejections[key] ?? 0) + 1;
      }
    }
    for (const t of report.stages) {
      const s = stageTotals.get(t.name);
      if (!s) continue;
      s.ms += wasResumed ? 0 : t.ms;
      s.findings += t.findings.length;
      s.edits += t.edits;
      if (t.findings.length > 0) s.documents++;
      s.charsRemoved += t.charsRemoved;
    }
    const q = report.quality.signals;
    hist['quality score'].add(report.quality.score);
    hist['characters out'].add(report.chars.out);
    hist['Han share'].add(q.hanShare);
    hist['sentence-end share'].add(q.sentenceEndShare);
    hist['spin score'].add(report.spin.score);
    return {
      id: report.id,
      source: report.source,
      decision: report.decision,
      score: report.quality.score,
      charsIn: report.chars.in,
      charsOut: report.chars.out,
      language: report.language.code,
      encoding: report.encoding,
      reasons: report.reasons,
      spin: report.spin,
      ...(report.duplicateOf !== undefined ? { duplicateOf: report.duplicateOf } : {}),
      ...(report.title !== undefined ? { title: report.title } : {}),
    };
  };
  const addRow = (row: IndexRow): void => {
    rows?.append(rowJson(row, rowCount++ === 0));
  };

  const source: AsyncIterable<{ file: number; doc: RawDoc | InputFailure | { read: string } }> = stdinMode
    ? tagged(readJsonl(opts.stdin ?? process.stdin, '-'))
    : documents(files);

  /** Documents queued so far: the next one's number in input order. */
  let queued = 0;
  const runTask = (task: WorkerTask): Promise<WorkerOutcome> =>
    batches ? batches.add(task, queued) : new Promise((res) => res(runTasks([task], pipeline)[0]!));
  /** What to do with a document once every document before it is done. */
  const then = (source: string, o: WorkerOutcome): (() => Promise<void>) =>
    'done' in o ? () => complete(source, o.done) : 'failure' in o ? async () => failDocument(o.failure) : async () => failDocument({ source, reason: o.error });

  /** A document that could not be read or cleaned: named in the summary, counted in the progress. */
  const failDocument = (f: InputFailure): void => {
    fail(f);
    progress.failed++;
    opts.onDocument?.(progress);
  };

  /** The rest of a document's work, once every document before it is done. */
  const complete = async (source: string, stages: StagesDone): Promise<void> => {
    let result: CleanResult;
    try {
      result = pipeline.finish(stages);
    } catch (err) {
      failDocument({ source, reason: (err as Error).message });
      return;
    }
    const { report } = result;
    const row = account(report, false);
    const line = corpusLine(result.id, result.text, report);
    if (result.decision === 'keep') {
      corpus?.write(line);
      if (stdinMode && opts.stdout) await writeLine(opts.stdout, line);
    }
    // The page's view of the document, while the budget lasts.
    if (opts.reports && report.chars.in + report.chars.out <= viewBudget) {
      row.view = documentView(result);
      viewBudget -= row.view.original.length + row.view.cleaned.length;
    }
    addRow(row);
    try {
      writeDocument(opts, result, stale);
    } catch (err) {
      fail({ source, reason: `cannot write outputs: ${(err as Error).message}` });
    }
    progress.documents++;
    progress.charsIn += report.chars.in;
    opts.onDocument?.(progress);
  };

  /** A document an earlier run finished: its decisions replayed, its line of corpus.jsonl rebuilt. */
  const replayFinished = (id: string, done: { report: Report; text: string }) => async (): Promise<void> => {
    pipeline.replay({ id, text: done.text, reasons: done.report.reasons });
    addRow(account(done.report, true));
    if (done.report.decision === 'keep') corpus?.write(corpusLine(id, done.text, done.report));
    resumed++;
    progress.documents++;
    progress.charsIn += done.report.chars.in;
    opts.onDocument?.(progress);
  };

  /** Documents in input order, each with a promise of what to do once all before it are done. */
  const queue: { seq: number; next: Promise<() => Promise<void>> }[] = [];
  const enqueue = (next: Promise<() => Promise<void>>): void => {
    queue.push({ seq: queued++, next });
  };
  const drain = async (keep: number): Promise<void> => {
    while (queue.length > keep) {
      batches?.need(queue[0]!.seq);
      await (await queue.shift()!.next)();
    }
  };

  try {
    // First pass, only when a stage needs corpus-wide counts (and the input can be read twice).
    if (pipeline.needsScan && !stdinMode) await scanPass(pipeline, files, opts);
    corpus = opts.out ? new AtomicFileWriter(inside(opts.out, 'corpus.jsonl')) : undefined;
    rows = opts.reports ? new Spool(inside(opts.reports, 'index.html')) : undefined;
    // The stages run in a pool of worker threads when `workers` is 1 or more; what follows a
    // document's stages (corpus decisions, counts, corpus.jsonl, writes) happens here, one
    // document at a time in input order, whatever order the workers finish in.
    const running =
      (opts.workers ?? 0) >= 1 && pipeline.context instanceof MemoryCorpusContext
        ? new (await loadTinypool())({
            filename: new URL('./worker.js', import.meta.url).href,
            minThreads: opts.workers,
            maxThreads: opts.workers,
            workerData: { config: opts.config, context: pipeline.context.snapshot() } satisfies WorkerData,
          })
        : undefined;
    pool = running;
    // A text file is read by the worker that cleans it: reading and decoding are per-document
    // work too, and the main thread, which every document waits on in turn, is spared them.
    batches = running
      ? new Batcher<WorkerTask, WorkerOutcome>(BATCH, (tasks) => running.run(tasks) as Promise<WorkerOutcome[]>, (err) => ({ error: err.message }))
      : undefined;
    // Enough documents ahead for every worker to have a batch running and one waiting.
    const ahead = running ? (opts.workers ?? 0) * BATCH * 2 + BATCH : 1;
    let lastFile = -1;
    for await (const { file, doc: raw } of source) {
      if (file !== lastFile) {
        progress.files = file + 1;
        lastFile = file;
      }
      if ('read' in raw) {
        // A text file, read where it is cleaned.
        const rawId = idFromPath(raw.read);
        const { id, changed } = ids.allocate(rawId);
        const done = opts.resume ? await finished(opts, id, raw.read) : undefined;
        if (done) enqueue(Promise.resolve(replayFinished(id, done)));
        else {
          const task: WorkerTask = { read: raw.read, id, ...(changed ? { sourceId: rawId } : {}) };
          enqueue(runTask(task).then((o) => then(raw.read, o)));
        }
      } else if (isFailure(raw)) {
        enqueue(
          Promise.resolve(async () => failDocument(raw)),
        );
      } else {
        const { id, changed } = ids.allocate(raw.rawId);
        const done = opts.resume ? await finished(opts, id, raw.source) : undefined;
        if (done) enqueue(Promise.resolve(replayFinished(id, done)));
        else {
          const input: InputDoc = {
            id,
            ...(changed ? { sourceId: raw.rawId } : {}),
            source: raw.source,
            encoding: raw.encoding,
            text: raw.text,
            meta: raw.meta,
            warnings: raw.warnings,
          };
          enqueue(runTask(input).then((o) => then(raw.source, o)));
        }
      }
      await drain(ahead);
      if (queued % 64 === 0) await turn();
    }
    await drain(0);
    corpus?.commit();
  } catch (err) {
    corpus?.abort();
    rows?.discard();
    throw err;
  } finally {
    await pool?.destroy();
  }

  const summary: RunSummary = {
    zhclean: packageVersion(),
    startedAt: new Date(started).toISOString(),
    finishedAt: new Date().toISOString(),
    ms: Date.now() - started,
    inputs: opts.inputs,
    out: opts.out ?? null,
    reports: opts.reports ?? null,
    documents: { total: kept + rejected, kept, rejected },
    resumed,
    failed: failures.length,
    failures,
    chars: { in: charsIn, out: charsOut },
    encodings,
    rejections,
    stages: [...stageTotals.values()].map((s) => ({ ...s, ms: round3(s.ms) })),
    histograms: Object.fromEntries(Object.entries(hist).map(([k, h]) => [k, h.bins.map((b) => ({ ...b, to: Number.isFinite(b.to) ? b.to : null }))])) as Record<string, Bin[]>,
  };
  if (opts.reports && rows) {
    try {
      writeFileAtomic(inside(opts.reports, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
      const page = new AtomicFileWriter(inside(opts.reports, 'index.html'));
      try {
        const { head, tail } = indexFrame(summary);
        page.append(head);
        page.appendSpool(rows);
        page.append(tail);
        page.commit();
      } catch (err) {
        page.abort();
        throw err;
      }
    } finally {
      rows.discard();
    }
  }
  return summary;
}

/**
 * The first pass, for stages that count across the corpus before cleaning. With workers,
 * text files are read and reduced in the pool (reading is most of the work) and only the
 * counting happens here.
 */
async function scanPass(pipeline: Pipeline, files: SourceFile[], opts: RunOptions): Promise<void> {
  const workers = opts.workers ?? 0;
  if (workers < 1) {
    for (let i = 0; i < files.length; i++) {
      const f = files[i]!;
      if (i % 256 === 255) await turn();
      if (f.kind === 'txt') {
        const summary = scanTextFile(f.path, pipeline);
        if (summary) pipeline.tally(summary);
      } else for await (const doc of readSourceFile(f)) if (!isFailure(doc)) pipeline.scan(doc.text);
    }
    return;
  }
  const pool = new (await loadTinypool())({
    filename: new URL('./worker.js', import.meta.url).href,
    name: 'scan',
    minThreads: workers,
    maxThreads: workers,
    workerData: { config: opts.config, context: { scannedDocuments: undefined, stores: [] } } satisfies WorkerData,
  });
  try {
    const inFlight = new Set<Promise<void>>();
    const send = async (paths: string[]): Promise<void> => {
      const job = (pool.run(paths) as Promise<(unknown[] | null)[]>).then((summaries) => {
        for (const s of summaries) if (s) pipeline.tally(s);
      });
      inFlight.add(job);
      void job.finally(() => inFlight.delete(job)).catch(() => undefined);
      if (inFlight.size >= workers * 2) await Promise.race(inFlight);
    };
    let paths: string[] = [];
    for (const f of files) {
      if (f.kind === 'txt') {
        paths.push(f.path);
        if (paths.length >= BATCH * 4) {
          await send(paths);
          paths = [];
        }
      } else {
        for await (const doc of readSourceFile(f)) if (!isFailure(doc)) pipeline.scan(doc.text);
      }
    }
    if (paths.length > 0) await send(paths);
    await Promise.all(inFlight);
  } finally {
    await pool.destroy();
  }
}

/**
 * A turn of the event loop. A run's awaits are mostly on settled promises, which never give
 * it one, and a signal (Ctrl-C) is handled only in such a turn: the loops over documents
 * and files take one now and then.
 */
function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** The pool's library, loaded only by a run that uses workers (loading it costs a run without them ~50 ms). */
async function loadTinypool(): Promise<typeof import('tinypool').default> {
  return (await import('tinypool')).default;
}

/** A document's line of corpus.jsonl (and of stdout in stdin mode). */
function corpusLine(id: string, text: string, report: Report): string {
  return JSON.stringify({ id, text, meta: report.meta, quality: report.quality });
}

/** Does this folder exist and hold anything? */
async function holdsFiles(dir: string | undefined): Promise<boolean> {
  if (!dir) return false;
  try {
    return (await fs.readdir(dir)).length > 0;
  } catch {
    return false;
  }
}

/** What the report page shows of a document: the texts, the findings, where each change is. */
function documentView(result: CleanResult): DocView {
  return {
    original: result.doc.original,
    cleaned: result.text,
    findings: result.trace.flatMap((t) => t.findings.map((f): [string, string, string, string] => [t.name, f.rule, f.action, f.reason])),
    marks: composeMarks(result.doc.original, result.trace),
  };
}

/**
 * A document an earlier run finished: its report (written last, after the text, so its
 * presence means the document is done) names the same source, and its text is where the
 * decision put it.
 */
async function finished(opts: RunOptions, id: string, source: string): Promise<{ report: Report; text: string } | undefined> {
  if (!opts.reports) return undefined;
  try {
    const report = JSON.parse(await fs.readFile(inside(opts.reports, `${id}.json`), 'utf8')) as Report;
    if (report.id !== id || report.source !== source) return undefined;
    let text = '';
    if (opts.out) {
      const path = textPaths(opts.out, id)[report.decision === 'keep' ? 'kept' : 'rejected'];
      text = (await fs.readFile(path, 'utf8')).replace(/\n$/, '');
    }
    return { report, text };
  } catch {
    return undefined;
  }
}

/**
 * Writes a document's text and then its report, synchronously: thousands of small files,
 * and fs.promises' writeFile (open, write, close through libuv's pool, plus a rename)
 * cost five times the CPU. The report is written last: a report that is there and
 * parses is what tells --resume the document is done; a run that stops halfway through
 * one leaves a report that does not parse, or none, and the document is cleaned again.
 * In folders an earlier run wrote to (`stale`), that run's report goes first, and the
 * text it may have left in the other place (kept, rejected).
 */
function writeDocument(opts: RunOptions, result: CleanResult, stale: boolean): void {
  const { id, decision } = result;
  const reportPath = opts.reports ? inside(opts.reports, `${id}.json`) : undefined;
  if (stale && reportPath) removeFile(reportPath);
  if (opts.out) {
    const { kept, rejected } = textPaths(opts.out, id);
    writeFileSync(decision === 'keep' ? kept : rejected, result.text === '' ? '' : `${result.text}\n`);
    if (stale) removeFile(decision === 'keep' ? rejected : kept);
  }
  // One line of JSON: indenting made reports 60% larger, which cost a quarter of a second of
  // CPU per 8,000 documents to build and write (summary.json, written once, stays indented).
  if (reportPath) writeFileSync(reportPath, `${JSON.stringify(result.report)}\n`);
}

/** Where a document's cleaned text goes: `<out>/<id>.txt` when kept, `<out>/rejected/<id>.txt` when not. */
function textPaths(out: string, id: string): { kept: string; rejected: string } {
  return { kept: inside(out, `${id}.txt`), rejected: inside(inside(out, 'rejected'), `${id}.txt`) };
}

/**
 * Removes a file if it is there. unlink, not rmSync: rmSync with `force` looks the path up
 * twice more (lstat) before it unlinks, which cost a run into folders an earlier run wrote
 * to 0.4 s of CPU per 8,000 documents.
 */
function removeFile(path: string): void {
  try {
    unlinkSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

function writeLine(stream: Writable, line: string): Promise<void> {
  return new Promise((res, rej) => {
    const ok = stream.write(`${line}\n`, (err) => (err ? rej(err) : undefined));
    if (ok) res();
    else stream.once('drain', () => res());
  });
}

async function* tagged<T>(items: AsyncIterable<T>): AsyncGenerator<{ file: number; doc: T }> {
  for await (const doc of items) yield { file: 0, doc };
}

/** Every document of every file, in input order; a text file as its path, for the task that cleans it to read. */
async function* documents(files: SourceFile[]): AsyncGenerator<{ file: number; doc: RawDoc | InputFailure | { read: string } }> {
  for (let i = 0; i < files.length; i++) {
    const f = files[i]!;
    if (f.kind === 'txt') yield { file: i, doc: { read: f.path } };
    else for await (const doc of readSourceFile(f)) yield { file: i, doc };
  }
}
