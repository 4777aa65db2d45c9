// The runner: applies the ordered stages to one document at a time, applies
// their edits, times them, and turns what they found into a report.

import { performance } from 'node:perf_hooks';
import { resolveStages, type PipelineConfig, type ResolvedStage } from './config.js';
import { plainUtf8CodePoints } from './decode.js';
import { applyEdits } from './edits.js';
import { charCount, round3 } from './text.js';
import type { CleanResult, CorpusContext, Doc, DocData, Finding, InputDoc, Report, StageResult, StageTrace } from './types.js';

/** The in-memory corpus context: one map of named structures for the whole run. */
export class MemoryCorpusContext implements CorpusContext {
  scannedDocuments: number | undefined = undefined;
  private readonly stores = new Map<string, unknown>();

  store<T>(name: string, create: () => T): T {
    if (!this.stores.has(name)) this.stores.set(name, create());
    return this.stores.get(name) as T;
  }

  /** What the scan pass gathered, as plain data a worker thread can receive (structured clone). */
  snapshot(): ContextSnapshot {
    return { scannedDocuments: this.scannedDocuments, stores: [...this.stores] };
  }

  static from(snapshot: ContextSnapshot): MemoryCorpusContext {
    const ctx = new MemoryCorpusContext();
    ctx.scannedDocuments = snapshot.scannedDocuments;
    for (const [name, value] of snapshot.stores) ctx.stores.set(name, value);
    return ctx;
  }
}

export interface ContextSnapshot {
  scannedDocuments: number | undefined;
  stores: [string, unknown][];
}

export class StageError extends Error {
  constructor(
    readonly stage: string,
    override readonly cause: unknown,
  ) {
    super(`stage ${stage} failed: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'StageError';
  }
}

export interface PipelineOptions extends PipelineConfig {
  /** Shared state across documents; a fresh in-memory one by default. */
  context?: CorpusContext & { scannedDocuments: number | undefined };
}

export interface Pipeline {
  /** Stage names in the order they run. */
  readonly stages: readonly string[];
  readonly context: CorpusContext;
  /** True when some stage wants a first pass over the corpus (see `scan`). */
  readonly needsScan: boolean;
  /** First pass: feed every document's text before processing any (stages with `scan`). */
  scan(text: string): void;
  /** `scan` in two halves: what the stages count in a document (no other document needed) ... */
  scanSummary(text: string): unknown[];
  /**
   * `scanSummary` of a text file's bytes, when they are plain UTF-8 and every scanning stage
   * counts code points (no string is made); undefined: decode them and call `scanSummary`.
   */
  scanSummaryUtf8(bytes: Uint8Array): unknown[] | undefined;
  /** ... and adding it to the corpus context, on the pipeline that owns it. */
  tally(summary: unknown[]): void;
  /** Cleans one document. Throws StageError when a stage fails. */
  process(input: InputDoc): CleanResult;
  /**
   * `process` in three parts, for running the stages elsewhere (a worker thread):
   * `runStages` needs no other document; `decide` makes the corpus decisions and must be
   * called one document at a time in input order, on the pipeline that owns the context;
   * `finish` builds the result with those decisions, and needs no other document either.
   */
  runStages(input: InputDoc): StagesDone;
  decide(doc: Doc): Decision[];
  /** The result with the corpus decisions given (`decide`'s); without them, with those `decide` makes now. */
  finish(done: StagesDone, decisions?: readonly Decision[]): CleanResult;
  /**
   * Replays the corpus decisions of a document cleaned by an earlier, interrupted run
   * (its finished text and its reasons), so that corpus indexes are rebuilt in input
   * order when the run resumes, without cleaning it again. Returns the decisions that
   * reject it or add to it: none when its report holds them already.
   */
  replay(done: { id: string; text: string; reasons: readonly string[] }): Decision[];
}

/**
 * One stage's corpus decision about one document (what its `decide` returned, when that was
 * not nothing). Plain data: made on the thread that owns the corpus context, applied by
 * `finish` wherever the document's stages ran.
 */
export interface Decision extends Pick<StageResult, 'data' | 'reject'> {
  stage: string;
}

export function createPipeline(options: PipelineOptions = {}): Pipeline {
  const resolved: ResolvedStage[] = resolveStages(options);
  const context = options.context ?? new MemoryCorpusContext();
  const scanners = resolved.filter((r) => r.stage.scan);
  let scanned = 0;
  const scanSummary = (text: string): unknown[] => scanners.map(({ stage, options: o }) => stage.scan!(text, o));
  const byCodePoint = scanners.every(({ stage }) => stage.scanCodePoints);
  let codePoints: Int32Array = new Int32Array(1 << 16);
  const scanSummaryUtf8 = (bytes: Uint8Array): unknown[] | undefined => {
    const plain = byCodePoint ? plainUtf8CodePoints(bytes, codePoints) : undefined;
    if (!plain) return undefined;
    codePoints = plain.codePoints;
    return scanners.map(({ stage, options: o }) => stage.scanCodePoints!(plain.codePoints, plain.length, o));
  };
  const tally = (summary: unknown[]): void => {
    scanners.forEach(({ stage, options: o }, i) => stage.tally?.(summary[i], o, context));
    context.scannedDocuments = ++scanned;
  };

  return {
    stages: resolved.map((r) => r.stage.name),
    context,
    needsScan: scanners.length > 0,
    scan(text) {
      tally(scanSummary(text));
    },
    scanSummary,
    scanSummaryUtf8,
    tally,
    process(input) {
      const done = runStages(resolved, input, context);
      return settle(done, decide(resolved, done.doc, context));
    },
    runStages(input) {
      return runStages(resolved, input, context);
    },
    decide(doc) {
      return decide(resolved, doc, context);
    },
    finish(done, decisions) {
      return settle(done, decisions ?? decide(resolved, done.doc, context));
    },
    replay(done) {
      const doc: Doc = { id: done.id, source: '', encoding: '', text: done.text, original: done.text, meta: {}, data: {}, reasons: done.reasons, steps: [] };
      return decide(resolved, doc, context);
    },
  };
}

/** A document after every stage's `apply`, before the corpus decisions. Plain data. */
export interface StagesDone {
  doc: Doc;
  trace: StageTrace[];
}

/**
 * Passes over the stage list at most. Stages judge lines by their neighbours, and a later
 * stage removes neighbours an earlier one judged by (boilerplate drops the line that kept
 * reflow from joining two fragments), so one pass may leave work a second finds: the
 * stages run again until a pass changes nothing. Cleaning cleaned text then changes nothing.
 *
 * A later pass skips what cannot find anything new: a stage whose text is the one it saw
 * in its last run (it would do what it did), and a `line` stage when no lines were joined
 * or split since its last run. `measureOnly` stages run once, after the last pass.
 */
const MAX_PASSES = 3;

/** Every stage's `apply`, in order, pass after pass: the per-document work, independent of other documents. Exported for tests. */
export function runStages(resolved: ResolvedStage[], input: InputDoc, ctx: CorpusContext): StagesDone {
  let doc: Doc = docOf(input, input.text, input.text, {}, [], []);
  const trace: StageTrace[] = [];
  // Stages that changed the text in some pass: what they found is what they saw first (the
  // input's spin, its Traditional share); a later pass that changes nothing keeps it.
  const edited = new Set<string>();
  /** The text each stage saw in its last run. */
  const saw = new Map<string, string>();
  /** `line` stages that lines were joined or split after. */
  const relined = new Set<string>();
  /** Each stage's rejections, from its last run. */
  const rejects = new Map<string, string[]>();
  const run = (stage: ResolvedStage['stage'], options: object, pass: number): boolean => {
    const t0 = performance.now();
    let editedNow: boolean;
    try {
      const result = stage.apply(doc, options, ctx);
      // The stage's findings, named after it here (the runner's, not the stage's, to fill in).
      // In place: a copy of each by object spread cost more than many stages' own work.
      const findings: Finding[] = result.findings ? result.findings.slice() : [];
      for (const f of findings) f.stage = stage.name;
      const resultEdits = result.edits ?? [];
      if (resultEdits.length > 0) {
        const counts = new Array<number>(findings.length).fill(0);
        for (const e of resultEdits) {
          if (!(e.finding >= 0 && e.finding < findings.length)) {
            throw new Error(`an edit points at finding ${e.finding}, which the stage did not report`);
          }
          counts[e.finding]!++;
        }
        counts.forEach((n, i) => {
          if (n > 1) findings[i]!.count = n;
        });
      }
      rejects.set(stage.name, rejections(stage.name, result.reject, findings, []));
      saw.set(stage.name, doc.text);
      relined.delete(stage.name);
      const text = applyEdits(doc.text, resultEdits);
      editedNow = text !== doc.text;
      if (editedNow && resultEdits.some((e) => changesLines(doc.text, e))) {
        for (const r of resolved) if (r.stage.scope === 'line') relined.add(r.stage.name);
      }
      const keepEarlier = pass > 1 && !editedNow && edited.has(stage.name);
      if (editedNow) edited.add(stage.name);
      const data = result.data && !keepEarlier ? { ...result.data, ...(doc.data.title !== undefined ? { title: doc.data.title } : {}) } : undefined;
      trace.push({ name: stage.name, ms: performance.now() - t0, findings, edits: resultEdits.map((e) => [e.start, e.end, e.text, e.finding]), pass });
      doc = docOf(doc, text, doc.original, data ? { ...doc.data, ...data } : doc.data, doc.reasons, editedNow ? [...doc.steps, { stage: stage.name, length: text.length }] : doc.steps);
    } catch (err) {
      throw err instanceof StageError ? err : new StageError(stage.name, err);
    }
    return editedNow;
  };
  for (let pass = 1; pass <= MAX_PASSES; pass++) {
    let changed = false;
    for (const { stage, options } of resolved) {
      if (stage.measureOnly) continue;
      if (pass > 1 && (saw.get(stage.name) === doc.text || (stage.scope === 'line' && !relined.has(stage.name)))) continue;
      if (run(stage, options, pass)) changed = true;
    }
    if (!changed) break;
  }
  const last = trace.length === 0 ? 1 : trace[trace.length - 1]!.pass!;
  for (const { stage, options } of resolved) if (stage.measureOnly) run(stage, options, last);
  // Rejections in stage order, each as its stage's last run made them.
  doc = docOf(doc, doc.text, doc.original, doc.data, resolved.flatMap((r) => rejects.get(r.stage.name) ?? []), doc.steps);
  for (const { stage, options } of resolved) {
    if (stage.prepare) doc = docOf(doc, doc.text, doc.original, { ...doc.data, ...stage.prepare(doc, options) }, doc.reasons, doc.steps);
  }
  return { doc, trace };
}

/**
 * A document: the input's fields with the runner's. Written out as one object literal, so
 * every document has one shape: copying a document by object spread, a dozen times per
 * document, went through V8's generic (slow) copy. `sourceId` is present and undefined
 * when the input had none.
 */
function docOf(
  input: InputDoc,
  text: string,
  original: string,
  data: Readonly<DocData>,
  reasons: readonly string[],
  steps: Doc['steps'],
): Doc {
  return {
    id: input.id,
    sourceId: input.sourceId,
    source: input.source,
    encoding: input.encoding,
    warnings: input.warnings,
    text,
    meta: input.meta,
    original,
    data,
    reasons,
    steps,
  };
}

/**
 * Does this edit change which characters share a line (a join, a split), as opposed to
 * dropping or adding whole lines or editing inside one? Only then can a `line` stage
 * find something new.
 */
function changesLines(text: string, e: { start: number; end: number; text: string }): boolean {
  // Looked for inside the edit's range only (lastIndexOf would walk back to the line's start: a
  // long line with many small edits made that quadratic).
  let removedBreak = false;
  for (let i = e.start; i < e.end && !removedBreak; i++) removedBreak = text.charCodeAt(i) === 10;
  const insertsBreak = e.text.includes('\n');
  if (!removedBreak && !insertsBreak) return false;
  const breakBefore = e.start === 0 || text.charCodeAt(e.start - 1) === 10;
  const breakAfter = e.end === text.length || text.charCodeAt(e.end) === 10;
  // Whole lines dropped: the edit reaches a line break (or an end of the text) on one side.
  if (e.text === '' && (breakBefore || breakAfter)) return false;
  // Whole lines added before a break: "\ncaption" at the end of a line.
  if (e.start === e.end && e.text.startsWith('\n') && breakAfter) return false;
  return true;
}

/**
 * The corpus decisions (each stage's `decide`) on the finished document, in stage order,
 * each stage seeing what those before it decided. Callers run this one document at a
 * time in input order, so "the first copy is kept" holds whatever ran the stages.
 */
function decide(resolved: ResolvedStage[], finished: Doc, ctx: CorpusContext): Decision[] {
  let doc = finished;
  const decisions: Decision[] = [];
  for (const { stage, options } of resolved) {
    if (!stage.decide) continue;
    let result;
    try {
      result = stage.decide(doc, options, ctx);
    } catch (err) {
      throw new StageError(stage.name, err);
    }
    if (!result.data && !result.reject?.length) continue;
    decisions.push({ stage: stage.name, ...result });
    const reasons = [...doc.reasons, ...(result.reject ?? []).map(reasonOf)];
    doc = docOf(doc, doc.text, doc.original, result.data ? { ...doc.data, ...result.data } : doc.data, reasons, doc.steps);
  }
  return decisions;
}

/** The document's result with its corpus decisions: each rejection a finding of the stage that made it. */
function settle(done: StagesDone, decisions: readonly Decision[]): CleanResult {
  let { doc } = done;
  const { trace } = done;
  for (const d of decisions) {
    const i = trace.findLastIndex((t) => t.name === d.stage);
    if (i < 0) throw new Error(`a decision of stage ${d.stage}, which did not run`);
    const reasons = rejections(d.stage, d.reject, trace[i]!.findings, doc.reasons);
    doc = docOf(doc, doc.text, doc.original, d.data ? { ...doc.data, ...d.data } : doc.data, reasons, doc.steps);
  }
  const report = buildReport(doc, trace);
  return { id: doc.id, text: doc.text, decision: report.decision, report, doc, trace };
}

/** A rejection as the document's reasons list it. */
function reasonOf(r: { rule: string; reason: string }): string {
  return `${r.rule}: ${r.reason}`;
}

/** Records each rejection as a finding and returns the document's reasons with them added. */
function rejections(stage: string, reject: StageResult['reject'], findings: Finding[], reasons: readonly string[]): string[] {
  const out = [...reasons];
  for (const r of reject ?? []) {
    findings.push({ stage, rule: r.rule, action: 'reject', before: '', reason: r.reason, ...(r.data ? { data: r.data } : {}) });
    out.push(reasonOf(r));
  }
  return out;
}

/** The per-document report; every field is present, stages not run give neutral values. */
export function buildReport(doc: Doc, trace: StageTrace[]): Report {
  const d = doc.data;
  const decision = doc.reasons.length > 0 ? 'reject' : 'keep';
  // Built key by key in the report's order (the order of its JSON): optional keys spread
  // into an object literal sent each report through V8's generic copy.
  const report = { id: doc.id } as Report;
  if (doc.sourceId !== undefined) report.sourceId = doc.sourceId;
  report.source = doc.source;
  if (d.title !== undefined) report.title = d.title;
  report.encoding = doc.encoding;
  report.warnings = doc.warnings ? doc.warnings.slice() : [];
  report.language = { code: d.language?.code ?? 'und', score: d.language?.score ?? 0 };
  report.chars = { in: charCount(doc.original), out: charCount(doc.text) };
  report.decision = decision;
  report.reasons = doc.reasons.slice();
  report.spin = { detected: d.spin?.detected ?? false, score: d.spin?.score ?? 0, repairs: d.spin?.repairs ?? 0 };
  report.script = { traditionalShare: d.script?.traditionalShare ?? 0 };
  if (d.duplicateOf !== undefined) {
    report.duplicateOf = d.duplicateOf;
    report.similarity = d.similarity ?? 1;
  }
  report.stages = mergePasses(trace);
  report.quality = { score: d.quality?.score ?? null, signals: d.quality?.signals ?? {} };
  report.meta = doc.meta;
  return report;
}

/** One report entry per stage, whatever the number of passes; rejections only as the stage's last run made them. */
function mergePasses(trace: StageTrace[]): Report['stages'] {
  const last = new Map<string, number>();
  for (const t of trace) last.set(t.name, t.pass ?? 1);
  const byName = new Map<string, Report['stages'][number]>();
  for (const t of trace) {
    let e = byName.get(t.name);
    if (!e) {
      e = { name: t.name, ms: 0, edits: 0, charsRemoved: 0, findings: [] };
      byName.set(t.name, e);
    }
    e.ms = round3(e.ms + t.ms);
    e.edits += t.edits.length;
    e.charsRemoved += t.edits.reduce((n, [start, end, text]) => n + end - start - text.length, 0);
    for (const f of t.findings) {
      if (f.action === 'reject' && (t.pass ?? 1) !== last.get(t.name)) continue;
      e.findings.push((t.pass ?? 1) > 1 && f.action !== 'reject' ? { ...f, data: { ...f.data, pass: t.pass } } : f);
    }
  }
  return [...byName.values()];
}


export interface CleanOptions extends PipelineOptions {
  /** Id used in the report; default "text". */
  id?: string;
  meta?: Record<string, unknown>;
}

/** Cleans one string. For many documents, create one pipeline and call `process` on each. */
export function clean(text: string, options: CleanOptions = {}): { text: string; report: Report; decision: 'keep' | 'reject' } {
  const { id = 'text', meta = {}, ...pipelineOptions } = options;
  const pipeline = createPipeline(pipelineOptions);
  const result = pipeline.process({ id, source: 'string', encoding: 'utf-16', text, meta });
  return { text: result.text, report: result.report, decision: result.decision };
}
