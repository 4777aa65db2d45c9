// punctuation's scan over a table of candidate kinds, with the protected spans (URLs,
// e-mail addresses) found only for a mark after a "://" or "www.", and line numbers
// counted by the scan, against the implementation it replaced (a regex over the text,
// every span found first, string-keyed lookups): findings and edits must be the same on any text.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Changes } from '../pipeline/changes.js';
import { MemoryCorpusContext } from '../pipeline/pipeline.js';
import { isHan, lineAt } from '../pipeline/text.js';
import type { Doc, StageResult } from '../pipeline/types.js';
import { punctuation, RULES, type PunctuationOptions } from '../stages/punctuation.js';
import { makeDoc } from './helpers/stage-tester.js';

type RuleId = keyof typeof RULES;
const CANDIDATES = /[\n,:;?!()「」『』\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A]/gu;
const MARKS: Record<string, RuleId> = { ',': 'ascii-comma', ':': 'ascii-colon', ';': 'ascii-semicolon', '?': 'ascii-question', '!': 'ascii-exclamation' };
const FULL: Record<string, string> = { ',': '，', ':': '：', ';': '；', '?': '？', '!': '！', '(': '（', ')': '）' };
const CORNER: Record<string, string> = { '「': '“', '」': '”', '『': '‘', '』': '’' };

/* The stage as it was written before the table scan: the reference (reasons left out, they are one table). */
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

const reference = {
  apply(doc: Doc, o: PunctuationOptions): StageResult {
    const text = doc.text;
    const changes = new Changes();
    const groups = new Map<RuleId, number>();
    const edit = (rule: RuleId, start: number, end: number, after: string): void => {
      let f = groups.get(rule);
      if (f === undefined) {
        f = changes.finding({ rule, action: 'replace', line: lineAt(text, start), range: [start, end], before: text.slice(start, end), after, reason: '' });
        groups.set(rule, f);
      }
      changes.edit(start, end, after, f);
    };

    // Protected spans, as a sorted list of [start, end).
    const spans: [number, number][] = [];
    for (const m of text.matchAll(PROTECTED)) spans.push([m.index, m.index + m[0].length]);
    let s = 0;
    const isProtected = (i: number): boolean => {
      while (s < spans.length && spans[s]![1] <= i) s++;
      return s < spans.length && spans[s]![0] <= i;
    };

    // Parentheses pair up within a line; open ones wait on a stack.
    const open: number[] = [];
    const pairs: [number, number][] = [];
    const lone: number[] = [];
    // Only the characters a rule can touch, found by one scan (most of a text is neither).
    for (const m of text.matchAll(CANDIDATES)) {
      const i = m.index;
      const ch = m[0];
      const code = ch.charCodeAt(0);
      if (ch === '\n') {
        lone.push(...open.splice(0));
        continue;
      }
      if (code >= 0xff10 && code <= 0xff5a && o.halfWidthAlnum) {
        if (code <= 0xff19 || (code >= 0xff21 && code <= 0xff3a) || code >= 0xff41) edit('fullwidth-alnum', i, i + 1, String.fromCharCode(code - 0xfee0));
        continue;
      }
      if (o.curlyQuotes && CORNER[ch] !== undefined) {
        edit('corner-quotes', i, i + 1, CORNER[ch]!);
        continue;
      }
      if (!o.fullWidthPunctuation || code > 0x7f) continue;
      const rule = MARKS[ch];
      if (rule !== undefined) {
        if (!isProtected(i) && inChineseContext(text, i)) edit(rule, i, i + 1, FULL[ch]!);
      } else if (ch === '(') {
        if (!isProtected(i)) open.push(i);
      } else if (ch === ')') {
        if (isProtected(i)) continue;
        const a = open.pop();
        if (a === undefined) lone.push(i);
        else pairs.push([a, i]);
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
        if ((l >= 0 && isHan(l)) || (r >= 0 && isHan(r))) brackets.push([i, FULL[text[i]!]!]);
      }
      brackets.sort((x, y) => x[0] - y[0]);
      for (const [i, to] of brackets) edit('ascii-parentheses', i, i + 1, to);
    }
    changes.edits.sort((x, y) => x.start - y.start);
    return changes.result();
  },
};

function fast(t: string, o: PunctuationOptions): StageResult {
  const r = punctuation.apply(makeDoc(t), o, new MemoryCorpusContext());
  return { ...r, findings: (r.findings ?? []).map((f) => ({ ...f, reason: '' })) };
}

/** Chinese text with the marks, URLs, e-mail addresses, codes and numbers the rules decide on. */
const piece = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('中', '文', '国', '。', '，', '“', '”', '、', '—', '…', '𠮷') },
  { weight: 6, arbitrary: fc.constantFrom(',', ':', ';', '?', '!', '(', ')', ' ', '\n', '/', '.', '@', '-', '_') },
  { weight: 3, arbitrary: fc.constantFrom('a', 'Z', '1', '0', 'x', 'print', 'f', '10', '2021') },
  { weight: 2, arbitrary: fc.constantFrom('「', '」', '『', '』', 'Ａ', 'ｚ', '０', '９', '\uff20', '\uff3b', '\uff5b', '\ud800', '\udc00') },
  { weight: 2, arbitrary: fc.constantFrom('http://', 'https://a.cn/x?b=1,2', 'ftp://', '://', 'www.', 'www.a-b.cn', 'news.desk@example.com', 'a@b.c', '@') },
);
const text = fc.array(piece, { maxLength: 60 }).map((p) => p.join(''));
const options = fc.record({ halfWidthAlnum: fc.boolean(), fullWidthPunctuation: fc.boolean(), curlyQuotes: fc.boolean() });

describe('punctuation: table scan and reference agree', () => {
  it('on random texts of marks, URLs, addresses and codes', () => {
    fc.assert(
      fc.property(text, options, (t, o) => {
        expect(fast(t, o)).toEqual(reference.apply(makeDoc(t), o));
      }),
      { numRuns: 3000, seed: 20261122 },
    );
  });

  it('on every BMP unit beside Chinese, a mark and a URL', () => {
    const o = { halfWidthAlnum: true, fullWidthPunctuation: true, curlyQuotes: true };
    for (let c = 0; c < 0x10000; c++) {
      const ch = String.fromCharCode(c);
      const t = `中${ch},文a${ch}(中)见http://a.cn/${ch}?x,中`;
      expect(fast(t, o)).toEqual(reference.apply(makeDoc(t), o));
    }
  });
});
