// franc 6's answer (the top language of `francAll(value, { minLength, only })`),
// computed as franc computes it, from franc's own data, on tables built once.
//
// franc, per call: runs its 30 script expressions over the value with `match`
// (an array of one-character strings each), builds and sorts trigram tuples, copies
// the allowed languages into a new object, and looks every trigram up in every
// allowed language's model object: ~100 µs for a line, half the language stage.
// Here: one pass classifies the units by a per-unit table of franc's expressions;
// the trigrams are counted in a Map; each allowed language's distance is summed
// from one lookup per distinct trigram in a table of all the languages' ranks.
// Same counts, same integer distances, same ties (the first script and the first
// language in franc's order win), so the same answer.

import { data } from 'franc/data.js';
import { expressions } from 'franc/expressions.js';

/** franc's constants: the part of a value it reads, and the distance of a trigram a model lacks. */
const MAX_LENGTH = 2048;
const MAX_DIFFERENCE = 300;

const SCRIPTS = Object.keys(expressions);

/**
 * Which expressions match at a position, as an id of the set (0: none): franc's
 * expressions overlap (jpn's includes Han), and each counts its own matches.
 */
const setMembers: number[][] = [[]];
const setIds = new Map<string, number>([['', 0]]);
/** Per BMP unit, its set, found the first time the unit is met (UNKNOWN before). */
const UNKNOWN = 0xff;
const unitSets = new Uint8Array(0x10000).fill(UNKNOWN);
const astralSets = new Map<number, number>();
/** The expressions without the global flag, to test one character. */
const singleTests = SCRIPTS.map((s) => new RegExp(expressions[s]!.source));

/** The set of expressions matching a character (a unit, or a pair as one code point). */
function setOf(ch: string): number {
  const members: number[] = [];
  singleTests.forEach((r, k) => {
    if (r.test(ch)) members.push(k);
  });
  const key = members.join(',');
  let id = setIds.get(key);
  if (id === undefined) {
    id = setMembers.length;
    if (id >= UNKNOWN) throw new Error('franc expressions: too many overlapping sets');
    setMembers.push(members);
    setIds.set(key, id);
  }
  return id;
}

/** franc's getTopScript: the first expression with the most matches, and whether it matched at all. */
function topScript(value: string): [string, number] {
  const sets = unitSets;
  // Sized for every possible set: a unit met for the first time may add one.
  const perSet = new Int32Array(UNKNOWN);
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < value.length) {
      const low = value.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        const cp = (c - 0xd800) * 0x400 + (low - 0xdc00) + 0x10000;
        let id = astralSets.get(cp);
        if (id === undefined) astralSets.set(cp, (id = setOf(String.fromCodePoint(cp))));
        perSet[id]!++;
        i++;
        continue;
      }
    }
    let id = sets[c]!;
    if (id === UNKNOWN) id = sets[c] = setOf(String.fromCharCode(c));
    perSet[id]!++;
  }
  const counts = new Int32Array(SCRIPTS.length);
  for (let id = 1; id < setMembers.length; id++) for (const k of setMembers[id]!) counts[k]! += perSet[id]!;
  let top = -1;
  let best = 0;
  // franc compares count / length (one denominator, so the counts' order), the first maximum winning.
  for (let k = 0; k < SCRIPTS.length; k++) {
    if (counts[k]! > top) {
      top = counts[k]!;
      best = k;
    }
  }
  return [SCRIPTS[best]!, top];
}

/** The allowed languages of one script and their models' ranks, in one table: row of a trigram × language, -1 when absent. */
interface ScriptModels {
  languages: string[];
  rows: Map<string, number>;
  ranks: Int16Array;
}
const modelsByKey = new Map<string, ScriptModels | null>();

function allowed(language: string, only: readonly string[]): boolean {
  return only.length === 0 || only.includes(language);
}

/** franc's numericData for a script, filtered by `only` (franc's filterLanguages, in its order); null when none is left. */
function modelsOf(script: string, only: readonly string[]): ScriptModels | null {
  const key = `${script}\u0000${only.join(',')}`;
  let models = modelsByKey.get(key);
  if (models !== undefined) return models;
  const languages = Object.keys(data[script]!).filter((l) => allowed(l, only));
  const lists = languages.map((l) => data[script]![l]!.split('|'));
  const rows = new Map<string, number>();
  for (const model of lists) for (const t of model) if (!rows.has(t)) rows.set(t, rows.size);
  const n = languages.length;
  const ranks = new Int16Array(rows.size * n).fill(-1);
  lists.forEach((model, j) => {
    // franc's weights: a trigram listed twice keeps its first rank.
    for (let weight = model.length - 1; weight >= 0; weight--) ranks[rows.get(model[weight]!)! * n + j] = weight;
  });
  models = n === 0 ? null : { languages, rows, ranks };
  modelsByKey.set(key, models);
  return models;
}

/** trigram-utils' clean: ASCII punctuation, symbols and digits to spaces, white space collapsed, trimmed, lower case. */
function clean(value: string): string {
  return value.replace(/[\u0021-\u0040]+/g, ' ').replace(/\s+/g, ' ').trim().toLowerCase();
}

/**
 * The language franc's `francAll(value, { minLength, only })` ranks first (`und` when it
 * cannot tell). `only` empty allows every language.
 */
export function francTop(value: string, minLength: number, only: readonly string[]): string {
  if (!value || value.length < minLength) return 'und';
  value = value.slice(0, MAX_LENGTH);
  const [script, count] = topScript(value);
  if (!(script in data)) return count === 0 || !allowed(script, only) ? 'und' : script;
  const models = modelsOf(script, only);
  if (!models) return 'und';

  // trigram-utils' asDictionary: the padded, cleaned value's 3-unit windows, counted.
  const padded = ` ${clean(value)} `;
  const trigramCounts = new Map<string, number>();
  for (let i = 0; i + 3 <= padded.length; i++) {
    const t = padded.slice(i, i + 3);
    trigramCounts.set(t, (trigramCounts.get(t) ?? 0) + 1);
  }
  // franc's getDistance: per trigram |count − rank − 1| when the model has it, else MAX_DIFFERENCE.
  const n = models.languages.length;
  const distances = new Float64Array(n).fill(trigramCounts.size * MAX_DIFFERENCE);
  const ranks = models.ranks;
  for (const [t, k] of trigramCounts) {
    const row = models.rows.get(t);
    if (row === undefined) continue;
    for (let j = 0, r = row * n; j < n; j++, r++) {
      const rank = ranks[r]!;
      if (rank >= 0) distances[j]! += Math.abs(k - rank - 1) - MAX_DIFFERENCE;
    }
  }
  // franc sorts by distance (a stable sort): the first language of the smallest distance.
  let best = 0;
  for (let j = 1; j < n; j++) if (distances[j]! < distances[best]!) best = j;
  return models.languages[best]!;
}
