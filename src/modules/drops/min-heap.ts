/** A binary min-heap of (key, value), for hold expiry in deadline order. */
export class MinHeap<T> {
  private readonly keys: number[] = [];
  private readonly values: T[] = [];

  get size(): number {
    return this.keys.length;
  }

  peekKey(): number | undefined {
    return this.keys[0];
  }

  push(key: number, value: T): void {
    this.keys.push(key);
    this.values.push(value);
    let index = this.keys.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if ((this.keys[parent] as number) <= key) break;
      this.swap(index, parent);
      index = parent;
    }
  }

  pop(): T | undefined {
    if (this.keys.length === 0) return undefined;
    const top = this.values[0];
    const lastKey = this.keys.pop() as number;
    const lastValue = this.values.pop() as T;
    if (this.keys.length > 0) {
      this.keys[0] = lastKey;
      this.values[0] = lastValue;
      this.siftDown(0);
    }
    return top;
  }

  private siftDown(start: number): void {
    let index = start;
    const length = this.keys.length;
    while (true) {
      const left = 2 * index + 1;
      const right = left + 1;
      let smallest = index;
      if (left < length && (this.keys[left] as number) < (this.keys[smallest] as number))
        smallest = left;
      if (right < length && (this.keys[right] as number) < (this.keys[smallest] as number))
        smallest = right;
      if (smallest === index) return;
      this.swap(index, smallest);
      index = smallest;
    }
  }

  private swap(a: number, b: number): void {
    const key = this.keys[a] as number;
    this.keys[a] = this.keys[b] as number;
    this.keys[b] = key;
    const value = this.values[a] as T;
    this.values[a] = this.values[b] as T;
    this.values[b] = value;
  }
}
