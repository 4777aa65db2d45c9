// Fixture folders: test/fixtures/<stage>/<case>/input.txt, expected.txt and an
// optional options.json. Goldens are rewritten only when UPDATE_GOLDENS=1 is set,
// never by a plain test run.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const FIXTURES = new URL('../fixtures/', import.meta.url).pathname;
export const UPDATE = process.env.UPDATE_GOLDENS === '1';

export interface FixtureCase {
  name: string;
  dir: string;
  input: string;
  expected: string | undefined;
  options: Record<string, unknown>;
}

export function fixtureCases(stage: string): FixtureCase[] {
  const root = join(FIXTURES, stage);
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => {
      const dir = join(root, d.name);
      const read = (f: string): string | undefined => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), 'utf8') : undefined);
      const options = read('options.json');
      return { name: d.name, dir, input: read('input.txt') ?? '', expected: read('expected.txt'), options: options ? JSON.parse(options) : {} };
    });
}

/** The golden for a case: rewritten under UPDATE_GOLDENS=1, otherwise read (missing is a failure). */
export function golden(c: FixtureCase, actual: string): string | undefined {
  if (UPDATE) {
    writeFileSync(join(c.dir, 'expected.txt'), actual);
    return actual;
  }
  return c.expected;
}

/** Every .txt file under the fixtures and the seeds: real text for tests that must hold on all of it. */
export function realTextFiles(): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, name.name);
      if (name.isDirectory()) walk(path);
      else if (name.name.endsWith('.txt')) files.push(path);
    }
  };
  walk(FIXTURES);
  walk(new URL('../../seeds/', import.meta.url).pathname);
  return files.sort();
}
