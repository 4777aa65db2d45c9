// `zhclean explain`: what each stage did to one document, for a terminal.

import { preview } from './text.js';
import type { CleanResult, Finding } from './types.js';

export interface ExplainStyle {
  color: boolean;
}

const ACTION_COLOR: Record<Finding['action'], string> = {
  drop: '31', // red
  replace: '33', // yellow
  merge: '36', // cyan
  flag: '35', // magenta
  reject: '41;97', // white on red
};

/** Shows invisible and control characters by their code, so a reader sees what went. */
function visible(text: string, max = 60): string {
  const shown = text.replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u00a0\u00ad\u061c\u180e\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\ufeff]/g, (c) =>
    c === '\r' ? '\\r' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return preview(shown, max);
}

export function formatExplain(result: CleanResult, style: ExplainStyle): string {
  const paint = (code: string, s: string): string => (style.color ? `\u001b[${code}m${s}\u001b[0m` : s);
  const r = result.report;
  const out: string[] = [];
  out.push(paint('1', `${r.id}`) + `  ${r.source}  (${r.encoding})`);
  out.push(
    `  decision: ${r.decision === 'keep' ? paint('32', 'keep') : paint('31', 'reject')}` +
      `   chars ${r.chars.in} → ${r.chars.out}   language ${r.language.code}` +
      (r.spin.detected ? `   spin ${r.spin.score.toFixed(2)} (${r.spin.repairs} repairs)` : ''),
  );
  for (const reason of r.reasons) out.push(`  reason: ${reason}`);
  for (const w of r.warnings) out.push(`  warning: ${w}`);
  for (const stage of r.stages) {
    out.push('');
    out.push(`${paint('1', stage.name)}  ${stage.ms.toFixed(2)} ms  ${stage.findings.length === 0 ? 'no change' : `${stage.findings.length} finding(s)`}`);
    for (const f of stage.findings) {
      const where = f.line !== undefined ? `line ${f.line}` : '';
      const count = f.count ? ` ×${f.count}` : '';
      const change =
        f.action === 'flag' || f.action === 'reject'
          ? ''
          : f.after
            ? ` "${visible(f.before, 40)}" → "${visible(f.after, 40)}"`
            : ` "${visible(f.before)}"`;
      out.push(`  ${paint(ACTION_COLOR[f.action], f.action.padEnd(7))} ${f.rule}${count}  ${where}${change}`);
      out.push(`          ${f.reason}`);
    }
  }
  out.push('');
  out.push(paint('1', 'cleaned text'));
  out.push(result.text);
  return out.join('\n');
}
