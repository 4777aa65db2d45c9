// Which literal strings must a line contain for a pattern to match it?
//
// Most lines of an article are prose that no boilerplate pattern matches, and a pattern
// like `^.{0,40}(?:版权所有|Copyright|…).{0,120}$` costs the regex engine a try of every
// keyword at each of 41 starting points before it fails. Every such pattern names words
// a match must contain (版权所有, Copyright …): one look over the line for those words
// tells which patterns can match at all, and the others are not run (the idea of RE2's
// and Hyperscan's prefilters, after Russ Cox's "Regular Expression Matching with a
// Trigram Index"). The words are worked out from each pattern's own source, so the table
// stays the one place patterns are written.
//
// The analysis is conservative: a construct it does not know makes it give up on that
// pattern (undefined: always run it), never guess.

/** A regex node as far as literals go. */
type Node =
  | { kind: 'lit'; chars: string[] } // one character among these (a literal, or a small class of literals)
  | { kind: 'other' } // any character of a class, `.`, `\d` …: no literal known
  | { kind: 'empty' } // $, word boundaries, lookarounds: zero width
  | { kind: 'start' } // ^: zero width, at the start of the line (no `m` flag)
  | { kind: 'seq'; items: Node[] }
  | { kind: 'alt'; options: Node[] }
  | { kind: 'repeat'; node: Node; min: number; max: number };

class Unsupported extends Error {}

/** Largest set of exact strings followed through a sequence or an alternation. */
const MAX_EXACT = 64;
/** Classes up to this many literal characters are kept as a choice of literals. */
const MAX_CLASS = 8;

/** Parses the JavaScript regex syntax the pattern tables use (`u` flag). */
function parse(source: string): Node {
  let i = 0;
  const chars = [...source];
  const peek = (): string | undefined => chars[i];

  const alternation = (): Node => {
    const options = [sequence()];
    while (peek() === '|') {
      i++;
      options.push(sequence());
    }
    return options.length === 1 ? options[0]! : { kind: 'alt', options };
  };

  const sequence = (): Node => {
    const items: Node[] = [];
    while (i < chars.length && peek() !== '|' && peek() !== ')') items.push(quantified(atom()));
    return { kind: 'seq', items };
  };

  const quantified = (node: Node): Node => {
    const c = peek();
    let min: number;
    let max: number;
    if (c === '*') [min, max] = [0, Infinity];
    else if (c === '+') [min, max] = [1, Infinity];
    else if (c === '?') [min, max] = [0, 1];
    else if (c === '{') {
      const m = /^\{(\d+)(?:(,)(\d*))?\}/u.exec(chars.slice(i).join(''));
      if (!m) throw new Unsupported('brace');
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
      i += m[0].length - 1;
    } else return node;
    i++;
    if (peek() === '?') i++; // lazy: the same strings match
    return quantified({ kind: 'repeat', node, min, max });
  };

  const atom = (): Node => {
    const c = chars[i++]!;
    if (c === '^') return { kind: 'start' };
    if (c === '$') return { kind: 'empty' };
    if (c === '.') return { kind: 'other' };
    if (c === '(') {
      let zeroWidth = false;
      if (peek() === '?') {
        const head = chars.slice(i, i + 3).join('');
        if (head.startsWith('?:')) i += 2;
        else if (head.startsWith('?=') || head.startsWith('?!')) {
          i += 2;
          zeroWidth = true;
        } else if (head === '?<=' || head === '?<!') {
          i += 3;
          zeroWidth = true;
        } else if (head.startsWith('?<')) {
          while (i < chars.length && chars[i] !== '>') i++;
          i++;
        } else throw new Unsupported('group');
      }
      const inner = alternation();
      if (chars[i++] !== ')') throw new Unsupported('unclosed group');
      return zeroWidth ? { kind: 'empty' } : inner;
    }
    if (c === '[') return characterClass();
    if (c === '\\') return escape();
    if (c === '*' || c === '+' || c === '?' || c === '{' || c === ')' || c === '|') throw new Unsupported(`stray ${c}`);
    return { kind: 'lit', chars: [c] };
  };

  /** An escape outside a class: a class of its own (\d, \s, \p{…}), an assertion, or a literal. */
  const escape = (): Node => {
    const e = chars[i++];
    if (e === undefined) throw new Unsupported('trailing backslash');
    if ('dDsSwW'.includes(e)) return { kind: 'other' };
    if (e === 'b' || e === 'B') return { kind: 'empty' };
    if (e === 'p' || e === 'P') {
      while (i < chars.length && chars[i] !== '}') i++;
      i++;
      return { kind: 'other' };
    }
    const literal = escapedLiteral(e);
    return { kind: 'lit', chars: [literal] };
  };

  /** The character an escape like \n, \u4e00, \- stands for; backreferences and the like are not handled. */
  const escapedLiteral = (e: string): string => {
    const controls: Record<string, string> = { n: '\n', r: '\r', t: '\t', f: '\f', v: '\v', '0': '\0' };
    if (controls[e] !== undefined) return controls[e]!;
    if (e === 'u' || e === 'x') {
      const rest = chars.slice(i).join('');
      const m = e === 'x' ? /^[0-9a-fA-F]{2}/u.exec(rest) : /^(?:\{([0-9a-fA-F]+)\}|([0-9a-fA-F]{4}))/u.exec(rest);
      if (!m) throw new Unsupported('escape');
      i += m[0].length;
      return String.fromCodePoint(parseInt(e === 'x' ? m[0] : (m[1] ?? m[2])!, 16));
    }
    if (/[\p{L}\p{N}]/u.test(e)) throw new Unsupported(`escape \\${e}`);
    return e; // an escaped syntax character: \. \- \[ \/ …
  };

  /** [...]: a choice of a few literal characters, or a class nothing is known about. */
  const characterClass = (): Node => {
    const negated = peek() === '^';
    if (negated) i++;
    const members: string[] = [];
    let literalOnly = !negated;
    let first = true;
    while (i < chars.length && (chars[i] !== ']' || first)) {
      first = false;
      const c = chars[i++]!;
      if (c === '\\') {
        const e = chars[i++]!;
        if ('dDsSwWpPbB'.includes(e)) {
          literalOnly = false;
          if (e === 'p' || e === 'P') {
            while (i < chars.length && chars[i] !== '}') i++;
            i++;
          }
        } else members.push(escapedLiteral(e));
      } else if (chars[i] === '-' && chars[i + 1] !== undefined && chars[i + 1] !== ']') {
        literalOnly = false; // a range
        i += 2;
        if (chars[i - 1] === '\\') i++;
      } else members.push(c);
    }
    if (chars[i++] !== ']') throw new Unsupported('unclosed class');
    return literalOnly && members.length > 0 && members.length <= MAX_CLASS ? { kind: 'lit', chars: members } : { kind: 'other' };
  };

  const node = alternation();
  if (i !== chars.length) throw new Unsupported('unbalanced )');
  return node;
}

/**
 * What is known of the strings a node matches: `exact`, all of them (a small finite set),
 * or `required`, strings one of which every match contains. Either may be unknown.
 */
interface Info {
  exact?: string[];
  required?: string[];
}

/** The better of two required sets: longer shortest string (fewer chance hits), then fewer strings. */
function better(a: string[] | undefined, b: string[] | undefined): string[] | undefined {
  if (!a) return b;
  if (!b) return a;
  const la = Math.min(...a.map((s) => s.length));
  const lb = Math.min(...b.map((s) => s.length));
  return lb > la || (lb === la && b.length < a.length) ? b : a;
}

/**
 * An exact set used as a required set: only when no member is empty (the empty string is in
 * every line). A member that holds another (（摄） holds 摄）) adds nothing and goes.
 */
const asRequired = (exact: string[] | undefined): string[] | undefined =>
  exact && exact.every((s) => s.length > 0) ? exact.filter((s) => !exact.some((t) => t !== s && s.includes(t))) : undefined;

function info(node: Node): Info {
  switch (node.kind) {
    case 'lit':
      return { exact: node.chars };
    case 'other':
      return {};
    case 'empty':
    case 'start':
      return { exact: [''] };
    case 'alt': {
      const parts = node.options.map(info);
      const exact = parts.every((p) => p.exact) ? [...new Set(parts.flatMap((p) => p.exact!))] : undefined;
      const each = parts.map((p) => better(asRequired(p.exact), p.required));
      const required = each.every((r) => r) ? [...new Set(each.flatMap((r) => r!))] : undefined;
      return { ...(exact && exact.length <= MAX_EXACT ? { exact } : {}), ...(required ? { required } : {}) };
    }
    case 'repeat': {
      const inner = info(node.node);
      if (node.min === 0) return node.max === 1 && inner.exact ? { exact: [...new Set(['', ...inner.exact])] } : {};
      // At least one copy: whatever one copy must contain, the whole must.
      const required = better(asRequired(inner.exact), inner.required);
      return { ...(node.min === 1 && node.max === 1 && inner.exact ? { exact: inner.exact } : {}), ...(required ? { required } : {}) };
    }
    case 'seq': {
      // Runs of exact items multiply out into exact strings; an inexact item ends a run.
      let required: string[] | undefined;
      let run: string[] = [''];
      let allExact = true;
      let cut = false;
      for (const item of node.items) {
        const part = info(item);
        if (!part.exact) allExact = false;
        required = better(required, part.required);
        if (part.exact && run.length * part.exact.length <= MAX_EXACT) {
          run = [...new Set(run.flatMap((a) => part.exact!.map((b) => a + b)))];
          continue;
        }
        required = better(required, asRequired(run));
        cut = true;
        run = part.exact && part.exact.length <= MAX_EXACT ? part.exact : [''];
        // The item was exact but the product too large: its own strings are still required.
        required = better(required, asRequired(part.exact));
      }
      required = better(required, asRequired(run));
      // Exact as a whole only when no run was cut (then `run` holds every string).
      const whole = allExact && !cut ? run : undefined;
      return { ...(whole ? { exact: whole } : {}), ...(required ? { required } : {}) };
    }
  }
}

/**
 * Strings one of which every line the pattern matches contains, or undefined when none
 * can be worked out (the pattern must then be tried on every line).
 */
export function requiredLiterals(source: string): string[] | undefined {
  const node = parsed(source);
  if (!node) return undefined;
  const i = info(node);
  return better(asRequired(i.exact), i.required);
}

/**
 * Strings one of which every line the pattern matches starts with: for a pattern anchored
 * at ^ and followed by literals (^(?:上一篇|下一篇)…). Such literals need looking for only
 * at the start of a line; looked for anywhere, their common first characters (上, 相, 热 …)
 * stop the filter at one character in sixteen of prose.
 */
export function requiredPrefix(source: string): string[] | undefined {
  const node = parsed(source);
  if (!node || node.kind !== 'seq' || node.items[0]?.kind !== 'start') return undefined;
  let run = [''];
  for (const item of node.items.slice(1)) {
    const exact = info(item).exact;
    if (!exact || run.length * exact.length > MAX_EXACT) break;
    run = [...new Set(run.flatMap((a) => exact.map((b) => a + b)))];
  }
  // A member that starts with another adds nothing (本文来源 does not start with 来源: both stay).
  return run.every((p) => p.length > 0) ? run.filter((p) => !run.some((q) => q !== p && p.startsWith(q))) : undefined;
}

/** What a pattern needs of a line, for LiteralFilter: a prefix when it has one, else literals anywhere. */
export function patternNeeds(source: string): Needs {
  const prefix = requiredPrefix(source);
  return prefix ? { prefix } : { anywhere: requiredLiterals(source) };
}

export interface Needs {
  /** Every matching line starts with one of these. */
  prefix?: readonly string[];
  /** Every matching line contains one of these (undefined with no prefix: nothing known). */
  anywhere?: readonly string[];
}

function parsed(source: string): Node | undefined {
  try {
    return parse(source);
  } catch (err) {
    if (err instanceof Unsupported) return undefined;
    throw err;
  }
}

/**
 * Tells which of a list of patterns can match a line, from their required literals, in
 * one pass over the line. A unit no literal starts with (nine in ten units of prose) costs
 * one table lookup. A literal of one unit marks its patterns at once; a longer one is
 * looked up by its first two units in a hashed table of pairs (common characters start
 * many literals, 不 of 不得转载, 相 of 相关阅读, but rarely followed by the literal's
 * second unit), and only then compared whole.
 */
export class LiteralFilter {
  /** Pattern p can match the line last given to `scan` when hits[p] is 1. */
  readonly hits: Uint8Array;
  /** Patterns without required literals: candidates for every line. */
  private readonly always: Uint8Array;
  private readonly anyAlways: boolean;
  /** By unit: 1 when a one-unit literal is that unit, 2 when a longer literal starts with it (or both: 3). */
  private readonly first = new Uint8Array(0x10000);
  /** By unit: the pattern (index + 1) its one-unit literal stands for, -1 when several (in `singles`). */
  private readonly single = new Int32Array(0x10000);
  private readonly singles = new Map<number, number[]>();
  /** Hashed first two units of the longer literals: 1 where some literal may start. */
  private readonly pairs = new Uint8Array(PAIR_SLOTS);
  /** The longer literals by their first unit, with their patterns. */
  private readonly byFirst = new Map<number, { literal: string; pattern: number }[]>();

  /** Prefix literals by their first unit, with their patterns: looked for at a line's start only. */
  private readonly prefixes = new Map<number, { literal: string; pattern: number }[]>();

  constructor(needs: readonly Needs[]) {
    this.hits = new Uint8Array(needs.length);
    this.always = new Uint8Array(needs.length);
    needs.forEach(({ prefix, anywhere }, pattern) => {
      if (prefix) {
        for (const literal of prefix) {
          const entries = this.prefixes.get(literal.charCodeAt(0)) ?? [];
          entries.push({ literal, pattern });
          this.prefixes.set(literal.charCodeAt(0), entries);
        }
        return;
      }
      if (!anywhere) {
        this.always[pattern] = 1;
        return;
      }
      for (const literal of anywhere) {
        const c = literal.charCodeAt(0);
        if (literal.length === 1) {
          this.first[c]! |= 1;
          const patterns = this.singles.get(c) ?? [];
          if (!patterns.includes(pattern)) patterns.push(pattern);
          this.singles.set(c, patterns);
          this.single[c] = patterns.length === 1 ? pattern + 1 : -1;
          continue;
        }
        this.first[c]! |= 2;
        this.pairs[pairSlot(c, literal.charCodeAt(1))] = 1;
        const entries = this.byFirst.get(c) ?? [];
        entries.push({ literal, pattern });
        this.byFirst.set(c, entries);
      }
    });
    this.anyAlways = this.always.includes(1);
  }

  /** Fills `hits` for this line; returns whether any pattern can match it. */
  scan(line: string): boolean {
    const { hits, first, pairs } = this;
    hits.set(this.always);
    let any = this.anyAlways;
    const n = line.length;
    const atStart = n > 0 ? this.prefixes.get(line.charCodeAt(0)) : undefined;
    if (atStart) {
      for (const e of atStart) {
        if (line.startsWith(e.literal)) {
          hits[e.pattern] = 1;
          any = true;
        }
      }
    }
    for (let i = 0; i < n; i++) {
      const c = line.charCodeAt(i);
      const kind = first[c]!;
      if (kind === 0) continue;
      if ((kind & 1) !== 0) {
        any = true;
        const one = this.single[c]!;
        if (one > 0) hits[one - 1] = 1;
        else for (const p of this.singles.get(c)!) hits[p] = 1;
      }
      if ((kind & 2) !== 0 && i + 1 < n && pairs[pairSlot(c, line.charCodeAt(i + 1))] === 1) {
        for (const e of this.byFirst.get(c)!) {
          if (hits[e.pattern] === 0 && line.startsWith(e.literal, i)) {
            hits[e.pattern] = 1;
            any = true;
          }
        }
      }
    }
    return any;
  }
}

const PAIR_SLOTS = 1 << 16;
const pairSlot = (a: number, b: number): number => (Math.imul(a, 0x9e3779b1) ^ b) & (PAIR_SLOTS - 1);
