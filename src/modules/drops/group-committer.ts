interface Pending<T> {
  item: T;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: items queued while a write is in flight go together in the next write, so
 * under load one transaction makes hundreds of decisions durable, and an idle system writes
 * each item at once. A caller's promise settles only when its item's write has committed.
 */
export class GroupCommitter<T> {
  private pending: Pending<T>[] = [];
  private inFlight = 0;
  private scheduled = false;
  private idle: Array<() => void> = [];

  /**
   * `startAtOnce`: when no write is in flight, the next one starts in the turn that queued its
   * first item (after the current synchronous work), instead of waiting for the event loop to
   * read everything that arrived. Right when the write runs on another thread or server: it
   * overlaps the decisions still being made here, and those go in the next write. On this
   * thread, waiting makes fewer, larger writes.
   *
   * `maxInFlight`: how many writes may be in flight at once. Above 1, what was queued in one
   * turn of the event loop is sent at the end of that turn even while earlier writes have not
   * answered. Only for a database that runs statements in the order they were sent (PGlite's
   * worker): then a later write never lands before an earlier one.
   */
  constructor(
    private readonly write: (items: T[]) => Promise<void>,
    private readonly maxBatch = 2000,
    private readonly startAtOnce = false,
    private readonly maxInFlight = 1,
  ) {}

  enqueue(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      this.schedule();
    });
  }

  /** Waits until everything queued so far is written (or failed). */
  async drain(): Promise<void> {
    while (this.inFlight > 0 || this.pending.length > 0) {
      await new Promise<void>((resolve) => this.idle.push(resolve));
    }
  }

  /** A write that lands sends what queued meanwhile itself; until then nothing is scheduled. */
  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.maxInFlight) return;
    this.scheduled = true;
    // Let the decisions of this turn (or of every request the event loop read) join in.
    if (this.startAtOnce && this.inFlight === 0) queueMicrotask(() => this.flush());
    else setImmediate(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    while (this.pending.length > 0 && this.inFlight < this.maxInFlight) {
      this.send(this.pending.splice(0, this.maxBatch));
    }
  }

  private send(batch: Pending<T>[]): void {
    this.inFlight += 1;
    const landed = () => {
      this.inFlight -= 1;
      // What queued while every slot was taken goes now; the rest waits for its turn's end.
      if (this.pending.length > 0 && !this.scheduled) this.flush();
      if (this.inFlight === 0 && this.pending.length === 0) {
        const idle = this.idle;
        this.idle = [];
        for (const resolve of idle) resolve();
      }
    };
    let written: Promise<void>;
    try {
      written = this.write(batch.map((entry) => entry.item));
    } catch (error) {
      written = Promise.reject(error);
    }
    written.then(
      () => {
        for (const entry of batch) entry.resolve();
        landed();
      },
      (error: unknown) => {
        for (const entry of batch) entry.reject(error);
        landed();
      },
    );
  }
}
