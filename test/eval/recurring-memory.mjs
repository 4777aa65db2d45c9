#!/usr/bin/env node
// Memory of the boilerplate stage's recurring-line counts (the figure in the README): the
// scan pass's tally of D documents, each with L lines of its own (body text) and a few of
// 200 site lines (furniture), as line keys; reports the heap and typed-array growth per
// distinct line and the time. Through the pipeline's `tally`, so it measures any build.
//
//   node --expose-gc test/eval/recurring-memory.mjs [D] [L]
import { createPipeline } from '../../dist/pipeline/index.js';
import { prng } from './variants.mjs';

const D = Number(process.argv[2] ?? 100000);
const L = Number(process.argv[3] ?? 30);
const random = prng(11);
const key = () => Math.floor(random() * 0x100000000) * 0x200000 + Math.floor(random() * 0x200000) || 1;
const furniture = Array.from({ length: 200 }, key);
const pipeline = createPipeline({ stages: ['boilerplate'] });
global.gc?.();
const before = process.memoryUsage();
const t0 = performance.now();
try {
  for (let d = 0; d < D; d++) {
    const keys = Array.from({ length: L }, key);
    for (let f = d % 10; f < furniture.length; f += 10) keys.push(furniture[f]);
    pipeline.tally([keys]);
  }
} catch (err) {
  console.log(`failed after ${((performance.now() - t0) / 1000).toFixed(1)} s: ${err.message}`);
  process.exit(1);
}
const ms = performance.now() - t0;
global.gc?.();
const after = process.memoryUsage();
const lines = D * L + furniture.length;
const heap = after.heapUsed - before.heapUsed;
const arrays = after.arrayBuffers - before.arrayBuffers;
console.log(`${D} documents, ${lines} distinct lines tallied in ${(ms / 1000).toFixed(1)} s; peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
// The pipeline is used after the measurement, so that it is still alive at it.
console.log(`${pipeline.context.scannedDocuments} documents scanned`);
console.log(`heap ${(heap / lines).toFixed(1)} + typed arrays ${(arrays / lines).toFixed(1)} = ${((heap + arrays) / lines).toFixed(1)} bytes per distinct line`);
