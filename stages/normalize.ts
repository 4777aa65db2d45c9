// normalize: the characters no reader sees and no later stage should have to
// think about. Line breaks of every kind become `\n`; control, zero-width and
// bidirectional-format characters go; whitespace at line edges goes (the
// ideographic space U+3000 that Chinese pages indent paragraphs with, NBSP,
// tabs); blank lines go, so that the text is one paragraph a line.
// Whitespace inside a line is kept: it can separate Latin words or numbers.
//
// Every change is an edit explained by one finding per rule, with a count:
// a Windows file gets one "line-endings" finding, not one per line.

import { Changes } from '../pipeline/changes.js';
import { UnitBuffer } from '../pipeline/text.js';
import type { Stage } from '../pipeline/types.js';

export interface NormalizeOptions {
  /** Drop lines that are empty once invisible characters and whitespace are gone. */
  dropEmptyLines: boolean;
}

/**
 * Characters removed wherever they are. Controls: C0 but tab and the breaks, DEL, C1.
 * Invisible: soft hyphen, Arabic letter mark, Mongolian vowel separator, zero-width
 * space/joiners and LRM/RLM, bidi embeddings, word joiner and invisible operators,
 * bidi isolates, BOM/ZWNBSP.
 */
function isRemoved(c: number): boolean {
  if (c < 0x20) return c !== 0x09;
  if (c < 0x7f) return false;
  if (c <= 0x9f) return true;
  return (
    c === 0xad || c === 0x61c || c === 0x180e || (c >= 0x200b && c <= 0x200f) || (c >= 0x202a && c <= 0x202e) ||
    (c >= 0x2060 && c <= 0x2064) || (c >= 0x2066 && c <= 0x2069) || c === 0xfeff
  );
}
/** Whitespace trimmed at line edges: tab, space, NBSP, the Unicode spaces, the ideographic space. */
function isEdgeSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x202f || c === 0x205f || c === 0x3000;
}

type CharClass = 'control-chars' | 'invisible-chars' | 'edge-whitespace';

/** Codes of the UNIT table, one bit each so that a line's codes can be or-ed together. */
const TEXT = 1;
const EDGE_SPACE = 2;
const CONTROL = 4;
const INVISIBLE = 8;
const BREAK = 16;
const CLASS_NAMES: Record<number, CharClass> = { [EDGE_SPACE]: 'edge-whitespace', [CONTROL]: 'control-chars', [INVISIBLE]: 'invisible-chars' };

/**
 * Every UTF-16 unit's code, built once from the two tests above: this is looked up on every
 * character of every document. The breaks (LF, CR, NEL, VT, FF, LINE and PARAGRAPH SEPARATOR)
 * have their own code; inside a line, a CR or NEL would be a control.
 */
const UNIT = new Uint8Array(0x10000);
for (let c = 0; c < 0x10000; c++) UNIT[c] = isEdgeSpace(c) ? EDGE_SPACE : !isRemoved(c) ? TEXT : c < 0xa0 ? CONTROL : INVISIBLE;
for (const c of [0x0a, 0x0d, 0x85, 0x0b, 0x0c, 0x2028, 0x2029]) UNIT[c] = BREAK;

/** The UTF-16 units of the text being read (pipeline/text.ts UnitBuffer). */
const UNITS = new UnitBuffer();

const REASONS: Record<CharClass | 'line-endings' | 'empty-lines', string> = {
  'line-endings': 'Line breaks other than LF (CRLF, CR, U+2028, form feed ...) were unified to LF.',
  'control-chars': 'Control characters carry no text and break downstream tools.',
  'invisible-chars': 'Zero-width, BOM, soft-hyphen and bidi-format characters are invisible and split words for tokenisers.',
  'edge-whitespace': 'Whitespace at line edges (indentation with U+3000, NBSP, tabs) is layout, not text.',
  'empty-lines': 'Blank lines carry no text; the output has one paragraph a line.',
};

const ACTIONS = { 'line-endings': 'replace', 'empty-lines': 'drop' } as const;

export const normalize: Stage<NormalizeOptions> = {
  name: 'normalize',
  scope: 'line',
  description: 'Unify line endings; strip control, zero-width and bidi characters and line-edge whitespace; drop blank lines.',
  defaults: { dropEmptyLines: true },

  apply(doc, options) {
    const text = doc.text;
    const changes = new Changes();
    const groups = new Map<string, number>();
    let lineNo = 1;

    // One finding per rule per document, counting its edits.
    const explain = (rule: keyof typeof REASONS, start: number, end: number, after: string): void => {
      let f = groups.get(rule);
      if (f === undefined) {
        f = changes.finding({
          rule,
          action: (ACTIONS as Record<string, 'replace' | 'drop'>)[rule] ?? 'drop',
          line: lineNo,
          range: [start, end],
          before: text.slice(start, end),
          after,
          reason: REASONS[rule],
        });
        groups.set(rule, f);
      }
      changes.edit(start, end, after, f);
    };

    // One pass over the text, a line at a time: the break that ends a line and the classes
    // of units in it decide everything, and most lines hold only text (nothing to edit).
    const n = text.length;
    const units = UNITS.of(text);
    let seenKept = false;
    /** End and break of the line before (its break joins it to this one). */
    let prevEnd = 0;
    let prevBreakLength = 0;
    let prevBreakIsLF = true;
    let start = 0;
    for (let i = 0; start <= n; i++) {
      let end = start;
      /** The classes of the units other than text in the line, and how many there are. */
      let seen = 0;
      let others = 0;
      for (; end < n; end++) {
        const u = UNIT[units[end]!]!;
        if (u !== TEXT) {
          if (u === BREAK) break;
          seen |= u;
          others++;
        }
      }
      const c = end < n ? text.charCodeAt(end) : -1;
      const breakLength = c === -1 ? 0 : c === 0x0d && text.charCodeAt(end + 1) === 0x0a ? 2 : 1;
      lineNo = i + 1;
      // A line is blank when nothing in it is visible text.
      if (others === end - start && options.dropEmptyLines) {
        const [from, to] = seenKept ? [prevEnd, end] : [start, end + breakLength];
        if (to > from) explain('empty-lines', from, to, '');
      } else {
        // The break that joins this line to the kept line before it is the break of
        // line i-1 (dropped lines in between removed the others): make it \n.
        if (seenKept && !prevBreakIsLF) {
          lineNo = i; // the break ends line i-1, which is line i counted from 1
          explain('line-endings', prevEnd, prevEnd + prevBreakLength, '\n');
        }
        lineNo = i + 1;
        seenKept = true;
        // Only text at both edges and no controls or invisibles inside: nothing to remove.
        const clean = (seen & (CONTROL | INVISIBLE)) === 0 && end > start && UNIT[text.charCodeAt(start)] === TEXT && UNIT[text.charCodeAt(end - 1)] === TEXT;
        if (!clean) removeInLine(text, start, end, explain);
      }
      prevEnd = end;
      prevBreakLength = breakLength;
      prevBreakIsLF = c === 0x0a;
      if (c === -1) break;
      start = end + breakLength;
    }
    return changes.result();
  },
};

/** Edits a kept line: edge whitespace/invisibles trimmed, inner invisibles and controls removed. */
function removeInLine(
  text: string,
  start: number,
  end: number,
  explain: (rule: CharClass, start: number, end: number, after: string) => void,
): void {
  let lead = start;
  while (lead < end && UNIT[text.charCodeAt(lead)] !== TEXT) lead++;
  let trail = end;
  while (trail > lead && UNIT[text.charCodeAt(trail - 1)] !== TEXT) trail--;

  // Edge runs: every special character goes, grouped into runs of one class.
  const edgeRun = (from: number, to: number): void => {
    let i = from;
    while (i < to) {
      const cls = UNIT[text.charCodeAt(i)]!;
      let j = i + 1;
      while (j < to && UNIT[text.charCodeAt(j)] === cls) j++;
      explain(CLASS_NAMES[cls]!, i, j, '');
      i = j;
    }
  };
  edgeRun(start, lead);
  // Inside: only controls and invisibles go; spaces between words stay.
  for (let i = lead; i < trail; ) {
    const cls = UNIT[text.charCodeAt(i)]!;
    if (cls !== CONTROL && cls !== INVISIBLE) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < trail && UNIT[text.charCodeAt(j)] === cls) j++;
    explain(CLASS_NAMES[cls]!, i, j, '');
    i = j;
  }
  edgeRun(trail, end);
}
