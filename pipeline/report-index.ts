// reports/index.html: a plain, self-contained listing of the run (no script,
// no network). Scraped text is data: everything that came from a document is
// escaped before it goes into the page.

import { relative } from 'node:path';
import type { RunSummary } from './run.js';

export interface IndexRow {
  id: string;
  source: string;
  decision: 'keep' | 'reject';
  score: number | null;
  charsIn: number;
  charsOut: number;
  language: string;
  encoding: string;
  reasons: string[];
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** A relative link to a file named by a (safe) id, with every URL-special character encoded. */
function href(path: string): string {
  return escapeHtml(path.split('/').map(encodeURIComponent).join('/'));
}

export function renderIndex(summary: RunSummary, rows: IndexRow[]): string {
  // Links from the reports folder to the cleaned text, wherever the two folders are.
  const outFromReports = summary.out && summary.reports ? relative(summary.reports, summary.out).replace(/\\/g, '/') : undefined;
  const body = rows
    .map((r) => {
      const textLink =
        outFromReports !== undefined
          ? `<a href="${href(`${outFromReports || '.'}/${r.decision === 'keep' ? '' : 'rejected/'}${r.id}.txt`)}">text</a>`
          : '';
      return `<tr class="${r.decision}"><td><a href="${href(`${r.id}.json`)}">${escapeHtml(r.id)}</a></td><td>${r.decision}</td>` +
        `<td>${r.score === null ? '–' : r.score.toFixed(2)}</td><td>${r.charsIn}</td><td>${r.charsOut}</td>` +
        `<td>${escapeHtml(r.language)}</td><td>${escapeHtml(r.encoding)}</td><td>${escapeHtml(r.reasons.join('; '))}</td>` +
        `<td>${escapeHtml(r.source)}</td><td>${textLink}</td></tr>`;
    })
    .join('\n');
  const failures = summary.failures
    .map((f) => `<li>${escapeHtml(f.source)}${f.line !== undefined ? `:${f.line}` : ''}: ${escapeHtml(f.reason)}</li>`)
    .join('\n');
  return `<!doctype html>
<html lang="zh">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>zhclean report</title>
<style>
body { font: 14px/1.5 system-ui, sans-serif; margin: 2em; }
table { border-collapse: collapse; }
td, th { border: 1px solid #ccc; padding: 2px 8px; text-align: left; vertical-align: top; }
tr.reject td { background: #fdecea; }
</style>
</head>
<body>
<h1>zhclean report</h1>
<p>${summary.documents.total} documents: ${summary.documents.kept} kept, ${summary.documents.rejected} rejected, ${summary.failed} inputs failed.
Characters ${summary.chars.in} in, ${summary.chars.out} out. ${(summary.ms / 1000).toFixed(2)} s. <a href="summary.json">summary.json</a></p>
<table>
<thead><tr><th>id</th><th>decision</th><th>score</th><th>chars in</th><th>chars out</th><th>language</th><th>encoding</th><th>reasons</th><th>source</th><th>output</th></tr></thead>
<tbody>
${body}
</tbody>
</table>
${failures ? `<h2>Inputs that could not be read</h2>\n<ul>\n${failures}\n</ul>` : ''}
</body>
</html>
`;
}
