/**
 * Group commit: items queued while a write is in flight go together in the next write, so
 * under load one transaction makes hundreds of decisions durable, and an idle system writes
 * each item at once. A caller's promise settles only when its item's write has committed.
 */
export class GroupCommitter<T> {
  private pending: Array<{ item: T; resolve: () => void; reject: (error: unknown) => void }> = [];
  private running: Promise<void> | undefined;

  constructor(
    private readonly write: (items: T[]) => Promise<void>,
    private readonly maxBatch = 2000,
  ) {}

  enqueue(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      this.running ??= this.run();
    });
  }

  /** Waits until everything queued so far is written (or failed). */
  async drain(): Promise<void> {
    while (this.running) await this.running;
  }

  private async run(): Promise<void> {
    // Let the decisions of requests arriving in the same turn of the event loop join in.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, this.maxBatch);
      try {
        await this.write(batch.map((entry) => entry.item));
        for (const entry of batch) entry.resolve();
      } catch (error) {
        for (const entry of batch) entry.reject(error);
      }
    }
    this.running = undefined;
  }
}
