// The despin stage's fast paths against plain reference implementations (the stage as
// first written): table matches and Han characters counted in one pass over typed tables,
// and windows judged on UTF-16 units in scratch rather than on cut strings.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countHan } from '../pipeline/text.js';
import { despin, findCandidates, judge, scan, spinTable, type Candidate, type DespinOptions, type SpinEntry } from '../stages/despin.js';
import { languageModel, type LanguageModel } from '../stages/despin/lm.js';
import { tempDir } from './helpers/cli.js';

/** findCandidates as first written: every entry of the first character's list tried with startsWith. */
function referenceCandidates(text: string, byFirst: Map<string, SpinEntry[]>): Candidate[] {
  const out: Candidate[] = [];
  for (let i = 0; i < text.length; ) {
    const e = (byFirst.get(text[i]!) ?? []).find((x) => text.startsWith(x.spun, i));
    if (e) {
      out.push({ start: i, end: i + e.spun.length, entry: e });
      i += e.spun.length;
    } else i++;
  }
  return out;
}

/** judge as first written: the window cut as two strings, each scored by logProb. */
function referenceJudge(text: string, candidates: Candidate[], o: DespinOptions, lm: LanguageModel) {
  const isEnd = (c: string) => '。！？!?；;\n'.includes(c);
  const results = candidates.map((candidate) => ({ candidate, gain: 0, applied: false }));
  for (let pass = 0; pass < 2; pass++) {
    let changed = false;
    results.forEach((r, i) => {
      if (r.applied) return;
      const { start, end, entry } = r.candidate;
      let sa = start;
      while (sa > 0 && !isEnd(text[sa - 1]!)) sa--;
      let sb = end;
      while (sb < text.length && !isEnd(text[sb]!)) sb++;
      const from = Math.max(sa, start - o.context);
      const to = Math.min(sb, end + o.context);
      let before = '';
      let after = '';
      let at = from;
      let lo = i;
      while (lo > 0 && results[lo - 1]!.candidate.end > from) lo--;
      for (let j = lo; j < results.length; j++) {
        const c = results[j]!.candidate;
        if (c.start >= to) break;
        if (c.end <= from) continue;
        if (c.start < from || c.end > to) continue;
        before += text.slice(at, c.start) + (results[j]!.applied ? c.entry.original : c.entry.spun);
        after += text.slice(at, c.start) + (j === i || results[j]!.applied ? c.entry.original : c.entry.spun);
        at = c.end;
      }
      before += text.slice(at, to);
      after += text.slice(at, to);
      r.gain = lm.logProb(after) - lm.logProb(before);
      if (r.gain > (entry.kind === 'sig' ? o.signatureMargin : o.margin)) {
        r.applied = true;
        changed = true;
      }
    });
    if (!changed) break;
  }
  return results;
}

// A user table with what the built-in one lacks: a one-unit entry repaired into a longer
// original (the window grows), and an astral spun form.
const dir = tempDir();
const extra = join(dir, 'extra.tsv');
writeFileSync(extra, '甲\t乙丙丁戊\tword\tgrows\n𠮷祥\t吉祥\tsig\tastral\n正在\t在\tword\toverrides the built-in entry\n');
const tables = [spinTable(), spinTable([extra])];

const forms = [...new Set([...tables[1]!.byFirst.values()].flat().flatMap((e) => [e.spun, e.original]))];
const piece = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...forms) },
  { weight: 4, arbitrary: fc.stringOf(fc.constantFrom(...'的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同'), { minLength: 1, maxLength: 8 }) },
  { weight: 2, arbitrary: fc.constantFrom('。', '！', '？', '；', '!', '?', ';', '\n', '，', ',', ' ', '\uff1a', '\u3001') },
  { weight: 1, arbitrary: fc.constantFrom('𠀀', '𠮷', '\ud840', '\udc00', '\ud83d\ude00', '々', '〇', '⺀', 'abc', '12') },
);
const text = fc.array(piece, { maxLength: 60 }).map((p) => p.join(''));

describe('scan: table matches and Han characters in one pass', () => {
  it('finds what the startsWith reference finds and counts what countHan counts', () => {
    fc.assert(
      fc.property(text, fc.constantFrom(0, 1), (t, which) => {
        const table = tables[which]!;
        const out: Candidate[] = [];
        expect(scan(t, table, out)).toBe(countHan(t));
        expect(out).toEqual(referenceCandidates(t, table.byFirst));
        expect(findCandidates(t, table)).toEqual(out);
      }),
      { numRuns: 2000 },
    );
  });

  it.each(['', '取', '正在', '反正在', '𠮷祥', '\ud842', '\ud842\udfb7', 'a\ud842', '平易近人取'])('handles %j at the edges', (t) => {
    for (const table of tables) {
      const out: Candidate[] = [];
      expect(scan(t, table, out)).toBe(countHan(t));
      expect(out).toEqual(referenceCandidates(t, table.byFirst));
    }
  });
});

describe('judge on units in scratch', () => {
  const lm = languageModel();
  const options = fc.record({
    // Whole numbers take the fast path; the rest (no meaning, but accepted) the strings, as before.
    context: fc.constantFrom(0, 1, 3, 10, 40, 2.5, -2, Number.POSITIVE_INFINITY),
    margin: fc.constantFrom(-0.1, 0.5, -3),
    signatureMargin: fc.constantFrom(-1, 0, 2),
  });
  it('gives the reference gains bit for bit, and the same repairs', () => {
    fc.assert(
      fc.property(text, fc.constantFrom(0, 1), options, (t, which, opts) => {
        const o = { ...despin.defaults, ...opts };
        const candidates = findCandidates(t, tables[which]!);
        const got = judge(t, candidates, o, lm);
        const want = referenceJudge(t, candidates, o, lm);
        expect(got.map((r) => [r.gain, r.applied])).toEqual(want.map((r) => [r.gain, r.applied]));
      }),
      { numRuns: 1500 },
    );
  });
});
