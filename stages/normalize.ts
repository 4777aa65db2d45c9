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
import { dropRange } from '../pipeline/text.js';
import type { Stage } from '../pipeline/types.js';

export interface NormalizeOptions {
  /** Drop lines that are empty once invisible characters and whitespace are gone. */
  dropEmptyLines: boolean;
}

/** Every line break form scraped text uses: CRLF, CR, NEL, VT, FF, LINE and PARAGRAPH SEPARATOR. */
const BREAK = /\r\n|[\n\r\u0085\u000b\u000c\u2028\u2029]/g;

type CharClass = 'control-chars' | 'invisible-chars' | 'edge-whitespace';

/**
 * Characters removed wherever they are. Controls: C0 but tab and the breaks, DEL, C1.
 * Invisible: soft hyphen, Arabic letter mark, Mongolian vowel separator, zero-width
 * space/joiners and LRM/RLM, bidi embeddings, word joiner and invisible operators,
 * bidi isolates, BOM/ZWNBSP. Written as code-point tests: this runs on every character.
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

function classOf(c: number): CharClass | undefined {
  if (c < 0x7f && c > 0x20) return undefined; // printable ASCII: the common case, decided at once
  if (isEdgeSpace(c)) return 'edge-whitespace';
  if (!isRemoved(c)) return undefined;
  return c < 0xa0 ? 'control-chars' : 'invisible-chars';
}

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
    const lineNo = { value: 1 };

    // One finding per rule per document, counting its edits.
    const explain = (rule: keyof typeof REASONS, start: number, end: number, after: string): void => {
      let f = groups.get(rule);
      if (f === undefined) {
        f = changes.finding({
          rule,
          action: (ACTIONS as Record<string, 'replace' | 'drop'>)[rule] ?? 'drop',
          line: lineNo.value,
          range: [start, end],
          before: text.slice(start, end),
          after,
          reason: REASONS[rule],
        });
        groups.set(rule, f);
      }
      changes.edit(start, end, after, f);
    };

    // Split into lines, remembering each line's content range and its break.
    const lines: { start: number; end: number; next: number; brk: string }[] = [];
    let pos = 0;
    BREAK.lastIndex = 0;
    for (let m = BREAK.exec(text); m; m = BREAK.exec(text)) {
      lines.push({ start: pos, end: m.index, next: m.index + m[0].length, brk: m[0] });
      pos = m.index + m[0].length;
    }
    lines.push({ start: pos, end: text.length, next: text.length, brk: '' });

    // A line is blank when nothing in it is visible text.
    const blank = lines.map((l) => {
      for (let i = l.start; i < l.end; i++) if (classOf(text.charCodeAt(i)) === undefined) return false;
      return true;
    });
    const drop = blank.map((b) => b && options.dropEmptyLines);
    const firstKept = drop.indexOf(false);

    for (let i = 0; i < lines.length; i++) {
      const l = lines[i]!;
      lineNo.value = i + 1;
      if (drop[i]) {
        const [start, end] = dropRange(lines, i, firstKept);
        if (end > start) explain('empty-lines', start, end, '');
        continue;
      }
      // The break that joins this line to the kept line before it is the break of
      // line i-1 (dropped lines in between removed the others): make it \n.
      const before = lines[i - 1];
      if (i > firstKept && before && before.brk !== '\n') {
        lineNo.value = i; // the break ends line i-1, which is line i counted from 1
        explain('line-endings', before.end, before.end + before.brk.length, '\n');
      }
      lineNo.value = i + 1;
      removeInLine(text, l.start, l.end, explain);
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
  while (lead < end && classOf(text.charCodeAt(lead)) !== undefined) lead++;
  let trail = end;
  while (trail > lead && classOf(text.charCodeAt(trail - 1)) !== undefined) trail--;

  // Edge runs: every special character goes, grouped into runs of one class.
  const edgeRun = (from: number, to: number): void => {
    let i = from;
    while (i < to) {
      const cls = classOf(text.charCodeAt(i))!;
      let j = i + 1;
      while (j < to && classOf(text.charCodeAt(j)) === cls) j++;
      explain(cls, i, j, '');
      i = j;
    }
  };
  edgeRun(start, lead);
  // Inside: only controls and invisibles go; spaces between words stay.
  for (let i = lead; i < trail; ) {
    const ch = text.charCodeAt(i);
    if (!isRemoved(ch)) {
      i++;
      continue;
    }
    const cls = classOf(ch)!;
    let j = i + 1;
    while (j < trail && isRemoved(text.charCodeAt(j)) && classOf(text.charCodeAt(j)) === cls) j++;
    explain(cls, i, j, '');
    i = j;
  }
  edgeRun(trail, end);
}
