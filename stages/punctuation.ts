// punctuation: one width per job, by explicit rules, never NFKC. NFKC would
// turn ，：！？（） into ASCII and leave 。、《》“” alone, mixing widths in every
// sentence. Here, in Chinese context, ASCII , : ; ? ! ( ) become full-width;
// full-width Latin letters and digits become ASCII; ASCII punctuation inside
// numbers, Latin text, URLs, e-mail addresses and codes stays (4.7亿元, 1+4+4,
// G320, 3.08平方公里, 10:30, 1,000, http://…).
//
// Each rule is an entry of RULES (id, what it catches, the change); the test
// table exercises each. One finding per rule per document, with a count.

import { Changes } from '../pipeline/changes.js';
import { isHan, lineAt, UnitBuffer } from '../pipeline/text.js';
import type { Stage } from '../pipeline/types.js';

export interface PunctuationOptions {
  /** Full-width Latin letters and digits to ASCII. */
  halfWidthAlnum: boolean;
  /** ASCII , : ; ? ! ( ) in Chinese context to full-width. */
  fullWidthPunctuation: boolean;
  /** Corner quotes 「」『』 (Traditional and Japanese style) to “” ‘’. */
  curlyQuotes: boolean;
}

/** The rules, in the order their findings are reported. */
export const RULES = {
  'ascii-comma': { from: ',', to: '，', catches: 'an ASCII comma in Chinese text (规上企业42家,产值 → 规上企业42家，产值); not 1,000' },
  'ascii-colon': { from: ':', to: '：', catches: 'an ASCII colon in Chinese text (记者:); not 10:30 or http://' },
  'ascii-semicolon': { from: ';', to: '；', catches: 'an ASCII semicolon in Chinese text' },
  'ascii-question': { from: '?', to: '？', catches: 'an ASCII question mark in Chinese text; not in URLs (?a=1)' },
  'ascii-exclamation': { from: '!', to: '！', catches: 'an ASCII exclamation mark in Chinese text' },
  'ascii-parentheses': { from: '()', to: '（）', catches: 'ASCII parentheses around or after Chinese text ((疫情前拍摄), 产业集群(New material)); not print() or f(x)' },
  'fullwidth-alnum': { from: 'Ａ１', to: 'A1', catches: 'full-width Latin letters and digits (ＧＤＰ１２３ → GDP123)' },
  'corner-quotes': { from: '「」『』', to: '“”‘’', catches: 'corner quotes, the Traditional and Japanese style, in Simplified text' },
} as const;

type RuleId = keyof typeof RULES;

const REASONS: Record<RuleId, string> = {
  'ascii-comma': 'Chinese text takes the full-width comma ，; an ASCII comma between Chinese words is a width error.',
  'ascii-colon': 'Chinese text takes the full-width colon ：.',
  'ascii-semicolon': 'Chinese text takes the full-width semicolon ；.',
  'ascii-question': 'Chinese text takes the full-width question mark ？.',
  'ascii-exclamation': 'Chinese text takes the full-width exclamation mark ！.',
  'ascii-parentheses': 'Parentheses around or beside Chinese text are full-width （）.',
  'fullwidth-alnum': 'Latin letters and digits are written half-width, so that numbers and names tokenise one way.',
  'corner-quotes': 'Simplified Chinese quotes with “” and ‘’; corner quotes are the Traditional and Japanese style.',
};

const MARKS: Record<string, RuleId> = { ',': 'ascii-comma', ':': 'ascii-colon', ';': 'ascii-semicolon', '?': 'ascii-question', '!': 'ascii-exclamation' };
const FULL: Record<string, string> = { ',': '，', ':': '：', ';': '；', '?': '？', '!': '！', '(': '（', ')': '）' };
const CORNER: Record<string, string> = { '「': '“', '」': '”', '『': '‘', '』': '’' };

/** A table of characters keyed by code: a lookup per candidate costs no string and no property miss. */
function byCode<T>(table: Record<string, T>): Map<number, T> {
  return new Map(Object.entries(table).map(([ch, v]) => [ch.charCodeAt(0), v]));
}
const MARK_RULE = byCode(MARKS);
const FULL_BY_CODE = byCode(FULL);
const CORNER_BY_CODE = byCode(CORNER);

/** The kinds of candidate in CANDIDATE (0: none). */
const LINE_BREAK = 1;
const ALNUM = 2;
const CORNER_QUOTE = 3;
const MARK = 4;
const OPEN_PAREN = 5;
const CLOSE_PAREN = 6;
/**
 * Every character a rule may change, and the line break that ends a line's open brackets, by
 * UTF-16 unit, with its kind: the scan looks each unit up instead of running a regex over the text.
 */
const CANDIDATE = new Uint8Array(0x10000);
CANDIDATE[0x0a] = LINE_BREAK;
for (let c = 0xff10; c <= 0xff5a; c++) if (c <= 0xff19 || (c >= 0xff21 && c <= 0xff3a) || c >= 0xff41) CANDIDATE[c] = ALNUM;
for (const c of CORNER_BY_CODE.keys()) CANDIDATE[c] = CORNER_QUOTE;
for (const c of MARK_RULE.keys()) CANDIDATE[c] = MARK;
CANDIDATE[0x28] = OPEN_PAREN;
CANDIDATE[0x29] = CLOSE_PAREN;

/** The offset of the first candidate in units[from, length) (-1 when none): the tight loop every unit goes through. */
function nextCandidate(units: Uint16Array, from: number, length: number): number {
  for (let i = from; i < length; i++) if (CANDIDATE[units[i]!] !== 0) return i;
  return -1;
}

/** The UTF-16 units of the text being read (pipeline/text.ts UnitBuffer). */
const UNITS = new UnitBuffer();

/** Han, CJK punctuation (、。《》「」【】), full-width punctuation, curly quotes, — and …: the Chinese side of a mark. */
function isChinese(c: number): boolean {
  return (
    isHan(c) ||
    (c >= 0x3000 && c <= 0x303f) ||
    (c >= 0xff01 && c <= 0xff0f) ||
    (c >= 0xff1a && c <= 0xff20) ||
    (c >= 0xff3b && c <= 0xff40) ||
    (c >= 0xff5b && c <= 0xff65) ||
    (c >= 0x2018 && c <= 0x201f) ||
    c === 0x2014 ||
    c === 0x2026 ||
    c === 0xb7
  );
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** URLs, e-mail addresses and dotted or slashed codes: nothing inside them is touched. */
const PROTECTED = /(?:https?|ftp):\/\/[^\s，。；！？、“”（）《》]+|www\.[A-Za-z0-9-]+\.[^\s，。；！？、“”（）《》]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+/gu;

/** The code point of the nearest character left of `i` that is not a space (-1 at the edge). */
function left(text: string, i: number): number {
  for (let j = i - 1; j >= 0; j--) {
    const c = text.charCodeAt(j);
    if (c === 0x0a) return -1;
    if (c !== 0x20 && c !== 0x09) return c >= 0xdc00 && c <= 0xdfff && j > 0 ? text.codePointAt(j - 1)! : c;
  }
  return -1;
}

function right(text: string, i: number): number {
  for (let j = i + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 0x0a) return -1;
    if (c !== 0x20 && c !== 0x09) return text.codePointAt(j)!;
  }
  return -1;
}

/**
 * A mark is in Chinese context when a Chinese character is on either side
 * (spaces skipped), except between two digits (1,000 and 10:30 are numbers).
 */
function inChineseContext(text: string, i: number): boolean {
  const l = left(text, i);
  const r = right(text, i);
  if (isDigit(l) && isDigit(r) && text[i - 1] !== ' ' && text[i + 1] !== ' ') return false;
  return (l >= 0 && isChinese(l)) || (r >= 0 && isHan(r) && !(text[i] === ':' && text[i + 1] === '/'));
}

export const punctuation: Stage<PunctuationOptions> = {
  name: 'punctuation',
  scope: 'line',
  description: 'ASCII , : ; ? ! ( ) in Chinese context to full-width; full-width letters and digits to ASCII; corner quotes to curly. Numbers, URLs and codes untouched. Not NFKC.',
  defaults: { halfWidthAlnum: true, fullWidthPunctuation: true, curlyQuotes: true },

  apply(doc, o) {
    const text = doc.text;
    const changes = new Changes();
    const groups = new Map<RuleId, number>();
    // `line` is the 1-based line of `start` when the caller knows it (the scan counts the breaks it passes).
    const edit = (rule: RuleId, start: number, end: number, after: string, line?: number): void => {
      let f = groups.get(rule);
      if (f === undefined) {
        f = changes.finding({ rule, action: 'replace', line: line ?? lineAt(text, start), range: [start, end], before: text.slice(start, end), after, reason: REASONS[rule] });
        groups.set(rule, f);
      }
      changes.edit(start, end, after, f);
    };

    // Protected spans, as a sorted list of [start, end), found when a mark first needs them. A mark
    // or bracket can only be inside a URL (an e-mail address holds none), and a URL starts with
    // "www." or holds "://" before any mark in it: a mark before the first of those needs no spans.
    // The scan passes every ":" and notes a "://"; "www." is looked for once.
    let spans: [number, number][] | undefined;
    let s = 0;
    let sawScheme = false;
    let firstWww = -2;
    const isProtected = (i: number): boolean => {
      if (spans === undefined) {
        if (firstWww === -2) firstWww = text.indexOf('www.');
        if (!sawScheme && (firstWww === -1 || firstWww > i)) return false;
        spans = [];
        for (const m of text.matchAll(PROTECTED)) spans.push([m.index, m.index + m[0].length]);
      }
      while (s < spans.length && spans[s]![1] <= i) s++;
      return s < spans.length && spans[s]![0] <= i;
    };

    // Parentheses pair up within a line; open ones wait on a stack.
    const open: number[] = [];
    const pairs: [number, number][] = [];
    const lone: number[] = [];
    // Only the characters a rule can touch, found by one scan (most of a text is neither).
    let line = 1;
    const units = UNITS.of(text);
    for (let i = nextCandidate(units, 0, text.length); i !== -1; i = nextCandidate(units, i + 1, text.length)) {
      const code = text.charCodeAt(i);
      const kind = CANDIDATE[code];
      if (kind === LINE_BREAK) {
        line++;
        if (open.length > 0) lone.push(...open.splice(0));
      } else if (kind === ALNUM) {
        if (o.halfWidthAlnum) edit('fullwidth-alnum', i, i + 1, String.fromCharCode(code - 0xfee0), line);
      } else if (kind === CORNER_QUOTE) {
        if (o.curlyQuotes) edit('corner-quotes', i, i + 1, CORNER_BY_CODE.get(code)!, line);
      } else if (o.fullWidthPunctuation) {
        if (kind === MARK) {
          if (code === 0x3a && text.charCodeAt(i + 1) === 0x2f && text.charCodeAt(i + 2) === 0x2f) sawScheme = true;
          if (!isProtected(i) && inChineseContext(text, i)) edit(MARK_RULE.get(code)!, i, i + 1, FULL_BY_CODE.get(code)!, line);
        } else if (kind === OPEN_PAREN) {
          if (!isProtected(i)) open.push(i);
        } else if (kind === CLOSE_PAREN && !isProtected(i)) {
          const a = open.pop();
          if (a === undefined) lone.push(i);
          else pairs.push([a, i]);
        }
      }
    }
    lone.push(...open);

    if (o.fullWidthPunctuation) {
      const brackets: [number, string][] = [];
      for (const [a, b] of pairs) {
        // Full-width when the content has Chinese in it (中国(上海), G320(国道)), when it follows Chinese
        // (产业集群(New material), 规划(2021)), or precedes Chinese without code before it ((a) 从…);
        // not print() or f(x): ASCII right before the bracket and no Chinese inside is code.
        let chinese = false;
        for (let i = a + 1; i < b && !chinese; i++) chinese = isHan(text.charCodeAt(i));
        const l = left(text, a);
        const r = right(text, b);
        const codeBefore = a > 0 && /[A-Za-z0-9_]/.test(text[a - 1]!);
        if (!chinese) chinese = (l >= 0 && isChinese(l)) || (!codeBefore && r >= 0 && isChinese(r));
        if (chinese) brackets.push([a, '（'], [b, '）']);
      }
      for (const i of lone) {
        const l = left(text, i);
        const r = right(text, i);
        if ((l >= 0 && isHan(l)) || (r >= 0 && isHan(r))) brackets.push([i, FULL_BY_CODE.get(text.charCodeAt(i))!]);
      }
      brackets.sort((x, y) => x[0] - y[0]);
      for (const [i, to] of brackets) edit('ascii-parentheses', i, i + 1, to);
    }
    changes.edits.sort((x, y) => x.start - y.start);
    return changes.result();
  },
};
