// End-to-end: the built CLI on the seeds, on a folder of awkward inputs, in
// stdin/stdout mode, and its usage errors.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeLegacy } from './helpers/legacy-encode.js';
import { spawnSync } from 'node:child_process';
import { BIN, ROOT, tempDir, zhclean } from './helpers/cli.js';
import { defaultWorkers } from '../pipeline/cli.js';

const SEED_IDS = readdirSync(join(ROOT, 'seeds'))
  .filter((f) => f.endsWith('.txt'))
  .map((f) => f.replace(/\.txt$/, ''))
  .sort();

/** Every stage but quality, for tests of reading and writing short documents. */
const NO_QUALITY = 'normalize,script,reflow,boilerplate,despin,punctuation,language,dedupe';

function json(path: string): any {
  return JSON.parse(readFileSync(path, 'utf8'));
}

function expectFullReport(report: any): void {
  expect(report).toEqual(
    expect.objectContaining({
      id: expect.any(String),
      source: expect.any(String),
      encoding: expect.any(String),
      language: { code: expect.any(String), score: expect.any(Number) },
      chars: { in: expect.any(Number), out: expect.any(Number) },
      decision: expect.stringMatching(/^(keep|reject)$/),
      reasons: expect.any(Array),
      spin: { detected: expect.any(Boolean), score: expect.any(Number), repairs: expect.any(Number) },
      stages: expect.any(Array),
      quality: { score: expect.toSatisfy((s: unknown) => s === null || typeof s === 'number'), signals: expect.any(Object) },
    }),
  );
  for (const s of report.stages) expect(s).toEqual(expect.objectContaining({ name: expect.any(String), ms: expect.any(Number), findings: expect.any(Array) }));
}

/** Every file below a folder, as relative paths. */
function tree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name).slice(dir.length + 1))
    .sort();
}

describe('zhclean run on the seeds', () => {
  const work = tempDir();
  const out = join(work, 'out');
  const reports = join(work, 'reports');
  const r = zhclean(['run', 'seeds', '--out', out, '--reports', reports]);

  it('exits 0 quietly (no terminal, no failures)', () => {
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('writes the cleaned text of every seed, one paragraph a line', () => {
    for (const id of SEED_IDS) {
      const text = readFileSync(join(out, `${id}.txt`), 'utf8');
      expect(text.length).toBeGreaterThan(500);
      expect(text.endsWith('\n')).toBe(true);
      expect(text).not.toMatch(/\n\n|\r|^\s|\u3000/m);
    }
  });

  it('writes corpus.jsonl in input order with {id, text, meta, quality}', () => {
    const lines = readFileSync(join(out, 'corpus.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.id)).toEqual(SEED_IDS);
    for (const l of lines) expect(Object.keys(l).sort()).toEqual(['id', 'meta', 'quality', 'text']);
    expect(lines[0].text).toBe(readFileSync(join(out, `${SEED_IDS[0]}.txt`), 'utf8').trimEnd());
  });

  it('writes a full report for every seed', () => {
    for (const id of SEED_IDS) {
      const report = json(join(reports, `${id}.json`));
      expectFullReport(report);
      expect(report.id).toBe(id);
      expect(report.encoding).toBe('utf-8');
      expect(report.source).toBe(`seeds/${id}.txt`);
    }
    // 003 is indented with spaces: the report says what went and why.
    const r003 = json(join(reports, `${SEED_IDS[3]}.json`));
    const rules = r003.stages[0].findings.map((f: any) => f.rule);
    expect(rules).toContain('edge-whitespace');
    // Its headline left the text for the report's title; its navigation line is a finding with a reason.
    expect(r003.title).toBe('奋进“北转型”上海宝山全力打造新时代现代化转型样本');
    const nav = r003.stages.find((s: any) => s.name === 'boilerplate').findings.find((f: any) => f.rule === 'nav');
    expect(nav).toMatchObject({ action: 'drop', line: 1, before: '返回首页' });
  });

  it('writes summary.json and index.html', () => {
    const summary = json(join(reports, 'summary.json'));
    expect(summary.documents).toEqual({ total: 5, kept: 5, rejected: 0 });
    expect(summary.failures).toEqual([]);
    expect(summary.stages.map((s: any) => s.name)).toEqual(['normalize', 'script', 'reflow', 'boilerplate', 'despin', 'punctuation', 'language', 'dedupe', 'quality']);
    expect(summary.stages[0].charsRemoved).toBeGreaterThan(0);
    const html = readFileSync(join(reports, 'index.html'), 'utf8');
    for (const id of SEED_IDS) expect(html).toContain(`"id":"${id}"`);
  });

  it('is what `npm start` runs by default (inputs default to seeds)', () => {
    const work2 = tempDir();
    cpSync(join(ROOT, 'seeds'), join(work2, 'seeds'), { recursive: true });
    const r2 = zhclean(['run'], { cwd: work2 });
    expect(r2.status).toBe(0);
    expect(tree(join(work2, 'output'))).toEqual([...SEED_IDS.map((id) => `${id}.txt`), 'corpus.jsonl'].sort());
    expect(tree(join(work2, 'reports'))).toEqual(
      [...SEED_IDS.map((id) => `${id}.json`), 'index.html', 'summary.json'].sort(),
    );
  });
});

describe('zhclean run on awkward inputs', () => {
  const work = tempDir();
  const input = join(work, 'crawl');
  mkdirSync(join(input, 'sub'), { recursive: true });
  const simplified = '国家统计局今天发布数据，一季度国内生产总值同比增长，就业形势总体稳定。';
  const traditional = '中央氣象署表示，颱風預計明天清晨在臺灣東部登陸，民眾應做好防颱準備。';
  writeFileSync(join(input, 'gbk.txt'), encodeLegacy(`\u3000\u3000${simplified}\r\n`, 'gbk'));
  writeFileSync(join(input, 'big5.txt'), encodeLegacy(traditional, 'big5'));
  // Every document says something else: copies would be rejected as duplicates (tested on its own below).
  const utf16 = '成都大熊猫基地迎来客流高峰，游客排队观看新生幼崽。';
  writeFileSync(join(input, 'sub', 'utf16.txt'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(utf16, 'utf16le')]));
  writeFileSync(join(input, 'binary.txt'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]));
  writeFileSync(join(input, 'empty.txt'), '');
  writeFileSync(
    join(input, 'docs.jsonl'),
    [
      JSON.stringify({ id: 'first', text: '北京今天最高气温三十五度，市气象台发布高温黄色预警。', url: 'https://example.cn/1' }),
      '{"id": "broken", "text": ',
      JSON.stringify({ id: '../../escape', text: '上海地铁新线路今天开通试运营，沿线居民出行更加方便。' }),
      JSON.stringify({ id: '/etc/passwd', text: '广州举办国际车展，数十家新能源汽车企业参展。' }),
      JSON.stringify({ id: 'first', text: '深圳发布人才新政，高层次人才可申请住房补贴。' }),
      JSON.stringify({ title: 'no text field' }),
      JSON.stringify({ text: '杭州亚运场馆向市民免费开放，周末预约火爆。' }),
    ].join('\n'),
  );
  const before = tree(work);
  const out = join(work, 'out');
  const reports = join(work, 'reports');
  // These documents are one sentence each: the quality stage would reject them as too short,
  // and this test is about reading them, so it runs every stage but that one.
  const r = zhclean(['run', input, '--out', out, '--reports', reports, '--stages', NO_QUALITY]);
  const summary = json(join(reports, 'summary.json'));

  it('exits 1 and names every input it could not read, with file and line', () => {
    expect(r.status).toBe(1);
    const failures = summary.failures.map((f: any) => `${f.source.slice(input.length + 1)}${f.line ? `:${f.line}` : ''}`);
    expect(failures.sort()).toEqual(['binary.txt', 'docs.jsonl:2', 'docs.jsonl:6', 'empty.txt']);
    expect(summary.failures.find((f: any) => f.line === 2).reason).toMatch(/malformed JSON/);
    expect(summary.failures.find((f: any) => f.line === 6).reason).toMatch(/no "text"/);
    expect(summary.failures.find((f: any) => f.source.endsWith('binary.txt')).reason).toMatch(/NUL|binary/);
    // Failures are also on stderr, one line each, without a stack trace.
    expect(r.stderr).toMatch(/docs\.jsonl:2: malformed JSON/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('cleans every other document, recording its encoding', () => {
    expect(summary.documents.total).toBe(8);
    const byId = (id: string) => json(join(reports, `${id}.json`));
    expect(byId('gbk').encoding).toBe('gbk');
    expect(readFileSync(join(out, 'gbk.txt'), 'utf8')).toBe(`${simplified}\n`);
    expect(byId('big5').encoding).toBe('big5');
    // Big5 text is Traditional: the script stage converts it to Simplified and says how much was Traditional.
    expect(readFileSync(join(out, 'big5.txt'), 'utf8')).toBe('中央气象署表示，台风预计明天清晨在台湾东部登陆，民众应做好防台准备。\n');
    expect(byId('big5').script.traditionalShare).toBeGreaterThan(0.2);
    expect(byId('utf16').encoding).toBe('utf-16le');
    expect(byId('first').meta).toEqual({ url: 'https://example.cn/1' });
    expect(byId('first').source).toBe(`${join(input, 'docs.jsonl')}:1`);
    expect(byId('docs-7').source).toMatch(/docs\.jsonl:7$/);
  });

  it('keeps unsafe and repeated ids inside the output folders', () => {
    const after = tree(work).filter((p) => !p.startsWith('out/') && !p.startsWith('reports/'));
    expect(after).toEqual(before);
    const outputs = tree(out);
    expect(outputs).toContain('___.._escape.txt');
    expect(outputs).toContain('_etc_passwd.txt');
    expect(outputs).toContain('first~2.txt');
    expect(json(join(reports, 'first~2.json')).sourceId).toBe('first');
    expect(json(join(reports, '___.._escape.json')).sourceId).toBe('../../escape');
  });
});

describe('zhclean run on a crawl with copies', () => {
  /** An empty crawl folder in a new temporary folder, and the text of a seed to copy into it. */
  const seedCrawl = (): { work: string; crawl: string; seed: string } => {
    const work = tempDir();
    const crawl = join(work, 'crawl');
    mkdirSync(crawl);
    return { work, crawl, seed: readFileSync(join(ROOT, 'seeds', `${SEED_IDS[3]}.txt`), 'utf8') };
  };

  it('keeps the first copy, rejects the later ones into out/rejected with the kept id', () => {
    const { work, crawl, seed } = seedCrawl();
    writeFileSync(join(crawl, 'a-original.txt'), seed);
    // The same article on another site: other frame, ASCII commas turned full-width, the longest paragraph cut short.
    const lines = seed.split('\n');
    const longest = lines.reduce((a, l, i) => (l.length > lines[a]!.length ? i : a), 0);
    const edited = lines.map((l, i) => (i === longest ? l.slice(0, l.length / 2) : l).replace(/,/g, '，'));
    const copy = ['网站首页 | 新闻中心', ...edited, '版权所有 © 2024'].join('\n');
    writeFileSync(join(crawl, 'b-syndicated.txt'), copy);
    writeFileSync(join(crawl, 'c-exact.txt'), seed);
    const r = zhclean(['run', crawl, '--out', join(work, 'out'), '--reports', join(work, 'rep')]);
    expect(r.status).toBe(0);
    const summary = json(join(work, 'rep', 'summary.json'));
    expect(summary.documents).toEqual({ total: 3, kept: 1, rejected: 2 });
    expect(Object.keys(summary.rejections).sort()).toEqual(['exact-duplicate', 'near-duplicate']);
    const near = json(join(work, 'rep', 'b-syndicated.json'));
    expect(near).toMatchObject({ decision: 'reject', duplicateOf: 'a-original' });
    expect(near.similarity).toBeGreaterThan(0.5);
    expect(near.reasons[0]).toMatch(/duplicate/);
    expect(json(join(work, 'rep', 'c-exact.json'))).toMatchObject({ decision: 'reject', duplicateOf: 'a-original', similarity: 1 });
    expect(tree(join(work, 'out'))).toEqual(['a-original.txt', 'corpus.jsonl', 'rejected/b-syndicated.txt', 'rejected/c-exact.txt']);
  });

  it('run again into the same folders, a document whose decision changed is only where the new run put it', () => {
    const { work, crawl, seed } = seedCrawl();
    writeFileSync(join(crawl, 'b.txt'), seed);
    const args = ['run', crawl, '--out', join(work, 'out'), '--reports', join(work, 'rep'), '--quiet'];
    expect(zhclean(args).status).toBe(0);
    expect(tree(join(work, 'out'))).toEqual(['b.txt', 'corpus.jsonl']);
    // An earlier copy appears: b is now the duplicate, a the kept one.
    writeFileSync(join(crawl, 'a.txt'), seed);
    expect(zhclean(args).status).toBe(0);
    expect(tree(join(work, 'out'))).toEqual(['a.txt', 'corpus.jsonl', 'rejected/b.txt']);
    expect(json(join(work, 'rep', 'b.json'))).toMatchObject({ decision: 'reject', duplicateOf: 'a' });
    // And back: b alone again is kept, its rejected copy gone.
    rmSync(join(crawl, 'a.txt'));
    expect(zhclean(args).status).toBe(0);
    expect(tree(join(work, 'out'))).toEqual(['a.txt', 'b.txt', 'corpus.jsonl']);
    expect(json(join(work, 'rep', 'b.json'))).toMatchObject({ decision: 'keep' });
  });

  it('decides the same with one worker thread or several: stages in the pool, decisions in input order', () => {
    const work = tempDir();
    const crawl = join(work, 'crawl');
    mkdirSync(crawl);
    const seeds = SEED_IDS.map((id) => readFileSync(join(ROOT, 'seeds', `${id}.txt`), 'utf8'));
    // Each seed three times, in an order that puts copies next to and far from each other.
    [...seeds, ...seeds.slice().reverse(), ...seeds].forEach((t, i) => writeFileSync(join(crawl, `d${String(i).padStart(2, '0')}.txt`), t));
    // The texts, the corpus file and the reports (timings aside): with workers, the copies'
    // files are written in the pool as kept, then again once the main thread rejects them.
    const outputs = (workers: string) => {
      const out = join(work, `out-${workers}`);
      const rep = join(work, `rep-${workers}`);
      expect(zhclean(['run', crawl, '--out', out, '--reports', rep, '--workers', workers]).status).toBe(0);
      const reports = tree(rep).filter((f) => f !== 'summary.json' && f !== 'index.html');
      return [
        ...tree(out).map((f) => [f, readFileSync(join(out, f), 'utf8')]),
        ...reports.map((f) => [f, readFileSync(join(rep, f), 'utf8').replace(/"ms":[0-9.e-]+/g, '"ms":0')]),
      ];
    };
    const one = outputs('0');
    expect(outputs('1')).toEqual(one);
    expect(outputs('3')).toEqual(one);
    expect(one.filter(([f]) => !f.startsWith('rejected/') && f!.endsWith('.txt')).map(([f]) => f)).toEqual(SEED_IDS.map((_, i) => `d0${i}.txt`));
  });
});

describe('a reader that stops early', () => {
  it('closes the pipe without a stack trace', () => {
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${BIN}" stages | head -1`], { encoding: 'utf8' });
    expect(r.stdout.split('\n')[0]).toMatch(/^normalize/);
    expect(r.stderr).toBe('');
  });
});

describe('zhclean run - (stdin to stdout)', () => {
  it('reads JSONL and writes cleaned JSONL, nothing else', () => {
    const work = tempDir();
    const input = [
      JSON.stringify({ id: 'a', text: '\u3000\u3000这是第一段。\r\n\r\n这是第二段。', lang: 'zh' }),
      'not json',
      JSON.stringify({ text: '\ufeff这是第三篇。' }),
    ].join('\n');
    const r = zhclean(['run', '-', '--stages', NO_QUALITY], { cwd: work, input });
    expect(r.status).toBe(1);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toEqual([
      { id: 'a', text: '这是第一段。\n这是第二段。', meta: { lang: 'zh' }, quality: { score: null, signals: {} } },
      { id: 'stdin-3', text: '这是第三篇。', meta: {}, quality: { score: null, signals: {} } },
    ]);
    expect(r.stderr).toMatch(/-:2: malformed JSON/);
    expect(readdirSync(work)).toEqual([]);
  });

  it('writes reports too when asked', () => {
    const work = tempDir();
    const r = zhclean(['run', '-', '--reports', 'rep'], { cwd: work, input: JSON.stringify({ id: 'x', text: '正文。' }) });
    expect(r.status).toBe(0);
    expectFullReport(json(join(work, 'rep', 'x.json')));
    expect(existsSync(join(work, 'output'))).toBe(false);
  });
});

describe('zhclean usage', () => {
  it.each([
    [['run', '--bogus']],
    [['run', '--concurrency', '8']], // gone: files are read and written synchronously
    [['run', '--workers', '-1']],
    [['run', '--stages', 'normalize,nope']],
    [['run', '-', 'seeds']],
    [['frobnicate']],
    [['explain']],
    [[]],
  ])('%j is a usage error (exit 2)', (args) => {
    const r = zhclean(args);
    expect(r.status).toBe(2);
    expect(r.stdout + r.stderr).toMatch(/zhclean/);
  });

  it('a bad config file is a usage error naming the key', () => {
    const work = tempDir();
    writeFileSync(join(work, 'c.json'), JSON.stringify({ options: { normalize: { dropEmptyLine: false } } }));
    const r = zhclean(['run', 'seeds', '--config', join(work, 'c.json'), '--out', join(work, 'o')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/no option "dropEmptyLine"/);
    expect(existsSync(join(work, 'o'))).toBe(false);
  });

  it('an option value outside its limits is a usage error before any document is read', () => {
    const work = tempDir();
    writeFileSync(join(work, 'c.json'), JSON.stringify({ options: { dedupe: { permutations: 0 } } }));
    const r = zhclean(['run', 'seeds', '--config', join(work, 'c.json'), '--out', join(work, 'o')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/dedupe\.permutations must be an integer of at least 1, got 0/);
    expect(existsSync(join(work, 'o'))).toBe(false);
  });

  it.each([['--help'], ['run', '--help'], ['explain', '--help'], ['help', 'run'], ['stages']])('%j prints help and exits 0', (...args) => {
    const r = zhclean(args);
    expect(r.status).toBe(0);
    expect(r.stdout.length).toBeGreaterThan(50);
  });

  it('runs the stages on the main thread on two cores, then one worker a core beyond the first, up to four', () => {
    expect([1, 2, 3, 4, 5, 8, 64].map((cores) => defaultWorkers(cores))).toEqual([0, 0, 2, 3, 4, 4, 4]);
    expect(zhclean(['run', '--help']).stdout).toMatch(/at most 4, else 0;\s+here \d+\)/);
  });

  it('a missing input is a failure (exit 1), not a usage error', () => {
    const work = tempDir();
    const r = zhclean(['run', join(work, 'nope.txt'), 'seeds', '--out', join(work, 'o'), '--reports', join(work, 'r')]);
    expect(r.status).toBe(1);
    expect(json(join(work, 'r', 'summary.json')).documents.total).toBe(5);
    expect(r.stderr).toMatch(/nope\.txt: no such file/);
  });
});

describe('zhclean explain', () => {
  it("prints each stage's findings and the cleaned text", () => {
    const r = zhclean(['explain', `seeds/${SEED_IDS[3]}.txt`]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^normalize\s+[\d.]+ ms/m);
    expect(r.stdout).toMatch(/drop\s+edge-whitespace ×\d+\s+line \d+/);
    expect(r.stdout).toMatch(/Whitespace at line edges/);
    expect(r.stdout).toContain('cleaned text');
    expect(r.stdout).not.toMatch(/\u001b\[/); // no colours when not a terminal
  });
});
