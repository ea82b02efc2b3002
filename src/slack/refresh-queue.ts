// A queue of people whose view must be rebuilt: off the request path, coalesced, bounded.

export interface RefreshQueueOptions {
  /** How long a change waits for others about the same person before their view is rebuilt. */
  coalesceMs: number;
  /** People waiting at most; a change past it is dropped (counted), as the view is rebuilt when next opened. */
  max: number;
  /** Rebuilds under way at once. */
  concurrency: number;
}

/**
 * Several changes about one person in a burst become one rebuild, made from the state at the time it
 * runs, so the latest state always wins. A change that arrives while that person's rebuild is under
 * way queues exactly one more after it: the rebuild under way may have read the state before the change.
 */
export class RefreshQueue {
  private readonly waiting = new Set<string>();
  private readonly running = new Set<string>();
  private readonly again = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private readonly idle: (() => void)[] = [];
  /** Changes dropped because the queue was full. */
  dropped = 0;

  constructor(
    private readonly rebuild: (id: string) => Promise<void>,
    private readonly options: RefreshQueueOptions,
  ) {}

  request(ids: Iterable<string>): void {
    for (const id of ids) {
      if (this.waiting.has(id)) continue;
      if (this.running.has(id)) {
        this.again.add(id);
        continue;
      }
      if (this.waiting.size >= this.options.max) {
        this.dropped += 1;
        continue;
      }
      this.waiting.add(id);
    }
    if (this.waiting.size > 0 && !this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.pump();
      }, this.options.coalesceMs);
    }
  }

  /** People waiting or being rebuilt. */
  get size(): number {
    return this.waiting.size + this.running.size;
  }

  /** Resolves once nothing waits and nothing runs: at shutdown, so no rebuild is cut off. */
  drained(): Promise<void> {
    if (this.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private pump(): void {
    for (const id of this.waiting) {
      if (this.running.size >= this.options.concurrency) break;
      this.waiting.delete(id);
      this.running.add(id);
      void this.rebuild(id)
        .catch(() => {}) // the rebuild logs its own failures; one person's must not stop the queue
        .finally(() => {
          this.running.delete(id);
          if (this.again.delete(id)) this.waiting.add(id);
          this.pump();
        });
    }
    if (this.size === 0) for (const resolve of this.idle.splice(0)) resolve();
  }
}
