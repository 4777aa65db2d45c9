// despin: repair text put through an article spinner (伪原创), which swaps
// words for synonyms, antonyms and look-alikes (发展→成长, 智能→笨能,
// 居民→居平易近, 中→外) to pass copied text off as new.
//
// A mapping table (despin/spin-map.tsv, plus any the user adds) lists spun
// forms and their originals. Many spun forms are ordinary words (成长, 核心,
// 正在), so nothing is repaired on the table's word alone:
// 1. The document must look spun: enough signatures (forms almost never
//    written on purpose: 平易近, 笨能, 扶植 ...) per thousand Han characters,
//    and the language model must agree with most of them.
// 2. Each candidate repair is judged in its sentence by a word-frequency
//    language model (jieba's dictionary): it is applied only when the repaired
//    sentence is clearly more probable than the spun one.
// Candidates of a sentence are judged left to right, each seeing the repairs
// before it, and the ones refused get a second look once their neighbours are
// repaired (资本劣势 → 资本优势 → 资源优势).

import { Changes } from '../pipeline/changes.js';
import { readTable, TableError } from '../pipeline/tables.js';
import { countHan, round3, unitTable } from '../pipeline/text.js';
import { dataPath } from '../pipeline/paths.js';
import type { Stage } from '../pipeline/types.js';
import { languageModel, type LanguageModel } from './despin/lm.js';

export type EntryKind = 'sig' | 'word' | 'ctx';

export interface SpinEntry {
  spun: string;
  original: string;
  kind: EntryKind;
  comment: string;
  /** file:line, for the report. */
  source: string;
}

export interface DespinOptions {
  /** Extra mapping tables (TSV: spun, original, kind, comment), after the built-in one. */
  tables: string[];
  /** A document is spun with at least this many candidates the model supports ... */
  minSupported: number;
  /** ... at least this many per 1000 Han characters ... */
  supportedPer1000: number;
  /** ... and when they are at least this share of the candidates the model has a clear view on. */
  minShare: number;
  /** Nats that make the model's view clear, for detection. */
  evidence: number;
  /** Nats a `word` or `ctx` repair must add to its sentence's log-probability in a spun document. */
  margin: number;
  /** Nats a `sig` repair must add (0: the model must not prefer the spun form). */
  signatureMargin: number;
  /** Characters of context on each side of a candidate, within its sentence. */
  context: number;
}

const REASON = 'Spun text repaired: the table maps this form to its original, and the language model finds the repaired sentence more probable.';

interface Table {
  /** Entries by first character, longest first. */
  byFirst: Map<string, SpinEntry[]>;
  /** The same lists by the UTF-16 unit they start with: most characters start none, and are passed over without a string. */
  byUnit: (SpinEntry[] | undefined)[];
  size: number;
}

const tables = new Map<string, Table>();

function loadTable(paths: readonly string[]): Table {
  const key = paths.join('\n');
  const cached = tables.get(key);
  if (cached) return cached;
  const byFirst = new Map<string, SpinEntry[]>();
  const seen = new Map<string, SpinEntry>();
  for (const path of paths) {
    for (const { line, cells } of readTable(path, 4)) {
      const [spun, original, kind, comment] = cells as [string, string, string, string];
      if (kind !== 'sig' && kind !== 'word' && kind !== 'ctx') throw new TableError(`${path}:${line}: kind must be sig, word or ctx, got "${kind}"`);
      // A later table overrides an earlier entry for the same spun form.
      seen.set(spun, { spun, original, kind, comment, source: `${path.split('/').slice(-2).join('/')}:${line}` });
    }
  }
  for (const e of seen.values()) {
    const list = byFirst.get(e.spun[0]!) ?? [];
    list.push(e);
    byFirst.set(e.spun[0]!, list);
  }
  for (const list of byFirst.values()) list.sort((a, b) => b.spun.length - a.spun.length);
  const byUnit: (SpinEntry[] | undefined)[] = new Array(0x10000).fill(undefined);
  for (const [first, list] of byFirst) byUnit[first.charCodeAt(0)] = list;
  const table = { byFirst, byUnit, size: seen.size };
  tables.set(key, table);
  return table;
}

export function spinTable(extra: readonly string[] = []): Table {
  return loadTable([dataPath('stages', 'despin', 'spin-map.tsv'), ...extra]);
}

export interface Candidate {
  start: number;
  end: number;
  entry: SpinEntry;
}

/** Table matches, left to right, longest first, not overlapping. */
export function findCandidates(text: string, table: Table): Candidate[] {
  const out: Candidate[] = [];
  for (let i = 0; i < text.length; ) {
    const list = table.byUnit[text.charCodeAt(i)];
    if (list === undefined) {
      i++;
      continue;
    }
    let e: SpinEntry | undefined;
    for (const x of list) {
      if (text.startsWith(x.spun, i)) {
        e = x;
        break;
      }
    }
    if (e) {
      out.push({ start: i, end: i + e.spun.length, entry: e });
      i += e.spun.length;
    } else i++;
  }
  return out;
}

/** Characters that end a sentence, for the window a candidate is judged in. */
const SENTENCE_END = unitTable('。！？!?；;\n');

/** The sentence around [start, end): offsets of its first and past-last characters. */
function sentenceAround(text: string, start: number, end: number): [number, number] {
  let a = start;
  while (a > 0 && SENTENCE_END[text.charCodeAt(a - 1)] === 0) a--;
  let b = end;
  while (b < text.length && SENTENCE_END[text.charCodeAt(b)] === 0) b++;
  return [a, b];
}

export interface Judgement {
  candidate: Candidate;
  /** Log-probability gained by the repair, in nats, in context. */
  gain: number;
  applied: boolean;
}

/**
 * Judges the candidates of one text: each in a window of its sentence with the
 * repairs already accepted applied, twice over so a refused candidate is
 * looked at again after its neighbours changed.
 */
export function judge(text: string, candidates: Candidate[], o: DespinOptions, lm: LanguageModel): Judgement[] {
  const results: Judgement[] = candidates.map((candidate) => ({ candidate, gain: 0, applied: false }));
  for (let pass = 0; pass < 2; pass++) {
    let changed = false;
    results.forEach((r, i) => {
      if (r.applied) return;
      const { start, end, entry } = r.candidate;
      const [sa, sb] = sentenceAround(text, start, end);
      const from = Math.max(sa, start - o.context);
      const to = Math.min(sb, end + o.context);
      // The window as it reads now: accepted repairs inside it applied.
      let before = '';
      let after = '';
      let at = from;
      // Candidates are in text order: start at the first that may reach into the window.
      let lo = i;
      while (lo > 0 && results[lo - 1]!.candidate.end > from) lo--;
      for (let j = lo; j < results.length; j++) {
        const c = results[j]!.candidate;
        if (c.start >= to) break;
        if (c.end <= from) continue;
        if (c.start < from || c.end > to) continue; // straddles the window edge: leave as it is
        const piece = text.slice(at, c.start);
        before += piece;
        after += piece;
        const current = results[j]!.applied ? c.entry.original : c.entry.spun;
        before += current;
        after += j === i ? c.entry.original : current;
        at = c.end;
      }
      before += text.slice(at, to);
      after += text.slice(at, to);
      r.gain = lm.logProb(after) - lm.logProb(before);
      const need = entry.kind === 'sig' ? o.signatureMargin : o.margin;
      if (r.gain > need) {
        r.applied = true;
        changed = true;
      }
    });
    if (!changed) break;
  }
  return results;
}

export interface SpinAssessment {
  detected: boolean;
  score: number;
  /** Signatures found (forms almost never written on purpose). */
  signatures: number;
  /** Candidates the language model supports (a signature it does not reject, a word it clearly prefers repaired) ... */
  supported: number;
  /** ... and candidates it clearly prefers as they are. */
  opposed: number;
  /** Supported candidates per 1000 Han characters. */
  perThousand: number;
}

/**
 * Is the document spun? Ordinary text has few table forms, and where it has
 * them (成长, 核心, 系统) the model mostly prefers them as written; spun text
 * has many, and the model prefers most of them repaired. So: enough supported
 * candidates, densely enough, and most of the judged ones supported.
 */
export function assess(han: number, judged: readonly Judgement[], o: DespinOptions): SpinAssessment {
  let signatures = 0;
  let supported = 0;
  let opposed = 0;
  for (const j of judged) {
    const sig = j.candidate.entry.kind === 'sig';
    if (sig) signatures++;
    if (j.gain > (sig ? 0 : o.evidence)) supported++;
    else if (j.gain < -o.evidence) opposed++;
  }
  const perThousand = han === 0 ? 0 : (supported * 1000) / han;
  const share = supported + opposed === 0 ? 0 : supported / (supported + opposed);
  const detected = supported >= o.minSupported && perThousand >= o.supportedPer1000 && share >= o.minShare;
  const score = round3(Math.min(1, perThousand / (2 * o.supportedPer1000)) * share);
  return { detected, score, signatures, supported, opposed, perThousand: round3(perThousand) };
}

export const despin: Stage<DespinOptions> = {
  name: 'despin',
  description: 'Repair spun text (伪原创): table of spun forms, judged by a jieba word-frequency language model, only in documents detected as spun.',
  defaults: {
    tables: [],
    minSupported: 3,
    supportedPer1000: 8,
    minShare: 0.6,
    evidence: 1,
    margin: -0.1,
    signatureMargin: -1,
    context: 10,
  },

  apply(doc, o) {
    const changes = new Changes();
    const text = doc.text;
    const candidates = findCandidates(text, spinTable(o.tables));
    // Even if the model supported every candidate, could the document count as spun? If not,
    // the model (0.6 s to load, then a few µs a candidate) is not consulted at all.
    const han = countHan(text);
    if (candidates.length < o.minSupported || (candidates.length * 1000) / Math.max(1, han) < o.supportedPer1000) {
      const signatures = candidates.filter((c) => c.entry.kind === 'sig').length;
      return changes.result({ data: { spin: { detected: false, score: 0, repairs: 0, signatures, supported: 0, opposed: 0, perThousand: 0 } } });
    }
    const judged = judge(text, candidates, o, languageModel());
    const spin = assess(han, judged, o);
    let repairs = 0;
    if (spin.detected) {
      // Repairs come in text order: count line breaks as they pass, not from the start each time.
      let line = 1;
      let at = 0;
      for (const j of judged) {
        if (!j.applied) continue;
        const { start, end, entry } = j.candidate;
        for (let nl = text.indexOf('\n', at); nl !== -1 && nl < start; nl = text.indexOf('\n', nl + 1)) line++;
        at = start;
        repairs++;
        changes.change(text, start, end, entry.original, {
          rule: 'spin-repair',
          action: 'replace',
          line,
          reason: REASON,
          data: { kind: entry.kind, gain: round3(j.gain), table: entry.source },
        });
      }
    }
    return changes.result({ data: { spin: { ...spin, repairs } } });
  },
};

