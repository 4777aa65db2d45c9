// Vitest global setup for the browser test: Debian's chromium, installed with
// apt-get when it is missing (npm cannot download a browser here, and nothing
// may at run time). .ci/run installs it too, before the tests.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const CHROMIUM = '/usr/bin/chromium';

export default function setup(): void {
  if (existsSync(CHROMIUM)) return;
  const root = process.getuid?.() === 0;
  const sudo = root ? [] : ['sudo', '-n'];
  const run = (args: string[]): void => {
    const [cmd, ...rest] = [...sudo, ...args];
    execFileSync(cmd!, rest, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  };
  try {
    run(['apt-get', 'update', '-qq']);
    run(['apt-get', 'install', '-y', '-qq', 'chromium', 'fonts-wqy-zenhei']);
  } catch (err) {
    throw new Error(`the browser test needs Debian's chromium at ${CHROMIUM}; installing it with apt-get failed: ${(err as Error).message}`);
  }
}
