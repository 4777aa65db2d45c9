// language: which language the document is in, and each paragraph, with
// franc (trigram profiles after a script check). A document whose main
// language is not a target (default Mandarin, `cmn`) is rejected with a
// reason. Inside a Chinese document, a paragraph in another language is
// flagged, and dropped when it is boilerplate (a copyright line, a menu).
//
// franc on short text is a guess: below `minChars` letters the answer is
// `und` (undetermined), never a language.

import { francTop } from './language/franc.js';
import { Changes } from '../pipeline/changes.js';
import { readPatterns } from '../pipeline/tables.js';
import { dropRange, round3, splitLines, type Line } from '../pipeline/text.js';
import type { Stage } from '../pipeline/types.js';

export interface LanguageOptions {
  /** ISO 639-3 codes a document may be in; any other main language is rejected. */
  languages: string[];
  /** Fewer letters than this (Han characters, kana, hangul and Latin letters count) is `und`. */
  minChars: number;
  /** Look at no more than this many characters of a document (franc's answer settles long before). */
  sampleChars: number;
  /** Flag paragraphs in another language inside a document in a target language. */
  paragraphs: boolean;
  /**
   * Languages franc chooses among (ISO 639-3); empty for all 187 it knows. On short
   * text franc confuses close relatives (a plain English sentence as Scots), so by
   * default it chooses among the languages a Chinese news crawl meets.
   */
  candidates: string[];
}

export interface Identification {
  code: string;
  /** Share of the letters written in the language's script (franc ranks languages, it does not give a probability). */
  score: number;
}

const SCRIPT_OF: Record<string, RegExp> = {
  cmn: /\p{Script=Han}/gu,
  yue: /\p{Script=Han}/gu,
  jpn: /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/gu,
  kor: /[\p{Script=Hangul}\p{Script=Han}]/gu,
};
const LATIN = /\p{Script=Latin}/gu;

interface LetterCounts {
  /** Letters of any script. */
  letters: number;
  han: number;
  /** Han, kana and hangul. */
  cjk: number;
}

/** Per BMP unit: a letter, Han, CJK (Han, kana, hangul), the first half of a surrogate pair; KNOWN once classified. */
const U_LETTER = 1;
const U_HAN = 2;
const U_CJK = 4;
const U_HIGH = 8;
const U_KNOWN = 16;
const unitClasses = new Uint8Array(0x10000);

/** A BMP unit's class, by code-point ranges for the common cases and the Unicode letter class for the rest. */
function classify(c: number): number {
  if (c < 0x80) return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) ? U_KNOWN | U_LETTER : U_KNOWN;
  if ((c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf)) return U_KNOWN | U_LETTER | U_HAN | U_CJK;
  if ((c >= 0x3040 && c <= 0x30ff) || (c >= 0xac00 && c <= 0xd7af) || (c >= 0x1100 && c <= 0x11ff)) return U_KNOWN | U_LETTER | U_CJK;
  // CJK and general punctuation: not letters.
  if ((c >= 0x3000 && c <= 0x303f) || (c >= 0xff00 && c <= 0xff0f) || (c >= 0x2000 && c <= 0x206f)) return U_KNOWN;
  if (c >= 0xd800 && c <= 0xdbff) return U_KNOWN | U_HIGH;
  return LETTER_ONE.test(String.fromCharCode(c)) ? U_KNOWN | U_LETTER : U_KNOWN;
}

/**
 * Letters by script: a Han character of U+4E00–9FFF by its range (most units), any other
 * unit by a table memoised per unit (the Unicode letter class tested once per unit, not
 * per occurrence), a surrogate pair as one code point. This runs on every line.
 */
function countLetters(text: string, from = 0, to = text.length, out: LetterCounts = { letters: 0, han: 0, cjk: 0 }): LetterCounts {
  let letters = 0;
  let han = 0;
  let cjk = 0;
  /** Han units of U+4E00–9FFF: each a letter, Han and CJK. */
  let rangeHan = 0;
  const classes = unitClasses;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x4e00 && c <= 0x9fff) {
      rangeHan++;
      continue;
    }
    let k = classes[c]!;
    if (k === 0) k = classes[c] = classify(c);
    if ((k & U_HIGH) !== 0) {
      // A pair (or a lone first half, which takes the unit after it with it), read within [from, to).
      const cp = i + 1 < to ? text.codePointAt(i)! : c;
      i++;
      if (LETTER_ONE.test(String.fromCodePoint(cp))) {
        letters++;
        if (cp >= 0x20000 && cp <= 0x3134f) {
          han++;
          cjk++;
        }
      }
      continue;
    }
    letters += k & U_LETTER;
    han += (k & U_HAN) >> 1;
    cjk += (k & U_CJK) >> 2;
  }
  out.letters = letters + rangeHan;
  out.han = han + rangeHan;
  out.cjk = cjk + rangeHan;
  return out;
}
const LETTER_ONE = /\p{L}/u;
/** Reused for each line of a document. */
const lineCounts: LetterCounts = { letters: 0, han: 0, cjk: 0 };

type IdentifyOptions = Pick<LanguageOptions, 'minChars' | 'sampleChars' | 'candidates'>;

/** The first `sampleChars` of a text: franc's answer settles long before, and counts stay cheap. */
function sampleOf(text: string, o: IdentifyOptions): string {
  return text.length > o.sampleChars ? text.slice(0, o.sampleChars) : text;
}

/** The language of a text, `und` when it is too short to tell. */
export function identify(text: string, o: IdentifyOptions): Identification {
  const sample = sampleOf(text, o);
  const counts = countLetters(sample);
  return identification(sample, counts, countedLanguage(counts, o) ?? francTop(sample, o.minChars, o.candidates), o);
}

/**
 * Mostly Han and no kana or hangul: franc's own script check would answer cmn; the stage
 * answers it without running franc's many script expressions over the text (most lines).
 */
function hanShortcut({ letters, han, cjk }: LetterCounts, o: IdentifyOptions): boolean {
  return (o.candidates.length === 0 || o.candidates.includes('cmn')) && cjk === han && han * 2 > letters;
}

/** A sample's language code from its letter counts alone (`und` below `minChars` letters, cmn by the Han shortcut); undefined when franc must tell. */
function countedLanguage(counts: LetterCounts, o: IdentifyOptions): string | undefined {
  if (counts.letters < o.minChars) return 'und';
  return hanShortcut(counts, o) ? 'cmn' : undefined;
}

/** The code with its score: the share of the letters in the language's script. */
function identification(sample: string, counts: LetterCounts, code: string, o: IdentifyOptions): Identification {
  const { letters, han } = counts;
  if (code === 'und') return { code, score: 0 };
  if (hanShortcut(counts, o)) return { code, score: round3(Math.min(1, han / letters)) };
  const script = SCRIPT_OF[code] ?? LATIN;
  return { code, score: round3(Math.min(letters, sample.match(script)?.length ?? 0) / letters) };
}

/** One language's lines in a document: how many, their summed vote, and whether it is a target. */
interface Tally {
  code: string;
  lines: number;
  weight: number;
  target: boolean;
}

/**
 * The main language: paragraphs vote with their letters (CJK characters
 * counted twice), so a Chinese article with an English footnote stays Chinese
 * although franc, counting characters, would read the whole as English.
 * `tallies` are in the order the languages first occurred.
 */
function mainLanguage(tallies: readonly Tally[], total: number): Identification {
  let best: [string, number] = ['und', 0];
  for (const t of tallies) if (t.code !== 'und' && t.weight > best[1]) best = [t.code, t.weight];
  return best[0] === 'und' ? { code: 'und', score: 0 } : { code: best[0], score: round3(best[1] / total) };
}

let boilerplatePatterns: RegExp[] | undefined;
/** The boilerplate stage's own patterns (copyright, disclaimers, share bars ...), reused to tell foreign boilerplate. */
function isBoilerplate(line: string): boolean {
  boilerplatePatterns ??= readPatterns('stages', 'boilerplate', 'patterns.tsv').map((p) => p.regex);
  if (boilerplatePatterns.some((r) => r.test(line))) return true;
  // A menu: short pieces between separators, none of them a sentence.
  const pieces = line.split(/\s*[|｜/·•»>]\s*|\s{2,}/u).filter((p) => p !== '');
  return pieces.length >= 3 && pieces.every((p) => p.length <= 20 && !/[.!?。！？]$/u.test(p));
}

export const language: Stage<LanguageOptions> = {
  name: 'language',
  description: 'Identify the language of the document and of each paragraph (franc); reject documents not in a target language; flag foreign paragraphs, drop foreign boilerplate.',
  defaults: {
    languages: ['cmn'],
    minChars: 20,
    sampleChars: 4000,
    paragraphs: true,
    // Chinese, English, the neighbours' and the big web languages.
    candidates: ['cmn', 'eng', 'jpn', 'kor', 'rus', 'spa', 'fra', 'deu', 'por', 'ita', 'nld', 'arb', 'vie', 'tha', 'ind', 'zlm', 'tur', 'pol', 'ukr', 'hin', 'pes', 'heb', 'swe', 'ell'],
  },
  limits: {
    minChars: { integer: true, min: 0 },
    sampleChars: { integer: true, min: 1 },
  },

  apply(doc, o) {
    const changes = new Changes();
    const text = doc.text;
    // The lines as splitLines cuts them, without an object per line: most are Chinese and
    // need only their vote. Each line's letters are counted once, on its sample, for its
    // verdict and for its vote; the vote is scaled to the whole line, so a
    // 5-million-character line stays cheap.
    /** Per language met, in order: a handful, and a line mostly shares the language of the line before. */
    const tallies: Tally[] = [];
    let tally: Tally | undefined;
    /** The lines in a language that is not a target, by index, with their verdicts. */
    const foreign = new Map<number, Identification>();
    let total = 0;
    let index = 0;
    const letters = lineCounts;
    for (let start = 0; start <= text.length; index++) {
      const nl = text.indexOf('\n', start);
      if (nl === -1 && start === text.length && index > 0) break;
      const end = nl === -1 ? text.length : nl;
      // The line's sample: its first sampleChars units (sampleOf), cut only when franc or a score needs it.
      const sampleEnd = end - start > o.sampleChars ? start + o.sampleChars : end;
      countLetters(text, start, sampleEnd, letters);
      const code = countedLanguage(letters, o) ?? francTop(text.slice(start, sampleEnd), o.minChars, o.candidates);
      const weight = (letters.letters + letters.cjk) * ((end - start) / Math.max(1, sampleEnd - start));
      total += weight;
      if (tally?.code !== code) {
        tally = tallies.find((t) => t.code === code);
        if (!tally) tallies.push((tally = { code, lines: 0, weight: 0, target: o.languages.includes(code) }));
      }
      tally.lines++;
      if (code !== 'und') {
        tally.weight += weight;
        if (!tally.target) foreign.set(index, identification(text.slice(start, sampleEnd), letters, code, o));
      }
      if (nl === -1) break;
      start = nl + 1;
    }
    // Paragraphs vote; a text of short lines only is identified whole.
    let main = mainLanguage(tallies, total);
    if (main.code === 'und') main = identify(text, o);
    // Cleaning may have left too little to tell (an English page loses its lines to the
    // Chinese boilerplate rules): then the page as read says what language it was.
    if (main.code === 'und') main = identify(doc.original, o);
    const counts: Record<string, number> = {};
    if (main.code !== 'und' && !o.languages.includes(main.code)) {
      return changes.result({
        data: { language: { ...main, paragraphs: counts } },
        reject: [{ rule: 'not-target-language', reason: `the document is in ${main.code} (score ${main.score}), not in ${o.languages.join(' or ')}.`, data: { ...main } }],
      });
    }
    if (!o.paragraphs || main.code === 'und') return changes.result({ data: { language: { ...main, paragraphs: counts } } });

    for (const t of tallies) counts[t.code] = t.lines;
    if (foreign.size === 0) return changes.result({ data: { language: { ...main, paragraphs: counts } } });

    const lines: Line[] = splitLines(text);
    const drop = new Set<number>();
    for (const i of foreign.keys()) if (isBoilerplate(lines[i]!.text)) drop.add(i);
    let firstKept = 0;
    while (firstKept < lines.length && drop.has(firstKept)) firstKept++;
    if (firstKept === lines.length) firstKept = -1;
    for (const [i, v] of foreign) {
      const l = lines[i]!;
      if (drop.has(i)) {
        const [start, end] = dropRange(lines, i, firstKept);
        changes.change(text, start, end, '', {
          rule: 'foreign-boilerplate',
          action: 'drop',
          line: i + 1,
          reason: `A line in ${v.code} (score ${v.score}) that is boilerplate (a copyright, notice or menu line) in a ${main.code} document.`,
          data: { ...v },
        });
      } else {
        changes.finding({ rule: 'foreign-paragraph', action: 'flag', line: i + 1, range: [l.start, l.end], before: l.text, reason: `A paragraph in ${v.code} (score ${v.score}) inside a ${main.code} document; kept.`, data: { ...v } });
      }
    }
    return changes.result({ data: { language: { ...main, paragraphs: counts } } });
  },
};

