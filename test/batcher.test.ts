import { describe, expect, it } from 'vitest';
import { Batcher } from '../pipeline/batcher.js';

/** A pool that records each batch and answers when told to. */
function pool() {
  const batches: number[][] = [];
  const answers: (() => void)[] = [];
  const send = (items: number[]): Promise<string[]> => {
    batches.push(items);
    return new Promise((res, rej) => answers.push(() => (items.includes(-1) ? rej(new Error('worker died')) : res(items.map((i) => `done ${i}`)))));
  };
  return { batches, answers, send };
}

describe('Batcher', () => {
  it('sends a batch when it is full, and results come back to each item in order', async () => {
    const p = pool();
    const b = new Batcher(3, p.send, (e) => `failed: ${e.message}`);
    const results = [0, 1, 2, 3].map((i) => b.add(i, i));
    expect(p.batches).toEqual([[0, 1, 2]]);
    p.answers[0]!();
    expect(await Promise.all(results.slice(0, 3))).toEqual(['done 0', 'done 1', 'done 2']);
    b.flush();
    p.answers[1]!();
    expect(await results[3]).toBe('done 3');
    expect(b.sent).toBe(2);
  });

  it('sends a partial batch only when the item waited for is still in it', () => {
    const p = pool();
    const b = new Batcher(4, p.send, () => 'failed');
    for (let i = 0; i < 6; i++) void b.add(i, i);
    expect(p.batches).toEqual([[0, 1, 2, 3]]);
    // Waiting for a document already sent: items 4 and 5 keep filling their batch.
    b.need(0);
    b.need(3);
    expect(p.batches).toHaveLength(1);
    // Waiting for item 4: its batch goes out as it is.
    b.need(4);
    expect(p.batches).toEqual([[0, 1, 2, 3], [4, 5]]);
    b.need(5);
    expect(p.batches).toHaveLength(2);
  });

  it('keeps batches full in a runner that waits for the oldest document each time it queues one', async () => {
    // The runner's pattern: queue a document, and once `ahead` are queued, wait for the oldest.
    const p = pool();
    const b = new Batcher(4, p.send, () => 'failed');
    const queue: Promise<string>[] = [];
    let next = 0;
    let waitedFor = 0;
    for (let i = 0; i < 40; i++) {
      queue.push(b.add(i, i));
      if (queue.length > 8) {
        b.need(waitedFor);
        p.answers.forEach((answer) => answer());
        p.answers.length = 0;
        await queue.shift();
        waitedFor++;
      }
      next = i + 1;
    }
    while (queue.length > 0) {
      b.need(waitedFor++);
      p.answers.forEach((answer) => answer());
      p.answers.length = 0;
      await queue.shift();
    }
    expect(next).toBe(40);
    expect(p.batches.flat()).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(p.batches.every((batch) => batch.length === 4)).toBe(true);
  });

  it('a batch that fails gives each of its items the failure result', async () => {
    const p = pool();
    const b = new Batcher(2, p.send, (e) => `failed: ${e.message}`);
    const results = [b.add(-1, 0), b.add(7, 1)];
    p.answers[0]!();
    expect(await Promise.all(results)).toEqual(['failed: worker died', 'failed: worker died']);
  });
});
