// Bad input never crashes a run, never loses a document, never escapes the
// output folders; an interrupted run resumes to the same outputs.
import { spawn } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, ROOT, tempDir, zhclean } from './helpers/cli.js';

function tree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name).slice(dir.length + 1))
    .sort();
}
const json = (p: string): any => JSON.parse(readFileSync(p, 'utf8'));
const SEEDS = readdirSync(join(ROOT, 'seeds')).filter((f) => f.endsWith('.txt')).map((f) => f.slice(0, -4));
const P = '国家统计局今天发布数据显示，一季度国内生产总值同比增长百分之五点三，经济运行开局良好，就业形势总体稳定。';

describe('a run over the seeds and every kind of bad input', () => {
  const work = tempDir();
  const input = join(work, 'crawl');
  cpSync(join(ROOT, 'seeds'), input, { recursive: true });
  const bad = join(input, 'bad');
  mkdirSync(bad);
  writeFileSync(join(bad, 'empty.txt'), '');
  writeFileSync(join(bad, 'whitespace.txt'), '  \n\t\n\u3000\u3000\n');
  writeFileSync(join(bad, 'binary.txt'), Buffer.from(Array.from({ length: 2048 }, (_, i) => i % 256)));
  writeFileSync(join(bad, 'invalid-bytes.txt'), Buffer.concat([Buffer.from(P), Buffer.from([0xff, 0xfe, 0x80]), Buffer.from('从需求看，最终消费支出对经济增长的贡献率达到百分之七十三，消费的基础性作用进一步增强。')]));
  writeFileSync(join(bad, 'records.jsonl'), [JSON.stringify({ id: 'good-record', text: '深圳发布新一轮人才政策，高层次人才可申请住房补贴和子女入学支持，政策自下月起施行。\n市人社局表示，二季度将举办专场招聘会，预计提供岗位三万个以上。' }), '{"id": "broken", "text": ', JSON.stringify({ id: 'no-text', title: 'x' })].join('\n'));
  // A 5-million-character single line, and pathological repetition.
  let line = '';
  const chunk = '国家统计局发布数据显示经济运行总体平稳，就业形势稳定，物价温和上涨。';
  while (line.length < 5_000_000) line += chunk;
  writeFileSync(join(bad, 'long-line.txt'), line);
  writeFileSync(join(bad, 'one-char.txt'), '哈'.repeat(1_000_000));
  writeFileSync(join(bad, 'same-line.txt'), `${'这是一行重复的文字，没有任何变化。\n'.repeat(30_000)}`);
  // Unreadable: a link to nothing, a file whose read fails even for root (EIO), and, when
  // not root, a file without read permission.
  symlinkSync(join(work, 'nowhere.txt'), join(bad, 'dangling.txt'));
  if (existsSync('/proc/self/mem')) symlinkSync('/proc/self/mem', join(bad, 'read-error.txt'));
  const root = process.getuid?.() === 0;
  if (!root) {
    writeFileSync(join(bad, 'no-permission.txt'), P);
    chmodSync(join(bad, 'no-permission.txt'), 0o000);
  }
  const before = tree(work);
  const out = join(work, 'out');
  const reports = join(work, 'reports');
  const r = zhclean(['run', input, '--out', out, '--reports', reports]);
  const summary = json(join(reports, 'summary.json'));

  it('finishes with exit 1, naming each bad input with its reason, and no stack trace', () => {
    expect(r.status).toBe(1);
    const named = Object.fromEntries(summary.failures.map((f: any) => [`${f.source.slice(input.length + 1)}${f.line ? `:${f.line}` : ''}`, f.reason]));
    expect(named['bad/empty.txt']).toMatch(/empty/);
    expect(named['bad/whitespace.txt']).toMatch(/whitespace/);
    expect(named['bad/binary.txt']).toMatch(/NUL|binary/);
    expect(named['bad/records.jsonl:2']).toMatch(/malformed JSON/);
    expect(named['bad/records.jsonl:3']).toMatch(/no "text"/);
    expect(named['bad/dangling.txt']).toMatch(/ENOENT|no such file|cannot read/i);
    if (existsSync('/proc/self/mem')) expect(named['bad/read-error.txt']).toMatch(/EIO|cannot read/i);
    if (!root) expect(named['bad/no-permission.txt']).toMatch(/EACCES|permission/i);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    for (const key of Object.keys(named)) expect(r.stderr).toContain(key.split(':')[0]!.split('/').pop());
  });

  it('cleans every good document: the seeds, the record, the text with invalid bytes (flagged)', () => {
    for (const id of SEEDS) expect(existsSync(join(out, `${id}.txt`)), id).toBe(true);
    expect(readFileSync(join(out, 'good-record.txt'), 'utf8')).toContain('二季度将举办专场招聘会');
    const invalid = json(join(reports, 'invalid-bytes.json'));
    expect(invalid.decision).toBe('keep');
    expect(invalid.warnings.join(' ')).toMatch(/3 invalid byte sequence/);
    expect(readFileSync(join(out, 'invalid-bytes.txt'), 'utf8')).toContain('\ufffd');
  });

  it('reports the pathological documents with reasons instead of failing on them', () => {
    expect(json(join(reports, 'long-line.json')).reasons.join(' ')).toMatch(/too-long/);
    for (const id of ['one-char', 'same-line']) {
      const rep = json(join(reports, `${id}.json`));
      expect(rep.decision, id).toBe('reject');
      expect(rep.reasons.length, id).toBeGreaterThan(0);
    }
  });

  it('writes nothing outside the output folders', () => {
    expect(tree(work).filter((p) => !p.startsWith('out/') && !p.startsWith('reports/'))).toEqual(before);
  });
});

/** Runs the CLI and kills it (SIGKILL: no chance to react) once `reports` holds at least `after` document reports. */
function runAndKill(args: string[], reports: string, after: number): Promise<boolean> {
  return runAndSignal(args, reports, after, 'SIGKILL').then((r) => r.sent);
}

/** Runs the CLI and sends it `signal` once `reports` holds at least `after` document reports: whether it was sent, and how the run ended. */
function runAndSignal(args: string[], reports: string, after: number, signal: NodeJS.Signals): Promise<{ sent: boolean; endedBy: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: 'ignore' });
    let sent = false;
    const timer = setInterval(() => {
      const n = existsSync(reports) ? readdirSync(reports).filter((f) => f.endsWith('.json') && f !== 'summary.json').length : 0;
      if (n >= after && !sent) {
        sent = true;
        child.kill(signal);
      }
    }, 5);
    child.on('exit', (_code, endedBy) => {
      clearInterval(timer);
      resolve({ sent, endedBy });
    });
  });
}

/** A folder `crawl` in a new temporary folder, of `n` documents: document i is `text(i, article body i mod the bodies' count, that count)`. */
function articleCrawl(n: number, text: (i: number, body: string, bodies: number) => string): { work: string; input: string } {
  const work = tempDir();
  const input = join(work, 'crawl');
  mkdirSync(input);
  const gold = new URL('./fixtures/magic-html-zh/gold/', import.meta.url).pathname;
  const bodies = readdirSync(gold).map((f) => readFileSync(join(gold, f), 'utf8'));
  for (let i = 0; i < n; i++) writeFileSync(join(input, `doc-${String(i).padStart(3, '0')}.txt`), text(i, bodies[i % bodies.length]!, bodies.length));
  return { work, input };
}

describe('an interrupted run, resumed', () => {
  it('gives the same outputs as an uninterrupted run', async () => {
    // Distinct documents (and a few copies, so the dedup index must be rebuilt on resume).
    const { work, input } = articleCrawl(240, (i, body, bodies) => (i < bodies ? body : `${i}号文件\n${body.split('\n').reverse().join('\n')}`));
    const full = { out: join(work, 'full-out'), reports: join(work, 'full-reports') };
    expect(zhclean(['run', input, '--out', full.out, '--reports', full.reports, '--quiet']).status).toBe(0);

    const part = { out: join(work, 'part-out'), reports: join(work, 'part-reports') };
    const args = ['run', input, '--out', part.out, '--reports', part.reports, '--quiet'];
    const killed = await runAndKill(args, part.reports, 60);
    expect(killed).toBe(true);
    expect(existsSync(join(part.reports, 'summary.json'))).toBe(false);
    expect(existsSync(join(part.out, 'corpus.jsonl'))).toBe(false); // never half-written: only a temporary file may exist
    const resumed = zhclean([...args, '--resume']);
    expect(resumed.status).toBe(0);
    const summary = json(join(part.reports, 'summary.json'));
    // Of the 60 reports or more, the last may be half-written: that one is cleaned again.
    expect(summary.resumed).toBeGreaterThanOrEqual(59);
    expect(summary.resumed).toBeLessThan(240);

    // Same texts, same corpus file, same reports (timings aside), same counts.
    const texts = (dir: string) => tree(dir).filter((f) => f.endsWith('.txt'));
    expect(texts(part.out)).toEqual(texts(full.out));
    for (const f of texts(full.out)) expect(readFileSync(join(part.out, f), 'utf8'), f).toBe(readFileSync(join(full.out, f), 'utf8'));
    expect(readFileSync(join(part.out, 'corpus.jsonl'), 'utf8')).toBe(readFileSync(join(full.out, 'corpus.jsonl'), 'utf8'));
    const untimed = (p: string) => {
      const rep = json(p);
      for (const s of rep.stages) s.ms = 0;
      return rep;
    };
    for (const f of readdirSync(full.reports).filter((x) => x.startsWith('doc-'))) {
      expect(untimed(join(part.reports, f)), f).toEqual(untimed(join(full.reports, f)));
    }
    const fullSummary = json(join(full.reports, 'summary.json'));
    expect(summary.documents).toEqual(fullSummary.documents);
    expect(summary.rejections).toEqual(fullSummary.rejections);
    expect(summary.stages.map((s: any) => [s.name, s.findings, s.edits, s.charsRemoved])).toEqual(fullSummary.stages.map((s: any) => [s.name, s.findings, s.edits, s.charsRemoved]));
  }, 180_000);
});

describe('a document whose files cannot be written', () => {
  it.each(['0', '1'])('is a failure named in the summary; the others are written (workers: %s)', (workers) => {
    const { work, input } = articleCrawl(3, (_i, body) => body);
    const out = join(work, 'out');
    const reports = join(work, 'reports');
    mkdirSync(join(out, 'doc-001.txt'), { recursive: true }); // a folder where its text goes
    const r = zhclean(['run', input, '--out', out, '--reports', reports, '--quiet', '--workers', workers]);
    expect(r.status).toBe(1);
    const summary = json(join(reports, 'summary.json'));
    expect(summary.failures).toEqual([{ source: join(input, 'doc-001.txt'), reason: expect.stringMatching(/^cannot write outputs: .*EISDIR/) }]);
    expect(existsSync(join(reports, 'doc-001.json'))).toBe(false); // so --resume cleans it again
    for (const id of ['doc-000', 'doc-002']) expect(json(join(reports, `${id}.json`)).decision).toBe('keep');
    expect(readFileSync(join(out, 'doc-002.txt'), 'utf8').length).toBeGreaterThan(100);
  }, 60_000);

  it.each(['0', '1'])('is not left among the kept when it is a copy (workers: %s)', (workers) => {
    // With workers a copy is first written as kept, then again as rejected: a rejected text
    // that cannot be written must not leave the kept one behind.
    let first = '';
    const { work, input } = articleCrawl(3, (i, body) => (i === 0 ? (first = body) : i === 2 ? first : body));
    const out = join(work, 'out');
    const reports = join(work, 'reports');
    mkdirSync(join(out, 'rejected', 'doc-002.txt'), { recursive: true });
    const r = zhclean(['run', input, '--out', out, '--reports', reports, '--quiet', '--workers', workers]);
    expect(r.status).toBe(1);
    expect(json(join(reports, 'summary.json')).failures).toEqual([{ source: join(input, 'doc-002.txt'), reason: expect.stringMatching(/^cannot write outputs: .*EISDIR/) }]);
    expect(existsSync(join(out, 'doc-002.txt'))).toBe(false);
    expect(existsSync(join(reports, 'doc-002.json'))).toBe(false);
    expect(readFileSync(join(out, 'corpus.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l).id)).toEqual(['doc-000', 'doc-001']);
  }, 60_000);
});

describe('a copy a stopped run wrote before its corpus decisions', () => {
  // A document is written where it is cleaned, as if dedup kept it, before the main thread
  // decides in input order (pipeline/tasks.ts). A run stopped in between leaves a copy's
  // report saying "keep" and its text among the kept.
  it.each(['0', '1'])('is rejected when the run resumes (workers: %s), as an uninterrupted run rejects it', (workers) => {
    let first = '';
    const { work, input } = articleCrawl(3, (i, body) => (i === 0 ? (first = body) : i === 2 ? first : body));
    const full = { out: join(work, 'full-out'), reports: join(work, 'full-reports') };
    expect(zhclean(['run', input, '--out', full.out, '--reports', full.reports, '--quiet']).status).toBe(0);
    expect(json(join(full.reports, 'doc-002.json'))).toMatchObject({ decision: 'reject', duplicateOf: 'doc-000' });

    const part = { out: join(work, 'part-out'), reports: join(work, 'part-reports') };
    cpSync(full.out, part.out, { recursive: true });
    cpSync(full.reports, part.reports, { recursive: true });
    for (const f of ['out/corpus.jsonl', 'reports/summary.json', 'reports/index.html']) rmSync(join(work, `part-${f}`));
    const report = json(join(part.reports, 'doc-002.json'));
    const asWritten = {
      ...report,
      decision: 'keep',
      reasons: [],
      stages: report.stages.map((s: any) => ({ ...s, findings: s.findings.filter((f: any) => f.action !== 'reject') })),
    };
    delete asWritten.duplicateOf;
    delete asWritten.similarity;
    writeFileSync(join(part.reports, 'doc-002.json'), `${JSON.stringify(asWritten)}\n`);
    renameSync(join(part.out, 'rejected', 'doc-002.txt'), join(part.out, 'doc-002.txt'));

    expect(zhclean(['run', input, '--out', part.out, '--reports', part.reports, '--quiet', '--resume', '--workers', workers]).status).toBe(0);
    expect(tree(part.out)).toEqual(tree(full.out));
    expect(readFileSync(join(part.out, 'corpus.jsonl'), 'utf8')).toBe(readFileSync(join(full.out, 'corpus.jsonl'), 'utf8'));
    const untimed = (p: string) => ({ ...json(p), stages: json(p).stages.map((s: any) => ({ ...s, ms: 0 })) });
    expect(untimed(join(part.reports, 'doc-002.json'))).toEqual(untimed(join(full.reports, 'doc-002.json')));
    const summary = json(join(part.reports, 'summary.json'));
    expect(summary.resumed).toBe(2); // the copy was cleaned again, the others only replayed
    expect(summary.documents).toEqual(json(join(full.reports, 'summary.json')).documents);
  }, 60_000);
});

describe('a run stopped by Ctrl-C or TERM', () => {
  it('ends at once by that signal, leaves no temporary file, and resumes', async () => {
    const { work, input } = articleCrawl(600, (i, body) => `${i}号\n${body}`);
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      const out = join(work, `${signal}-out`);
      const reports = join(work, `${signal}-reports`);
      const args = ['run', input, '--out', out, '--reports', reports, '--quiet'];
      const { sent, endedBy } = await runAndSignal(args, reports, 20, signal);
      expect(sent).toBe(true);
      expect(endedBy).toBe(signal);
      const written = readdirSync(reports).filter((f) => f.startsWith('doc-')).length;
      expect(written).toBeLessThan(600); // it stopped, not ran on to the end
      // Neither corpus.jsonl, the page, the summary nor their temporary files (nor the page's rows).
      expect(tree(work).filter((f) => f.startsWith(`${signal}-`) && !/\/(rejected\/)?doc-\d+\.(txt|json)$/.test(f))).toEqual([]);
      expect(zhclean([...args, '--resume']).status).toBe(0);
      expect(json(join(reports, 'summary.json')).documents.total).toBe(600);
      expect(tree(work).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    }
  }, 180_000);
});

describe('lines recurring across a crawl, with worker threads', () => {
  it('are dropped the same way with the stages on the main thread or in a pool', () => {
    // A site's hotline between the body's paragraphs: a short line there is a subheading to
    // every rule but the corpus count (60 documents, above its minimum of 50), which the
    // pool's threads get from the scan pass by structured clone.
    const hotline = '本站热线欢迎您来电';
    const { work, input } = articleCrawl(60, (i, body) => {
      const lines = body.split('\n');
      return [`第${i}期`, ...lines.slice(0, 2), hotline, ...lines.slice(2)].join('\n');
    });
    const run = (workers: string) => {
      const out = join(work, `out-${workers}`);
      const reports = join(work, `rep-${workers}`);
      expect(zhclean(['run', input, '--out', out, '--reports', reports, '--quiet', '--workers', workers]).status).toBe(0);
      const recurring = readdirSync(reports)
        .filter((f) => f.startsWith('doc-'))
        .filter((f) => JSON.stringify(json(join(reports, f)).stages).includes('"rule":"recurring-line"')).length;
      return { corpus: readFileSync(join(out, 'corpus.jsonl'), 'utf8'), recurring };
    };
    const main = run('0');
    expect(main.recurring).toBeGreaterThan(40);
    expect(run('2')).toEqual(main);
  }, 60_000);
});
