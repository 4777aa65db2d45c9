// A whole run: expand the inputs, read them, clean every document and write its text
// and report (in worker threads, in any order), make the corpus decisions in input
// order, then write the corpus file, the summary and the index page. An input that
// cannot be read is a failure in the summary; it never stops the others.

import { promises as fs } from 'node:fs';
import { resolve, sep } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import type Tinypool from 'tinypool';
import type { PipelineConfig } from './config.js';
import { IdAllocator } from './ids.js';
import { expandInputs, idFromPath, isFailure, readJsonl, readSourceFile, type InputFailure, type RawDoc, type SourceFile } from './inputs.js';
import { Batcher } from './batcher.js';
import { AtomicFileWriter, inside, Spool, writeFileAtomic } from './output.js';
import { createPipeline, MemoryCorpusContext, type Decision, type Pipeline } from './pipeline.js';
import type { CleanBatch, WorkerData } from './worker.js';
import { digest, corpusLine, NEEDS_CONTEXT, removeDocument, runTasks, scanTextFile, textPaths, type Cleaned, type DocumentOutputs, type ReportDigest, type WorkerOutcome, type WorkerTask } from './tasks.js';
import { packageVersion } from './paths.js';
import { round3 } from './text.js';
import { indexFrame, rowJson, type IndexRow } from './report-index.js';
import type { Report } from './types.js';

export interface RunOptions {
  /** Files, folders, globs; `-` alone reads JSONL from `stdin`. */
  inputs: string[];
  /** Folder for cleaned text and corpus.jsonl; none in stdin mode unless given. */
  out?: string;
  /** Folder for per-document reports, summary.json and index.html. */
  reports?: string;
  /** Worker threads that clean and write documents; 0 (the default): the main thread does it all. */
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
   * in input order and its line of corpus.jsonl is rebuilt from its output. (One that the
   * replayed decisions reject, written as kept by a run stopped before deciding, is.)
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
  const account = ({ row, stages, hanShare, sentenceEndShare }: ReportDigest, wasResumed: boolean): IndexRow => {
    charsIn += row.charsIn;
    charsOut += row.charsOut;
    encodings[row.encoding] = (encodings[row.encoding] ?? 0) + 1;
    if (row.decision === 'keep') kept++;
    else {
      rejected++;
      for (const r of row.reasons) {
        const key = r.split(':')[0]!;
        rejections[key] = (rejections[key] ?? 0) + 1;
      }
    }
    for (const t of stages) {
      const s = stageTotals.get(t.name);
      if (!s) continue;
      s.ms += wasResumed ? 0 : t.ms;
      s.findings += t.findings;
      s.edits += t.edits;
      if (t.findings > 0) s.documents++;
      s.charsRemoved += t.charsRemoved;
    }
    hist['quality score'].add(row.score);
    hist['characters out'].add(row.charsOut);
    hist['Han share'].add(hanShare);
    hist['sentence-end share'].add(sentenceEndShare);
    hist['spin score'].add(row.spin.score);
    return row;
  };
  const addRow = (row: IndexRow): void => {
    rows?.append(rowJson(row, rowCount++ === 0));
  };

  const source: AsyncIterable<{ file: number; doc: RawDoc | InputFailure | { read: string } }> = stdinMode
    ? tagged(readJsonl(opts.stdin ?? process.stdin, '-'))
    : documents(files);

  /** Where each document's text and report go; written where it is cleaned (pipeline/tasks.ts). */
  const outputs: DocumentOutputs = { out: opts.out, reports: opts.reports, stale, lines: !!opts.out || (stdinMode && !!opts.stdout) };
  /** Documents queued so far: the next one's number in input order. */
  let queued = 0;
  /**
   * Cleans a document, in the pool (in batches) or here. Its page view is built if it fits
   * in the room the page has now: the room only shrinks, so a view the page takes is never
   * missing, and one built in vain is one the documents still in flight took the room of.
   */
  const runTask = (task: WorkerTask): Promise<WorkerOutcome> => {
    if (opts.reports && viewBudget > 0) task.viewRoom = viewBudget;
    // Without workers, documents are cleaned one at a time in input order: the decisions are made here, before anything is written.
    return batches ? batches.add(task, queued) : new Promise((res) => res(runTasks([task], pipeline, outputs, (doc) => pipeline.decide(doc))[0]!));
  };
  /** What to do with a document once every document before it is done. */
  const then = (task: WorkerTask, source: string, o: WorkerOutcome): (() => Promise<void>) =>
    'done' in o
      ? () => complete(task, source, o.done)
      : 'failure' in o
        ? async () => failDocument(o.failure) // not read, so nothing written
        : async () => abandon(task, { source, reason: o.error }); // whatever was written of it goes

  /** A document that could not be read or cleaned: named in the summary, counted in the progress. */
  const failDocument = (f: InputFailure): void => {
    fail(f);
    progress.failed++;
    opts.onDocument?.(progress);
  };
  /** A document that failed once its files may have been written (a stage, its decisions, its batch): what was written of it goes. */
  const abandon = (task: WorkerTask, f: InputFailure): void => {
    try {
      removeDocument(outputs, task.id);
    } catch {
      // The failure named below is the one to report.
    }
    failDocument(f);
  };

  /** The corpus decisions on a cleaned document, once every document before it is done; then its share of the run's files. */
  const complete = async (task: WorkerTask, source: string, cleaned: Cleaned): Promise<void> => {
    if (cleaned.decided) return settled(source, cleaned);
    let decisions: Decision[];
    try {
      decisions = pipeline.decide(cleaned.doc);
    } catch (err) {
      abandon(task, { source, reason: (err as Error).message });
      return;
    }
    return decisions.length === 0 ? settled(source, cleaned) : again(task, source, decisions);
  };

  /**
   * Cleans a document again with its corpus decisions, which change what was written of it.
   * Here, not in the pool: the run waits for it, and in the pool it waited behind the batches
   * queued there (1,500 documents, nine in ten of them copies, `--workers 1`: 7.6 s, here
   * 4.4-5.6 s). A run with few copies pays for compiling the stages here too (40 MB, 47
   * copies, `--workers 2`: 1.8 s of main-thread CPU against 1.4 s).
   */
  const again = async (task: WorkerTask, source: string, decisions: Decision[]): Promise<void> => {
    const o = runTasks([{ ...task, decisions }], pipeline, outputs)[0]!;
    if ('done' in o) return settled(source, o.done);
    abandon(task, failureOf(source, o));
  };

  /** A document whose text and report are written, and whose decisions are in them: its line, its row, its counts. */
  const settled = async (source: string, { digest: d, line, view, writeError }: Cleaned): Promise<void> => {
    const row = account(d, false);
    if (line !== undefined) {
      corpus?.write(line);
      if (stdinMode && opts.stdout) await writeLine(opts.stdout, line);
    }
    // The page's view of the document, while the budget lasts.
    if (view && row.charsIn + row.charsOut <= viewBudget) {
      row.view = view;
      viewBudget -= view.original.length + view.cleaned.length;
    }
    addRow(row);
    if (writeError !== undefined) fail({ source, reason: `cannot write outputs: ${writeError}` });
    progress.documents++;
    progress.charsIn += row.charsIn;
    opts.onDocument?.(progress);
  };

  /**
   * A document an earlier run finished: its decisions replayed, its line of corpus.jsonl
   * rebuilt. One that run wrote before its decisions were made, which now reject it, is
   * cleaned again with them.
   */
  const replayFinished = (task: WorkerTask, source: string, done: { report: Report; text: string }) => async (): Promise<void> => {
    const decisions = pipeline.replay({ id: task.id, text: done.text, reasons: done.report.reasons });
    if (decisions.length > 0) return again(task, source, decisions);
    addRow(account(digest(done.report), true));
    if (done.report.decision === 'keep') corpus?.write(corpusLine(task.id, done.text, done.report));
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
    corpus = opts.out ? new AtomicFileWriter(inside(opts.out, 'corpus.jsonl')) : undefined;
    rows = opts.reports ? new Spool(inside(opts.reports, 'index.html')) : undefined;
    // Documents are cleaned and written in a pool of worker threads when `workers` is 1 or
    // more; the corpus decisions, the counts, corpus.jsonl and the page's rows happen here,
    // one document at a time in input order, whatever order the workers finish in. One pool
    // for the scan pass and the cleaning: each thread starts (and compiles) once.
    const running =
      (opts.workers ?? 0) >= 1 && pipeline.context instanceof MemoryCorpusContext
        ? new (await loadTinypool())({
            filename: new URL('./worker.js', import.meta.url).href,
            minThreads: opts.workers,
            maxThreads: opts.workers,
            workerData: { config: opts.config, outputs } satisfies WorkerData,
          })
        : undefined;
    pool = running;
    // First pass, only when a stage needs corpus-wide counts (and the input can be read twice).
    if (pipeline.needsScan && !stdinMode) await scanPass(pipeline, files, running);
    if (running) {
      const context = (pipeline.context as MemoryCorpusContext).snapshot();
      const send = (batch: CleanBatch) => running.run(batch) as Promise<WorkerOutcome[] | typeof NEEDS_CONTEXT>;
      const inPool = async (tasks: WorkerTask[]): Promise<WorkerOutcome[]> => {
        const outcomes = await send({ tasks });
        return outcomes === NEEDS_CONTEXT ? ((await send({ tasks, context })) as WorkerOutcome[]) : outcomes;
      };
      // A text file is read by the worker that cleans it: reading and decoding are per-document
      // work too, and the main thread, which every document waits on in turn, is spared them.
      batches = new Batcher<WorkerTask, WorkerOutcome>(BATCH, inPool, (err) => ({ error: err.message }));
    }
    // Enough documents ahead for every worker to have a batch running and one waiting; none
    // without workers, so that a document is decided as soon as it is written (a run stopped
    // in between leaves one document written as if kept, not two).
    const ahead = running ? (opts.workers ?? 0) * BATCH * 2 + BATCH : 0;
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
        const task: WorkerTask = { read: raw.read, id, ...(changed ? { sourceId: rawId } : {}) };
        const done = opts.resume ? await finished(opts, id, raw.read) : undefined;
        if (done) enqueue(Promise.resolve(replayFinished(task, raw.read, done)));
        else enqueue(runTask(task).then((o) => then(task, raw.read, o)));
      } else if (isFailure(raw)) {
        enqueue(Promise.resolve(async () => failDocument(raw)));
      } else {
        const { id, changed } = ids.allocate(raw.rawId);
        const task: WorkerTask = {
          id,
          ...(changed ? { sourceId: raw.rawId } : {}),
          source: raw.source,
          encoding: raw.encoding,
          text: raw.text,
          meta: raw.meta,
          warnings: raw.warnings,
        };
        const done = opts.resume ? await finished(opts, id, raw.source) : undefined;
        if (done) enqueue(Promise.resolve(replayFinished(task, raw.source, done)));
        else enqueue(runTask(task).then((o) => then(task, raw.source, o)));
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
 * The first pass, for stages that count across the corpus before cleaning. With the run's
 * pool, text files are read and reduced there (reading is most of the work) and only the
 * counting happens here.
 */
async function scanPass(pipeline: Pipeline, files: SourceFile[], pool: Tinypool | undefined): Promise<void> {
  if (!pool) {
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
  const inFlight = new Set<Promise<void>>();
  const send = async (paths: string[]): Promise<void> => {
    const job = (pool.run(paths, { name: 'scan' }) as Promise<(unknown[] | null)[]>).then((summaries) => {
      for (const s of summaries) if (s) pipeline.tally(s);
    });
    inFlight.add(job);
    void job.finally(() => inFlight.delete(job)).catch(() => undefined);
    if (inFlight.size >= pool.options.maxThreads * 2) await Promise.race(inFlight);
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

/** Why a document has no result: its file could not be read, or a stage failed. */
function failureOf(source: string, o: Exclude<WorkerOutcome, { done: unknown }>): InputFailure {
  return 'failure' in o ? o.failure : { source, reason: o.error };
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
