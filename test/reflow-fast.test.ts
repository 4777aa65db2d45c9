// reflow's fast paths (a line ending a sentence decided by its last unit, lines kept as
// offsets, first-unit and count tests on tables instead of regexes) against the
// implementation they replaced: findings and edits must be the same on any text.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Changes } from '../pipeline/changes.js';
import { MemoryCorpusContext } from '../pipeline/pipeline.js';
import { charCount, splitLines, unitTable, type Line } from '../pipeline/text.js';
import type { Doc, StageResult } from '../pipeline/types.js';
import { reflow, type ReflowOptions } from '../stages/reflow.js';
import { makeDoc } from './helpers/stage-tester.js';

/* The stage as it was written before the fast paths: the reference. */
/**
 * Marks that end a sentence; a line ending in one of them (optionally followed by closing
 * quotes/brackets, and by citation markers such as [81] or [3-4] as encyclopedias write) is complete.
 */
const FINAL = /[。！？!?…；;]["'”’」』）)】〕》]*(?:\s*\[\d+(?:[-–,，]\d+)*\])*\s*$|[”’」』）)】〕]$|\.{3}$|\.$/u;
/** A line ending with one of these is not finished: a comma, enumeration comma, an opening quote or bracket, a dash. */
/** Separators of list items on one line: 京|津|冀, G金普新区 · G哈尔滨新区. */
const LIST_SEPARATOR = /[|｜·•]/gu;
const LIST_TAIL = /[|｜·•]\s*$/u;
const OPEN_END = /[，,、（(“‘「『《【〔—–-]$/u;
/** A line starting with one of these continues the one before: no paragraph starts with a comma or a closing mark. */
const CLOSING_START = /^[，,、。；;：:！!？?）)》”’」』】〕]/u;
/** Starts of a new block: list numbering, bullets, section numbers, an opening quote or bracket of a new paragraph. */
const BLOCK_START = /^(?:[（(]?[一二三四五六七八九十]+[、.．)）]|[（(]\d+[)）]|\d+[.．、)）]\s*\D|[•·●○■□◆◇▪►▶★☆※\-*]\s*|第[一二三四五六七八九十百\d]+[章节条部分篇]|【)/u;
/**
 * Words news paragraphs open with: a date or time, an attribution, a connective
 * that starts a new thought. A line that starts with one is a new paragraph
 * unless the break itself says otherwise (a comma, an open quote).
 */
const PARAGRAPH_OPENER = /^(?:\d{1,2}月\d{1,2}日|\d{4}年|(?:昨|今|前|明)[天日晚早]|近日|日前|近期|目前|当前|当天|当日|据|记者|本报讯|本报记者|新华社|央视|中新网|当地时间|此外|另外|与此同时|同时|另一方面|首先|其次|再次|最后|总之|对此|为此|如今|随后|此前|其中|[（(]记者)/u;
/** A caption has no sentence punctuation at all. */
const ANY_PUNCT = /[，。、；：！？,.;:!?]/u;
/** Opening quotes and brackets, which may open a new paragraph or continue a cut one. */
const OPENING_START = /^[“‘「『《（(]/u;
/** Text characters: Han, kana, Latin, digits. */
const TEXT_START = /^[\p{Script=Han}\p{L}\p{N}]/u;

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
 * What the joiner knows of the paragraph built so far, kept up to date line by
 * line: a long chain of joins must not rescan the whole paragraph at each step.
 */
interface Para {
  /** The last characters, enough for the end-of-line tests. */
  tail: string;
  chars: number;
  punct: number;
  /** Open depth of each quote/bracket pair. */
  depth: number[];
}

function newPara(text: string): Para {
  const p: Para = { tail: '', chars: 0, punct: 0, depth: PAIRS.map(() => 0) };
  extend(p, text);
  return p;
}

function extend(p: Para, text: string): void {
  p.tail = text.length >= 16 ? text.slice(-16) : (p.tail + text).slice(-16);
  p.chars += charCount(text);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    p.punct += PUNCT_UNIT[c]!;
    const k = BRACKET[c]!;
    if (k > 0) p.depth[k - 1]!++;
    else if (k < 0 && p.depth[-k - 1]! > 0) p.depth[-k - 1]!--;
  }
}

/** True when the line closes a quote or bracket it never opened (one pass, like extend). */
function closesUnopened(text: string): boolean {
  const depth = PAIRS.map(() => 0);
  for (let i = 0; i < text.length; i++) {
    const k = BRACKET[text.charCodeAt(i)]!;
    if (k > 0) depth[k - 1]!++;
    else if (k < 0) {
      if (depth[-k - 1] === 0) return true;
      depth[-k - 1]!--;
    }
  }
  return false;
}

function punctCount(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) n += PUNCT_UNIT[text.charCodeAt(i)]!;
  return n;
}

function isProse(text: string, o: ReflowOptions): boolean {
  return charCount(text) >= o.proseMinChars && punctCount(text) >= o.proseMinPunct;
}

function paraIsProse(p: Para, o: ReflowOptions): boolean {
  return p.chars >= o.proseMinChars && p.punct >= o.proseMinPunct;
}

/** Why the paragraph `a` continues on line `b`, or undefined when it does not. */
function continuation(a: Para, b: string, o: ReflowOptions): string | undefined {
  if (FINAL.test(a.tail)) return undefined;
  if (BLOCK_START.test(b)) return undefined;
  if (CLOSING_START.test(b)) return `the next line starts with "${b[0]}", which cannot start a paragraph`;
  if (OPEN_END.test(a.tail) && isProse(b, o) && (TEXT_START.test(b) || OPENING_START.test(b))) {
    return `the line ends with "${a.tail[a.tail.length - 1]}", which cannot end a paragraph`;
  }
  if (a.depth.some((d) => d > 0) && closesUnopened(b)) return 'a quote or bracket opened at the end of the line closes on the next';
  if (!TEXT_START.test(b) && !OPENING_START.test(b)) return undefined;
  // A list of items between separators (navigation boxes, tag lists) is not running prose.
  if (LIST_TAIL.test(a.tail) || (b.match(LIST_SEPARATOR)?.length ?? 0) >= 3) return undefined;
  if (paraIsProse(a, o) && !PARAGRAPH_OPENER.test(b) && (isProse(b, o) || FINAL.test(b))) {
    return 'running prose stops without sentence-final punctuation and the next line continues it';
  }
  return undefined;
}

function isCaption(text: string, o: ReflowOptions): boolean {
  const n = charCount(text);
  return n > 0 && n <= o.captionMaxChars && !ANY_PUNCT.test(text) && !FINAL.test(text);
}

const reference = {
  apply(doc: Doc, options: ReflowOptions): StageResult {
    const text = doc.text;
    const lines = splitLines(text);
    const changes = new Changes();
    let i = 0;
    while (i < lines.length - 1) {
      // Follow one paragraph: join while each line continues on the next (or on the one after a caption).
      let cur = lines[i]!;
      const para = newPara(cur.text);
      const captions: Line[] = [];
      let captionFinding = -1;
      let j = i + 1;
      while (j < lines.length) {
        const next = lines[j]!;
        let why = continuation(para, next.text, options);
        if (why) {
          const f = changes.finding({
            rule: 'broken-paragraph',
            action: 'merge',
            line: cur.index + 1,
            range: [cur.end, next.start],
            before: `${tail(para.tail)}⏎${head(next.text)}`,
            after: `${tail(para.tail)}${head(next.text)}`,
            reason: `Line ${cur.index + 1} continues on line ${next.index + 1}: ${why}.`,
          });
          changes.edit(cur.end, next.start, '', f);
          extend(para, next.text);
          cur = next;
          j++;
          continue;
        }
        const after = lines[j + 1];
        if (after && isCaption(next.text, options) && paraIsProse(para, options) && (why = continuation(para, after.text, options))) {
          const f = changes.finding({
            rule: 'caption-inside-paragraph',
            action: 'merge',
            line: cur.index + 1,
            range: [cur.end, after.start],
            before: `${tail(para.tail)}⏎${next.text}⏎${head(after.text)}`,
            after: `${tail(para.tail)}${head(after.text)}`,
            reason: `A caption ("${next.text}") interrupted the paragraph between lines ${cur.index + 1} and ${after.index + 1}: joined around it and moved it after the paragraph.`,
          });
          changes.edit(cur.end, after.start, '', f);
          captions.push(next);
          captionFinding = f;
          extend(para, after.text);
          cur = after;
          j += 2;
          continue;
        }
        break;
      }
      // Captions go on their own lines after the paragraph they interrupted.
      if (captions.length > 0) {
        changes.edit(cur.end, cur.end, captions.map((c) => `\n${c.text}`).join(''), captionFinding);
      }
      i = j;
    }
    return changes.result();
  },
};

function tail(s: string): string {
  return s.length > 8 ? `…${s.slice(-8)}` : s;
}

function head(s: string): string {
  return s.length > 8 ? `${s.slice(0, 8)}…` : s;
}

function fast(t: string, o: ReflowOptions): StageResult {
  return reflow.apply(makeDoc(t), o, new MemoryCorpusContext());
}

const DEFAULTS = reflow.defaults as ReflowOptions;

/** Lines of prose, captions, list items, openers and marks, joined by line breaks (some empty lines). */
const piece = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('市统计局今天发布数据显示', '一季度全市工业增加值同比增长', '其中高技术制造业增长较快', '效果图', 'New material', '𠮷字', 'ａ') },
  { weight: 6, arbitrary: fc.constantFrom('，', '。', '、', '；', '：', '！', '？', ',', '.', '...', ';', ':', '!', '?', '…', '—', '-', '–') },
  { weight: 4, arbitrary: fc.constantFrom('“', '”', '‘', '’', '「', '」', '『', '』', '（', '）', '(', ')', '《', '》', '【', '】', '〔', '〕') },
  { weight: 3, arbitrary: fc.constantFrom('一、', '（1）', '1. ', '• ', '第三章', '|', '｜', '·', ' ', '\t', '[81]', '[3-4]', '12', '3月5日', '2021年', '昨天', '据', '此外') },
  { weight: 5, arbitrary: fc.constantFrom('\n', '\n', '\n\n') },
  { weight: 1, arbitrary: fc.constantFrom('\ud800', '\udc00', '\u3000', '\u00a0') },
);
const text = fc.array(piece, { maxLength: 80 }).map((p) => p.join(''));
const options = fc.record({ proseMinChars: fc.constantFrom(0, 10, 20, 40, 41), proseMinPunct: fc.constantFrom(0, 1, 2, 3), captionMaxChars: fc.constantFrom(0, 5, 12, 30) });

describe('reflow: fast paths and reference agree', () => {
  it('on random texts of prose, captions, lists and marks, with the default options', () => {
    fc.assert(
      fc.property(text, (t) => {
        expect(fast(t, DEFAULTS)).toEqual(reference.apply(makeDoc(t), DEFAULTS));
      }),
      { numRuns: 3000, seed: 20261122 },
    );
  });

  it('with other options', () => {
    fc.assert(
      fc.property(text, options, (t, o) => {
        expect(fast(t, o)).toEqual(reference.apply(makeDoc(t), o));
      }),
      { numRuns: 2000, seed: 20261122 },
    );
  });

  it('on every BMP unit at the end of a line, at the start of the next, and as a caption', () => {
    const prose = '市统计局今天发布数据显示，一季度全市工业增加值同比增长百分之六，其中高技术制造业增长较快，对全市经济的拉';
    const o = { ...DEFAULTS, proseMinChars: 10 };
    for (let c = 0; c < 0x10000; c++) {
      const ch = String.fromCharCode(c);
      const t = `${prose}${ch}\n${ch}动作用进一步增强\n${prose}\n${ch}\n动作用进一步增强，新动能持续壮大${ch}\n${prose}。${ch}\n动作用\n${ch}`;
      expect(fast(t, o)).toEqual(reference.apply(makeDoc(t), o));
    }
  });
});
