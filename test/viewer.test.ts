// The report a person reads: reports/index.html opened in headless Chromium
// (Debian's, through playwright-core). Every document is listed, a document view
// opens with its changes marked by stage, text that looks like markup stays text.
import { cpSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeMarks } from '../pipeline/marks.js';
import { CHROMIUM } from './helpers/chromium.js';
import { ROOT, tempDir, zhclean } from './helpers/cli.js';

describe('composeMarks', () => {
  it('maps each stage’s edits back to the original and forward to the cleaned text', () => {
    // "ab，cd" → stage 1 drops "ab" (finding 0) → "，cd" → stage 2 turns "，" into "," (finding 0 of stage 2 = 1).
    const marks = composeMarks('ab，cd', [
      { name: 'one', ms: 0, findings: [{ stage: 'one', rule: 'x', action: 'drop', before: 'ab', reason: 'r' }], edits: [[0, 2, '', 0]] },
      { name: 'two', ms: 0, findings: [{ stage: 'two', rule: 'y', action: 'replace', before: '，', reason: 'r' }], edits: [[0, 1, ',', 0]] },
    ]);
    expect(marks.original).toEqual([
      [0, 2, 0],
      [2, 3, 1],
    ]);
    expect(marks.cleaned).toEqual([[0, 1, 1]]);
  });
});

describe('the report in a browser', () => {
  const work = tempDir();
  const input = join(work, 'crawl');
  const shots = join(work, 'shots');
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    cpSync(join(ROOT, 'seeds'), input, { recursive: true });
    writeFileSync(
      join(input, 'markup.txt'),
      '国家统计局今天发布数据显示，一季度国内生产总值同比增长，经济运行开局良好。<script>window.__pwned = 1</script>\n' +
        '从需求看，最终消费支出对经济增长的贡献率达到百分之七十三，<img src=x onerror="window.__pwned = 2">消费的基础性作用进一步增强。\n',
    );
    writeFileSync(join(input, 'links.txt'), ['首页 | 新闻 | 体育 | 财经', '国务院常务会议部署稳经济措施', '多地出台促消费新政', '暴雨来袭 多地发布预警', '专家解读最新经济数据', '版权所有 © 2024 某某网'].join('\n'));
    writeFileSync(join(input, 'english.txt'), 'The National Bureau of Statistics said on Tuesday that the economy grew faster than expected in the first quarter, driven by exports.\n');
    const r = zhclean(['run', input, '--out', join(work, 'out'), '--reports', join(work, 'reports')]);
    expect(r.status, r.stderr).toBe(0);
    expect(existsSync(CHROMIUM)).toBe(true);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('dialog', (d) => {
      pageErrors.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    await page.goto(`file://${join(work, 'reports', 'index.html')}`);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('lists every document', async () => {
    const ids = await page.locator('#docs tbody tr').evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset.id));
    expect(ids.sort()).toEqual(['000_f0b12cb112efd242', '001_27f37b639a036625', '002_5db6cf021c629536', '003_3ed01d294938376b', '004_bbc2bebf66bb6947', 'english', 'links', 'markup']);
    await expect(page.locator('#shown').textContent()).resolves.toBe('8 of 8 shown');
  });

  it('shows the decisions and reasons: seeds kept, the link list and the English page rejected', async () => {
    const row = (id: string) => page.locator(`#docs tbody tr[data-id="${id}"] td`);
    for (const id of ['000_f0b12cb112efd242', '001_27f37b639a036625', '004_bbc2bebf66bb6947']) await expect(row(id).nth(1).textContent()).resolves.toBe('keep');
    await expect(row('links').nth(1).textContent()).resolves.toBe('reject');
    await expect(row('links').nth(7).textContent()).resolves.toContain('too-short');
    await expect(row('english').nth(7).textContent()).resolves.toContain('not-target-language');
  });

  it('filters and sorts the table', async () => {
    await page.selectOption('#decision', 'reject');
    await expect(page.locator('#docs tbody tr').count()).resolves.toBe(2);
    await page.selectOption('#decision', '');
    await page.fill('#filter', 'english');
    await expect(page.locator('#docs tbody tr').count()).resolves.toBe(1);
    await page.fill('#filter', '');
    await page.click('#docs th[data-key="charsIn"]');
    const charsIn = await page.locator('#docs tbody tr td:nth-child(4)').allTextContents();
    expect(charsIn.map(Number)).toEqual([...charsIn.map(Number)].sort((a, b) => a - b));
  });

  it('opens a document with original and cleaned text side by side, changes marked by stage with the reason on hover', async () => {
    await page.click('#docs tbody tr[data-id="001_27f37b639a036625"]');
    await page.waitForSelector('#view.open');
    const original = await page.locator('#pane-original').textContent();
    expect(original).toContain('居平易近');
    await expect(page.locator('#pane-cleaned').textContent()).resolves.toContain('两地居民往来');
    const repair = page.locator('#pane-cleaned .m[data-stage="despin"]').first();
    await expect(repair.getAttribute('title')).resolves.toMatch(/^despin \/ spin-repair: Spun text repaired/);
    await expect(page.locator('#pane-original .m[data-stage="boilerplate"]').count()).resolves.toBeGreaterThan(0);
    await expect(page.locator('#legend span').allTextContents()).resolves.toContain('despin');
    const shot = join(shots, 'document-view.png');
    await page.screenshot({ path: shot });
    expect(statSync(shot).size).toBeGreaterThan(10_000);
  });

  it('carries the documents as escaped JSON that no text can close', () => {
    const html = readFileSync(join(work, 'reports', 'index.html'), 'utf8');
    const start = html.indexOf('id="zhclean-data">') + 'id="zhclean-data">'.length;
    const json = html.slice(start, html.indexOf('</script>', start));
    expect(json).toContain('\\u003cscript\\u003ewindow.__pwned');
    expect(json).not.toContain('<');
  });

  it('shows text that looks like markup as text, and runs none of it', async () => {
    await page.click('#docs tbody tr[data-id="markup"]');
    await page.waitForSelector('#view.open');
    await expect(page.locator('#pane-original').textContent()).resolves.toContain('<script>window.__pwned = 1</script>');
    await expect(page.locator('#pane-original').textContent()).resolves.toContain('<img src=x onerror="window.__pwned = 2">');
    await expect(page.locator('#view img, #view script').count()).resolves.toBe(0);
    await expect(page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).resolves.toBeUndefined();
    expect(pageErrors).toEqual([]);
  });
});
