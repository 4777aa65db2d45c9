import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Data tables live beside the code that uses them (stages/*.tsv, pipeline/data/*).
// The same module runs from source (tests) and from dist/ (the CLI), so paths are
// resolved from the package root, found once by walking up to our package.json.
let root: string | undefined;

export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).name === 'zhclean') return (root = dir);
    const up = dirname(dir);
    if (up === dir) throw new Error('zhclean: cannot find the package root (package.json named zhclean)');
    dir = up;
  }
}

/** Absolute path of a file shipped with the package, e.g. dataPath('stages', 'nav-words.tsv'). */
export function dataPath(...segments: string[]): string {
  return join(packageRoot(), ...segments);
}

export function packageVersion(): string {
  return JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')).version as string;
}
