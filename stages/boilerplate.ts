// boilerplate: keep the article, drop what the page put around it.
//
// jusText's method, adapted to Chinese (which has no spaces to count words by):
//  1. Each line gets a first class from its own signals. Pattern tables beside
//     this file (boilerplate/patterns.tsv, boilerplate/nav-words.tsv) mark lines
//     that are boilerplate whatever their context: navigation, datelines, credits,
//     copyright, disclaimers, contacts, continuation markers, separators, promo
//     headings, ads, captions. Otherwise length in characters, share of Han
//     characters and punctuation decide: `good` (running prose), `near` (a short
//     sentence), `short` (a line without sentence punctuation: a heading, a menu
//     item, a headline in a list), or `bad` (a long line without any punctuation:
//     a row of links or keywords).
//  2. Runs: three or more short lines without punctuation in a row are a menu or
//     a link list; short headlines alternating with one-line summaries are a
//     teaser block.
//  3. Context: a short or near line is judged by its neighbours. Between body
//     paragraphs it is a subheading or a short paragraph and stays; among
//     boilerplate it goes. Short lines right above the first body paragraph are
//     the page's headline and metadata and go (they are kept in the report as
//     the title); further down they head a section or an article and stay.
//  4. Across a corpus (CCNet's paragraph hashing): a line that is not prose and
//     recurs in many documents is site furniture. This needs the scan pass.

import { Changes } from '../pipeline/changes.js';
import { readPatterns, readWords } from '../pipeline/tables.js';
import { LiteralFilter, patternNeeds } from './boilerplate/literals.js';
import { countOf, Sightings, tallyKeys } from './boilerplate/recurring.js';
import { HashTable } from '../pipeline/hashing.js';
import { charCount, dropRange, isHan, isSpace, splitLines, unitTable, unitsMatching } from '../pipeline/text.js';
import type { CorpusContext, Stage } from '../pipeline/types.js';

export interface BoilerplateOptions {
  /** A line at least this long with `goodMinPunct` inner punctuation marks is body prose. */
  goodMinChars: number;
  goodMinPunct: number;
  /** A line this long or longer with no punctuation at all is a row of links or keywords. */
  longNoPunctChars: number;
  /** Short lines without punctuation this many in a row are a menu or a link list. */
  linkListMinRun: number;
  /** Headline + summary pairs this many in a row are a teaser block. */
  teaserMinPairs: number;
  /** Longest summary paragraph of a dated feed item. */
  teaserMaxChars: number;
  /** Longest one-sentence summary of an undated sidebar teaser (two such pairs make a teaser block). */
  teaserSentenceMaxChars: number;
  /** Most short lines in a row kept between body paragraphs (heading, subheading, kicker). */
  maxHeadingRun: number;
  /** Dropped lines between two kept ones that split the page into separate regions (a boundary rule counts as this many). */
  regionGapLines: number;
  /** A region with two paragraphs and this much prose is an article of its own (several on a newspaper page). */
  articleMinChars: number;
  /** Most lines between the headline the page title names and the start of its article. */
  anchorMaxDistance: number;
  /** A region is kept when its prose is at least this share of the largest region's. */
  regionMinShare: number;
  /** Drop non-prose lines seen in at least this many documents ... */
  recurringMinDocs: number;
  /** ... when the scan pass saw at least this many documents (0 turns the rule off). */
  recurringMinCorpus: number;
}

type Cls = 'good' | 'near' | 'short' | 'bad';

/** A line's class, and for a dropped line the rule and reason. Never changed once made: replaced. */
interface Verdict {
  readonly cls: Cls;
  readonly rule: string | undefined;
  readonly reason: string | undefined;
}

// Every verdict has all three keys, so all verdicts share one shape: verdicts of one and of
// three keys made every function that reads them (markRuns, smooth, apply) see several
// shapes, and V8 dropped its optimised code for them and compiled them again, up to 7 times.
const GOOD: Verdict = { cls: 'good', rule: undefined, reason: undefined };
const NEAR: Verdict = { cls: 'near', rule: undefined, reason: undefined };
const SHORT: Verdict = { cls: 'short', rule: undefined, reason: undefined };

/** A dropped line's verdict. */
function bad(rule: string, reason: string): Verdict {
  return { cls: 'bad', rule, reason };
}

const PATTERNS = readPatterns('stages', 'boilerplate', 'patterns.tsv');
const NAV_WORDS = readWords('stages', 'boilerplate', 'nav-words.tsv');

/**
 * The words each pattern's matches must start with or contain (boilerplate/literals.ts):
 * one look over a line tells which patterns can match it, and only those are tried. Most
 * lines are prose that holds none of the words, and no pattern is run on them.
 */
const LITERALS = new LiteralFilter(PATTERNS.map((p) => patternNeeds(p.regex.source)));
/** The same for the patterns of scope `any`, the only ones tried on prose. */
const ANY_PATTERNS = PATTERNS.filter((p) => p.scope === 'any');
const ANY_LITERALS = new LiteralFilter(ANY_PATTERNS.map((p) => patternNeeds(p.regex.source)));

/** Pieces of a menu line: spaces and the separators sites put between links. */
const NAV_SEPARATOR = /[\s|｜/·>»＞丨•]/u;
const NAV_SEPARATORS = new RegExp(`${NAV_SEPARATOR.source}+`, 'u');
/** NAV_SEPARATOR as a set of UTF-16 units (every \s is one unit). */
const NAV_SEPARATOR_CHARS = unitsMatching(NAV_SEPARATOR);
/** The longest menu word. */
const MAX_NAV_WORD = Math.max(0, ...[...NAV_WORDS.keys()].map((w) => w.length));
/** Numbered headings (1. 一、 （一）) are an article's structure, never a feed's. */
const BLOCK_NUMBER = /^(?:\d{1,2}[.．、)）]|[一二三四五六七八九十]{1,3}[、.．]|[（(][一二三四五六七八九十\d]{1,3}[)）])/u;
/** A short label and a colon (备注：, 成人票原价：): a line of structured data, not a headline. */
const KEY_VALUE = /^[^，。：:]{1,6}[：:]/u;
/** What sites put between the headline and their name in a page title. */
const TITLE_SEPARATORS = /\s*[_|｜–—]+\s*|\s+-+\s+|-{2,}/u;

const REASONS: Record<string, string> = {
  nav: 'A navigation, toolbar or footer link, not article text.',
  'no-punctuation': 'A long line with no punctuation at all is a row of links or keywords, not prose.',
  'link-list': 'Three or more short lines without punctuation in a row form a menu or a list of links.',
  'teaser-list': 'Headlines alternating with one-line summaries form a block of links to other articles.',
  headline: 'Short lines above the first body paragraph are the page headline and metadata; the headline is kept in the report as the title.',
  context: 'A short line among boilerplate, away from the body text.',
  region: 'Text in a region of the page separated from the article by boilerplate (related articles, feeds, comments), with much less prose than the article.',
  'recurring-line': 'The line recurs in many documents of the corpus: site furniture, not this article.',
};

interface Features {
  n: number;
  enumCommas: number;
  han: number;
  punct: number;
  endsSentence: boolean;
}

/** Sentence punctuation wherever it stands. */
const CJK_MARKS = unitTable('，。、；：！？…');
/** ASCII marks, sentence punctuation only next to Han text (not in 3,930 or 4.7). */
const ASCII_MARKS = unitTable(',;:!?');
/** Last characters that end a sentence or a clause. */
const SENTENCE_ENDS = unitTable('。！？!?…；;，,、："\'”’」』）)】');

/** What features() needs to know of a BMP unit, in one lookup. */
const HAN = 1;
const SPACE = 2;
const ENUM_COMMA = 3;
const CJK_MARK = 4;
const ASCII_MARK = 5;
const UNIT_CLASS = (() => {
  const table = new Uint8Array(0x10000);
  for (let c = 0; c < 0x10000; c++) {
    if (isHan(c)) table[c] = HAN;
    else if (isSpace(c)) table[c] = SPACE;
    else if (c === 0x3001) table[c] = ENUM_COMMA;
    else if (CJK_MARKS[c] === 1) table[c] = CJK_MARK;
    else if (c < 0x80 && ASCII_MARKS[c] === 1) table[c] = ASCII_MARK;
  }
  return table;
})();

/**
 * A line's signals, counted on the line without white space in one pass over its code
 * points (five regexes over every line of every document cost more than the rest of the
 * stage; test/boilerplate.test.ts keeps them as the reference these counts must equal).
 * An ASCII mark counts as punctuation next to Han text: it waits for the next character.
 */
export function features(line: string): Features {
  let n = 0;
  let han = 0;
  let punct = 0;
  let enumCommas = 0;
  let last = -1;
  let prevHan = false;
  /** An ASCII mark waits for the character after it; whether a Han character stood before it. */
  let pending = false;
  let pendingAfterHan = false;
  for (let i = 0; i < line.length; i++) {
    let c = line.charCodeAt(i);
    let cls: number;
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < line.length) {
      const lo = line.charCodeAt(i + 1);
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
        i++;
      }
    }
    if (c < 0x10000) {
      cls = UNIT_CLASS[c]!;
      if (cls === SPACE) continue;
    } else cls = isHan(c) ? HAN : 0;
    n++;
    const isHanNow = cls === HAN;
    if (pending) {
      // The mark before this character: punctuation after Han text (not in 3,930) or before it.
      if ((pendingAfterHan && !(c >= 0x30 && c <= 0x39)) || isHanNow) punct++;
      pending = false;
    }
    if (isHanNow) han++;
    else if (cls === ENUM_COMMA) {
      enumCommas++;
      punct++;
    } else if (cls === CJK_MARK) punct++;
    else if (cls === ASCII_MARK) {
      pending = true;
      pendingAfterHan = prevHan;
    }
    prevHan = isHanNow;
    last = c;
  }
  if (pending && pendingAfterHan) punct++;
  return { n, enumCommas, han, punct, endsSentence: n > 0 && last < 0x10000 && SENTENCE_ENDS[last] === 1 };
}

function isNav(line: string): boolean {
  // A line longer than any menu word is no menu word (and hashing it for the lookup reads it all).
  if (line.length <= MAX_NAV_WORD && NAV_WORDS.has(line)) return true;
  // A menu line starts with a menu word: look at the first piece before splitting the line,
  // no further than a menu word reaches.
  let first = 0;
  while (first < line.length && NAV_SEPARATOR_CHARS[line.charCodeAt(first)] === 1) first++;
  let end = first;
  while (end < line.length && end - first <= MAX_NAV_WORD && NAV_SEPARATOR_CHARS[line.charCodeAt(end)] === 0) end++;
  if (end === line.length || end - first > MAX_NAV_WORD || !NAV_WORDS.has(line.slice(first, end))) return false;
  const pieces = line.split(NAV_SEPARATORS).filter(Boolean);
  return pieces.length > 1 && pieces.every((p) => NAV_WORDS.has(p));
}

/**
 * Key of a line for corpus counting: a 53-bit hash of the line without
 * whitespace, digits or punctuation (so "点击：94次" and "点击：12次" are one line).
 * A number, not the string: the index holds one entry per distinct line of the
 * whole corpus. Two FNV-1a hashes with different offsets, 32 + 21 bits.
 */
export function lineKey(line: string): number {
  // The line's UTF-16 units without the left-out characters, then the hashes over them.
  if (keyUnits.length < line.length) keyUnits = new Uint16Array(line.length * 2);
  let n = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line.codePointAt(i)!;
    if (c > 0xffff) i++;
    n = keyUnit(c, n);
  }
  return hashKeyUnits(n);
}

/** Adds a code point's units to `keyUnits` at n unless a key leaves it out; returns the new n. */
function keyUnit(c: number, n: number): number {
  if (c <= 0xffff) {
    if (KEY_SKIP_UNITS[c] === 0) keyUnits[n++] = c;
  } else if (!KEY_SKIP.test(String.fromCodePoint(c))) {
    // An astral character (rare): the regex decides; both its units are hashed.
    keyUnits[n++] = 0xd800 + ((c - 0x10000) >> 10);
    keyUnits[n++] = 0xdc00 + ((c - 0x10000) & 0x3ff);
  }
  return n;
}

function hashKeyUnits(n: number): number {
  if (n === 0) return 0;
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ n;
  for (let i = 0; i < n; i++) {
    const c = keyUnits[i]!;
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
  }
  return (h1 >>> 0) * 0x200000 + (h2 >>> 11);
}

/**
 * The keys of a document's lines, as `scan` counts them, from its code points: the scan
 * pass gets a UTF-8 file's code points without making a string (pipeline/decode.ts).
 * Lines end where `scan` splits them (\n, \r, U+2028, U+2029; an empty line has no key).
 */
export function lineKeysOfCodePoints(codePoints: Int32Array, length: number, into: Set<number>): void {
  if (keyUnits.length < length * 2) keyUnits = new Uint16Array(length * 2);
  let n = 0;
  for (let i = 0; i < length; i++) {
    const c = codePoints[i]!;
    if (c === 0x0a || c === 0x0d || c === 0x2028 || c === 0x2029) {
      const key = hashKeyUnits(n);
      if (key !== 0) into.add(key);
      n = 0;
    } else n = keyUnit(c, n);
  }
  const key = hashKeyUnits(n);
  if (key !== 0) into.add(key);
}

/** What a line key leaves out: white space, punctuation, symbols, digits. */
const KEY_SKIP = /[\s\p{P}\p{S}\d]/u;
/** KEY_SKIP for every BMP code unit. */
const KEY_SKIP_UNITS = unitsMatching(KEY_SKIP);
let keyUnits = new Uint16Array(256);

/** The corpus's line counts, of the lines seen in two documents or more (sent to worker threads with the context). */
function recurringCounts(ctx: CorpusContext): HashTable {
  return HashTable.revive(ctx.store('boilerplate.recurring', () => new HashTable()));
}

/** The lines seen once so far, beside each context's counts: needed only where the scan pass counts (never sent to a worker). */
const sightingsOf = new WeakMap<HashTable, Sightings>();

function firstClass(line: string, f: Features, o: BoilerplateOptions): Verdict {
  if (isNav(line)) return bad('nav', REASONS.nav!);
  const hanShare = f.n > 0 ? f.han / f.n : 0;
  const prose = f.n >= o.goodMinChars && f.punct >= o.goodMinPunct && hanShare >= 0.4;
  const [patterns, filter] = prose ? [ANY_PATTERNS, ANY_LITERALS] : [PATTERNS, LITERALS];
  if (filter.scan(line)) {
    for (let k = 0; k < patterns.length; k++) {
      const p = patterns[k]!;
      if (filter.hits[k] === 1 && p.regex.test(line)) return bad(p.rule, `${p.comment} (${p.source})`);
    }
  }
  if (prose) return GOOD;
  if (f.n >= o.longNoPunctChars && f.punct === 0 && !f.endsSentence) {
    return bad('no-punctuation', REASONS['no-punctuation']!);
  }
  if (f.punct >= 1 && f.endsSentence && f.n >= 5 && hanShare >= 0.5) return NEAR;
  // Enumeration commas (、) alone do not make a sentence: headlines list things with them.
  if (f.punct - f.enumCommas >= 2 && f.n >= 15) return NEAR;
  return SHORT;
}

export const boilerplate: Stage<BoilerplateOptions> = {
  name: 'boilerplate',
  description: 'Drop navigation, datelines, credits, disclaimers, link lists and other page furniture around the article.',
  defaults: {
    goodMinChars: 40,
    goodMinPunct: 2,
    longNoPunctChars: 40,
    linkListMinRun: 3,
    teaserMinPairs: 3,
    teaserMaxChars: 200,
    teaserSentenceMaxChars: 60,
    maxHeadingRun: 3,
    regionGapLines: 4,
    regionMinShare: 0.3,
    anchorMaxDistance: 12,
    articleMinChars: 200,
    recurringMinDocs: 5,
    recurringMinCorpus: 50,
  },
  limits: {
    goodMinChars: { integer: true, min: 0 },
    goodMinPunct: { integer: true, min: 0 },
    longNoPunctChars: { integer: true, min: 0 },
    linkListMinRun: { integer: true, min: 1 },
    teaserMinPairs: { integer: true, min: 1 },
    teaserMaxChars: { integer: true, min: 0 },
    teaserSentenceMaxChars: { integer: true, min: 0 },
    maxHeadingRun: { integer: true, min: 0 },
    regionGapLines: { integer: true, min: 0 },
    regionMinShare: { min: 0, max: 1 },
    anchorMaxDistance: { integer: true, min: 0 },
    articleMinChars: { integer: true, min: 0 },
    // A line "recurs" in two documents or more: 1 would drop every line that is not prose.
    recurringMinDocs: { integer: true, min: 2 },
    recurringMinCorpus: { integer: true, min: 0 },
  },

  scan(text) {
    // The document's distinct line keys.
    const seen = new Set<number>();
    for (const raw of text.split(/\r\n|[\n\r\u2028\u2029]/u)) {
      const key = lineKey(raw);
      if (key !== 0) seen.add(key);
    }
    return [...seen];
  },

  scanCodePoints(codePoints, length) {
    const seen = new Set<number>();
    lineKeysOfCodePoints(codePoints, length, seen);
    return [...seen];
  },

  tally(summary, _options, ctx) {
    const counts = recurringCounts(ctx);
    let sightings = sightingsOf.get(counts);
    if (!sightings) sightingsOf.set(counts, (sightings = new Sightings()));
    tallyKeys(counts, sightings, summary as number[]);
  },

  apply(doc, o, ctx) {
    if (doc.text === '') return {};
    const lines = splitLines(doc.text);
    const texts = lines.map((l) => l.text);
    const feats = texts.map(features);
    const v: Verdict[] = lines.map((l, i) => firstClass(l.text, feats[i]!, o));

    // Corpus-wide recurrence, for lines that are not body prose.
    const corpus = ctx.scannedDocuments ?? 0;
    if (o.recurringMinCorpus > 0 && corpus >= o.recurringMinCorpus) {
      const counts = recurringCounts(ctx);
      lines.forEach((l, i) => {
        if (v[i]!.cls === 'good' || v[i]!.cls === 'bad') return;
        const seen = countOf(counts, lineKey(l.text));
        if (seen >= o.recurringMinDocs) {
          v[i] = bad('recurring-line', `${REASONS['recurring-line']} (seen in ${seen} of ${corpus} documents)`);
        }
      });
    }

    const firstVerdicts = [...v];
    markRuns(v, feats, texts, o);
    smooth(v, feats, o);
    selectRegion(v, feats, firstVerdicts, titleAnchor(texts), o);

    // Drop every bad line (dropRange keeps the kept lines joined by one \n).
    // Consecutive lines dropped by one rule share a finding.
    const changes = new Changes();
    const firstKept = v.findIndex((x) => x.cls !== 'bad');
    let open: { rule: string; finding: number } | undefined;
    lines.forEach((l, i) => {
      const verdict = v[i]!;
      if (verdict.cls !== 'bad') {
        open = undefined;
        return;
      }
      const rule = verdict.rule ?? 'context';
      const [start, end] = dropRange(lines, i, firstKept);
      if (!open || open.rule !== rule) {
        const finding = changes.finding({ rule, action: 'drop', line: i + 1, range: [l.start, l.end], before: l.text, after: '', reason: verdict.reason ?? REASONS[rule]! });
        open = { rule, finding };
      }
      changes.edit(start, end, '', open.finding);
    });
    const title = headline(texts, firstVerdicts);
    return changes.result(title ? { data: { title } } : {});
  },
};

/** The page's headline: the longest line without punctuation above the first body paragraph. */
function headline(lines: string[], first: Verdict[]): string | undefined {
  const firstGood = first.findIndex((x) => x.cls === 'good');
  let best: string | undefined;
  for (let i = 0; i < (firstGood === -1 ? 0 : firstGood); i++) {
    if (first[i]!.cls !== 'short') continue;
    const n = charCount(lines[i]!);
    if (n >= 6 && n <= 80 && (!best || n > charCount(best))) best = lines[i];
  }
  return best;
}

/** Step 2: menus and link lists (runs of short unpunctuated lines), teaser blocks. */
function markRuns(v: Verdict[], feats: Features[], lines: string[], o: BoilerplateOptions): void {
  // Runs of non-prose lines; bad lines (dates between headlines) do not break a run.
  let i = 0;
  while (i < v.length) {
    if (v[i]!.cls === 'good' || v[i]!.cls === 'near') {
      i++;
      continue;
    }
    let j = i;
    while (j < v.length && (v[j]!.cls === 'short' || v[j]!.cls === 'bad')) j++;
    const shorts = [];
    for (let k = i; k < j; k++) if (v[k]!.cls === 'short' && feats[k]!.punct === 0) shorts.push(k);
    if (shorts.length >= o.linkListMinRun) {
      for (const k of shorts) v[k] = bad('link-list', REASONS['link-list']!);
    }
    i = j;
  }
  // Teasers: a headline, then one short paragraph (its summary), then the next
  // headline, possibly with a date or source line between; repeated. An article's
  // subheadings head longer text, or several paragraphs.
  const isSummary = (k: number): boolean => (v[k]!.cls === 'near' || v[k]!.cls === 'good') && feats[k]!.n <= o.teaserMaxChars;
  const skipBad = (k: number): number => {
    while (k < v.length && v[k]!.cls === 'bad' && v[k]!.rule !== 'link-list') k++;
    return k;
  };
  const isMeta = (k: number): boolean => k >= 0 && k < v.length && v[k]!.cls === 'bad' && (v[k]!.rule === 'dateline' || v[k]!.rule === 'click-count');
  for (let k = 0; k < v.length; ) {
    const pairs: [number, number][] = [];
    let dated = 0;
    let oneLiners = 0;
    let m = skipBad(k);
    while (m + 1 < v.length && v[m]!.cls === 'short' && !BLOCK_NUMBER.test(lines[m]!)) {
      const sum = skipBad(m + 1);
      if (sum >= v.length || !isSummary(sum)) break;
      const after = skipBad(sum + 1);
      if (after < v.length && (v[after]!.cls === 'near' || v[after]!.cls === 'good')) break; // more than one paragraph: a section
      // A feed item carries a date, time or source line; a sidebar teaser is one short sentence.
      let hasDate = isMeta(m - 1);
      for (let x = m + 1; x < after && !hasDate; x++) hasDate = isMeta(x);
      const oneLiner =
        feats[sum]!.n <= o.teaserSentenceMaxChars &&
        (lines[sum]!.match(/[。！？!?]/gu)?.length ?? 0) <= 1 &&
        !KEY_VALUE.test(lines[m]!) &&
        !KEY_VALUE.test(lines[sum]!);
      if (!hasDate && !oneLiner) break;
      if (hasDate) dated++;
      if (oneLiner) oneLiners++;
      pairs.push([m, sum]);
      m = after;
    }
    const feed = pairs.length >= o.teaserMinPairs && dated === pairs.length;
    const sidebar = pairs.length >= 2 && oneLiners === pairs.length;
    if (feed || sidebar) {
      for (const [h, sum] of pairs) {
        v[h] = bad('teaser-list', REASONS['teaser-list']!);
        v[sum] = bad('teaser-list', REASONS['teaser-list']!);
      }
      k = m;
    } else k++;
  }
}

/** Rules whose lines mark where an article ends and other page content starts. */
const BOUNDARY_RULES = new Set(['promo', 'comments', 'copyright', 'prev-next', 'share', 'disclaimer']);
/** Rules whose lines interrupt an article without ending it: an inline ad, a photo caption. */
const INTERRUPTION_RULES = new Set(['ad', 'caption', 'contact']);

/**
 * Step 4: the article is one region of the page. Kept lines are grouped into
 * regions separated by runs of boilerplate (or by a line that ends an article:
 * related links, comments, copyright); regions with much less prose than the
 * largest one are other page content and go.
 */
function selectRegion(v: Verdict[], feats: Features[], first: Verdict[], anchor: number, o: BoilerplateOptions): void {
  interface Region {
    lines: number[];
    prose: number;
    /** Lines of running prose (paragraphs, not headings or one-liners). */
    paragraphs: number;
    /** A boundary rule (related links, comments, copyright ...) sits between this region and the one before. */
    boundaryBefore: boolean;
    /** A heading of related links, comments or a feed stands somewhere above this region. */
    belowPromo: boolean;
  }
  const regions: Region[] = [];
  let current: Region | undefined;
  let gap = 0;
  let boundary = false;
  let promo = false;
  v.forEach((x, i) => {
    if (x.cls === 'bad') {
      const hard = x.rule !== undefined && BOUNDARY_RULES.has(x.rule);
      gap += hard ? o.regionGapLines : x.rule !== undefined && INTERRUPTION_RULES.has(x.rule) ? 0 : 1;
      boundary ||= hard;
      // Once prose has been seen, a promo heading or a comment box closes the article.
      if (regions.some((r) => r.prose > 0) && (x.rule === 'promo' || x.rule === 'comments')) promo = true;
      return;
    }
    if (!current || gap >= o.regionGapLines) {
      current = { lines: [], prose: 0, paragraphs: 0, boundaryBefore: boundary, belowPromo: promo };
      regions.push(current);
    }
    gap = 0;
    boundary = false;
    current.lines.push(i);
    if (first[i]!.cls === 'good' || first[i]!.cls === 'near') current.prose += feats[i]!.n;
    if (first[i]!.cls === 'good') current.paragraphs++;
  });
  // A region is an article of its own (a newspaper page holds several) when it has paragraphs of prose.
  const article = (r: Region): boolean => r.prose >= o.regionMinShare * mainProse || (r.paragraphs >= 2 && r.prose >= o.articleMinChars);
  if (regions.length < 2) return;
  let mainProse = 0;
  // The article: the region under the headline the page title names, else the one with most prose.
  let main = anchor > 0 ? regions.findIndex((r) => r.lines[r.lines.length - 1]! > anchor && r.prose > 0) : -1;
  // The headline stands right above its article; an anchor far from any prose is a false match.
  if (main !== -1 && regions[main]!.lines[0]! - anchor > o.anchorMaxDistance) main = -1;
  if (main === -1) {
    // What follows "related articles", a comment box or a feed is not the article, unless nothing else has prose.
    const eligible = regions.some((r) => !r.belowPromo && r.prose > 0) ? (r: Region) => !r.belowPromo : () => true;
    main = regions.reduce((b, r, i) => (eligible(r) && (!eligible(regions[b]!) || r.prose > regions[b]!.prose) ? i : b), 0);
  }
  mainProse = regions[main]!.prose;
  const keep = new Set([main]);
  // Neighbouring regions belong to the article when no boundary separates them and they carry prose.
  for (let i = main + 1; i < regions.length && !regions[i]!.boundaryBefore && !regions[i]!.belowPromo; i++) {
    if (article(regions[i]!)) keep.add(i);
  }
  for (let i = main - 1; i >= 0 && !regions[i + 1]!.boundaryBefore && i > (anchor > 0 ? Infinity : -1); i--) {
    if (article(regions[i]!)) keep.add(i);
  }
  regions.forEach((r, i) => {
    if (keep.has(i)) return;
    for (const k of r.lines) v[k] = bad('region', REASONS.region!);
  });
}

/**
 * Where the page's headline stands in the text: the first line is the HTML
 * title ("headline_site name"); the article's own headline repeats its core
 * further down. Returns that line's index, or -1.
 */
function titleAnchor(lines: string[]): number {
  const first = lines[0];
  if (!first || lines.length < 5 || charCount(first) > 100 || /[。！？]$/u.test(first)) return -1;
  // Sites put the headline first: "headline_site", "headline - channel - site".
  const core = first.split(TITLE_SEPARATORS).find((part) => charCount(part) >= 6)?.replace(/\s+/gu, '');
  if (!core) return -1;
  // The headline's line is not much longer than the core: the length rules out body
  // paragraphs before a substring search of each (most of this function's time).
  const longest = core.length * 2 + 20;
  for (let i = 1; i < lines.length; i++) {
    const line = withoutSpace(lines[i]!);
    if (line.length < 6 || line.length > longest) continue;
    if (line.includes(core) || (core.includes(line) && line.length >= 0.6 * core.length)) return i;
  }
  return -1;
}

/** The line without white space; most lines have none, and are not copied. */
function withoutSpace(line: string): string {
  for (let i = 0; i < line.length; i++) if (isSpace(line.charCodeAt(i))) return line.replace(/\s+/gu, '');
  return line;
}

/** Step 3: judge short and near lines by their neighbours. */
function smooth(v: Verdict[], feats: Features[], o: BoilerplateOptions): void {
  const firstGood = v.findIndex((x) => x.cls === 'good');
  // Inline ads and captions interrupt the text; the neighbours are what lies beyond them.
  // Worked out for every line in two passes (not a walk per line: a page of ten thousand
  // near lines would take a hundred million steps).
  const neighbours = (skip: Set<Cls>): { up: (Cls | 'edge')[]; down: (Cls | 'edge')[] } => {
    const counts = (x: Verdict): boolean => !skip.has(x.cls) && !(x.rule !== undefined && INTERRUPTION_RULES.has(x.rule));
    const up: (Cls | 'edge')[] = new Array(v.length);
    const down: (Cls | 'edge')[] = new Array(v.length);
    let last: Cls | 'edge' = 'edge';
    for (let k = 0; k < v.length; k++) {
      up[k] = last;
      if (counts(v[k]!)) last = v[k]!.cls;
    }
    last = 'edge';
    for (let k = v.length - 1; k >= 0; k--) {
      down[k] = last;
      if (counts(v[k]!)) last = v[k]!.cls;
    }
    return { up, down };
  };
  const shortOnly = new Set<Cls>(['short']);
  const shortAndNear = new Set<Cls>(['short', 'near']);

  // Near lines (short sentences): kept unless boilerplate lies on both sides.
  // In a document without any paragraph of prose (a brief, a one-sentence item) the
  // edges are not boilerplate: its sentences are all the text there is.
  const edgeIsBad = firstGood !== -1;
  const near: number[] = [];
  v.forEach((x, i) => x.cls === 'near' && near.push(i));
  const isBad = (c: Cls | 'edge'): boolean => c === 'bad' || (c === 'edge' && edgeIsBad);
  const aroundNear = neighbours(shortAndNear);
  const nearVerdict = near.map((i) => (isBad(aroundNear.up[i]!) && isBad(aroundNear.down[i]!) ? 'bad' : 'good'));
  near.forEach((i, k) => {
    v[i] = nearVerdict[k] === 'bad' ? bad('context', 'A short sentence among boilerplate (comments, teasers, footers), away from the body text.') : GOOD;
  });

  // Short lines, a run at a time.
  const aroundShort = neighbours(shortOnly);
  let i = 0;
  while (i < v.length) {
    if (v[i]!.cls !== 'short') {
      i++;
      continue;
    }
    let j = i;
    while (j < v.length && v[j]!.cls === 'short') j++;
    const up = aroundShort.up[i]!;
    const down = aroundShort.down[j - 1]!;
    const run = j - i;
    let keep = false;
    let rule = 'context';
    // Key-value lines (票价：30元) are structured content, not links: a run of them is kept.
    const structured = run > 1 && Array.from({ length: run }, (_, k) => feats[i + k]!.punct).every((p) => p > 0);
    if (up === 'good' && down === 'good') keep = run <= o.maxHeadingRun || structured;
    else if (down === 'good' && firstGood !== -1 && firstGood < i) keep = run <= o.maxHeadingRun; // a later article's or section's heading
    if (!keep && (firstGood === -1 || firstGood >= j)) rule = 'headline';
    for (let k = i; k < j; k++) v[k] = keep ? GOOD : bad(rule, REASONS[rule]!);
    i = j;
  }
}
