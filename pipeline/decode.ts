// Turns the bytes of a file into text, and says which encoding they were in.
//
// Scraped Chinese comes as UTF-8 (with or without BOM), UTF-16 with a BOM,
// GBK/GB18030 from mainland sites and Big5 from Taiwan and Hong Kong. Both
// legacy decoders accept almost any byte pair, so validity alone cannot choose
// between them: each candidate decoding is scored by how many of its Han
// characters are common ones (pipeline/data/common-han.txt). A wrong decoding
// produces rare characters and replacement characters; a right one does not.
// Bytes that no candidate turns into text (NUL bytes, mostly undecodable) are
// refused with a reason instead of being cleaned into garbage.

import { readFileSync } from 'node:fs';
import { dataPath } from './paths.js';
import { isSpace } from './text.js';

export class NotTextError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotTextError';
  }
}

export interface Decoded {
  text: string;
  /** utf-8, utf-8-bom, utf-16le, utf-16be, gbk, gb18030 or big5. */
  encoding: string;
  /** Byte sequences that were invalid in that encoding and became U+FFFD. */
  invalid: number;
}

/** Common Han characters as a bitmap over the code points up to U+3FFFF (every Han block). */
let commonHan: Uint8Array | undefined;
function common(): Uint8Array {
  if (!commonHan) {
    const raw = readFileSync(dataPath('pipeline', 'data', 'common-han.txt'), 'utf8');
    const bits = new Uint8Array(0x40000 >> 3);
    for (const line of raw.split('\n')) {
      if (line.startsWith('#')) continue;
      for (const ch of line) {
        const c = ch.codePointAt(0)!;
        if (c < 0x40000) bits[c >> 3]! |= 1 << (c & 7);
      }
    }
    commonHan = bits;
  }
  return commonHan;
}

/** Share of replaced/control characters above which a decoding is not text. */
const MAX_BAD_SHARE = 0.1;
/** Below this share of common characters among Han ones, a legacy decoding is garbage. */
const MIN_COMMON_SHARE = 0.5;
/** How much of the file the NUL-byte test reads (git reads 8000 bytes for the same test). */
const NUL_PROBE = 64 * 1024;

interface Tally {
  chars: number;
  bad: number;
  han: number;
  common: number;
}

/** Counts by code point; common Han characters only when asked (only legacy decodings are judged by them). */
function tally(text: string, withCommon: boolean): Tally {
  const bits = withCommon ? common() : undefined;
  let chars = 0;
  let bad = 0;
  let han = 0;
  let commonCount = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.codePointAt(i)!;
    if (c > 0xffff) i++;
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) continue;
    chars++;
    if (c === 0xfffd || c < 0x20 || c === 0x7f || (c >= 0xe000 && c <= 0xf8ff)) bad++;
    else if ((c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf) || (c >= 0x20000 && c <= 0x3134f)) {
      han++;
      if (bits && (bits[c >> 3]! & (1 << (c & 7))) !== 0) commonCount++;
    }
  }
  return { chars, bad, han, common: commonCount };
}

/** Higher is more plausible: common Han characters count for, rare ones and replacements against. */
function plausibility(t: Tally): number {
  if (t.chars === 0) return 0;
  return (t.common - (t.han - t.common) - 3 * t.bad) / t.chars;
}

function countInvalid(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\ufffd'); i !== -1; i = text.indexOf('\ufffd', i + 1)) n++;
  return n;
}

/** True when the GB bytes use GB18030's four-byte form, i.e. they are not plain GBK. */
function usesFourByteGb(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length - 1; i++) {
    const b = bytes[i]!;
    if (b < 0x80) continue;
    if (b >= 0x81 && b <= 0xfe) {
      const b2 = bytes[i + 1]!;
      if (b2 >= 0x30 && b2 <= 0x39) return true;
      i++; // skip the trail byte of a two-byte character
    }
  }
  return false;
}

export function decode(bytes: Uint8Array): Decoded {
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes.subarray(3));
    return checked({ text, encoding: 'utf-8-bom', invalid: countInvalid(text) });
  }
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) {
    const encoding = bytes[0] === 0xff ? 'utf-16le' : 'utf-16be';
    const text = new TextDecoder(encoding, { ignoreBOM: true }).decode(bytes.subarray(2));
    return checked({ text, encoding, invalid: countInvalid(text) });
  }
  const probe = bytes.subarray(0, NUL_PROBE);
  if (probe.includes(0)) {
    throw new NotTextError('contains NUL bytes: a binary file (or UTF-16 without a byte-order mark)');
  }
  try {
    const text = UTF8.decode(bytes);
    return checked({ text, encoding: 'utf-8', invalid: 0 });
  } catch {
    // not valid UTF-8: weigh it against the legacy Chinese encodings below
  }
  const candidates: Decoded[] = [];
  for (const label of ['utf-8', 'gb18030', 'big5'] as const) {
    const text = new TextDecoder(label).decode(bytes);
    const encoding = label === 'gb18030' && !usesFourByteGb(bytes) ? 'gbk' : label;
    candidates.push({ text, encoding, invalid: countInvalid(text) });
  }
  let best = candidates[0]!;
  let bestScore = -Infinity;
  for (const c of candidates) {
    const s = plausibility(tally(c.text, true));
    if (s > bestScore) {
      best = c;
      bestScore = s;
    }
  }
  return checked(best);
}

/** One decoder for every valid UTF-8 file (decode() without `stream` keeps no state between calls). */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Does the text hold a character `tally` counts as bad? Most text holds none, and then needs no counting. */
function hasBad(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 0x20 && c < 0x7f) || (c >= 0x80 && c < 0xe000)) continue;
    if (c < 0x20 ? c !== 0x09 && c !== 0x0a && c !== 0x0d : c === 0x7f || c === 0xfffd || c <= 0xf8ff) return true;
  }
  return false;
}

/** Refuses a decoding that is not text: too many replaced or control characters, or Han garbage. */
function checked(d: Decoded): Decoded {
  const legacy = d.encoding !== 'utf-8' && d.encoding !== 'utf-8-bom';
  if (!legacy && !hasBad(d.text)) return d;
  const t = tally(d.text, legacy);
  if (t.chars === 0) return d;
  const badShare = t.bad / t.chars;
  if (badShare > MAX_BAD_SHARE) {
    throw new NotTextError(
      `not text: ${(badShare * 100).toFixed(0)}% of the characters are invalid bytes or control codes in the best decoding (${d.encoding})`,
    );
  }
  if (legacy && t.han >= 20 && t.common / t.han < MIN_COMMON_SHARE) {
    throw new NotTextError(
      `not text: decoded as ${d.encoding}, only ${((t.common / t.han) * 100).toFixed(0)}% of its Han characters are common ones (undecodable bytes)`,
    );
  }
  return d;
}

/**
 * The code points of a file that is plain UTF-8 text, written into `out` (grown as needed;
 * returned with the count), without making a string: the scan pass reads every file once
 * more than cleaning does, and only counts its lines, which needs no string. "Plain" is
 * what `decode` takes as it is: no byte-order mark, valid UTF-8, no NUL, no replacement,
 * control or private-use characters, not only white space. Anything else gives undefined
 * and the caller decodes the file (`decode` and its checks decide about it).
 */
export function plainUtf8CodePoints(bytes: Uint8Array, out: Int32Array): { codePoints: Int32Array; length: number } | undefined {
  const size = bytes.length;
  if (size === 0 || (size >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)) return undefined;
  const cps = out.length >= size ? out : new Int32Array(size); // never more code points than bytes
  let n = 0;
  let text = false; // a character other than white space seen
  for (let i = 0; i < size; ) {
    const b = bytes[i]!;
    let c: number;
    if (b < 0x80) {
      // Controls other than tab, line feed, carriage return (and the vertical tab and form
      // feed, white space that `decode` still counts as control codes) are not plain text.
      if ((b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) || b === 0x7f) return undefined;
      c = b;
      i++;
    } else if (b >= 0xc2 && b <= 0xdf) {
      const b1 = bytes[i + 1]!;
      if (i + 1 >= size || (b1 & 0xc0) !== 0x80) return undefined;
      c = ((b & 0x1f) << 6) | (b1 & 0x3f);
      i += 2;
    } else if (b >= 0xe0 && b <= 0xef) {
      const b1 = bytes[i + 1]!;
      const b2 = bytes[i + 2]!;
      if (i + 2 >= size || (b1 & 0xc0) !== 0x80 || (b2 & 0xc0) !== 0x80) return undefined;
      if ((b === 0xe0 && b1 < 0xa0) || (b === 0xed && b1 > 0x9f)) return undefined; // overlong; surrogates
      c = ((b & 0x0f) << 12) | ((b1 & 0x3f) << 6) | (b2 & 0x3f);
      if (c === 0xfffd || (c >= 0xe000 && c <= 0xf8ff)) return undefined;
      i += 3;
    } else if (b >= 0xf0 && b <= 0xf4) {
      const b1 = bytes[i + 1]!;
      const b2 = bytes[i + 2]!;
      const b3 = bytes[i + 3]!;
      if (i + 3 >= size || (b1 & 0xc0) !== 0x80 || (b2 & 0xc0) !== 0x80 || (b3 & 0xc0) !== 0x80) return undefined;
      if ((b === 0xf0 && b1 < 0x90) || (b === 0xf4 && b1 > 0x8f)) return undefined; // overlong; above U+10FFFF
      c = ((b & 0x07) << 18) | ((b1 & 0x3f) << 12) | ((b2 & 0x3f) << 6) | (b3 & 0x3f);
      i += 4;
    } else return undefined;
    if (!text && !isSpace(c)) text = true; // \s: what String.prototype.trim removes
    cps[n++] = c;
  }
  return text ? { codePoints: cps, length: n } : undefined;
}
