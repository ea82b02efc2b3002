// The Home refresh queue: a burst about one person is one rebuild, the latest state wins, the queue is bounded.
import { describe, expect, it, vi } from 'vitest';
import { RefreshQueue } from '../../src/slack/refresh-queue.js';
import { eventually } from '../support/harness.js';

/** A rebuild that records who it ran for and finishes only when the test says so. */
function gatedRebuild() {
  const runs: string[] = [];
  const gates: (() => void)[] = [];
  const rebuild = (id: string) => {
    runs.push(id);
    return new Promise<void>((resolve) => gates.push(resolve));
  };
  const release = () => {
    for (const open of gates.splice(0)) open();
  };
  return { runs, rebuild, release };
}

describe('RefreshQueue', () => {
  it('turns a burst of changes about the same people into one rebuild each', async () => {
    const runs: string[] = [];
    const queue = new RefreshQueue(
      async (id) => {
        runs.push(id);
      },
      { coalesceMs: 5, max: 100, concurrency: 2 },
    );
    for (let i = 0; i < 20; i++) queue.request(['UMGR', `UREQ${i % 3}`]);
    await queue.drained();
    expect(runs.sort()).toEqual(['UMGR', 'UREQ0', 'UREQ1', 'UREQ2']);
  });

  it('rebuilds once more, after it and never beside it, for changes during a rebuild', async () => {
    vi.useFakeTimers();
    try {
      const gate = gatedRebuild();
      const queue = new RefreshQueue(gate.rebuild, { coalesceMs: 10, max: 100, concurrency: 2 });
      queue.request(['UMGR']);
      await vi.advanceTimersByTimeAsync(10);
      expect(gate.runs).toEqual(['UMGR']);
      // Three changes while the rebuild under way may already have read the state: one more rebuild,
      // not three, and not while the first is still publishing (an older state could land last).
      queue.request(['UMGR']);
      queue.request(['UMGR']);
      queue.request(['UMGR']);
      await vi.advanceTimersByTimeAsync(50);
      expect(gate.runs).toEqual(['UMGR']);
      gate.release();
      await vi.advanceTimersByTimeAsync(50);
      expect(gate.runs).toEqual(['UMGR', 'UMGR']);
      gate.release();
      await queue.drained();
      expect(gate.runs).toEqual(['UMGR', 'UMGR']);
    } finally {
      vi.useRealTimers();
    }
  });

  it('runs at most `concurrency` rebuilds at once and drops, counting them, changes past `max`', async () => {
    const gate = gatedRebuild();
    const queue = new RefreshQueue(gate.rebuild, { coalesceMs: 0, max: 3, concurrency: 2 });
    queue.request(['A', 'B', 'C', 'D', 'E']);
    expect(queue.dropped).toBe(2);
    await eventually(() => expect(gate.runs).toEqual(['A', 'B']));
    gate.release();
    await eventually(() => expect(gate.runs).toEqual(['A', 'B', 'C']));
    gate.release();
    await queue.drained();
    expect(gate.runs).toEqual(['A', 'B', 'C']);
  });

  it('goes on after a rebuild that fails', async () => {
    const runs: string[] = [];
    const queue = new RefreshQueue(
      async (id) => {
        runs.push(id);
        if (id === 'A') throw new Error('views.publish failed');
      },
      { coalesceMs: 0, max: 10, concurrency: 1 },
    );
    queue.request(['A', 'B']);
    await queue.drained();
    expect(runs).toEqual(['A', 'B']);
  });
});
