// The page's embedded data: JSON that nothing in a document can end the <script> element
// of, and that parses back to the same value.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeForScript, scriptJson } from '../pipeline/report-index.js';

/** The plain definition the fast loop must match. */
const reference = (json: string): string => json.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

const risky = fc.constantFrom('<', '>', '&', '\u2028', '\u2029', '</script>', '<!--', '新闻', '"', '\\', 'a', '\n', '𠮷');
const texts = fc.array(fc.oneof(risky, fc.string(), fc.fullUnicodeString()), { maxLength: 30 }).map((parts) => parts.join(''));

describe('scriptJson', () => {
  it('escapes exactly what the plain regex escapes, and the value survives', () => {
    fc.assert(
      fc.property(texts, (text) => {
        const json = JSON.stringify({ text, list: [text, 1] });
        const safe = escapeForScript(json);
        expect(safe).toBe(reference(json));
        expect(safe).not.toMatch(/[<>&\u2028\u2029]/);
        expect(JSON.parse(safe)).toEqual({ text, list: [text, 1] });
      }),
      { numRuns: 500 },
    );
  });

  it('returns text with nothing to escape as it is, and escapes at both ends', () => {
    expect(scriptJson('新闻')).toBe('"新闻"');
    expect(escapeForScript('<a&b>')).toBe('\\u003ca\\u0026b\\u003e');
    expect(scriptJson('</script><script>alert(1)</script>')).not.toContain('</script>');
  });
});
