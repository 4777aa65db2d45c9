// Vitest global setup: compile the package so the CLI tests run the same
// dist/pipeline/bin.js a user runs, never a stale one.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';

export default function setup(): void {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { stdio: 'inherit', cwd: new URL('../../', import.meta.url).pathname });
}
