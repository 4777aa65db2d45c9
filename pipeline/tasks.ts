// A document's per-document work, wherever it runs: on the main thread without workers,
// or in a worker thread of the run's pools (pipeline/worker.ts). Kept apart from the
// worker's module so that a run without workers does not load the pool's library.
//
// In a worker thread, a document is cleaned and written as if the corpus decisions (dedup,
// made on the main thread in input order) leave it as it is, which they do for all but
// copies: what crosses back to the main thread is then the finished document and the
// counts, not every stage's findings, and the main thread's share of a run, which bounds
// how fast any number of workers can go, is the decisions and the corpus-wide files. A
// document the decisions do change is cleaned again with them (a task with `decisions`).
// On the main thread (no workers) the decisions are made before anything is written.
import { unlinkSync, writeFileSync } from 'node:fs';
import { idFromPath, isFailure, readFileBytes, readTextFile, textDoc, type InputFailure } from './inputs.js';
import { composeMarks } from './marks.js';
import { inside } from './output.js';
import type { Decision, Pipeline } from './pipeline.js';
import type { DocView, IndexRow } from './report-index.js';
import type { CleanResult, Doc, InputDoc, Report } from './types.js';

/** A document to clean: as read on the main thread (JSONL), or a text file to read here. */
export type WorkerTask = (InputDoc | { read: string; id: string; sourceId?: string }) & {
  /** Room left on the report page (characters): its view is built when its texts fit in it. */
  viewRoom?: number;
  /** Its corpus decisions, already made: they change what an earlier task wrote of it, which this one writes again. */
  decisions?: Decision[];
};

/** Where a run writes each document's text and report; `lines`: whether it needs corpus lines. */
export interface DocumentOutputs {
  out?: string;
  reports?: string;
  /** The folders held files before the run: a document's files from then are removed first. */
  stale: boolean;
  lines: boolean;
}

/** A worker's answer to a batch sent without the corpus context before it has one (pipeline/worker.ts). */
export const NEEDS_CONTEXT = 'needs-context';

/** One document's stages; or why they failed, or why its file could not be read (the document's, not the batch's). */
export type WorkerOutcome = { done: Cleaned } | { error: string } | { failure: InputFailure };

/** A document cleaned and written, as the main thread needs it: no stage's findings, for it crosses between threads. */
export interface Cleaned {
  /** The finished document: what the corpus decisions read (a worker thread sends it without its original text). */
  doc: Doc;
  /** Its corpus decisions are made and in what was written (cleaned where they are made, or cleaned again with them). */
  decided: boolean;
  digest: ReportDigest;
  /** Its line of corpus.jsonl, when it is kept and the run writes one. */
  line?: string;
  view?: DocView;
  /** Why its files could not be written. */
  writeError?: string;
}

/** What the run's totals, histograms and report page take from a report. */
export interface ReportDigest {
  row: IndexRow;
  stages: { name: string; ms: number; findings: number; edits: number; charsRemoved: number }[];
  hanShare?: number;
  sentenceEndShare?: number;
}

/**
 * Cleans a batch: each file read, each document through every stage, its files written.
 * `decide`: the corpus decisions, when this is the thread that makes them (no workers), in
 * input order; without it (a worker), a document is written as if they change nothing.
 */
export function runTasks(batch: WorkerTask[], pipeline: Pipeline, outputs: DocumentOutputs, decide?: (doc: Doc) => Decision[]): WorkerOutcome[] {
  return batch.map((task): WorkerOutcome => {
    let input: InputDoc;
    if ('read' in task) {
      const raw = readTextFile(task.read);
      if (isFailure(raw)) return { failure: raw };
      input = { id: task.id, ...(task.sourceId !== undefined ? { sourceId: task.sourceId } : {}), source: raw.source, encoding: raw.encoding, text: raw.text, meta: raw.meta, warnings: raw.warnings };
    } else input = task;
    let result: CleanResult;
    let decisions = task.decisions;
    try {
      const done = pipeline.runStages(input);
      decisions ??= decide?.(done.doc);
      // No decisions given: as the corpus decisions leave most documents (see the header).
      result = pipeline.finish(done, decisions ?? []);
    } catch (err) {
      return { error: err instanceof Error ? err.message : String(err) };
    }
    let writeError: string | undefined;
    try {
      writeDocument(outputs, result, outputs.stale || task.decisions !== undefined);
    } catch (err) {
      writeError = (err as Error).message;
    }
    try {
      const { report } = result;
      return {
        done: {
          doc: result.doc,
          decided: decisions !== undefined,
          digest: digest(report),
          ...(outputs.lines && result.decision === 'keep' ? { line: corpusLine(result.id, result.text, report) } : {}),
          ...(task.viewRoom !== undefined && report.chars.in + report.chars.out <= task.viewRoom ? { view: documentView(result) } : {}),
          ...(writeError !== undefined ? { writeError } : {}),
        },
      };
    } catch (err) {
      // Written, but not told: the runner removes what was written (an error outcome).
      return { error: err instanceof Error ? err.message : String(err) };
    }
  });
}

/** What the run's totals and its page take from a report (one it made, or one an earlier run wrote). */
export function digest(report: Report): ReportDigest {
  const q = report.quality.signals;
  return {
    row: {
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
    },
    stages: report.stages.map((t) => ({ name: t.name, ms: t.ms, findings: t.findings.length, edits: t.edits, charsRemoved: t.charsRemoved })),
    ...(q.hanShare !== undefined ? { hanShare: q.hanShare } : {}),
    ...(q.sentenceEndShare !== undefined ? { sentenceEndShare: q.sentenceEndShare } : {}),
  };
}

/** A document's line of corpus.jsonl (and of stdout in stdin mode). */
export function corpusLine(id: string, text: string, report: Pick<Report, 'meta' | 'quality'>): string {
  return JSON.stringify({ id, text, meta: report.meta, quality: report.quality });
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
 * Writes a document's text and then its report, synchronously: thousands of small files,
 * and fs.promises' writeFile (open, write, close through libuv's pool, plus a rename)
 * cost five times the CPU. The report is written last: a report that is there and
 * parses is what tells --resume the document is done; a run that stops halfway through
 * one leaves a report that does not parse, or none, and the document is cleaned again.
 * In folders an earlier run (or task) wrote to (`stale`), that report goes first, then the
 * text it may have left in the other place (kept, rejected).
 */
function writeDocument(outputs: DocumentOutputs, result: CleanResult, stale: boolean): void {
  const { id, decision } = result;
  const reportPath = outputs.reports ? inside(outputs.reports, `${id}.json`) : undefined;
  if (stale && reportPath) removeFile(reportPath);
  if (outputs.out) {
    const { kept, rejected } = textPaths(outputs.out, id);
    // The other place first: a text that cannot be written leaves none behind.
    if (stale) removeFile(decision === 'keep' ? rejected : kept);
    writeFileSync(decision === 'keep' ? kept : rejected, result.text === '' ? '' : `${result.text}\n`);
  }
  // One line of JSON: indenting made reports 60% larger, which cost a quarter of a second of
  // CPU per 8,000 documents to build and write (summary.json, written once, stays indented).
  if (reportPath) writeFileSync(reportPath, `${JSON.stringify(result.report)}\n`);
}

/** Removes what a task wrote of a document that then failed (its report first: without it, --resume cleans the document again). */
export function removeDocument(outputs: DocumentOutputs, id: string): void {
  if (outputs.reports) removeFile(inside(outputs.reports, `${id}.json`));
  if (outputs.out) for (const path of Object.values(textPaths(outputs.out, id))) removeFile(path);
}

/** Where a document's cleaned text goes: `<out>/<id>.txt` when kept, `<out>/rejected/<id>.txt` when not. */
export function textPaths(out: string, id: string): { kept: string; rejected: string } {
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

/**
 * What the scanning stages count in a text file; null when it cannot be read or is not
 * text (cleaning will say why). A plain UTF-8 file is counted from its code points; any
 * other is decoded as cleaning decodes it.
 */
export function scanTextFile(path: string, pipeline: Pipeline): unknown[] | null {
  let bytes: Uint8Array;
  try {
    bytes = readFileBytes(path);
  } catch {
    return null;
  }
  const plain = pipeline.scanSummaryUtf8(bytes);
  if (plain) return plain;
  const raw = textDoc(path, idFromPath(path), bytes);
  return isFailure(raw) ? null : pipeline.scanSummary(raw.text);
}
