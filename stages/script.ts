// script: Traditional Chinese becomes Simplified, with OpenCC's own dictionaries
// (opencc-js), phrase by phrase, so that every later stage, table and model
// sees one script. A document whose Han text is already Simplified is left alone.
//
// The regional variant matters: Hong Kong writes 裏 綫 衞 where Taiwan writes
// 裡 線 衛. `variant: "auto"` picks from such marker characters.

import * as OpenCC from 'opencc-js';
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

type Convert = (text: string) => string;
const converters = new Map<string, Convert>();
function converter(from: Exclude<ScriptVariant, 'auto'>): Convert {
  let c = converters.get(from);
  if (!c) {
    c = OpenCC.Converter({ from, to: 'cn' }) as Convert;
    converters.set(from, c);
  }
  return c;
}

/** Converts Traditional text to Simplified with one of the stage's OpenCC configurations (t2s, tw2s, tw2sp, hk2s). */
export function convert(text: string, variant: Exclude<ScriptVariant, 'auto'>): string {
  return converter(variant)(text);
}

/** Characters whose form tells Hong Kong text from Taiwan text. */
const HK_MARKERS = /[裏綫衞僞啓着]/gu;
const TW_MARKERS = /[裡線衛偽啟著]/gu;

let traditional: Uint8Array | undefined;

/**
 * The BMP characters OpenCC's TSCharacters maps to another character: the
 * Traditional-only forms. Read once; a table lookup per character afterwards.
 */
function traditionalTable(): Uint8Array {
  if (traditional) return traditional;
  traditional = new Uint8Array(0x10000);
  for (const c of traditionalToSimplified().keys()) if (c < 0x10000) traditional[c] = 1;
  return traditional;
}

/**
 * Share of the Han characters that are Traditional-only, over the whole text
 * (not a sample: a decision on part of the text could change when cleaning
 * moves that part, and cleaning cleaned text must change nothing).
 */
export function traditionalShare(text: string): number {
  const table = traditionalTable();
  let han = 0;
  let trad = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x3400 || c > 0x9fff) continue;
    han++;
    trad += table[c]!;
  }
  return han === 0 ? 0 : trad / han;
}

export function detectVariant(text: string): 'tw' | 'hk' {
  const hk = text.match(HK_MARKERS)?.length ?? 0;
  const tw = text.match(TW_MARKERS)?.length ?? 0;
  return hk > tw ? 'hk' : 'tw';
}

export const script: Stage<ScriptOptions> = {
  name: 'script',
  scope: 'line',
  description: 'Convert Traditional Chinese to Simplified with OpenCC (opencc-js), choosing the Taiwan or Hong Kong variant.',
  defaults: { variant: 'auto', minTraditionalShare: 0 },

  apply(doc, options) {
    const text = doc.text;
    const share = traditionalShare(text);
    if (share === 0 || share <= options.minTraditionalShare) return { data: { script: { traditionalShare: round3(share) } } };
    const variant = options.variant === 'auto' ? detectVariant(text) : options.variant;
    const convert = converter(variant);
    const table = traditionalTable();
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
    let lineNo = 0;
    for (let offset = 0; offset <= text.length; ) {
      let nl = text.indexOf('\n', offset);
      if (nl === -1) nl = text.length;
      lineNo++;
      let traditional = false;
      for (let k = offset; k < nl && !traditional; k++) traditional = table[text.charCodeAt(k)] === 1;
      if (traditional) {
        const la = text.slice(offset, nl);
        const lb = convert(la);
        if (la.length === lb.length) {
          for (let k = 0; k < la.length; ) {
            if (la[k] === lb[k]) {
              k++;
              continue;
            }
            let m = k + 1;
            while (m < la.length && la[m] !== lb[m]) m++;
            changes.edit(offset + k, offset + m, lb.slice(k, m), f);
            if (first) setFirst(changes, f, lineNo, offset + k, offset + m, la.slice(k, m), lb.slice(k, m));
            first = false;
            k = m;
          }
        } else {
          changes.edit(offset, nl, lb, f);
          if (first) setFirst(changes, f, lineNo, offset, nl, la, lb);
          first = false;
        }
      }
      offset = nl + 1;
    }
    return changes.result({ data: { script: { traditionalShare: round3(share), variant } } });
  },
};

function setFirst(changes: Changes, f: number, line: number, start: number, end: number, before: string, after: string): void {
  Object.assign(changes.findings[f]!, { line, range: [start, end], before, after });
}

