#!/usr/bin/env node
// How much of a run is warming up: cleans a folder of text files several times over in one
// process with the library API (the scan pass and every stage, each report serialised; no
// files written) and prints, per round, the wall time and the CPU time of the main thread
// and of V8's helper threads (its optimising compiler and the garbage collector's helpers).
// The first round pays for compiling the code; later rounds show what the stages and the
// reports cost once it is compiled. Linux only (per-thread times from /proc).
//
//   npm run build && node test/eval/bench.mjs --keep     # keeps its corpus; the path is printed
//   node test/eval/warm.mjs /dev/shm/zhclean-bench-XXXXXX/corpus [rounds]
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPipeline } from '../../dist/pipeline/index.js';
import { threadTimes } from './thread-cpu.cjs';

const dir = process.argv[2];
const rounds = Number(process.argv[3] ?? 3);
if (!dir) {
  console.error('usage: node test/eval/warm.mjs FOLDER [rounds]');
  process.exit(2);
}
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.txt'))
  .sort()
  .map((f) => join(dir, f));
const texts = files.map((f) => readFileSync(f, 'utf8'));
const mb = texts.reduce((n, t) => n + Buffer.byteLength(t), 0) / 1e6;

console.log(`${texts.length} documents, ${mb.toFixed(1)} MB, read into memory first`);
for (let round = 1; round <= rounds; round++) {
  const before = threadTimes();
  const t0 = performance.now();
  const pipeline = createPipeline({});
  for (const text of texts) pipeline.scan(text);
  let json = 0;
  texts.forEach((text, i) => {
    const r = pipeline.process({ id: `doc-${i}`, source: files[i], encoding: 'utf-8', text, meta: {} });
    json += JSON.stringify(r.report).length;
  });
  const after = threadTimes();
  const wall = (performance.now() - t0) / 1000;
  const main = after.main - before.main;
  const helpers = after.others - before.others;
  console.log(
    `round ${round}: ${wall.toFixed(2)} s wall; CPU ${(main + helpers).toFixed(2)} s (main thread ${main.toFixed(2)} s, V8 helper threads ${helpers.toFixed(2)} s); ${(json / 1e6).toFixed(0)} M characters of reports`,
  );
}
