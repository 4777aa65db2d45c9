#!/usr/bin/env node
// Bytes per document of the in-memory corpus index (the figure in the README):
// admits N distinct documents (random signatures, as distinct articles give)
// and reports the heap and array growth divided by N.
//
//   node --expose-gc test/eval/dedup-memory.mjs [N]
import { MemoryDedupIndex } from '../../dist/stages/dedupe/corpus-index.js';
import { dedupe } from '../../dist/stages/dedupe.js';
import { prng } from './variants.mjs';

const N = Number(process.argv[2] ?? 200000);
const o = dedupe.defaults;
const random = prng(7);
const u32 = () => Math.floor(random() * 0x100000000);
global.gc?.();
const before = process.memoryUsage();
const index = new MemoryDedupIndex({ permutations: o.permutations, bands: o.bands, rows: o.rows, threshold: o.threshold, near: true });
const sig = new Uint32Array(o.permutations);
for (let i = 0; i < N; i++) {
  for (let j = 0; j < sig.length; j++) sig[j] = u32();
  index.admit(`doc-${String(i).padStart(7, '0')}`, { exact: [u32(), u32()], signature: sig });
}
global.gc?.();
const after = process.memoryUsage();
const heap = after.heapUsed - before.heapUsed;
const arrays = after.arrayBuffers - before.arrayBuffers;
console.log(`${N} documents admitted, ${index.size} kept`);
console.log(`typed arrays: ${(arrays / N).toFixed(0)} bytes/document (index.bytes ${(index.bytes / N).toFixed(0)}), ids and objects on the heap: ${(heap / N).toFixed(0)} bytes/document`);
console.log(`total ${((arrays + heap) / N).toFixed(0)} bytes/document`);
