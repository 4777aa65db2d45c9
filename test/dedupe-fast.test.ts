// The fast paths of the dedupe stage against plain reference implementations
// (the stage as it was before its performance work, kept here): the same
// paragraph decisions, folded text, fingerprints and corpus decisions on random
// input. Reports carry coverage and similarity figures, so nothing may differ.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { round3, splitLines } from '../pipeline/text.js';
import { fmix32, HashTable } from '../pipeline/hashing.js';
import { MemoryDedupIndex, type Fingerprint } from '../stages/dedupe/corpus-index.js';
import { fold, foldCodes } from '../stages/dedupe/fold.js';
import { hash64, shingleHashes } from '../stages/dedupe/hash.js';
import { signature } from '../stages/dedupe/minhash.js';
import { repeatedParagraphs, type Drop } from '../stages/dedupe/paragraphs.js';
import { dedupe, type DedupeOptions } from '../stages/dedupe.js';

// ---- Reference: paragraphs -------------------------------------------------

const B = 0x01000193;

/** Window hashes as first written: (h − out·B^(k−1))·B + in, then fmix32(h ^ seed). */
function referenceWindows(codes: ArrayLike<number>, from: number, to: number, k: number, seed = 0x5bd1e995): number[] {
  if (to - from < k) return [];
  let top = 1;
  for (let i = 1; i < k; i++) top = Math.imul(top, B);
  let h = 0;
  for (let i = from; i < from + k; i++) h = (Math.imul(h, B) + codes[i]!) | 0;
  const out = [fmix32(h ^ seed)];
  for (let i = from + k; i < to; i++) {
    h = (Math.imul(h - Math.imul(codes[i - k]!, top), B) + codes[i]!) | 0;
    out.push(fmix32(h ^ seed));
  }
  return out;
}

class ReferenceWindowTable {
  keys: Uint32Array;
  counts: Int32Array;
  holders: Int32Array;
  last: Int32Array;
  mask: number;
  dropped = new Set<number>();
  constructor(windows: number) {
    let n = 16;
    while (n < windows * 2) n *= 2;
    this.keys = new Uint32Array(n);
    this.counts = new Int32Array(n);
    this.holders = new Int32Array(n * 4).fill(-1);
    this.last = new Int32Array(n).fill(-1);
    this.mask = n - 1;
  }
  add(hash: number, para: number): number {
    let i = hash & this.mask;
    while (this.last[i] !== -1 && this.keys[i] !== hash) i = (i + 1) & this.mask;
    this.keys[i] = hash;
    if (this.last[i] !== para) {
      if (this.counts[i]! < 4) this.holders[i * 4 + this.counts[i]!] = para;
      this.last[i] = para;
      this.counts[i]!++;
    }
    return i;
  }
  holdersOf(slot: number, para: number): number[] {
    const out: number[] = [];
    for (let h = slot * 4; h < slot * 4 + 4; h++) {
      const q = this.holders[h]!;
      if (q === -1) break;
      if (q !== para && !this.dropped.has(q)) out.push(q);
    }
    return out;
  }
  remove(para: number, slots: number[]): void {
    this.dropped.add(para);
    for (const s of new Set(slots)) this.counts[s]!--;
  }
}

interface RefPara {
  line: number;
  from: number;
  to: number;
  slots: number[];
  whole: boolean;
  label: boolean;
}

function referenceRepeated(text: string, o: DedupeOptions): Map<number, Drop> {
  const k = o.paragraphWindow;
  const lines = splitLines(text);
  const all = fold(text);
  const table = new ReferenceWindowTable(all.length);
  let at = 0;
  const paras: RefPara[] = lines.map((l) => {
    while (at < all.length && all.starts[at]! < l.start) at++;
    const from = at;
    while (at < all.length && all.starts[at]! < l.end) at++;
    const whole = at - from < k || (l.text.length <= 50 && !/[。！？!?…]/u.test(l.text));
    const slots = whole ? [] : referenceWindows(all.codes, from, at, k).map((h) => table.add(h, l.index));
    return { line: l.index, from, to: at, slots, whole, label: whole && /[:：]\s*$/u.test(l.text) };
  });
  const length = (p: RefPara): number => p.to - p.from;
  const same = (a: RefPara, b: RefPara, offset = 0): boolean => {
    for (let j = 0; j < length(b); j++) if (all.codes[a.from + offset + j] !== all.codes[b.from + j]) return false;
    return true;
  };
  const enough = (c: number, n: number): boolean =>
    n < o.partialMinChars ? c >= 1 : c >= o.paragraphCoverage && Math.round((1 - c) * n) <= o.paragraphMaxNew;
  const coverage = (p: RefPara): number => {
    let covered = 0;
    let until = 0;
    p.slots.forEach((s, i) => {
      if (table.counts[s]! < 2) return;
      covered += i + k - Math.max(i, until);
      until = i + k;
    });
    return covered / length(p);
  };
  const sourcesOf = (p: RefPara): number[] => {
    const shared = new Map<number, number>();
    for (const s of p.slots) {
      const other = table.holdersOf(s, p.line)[0] ?? -1;
      if (other >= 0) shared.set(other, (shared.get(other) ?? 0) + 1);
    }
    return [...shared].filter(([, n]) => n >= k).sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([line]) => line);
  };

  const dropped = new Map<number, Drop>();
  let previous: RefPara | undefined;
  for (const p of paras) {
    if (p.whole && previous?.whole && !p.label && length(p) >= o.shortMinChars && length(p) === length(previous) && same(previous, p)) {
      dropped.set(p.line, { rule: 'repeated-paragraph', coverage: 1, sources: [previous.line] });
    } else previous = p;
  }
  const candidates: { p: RefPara; sources: number[] }[] = [];
  for (const p of paras) {
    if (p.slots.length === 0 || !enough(coverage(p), length(p))) continue;
    const sources = sourcesOf(p);
    if (sources.length > 0) candidates.push({ p, sources });
  }
  candidates.sort((a, b) => b.sources.length - a.sources.length || length(a.p) - length(b.p) || b.p.line - a.p.line);
  for (const cand of candidates) {
    const { p } = cand;
    const c = coverage(p);
    if (!enough(c, length(p))) continue;
    const sources = sourcesOf(p);
    if (length(p) < o.partialMinChars) {
      const outer = table.holdersOf(p.slots[0]!, p.line).find((q) => {
        const out = paras[q]!;
        for (let i = 0; i + length(p) <= length(out); i++) if (same(out, p, i)) return true;
        return false;
      });
      if (outer === undefined) continue;
      if (!sources.includes(outer)) sources.unshift(outer);
    }
    table.remove(p.line, p.slots);
    dropped.set(p.line, { rule: cand.sources.length > 1 ? 'stitched-paragraph' : 'repeated-paragraph', coverage: round3(c), sources: sources.length > 0 ? sources : cand.sources });
  }
  return dropped;
}

// ---- Reference: fingerprints -----------------------------------------------

function referenceHashRange(codes: ArrayLike<number>, seed: number): number {
  let h = seed | 0;
  for (let i = 0; i < codes.length; i++) {
    let k = Math.imul(codes[i]!, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  return fmix32(h ^ codes.length);
}

function referenceSignature(codes: Int32Array, k: number, P: number): number[] | null {
  if (codes.length === 0) return null;
  const shingles = codes.length < k ? [referenceHashRange(codes, 0x5bd1e995)] : referenceWindows(codes, 0, codes.length, k);
  const sig = new Uint32Array(P).fill(0xffffffff);
  const filled = new Uint8Array(P);
  for (const h of shingles) {
    const bin = Math.floor((h / 0x100000000) * P);
    const v = fmix32(h ^ 0x9e3779b9);
    if (!filled[bin] || v < sig[bin]!) {
      sig[bin] = v;
      filled[bin] = 1;
    }
  }
  for (let i = 0; i < P; i++) {
    if (filled[i]) continue;
    for (let attempt = 1; attempt <= 64 * P; attempt++) {
      const j = Math.floor((fmix32(Math.imul(i + 1, 0x9e3779b1) ^ Math.imul(attempt, 0x85ebca77)) / 0x100000000) * P);
      if (filled[j]) {
        sig[i] = sig[j]!;
        break;
      }
    }
  }
  return [...sig];
}

// ---- Reference: the corpus index ---------------------------------------------

class ReferenceIndex {
  ids: string[] = [];
  exact = new Map<string, number>();
  bands = new Map<number, number[]>();
  signatures: Uint8Array[] = [];
  constructor(readonly p: { permutations: number; bands: number; rows: number; threshold: number; near: boolean }) {}
  bandKey(sig: ArrayLike<number>, b: number): number {
    let h = 0x3c6ef372 ^ b;
    for (let r = b * this.p.rows; r < (b + 1) * this.p.rows; r++) h = fmix32(h ^ sig[r]!) + 0x6b43a9b5;
    return fmix32(h);
  }
  admit(id: string, fp: Fingerprint): { id: string; similarity: number; exact: boolean } | null {
    const key = `${fp.exact[0] >>> 0}:${fp.exact[1] >>> 0}`;
    const earlier = this.exact.get(key);
    if (earlier !== undefined) return { id: this.ids[earlier]!, similarity: 1, exact: true };
    const sig = this.p.near ? fp.signature : null;
    const small = sig ? Uint8Array.from(sig, (v) => v & 0xff) : null;
    if (sig && small) {
      let best = -1;
      let bestSim = -1;
      const seen = new Set<number>();
      for (let b = 0; b < this.p.bands; b++) {
        for (const doc of [...(this.bands.get(this.bandKey(sig, b)) ?? [])].reverse()) {
          if (seen.has(doc)) continue;
          seen.add(doc);
          let same = 0;
          for (let i = 0; i < this.p.permutations; i++) if (small[i] === this.signatures[doc]![i]) same++;
          const s = Math.max(0, (same / this.p.permutations - 1 / 256) / (1 - 1 / 256));
          if (s > bestSim || (s === bestSim && doc < best)) {
            best = doc;
            bestSim = s;
          }
        }
      }
      if (best >= 0 && bestSim >= this.p.threshold) return { id: this.ids[best]!, similarity: round3(bestSim), exact: false };
    }
    const doc = this.ids.length;
    this.ids.push(id);
    this.exact.set(key, doc);
    if (sig && small) {
      this.signatures[doc] = small;
      for (let b = 0; b < this.p.bands; b++) {
        const k = this.bandKey(sig, b);
        this.bands.set(k, [...(this.bands.get(k) ?? []), doc]);
      }
    }
    return null;
  }
}

// ---- Random documents ----------------------------------------------------------

const SENTENCES = [
  '国家统计局今天发布数据显示，一季度国内生产总值同比增长百分之五点三。',
  '國家統計局今天發布數據顯示,一季度國內生產總值同比增長百分之五點三.',
  '从需求看，最终消费支出对经济增长的贡献率达到百分之七十三。',
  '分行业看，制造业增加值增长百分之六点七，高技术制造业增长百分之七点五！',
  '记者：',
  '问：',
  '（资料图片）',
  '一季度经济开局良好',
  '𠀀𠀁𠀂汉字扩展区的字也算字𠀃𠀄𠀅',
  'ＡＢＣ１２３ abc123 GDP增长5.3%',
  '……',
  '   ',
  '新动能持续壮大，装备制造业增长百分之七点六',
  '孤立的代理\ud800半个字符\udc00也要照原样处理\ud83d',
  '下阶段要加大宏观政策实施力度，着力扩大国内需求，推动经济持续回升向好？',
];
const line = fc.array(fc.oneof(fc.constantFrom(...SENTENCES), fc.stringOf(fc.constantFrom(...'的一是在不了有和人这中大为上个国我'), { maxLength: 20 })), { maxLength: 6 }).map((parts) => parts.join(''));
const doc = fc
  .tuple(fc.array(line, { minLength: 1, maxLength: 14 }), fc.constantFrom('\n', '\r\n'), fc.boolean())
  .map(([lines, br, trailing]) => lines.join(br) + (trailing ? br : ''));
const options = fc.record({
  paragraphWindow: fc.constantFrom(4, 8, 12),
  partialMinChars: fc.constantFrom(20, 100),
  paragraphCoverage: fc.constantFrom(0.7, 0.9),
  paragraphMaxNew: fc.constantFrom(5, 40),
  shortMinChars: fc.constantFrom(1, 4),
});

describe('the fast paragraph comparison', () => {
  it('drops what the reference implementation drops, with the same figures and sources', () => {
    fc.assert(
      fc.property(doc, options, (text, opts) => {
        const o = { ...dedupe.defaults, ...opts };
        expect([...repeatedParagraphs(text, o).dropped]).toEqual([...referenceRepeated(text, o)]);
      }),
      { numRuns: 400, seed: 20261123 },
    );
  });

  it('hands out the folded text of the whole document', () => {
    fc.assert(
      fc.property(doc, (text) => {
        expect([...repeatedParagraphs(text, dedupe.defaults).folded]).toEqual([...fold(text).codes]);
      }),
      { numRuns: 100, seed: 20261123 },
    );
  });
});

describe('the fast fingerprint', () => {
  it('folds as fold does', () => {
    fc.assert(
      fc.property(doc, (text) => {
        const codes = new Int32Array(text.length);
        expect([...codes.subarray(0, foldCodes(text, codes))]).toEqual([...fold(text).codes]);
      }),
      { numRuns: 100, seed: 20261123 },
    );
  });

  it('gives the signatures and content hashes of the reference', () => {
    fc.assert(
      fc.property(doc, fc.constantFrom(3, 5), fc.constantFrom(1, 2, 64, 100, 256), (text, k, P) => {
        const codes = fold(text).codes;
        // The unsigned minima, as the int32 of their bits.
        expect(signature(codes, { shingle: k, permutations: P })).toEqual(referenceSignature(codes, k, P)?.map((v) => v | 0) ?? null);
        expect(hash64(codes)).toEqual([referenceHashRange(codes, 0x2f6b1d3a), referenceHashRange(codes, 0x7e3c9a15)]);
        expect(shingleHashes(codes, k).length).toBe(codes.length === 0 ? 0 : Math.max(1, codes.length - k + 1));
      }),
      { numRuns: 300, seed: 20261123 },
    );
  });

  it('is the same whether prepare folds the text or takes the fold apply made of it', () => {
    const d = (text: string) => ({ id: 'a', text, data: {}, reasons: [] }) as never;
    const o = dedupe.defaults;
    fc.assert(
      fc.property(doc, doc, (text, other) => {
        const alone = dedupe.prepare!(d(text), o);
        const otherAlone = dedupe.prepare!(d(other), o);
        dedupe.apply(d(text), o, {} as never);
        expect(dedupe.prepare!(d(text), o)).toEqual(alone);
        // After apply on one text, prepare on another folds that one.
        dedupe.apply(d(text), o, {} as never);
        expect(dedupe.prepare!(d(other), o)).toEqual(otherAlone);
      }),
      { numRuns: 100, seed: 20261123 },
    );
  });
});

describe('the fast corpus index', () => {
  /** Signatures in families: a random base and copies with some values changed, as near duplicates give. */
  const corpus = fc.array(fc.tuple(fc.nat(6), fc.nat(3), fc.integer({ min: 0, max: 200 }), fc.nat(3)), { minLength: 20, maxLength: 200, size: 'max' });

  it('admits and rejects as the reference does, with the same similarity', () => {
    fc.assert(
      fc.property(corpus, fc.constantFrom(32, 64, 256), (docs, P) => {
        const params = { permutations: P, bands: P / 8, rows: 4, threshold: 0.5, near: true };
        const fast = new MemoryDedupIndex(params);
        const reference = new ReferenceIndex(params);
        docs.forEach(([family, salt, changed, copy], i) => {
          const sig: number[] = [];
          for (let j = 0; j < P; j++) sig.push(fmix32(Math.imul(family + 1, 0x9e3779b1) ^ (j < (changed * P) / 256 ? salt * 7919 + j : j)));
          const fp: Fingerprint = { exact: [family, copy === 0 ? salt : i], signature: sig };
          expect(fast.admit(`d${i}`, fp)).toEqual(reference.admit(`d${i}`, fp));
        });
        expect(fast.size).toBe(reference.ids.length);
      }),
      { numRuns: 60, seed: 20261123 },
    );
  });

  it('tells a band key absent from a glance at where its probes start', () => {
    const t = new HashTable(32);
    const keys = new Int32Array(32);
    for (let i = 0; i < 32; i++) keys[i] = fmix32(i) | 0;
    expect(t.warm(keys, 32)).toBe(false);
    t.set(keys[10]!, 0, 7);
    expect(t.warm(keys, 32)).toBe(true);
    expect(t.get(keys[10]!)).toBe(7);
    expect(t.swap(keys[10]!, 0, 9)).toBe(7);
    expect(t.swap(keys[12]!, 0, 3)).toBe(0);
    expect(t.get(keys[11]!)).toBe(0);
  });

  it('keeps every band key and its value as the table grows, key 0 and negative keys too', () => {
    const t = new HashTable(32);
    const reference = new Map<number, number>();
    for (let i = 0; i < 50_000; i++) {
      const key = i === 0 ? 0 : fmix32(i * 3) | 0;
      const value = i % 2 === 0 ? i + 1 : -(i + 1);
      expect(t.swap(key, 0, value)).toBe(reference.get(key) ?? 0);
      reference.set(key, value);
    }
    expect(t.size).toBe(reference.size);
    for (const [key, value] of reference) expect(t.get(key)).toBe(value);
    // A 32-bit table leaves a low half out: given or not, the key is the same.
    expect(t.get(fmix32(3) | 0, 12345)).toBe(reference.get(fmix32(3) | 0));
  });

  it('keeps a document whose band key another one has by chance: the signatures decide', () => {
    // Two bands of two rows; band 0's key is a 32-bit hash of two values, so a search of a
    // few hundred thousand value pairs finds two pairs with one key (the birthday bound).
    const params = { permutations: 4, bands: 2, rows: 2, threshold: 0.5, near: true };
    const reference = new ReferenceIndex(params);
    const seen = new Map<number, number>();
    let pair: [number, number] | undefined;
    for (let i = 1; i < 1_000_000 && !pair; i++) {
      const key = reference.bandKey([i, i * 7], 0);
      const j = seen.get(key);
      if (j !== undefined) pair = [j, i];
      else seen.set(key, i);
    }
    expect(pair).toBeDefined();
    const [a, b] = pair!;
    const index = new MemoryDedupIndex(params);
    expect(index.admit('a', { exact: [1, 1], signature: [a, a * 7, 0x11, 0x22] })).toBeNull();
    expect(index.admit('b', { exact: [2, 2], signature: [b, b * 7, 0x33, 0x44] })).toBeNull();
    expect(index.size).toBe(2);
    // A real near copy of a (three of four values) is still found under the shared key:
    // 3 of 4 agree, less the chance agreement of 8-bit values, (3/4 − 1/256) / (1 − 1/256).
    expect(index.admit('c', { exact: [3, 3], signature: [a, a * 7, 0x11, 0x55] })).toEqual({ id: 'a', similarity: 0.749, exact: false });
  });
});
