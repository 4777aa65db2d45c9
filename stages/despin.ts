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

import { readTable, TableError } from '../pipeline/tables.js';
import { isHan, round3 } from '../pipeline/text.js';
import { dataPath } from '../pipeline/paths.js';
import type { Edit, Finding, Stage } from '../pipeline/types.js';
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
  /** The same lists, numbered from 1 ... */
  lists: SpinEntry[][];
  /**
   * ... and the number of the list for each UTF-16 unit an entry starts with, by `listOf`: an
   * open-addressing table of (unit + 1, list) pairs, 8 KB for the built-in table rather than
   * 256 KB indexed by unit, whose lines were cold at each look.
   */
  listsByUnit: Int32Array;
  /**
   * A bit per UTF-16 unit that `scan` must look at whatever follows it (8 KB): a high surrogate
   * (an astral character may be Han), a Han character outside U+4E00..U+9FFF (counted there),
   * an entry of one unit (取). Tables are bits so that the lines a document needs are few:
   * despin runs with caches cold from the stages before it.
   */
  rareBits: Int32Array;
  /**
   * A bit at `pairKey` of the first two units of every entry of two or more (2 KB): at a unit
   * that starts a list (14% of the text: 中, 正, 发 ...) a clear bit says only the list's
   * one-unit entry can match.
   */
  pairBits: Int32Array;
  /** Each list's one-unit entry, if it has one. */
  singles: (SpinEntry | undefined)[];
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
  const lists: SpinEntry[][] = [[]];
  const listsByUnit = new Int32Array(2 * Math.max(16, 1 << Math.ceil(Math.log2(4 * byFirst.size))));
  const pairBits = new Int32Array(PAIR_KEYS >>> 5);
  const singles: (SpinEntry | undefined)[] = [undefined];
  for (const [first, list] of byFirst) {
    addList(listsByUnit, first.charCodeAt(0), lists.length);
    lists.push(list);
    singles.push(list.find((e) => e.spun.length === 1));
    for (const e of list) {
      if (e.spun.length < 2) continue;
      const key = pairKey(e.spun.charCodeAt(0), e.spun.charCodeAt(1));
      pairBits[key >>> 5]! |= 1 << (key & 31);
    }
  }
  const rareBits = new Int32Array(0x10000 >>> 5);
  for (let c = 0; c < 0x10000; c++) {
    if (isHighSurrogate(c) || (isHan(c) && inHanBlock(c) === 0) || singles[listOf(listsByUnit, c)]) rareBits[c >>> 5]! |= 1 << (c & 31);
  }
  const table = { byFirst, lists, listsByUnit, rareBits, pairBits, singles, size: seen.size };
  tables.set(key, table);
  return table;
}

/** The built-in table alone, kept at hand: not a path joined and looked up per document. */
let builtInTable: Table | undefined;

export function spinTable(extra: readonly string[] = []): Table {
  if (extra.length === 0) return (builtInTable ??= loadTable([builtInPath()]));
  return loadTable([builtInPath(), ...extra]);
}

function builtInPath(): string {
  return dataPath('stages', 'despin', 'spin-map.tsv');
}

export interface Candidate {
  start: number;
  end: number;
  entry: SpinEntry;
}

/** The number of the list of entries that start with unit c, 0 for none. */
function listOf(listsByUnit: Int32Array, c: number): number {
  const mask = (listsByUnit.length >>> 1) - 1;
  for (let h = Math.imul(c, 0x9e3779b1) >>> 16; ; h++) {
    const key = listsByUnit[2 * (h & mask)]!;
    if (key === c + 1) return listsByUnit[2 * (h & mask) + 1]!;
    if (key === 0) return 0;
  }
}

function addList(listsByUnit: Int32Array, c: number, list: number): void {
  const mask = (listsByUnit.length >>> 1) - 1;
  let h = Math.imul(c, 0x9e3779b1) >>> 16;
  while (listsByUnit[2 * (h & mask)] !== 0) h++;
  listsByUnit[2 * (h & mask)] = c + 1;
  listsByUnit[2 * (h & mask) + 1] = list;
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

/** 1 for a unit of CJK Unified Ideographs (U+4E00..U+9FFF, nearly all Han text), else 0, without a branch or a table. */
function inHanBlock(c: number): number {
  const d = c - 0x4e00;
  return (~d & (d - 0x5200)) >>> 31;
}

/** Keys of `Table.pairBits`: 16K for ~150 pairs, so a collision (it only costs a look at the list) is rare. */
const PAIR_KEYS = 1 << 14;

/** Two UTF-16 units to a key of `Table.pairBits`. */
function pairKey(first: number, second: number): number {
  return ((first << 7) ^ second) & (PAIR_KEYS - 1);
}

/** Table matches, left to right, longest first, not overlapping. */
export function findCandidates(text: string, table: Table): Candidate[] {
  const out: Candidate[] = [];
  scan(text, table, out);
  return out;
}

/**
 * Adds the table matches of `text` to `out` (as `findCandidates`) and returns its Han characters
 * (as `countHan`), in one pass over its units. Han characters can be counted unit by unit in any
 * order: a high surrogate followed by a low one is always read as a pair, since a high
 * surrogate is never the second half of one.
 */
export function scan(text: string, table: Table, out: Candidate[]): number {
  const { rareBits, listsByUnit, lists, pairBits, singles } = table;
  const n = text.length;
  let han = 0;
  // Matches do not overlap: the next may start here or later.
  let free = 0;
  let next = n > 0 ? text.charCodeAt(0) : 0;
  for (let i = 0; i < n; i++) {
    const c = next;
    next = i + 1 < n ? text.charCodeAt(i + 1) : 0;
    const common = inHanBlock(c);
    han += common;
    // Most units start no match and are no surrogate; testing the pair rather than the first
    // unit alone takes the branch at 0.8% of units, not 14%, so the branch is well predicted.
    const key = pairKey(c, next);
    const pair = (pairBits[key >>> 5]! >>> (key & 31)) & 1;
    if ((((rareBits[c >>> 5]! >>> (c & 31)) & 1) | pair) === 0) continue;
    if (common === 0 && isHan(c)) han++;
    else if (isHighSurrogate(c) && i + 1 < n && next >= 0xdc00 && next <= 0xdfff && isHan(((c - 0xd800) << 10) + (next - 0xdc00) + 0x10000)) han++;
    const l = listOf(listsByUnit, c);
    if (l === 0 || i < free) continue;
    const e = i + 1 < n && pair === 1 ? longestAt(text, i, lists[l]!) : singles[l];
    if (e) {
      out.push({ start: i, end: i + e.spun.length, entry: e });
      free = i + e.spun.length;
    }
  }
  return han;
}

/** The first (longest) entry of `list` whose spun form is at `text[i]`, whose first unit is the list's. */
function longestAt(text: string, i: number, list: readonly SpinEntry[]): SpinEntry | undefined {
  for (let k = 0; k < list.length; k++) {
    const spun = list[k]!.spun;
    if (i + spun.length > text.length) continue;
    let m = 1;
    while (m < spun.length && text.charCodeAt(i + m) === spun.charCodeAt(m)) m++;
    if (m === spun.length) return list[k];
  }
  return undefined;
}

/**
 * Characters that end a sentence, for the window a candidate is judged in. All are below
 * U+0040, U+3002 or in U+FF00..U+FF1F, so `endsSentence` answers for Han text without reading
 * a table (a 64 KB one cost a cold line per character in the pipeline).
 */
const SENTENCE_ENDS = '。！？!?；;\n';
const ASCII_ENDS = new Uint8Array(0x40);
const FULLWIDTH_ENDS = new Uint8Array(0x20);
for (const ch of SENTENCE_ENDS) {
  const c = ch.charCodeAt(0);
  if (c < 0x40) ASCII_ENDS[c] = 1;
  else if (c >= 0xff00 && c < 0xff20) FULLWIDTH_ENDS[c - 0xff00] = 1;
  else if (c !== 0x3002) throw new Error(`endsSentence does not know ${ch}`);
}

function endsSentence(c: number): number {
  if (c < 0x40) return ASCII_ENDS[c]!;
  if (c < 0xff00) return c === 0x3002 ? 1 : 0;
  return c < 0xff20 ? FULLWIDTH_ENDS[c - 0xff00]! : 0;
}

export interface Judgement {
  candidate: Candidate;
  /** Log-probability gained by the repair, in nats, in context. */
  gain: number;
  applied: boolean;
}

/** Scratch for `judge`: a window's UTF-16 units, written from the right end, and the model's scores over them. */
let units = new Uint16Array(256);
let score = new Float64Array(257);
let next = new Int32Array(257);

/** Writes `text[a, b)` to end just before `units[w]`; returns where it starts. */
function putText(text: string, a: number, b: number, w: number): number {
  for (let k = b - 1; k >= a; k--) units[--w] = text.charCodeAt(k);
  return w;
}

/**
 * Judges the candidates of one text: each in a window of its sentence with the
 * repairs already accepted applied, twice over so a refused candidate is
 * looked at again after its neighbours changed.
 *
 * The window is scored as the spun form and as the repair without cutting strings: its
 * units are written into scratch from the right end, so both readings share the part after
 * the candidate and the model scores that part once (the best segmentation is found from
 * the end, so its scores there do not depend on what comes before).
 */
export function judge(text: string, candidates: Candidate[], o: DespinOptions, lm: LanguageModel): Judgement[] {
  if (!Number.isInteger(o.context) || o.context < 0) return judgeOnStrings(text, candidates, o, lm);
  const n = candidates.length;
  const results: Judgement[] = new Array<Judgement>(n);
  // A repair can make a window longer than its text: by this factor at most.
  let growth = 1;
  for (let i = 0; i < n; i++) {
    const { entry } = candidates[i]!;
    results[i] = { candidate: candidates[i]!, gain: 0, applied: false };
    growth = Math.max(growth, Math.ceil(entry.original.length / entry.spun.length));
  }
  // One clock for when each candidate was judged and when each was applied: a candidate whose
  // window has no repair applied since it was judged would be judged again the same.
  const judgedAt = new Int32Array(n);
  const appliedAt = new Int32Array(n);
  let clock = 0;
  for (let pass = 0; pass < 2; pass++) {
    let changed = false;
    for (let i = 0; i < n; i++) {
      const r = results[i]!;
      if (r.applied) continue;
      const { start, end, entry } = r.candidate;
      // The window: `context` characters each side, within the sentence (not looked for further).
      const stopBack = Math.max(0, start - o.context);
      let from = start;
      while (from > stopBack && endsSentence(text.charCodeAt(from - 1)) === 0) from--;
      const stopAhead = Math.min(text.length, end + o.context);
      let to = end;
      while (to < stopAhead && endsSentence(text.charCodeAt(to)) === 0) to++;
      // Candidates are in text order: [lo, hi] are those that may reach into the window;
      // only those wholly inside it are read repaired (one straddling an edge is left as it is).
      let lo = i;
      while (lo > 0 && results[lo - 1]!.candidate.end > from) lo--;
      let hi = i;
      while (hi + 1 < n && results[hi + 1]!.candidate.start < to) hi++;
      if (pass > 0 && !appliedSince(results, appliedAt, judgedAt[i]!, lo, hi, from, to)) continue;
      judgedAt[i] = clock;
      const cap = (to - from) * growth;
      if (units.length < cap) {
        units = new Uint16Array(cap);
        score = new Float64Array(cap + 1);
        next = new Int32Array(cap + 1);
      }
      // After the candidate, right to left.
      let w = cap;
      let at = to;
      for (let j = hi; j > i; j--) {
        const c = results[j]!.candidate;
        if (c.end > to) continue;
        w = putText(text, c.end, at, w);
        const form = results[j]!.applied ? c.entry.original : c.entry.spun;
        w = putText(form, 0, form.length, w);
        at = c.start;
      }
      const suffix = putText(text, end, at, w);
      score[cap] = 0;
      lm.scoreBackward(units, suffix, cap, cap, score, next);
      const before = lm.scoreBackward(units, putPrefix(text, results, i, lo, from, putText(entry.spun, 0, entry.spun.length, suffix)), suffix, cap, score, next);
      const after = lm.scoreBackward(units, putPrefix(text, results, i, lo, from, putText(entry.original, 0, entry.original.length, suffix)), suffix, cap, score, next);
      r.gain = after - before;
      const need = entry.kind === 'sig' ? o.signatureMargin : o.margin;
      if (r.gain > need) {
        r.applied = true;
        appliedAt[i] = ++clock;
        changed = true;
      }
    }
    if (!changed) break;
  }
  return results;
}

/**
 * `judge` as first written, cutting each window as two strings, for a context that is no whole
 * number of characters: its windows have fractional or reversed edges, which String.slice
 * reads in its own way (a negative context leaves the candidate out of its window, so a
 * signature gains 0 and is repaired); kept as they were rather than given a meaning.
 */
function judgeOnStrings(text: string, candidates: Candidate[], o: DespinOptions, lm: LanguageModel): Judgement[] {
  const results: Judgement[] = candidates.map((candidate) => ({ candidate, gain: 0, applied: false }));
  for (let pass = 0; pass < 2; pass++) {
    let changed = false;
    results.forEach((r, i) => {
      if (r.applied) return;
      const { start, end, entry } = r.candidate;
      let sa = start;
      while (sa > 0 && endsSentence(text.charCodeAt(sa - 1)) === 0) sa--;
      let sb = end;
      while (sb < text.length && endsSentence(text.charCodeAt(sb)) === 0) sb++;
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
      if (r.gain > (entry.kind === 'sig' ? o.signatureMargin : o.margin)) {
        r.applied = true;
        changed = true;
      }
    });
    if (!changed) break;
  }
  return results;
}

/** Writes the window from `from` to candidate i, accepted repairs applied, to end before `units[w]`; returns where it starts. */
function putPrefix(text: string, results: readonly Judgement[], i: number, lo: number, from: number, w: number): number {
  let at = results[i]!.candidate.start;
  for (let j = i - 1; j >= lo; j--) {
    const c = results[j]!.candidate;
    if (c.start < from) break;
    w = putText(text, c.end, at, w);
    const form = results[j]!.applied ? c.entry.original : c.entry.spun;
    w = putText(form, 0, form.length, w);
    at = c.start;
  }
  return putText(text, from, at, w);
}

/** Was a candidate wholly inside the window [from, to), among [lo, hi], applied after time `since`? */
function appliedSince(results: readonly Judgement[], appliedAt: Int32Array, since: number, lo: number, hi: number, from: number, to: number): boolean {
  for (let j = lo; j <= hi; j++) {
    const c = results[j]!.candidate;
    if (results[j]!.applied && appliedAt[j]! > since && c.start >= from && c.end <= to) return true;
  }
  return false;
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
  limits: {
    minSupported: { integer: true, min: 0 },
    supportedPer1000: { min: 0 },
    minShare: { min: 0, max: 1 },
    evidence: { min: 0 },
    // Log-probability margins: below zero lets a repair through that the model slightly disfavours.
    margin: {},
    signatureMargin: {},
    context: { integer: true, min: 0 },
  },

  apply(doc, o) {
    const text = doc.text;
    const candidates: Candidate[] = [];
    const han = scan(text, spinTable(o.tables), candidates);
    // Even if the model supported every candidate, could the document count as spun? If not,
    // the model (0.17 s to load, then a few µs a candidate) is not consulted at all.
    if (candidates.length < o.minSupported || (candidates.length * 1000) / Math.max(1, han) < o.supportedPer1000) {
      let signatures = 0;
      for (const c of candidates) if (c.entry.kind === 'sig') signatures++;
      return { findings: [], edits: [], data: { spin: { detected: false, score: 0, repairs: 0, signatures, supported: 0, opposed: 0, perThousand: 0 } } };
    }
    const judged = judge(text, candidates, o, languageModel());
    const spin = assess(han, judged, o);
    // Findings and edits as Changes.change makes them, written out as literals: its two object
    // spreads took ~6 µs a repair, a third of the stage on a corpus with spun documents.
    const findings: Finding[] = [];
    const edits: Edit[] = [];
    if (spin.detected) {
      // Repairs come in text order: count line breaks as they pass, not from the start each time.
      let line = 1;
      let at = 0;
      for (const j of judged) {
        if (!j.applied) continue;
        const { start, end, entry } = j.candidate;
        for (let nl = text.indexOf('\n', at); nl !== -1 && nl < start; nl = text.indexOf('\n', nl + 1)) line++;
        at = start;
        edits.push({ start, end, text: entry.original, finding: findings.length });
        findings.push({
          stage: '',
          rule: 'spin-repair',
          action: 'replace',
          line,
          reason: REASON,
          data: { kind: entry.kind, gain: round3(j.gain), table: entry.source },
          range: [start, end],
          before: text.slice(start, end),
          after: entry.original,
        });
      }
    }
    return { findings, edits, data: { spin: { ...spin, repairs: edits.length } } };
  },
};

