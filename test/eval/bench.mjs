#!/usr/bin/env node
// The benchmark: a realistic corpus of at least 40 MB built from the seeds and the
// magic-html-zh pages, cleaned by the whole pipeline (the built CLI), side by side with
// OpenCC's own C++ converter (`opencc -c t2s.json`, Debian package opencc) on the same
// bytes. Prints MB/s overall and per stage, documents/s, peak RSS, and the ratios.
//
//   npm run bench                 40 MB
//   npm run bench -- --mb 20      another size (run 20 and 40 to see the scaling)
//   npm run bench -- --dir DIR    where the corpus and both tools' outputs go
//   npm run bench -- --runs 5     each tool 5 times, back to back; medians, and the median
//                                 of each pair's ratio (a shared machine varies by 10% and more)
//
// By default everything goes to /dev/shm (a RAM disk) when the machine has one: zhclean
// writes two files per document, and on a virtual machine's disk creating a file costs
// from 20 µs to 400 µs of kernel time depending on what the disk is doing, which would
// measure the disk rather than the two tools. Pass --dir to measure on a disk.
//
// The corpus is varied so that dedup does not make it trivial: every document keeps a
// source page's header and footer lines and takes its body paragraphs from several
// pages, chosen by a seeded generator, so documents share few paragraphs.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crawlDocument, root, sourcePages, timed } from './crawl.mjs';
import { prng } from './variants.mjs';

const args = process.argv.slice(2);
const mb = Number(args[args.indexOf('--mb') + 1] ?? 40) || 40;
const sources = sourcePages();

const dirArg = args.indexOf('--dir');
const base = dirArg !== -1 ? args[dirArg + 1] : existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
const work = mkdtempSync(join(base, 'zhclean-bench-'));
const corpus = join(work, 'corpus');
const joined = join(work, 'corpus.txt');
mkdirSync(corpus);
const random = prng(40);
let bytes = 0;
let docs = 0;
while (bytes < mb * 1_000_000) {
  const text = crawlDocument(random, sources);
  const file = join(corpus, `doc-${String(docs).padStart(6, '0')}.txt`);
  writeFileSync(file, text);
  appendFileSync(joined, `${text}\n`);
  bytes += Buffer.byteLength(text);
  docs++;
}
const MB = bytes / 1e6;
console.log(`corpus: ${docs} documents, ${MB.toFixed(1)} MB (UTF-8) in ${corpus}`);
const workers = args.includes('--workers') ? ['--workers', args[args.indexOf('--workers') + 1]] : [];

const runsArg = args.indexOf('--runs');
const runs = runsArg !== -1 ? Math.max(1, Number(args[runsArg + 1]) || 1) : 1;
let hasOpencc = true;
try {
  execFileSync('opencc', ['--version'], { stdio: 'ignore' });
} catch {
  hasOpencc = false;
}

const out = join(work, 'out');
const reports = join(work, 'reports');
/** One run of each tool, back to back, so that both meet the same machine (a shared one varies by 10% and more). */
const pairs = [];
for (let run = 1; run <= runs; run++) {
  rmSync(out, { recursive: true, force: true });
  rmSync(reports, { recursive: true, force: true });
  const threadCpu = join(work, 'threads.json');
  rmSync(threadCpu, { force: true }); // not the previous run's figures if this one writes none
  const z = timed(process.execPath, ['--require', join(root, 'test/eval/thread-cpu.cjs'), join(root, 'dist/pipeline/bin.js'), 'run', corpus, '--out', out, '--reports', reports, '--quiet', ...workers], { ...process.env, ZHCLEAN_THREAD_CPU: threadCpu });
  z.threads = existsSync(threadCpu) ? JSON.parse(readFileSync(threadCpu, 'utf8')) : undefined;
  const o = hasOpencc ? timed('opencc', ['-c', 't2s.json', '-i', joined, '-o', join(work, 'opencc.txt')]) : undefined;
  pairs.push({ z, o, summary: JSON.parse(readFileSync(join(reports, 'summary.json'), 'utf8')) });
  if (runs > 1) {
    const ratio = o ? `; opencc ${o.wall.toFixed(1)} s wall, ${o.cpu.toFixed(1)} s CPU; ratio wall ${(z.wall / o.wall).toFixed(2)}, CPU ${(z.cpu / o.cpu).toFixed(2)}` : '';
    console.log(`run ${run}: zhclean ${z.wall.toFixed(1)} s wall, ${z.cpu.toFixed(1)} s CPU, ${z.rssMB.toFixed(0)} MB${ratio}`);
  }
}

/** The median of some numbers (the mean of the middle two for an even count). */
function median(values) {
  const v = [...values].sort((a, b) => a - b);
  const mid = v.length >> 1;
  return v.length % 2 === 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}
// With several runs: the middle run by wall time gives the per-stage figures, the medians the rest.
const { summary } = [...pairs].sort((a, b) => a.z.wall - b.z.wall)[(pairs.length - 1) >> 1];
const z = { wall: median(pairs.map((p) => p.z.wall)), cpu: median(pairs.map((p) => p.z.cpu)), rssMB: Math.max(...pairs.map((p) => p.z.rssMB)) };
const of = runs > 1 ? ` (median of ${runs} runs)` : '';
console.log(`\nzhclean (all stages)${of}${runs > 1 ? ', peak RSS the largest' : ''}: ${z.wall.toFixed(1)} s wall, ${z.cpu.toFixed(1)} s CPU, peak RSS ${z.rssMB.toFixed(0)} MB`);
console.log(`  ${(MB / z.wall).toFixed(2)} MB/s, ${(docs / z.wall).toFixed(0)} documents/s; ${summary.documents.kept} kept, ${summary.documents.rejected} rejected`);
// Without a worker pool only: worker threads have ended by the time the process exits, and
// /proc no longer lists what they used.
const threads = pairs.map((p) => p.z.threads).filter(Boolean);
if (threads.length > 0 && !(Number(workers[1]) > 0)) {
  console.log(`  CPU by thread: main ${median(threads.map((t) => t.main)).toFixed(1)} s, other threads ${median(threads.map((t) => t.others)).toFixed(1)} s (V8's helpers: optimising compiler, concurrent GC)`);
}
console.log('  by stage (CPU time summed over the worker threads, MB/s of one thread):');
for (const s of summary.stages) console.log(`  ${s.name.padEnd(12)} ${(s.ms / 1000).toFixed(2).padStart(7)} s  ${(MB / (s.ms / 1000)).toFixed(1).padStart(7)} MB/s`);

if (hasOpencc) {
  const o = { wall: median(pairs.map((p) => p.o.wall)), cpu: median(pairs.map((p) => p.o.cpu)) };
  console.log(`\nopencc -c t2s.json${of}: ${o.wall.toFixed(1)} s wall, ${o.cpu.toFixed(1)} s CPU (${(MB / o.wall).toFixed(2)} MB/s)`);
  // The ratio of each back-to-back pair, then their median: steadier than a ratio of medians.
  const wall = median(pairs.map((p) => p.z.wall / p.o.wall));
  const cpu = median(pairs.map((p) => p.z.cpu / p.o.cpu));
  console.log(`ratio zhclean / opencc${runs > 1 ? ' (median of the pairs)' : ''}: wall ${wall.toFixed(2)}, CPU ${cpu.toFixed(2)} (the goal is at most 0.5 for both)`);
} else {
  console.log('\nopencc is not installed (Debian: apt-get install opencc): no comparison.');
}
if (!args.includes('--keep')) rmSync(work, { recursive: true, force: true });
