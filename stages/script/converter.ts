// OpenCC's conversion exactly as opencc-js 1.4.2 does it, on the dictionaries and
// configurations opencc-js ships (its Locale.configs), with flat lookup tables.
//
// opencc-js keeps a Map per trie node and, at every position of every pass, walks
// Maps and allocates a match object, a slice and an array entry: ~200 ns a character
// over the four passes of hk2s, the script stage's main cost. Here the same steps run
// on typed arrays: normalisation (CJK compatibility ideographs), segmentation by the
// longest TSPhrases match, then each conversion table over each segment, each a
// longest-prefix match at every position with opencc-js's rule for unmatched text
// (one code point, or a whole ideographic description sequence). A pass that matches
// nothing returns its input as it is.

import * as OpenCC from 'opencc-js';

/** A dictionary as opencc-js ships it: "from to|from to|...". */
type Dict = string;

/** An opencc-js configuration (its preset's `configs` entries, which its types do not describe in full). */
interface Config {
  normalizationChain?: Dict[][];
  segmentation?: Dict | Dict[];
  conversionChain: Dict[][];
}

/**
 * A dictionary group as one longest-prefix table over code points: opencc-js's Trie
 * (the first dictionary of the group wins a key, as its reversed loading makes it),
 * its nodes numbered, the root's BMP children in a direct table, other edges in an
 * open-addressing table keyed by (node, code point).
 */
export class PrefixTable {
  /** Per BMP unit, the root's child (0: none). */
  private readonly rootChildren = new Int32Array(0x10000);
  /**
   * A bit per BMP unit where a pass must stop and look: a key starts with it, or it is a
   * surrogate or an ideographic description character (more than one unit, or a sequence,
   * when unmatched). 8 KB, where the children's table is 256 KB: most units only read this.
   */
  private readonly stops = new Int32Array(0x10000 >> 5);
  private edgeParents: Int32Array;
  private edgeUnits: Int32Array;
  private edgeChildren: Int32Array;
  private readonly edgeMask: number;
  /** Per node, 1 when it has children (a walk can go on). */
  private hasChildren: Uint8Array;
  /** Per node, the replacement of the key ending there. */
  private readonly values: (string | undefined)[] = [undefined];
  /** The replacement of the last `matchPrefix` that matched. */
  matched = '';

  constructor(group: readonly Dict[]) {
    const keys: string[] = [];
    const values: string[] = [];
    let units = 0;
    // opencc-js's loadDictGroup: the group's dictionaries in reverse, each entry in order, a later one
    // replacing an earlier; an entry is "key replacement[ alternatives]" (its split(' ')[0] and [1]).
    for (const dict of [...group].reverse()) {
      for (const line of dict.split('|')) {
        const space = line.indexOf(' ');
        if (space === -1) throw new TypeError(`opencc dictionary entry without a replacement: ${line}`);
        const next = line.indexOf(' ', space + 1);
        keys.push(line.slice(0, space));
        values.push(next === -1 ? line.slice(space + 1) : line.slice(space + 1, next));
        units += space;
      }
    }
    let size = 1024;
    while (size < units * 2) size <<= 1;
    this.edgeParents = new Int32Array(size).fill(-1);
    this.edgeUnits = new Int32Array(size);
    this.edgeChildren = new Int32Array(size);
    this.edgeMask = size - 1;
    this.hasChildren = new Uint8Array(units + 1);
    for (let k = 0; k < keys.length; k++) this.add(keys[k]!, values[k]!);
    // Ideographic description characters and surrogates (the bitset words holding them: a stop only means "look closer").
    this.stops.fill(-1, 0x2ff0 >> 5, 0x3000 >> 5);
    this.stops.fill(-1, 0xd800 >> 5, 0xe000 >> 5);
  }

  private add(key: string, value: string): void {
    let node = 0;
    for (const ch of key) {
      const cp = ch.codePointAt(0)!;
      let child = this.child(node, cp);
      if (child === 0) {
        child = this.values.length;
        this.values.push(undefined);
        if (node === 0 && cp < 0x10000) {
          this.rootChildren[cp] = child;
          this.stops[cp >> 5]! |= 1 << (cp & 31);
        } else {
          let s = edgeSlot(node, cp, this.edgeMask);
          while (this.edgeParents[s] !== -1) s = (s + 1) & this.edgeMask;
          this.edgeParents[s] = node;
          this.edgeUnits[s] = cp;
          this.edgeChildren[s] = child;
        }
        this.hasChildren[node] = 1;
      }
      node = child;
    }
    this.values[node] = value;
  }

  private child(node: number, cp: number): number {
    if (node === 0 && cp < 0x10000) return this.rootChildren[cp]!;
    let s = edgeSlot(node, cp, this.edgeMask);
    for (;;) {
      const parent = this.edgeParents[s]!;
      if (parent === -1) return 0;
      if (parent === node && this.edgeUnits[s] === cp) return this.edgeChildren[s]!;
      s = (s + 1) & this.edgeMask;
    }
  }

  /** opencc-js's Trie.matchPrefix: the end of the longest key starting at `i` (its replacement in `matched`), or 0. */
  matchPrefix(s: string, i: number): number {
    const n = s.length;
    let node = 0;
    let end = 0;
    for (let j = i; j < n; ) {
      const cp = s.codePointAt(j)!;
      j += cp > 0xffff ? 2 : 1;
      if (node !== 0 && this.hasChildren[node] === 0) break;
      const next = this.child(node, cp);
      if (next === 0) break;
      node = next;
      const v = this.values[node];
      if (v !== undefined) {
        end = j;
        this.matched = v;
      }
    }
    return end;
  }

  /**
   * From unit `i`, the first unit where a key may start: units that start no key and are
   * one code point long (not a surrogate, not an ideographic description character) are
   * passed over by one bit each, the common case.
   */
  private skip(s: string, i: number): number {
    const stops = this.stops;
    const n = s.length;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if ((stops[c >> 5]! & (1 << (c & 31))) !== 0) break;
    }
    return i;
  }

  /** opencc-js's Trie.convert: keys replaced left to right, longest first; the input itself when nothing matched. */
  convert(s: string): string {
    const n = s.length;
    let out = '';
    let copied = 0;
    let changed = false;
    for (let i = this.skip(s, 0); i < n; i = this.skip(s, i)) {
      const end = this.matchPrefix(s, i);
      if (end > 0) {
        out += s.slice(copied, i) + this.matched;
        changed = true;
        i = copied = end;
      } else i += unmatchedLength(s, i);
    }
    return changed ? out + s.slice(copied) : s;
  }

  /** opencc-js's Trie.segment, each segment handed to `each` as it is found: matched keys alone, unmatched runs whole. */
  segment(s: string, each: (segment: string) => void): void {
    const n = s.length;
    let run = -1;
    for (let i = 0; i < n; ) {
      const from = this.skip(s, i);
      if (from > i) {
        if (run === -1) run = i;
        i = from;
        if (i === n) break;
      }
      const end = this.matchPrefix(s, i);
      if (end > 0) {
        if (run !== -1) {
          each(s.slice(run, i));
          run = -1;
        }
        each(s.slice(i, end));
        i = end;
      } else {
        if (run === -1) run = i;
        i += unmatchedLength(s, i);
      }
    }
    if (run !== -1) each(s.slice(run, n));
  }
}

function edgeSlot(node: number, cp: number, mask: number): number {
  return Math.imul(Math.imul(node, 0x01000193) ^ cp, 0x2c1b3c6d) & mask;
}

/** opencc-js's getUnmatchedLength: an ideographic description sequence (⿰⿱... and its parts) moves on whole, else one code point. */
function unmatchedLength(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c < 0x2ff0 || (c > 0x2fff && (c < 0xd800 || c > 0xdbff))) return 1;
  const idsEnd = descriptionSequenceEnd(s, i);
  return idsEnd > i ? idsEnd - i : codePointLength(s, i);
}

function codePointLength(s: string, i: number): number {
  return s.codePointAt(i)! > 0xffff ? 2 : 1;
}

function descriptionArity(cp: number): number {
  if (cp >= 0x2ff0 && cp <= 0x2ff1) return 2;
  if (cp >= 0x2ff2 && cp <= 0x2ff3) return 3;
  if (cp >= 0x2ff4 && cp <= 0x2fff) return 2;
  return 0;
}

/** opencc-js's getIdeographicDescriptionSequenceEnd: where the sequence starting at `i` ends, 0 when none (or cut short). */
function descriptionSequenceEnd(s: string, i: number): number {
  const arity = descriptionArity(s.codePointAt(i)!);
  if (arity === 0) return 0;
  let end = i + codePointLength(s, i);
  for (let k = 0; k < arity; k++) {
    if (end >= s.length) return 0;
    const childEnd = descriptionSequenceEnd(s, end);
    end = childEnd || end + codePointLength(s, end);
  }
  return end;
}

export type Converter = (text: string) => string;

/** Tables by their dictionaries: the configurations share groups (TSPhrases + TSCharacters, the normalisation). */
const tables = new Map<string, PrefixTable>();
function tableOf(group: readonly Dict[]): PrefixTable {
  const key = group.join('\u0000');
  let table = tables.get(key);
  if (!table) tables.set(key, (table = new PrefixTable(group)));
  return table;
}

/**
 * The converter of an opencc-js configuration (t2s, tw2s, tw2sp, hk2s ...), doing what
 * opencc-js's `Converter` does with it: normalisation chain, then segmentation, then
 * the conversion chain over each segment.
 */
export function converterFor(configName: string): Converter {
  const config = (OpenCC.Locale.configs as unknown as Record<string, Config | undefined>)[configName];
  if (!config) throw new Error(`opencc-js has no configuration ${configName}`);
  const normalization = (config.normalizationChain ?? []).map(tableOf);
  // opencc-js loads a segmentation given as one dictionary as a group of one.
  const segmentation = config.segmentation ? tableOf(typeof config.segmentation === 'string' ? [config.segmentation] : config.segmentation) : undefined;
  const chain = config.conversionChain.map(tableOf);
  const convertSegment = (segment: string): string => {
    for (const table of chain) segment = table.convert(segment);
    return segment;
  };
  return (text) => {
    for (const table of normalization) text = table.convert(text);
    if (!segmentation) return convertSegment(text);
    let out = '';
    segmentation.segment(text, (segment) => {
      out += convertSegment(segment);
    });
    return out;
  };
}
