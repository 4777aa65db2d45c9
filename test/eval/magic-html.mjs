#!/usr/bin/env node
// Boilerplate and reflow on real pages: cleans the 49 Chinese news pages of
// magic-html's benchmark (../shared/datasets/magic-html-zh/input) and scores each
// against its hand-annotated body with ../shared/score.py chars (character-level
// LCS precision/recall/F1). Prints one line a page and the means.
//
//   npm run eval                 all pages
//   npm run eval -- article-07   some pages, with the cleaned text kept in /tmp
//   npm run eval -- --stages normalize   score a subset of stages (e.g. the raw baseline)
//
// The gold of the two Traditional pages is Traditional. When the script stage
// converted a page to Simplified, its gold is converted with the same OpenCC
// variant before scoring, so the score measures what was kept, not the script.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as OpenCC from 'opencc-js';
import { createPipeline } from '../../dist/pipeline/index.js';

const root = new URL('../../', import.meta.url).pathname;
const dataset = join(root, '../shared/datasets/magic-html-zh');
const score = join(root, '../shared/score.py');
const args = process.argv.slice(2);
const stagesAt = args.indexOf('--stages');
const stages = stagesAt >= 0 ? args.splice(stagesAt, 2)[1].split(',') : undefined;
const only = new Set(args);

const pipeline = createPipeline(stages ? { stages } : {});
const names = readdirSync(join(dataset, 'input')).filter((f) => f.endsWith('.txt')).map((f) => f.slice(0, -4)).sort()
  .filter((n) => only.size === 0 || only.has(n));
const texts = names.map((n) => readFileSync(join(dataset, 'input', `${n}.txt`), 'utf8'));
if (pipeline.needsScan) for (const t of texts) pipeline.scan(t);

const work = mkdtempSync(join(tmpdir(), 'zhclean-eval-'));
const sums = { p: 0, r: 0, f: 0 };
for (const [i, name] of names.entries()) {
  const result = pipeline.process({ id: name, source: name, encoding: 'utf-8', text: texts[i], meta: {} });
  const out = join(work, `${name}.txt`);
  writeFileSync(out, result.text);
  let gold = join(dataset, 'gold', `${name}.txt`);
  const variant = result.report.stages.find((st) => st.name === 'script')?.findings.length ? result.doc.data.script?.variant : undefined;
  if (variant) {
    const converted = join(work, `${name}.gold.txt`);
    writeFileSync(converted, OpenCC.Converter({ from: variant, to: 'cn' })(readFileSync(gold, 'utf8')));
    gold = converted;
  }
  const line = execFileSync('python3', [score, 'chars', out, gold], { encoding: 'utf8' });
  const [p, r, f] = [...line.matchAll(/=([\d.]+)/g)].map((m) => Number(m[1]));
  sums.p += p; sums.r += r; sums.f += f;
  console.log(`${name}  P=${p.toFixed(3)} R=${r.toFixed(3)} F1=${f.toFixed(3)}`);
}
const n = names.length;
console.log(`mean over ${n} pages: char_precision=${(sums.p / n).toFixed(3)} char_recall=${(sums.r / n).toFixed(3)} char_f1=${(sums.f / n).toFixed(3)}`);
if (only.size > 0) console.log(`cleaned text in ${work}`);
