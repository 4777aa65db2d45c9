// reflow: rejoin paragraphs that a line break cut.
//
// Newspaper pages converted from PDF break paragraphs at column ends, in the
// middle of a sentence and even of a word ("C地" / "块”项目"), and drop an image
// caption into the middle ("…延伸" / "效果图" / "配套性好…"). Web pages split a
// sentence where an inline element sat. A Chinese paragraph ends with
// sentence-final punctuation, so a line that does not, and that looks like
// running prose, continues on the next line.
//
// Evidence that line A continues on line B (any one is enough):
//   - A ends with a mark that cannot end a paragraph: ，、；（《“ and the like;
//   - A leaves a quote or bracket open that B closes;
//   - B starts with a mark that cannot start one: ，。、；：！？）》”;
//   - A is running prose (long, with inner punctuation) that stops without final
//     punctuation, and B starts with text.
// A short line without punctuation between A and its continuation is an
// interrupting caption: the paragraph is joined around it and the caption is
// moved to the line after the paragraph, where the boilerplate stage judges it.
// Headings, list items and lines that open a new paragraph are never joined.

import { Changes } from '../pipeline/changes.js';
import { isSpace, unitTable } from '../pipeline/text.js';
import type { Stage } from '../pipeline/types.js';

export interface ReflowOptions {
  /** A line at least this long (characters), with inner punctuation, is running prose. */
  proseMinChars: number;
  /** Inner punctuation marks a prose line needs. */
  proseMinPunct: number;
  /** Longest line that can be an interrupting caption. */
  captionMaxChars: number;
}

/**
 * Marks that end a sentence; a line ending in one of them (optionally followed by closing
 * quotes/brackets, and by citation markers such as [81] or [3-4] as encyclopedias write) is complete.
 */
const FINAL = /[。！？!?…；;]["'”’」』）)】〕》]*(?:\s*\[\d+(?:[-–,，]\d+)*\])*\s*$|[”’」』）)】〕]$|\.{3}$|\.$/u;
/** Separators of list items on one line: 京|津|冀, G金普新区 · G哈尔滨新区. */
const LIST_SEPARATOR = unitTable('|｜·•');
const LIST_TAIL = /[|｜·•]\s*$/u;
/** A line ending with one of these is not finished: a comma, enumeration comma, an opening quote or bracket, a dash. */
const OPEN_END = unitTable('，,、（(“‘「『《【〔—–-');
/** A line starting with one of these continues the one before: no paragraph starts with a comma or a closing mark. */
const CLOSING_START = unitTable('，,、。；;：:！!？?）)》”’」』】〕');
/** Starts of a new block: list numbering, bullets, section numbers, an opening quote or bracket of a new paragraph. */
const BLOCK_START = /^(?:[（(]?[一二三四五六七八九十]+[、.．)）]|[（(]\d+[)）]|\d+[.．、)）]\s*\D|[•·●○■□◆◇▪►▶★☆※\-*]\s*|第[一二三四五六七八九十百\d]+[章节条部分篇]|【)/u;
/** The units a BLOCK_START can begin with: a line starting with another is not asked the regex. */
const BLOCK_FIRST = unitTable('（(一二三四五六七八九十0123456789•·●○■□◆◇▪►▶★☆※-*第【');
/**
 * Words news paragraphs open with: a date or time, an attribution, a connective
 * that starts a new thought. A line that starts with one is a new paragraph
 * unless the break itself says otherwise (a comma, an open quote).
 */
const PARAGRAPH_OPENER = /^(?:\d{1,2}月\d{1,2}日|\d{4}年|(?:昨|今|前|明)[天日晚早]|近日|日前|近期|目前|当前|当天|当日|据|记者|本报讯|本报记者|新华社|央视|中新网|当地时间|此外|另外|与此同时|同时|另一方面|首先|其次|再次|最后|总之|对此|为此|如今|随后|此前|其中|[（(]记者)/u;
/** A caption has no sentence punctuation at all. */
const ANY_PUNCT = unitTable('，。、；：！？,.;:!?');
/** Opening quotes and brackets, which may open a new paragraph or continue a cut one. */
const OPENING_START = unitTable('“‘「『《（(');
/** Text characters: Han, kana, Latin, digits. */
const TEXT_START = /^[\p{Script=Han}\p{L}\p{N}]/u;
/** TEXT_START's answer for a BMP first unit once asked (0 not yet, 1 text, 2 not): a line start costs one lookup. */
const TEXT_UNIT = new Uint8Array(0x10000);

const PAIRS: [string, string][] = [
  ['“', '”'],
  ['‘', '’'],
  ['「', '」'],
  ['『', '』'],
  ['（', '）'],
  ['(', ')'],
  ['《', '》'],
  ['【', '】'],
];

/** Each quote or bracket by UTF-16 unit: its pair's index + 1 for an opener, the negated index + 1 for a closer, 0 for others. */
const BRACKET = new Int8Array(0x10000);
PAIRS.forEach(([open, close], k) => {
  BRACKET[open.charCodeAt(0)] = k + 1;
  BRACKET[close.charCodeAt(0)] = -(k + 1);
});
/** Inner punctuation of running prose, by UTF-16 unit. */
const PUNCT_UNIT = unitTable('，。、；：！？,;');
/**
 * What the last unit of a text says of FINAL.test(text): FINAL_YES for a sentence-final mark, a
 * closing quote or bracket, a full stop (it matches whatever comes before); FINAL_MAYBE for the
 * other units FINAL can end on (closers after a mark, a citation's ], white space), where the
 * regex decides; FINAL_NO for all else. Most lines end with a FINAL_YES or a FINAL_NO unit.
 */
const FINAL_NO = 0;
const FINAL_MAYBE = 1;
const FINAL_YES = 2;
const FINAL_LAST = new Uint8Array(0x10000);
for (let c = 0; c < 0x10000; c++) if (isSpace(c)) FINAL_LAST[c] = FINAL_MAYBE;
for (const ch of '"\'》]') FINAL_LAST[ch.charCodeAt(0)] = FINAL_MAYBE;
for (const ch of '。！？!?…；;”’」』）)】〕.') FINAL_LAST[ch.charCodeAt(0)] = FINAL_YES;

/** FINAL.test(text), the regex run only when the last unit does not decide. */
function endsFinal(text: string): boolean {
  return endsFinalIn(text, 0, text.length);
}

/** FINAL.test on the line [start, end) of `text`, copied only when its last unit does not decide. */
function endsFinalIn(text: string, start: number, end: number): boolean {
  const last = end === start ? FINAL_NO : FINAL_LAST[text.charCodeAt(end - 1)]!;
  return last === FINAL_YES || (last === FINAL_MAYBE && FINAL.test(text.slice(start, end)));
}

// The tests below read a line in place, as [start, end) of the document's text: the scans see
// one flat string (no copy per line, and charCodeAt on one string representation).

/** Characters in [start, end) of `text`: an astral one counts once. */
function charsIn(text: string, start: number, end: number): number {
  let n = end - start;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) n--;
  }
  return n;
}

/** The units of `table` in [start, end) of `text`, counted up to `atMost`. */
function countUnits(text: string, start: number, end: number, table: Uint8Array, atMost: number): number {
  let n = 0;
  for (let i = start; i < end && n < atMost; i++) n += table[text.charCodeAt(i)]!;
  return n;
}

function startsWith(text: string, start: number, end: number, table: Uint8Array): boolean {
  return start < end && table[text.charCodeAt(start)] === 1;
}

function startsWithText(text: string, start: number, end: number): boolean {
  if (start === end) return false;
  const c = text.charCodeAt(start);
  if (c >= 0xd800 && c <= 0xdfff) return TEXT_START.test(text.slice(start, end));
  if (TEXT_UNIT[c] === 0) TEXT_UNIT[c] = TEXT_START.test(String.fromCharCode(c)) ? 1 : 2;
  return TEXT_UNIT[c] === 1;
}

/**
 * What the joiner knows of the paragraph built so far, kept up to date line by
 * line: a long chain of joins must not rescan the whole paragraph at each step.
 */
interface Para {
  /** The last characters, enough for the end-of-line tests. */
  tail: string;
  chars: number;
  punct: number;
  /** Open depth of each quote/bracket pair, and their sum. */
  depth: number[];
  opened: number;
}

function newPara(text: string, start: number, end: number): Para {
  const p: Para = { tail: '', chars: 0, punct: 0, depth: PAIRS.map(() => 0), opened: 0 };
  extend(p, text, start, end);
  return p;
}

/** Adds the line [start, end) to the paragraph: characters, punctuation and brackets in one pass. */
function extend(p: Para, text: string, start: number, end: number): void {
  p.tail = end - start >= 16 ? text.slice(end - 16, end) : (p.tail + text.slice(start, end)).slice(-16);
  let chars = end - start;
  let punct = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) chars--;
    punct += PUNCT_UNIT[c]!;
    const k = BRACKET[c]!;
    if (k > 0) {
      p.depth[k - 1]!++;
      p.opened++;
    } else if (k < 0 && p.depth[-k - 1]! > 0) {
      p.depth[-k - 1]!--;
      p.opened--;
    }
  }
  p.chars += chars;
  p.punct += punct;
}

/** True when the line closes a quote or bracket it never opened (one pass, like extend). */
function closesUnopened(text: string, start: number, end: number): boolean {
  const depth = PAIRS.map(() => 0);
  for (let i = start; i < end; i++) {
    const k = BRACKET[text.charCodeAt(i)]!;
    if (k > 0) depth[k - 1]!++;
    else if (k < 0) {
      if (depth[-k - 1] === 0) return true;
      depth[-k - 1]!--;
    }
  }
  return false;
}

function isProse(text: string, start: number, end: number, o: ReflowOptions): boolean {
  // A line has between half as many and as many characters as UTF-16 units: the length alone
  // decides most lines, and the punctuation count stops once it has enough.
  const units = end - start;
  if (units < o.proseMinChars) return false;
  if (units < 2 * o.proseMinChars && charsIn(text, start, end) < o.proseMinChars) return false;
  return countUnits(text, start, end, PUNCT_UNIT, o.proseMinPunct) >= o.proseMinPunct;
}

function paraIsProse(p: Para, o: ReflowOptions): boolean {
  return p.chars >= o.proseMinChars && p.punct >= o.proseMinPunct;
}

/** Why the paragraph `a` continues on the line [start, end) of `text`, or undefined when it does not. */
function continuation(a: Para, text: string, start: number, end: number, o: ReflowOptions): string | undefined {
  if (endsFinal(a.tail)) return undefined;
  if (startsWith(text, start, end, BLOCK_FIRST) && BLOCK_START.test(text.slice(start, end))) return undefined;
  if (startsWith(text, start, end, CLOSING_START)) return `the next line starts with "${text[start]}", which cannot start a paragraph`;
  if (OPEN_END[a.tail.charCodeAt(a.tail.length - 1)] === 1 && isProse(text, start, end, o) && (startsWithText(text, start, end) || startsWith(text, start, end, OPENING_START))) {
    return `the line ends with "${a.tail[a.tail.length - 1]}", which cannot end a paragraph`;
  }
  if (a.opened > 0 && closesUnopened(text, start, end)) return 'a quote or bracket opened at the end of the line closes on the next';
  if (!startsWithText(text, start, end) && !startsWith(text, start, end, OPENING_START)) return undefined;
  // Running prose continued by the next line, unless the lines are a list (navigation boxes, tag
  // lists: items between separators); the list tests, which scan the line, asked last.
  if (!paraIsProse(a, o) || PARAGRAPH_OPENER.test(text.slice(start, end))) return undefined;
  if (!(isProse(text, start, end, o) || endsFinalIn(text, start, end))) return undefined;
  if (LIST_TAIL.test(a.tail) || countUnits(text, start, end, LIST_SEPARATOR, 3) >= 3) return undefined;
  return 'running prose stops without sentence-final punctuation and the next line continues it';
}

function isCaption(text: string, start: number, end: number, o: ReflowOptions): boolean {
  // A line has at least half as many characters as UTF-16 units: a long one is decided without a scan.
  if (end - start > 2 * o.captionMaxChars) return false;
  const n = charsIn(text, start, end);
  return n > 0 && n <= o.captionMaxChars && countUnits(text, start, end, ANY_PUNCT, 1) === 0 && !endsFinalIn(text, start, end);
}

export const reflow: Stage<ReflowOptions> = {
  name: 'reflow',
  description: 'Rejoin paragraphs cut by line breaks (PDF columns, inline elements), also around an interrupting caption.',
  defaults: { proseMinChars: 40, proseMinPunct: 2, captionMaxChars: 30 },
  limits: {
    proseMinChars: { integer: true, min: 0 },
    proseMinPunct: { integer: true, min: 0 },
    captionMaxChars: { integer: true, min: 0 },
  },

  apply(doc, options) {
    const text = doc.text;
    // Lines as splitLines cuts them, kept as offsets: a line's text is copied only for a finding.
    const ends = lineEnds(text);
    const startOf = (k: number): number => (k === 0 ? 0 : ends[k - 1]! + 1);
    const textOf = (k: number): string => text.slice(startOf(k), ends[k]);
    const changes = new Changes();
    let i = 0;
    while (i < ends.length - 1) {
      // A paragraph that ends a sentence continues on no line: most lines stop here. Its tail
      // (the last 16 units) is what the paragraph's end-of-line tests read.
      if (endsFinalIn(text, Math.max(startOf(i), ends[i]! - 16), ends[i]!)) {
        i++;
        continue;
      }
      // Follow one paragraph: join while each line continues on the next (or on the one after a caption).
      let cur = i;
      const para = newPara(text, startOf(i), ends[i]!);
      const captions: string[] = [];
      let captionFinding = -1;
      let j = i + 1;
      while (j < ends.length && !endsFinal(para.tail)) {
        let why = continuation(para, text, startOf(j), ends[j]!, options);
        if (why) {
          const next = textOf(j);
          const f = changes.finding({
            rule: 'broken-paragraph',
            action: 'merge',
            line: cur + 1,
            range: [ends[cur]!, startOf(j)],
            before: `${tail(para.tail)}⏎${head(next)}`,
            after: `${tail(para.tail)}${head(next)}`,
            reason: `Line ${cur + 1} continues on line ${j + 1}: ${why}.`,
          });
          changes.edit(ends[cur]!, startOf(j), '', f);
          extend(para, text, startOf(j), ends[j]!);
          cur = j;
          j++;
          continue;
        }
        if (
          j + 1 < ends.length &&
          isCaption(text, startOf(j), ends[j]!, options) &&
          paraIsProse(para, options) &&
          (why = continuation(para, text, startOf(j + 1), ends[j + 1]!, options))
        ) {
          const next = textOf(j);
          const after = textOf(j + 1);
          const f = changes.finding({
            rule: 'caption-inside-paragraph',
            action: 'merge',
            line: cur + 1,
            range: [ends[cur]!, startOf(j + 1)],
            before: `${tail(para.tail)}⏎${next}⏎${head(after)}`,
            after: `${tail(para.tail)}${head(after)}`,
            reason: `A caption ("${next}") interrupted the paragraph between lines ${cur + 1} and ${j + 2}: joined around it and moved it after the paragraph.`,
          });
          changes.edit(ends[cur]!, startOf(j + 1), '', f);
          captions.push(next);
          captionFinding = f;
          extend(para, text, startOf(j + 1), ends[j + 1]!);
          cur = j + 1;
          j += 2;
          continue;
        }
        break;
      }
      // Captions go on their own lines after the paragraph they interrupted.
      if (captions.length > 0) {
        changes.edit(ends[cur]!, ends[cur]!, captions.map((c) => `\n${c}`).join(''), captionFinding);
      }
      i = j;
    }
    return changes.result();
  },
};

/** The end offset of each line, cut as splitLines cuts them: on \n, no empty line after a final \n, one line in an empty text. */
function lineEnds(text: string): number[] {
  const ends: number[] = [];
  for (let start = 0; ; ) {
    const nl = text.indexOf('\n', start);
    if (nl === -1) {
      if (start < text.length || ends.length === 0) ends.push(text.length);
      return ends;
    }
    ends.push(nl);
    start = nl + 1;
  }
}

function tail(s: string): string {
  return s.length > 8 ? `…${s.slice(-8)}` : s;
}

function head(s: string): string {
  return s.length > 8 ? `${s.slice(0, 8)}…` : s;
}
