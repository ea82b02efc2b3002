export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

export interface LoadResult {
  count: number;
  /** Every latency, sorted. */
  latencies: number[];
  p50: number;
  p99: number;
  max: number;
  perSecond: number;
  failures: number;
}

/** Runs `total` calls of `send` with `concurrency` in flight; each resolves with its latency in ms, or throws. */
export async function load(
  total: number,
  concurrency: number,
  send: (i: number) => Promise<number>,
): Promise<LoadResult> {
  const latencies: number[] = [];
  let failures = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (;;) {
        const i = next++;
        if (i >= total) return;
        try {
          latencies.push(await send(i));
        } catch {
          failures += 1;
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    count: latencies.length,
    latencies,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies.at(-1) ?? Number.NaN,
    perSecond: latencies.length / seconds,
    failures,
  };
}

export const ms = (value: number) => `${value.toFixed(1)} ms`;
