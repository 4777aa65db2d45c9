// Documents go to the worker pool in batches: a task has a fixed cost (a message each way,
// a wake-up of each thread, and tinypool reads the worker's memory use after each), shared
// by the batch. A batch goes out when it is full, or early when the runner waits for a
// document still in it; sending the partial batch whenever the runner waited for anything
// made batches of one document each once the pipeline was full.

export class Batcher<T, R> {
  private pending: { item: T; seq: number; resolve: (result: R) => void }[] = [];
  /** Batches sent so far (for tests and measurements). */
  sent = 0;

  /**
   * @param size documents in a full batch
   * @param send runs a batch; resolves with one result per item, in order
   * @param failed the result of every item of a batch whose `send` failed
   */
  constructor(
    private readonly size: number,
    private readonly send: (items: T[]) => Promise<R[]>,
    private readonly failed: (err: Error) => R,
  ) {}

  /** Queues an item, numbered `seq` in input order (increasing); its result comes back with its batch. */
  add(item: T, seq: number): Promise<R> {
    return new Promise((resolve) => {
      this.pending.push({ item, seq, resolve });
      if (this.pending.length >= this.size) this.flush();
    });
  }

  /** The runner waits for item `seq`: sends the unsent batch if that item is in it. */
  need(seq: number): void {
    if (this.pending.length > 0 && this.pending[0]!.seq <= seq) this.flush();
  }

  /** Sends whatever is unsent. */
  flush(): void {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.sent++;
    this.send(batch.map((b) => b.item)).then(
      (results) => batch.forEach((b, i) => b.resolve(results[i]!)),
      (err: Error) => batch.forEach((b) => b.resolve(this.failed(err))),
    );
  }
}
