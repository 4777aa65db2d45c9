// The page's embedded data: JSON that nothing in a document can end the <script> element
// of, and that parses back to the same value.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeForScript, indexFrame, rowJson, scriptJson, type IndexRow } from '../pipeline/report-index.js';
import type { RunSummary } from '../pipeline/run.js';

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

/** The whole page as a run writes it: the frame's head, each row's piece in order, the tail. */
function renderIndex(summary: RunSummary, rows: readonly IndexRow[]): string {
  const { head, tail } = indexFrame(summary);
  return head + rows.map((row, i) => rowJson(row, i === 0)).join('') + tail;
}

describe('the report page', () => {
  const summary: RunSummary = {
    zhclean: '0', startedAt: '', finishedAt: '', ms: 1, inputs: [], out: '/c/out', reports: '/c/reports',
    documents: { total: 2, kept: 1, rejected: 1 }, resumed: 0, failed: 0, failures: [], chars: { in: 9, out: 4 },
    encodings: {}, rejections: { 'too-short': 1 }, stages: [], histograms: {},
  };
  const row = (id: string, text: string): IndexRow => ({
    id, source: `${id}.txt`, decision: 'keep', score: 1, charsIn: text.length, charsOut: text.length, language: 'cmn',
    encoding: 'utf-8', reasons: [], spin: { detected: false, score: 0, repairs: 0 },
    view: { original: text, cleaned: text, findings: [['boilerplate', 'nav', 'drop', '<b>']], marks: { original: [], cleaned: [] } },
  });
  /** The JSON between the data element's tags of the whole page. */
  const data = (page: string): unknown => JSON.parse(page.split('id="zhclean-data">')[1]!.split('</script>')[0]!);

  it('embeds the rows, written one piece each between the frame\'s head and tail, as one JSON value that nothing ends early', () => {
    for (const rows of [[], [row('a', '新闻</script><script>x()</script>')], [row('a', '甲'), row('b', '𠮷\u2028&')]]) {
      const page = renderIndex(summary, rows);
      expect(data(page)).toEqual({ out: '../out', summary: { documents: summary.documents, failures: [] }, rows });
      expect(page.match(/<\/script>/g)).toHaveLength(2); // the data element's and the page script's
    }
  });
});
