// Where each change of a document is, in the text as read and in the cleaned
// text: the viewer colours them by stage with the finding's reason on hover.
//
// Every stage's edits are in the coordinates of the text that stage saw. They
// are composed here, one stage after another, keeping for each character of the
// current text the offset it came from in the original (-1 when a stage wrote
// it) and the finding that wrote it. A removed or replaced range then maps back
// to runs of original offsets, and what survives of written text is a run in
// the cleaned text.

import type { StageTrace } from './types.js';

/** [start, end, finding] with `finding` an index into the flattened findings of all stages. */
export type Mark = [number, number, number];

export interface Marks {
  original: Mark[];
  cleaned: Mark[];
}

export function composeMarks(original: string, trace: readonly StageTrace[]): Marks {
  let origin = new Int32Array(original.length);
  for (let i = 0; i < origin.length; i++) origin[i] = i;
  let writer = new Int32Array(original.length).fill(-1);
  const removed: Mark[] = [];
  let base = 0; // index of this stage's first finding in the flattened list
  for (const t of trace) {
    if (t.edits.length > 0) {
      let size = origin.length;
      for (const [s, e, text] of t.edits) size += text.length - (e - s);
      const nextOrigin = new Int32Array(size);
      const nextWriter = new Int32Array(size);
      let at = 0;
      let from = 0;
      for (const [s, e, text, f] of t.edits) {
        nextOrigin.set(origin.subarray(from, s), at);
        nextWriter.set(writer.subarray(from, s), at);
        at += s - from;
        // Original characters this edit removes or replaces, as runs of consecutive offsets.
        let runStart = -1;
        let prev = -2;
        for (let i = s; i < e; i++) {
          const o = origin[i]!;
          if (o === -1) continue;
          if (o !== prev + 1) {
            if (runStart >= 0) removed.push([runStart, prev + 1, base + f]);
            runStart = o;
          }
          prev = o;
        }
        if (runStart >= 0) removed.push([runStart, prev + 1, base + f]);
        nextOrigin.fill(-1, at, at + text.length);
        nextWriter.fill(base + f, at, at + text.length);
        at += text.length;
        from = e;
      }
      nextOrigin.set(origin.subarray(from), at);
      nextWriter.set(writer.subarray(from), at);
      origin = nextOrigin;
      writer = nextWriter;
    }
    base += t.findings.length;
  }
  // Written text that survived, as runs of one finding.
  const cleaned: Mark[] = [];
  for (let i = 0; i < writer.length; ) {
    const f = writer[i]!;
    let j = i + 1;
    while (j < writer.length && writer[j] === f) j++;
    if (f >= 0) cleaned.push([i, j, f]);
    i = j;
  }
  removed.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  // A character changed twice keeps the first mark; overlaps are cut so marks never nest.
  const original_: Mark[] = [];
  let end = 0;
  for (const [s, e, f] of removed) {
    const start = Math.max(s, end);
    if (start >= e) continue;
    original_.push([start, e, f]);
    end = e;
  }
  return { original: original_, cleaned };
}
