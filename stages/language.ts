// language: which language the document is in, and each paragraph, with
// franc (trigram profiles after a script check). A document whose main
// language is not a target (default Mandarin, `cmn`) is rejected with a
// reason. Inside a Chinese document, a paragraph in another language is
// flagged, and dropped when it is boilerplate (a copyright line, a menu).
//
// franc on short text is a guess: below `minChars` letters the answer is
// `und` (undetermined), never a language.

import { francAll } from 'franc';
import { Changes } from '../pipeline/changes.js';
import { readPatterns } from '../pipeline/tables.js';
import { dropRange, round3, splitLines } from '../pipeline/text.js';
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

/**
 * Letters by script, by code-point ranges for the common cases (ASCII, Han, kana,
 * hangul, punctuation) and the Unicode letter class only for the rest: this runs on
 * every line, and regex matches that build arrays were the stage's main cost.
 */
function countLetters(text: string): LetterCounts {
  let letters = 0;
  let han = 0;
  let cjk = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) letters++;
    } else if ((c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf)) {
      han++;
      cjk++;
      letters++;
    } else if ((c >= 0x3040 && c <= 0x30ff) || (c >= 0xac00 && c <= 0xd7af) || (c >= 0x1100 && c <= 0x11ff)) {
      cjk++;
      letters++;
    } else if ((c >= 0x3000 && c <= 0x303f) || (c >= 0xff00 && c <= 0xff0f) || (c >= 0x2000 && c <= 0x206f)) {
      // CJK and general punctuation: not letters.
    } else if (c >= 0xd800 && c <= 0xdbff) {
      const cp = text.codePointAt(i)!;
      i++;
      if (LETTER_ONE.test(String.fromCodePoint(cp))) {
        letters++;
        if (cp >= 0x20000 && cp <= 0x3134f) {
          han++;
          cjk++;
        }
      }
    } else if (LETTER_ONE.test(text[i]!)) letters++;
  }
  return { letters, han, cjk };
}
const LETTER_ONE = /\p{L}/u;

type IdentifyOptions = Pick<LanguageOptions, 'minChars' | 'sampleChars' | 'candidates'>;

/** The first `sampleChars` of a text: franc's answer settles long before, and counts stay cheap. */
function sampleOf(text: string, o: IdentifyOptions): string {
  return text.length > o.sampleChars ? text.slice(0, o.sampleChars) : text;
}

/** The language of a text, `und` when it is too short to tell. */
export function identify(text: string, o: IdentifyOptions): Identification {
  const sample = sampleOf(text, o);
  return identifySample(sample, countLetters(sample), o);
}

function identifySample(sample: string, counts: LetterCounts, o: IdentifyOptions): Identification {
  const { letters, han, cjk } = counts;
  if (letters < o.minChars) return { code: 'und', score: 0 };
  // Mostly Han and no kana or hangul: franc's own script check would answer cmn; answer it
  // without running franc's many script expressions over the text (most lines take this path).
  if ((o.candidates.length === 0 || o.candidates.includes('cmn')) && cjk === han && han * 2 > letters) {
    return { code: 'cmn', score: round3(Math.min(1, han / letters)) };
  }
  const ranked = francAll(sample, { minLength: o.minChars, ...(o.candidates.length > 0 ? { only: o.candidates } : {}) });
  const code = ranked[0]?.[0] ?? 'und';
  if (code === 'und') return { code, score: 0 };
  const script = SCRIPT_OF[code] ?? LATIN;
  return { code, score: round3(Math.min(letters, sample.match(script)?.length ?? 0) / letters) };
}

/**
 * The main language: paragraphs vote with their letters (CJK characters
 * counted twice), so a Chinese article with an English footnote stays Chinese
 * although franc, counting characters, would read the whole as English.
 */
function mainLanguage(paragraphs: readonly { verdict: Identification; weight: number }[]): Identification {
  const weight = new Map<string, number>();
  let total = 0;
  for (const { verdict: v, weight: w } of paragraphs) {
    total += w;
    if (v.code !== 'und') weight.set(v.code, (weight.get(v.code) ?? 0) + w);
  }
  let best: [string, number] = ['und', 0];
  for (const [code, w] of weight) if (w > best[1]) best = [code, w];
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

  apply(doc, o) {
    const changes = new Changes();
    const lines = splitLines(doc.text);
    // Each line's letters counted once, on its sample, for its verdict and for its vote; the
    // vote is scaled to the whole line, so a 5-million-character line stays cheap.
    const paragraphs = lines.map((l) => {
      const sample = sampleOf(l.text, o);
      const counts = countLetters(sample);
      const scale = l.text.length / Math.max(1, sample.length);
      return { verdict: identifySample(sample, counts, o), weight: (counts.letters + counts.cjk) * scale };
    });
    const verdicts = paragraphs.map((p) => p.verdict);
    // Paragraphs vote; a text of short lines only is identified whole.
    let main = mainLanguage(paragraphs);
    if (main.code === 'und') main = identify(doc.text, o);
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

    const drop = verdicts.map((v, i) => v.code !== 'und' && !o.languages.includes(v.code) && isBoilerplate(lines[i]!.text));
    const firstKept = drop.indexOf(false);
    verdicts.forEach((v, i) => {
      counts[v.code] = (counts[v.code] ?? 0) + 1;
      if (v.code === 'und' || o.languages.includes(v.code)) return;
      const l = lines[i]!;
      if (drop[i]) {
        const [start, end] = dropRange(lines, i, firstKept);
        changes.change(doc.text, start, end, '', {
          rule: 'foreign-boilerplate',
          action: 'drop',
          line: i + 1,
          reason: `A line in ${v.code} (score ${v.score}) that is boilerplate (a copyright, notice or menu line) in a ${main.code} document.`,
          data: { ...v },
        });
      } else {
        changes.finding({ rule: 'foreign-paragraph', action: 'flag', line: i + 1, range: [l.start, l.end], before: l.text, reason: `A paragraph in ${v.code} (score ${v.score}) inside a ${main.code} document; kept.`, data: { ...v } });
      }
    });
    return changes.result({ data: { language: { ...main, paragraphs: counts } } });
  },
};

