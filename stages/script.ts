// script: Traditional Chinese becomes Simplified, with OpenCC's own dictionaries
// and configurations as opencc-js ships them, phrase by phrase (converted as
// opencc-js converts, by script/converter.ts), so that every later stage, table
// and model sees one script. A document whose Han text is already Simplified is
// left alone.
//
// The regional variant matters: Hong Kong writes 裏 綫 衞 where Taiwan writes
// 裡 線 衛. `variant: "auto"` picks from such marker characters.

import { converterFor, type Converter } from './script/converter.js';
import { traditionalToSimplified } from './opencc-tables.js';
import { Changes } from '../pipeline/changes.js';
import type { Stage } from '../pipeline/types.js';
import { round3 } from '../pipeline/text.js';

export type ScriptVariant = 'auto' | 't' | 'tw' | 'twp' | 'hk';

export interface ScriptOptions {
  /** Which Traditional: OpenCC standard (t), Taiwan (tw), Taiwan with phrases (twp), Hong Kong (hk), or auto-detected. */
  variant: ScriptVariant;
  /**
   * Convert when more than this share of the Han characters is Traditional-only. The
   * default 0 converts any Traditional character, so a Simplified page with a stray
   * Traditional word comes out in one script, and cleaning the output changes nothing.
   */
  minTraditionalShare: number;
}

/** The OpenCC configuration of each variant, as opencc-js names them (its Converter({ from, to: 'cn' })). */
const CONFIGS: Record<Exclude<ScriptVariant, 'auto'>, string> = { t: 't2s', tw: 'tw2s', twp: 'tw2sp', hk: 'hk2s' };

const converters = new Map<string, Converter>();
function converter(from: Exclude<ScriptVariant, 'auto'>): Converter {
  let c = converters.get(from);
  if (!c) {
    c = converterFor(CONFIGS[from]);
    converters.set(from, c);
  }
  return c;
}

/** Converts Traditional text to Simplified with one of the stage's OpenCC configurations (t2s, tw2s, tw2sp, hk2s). */
export function convert(text: string, variant: Exclude<ScriptVariant, 'auto'>): string {
  return converter(variant)(text);
}

// Tables as bitsets, one bit per BMP unit (8 KB each): a 64 KB table read at each
// document's characters comes back from memory for every document, the other stages
// having pushed it out of the cache in between (measured: the stage's main cost in the
// pipeline).
let traditionalBits: Int32Array | undefined;
/** Characters whose form tells Hong Kong text from Taiwan text. */
const HK_MARKERS = '裏綫衞僞啓着';
const TW_MARKERS = '裡線衛偽啟著';
let markerBits: Int32Array | undefined;

function bitsOf(units: Iterable<number>): Int32Array {
  const bits = new Int32Array(0x10000 >> 5);
  for (const c of units) if (c < 0x10000) bits[c >> 5]! |= 1 << (c & 31);
  return bits;
}

/** The BMP characters OpenCC's TSCharacters maps to another character: the Traditional-only forms. Read once. */
function traditionalTable(): Int32Array {
  return (traditionalBits ??= bitsOf(traditionalToSimplified().keys()));
}

/**
 * Share of the Han characters that are Traditional-only, over the whole text
 * (not a sample: a decision on part of the text could change when cleaning
 * moves that part, and cleaning cleaned text must change nothing).
 */
export function traditionalShare(text: string): number {
  const bits = traditionalTable();
  let han = 0;
  let trad = 0;
  // Without a branch per character (Han and punctuation alternate unpredictably): in the
  // Han range U+3400–9FFF is 1 − (below | above), the sign bits of two differences.
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const inRange = 1 - (((c - 0x3400) >>> 31) | ((0x9fff - c) >>> 31));
    han += inRange;
    trad += inRange & (bits[c >> 5]! >>> (c & 31));
  }
  return han === 0 ? 0 : trad / han;
}

/** Does the text hold a Traditional-only character (of any range)? Most documents do not: one bit read per unit, no counting. */
function holdsTraditional(text: string): boolean {
  const bits = traditionalTable();
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (((bits[c >> 5]! >>> (c & 31)) & 1) !== 0) return true;
  }
  return false;
}

/** What a page with a Traditional character needs, read in one pass. */
interface TraditionalPage {
  /** The Traditional share, as traditionalShare counts it. */
  share: number;
  /** The variant markers, as detectVariant counts them. */
  hk: number;
  tw: number;
  /** (line number, start, end) of each line holding a Traditional-only character. */
  lines: number[];
}

function readPage(text: string): TraditionalPage {
  const bits = traditionalTable();
  const markers = markerTable();
  let han = 0;
  let trad = 0;
  let hk = 0;
  let tw = 0;
  const lines: number[] = [];
  let lineNo = 1;
  let lineStart = 0;
  let lineHolds = 0;
  // The end of the text ends the last line as a line break would, in the loop: a line ended
  // after the loop was code the optimised loop had never run, and V8 dropped that code
  // there (27 times in a run of the 40 MB bench corpus).
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 0x0a;
    if (c === 0x0a) {
      if (lineHolds !== 0) lines.push(lineNo, lineStart, i);
      lineNo++;
      lineStart = i + 1;
      lineHolds = 0;
      continue;
    }
    const t = (bits[c >> 5]! >>> (c & 31)) & 1;
    const inRange = 1 - (((c - 0x3400) >>> 31) | ((0x9fff - c) >>> 31));
    han += inRange;
    trad += inRange & t;
    lineHolds |= t;
    if ((markers[c >> 5]! & (1 << (c & 31))) !== 0) {
      const ch = text[i]!;
      if (HK_MARKERS.includes(ch)) hk++;
      if (TW_MARKERS.includes(ch)) tw++;
    }
  }
  return { share: han === 0 ? 0 : trad / han, hk, tw, lines };
}

function markerTable(): Int32Array {
  return (markerBits ??= bitsOf([...HK_MARKERS, ...TW_MARKERS].map((ch) => ch.charCodeAt(0))));
}

export function detectVariant(text: string): 'tw' | 'hk' {
  const bits = markerTable();
  let hk = 0;
  let tw = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((bits[c >> 5]! & (1 << (c & 31))) === 0) continue;
    const ch = text[i]!;
    if (HK_MARKERS.includes(ch)) hk++;
    if (TW_MARKERS.includes(ch)) tw++;
  }
  return hk > tw ? 'hk' : 'tw';
}

export const script: Stage<ScriptOptions> = {
  name: 'script',
  scope: 'line',
  description: 'Convert Traditional Chinese to Simplified with OpenCC (opencc-js), choosing the Taiwan or Hong Kong variant.',
  defaults: { variant: 'auto', minTraditionalShare: 0 },
  // The share is of the document's Han characters.
  limits: { minTraditionalShare: { min: 0, max: 1 } },

  apply(doc, options) {
    const text = doc.text;
    if (!holdsTraditional(text)) return { data: { script: { traditionalShare: 0 } } };
    // One pass for the share, the variant's markers and the lines to convert.
    const page = readPage(text);
    const share = page.share;
    if (share === 0 || share <= options.minTraditionalShare) return { data: { script: { traditionalShare: round3(share) } } };
    const variant = options.variant === 'auto' ? (page.hk > page.tw ? 'hk' : 'tw') : options.variant;
    const convert = converter(variant);
    const changes = new Changes();
    const f = changes.finding({
      rule: 'traditional-to-simplified',
      action: 'replace',
      before: '',
      after: '',
      reason: `${Math.round(share * 100)}% of the Han characters are Traditional: converted to Simplified with OpenCC (${variant}).`,
    });
    // Line by line, and only the lines with a Traditional-only character: OpenCC's regional
    // tables read their input as Traditional (Taiwan's turn 么 into 幺, 著 into 着), so
    // Simplified lines of a mixed page would be damaged, and converting them costs most of
    // the stage's time. Edits per changed run of characters; a phrase conversion that
    // changes a line's length replaces the line.
    let first = true;
    for (let k = 0; k < page.lines.length; k += 3) {
      const lineNo = page.lines[k]!;
      const offset = page.lines[k + 1]!;
      const nl = page.lines[k + 2]!;
      const la = text.slice(offset, nl);
      const lb = convert(la);
      if (la.length === lb.length) {
        for (let j = 0; j < la.length; ) {
          if (la.charCodeAt(j) === lb.charCodeAt(j)) {
            j++;
            continue;
          }
          let m = j + 1;
          while (m < la.length && la.charCodeAt(m) !== lb.charCodeAt(m)) m++;
          changes.edit(offset + j, offset + m, lb.slice(j, m), f);
          if (first) setFirst(changes, f, lineNo, offset + j, offset + m, la.slice(j, m), lb.slice(j, m));
          first = false;
          j = m;
        }
      } else {
        changes.edit(offset, nl, lb, f);
        if (first) setFirst(changes, f, lineNo, offset, nl, la, lb);
        first = false;
      }
    }
    return changes.result({ data: { script: { traditionalShare: round3(share), variant } } });
  },
};

function setFirst(changes: Changes, f: number, line: number, start: number, end: number, before: string, after: string): void {
  Object.assign(changes.findings[f]!, { line, range: [start, end], before, after });
}

