// Work arrays reused from one document to the next. Allocating (and zeroing)
// arrays the size of every document, several per document, cost more than the
// work done in them, and kept the garbage collector busy. A document too big
// for the shared array gets arrays of its own, so one huge page does not hold
// its memory for the rest of the run.

import { UnitBuffer } from '../../pipeline/text.js';

/**
 * Elements beyond which a request gets a fresh array instead of the shared one
 * (4 MB of 32-bit values). Eight arrays are a document's size, so after a page
 * of a million characters up to about 35 MB stay held; news pages are a few
 * thousand characters.
 */
const SHARED_MAX = 1 << 20;

/** One shared typed array; its contents are left over from the last use, never assumed zero. */
export class Scratch<T extends Int32Array | Uint8Array> {
  private shared: T;

  constructor(private readonly make: (n: number) => T) {
    this.shared = make(0);
  }

  /** An array of at least `n` elements, valid until the next `take`. */
  take(n: number): T {
    if (n > SHARED_MAX) return this.make(n);
    if (this.shared.length < n) this.shared = this.make(Math.min(SHARED_MAX, Math.max(n, this.shared.length * 2, 1024)));
    return this.shared;
  }
}

export const int32Scratch = (): Scratch<Int32Array> => new Scratch((n) => new Int32Array(n));
export const uint8Scratch = (): Scratch<Uint8Array> => new Scratch((n) => new Uint8Array(n));

/**
 * The UTF-16 units of `text` in a reused array, valid until the next call (pipeline/text.ts
 * UnitBuffer): fold.ts and paragraphs.ts read each text through it in turn.
 */
const UNITS = new UnitBuffer();
export const unitsOf = (text: string): Uint16Array => UNITS.of(text);
