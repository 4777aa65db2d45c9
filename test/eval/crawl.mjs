// What the benchmark (bench.mjs) and the scaling run (scale.mjs) share: crawl-like
// documents made from the seeds and the magic-html-zh pages, and timing a command.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const root = new URL('../../', import.meta.url).pathname;

/** The source pages as lines, and their body paragraphs (lines of 40 characters or more). */
export function sourcePages() {
  const shared = join(root, '../shared/datasets/magic-html-zh/input');
  const pageDir = existsSync(shared) ? shared : join(root, 'test/fixtures/magic-html-zh/gold');
  const pages = [
    ...readdirSync(join(root, 'seeds')).map((f) => readFileSync(join(root, 'seeds', f), 'utf8')),
    ...readdirSync(pageDir).map((f) => readFileSync(join(pageDir, f), 'utf8')),
  ].map((t) => t.split('\n'));
  return { pages, bodies: pages.flatMap((lines) => lines.filter((l) => l.length >= 40)) };
}

/** Common Han characters, put into body paragraphs to make them unique. */
const HAN = '的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政';

/**
 * One document: a page's first and last four lines (its header and footer) around 8 to 23
 * body paragraphs drawn from all pages by `random`. With `unique`, 4 to 9 random Han
 * characters go into each paragraph at a random place (never inside a surrogate pair), so
 * that every body line is new, as a crawl's body lines mostly are, where the benchmark's
 * documents reuse a few thousand paragraphs. Most of a paragraph's text still repeats.
 */
export function crawlDocument(random, { pages, bodies }, unique = false) {
  const page = pages[Math.floor(random() * pages.length)];
  const pick = () => {
    const body = bodies[Math.floor(random() * bodies.length)];
    if (!unique) return body;
    let at = Math.floor(random() * body.length);
    if (at > 0 && (body.charCodeAt(at - 1) & 0xfc00) === 0xd800) at--;
    let insert = '';
    for (let n = 4 + Math.floor(random() * 6); n > 0; n--) insert += HAN[Math.floor(random() * HAN.length)];
    return body.slice(0, at) + insert + body.slice(at);
  };
  const body = Array.from({ length: 8 + Math.floor(random() * 16) }, pick);
  return [...page.slice(0, 4), ...body, ...page.slice(-4)].join('\n');
}

/** Runs a command under GNU time: wall seconds, CPU seconds (user + sys), peak RSS in MB. */
export function timed(cmd, cmdArgs, env = process.env) {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', cmd, ...cmdArgs], { encoding: 'utf8', maxBuffer: 1 << 26, env });
  const last = r.stderr.trim().split('\n').at(-1).split(' ').map(Number);
  if (r.status !== 0 && r.status !== 1) throw new Error(`${cmd} failed (${r.status}): ${r.stderr.slice(-500)}`);
  return { wall: last[0], cpu: last[1] + last[2], rssMB: last[3] / 1024 };
}
