/**
 * A read-through cache for data read on every request of a drop and changed rarely (an
 * offer's terms, an organisation's fulfilment regions, its webhook subscriptions). An entry
 * older than `freshMs` is still served while one refresh runs in the background, and callers
 * asking while a load runs share it: thousands of requests a second never turn into thousands
 * of identical queries queued on the database. `forget` drops an entry after a local change;
 * a load that started before it does not put the old value back.
 */
export class RefreshingCache<V> {
  private readonly entries = new Map<string, { value: V; loadedAt: number }>();
  private readonly loading = new Map<string, Promise<V>>();

  constructor(
    private readonly load: (key: string) => Promise<V>,
    private readonly freshMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async get(key: string): Promise<V> {
    const entry = this.entries.get(key);
    if (!entry) return this.refresh(key);
    this.refreshIfStale(key, entry.loadedAt);
    return entry.value;
  }

  /**
   * The value in memory, fresh or stale (a stale one starts a refresh), or undefined: for
   * callers that answer in the same turn when the entry is there, without a promise.
   */
  peek(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.refreshIfStale(key, entry.loadedAt);
    return entry.value;
  }

  forget(key: string): void {
    this.entries.delete(key);
    this.loading.delete(key);
  }

  /** Drops every entry, after a change that may touch any of them. */
  clear(): void {
    this.entries.clear();
    this.loading.clear();
  }

  private refreshIfStale(key: string, loadedAt: number): void {
    if (this.now() - loadedAt >= this.freshMs) this.refresh(key);
  }

  /** One load per key at a time; callers arriving meanwhile share it. */
  private refresh(key: string): Promise<V> {
    const inFlight = this.loading.get(key);
    if (inFlight) return inFlight;
    const load = this.load(key).then(
      (value) => {
        if (this.loading.get(key) === load) this.entries.set(key, { value, loadedAt: this.now() });
        return value;
      },
      (error: unknown) => {
        if (this.loading.get(key) === load) this.entries.delete(key);
        throw error;
      },
    );
    const settled = load.finally(() => {
      if (this.loading.get(key) === load) this.loading.delete(key);
    });
    // A background refresh nobody awaits must not surface as an unhandled rejection.
    settled.catch(() => {});
    this.loading.set(key, load);
    return load;
  }
}
