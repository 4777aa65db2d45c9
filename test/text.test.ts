// Text helpers the stages share: the Han test by code-point ranges must agree with
// Unicode's Script=Han, which stages used to match with a regex.
import { describe, expect, it } from 'vitest';
import { countHan, isHan, isSpace, unitsMatching } from '../pipeline/text.js';

describe('isHan', () => {
  it('agrees with /\\p{Script=Han}/u on every assigned code point', () => {
    const han = /\p{Script=Han}/u;
    const unassigned = /\p{Cn}/u;
    const disagree: string[] = [];
    for (let c = 0; c <= 0x10ffff; c++) {
      if (c >= 0xd800 && c <= 0xdfff) continue;
      const s = String.fromCodePoint(c);
      if (unassigned.test(s)) continue;
      if (isHan(c) !== han.test(s)) disagree.push(c.toString(16));
    }
    expect(disagree).toEqual([]);
  });
});

describe('countHan', () => {
  it('counts Han characters, an astral one once, and nothing else', () => {
    expect(countHan('')).toBe(0);
    expect(countHan('中文abc，。〇々')).toBe(4);
    expect(countHan('𠀀字\ud840')).toBe(2); // a lone high surrogate is no character
    const text = '据新华社北京电 3月5日，第十四届全国人大𠮷会议开幕。';
    expect(countHan(text)).toBe(text.match(/\p{Script=Han}/gu)!.length);
  });
});

describe('isSpace', () => {
  it('agrees with /\\s/u on every code point', () => {
    const space = /^\s$/u;
    const disagree: string[] = [];
    for (let c = 0; c <= 0x10ffff; c++) {
      if (c >= 0xd800 && c <= 0xdfff) continue;
      if (isSpace(c) !== space.test(String.fromCodePoint(c))) disagree.push(c.toString(16));
    }
    expect(disagree).toEqual([]);
  });
});

describe('unitsMatching', () => {
  it('marks exactly the BMP characters the class matches', () => {
    for (const cls of [/[\s\p{P}\p{S}\d]/u, /[\s|｜/·>»＞丨•]/u, /[a-c，]/u, /[^\p{Script=Han}]/u]) {
      const table = unitsMatching(cls);
      const wrong: number[] = [];
      for (let c = 0; c < 0x10000; c++) {
        const expected = c < 0xd800 || c > 0xdfff ? cls.test(String.fromCharCode(c)) : false;
        if ((table[c] === 1) !== expected) wrong.push(c);
      }
      expect(wrong, String(cls)).toEqual([]);
    }
  });
  it('refuses a regex that matches more than one character', () => {
    expect(() => unitsMatching(/ab/u)).toThrow(/not one character/u);
    expect(() => unitsMatching(/^[ab]$/u)).toThrow(/anchored/u);
  });
});
