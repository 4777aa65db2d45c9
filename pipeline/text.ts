// Small text helpers shared by the runner and the stages.

export interface Line {
  /** 0-based index. */
  index: number;
  /** Offset of the first character. */
  start: number;
  /** Offset just past the last character, before the line break. */
  end: number;
  /** Offset just past the line break (== end for the last line without one). */
  next: number;
  text: string;
}

/** Splits on `\n` keeping offsets, so a stage can turn a line decision into an edit. */
export function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  let index = 0;
  while (start <= text.length) {
    const nl = text.indexOf('\n', start);
    const end = nl === -1 ? text.length : nl;
    const next = nl === -1 ? text.length : nl + 1;
    if (nl === -1 && start === text.length && index > 0) break;
    lines.push({ index, start, end, next, text: text.slice(start, end) });
    index++;
    if (nl === -1) break;
    start = next;
  }
  return lines;
}

/**
 * The range to remove to drop line `i` so that the kept lines stay joined by
 * exactly one break: a line before the first kept one takes its own break with
 * it; a later one takes the break before it. `firstKept` is -1 when none is kept.
 */
export function dropRange(lines: readonly Pick<Line, 'start' | 'end' | 'next'>[], i: number, firstKept: number): [number, number] {
  const l = lines[i]!;
  return firstKept === -1 || i < firstKept ? [l.start, l.next] : [lines[i - 1]!.end, l.end];
}

/** 1-based line number of an offset. */
export function lineAt(text: string, offset: number): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** Counts characters by code point, not UTF-16 unit, so an astral Han character is one. */
export function charCount(text: string): number {
  let n = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) n--;
  }
  return n;
}

/** Shortens a string for display in a finding or a terminal. */
export function preview(text: string, max = 60): string {
  const flat = text.replace(/\n/g, '⏎');
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

/** A figure for a report: three decimals (scores, shares, milliseconds). */
export function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/**
 * Is this code point a Han character (Unicode Script=Han)? Code-point ranges, not
 * /\p{Script=Han}/u: stages count Han characters over every document, and a regex
 * match builds an array of them first.
 */
export function isHan(c: number): boolean {
  if (c < 0x2e80) return false;
  if (c <= 0x9fff) {
    return (
      c >= 0x4e00 ||
      (c >= 0x3400 && c <= 0x4dbf) ||
      c <= 0x2fdf || // CJK and Kangxi radicals
      c === 0x3005 || // 々
      c === 0x3007 || // 〇
      (c >= 0x3021 && c <= 0x3029) || // Hangzhou numerals
      (c >= 0x3038 && c <= 0x303b)
    );
  }
  return (c >= 0xf900 && c <= 0xfaff) || (c >= 0x16fe2 && c <= 0x16ff6 && (c <= 0x16fe3 || c >= 0x16ff0)) || (c >= 0x20000 && c <= 0x3347f);
}

/** Han characters in `text` (an astral one counts once). */
export function countHan(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.codePointAt(i)!;
    if (c > 0xffff) i++;
    if (isHan(c)) n++;
  }
  return n;
}

/** White space, as /\s/u matches it. Han text is tested first: two comparisons say no. */
export function isSpace(c: number): boolean {
  if (c > 0x3000) return c === 0xfeff;
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  if (c < 0xa0) return false;
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000;
}

/** A lookup table of UTF-16 units: 1 for each character of `chars` (all in the BMP). A Set of numbers costs a hash probe per character. */
export function unitTable(chars: string | Iterable<number>): Uint8Array {
  const table = new Uint8Array(0x10000);
  for (const c of typeof chars === 'string' ? [...chars].map((ch) => ch.charCodeAt(0)) : chars) table[c] = 1;
  return table;
}

/**
 * The table of the BMP characters (surrogates left out) a character class matches, e.g.
 * /[\s\p{P}]/u. One global match over a string of every BMP character: testing the regex
 * on each character in turn cost ~20 ms of start-up per table.
 */
export function unitsMatching(charClass: RegExp): Uint8Array {
  if (charClass.source.startsWith('^') || charClass.source.endsWith('$')) throw new Error(`unitsMatching: ${String(charClass)} is anchored; pass the class alone`);
  const table = new Uint8Array(0x10000);
  if (allBmp === undefined) {
    const units = new Uint16Array(0x10000 - 0x800);
    for (let i = 0; i < units.length; i++) units[i] = i < 0xd800 ? i : i + 0x800;
    allBmp = new TextDecoder('utf-16le').decode(units);
  }
  allBmp.replace(new RegExp(charClass.source, `g${charClass.flags.replace('g', '')}`), (ch) => {
    if (ch.length !== 1) throw new Error(`unitsMatching: ${String(charClass)} matched "${ch}", not one character`);
    table[ch.charCodeAt(0)] = 1;
    return '';
  });
  return table;
}
let allBmp: string | undefined;

/** Bytes beyond which a text's units get an array of their own rather than the reused one. */
const UNITS_SHARED_MAX = 1 << 23;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * A text's UTF-16 units in an array reused from text to text: copied natively in one go,
 * then read without the dispatch on the string's representation (flat, sliced, cons; one or
 * two bytes a character) that charCodeAt does at every unit. Each user holds its own, so no
 * other code can overwrite the units it is reading. A text beyond 4M units gets an array of
 * its own, so one huge page does not keep its memory for the rest of the run.
 */
export class UnitBuffer {
  private bytes = Buffer.allocUnsafeSlow(0);
  private units = new Uint16Array(0);

  /** The units of `text` at indices 0 to text.length - 1 (the array may be longer); valid until the next call. */
  of(text: string): Uint16Array {
    const size = text.length * 2;
    if (size > UNITS_SHARED_MAX) return unitsInto(Buffer.allocUnsafeSlow(size), text);
    if (this.bytes.length < size) {
      this.bytes = Buffer.allocUnsafeSlow(Math.min(UNITS_SHARED_MAX, Math.max(size, this.bytes.length * 2, 1 << 14)));
      this.units = new Uint16Array(this.bytes.buffer, this.bytes.byteOffset, this.bytes.length / 2);
    }
    unitsInto(this.bytes, text);
    return this.units;
  }
}

function unitsInto(bytes: Buffer, text: string): Uint16Array {
  const written = bytes.write(text, 0, 'utf16le');
  if (!LITTLE_ENDIAN) bytes.subarray(0, written).swap16();
  return new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.length / 2);
}
