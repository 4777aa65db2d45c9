// The document model and the stage contract.
//
// Borrowed from unified/vfile and textlint: a stage never mutates. It reads a
// document and returns findings (what it saw, with a rule id and a reason) and
// edits (ranges of the text it saw, with their replacement). The runner applies
// the edits, records the findings and the time, and hands the new document to
// the next stage. A stage cannot forget to explain a change, because a change
// only exists as an edit that points at its finding.

/** What a finding did. `flag` changes nothing; `reject` marks the whole document. */
export type FindingAction = 'drop' | 'replace' | 'merge' | 'flag' | 'reject';

export interface Finding {
  /** Stage name; filled in by the runner. */
  stage: string;
  /** Rule id inside the stage, e.g. `control-chars`, `link-list`. */
  rule: string;
  action: FindingAction;
  /** 1-based line number in the text the stage saw. */
  line?: number;
  /** UTF-16 offsets in the text the stage saw. For a finding that groups many edits, the first one's. */
  range?: [number, number];
  /** What was there (for grouped findings, the first occurrence). */
  before: string;
  /** What replaced it; absent for `flag` and `reject`. */
  after?: string;
  /** How many edits this finding explains, when more than one. */
  count?: number;
  /** One human sentence. */
  reason: string;
  /** Evidence for the decision (scores, the duplicate's id, ...). */
  data?: Record<string, unknown>;
}

/** A replacement of `text.slice(start, end)` by `text`, explained by `findings[finding]`. */
export interface Edit {
  start: number;
  end: number;
  text: string;
  finding: number;
}

/** Results that stages publish for the report. Absent keys mean "stage not run". */
export interface DocData {
  language?: { code: string; score: number; [k: string]: unknown };
  spin?: { detected: boolean; score: number; repairs: number; [k: string]: unknown };
  script?: { traditionalShare: number; [k: string]: unknown };
  quality?: { score: number | null; signals: Record<string, number> };
  duplicateOf?: string;
  similarity?: number;
  title?: string;
  [key: string]: unknown;
}

/** A document as read from the input, before any stage. */
export interface InputDoc {
  /** Unique, file-name-safe id (see ids.ts). */
  id: string;
  /** The id as the input gave it, when it had to be changed to be safe or unique. */
  sourceId?: string;
  /** Where it came from: a path, `path:line` for JSONL, or `-:line` for stdin. */
  source: string;
  /** The encoding detected in the bytes (see decode.ts). */
  encoding: string;
  /** Problems met while reading that did not stop the read (invalid bytes replaced, ...). */
  warnings?: string[];
  text: string;
  /** JSONL fields other than `id` and `text`, kept as they were. */
  meta: Record<string, unknown>;
}

export interface Doc extends Readonly<InputDoc> {
  /** The text as read, before any stage. */
  readonly original: string;
  readonly data: Readonly<DocData>;
  /** Why the document is rejected, one sentence each; empty when kept. */
  readonly reasons: readonly string[];
  /** Length (UTF-16 units) of the text after each stage so far, for shares removed per stage. */
  readonly steps: readonly { stage: string; length: number }[];
}

export interface StageResult {
  findings?: Finding[];
  edits?: Edit[];
  data?: Partial<DocData>;
  /** Set to reject the whole document; each entry is also reported as a finding. */
  reject?: { rule: string; reason: string; data?: Record<string, unknown> }[];
}

/** Shared state across the documents of one run (cross-document dedup, recurring lines). */
export interface CorpusContext {
  /** Number of documents the scan pass saw; undefined when there was no scan pass (streaming). */
  readonly scannedDocuments: number | undefined;
  /** A named shared structure, created on first use. Stages keep their indexes here. */
  store<T>(name: string, create: () => T): T;
}

/** The values a numeric option may take, beyond being a finite number. */
export interface OptionLimit {
  min?: number;
  max?: number;
  integer?: boolean;
}

export interface Stage<O extends object = Record<string, unknown>> {
  name: string;
  description: string;
  defaults: O;
  /**
   * The limits of each numeric option (`{}`: any finite number). A configuration outside
   * them is refused before any document is read (a usage error), not found out document
   * by document.
   */
  limits?: { [K in keyof O as O[K] extends number ? K : never]: OptionLimit };
  /** Constraints between options (bands × rows ≤ permutations): what is wrong, or undefined. */
  checkOptions?(options: O): string | undefined;
  /**
   * Optional first pass over the corpus, before any document is cleaned
   * (e.g. counting lines that recur across documents). Gets the text as read.
   */
  scan?(text: string, options: O): unknown;
  /**
   * `scan` on the text these code points spell, for a runner that has a file's code points
   * and no string (decoding UTF-8 into strings cost the scan pass more than its counting).
   * Must return what `scan` returns on that text; without it the runner decodes.
   */
  scanCodePoints?(codePoints: Int32Array, length: number, options: O): unknown;
  /**
   * Adds what `scan` returned for one document to the corpus context. The scan pass is in
   * these two halves so that reading and reducing documents can run in worker threads
   * while the counting stays on the thread that owns the context.
   */
  tally?(summary: unknown, options: O, ctx: CorpusContext): void;
  apply(doc: Doc, options: O, ctx: CorpusContext): StageResult;
  /**
   * `line` when what the stage does to a line depends on that line alone (character
   * normalisation): the runner runs it again in a later pass only when a later stage has
   * joined or split lines, not when it dropped or edited some. Default `document`.
   */
  scope?: 'line' | 'document';
  /** True for a stage that never edits (it measures): it runs once, on the finished text. */
  measureOnly?: boolean;
  /**
   * Optional corpus decision about the finished document (after every stage),
   * made one document at a time in input order, e.g. "duplicate of an earlier
   * document". It may reject the document and publish data; it cannot edit.
   */
  decide?(doc: Doc, options: O, ctx: CorpusContext): Pick<StageResult, 'data' | 'reject'>;
  /**
   * Optional work `decide` needs that depends on the document alone (a fingerprint): run
   * with the stages (in a worker thread), on the finished text, its result merged into the
   * document's data. `decide` must cope without it (a resumed run replays decisions on text).
   */
  prepare?(doc: Doc, options: O): Record<string, unknown>;
}

/** What the runner records for one stage on one document. */
export interface StageTrace {
  name: string;
  ms: number;
  findings: Finding[];
  /** Edits in the coordinates of the text this stage saw: [start, end, text, finding]. */
  edits: [number, number, string, number][];
  /** Which pass over the stage list (1 unless a pass left work for another; see pipeline.ts). */
  pass?: number;
}

export interface Report {
  id: string;
  sourceId?: string;
  source: string;
  /** The page headline, when a stage found one (the boilerplate stage drops it from the text). */
  title?: string;
  encoding: string;
  warnings: string[];
  language: { code: string; score: number };
  chars: { in: number; out: number };
  decision: 'keep' | 'reject';
  reasons: string[];
  spin: { detected: boolean; score: number; repairs: number };
  script: { traditionalShare: number };
  /** The earlier document this one duplicates, and the estimated similarity (1 for an exact copy). */
  duplicateOf?: string;
  similarity?: number;
  /** Per stage: time, edits, characters removed (net of inserted), and the findings. */
  stages: { name: string; ms: number; edits: number; charsRemoved: number; findings: Finding[] }[];
  quality: { score: number | null; signals: Record<string, number> };
  meta: Record<string, unknown>;
}

export interface CleanResult {
  id: string;
  text: string;
  decision: 'keep' | 'reject';
  report: Report;
  /** The document after the last stage, and what each stage did (for `explain` and the viewer). */
  doc: Doc;
  trace: StageTrace[];
}
