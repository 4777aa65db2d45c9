#!/usr/bin/env node
// Does the despin stage generalise beyond seed 001? Spins the magic-html-zh gold
// bodies with the inverse of the table (test/eval/spin.mjs), repairs them with the
// stage alone, and reports the share of the damage undone (1 − distance after /
// distance before, by edit distance to the clean text) and the repairs made on
// the clean texts themselves (false repairs: the goal is 0).
//
//   npm run eval:despin [-- --margin 0.5]
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPipeline } from '../../dist/pipeline/index.js';
import { editDistance, spin } from './spin.mjs';
import { GOLD } from './variants.mjs';

const args = process.argv.slice(2);
const options = {};
for (let i = 0; i < args.length; i += 2) options[args[i].replace(/^--/, '')] = Number(args[i + 1]);
const pipeline = createPipeline({ stages: ['despin'], options: { despin: options } });
const run = (id, text) => pipeline.process({ id, source: id, encoding: 'utf-8', text, meta: {} });

/** Spinning and repairing keep the lines, so the distance is summed line by line (fast on long pages). */
function lineDistance(a, b) {
  const A = a.split('\n');
  const B = b.split('\n');
  if (A.length !== B.length) return editDistance(a, b);
  return A.reduce((n, line, i) => n + editDistance(line, B[i]), 0);
}

let before = 0;
let after = 0;
let falseRepairs = 0;
let detectedClean = 0;
let missedSpun = 0;
const lines = [];
for (const name of readdirSync(GOLD).filter((f) => f.endsWith('.txt')).sort()) {
  const gold = readFileSync(join(GOLD, name), 'utf8').trim();
  const clean = run(name, gold);
  falseRepairs += clean.report.spin.repairs;
  if (clean.report.spin.detected) detectedClean++;
  const spun = spin(gold, { seed: name.length * 7919 + gold.length });
  if (spun.changed === 0) continue;
  const repaired = run(name, spun.text);
  if (!repaired.report.spin.detected) missedSpun++;
  const b = lineDistance(spun.text, gold);
  const a = lineDistance(repaired.text, gold);
  before += b;
  after += a;
  lines.push(`${name}  words spun ${spun.changed}  distance ${b} → ${a}  detected ${repaired.report.spin.detected} score ${repaired.report.spin.score}`);
}
if (args.includes('-v') || process.env.VERBOSE) for (const l of lines) console.log(l);
console.log(`${lines.length} spun texts: damage undone ${(1 - after / before).toFixed(3)} (edit distance ${before} → ${after}); spun texts not detected: ${missedSpun}`);
console.log(`clean texts: ${detectedClean} detected as spun, ${falseRepairs} false repairs`);
