import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decode, NotTextError } from '../pipeline/decode.js';
import { encodeLegacy } from './helpers/legacy-encode.js';

// Real sentences, not seed text: a mainland news lead and a Taiwan one.
const SIMPLIFIED = '国家统计局今天发布数据，一季度国内生产总值同比增长百分之五点三，就业形势总体稳定，居民消费价格温和上涨。';
const TRADITIONAL = '中央氣象署表示，颱風預計明天清晨在臺灣東部登陸，民眾應做好防颱準備，並注意強風豪雨對交通的影響。';

describe('decode', () => {
  it('reads UTF-8 without a BOM', () => {
    expect(decode(Buffer.from(SIMPLIFIED))).toEqual({ text: SIMPLIFIED, encoding: 'utf-8', invalid: 0 });
  });

  it('reads UTF-8 with a BOM and strips it', () => {
    const d = decode(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(SIMPLIFIED)]));
    expect(d).toEqual({ text: SIMPLIFIED, encoding: 'utf-8-bom', invalid: 0 });
  });

  it('reads UTF-16 LE and BE with a BOM', () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(SIMPLIFIED, 'utf16le')]);
    expect(decode(le)).toMatchObject({ text: SIMPLIFIED, encoding: 'utf-16le' });
    const be = Buffer.from(le);
    be.swap16();
    expect(decode(be)).toMatchObject({ text: SIMPLIFIED, encoding: 'utf-16be' });
  });

  it('reads GBK', () => {
    const bytes = encodeLegacy(`${SIMPLIFIED}\n第二段：2024年3月。`, 'gbk');
    expect(decode(bytes)).toEqual({ text: `${SIMPLIFIED}\n第二段：2024年3月。`, encoding: 'gbk', invalid: 0 });
  });

  it('reads Big5', () => {
    const bytes = encodeLegacy(TRADITIONAL, 'big5');
    expect(decode(bytes)).toEqual({ text: TRADITIONAL, encoding: 'big5', invalid: 0 });
  });

  it('reads a short GBK title', () => {
    expect(decode(encodeLegacy('新闻中心', 'gbk'))).toMatchObject({ text: '新闻中心', encoding: 'gbk' });
  });

  it('tells GB18030 four-byte sequences from GBK', () => {
    // U+20BB7 𠮷 is outside GBK: GB18030 writes it with four bytes (0x95 0x34 0xB2 0x35).
    const bytes = Buffer.concat([Buffer.from(encodeLegacy(SIMPLIFIED, 'gbk')), Buffer.from([0x95, 0x34, 0xb2, 0x35])]);
    expect(decode(bytes)).toMatchObject({ text: `${SIMPLIFIED}𠮷`, encoding: 'gb18030' });
  });

  it('keeps UTF-8 with a few invalid bytes, replaced and counted', () => {
    const bytes = Buffer.concat([Buffer.from(SIMPLIFIED), Buffer.from([0xff]), Buffer.from(SIMPLIFIED)]);
    const d = decode(bytes);
    expect(d.encoding).toBe('utf-8');
    expect(d.invalid).toBe(1);
    expect(d.text).toBe(`${SIMPLIFIED}\ufffd${SIMPLIFIED}`);
  });

  it('refuses a file with NUL bytes', () => {
    expect(() => decode(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x41]))).toThrow(NotTextError);
  });

  it('refuses random bytes (an invalid-bytes file)', () => {
    // Random bytes with the NULs taken out, so the undecodable-text check is what refuses it.
    const bytes = Buffer.from([...randomBytes(4096)].map((b) => (b === 0 ? 0xff : b)));
    expect(() => decode(bytes)).toThrow(/not text/);
  });

  it('refuses bytes that decode only to control characters', () => {
    expect(() => decode(Buffer.from([1, 2, 3, 4, 5, 6, 7, 8, 0x0e, 0x0f, 0x10, 0x11]))).toThrow(/not text/);
  });
});
