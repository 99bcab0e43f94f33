/**
 * Group commit: items queued while a write is in flight go together in the next write, so
 * under load one transaction makes hundreds of decisions durable, and an idle system writes
 * each item at once. A caller's promise settles only when its item's write has committed.
 */
export class GroupCommitter<T> {
  private pending: Array<{ item: T; resolve: () => void; reject: (error: unknown) => void }> = [];
  private running: Promise<void> | undefined;

  /**
   * `startAtOnce`: the first write starts in the turn that queued its first item (after the
   * current synchronous work), instead of waiting for the event loop to read everything that
   * arrived. Right when the write runs on another thread or server: it overlaps the decisions
   * still being made here, and those go in the next write. On this thread, waiting makes
   * fewer, larger writes.
   */
  constructor(
    private readonly write: (items: T[]) => Promise<void>,
    private readonly maxBatch = 2000,
    private readonly startAtOnce = false,
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
    // Let the decisions of this turn (or of every request the event loop read) join in.
    if (this.startAtOnce) await Promise.resolve();
    else await new Promise((resolve) => setImmediate(resolve));
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
