// Text helpers the stages share: the Han test by code-point ranges must agree with
// Unicode's Script=Han, which stages used to match with a regex.
import { describe, expect, it } from 'vitest';
import { countHan, isHan, isSpace, UnitBuffer, unitsMatching } from '../pipeline/text.js';

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

describe('UnitBuffer', () => {
  const same = (units: Uint16Array, text: string): boolean => {
    for (let i = 0; i < text.length; i++) if (units[i] !== text.charCodeAt(i)) return false;
    return true;
  };
  it('gives the units of each text, shorter or longer than the last, lone surrogates and all', () => {
    const buffer = new UnitBuffer();
    for (const text of ['新闻', '𠮷a\ud800b', 'x'.repeat(100_000), '短', ''.padEnd(3, '\u3000')]) expect(same(buffer.of(text), text)).toBe(true);
  });
  it('gives a text beyond its shared size an array of its own', () => {
    const buffer = new UnitBuffer();
    const small = buffer.of('共享');
    const huge = '长'.repeat(4_200_000) + '尾';
    const units = buffer.of(huge);
    expect(units.length).toBe(huge.length);
    expect(units[huge.length - 1]).toBe('尾'.charCodeAt(0));
    expect(units.buffer).not.toBe(small.buffer);
  });
});
