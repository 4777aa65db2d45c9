#!/usr/bin/env node
// Memory and time of the run's set of document ids (the figure in the README): hands out
// N distinct ids in a row, then reports bytes per id (heap and typed arrays).
//
//   node --expose-gc test/eval/ids-memory.mjs [N]
import { IdAllocator } from '../../dist/pipeline/ids.js';

const N = Number(process.argv[2] ?? 1000000);
global.gc?.();
const before = process.memoryUsage();
const ids = new IdAllocator();
const t0 = performance.now();
try {
  for (let i = 0; i < N; i++) ids.allocate(`crawl-page-${String(i).padStart(8, '0')}`);
} catch (err) {
  console.log(`failed after ${((performance.now() - t0) / 1000).toFixed(1)} s: ${err.message}`);
  process.exit(1);
}
const s = ((performance.now() - t0) / 1000).toFixed(1);
global.gc?.();
const after = process.memoryUsage();
const bytes = after.heapUsed - before.heapUsed + after.arrayBuffers - before.arrayBuffers;
// The allocator is used after the measurement, so that it is still alive at it.
console.log(`${N} ids in ${s} s, ${(bytes / N).toFixed(1)} bytes per id; CRAWL-PAGE-00000001 becomes ${ids.allocate('CRAWL-PAGE-00000001').id}`);
