#!/usr/bin/env node
// Document dedup on a generated corpus (test/eval/variants.mjs): the 49
// magic-html-zh gold bodies, then an exact copy, a framed copy, a copy with
// ~3% of characters deleted and ASCII commas, and a Traditional copy of each,
// shuffled. Runs the whole pipeline and prints precision and recall of the
// duplicate decisions, the throughput, and the dedupe stage's own time.
//
//   npm run eval:dedup              seed 20241122 (the one the test uses)
//   npm run eval:dedup -- 1 2 3     other seeds
import { createPipeline } from '../../dist/pipeline/index.js';
import { scoreDecisions, variantCorpus } from './variants.mjs';

const seeds = process.argv.slice(2).map(Number);
for (const seed of seeds.length ? seeds : [20241122]) {
  const corpus = variantCorpus(seed);
  const pipeline = createPipeline({});
  const t0 = performance.now();
  const results = corpus.map((d) => pipeline.process({ id: d.id, source: d.id, encoding: 'utf-8', text: d.text, meta: {} }));
  const ms = performance.now() - t0;
  // Originals rejected on their own (cleaned to nothing, too short, a list of figures: the quality
  // stage) are not kept, so there is no kept copy to find; they and their copies are left out.
  const empty = new Set(corpus.filter((d, i) => d.original === null && results[i].decision === 'reject').map((d) => d.id));
  const keep = corpus.map((d, i) => [d, results[i]]).filter(([d]) => !empty.has(d.original ?? d.id));
  const s = scoreDecisions(keep.map(([d]) => d), keep.map(([, r]) => r));
  const dedupeMs = results.reduce((n, r) => n + r.trace.find((t) => t.name === 'dedupe').ms, 0);
  const chars = corpus.reduce((n, d) => n + d.text.length, 0);
  console.log(
    `seed ${seed}: ${keep.length} documents (${empty.size} original${empty.size === 1 ? '' : 's'} rejected on ${empty.size === 1 ? 'its' : 'their'} own left out, with their copies), ` +
      `precision ${s.precision.toFixed(3)} recall ${s.recall.toFixed(3)} (${s.truePos} caught, ${s.falseNeg} missed, ${s.falsePos} wrong)`,
  );
  console.log(
    `  whole pipeline ${(corpus.length / (ms / 1000)).toFixed(0)} documents/s; dedupe stage ${dedupeMs.toFixed(0)} ms = ` +
      `${(corpus.length / (dedupeMs / 1000)).toFixed(0)} documents/s, ${(chars / 1e6 / (dedupeMs / 1000)).toFixed(1)} M chars/s`,
  );
  for (const m of s.misses) console.log(`  ${m}`);
}
