// A progress bar on stderr, drawn only when stderr is a terminal (never into a
// log file or a pipe), at most ten times a second.

import type { Progress } from './run.js';

const WIDTH = 30;

export class ProgressBar {
  private last = 0;
  private drawn = false;
  private readonly started = Date.now();

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {}

  get enabled(): boolean {
    return Boolean(this.stream.isTTY);
  }

  update(p: Progress, force = false): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (!force && now - this.last < 100) return;
    this.last = now;
    const share = p.totalFiles > 0 ? Math.min(1, p.files / p.totalFiles) : 0;
    const filled = Math.round(share * WIDTH);
    const bar = p.totalFiles > 0 ? `[${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${p.files}/${p.totalFiles} files ` : '';
    const secs = Math.max(0.001, (now - this.started) / 1000);
    const rate = (p.documents / secs).toFixed(0);
    const mb = (p.charsIn / 1e6).toFixed(1);
    const failed = p.failed > 0 ? `, ${p.failed} failed` : '';
    this.stream.write(`\r${bar}${p.documents} docs${failed}, ${mb} M chars, ${rate} docs/s\u001b[K`);
    this.drawn = true;
  }

  /** Clears the bar line so what follows starts on a clean line. */
  clear(): void {
    if (this.drawn) this.stream.write('\r\u001b[K');
    this.drawn = false;
  }
}
