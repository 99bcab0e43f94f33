import { describe, expect, it } from 'vitest';
import { GroupCommitter } from './group-committer.js';

/** A write that records its batch and finishes when told to. */
function recordingWrite() {
  const batches: number[][] = [];
  const finish: Array<() => void> = [];
  const write = (items: number[]) =>
    new Promise<void>((resolve) => {
      batches.push(items);
      finish.push(resolve);
    });
  return { batches, finish, write };
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('group commit', () => {
  it('writes what was queued while a write was in flight together, in order', async () => {
    const { batches, finish, write } = recordingWrite();
    const committer = new GroupCommitter(write);
    const first = committer.enqueue(1);
    await nextTurn();
    const later = [committer.enqueue(2), committer.enqueue(3)];
    expect(batches).toEqual([[1]]);
    finish[0]?.();
    await first;
    await nextTurn();
    expect(batches).toEqual([[1], [2, 3]]);
    finish[1]?.();
    await Promise.all(later);
  });

  it('waits for the event loop to read what arrived, unless the write runs elsewhere', async () => {
    const waiting = recordingWrite();
    const atOnce = recordingWrite();
    const patient = new GroupCommitter(waiting.write);
    const eager = new GroupCommitter(atOnce.write, 2000, true);
    patient.enqueue(1);
    eager.enqueue(1);
    await Promise.resolve();
    await Promise.resolve();
    // The eager committer started its first write at once; the patient one waits for the
    // event loop's turn, so what arrives meanwhile joins its first write.
    expect(atOnce.batches).toEqual([[1]]);
    expect(waiting.batches).toEqual([]);
    patient.enqueue(2);
    eager.enqueue(2);
    await nextTurn();
    expect(waiting.batches).toEqual([[1, 2]]);
    atOnce.finish[0]?.();
    await nextTurn();
    expect(atOnce.batches).toEqual([[1], [2]]);
    for (const done of [...waiting.finish, ...atOnce.finish]) done();
  });

  it('fails every item of a batch whose write failed, and goes on with the next', async () => {
    let calls = 0;
    const committer = new GroupCommitter<number>(async () => {
      calls += 1;
      if (calls === 1) throw new Error('disk full');
    });
    const failed = committer.enqueue(1);
    await expect(failed).rejects.toThrow('disk full');
    await expect(committer.enqueue(2)).resolves.toBeUndefined();
  });

  it("with several writes allowed in flight, sends each turn's items without waiting", async () => {
    const { batches, finish, write } = recordingWrite();
    const committer = new GroupCommitter(write, 2000, true, 2);
    const settled: number[] = [];
    const track = (item: number) =>
      committer.enqueue(item).then(() => {
        settled.push(item);
      });
    const all = [track(1)];
    await Promise.resolve();
    all.push(track(2), track(3));
    await nextTurn();
    // The first write is still in flight: the second went at the end of the turn anyway.
    expect(batches).toEqual([[1], [2, 3]]);
    all.push(track(4));
    await nextTurn();
    // Two in flight is the bound: the next items wait for a write to land.
    expect(batches).toEqual([[1], [2, 3]]);
    all.push(track(5));
    finish[0]?.();
    await nextTurn();
    expect(settled).toEqual([1]);
    expect(batches).toEqual([[1], [2, 3], [4, 5]]);
    const drained = committer.drain();
    finish[1]?.();
    finish[2]?.();
    await drained;
    expect(settled).toEqual([1, 2, 3, 4, 5]);
    await Promise.all(all);
  });

  it('drains only once every write in flight has landed', async () => {
    const { finish, write } = recordingWrite();
    const committer = new GroupCommitter(write, 2000, true, 4);
    committer.enqueue(1);
    await Promise.resolve();
    committer.enqueue(2);
    await nextTurn();
    let drained = false;
    const draining = committer.drain().then(() => {
      drained = true;
    });
    finish[1]?.();
    await nextTurn();
    expect(drained).toBe(false);
    finish[0]?.();
    await draining;
    expect(drained).toBe(true);
  });
});
