#!/usr/bin/env node
// Scaling on a crawl-like corpus (the figures in the README's Performance section). The
// benchmark's documents reuse a few thousand body paragraphs, so it cannot show what grows
// with a crawl's distinct lines: here every body line is new (crawl.mjs puts a few random
// characters into each paragraph). For each size, the documents go to one JSONL file and
// the built CLI cleans it with all stages: wall and CPU time, peak RSS, and the time per
// 40 MB, to compare across sizes (a fixed part of a run would make it fall as they grow).
//
//   npm run build && node test/eval/scale.mjs 40 200 400     sizes in MB
//   node test/eval/scale.mjs --dir /some/disk 40              where the files go (default /dev/shm)
//   node test/eval/scale.mjs --workers 2 40 200               a worker pool
import { createWriteStream, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crawlDocument, root, sourcePages, timed } from './crawl.mjs';
import { prng } from './variants.mjs';

const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(name);
  if (i === -1) return undefined;
  const value = args[i + 1];
  args.splice(i, 2);
  return value;
};
const dir = option('--dir') ?? (existsSync('/dev/shm') ? '/dev/shm' : tmpdir());
const workers = option('--workers');
const sizes = args.map(Number);
if (sizes.length === 0 || sizes.some((mb) => !(mb > 0))) {
  console.error('usage: node test/eval/scale.mjs [--dir DIR] [--workers N] MB [MB ...]');
  process.exit(2);
}

const sources = sourcePages();
const work = mkdtempSync(join(dir, 'zhclean-scale-'));
try {
  console.log('| input | documents | wall | CPU | peak RSS | wall per 40 MB | CPU per 40 MB |');
  console.log('|---|---|---|---|---|---|---|');
  for (const mb of sizes) {
    // The same seed for every size: a larger corpus starts with the smaller one's documents.
    const random = prng(41);
    const input = join(work, `crawl-${mb}.jsonl`);
    const stream = createWriteStream(input);
    let bytes = 0;
    let docs = 0;
    while (bytes < mb * 1_000_000) {
      const text = crawlDocument(random, sources, true);
      if (!stream.write(`${JSON.stringify({ id: `doc-${String(docs).padStart(7, '0')}`, text })}\n`)) await once(stream, 'drain');
      bytes += Buffer.byteLength(text);
      docs++;
    }
    stream.end();
    await once(stream, 'finish');
    const out = join(work, 'out');
    const reports = join(work, 'reports');
    const z = timed(process.execPath, [join(root, 'dist/pipeline/bin.js'), 'run', input, '--out', out, '--reports', reports, '--quiet', ...(workers ? ['--workers', workers] : [])]);
    const per40 = 40 / (bytes / 1e6);
    console.log(
      `| ${(bytes / 1e6).toFixed(0)} MB | ${docs.toLocaleString('en')} | ${z.wall.toFixed(1)} s | ${z.cpu.toFixed(1)} s | ${z.rssMB.toFixed(0)} MB | ${(z.wall * per40).toFixed(1)} s | ${(z.cpu * per40).toFixed(1)} s |`,
    );
    rmSync(input);
    rmSync(out, { recursive: true, force: true });
    rmSync(reports, { recursive: true, force: true });
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
