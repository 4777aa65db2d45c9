// A generated corpus for document dedup: real article bodies (the magic-html-zh
// gold texts, test/fixtures/magic-html-zh/gold) and, for each, the copies a crawl
// meets: an exact copy, a copy framed by another site's header and footer lines,
// a copy with ~3% of its characters deleted and ASCII commas, and a copy in
// Traditional script. Deterministic (seeded), so a failure can be replayed.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as OpenCC from 'opencc-js';

export const GOLD = new URL('../fixtures/magic-html-zh/gold/', import.meta.url).pathname;

/** Mulberry32: a small seeded PRNG. */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Header and footer lines of a few made-up sites, the kind a scraper keeps. */
const FRAMES = [
  {
    head: ['首页 | 新闻 | 财经 | 体育 | 娱乐 | 科技', '当前位置：首页 > 新闻中心 > 国内新闻', '2024-05-20 10:32:15 来源：东方资讯网'],
    foot: ['责任编辑：王明', '版权所有 © 2024 东方资讯网 京ICP备12345678号', '关于我们 | 联系我们 | 广告服务 | 网站地图'],
  },
  {
    head: ['登录 注册', '网站首页 本地新闻 时政要闻 社会民生 图片新闻', '发布时间：2024年05月21日 浏览次数：1024'],
    foot: ['【打印本页】【关闭窗口】', '免责声明：本文转自网络，版权归原作者所有，如有侵权请联系删除。', 'Copyright 2024 滨海在线 All Rights Reserved'],
  },
  {
    head: ['返回首页', '来源：新华网 | 作者：佚名 | 2024-05-19'],
    foot: ['分享到：微信 微博 QQ空间', '上一篇：市政府召开常务会议', '下一篇：我市启动夏季防汛工作', '相关新闻'],
  },
];

const toTraditional = OpenCC.Converter({ from: 'cn', to: 'tw' });

/** Deletes about `share` of the characters (not line breaks) and writes commas in ASCII. */
export function damage(text, share, random) {
  let out = '';
  for (const ch of text) {
    if (ch !== '\n' && random() < share) continue;
    out += ch === '，' ? ',' : ch;
  }
  return out;
}

export const KINDS = ['exact', 'framed', 'damaged', 'traditional'];

export function variant(kind, text, i, random) {
  switch (kind) {
    case 'exact':
      return text;
    case 'framed': {
      const f = FRAMES[i % FRAMES.length];
      return [...f.head, text, ...f.foot].join('\n');
    }
    case 'damaged':
      return damage(text, 0.03, random);
    case 'traditional':
      return toTraditional(text);
    default:
      throw new Error(`unknown variant ${kind}`);
  }
}

/**
 * The corpus in input order: every original first, then all variants shuffled.
 * Each document: { id, text, original } with `original` the id it copies (null for an original).
 */
export function variantCorpus(seed = 20241122) {
  const random = prng(seed);
  const names = readdirSync(GOLD).filter((f) => f.endsWith('.txt')).map((f) => f.slice(0, -4)).sort();
  const originals = names.map((n) => ({ id: n, text: readFileSync(join(GOLD, `${n}.txt`), 'utf8'), original: null }));
  const copies = [];
  originals.forEach((o, i) => {
    for (const kind of KINDS) copies.push({ id: `${o.id}.${kind}`, text: variant(kind, o.text, i, random), original: o.id, kind });
  });
  for (let i = copies.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copies[i], copies[j]] = [copies[j], copies[i]];
  }
  return [...originals, ...copies];
}

/** Precision and recall of the duplicate decisions over a variant corpus. */
export function scoreDecisions(corpus, results) {
  let truePos = 0;
  let falsePos = 0;
  let falseNeg = 0;
  const misses = [];
  corpus.forEach((doc, i) => {
    const r = results[i];
    const rejected = r.report.duplicateOf !== undefined;
    if (doc.original === null) {
      if (rejected) {
        falsePos++;
        misses.push(`${doc.id}: an original rejected as a duplicate of ${r.report.duplicateOf}`);
      }
    } else if (rejected && r.report.duplicateOf === doc.original) truePos++;
    else {
      if (rejected) falsePos++;
      falseNeg++;
      misses.push(`${doc.id}: ${rejected ? `said to duplicate ${r.report.duplicateOf}` : 'not caught'}`);
    }
  });
  const precision = truePos + falsePos === 0 ? 1 : truePos / (truePos + falsePos);
  const recall = truePos + falseNeg === 0 ? 1 : truePos / (truePos + falseNeg);
  return { precision, recall, truePos, falsePos, falseNeg, misses };
}
