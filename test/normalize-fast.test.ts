// normalize's one-pass scan over a table of unit classes, against the plain
// implementation it replaced (a break regex, line objects, a class test per
// character): findings and edits must be the same on any text.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Changes } from '../pipeline/changes.js';
import { MemoryCorpusContext } from '../pipeline/pipeline.js';
import { dropRange } from '../pipeline/text.js';
import type { StageResult } from '../pipeline/types.js';
import { normalize } from '../stages/normalize.js';
import { makeDoc } from './helpers/stage-tester.js';

const BREAK = /\r\n|[\n\r\u0085\u000b\u000c\u2028\u2029]/g;
type CharClass = 'control-chars' | 'invisible-chars' | 'edge-whitespace';

function isRemoved(c: number): boolean {
  if (c < 0x20) return c !== 0x09;
  if (c < 0x7f) return false;
  if (c <= 0x9f) return true;
  return (
    c === 0xad || c === 0x61c || c === 0x180e || (c >= 0x200b && c <= 0x200f) || (c >= 0x202a && c <= 0x202e) ||
    (c >= 0x2060 && c <= 0x2064) || (c >= 0x2066 && c <= 0x2069) || c === 0xfeff
  );
}
function isEdgeSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x202f || c === 0x205f || c === 0x3000;
}
function classOf(c: number): CharClass | undefined {
  if (c < 0x7f && c > 0x20) return undefined;
  if (isEdgeSpace(c)) return 'edge-whitespace';
  if (!isRemoved(c)) return undefined;
  return c < 0xa0 ? 'control-chars' : 'invisible-chars';
}

/** The stage as it was written before the table scan: the reference (reasons left out, they are one table). */
function reference(text: string, dropEmptyLines: boolean): StageResult {
  const actions: Record<string, 'replace' | 'drop'> = { 'line-endings': 'replace' };
  const changes = new Changes();
  const groups = new Map<string, number>();
  let lineNo = 1;
  const explain = (rule: string, start: number, end: number, after: string): void => {
    let f = groups.get(rule);
    if (f === undefined) {
      f = changes.finding({ rule, action: actions[rule] ?? 'drop', line: lineNo, range: [start, end], before: text.slice(start, end), after, reason: '' });
      groups.set(rule, f);
    }
    changes.edit(start, end, after, f);
  };
  const lines: { start: number; end: number; next: number; brk: string }[] = [];
  let pos = 0;
  BREAK.lastIndex = 0;
  for (let m = BREAK.exec(text); m; m = BREAK.exec(text)) {
    lines.push({ start: pos, end: m.index, next: m.index + m[0].length, brk: m[0] });
    pos = m.index + m[0].length;
  }
  lines.push({ start: pos, end: text.length, next: text.length, brk: '' });
  const blank = lines.map((l) => {
    for (let i = l.start; i < l.end; i++) if (classOf(text.charCodeAt(i)) === undefined) return false;
    return true;
  });
  const drop = blank.map((b) => b && dropEmptyLines);
  const firstKept = drop.indexOf(false);
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    lineNo = i + 1;
    if (drop[i]) {
      const [start, end] = dropRange(lines, i, firstKept);
      if (end > start) explain('empty-lines', start, end, '');
      continue;
    }
    const before = lines[i - 1];
    if (i > firstKept && before && before.brk !== '\n') {
      lineNo = i;
      explain('line-endings', before.end, before.end + before.brk.length, '\n');
    }
    lineNo = i + 1;
    let lead = l.start;
    while (lead < l.end && classOf(text.charCodeAt(lead)) !== undefined) lead++;
    let trail = l.end;
    while (trail > lead && classOf(text.charCodeAt(trail - 1)) !== undefined) trail--;
    const edgeRun = (from: number, to: number): void => {
      for (let k = from; k < to; ) {
        const cls = classOf(text.charCodeAt(k))!;
        let j = k + 1;
        while (j < to && classOf(text.charCodeAt(j)) === cls) j++;
        explain(cls, k, j, '');
        k = j;
      }
    };
    edgeRun(l.start, lead);
    for (let k = lead; k < trail; ) {
      const ch = text.charCodeAt(k);
      if (!isRemoved(ch)) {
        k++;
        continue;
      }
      const cls = classOf(ch)!;
      let j = k + 1;
      while (j < trail && isRemoved(text.charCodeAt(j)) && classOf(text.charCodeAt(j)) === cls) j++;
      explain(cls, k, j, '');
      k = j;
    }
    edgeRun(trail, l.end);
  }
  return changes.result();
}

/** Text made mostly of the units the stage treats specially: breaks, spaces, controls, invisibles, surrogates. */
const unit = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('中', '文', 'a', '1', '。', '，', '𠮷', '👍') },
  { weight: 4, arbitrary: fc.constantFrom('\n', '\r\n', '\r', '\u0085', '\u000b', '\u000c', '\u2028', '\u2029', '\n\n') },
  { weight: 4, arbitrary: fc.constantFrom(' ', '\t', '\u00a0', '\u1680', '\u2000', '\u200a', '\u202f', '\u205f', '\u3000') },
  { weight: 3, arbitrary: fc.constantFrom('\u0000', '\u0007', '\u001b', '\u007f', '\u0080', '\u009f', '\u00ad', '\u061c', '\u180e') },
  { weight: 3, arbitrary: fc.constantFrom('\u200b', '\u200d', '\u200f', '\u202a', '\u202e', '\u2060', '\u2064', '\u2066', '\u2069', '\ufeff') },
  { weight: 1, arbitrary: fc.constantFrom('\ud800', '\udc00', '\u2065', '\u2070', '\u00a1') },
);
const text = fc.array(unit, { maxLength: 60 }).map((u) => u.join(''));

function fast(t: string, dropEmptyLines: boolean): StageResult {
  const r = normalize.apply(makeDoc(t), { dropEmptyLines }, new MemoryCorpusContext());
  return { ...r, findings: (r.findings ?? []).map((f) => ({ ...f, reason: '' })) };
}

describe('normalize: table scan and reference agree', () => {
  it('on random texts of special units, with and without dropping blank lines', () => {
    fc.assert(
      fc.property(text, fc.boolean(), (t, dropEmptyLines) => {
        expect(fast(t, dropEmptyLines)).toEqual(reference(t, dropEmptyLines));
      }),
      { numRuns: 3000, seed: 20261122 },
    );
  });

  it('on every BMP unit between text, at a line edge and alone', () => {
    for (let c = 0; c < 0x10000; c++) {
      const ch = String.fromCharCode(c);
      for (const t of [`甲${ch}乙`, `${ch}甲\n乙${ch}`, ch, `\n${ch}\r\n`]) expect(fast(t, true)).toEqual(reference(t, true));
    }
  });
});
