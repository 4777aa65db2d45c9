import type { Edit } from './types.js';

export class EditConflictError extends Error {}

/**
 * Applies a stage's edits to the text it saw. Edits are ranges in that text;
 * they must not overlap (two insertions at one point are kept in order).
 * Built as a list of slices and joined once: linear in the text length.
 */
export function applyEdits(text: string, edits: readonly Edit[]): string {
  if (edits.length === 0) return text;
  const sorted = isSorted(edits) ? edits : [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  const parts: string[] = [];
  let pos = 0;
  for (const e of sorted) {
    if (e.start < pos || e.end < e.start || e.end > text.length) {
      throw new EditConflictError(`edit [${e.start}, ${e.end}) overlaps an earlier edit or leaves the text (length ${text.length})`);
    }
    parts.push(text.slice(pos, e.start), e.text);
    pos = e.end;
  }
  parts.push(text.slice(pos));
  return parts.join('');
}

function isSorted(edits: readonly Edit[]): boolean {
  for (let i = 1; i < edits.length; i++) {
    const a = edits[i - 1]!;
    const b = edits[i]!;
    if (b.start < a.start || (b.start === a.start && b.end < a.end)) return false;
  }
  return true;
}
