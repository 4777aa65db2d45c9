// An encoder for GBK and Big5, built by inverting Node's own decoders, so tests
// can make real legacy-encoded files without a dependency. Every two-byte code
// the decoder maps to one character is recorded; the first code wins.

const cache = new Map<string, Map<string, Uint8Array>>();

function table(encoding: 'gbk' | 'big5'): Map<string, Uint8Array> {
  let map = cache.get(encoding);
  if (map) return map;
  map = new Map();
  const decoder = new TextDecoder(encoding);
  const [leadLo, leadHi] = encoding === 'gbk' ? [0x81, 0xfe] : [0x81, 0xfe];
  for (let lead = leadLo; lead <= leadHi; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      if (trail === 0x7f) continue;
      const ch = decoder.decode(new Uint8Array([lead, trail]));
      if (ch.length >= 1 && !ch.includes('\ufffd') && [...ch].length === 1 && !map.has(ch)) {
        map.set(ch, new Uint8Array([lead, trail]));
      }
    }
  }
  cache.set(encoding, map);
  return map;
}

export function encodeLegacy(text: string, encoding: 'gbk' | 'big5'): Uint8Array {
  const map = table(encoding);
  const out: number[] = [];
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) {
      out.push(c);
      continue;
    }
    const bytes = map.get(ch);
    if (!bytes) throw new Error(`${encoding} cannot encode ${JSON.stringify(ch)}`);
    out.push(...bytes);
  }
  return new Uint8Array(out);
}
