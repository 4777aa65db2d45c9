// The definition of quality's repeated-n-gram share, with strings: the reference the fast
// one-pass count is tested against.

/** Units (white space left out) covered by n-unit windows that occur twice or more, with strings. */
export function referenceRepeated(text: string, n: number): number {
  const t = text.replace(/\s/gu, '');
  if (t.length < n * 2) return 0;
  const windows = Array.from({ length: t.length - n + 1 }, (_, i) => t.slice(i, i + n));
  const counts = new Map<string, number>();
  for (const w of windows) counts.set(w, (counts.get(w) ?? 0) + 1);
  const covered = new Uint8Array(t.length);
  windows.forEach((w, i) => {
    if (counts.get(w)! > 1) covered.fill(1, i, i + n);
  });
  return covered.reduce((a, b) => a + b, 0) / t.length;
}
