// Data tables beside the stages: tab-separated, `#` starts a comment line, and
// every entry ends with a column saying what it catches. Loaded once per process.

import { readFileSync } from 'node:fs';
import { dataPath } from './paths.js';

export class TableError extends Error {}

export interface TableRow {
  /** 1-based line in the file, for error messages and reports. */
  line: number;
  cells: string[];
}

/** Reads a TSV table; each data row must have exactly `columns` cells, the last one a comment. */
export function readTable(path: string, columns: number): TableRow[] {
  const rows: TableRow[] = [];
  readFileSync(path, 'utf8')
    .split('\n')
    .forEach((raw, i) => {
      const text = raw.replace(/\r$/, '');
      if (text.trim() === '' || text.startsWith('#')) return;
      const cells = text.split('\t');
      if (cells.length !== columns || cells.some((c) => c === '')) {
        throw new TableError(`${path}:${i + 1}: expected ${columns} non-empty tab-separated columns, got ${cells.length}`);
      }
      rows.push({ line: i + 1, cells });
    });
  return rows;
}

export interface PatternEntry {
  rule: string;
  /** `any`: every line; `short`: only lines that are not running prose. */
  scope: 'any' | 'short';
  regex: RegExp;
  comment: string;
  source: string;
}

/** A pattern table: rule, scope (any | short), regular expression (compiled with the `u` flag), comment. */
export function readPatterns(...segments: string[]): PatternEntry[] {
  const path = dataPath(...segments);
  return readTable(path, 4).map(({ line, cells }) => {
    const [rule, scope, pattern, comment] = cells as [string, string, string, string];
    if (scope !== 'any' && scope !== 'short') throw new TableError(`${path}:${line}: scope must be "any" or "short", got "${scope}"`);
    try {
      return { rule, scope, regex: new RegExp(pattern, 'u'), comment, source: `${segments.join('/')}:${line}` };
    } catch (err) {
      throw new TableError(`${path}:${line}: bad pattern: ${(err as Error).message}`);
    }
  });
}

/** A word table: word, comment. */
export function readWords(...segments: string[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const { cells } of readTable(dataPath(...segments), 2)) map.set(cells[0]!, cells[1]!);
  return map;
}
