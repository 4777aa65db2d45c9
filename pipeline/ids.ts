import { createHash } from 'node:crypto';
import { HashTable } from './hashing.js';

// Document ids become file names (<out>/<id>.txt, <reports>/<id>.json), and ids
// come from scraped data: an id must never name a path outside the output
// folders, a hidden file, a device, or another document's file.

/** Longest id kept whole, in UTF-16 units; longer ones are cut and given a hash suffix. */
const MAX_ID = 100;
/** Names Windows reserves for devices, whatever the extension. */
const RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;
/** Ids that would collide with the run's own files in the reports folder. */
const OWN_FILES = new Set(['summary', 'index']);

/** A file-name-safe form of a raw id: one path segment, no separators, controls or leading dots. */
export function safeId(raw: string): string {
  let s = raw.normalize('NFC');
  s = s.replace(/[\u0000-\u001f\u007f-\u009f/\\:*?"<>|\u2028\u2029]/g, '_');
  s = s.replace(/^[.\s]+/, (m) => '_'.repeat(m.length));
  s = s.replace(/[.\s]+$/, '');
  if (s.length === 0) s = 'doc';
  if (RESERVED.test(s) || OWN_FILES.has(s.toLowerCase())) s = `_${s}`;
  if (s.length > MAX_ID) {
    const hash = createHash('sha1').update(raw).digest('hex').slice(0, 10);
    let cut = s.slice(0, MAX_ID - 11);
    if (/[\ud800-\udbff]$/.test(cut)) cut = cut.slice(0, -1);
    s = `${cut}-${hash}`;
  }
  return s;
}

/**
 * Hands out unique safe ids in input order. Case-insensitive, because two ids
 * that differ only in case are one file on macOS and Windows.
 */
export class IdAllocator {
  /**
   * The lower-cased ids handed out, as 64-bit hashes. A Set of the id strings took 61 bytes
   * an id and holds at most 2^24 entries: a run of 16.7 million documents would have failed
   * at the next one ("Set maximum size exceeded"). Two ids with one hash (about one chance
   * in 10^5 among 20 million ids) only give the second a `~2` it did not need.
   */
  private readonly used = new HashTable();

  allocate(raw: string): { id: string; changed: boolean } {
    const base = safeId(raw);
    let id = base;
    for (let n = 2; !this.add(id.toLowerCase()); n++) id = `${base}~${n}`;
    return { id, changed: id !== raw };
  }

  /** Records an id; false when it (or an id with its hash) was recorded before. */
  private add(id: string): boolean {
    let h1 = 0x811c9dc5;
    let h2 = 0x01000193 ^ id.length;
    for (let i = 0; i < id.length; i++) {
      const c = id.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 0x01000193);
      h2 = Math.imul(h2 ^ c, 0x5bd1e995);
      h2 ^= h2 >>> 15;
    }
    return this.used.swap(h1, h2, 1) === 0;
  }
}
