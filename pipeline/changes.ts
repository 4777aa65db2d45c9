import type { Edit, Finding, StageResult } from './types.js';

export type FindingInput = Omit<Finding, 'stage'>;

/**
 * What a stage builds while it reads a document: findings, and edits that
 * point at them. The stage never rewrites the text itself; the runner applies
 * the edits (textlint's model), so every change has a reason attached.
 */
export class Changes {
  readonly findings: Finding[] = [];
  readonly edits: Edit[] = [];

  /** Records a finding and returns its index, for edits that it explains. */
  finding(f: FindingInput): number {
    this.findings.push({ stage: '', ...f });
    return this.findings.length - 1;
  }

  /** Replaces `[start, end)` with `text`, explained by finding `finding`. */
  edit(start: number, end: number, text: string, finding: number): void {
    this.edits.push({ start, end, text, finding });
  }

  /** One finding explaining one edit, with its range and before/after filled in. */
  change(source: string, start: number, end: number, text: string, f: Omit<FindingInput, 'range' | 'before' | 'after'>): number {
    const i = this.finding({ ...f, range: [start, end], before: source.slice(start, end), after: text });
    this.edit(start, end, text, i);
    return i;
  }

  result(extra: Omit<StageResult, 'findings' | 'edits'> = {}): StageResult {
    return { findings: this.findings, edits: this.edits, ...extra };
  }
}
