// reports/index.html: the report a person reads, one self-contained file (no
// server, no network, opens from the file system). A sortable, filterable table
// of documents; a document view with the original and the cleaned text side by
// side, every removed or changed span coloured by the stage that did it with
// the reason on hover; charts of the main signals.
//
// Scraped text is data, never markup: the documents travel as JSON inside a
// <script type="application/json"> element with <, >, & and the line
// separators escaped, so no text can close the element; the page's script puts
// text into the page with textContent and createTextNode only, never innerHTML;
// and the Content-Security-Policy allows no script but the page's own inline
// one, no network, no images but data: URLs.

import { relative } from 'node:path';
import type { RunSummary } from './run.js';
import type { Marks } from './marks.js';

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
  spin: { detected: boolean; score: number; repairs: number };
  duplicateOf?: string;
  title?: string;
  /** The document view: present for documents embedded in the page. */
  view?: DocView;
}

export interface DocView {
  original: string;
  cleaned: string;
  /** Every finding of every stage, flattened in stage order: [stage, rule, action, reason]. */
  findings: [string, string, string, string][];
  marks: Marks;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** JSON that is safe inside a <script> element: nothing in it can end the element or the line. */
export function scriptJson(value: unknown): string {
  return escapeForScript(JSON.stringify(value));
}

/** The escapes of the characters that could end a <script> element or a line of it. */
const SCRIPT_ESCAPES: Record<number, string> = { 0x3c: '\\u003c', 0x3e: '\\u003e', 0x26: '\\u0026', 0x2028: '\\u2028', 0x2029: '\\u2029' };

/**
 * `json` with <, >, &, U+2028 and U+2029 written as \u escapes (the same JSON value). A loop
 * over the units, not a regex replace: on the page's 10 MB of mostly Chinese JSON the
 * replace took 110 ms, the loop 25 ms.
 */
export function escapeForScript(json: string): string {
  let out = '';
  let last = 0;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (c === 0x3c || c === 0x3e || c === 0x26 || c === 0x2028 || c === 0x2029) {
      out += json.slice(last, i) + SCRIPT_ESCAPES[c]!;
      last = i + 1;
    }
  }
  return last === 0 ? json : out + json.slice(last);
}

/** Bars of a histogram as an inline SVG (numbers only: nothing from a document). */
function histogramSvg(title: string, bins: { from: number; to: number | null; count: number }[]): string {
  const n = (x: number | null): string => (x === null ? '∞' : String(x));
  const max = Math.max(1, ...bins.map((b) => b.count));
  const w = 24;
  const h = 80;
  const bars = bins
    .map((b, i) => {
      const bh = Math.round((b.count / max) * h);
      return `<rect x="${i * w + 2}" y="${h - bh + 16}" width="${w - 4}" height="${bh}"><title>${b.from}–${n(b.to)}: ${b.count}</title></rect>` +
        `<text x="${i * w + w / 2}" y="${h + 30}" text-anchor="middle">${b.count}</text>`;
    })
    .join('');
  const first = bins[0]?.from ?? 0;
  const last = n(bins.at(-1)?.to ?? null);
  return `<figure><svg width="${bins.length * w + 4}" height="${h + 36}" role="img" aria-label="${escapeHtml(title)}">` +
    `<text x="0" y="11">${escapeHtml(title)} (${first} – ${last})</text>${bars}</svg></figure>`;
}

/**
 * The page around its rows: `head` ends where the rows' JSON array opens and `tail` starts
 * where it closes, so a run writes the rows in between as its documents finish (`rowJson`)
 * and keeps none of them in memory. The data element holds {"out":…,"summary":…,"rows":[…]}.
 */
export function indexFrame(summary: RunSummary): { head: string; tail: string } {
  const outFromReports = summary.out && summary.reports ? relative(summary.reports, summary.out).replace(/\\/g, '/') : null;
  const opening = scriptJson({ out: outFromReports, summary: { documents: summary.documents, failures: summary.failures } });
  const charts = Object.entries(summary.histograms ?? {})
    .map(([name, bins]) => histogramSvg(name, bins))
    .join('\n');
  const rejections = Object.entries(summary.rejections)
    .sort((a, b) => b[1] - a[1])
    .map(([rule, n]) => `<li><code>${escapeHtml(rule)}</code>: ${n}</li>`)
    .join('');
  const stages = summary.stages
    .map((s) => `<tr><td>${escapeHtml(s.name)}</td><td>${s.ms.toFixed(0)}</td><td>${s.documents}</td><td>${s.findings}</td><td>${s.charsRemoved}</td></tr>`)
    .join('');
  const head = `<!doctype html>
<html lang="zh">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>zhclean report</title>
<style>
body { font: 14px/1.5 system-ui, sans-serif; margin: 1.5em; color: #222; }
table { border-collapse: collapse; }
td, th { border: 1px solid #ccc; padding: 2px 8px; text-align: left; vertical-align: top; }
th { background: #f3f3f3; cursor: pointer; user-select: none; }
th[aria-sort=ascending]::after { content: " ▲"; } th[aria-sort=descending]::after { content: " ▼"; }
tr.reject td { background: #fdecea; }
#docs tbody tr { cursor: pointer; } #docs tbody tr:hover td { background: #eef4ff; }
.charts { display: flex; flex-wrap: wrap; gap: 1.5em; } figure { margin: 0; } svg rect { fill: #4a78c2; } svg text { font-size: 10px; }
.filters { margin: .8em 0; display: flex; gap: 1em; align-items: center; }
#view { display: none; margin-top: 1em; border-top: 2px solid #4a78c2; padding-top: .5em; }
#view.open { display: block; }
.panes { display: grid; grid-template-columns: 1fr 1fr; gap: 1em; }
.pane { white-space: pre-wrap; word-break: break-all; border: 1px solid #ccc; padding: .6em; max-height: 70vh; overflow: auto; font: 14px/1.7 system-ui, sans-serif; }
.legend span { padding: 0 .4em; margin-right: .4em; }
.m { border-radius: 2px; }
.pane.original .m { text-decoration: line-through; text-decoration-color: rgba(0,0,0,.35); }
.s-normalize { background: #e0e0e0; } .s-script { background: #d6ecff; } .s-reflow { background: #fff0b3; }
.s-boilerplate { background: #ffd6d6; } .s-despin { background: #d9f7d9; } .s-punctuation { background: #efe0ff; }
.s-language { background: #ffe4c4; } .s-dedupe { background: #ffc9ec; } .s-quality { background: #ddd; } .s-other { background: #eee; }
.reasons li { margin: 0; }
</style>
</head>
<body>
<h1>zhclean report</h1>
<p id="totals">${summary.documents.total} documents: ${summary.documents.kept} kept, ${summary.documents.rejected} rejected, ${summary.failed} inputs failed.
Characters ${summary.chars.in} in, ${summary.chars.out} out. ${(summary.ms / 1000).toFixed(2)} s. <a href="summary.json">summary.json</a></p>
<div class="charts">${charts}</div>
<details><summary>Stages and rejections</summary>
<table><thead><tr><th>stage</th><th>ms</th><th>documents</th><th>findings</th><th>characters removed</th></tr></thead><tbody>${stages}</tbody></table>
<ul>${rejections}</ul></details>
<div class="filters">
<label>Filter <input id="filter" type="search" placeholder="id, reason, language…"></label>
<label>Decision <select id="decision"><option value="">all</option><option value="keep">keep</option><option value="reject">reject</option></select></label>
<span id="shown"></span>
</div>
<table id="docs">
<thead><tr><th data-key="id">id</th><th data-key="decision">decision</th><th data-key="score">score</th><th data-key="charsIn">chars in</th><th data-key="charsOut">chars out</th><th data-key="language">language</th><th data-key="spin">spin</th><th data-key="reasons">main reasons</th></tr></thead>
<tbody></tbody>
</table>
<section id="view" aria-live="polite">
<h2 id="view-title"></h2>
<p id="view-meta"></p>
<ul class="reasons" id="view-reasons"></ul>
<p class="legend" id="legend"></p>
<div class="panes"><div><h3>Original</h3><div class="pane original" id="pane-original"></div></div><div><h3>Cleaned</h3><div class="pane cleaned" id="pane-cleaned"></div></div></div>
</section>
<script type="application/json" id="zhclean-data">${opening.slice(0, -1)},"rows":[`;
  const tail = `]}</script>
<script>
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('zhclean-data').textContent);
  var rows = data.rows;
  var tbody = document.querySelector('#docs tbody');
  var sortKey = null, sortDir = 1;
  function el(tag, text, cls) { var e = document.createElement(tag); if (text != null) e.textContent = String(text); if (cls) e.className = cls; return e; }
  function value(r, key) { return key === 'spin' ? r.spin.score : key === 'reasons' ? r.reasons.join('; ') : r[key]; }
  function render() {
    var q = document.getElementById('filter').value.toLowerCase();
    var d = document.getElementById('decision').value;
    var list = rows.filter(function (r) {
      if (d && r.decision !== d) return false;
      if (!q) return true;
      return (r.id + ' ' + r.reasons.join(' ') + ' ' + r.language + ' ' + (r.title || '')).toLowerCase().indexOf(q) >= 0;
    });
    if (sortKey) list.sort(function (a, b) { var x = value(a, sortKey), y = value(b, sortKey); if (x == null) x = -1; if (y == null) y = -1; return (x < y ? -1 : x > y ? 1 : 0) * sortDir; });
    tbody.textContent = '';
    list.forEach(function (r) {
      var tr = el('tr', null, r.decision);
      tr.dataset.id = r.id;
      tr.appendChild(el('td', r.id));
      tr.appendChild(el('td', r.decision));
      tr.appendChild(el('td', r.score == null ? '–' : r.score.toFixed(2)));
      tr.appendChild(el('td', r.charsIn));
      tr.appendChild(el('td', r.charsOut));
      tr.appendChild(el('td', r.language));
      tr.appendChild(el('td', r.spin.detected ? 'spun, ' + r.spin.repairs + ' repairs' : r.spin.score.toFixed(2)));
      tr.appendChild(el('td', r.reasons.slice(0, 2).map(function (x) { return x.split(':')[0]; }).join(', ') + (r.duplicateOf ? ' (of ' + r.duplicateOf + ')' : '')));
      tr.addEventListener('click', function () { open(r); });
      tbody.appendChild(tr);
    });
    document.getElementById('shown').textContent = list.length + ' of ' + rows.length + ' shown';
  }
  function fill(pane, text, marks, findings) {
    pane.textContent = '';
    var at = 0;
    marks.forEach(function (m) {
      if (m[0] > at) pane.appendChild(document.createTextNode(text.slice(at, m[0])));
      var f = findings[m[2]] || ['other', '', '', ''];
      var span = el('span', text.slice(m[0], m[1]) || '⏎', 'm s-' + f[0]);
      span.title = f[0] + ' / ' + f[1] + ': ' + f[3];
      span.dataset.stage = f[0];
      pane.appendChild(span);
      at = m[1];
    });
    if (at < text.length) pane.appendChild(document.createTextNode(text.slice(at)));
  }
  function open(r) {
    var view = document.getElementById('view');
    view.className = 'open';
    document.getElementById('view-title').textContent = r.id + (r.title ? ' — ' + r.title : '');
    document.getElementById('view-meta').textContent = r.decision + ', score ' + (r.score == null ? '–' : r.score.toFixed(2)) + ', ' + r.charsIn + ' → ' + r.charsOut + ' characters, ' + r.language + ', source ' + r.source;
    var ul = document.getElementById('view-reasons');
    ul.textContent = '';
    r.reasons.forEach(function (x) { ul.appendChild(el('li', x)); });
    var legend = document.getElementById('legend');
    legend.textContent = '';
    if (!r.view) {
      document.getElementById('pane-original').textContent = 'This document is not embedded in the page (the page holds the first documents up to a size limit); see ' + r.id + '.json.';
      document.getElementById('pane-cleaned').textContent = '';
      return;
    }
    var stages = {};
    r.view.findings.forEach(function (f) { stages[f[0]] = true; });
    Object.keys(stages).forEach(function (s) { legend.appendChild(el('span', s, 's-' + s)); });
    fill(document.getElementById('pane-original'), r.view.original, r.view.marks.original, r.view.findings);
    fill(document.getElementById('pane-cleaned'), r.view.cleaned, r.view.marks.cleaned, r.view.findings);
    view.scrollIntoView();
  }
  document.querySelectorAll('#docs th').forEach(function (th) {
    th.addEventListener('click', function () {
      var key = th.dataset.key;
      sortDir = sortKey === key ? -sortDir : 1;
      sortKey = key;
      document.querySelectorAll('#docs th').forEach(function (h) { h.removeAttribute('aria-sort'); });
      th.setAttribute('aria-sort', sortDir === 1 ? 'ascending' : 'descending');
      render();
    });
  });
  document.getElementById('filter').addEventListener('input', render);
  document.getElementById('decision').addEventListener('change', render);
  render();
})();
</script>
</body>
</html>
`;
  return { head, tail };
}

/** A row as the page embeds it: JSON that cannot end its element, after a comma unless it is the first. */
export function rowJson(row: IndexRow, first: boolean): string {
  return first ? scriptJson(row) : `,${scriptJson(row)}`;
}
