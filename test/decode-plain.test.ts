// The scan pass counts a plain UTF-8 file's lines from code points decoded without making
// a string (pipeline/decode.ts plainUtf8CodePoints). It must take exactly the files
// `decode` takes as they are, and give exactly the code points of decode's text; anything
// else it leaves to `decode`. Then boilerplate's count from code points must equal its
// count from the text.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { realTextFiles } from './helpers/fixtures.js';
import { decode, plainUtf8CodePoints } from '../pipeline/decode.js';
import { textDoc, isFailure } from '../pipeline/inputs.js';
import { boilerplate } from '../stages/boilerplate.js';


/** The plain decoding must agree with decode and textDoc whenever it gives an answer. */
function agrees(bytes: Uint8Array): 'plain' | 'left to decode' {
  const plain = plainUtf8CodePoints(bytes, new Int32Array(4));
  if (!plain) return 'left to decode';
  const doc = textDoc('f.txt', 'f', bytes);
  expect(isFailure(doc)).toBe(false);
  expect(decode(bytes).encoding).toBe('utf-8');
  const text = isFailure(doc) ? '' : doc.text;
  expect(String.fromCodePoint(...plain.codePoints.subarray(0, plain.length))).toBe(text);
  return 'plain';
}

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('plainUtf8CodePoints', () => {
  it('decodes plain UTF-8, astral characters and line ends included', () => {
    for (const s of ['新闻', '第一段。\r\n第二段𠮷。\u2028x', ' a\tb ', '中\u3000文']) expect(agrees(utf8(s))).toBe('plain');
  });

  it.each([
    ['empty', new Uint8Array(0)],
    ['a byte-order mark', new Uint8Array([0xef, 0xbb, 0xbf, 0x61])],
    ['a NUL byte', new Uint8Array([0x61, 0x00, 0x62])],
    ['a control character', utf8('a\u0001b')],
    ['a vertical tab', utf8('a\u000bb')],
    ['DEL', utf8('a\u007fb')],
    ['a replacement character', utf8('a\ufffdb')],
    ['a private-use character', utf8('a\ue000b')],
    ['only white space', utf8(' \n\u3000\t')],
    ['an overlong form', new Uint8Array([0xc0, 0xaf])],
    ['an overlong three-byte form', new Uint8Array([0xe0, 0x80, 0xaf])],
    ['an encoded surrogate', new Uint8Array([0xed, 0xa0, 0x80])],
    ['a code point above U+10FFFF', new Uint8Array([0xf4, 0x90, 0x80, 0x80])],
    ['a truncated sequence', new Uint8Array([0x61, 0xe4, 0xb8])],
    ['a stray continuation byte', new Uint8Array([0x61, 0x80])],
    ['GBK bytes', new Uint8Array([0xd6, 0xd0, 0xce, 0xc4])],
    ['UTF-16 with a BOM', new Uint8Array([0xff, 0xfe, 0x2d, 0x4e])],
  ])('leaves %s to decode', (_name, bytes) => {
    expect(plainUtf8CodePoints(bytes, new Int32Array(4))).toBeUndefined();
  });

  it('agrees with decode on any string and any bytes', () => {
    fc.assert(fc.property(fc.fullUnicodeString({ maxLength: 40 }), (s) => void agrees(utf8(s))), { numRuns: 2000, seed: 3 });
    fc.assert(fc.property(fc.uint8Array({ maxLength: 12 }), (b) => void agrees(b)), { numRuns: 5000, seed: 4 });
  });
});

describe('boilerplate scanCodePoints', () => {
  const scanBoth = (text: string): void => {
    const bytes = utf8(text);
    const plain = plainUtf8CodePoints(bytes, new Int32Array(4));
    if (!plain) return;
    const fromText = boilerplate.scan!(text, boilerplate.defaults) as number[];
    const fromCodePoints = boilerplate.scanCodePoints!(plain.codePoints, plain.length, boilerplate.defaults) as number[];
    expect(new Set(fromCodePoints)).toEqual(new Set(fromText));
  };

  it('counts what scan counts, on every real page and fixture', () => {
    const files = realTextFiles();
    expect(files.length).toBeGreaterThan(50);
    for (const f of files) scanBoth(readFileSync(f, 'utf8'));
  });

  it('counts what scan counts, on any text', () => {
    const piece = fc.constantFrom('新闻', '点击：94次', '\r\n', '\n', '\r', '\u2028', ' ', '—', '𠮷', '1', 'a', '。', '\u3000');
    fc.assert(fc.property(fc.array(fc.oneof(piece, fc.fullUnicodeString({ maxLength: 4 })), { maxLength: 30 }), (parts) => scanBoth(parts.join(''))), { numRuns: 2000, seed: 5 });
  });
});
