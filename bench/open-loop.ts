// An open-loop load: requests sent on a fixed schedule whatever has come back, as independent users would send them.
// A closed loop (bench/stats.ts `load`) waits for an answer before sending the next, so it measures latency at
// saturation; this one measures it at a steady offered load below that. Each latency counts from the request's
// scheduled send time, not from when it left: a load generator that falls behind (or a server that queues) still
// shows in the figure instead of slowing the schedule down.
import { percentile } from './stats.js';

export interface OpenLoopResult {
  /** Requests due in the measured window (after the warm-up). */
  due: number;
  count: number;
  /** Every measured latency, sorted. */
  latencies: number[];
  p50: number;
  p99: number;
  max: number;
  failures: number;
  /** The latest any measured request left after its scheduled time: the load generator's own lag. */
  maxSendLag: number;
}

/**
 * `rate` requests a second for `warmupMs` then `measureMs`, one schedule without a gap; only the requests due
 * after the warm-up are measured. `send` resolves with the ms from leaving to the answer, or throws. Requests still
 * unanswered `settleMs` after the last was due count as failures.
 */
export async function openLoop(
  rate: number,
  warmupMs: number,
  measureMs: number,
  send: (i: number) => Promise<number>,
  settleMs = 30_000,
): Promise<OpenLoopResult> {
  const warmup = Math.round((rate * warmupMs) / 1000);
  const total = warmup + Math.round((rate * measureMs) / 1000);
  const interval = 1000 / rate;
  const latencies: number[] = [];
  let maxSendLag = 0;
  const inFlight: Promise<void>[] = [];
  const start = performance.now() + interval;
  const fire = (i: number) => {
    const due = start + i * interval;
    const lag = performance.now() - due;
    const measured = i >= warmup;
    if (measured) maxSendLag = Math.max(maxSendLag, lag);
    inFlight.push(
      send(i).then(
        (took) => {
          if (measured) latencies.push(lag + took);
        },
        // Counted below: every measured request without a latency failed (or is still unanswered).
        () => undefined,
      ),
    );
  };
  await new Promise<void>((done) => {
    let next = 0;
    const tick = () => {
      // Every request due by now leaves now: a late timer sends the ones it missed at once, and they count as late.
      while (next < total && start + next * interval <= performance.now()) fire(next++);
      if (next >= total) {
        done();
        return;
      }
      setTimeout(tick, Math.max(0, start + next * interval - performance.now()));
    };
    setTimeout(tick, interval);
  });
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.all(inFlight),
    new Promise((r) => {
      timer = setTimeout(r, settleMs);
    }),
  ]);
  clearTimeout(timer);
  const due = total - warmup;
  // A copy: an answer arriving after the settle time must not change the figures.
  const answered = [...latencies].sort((a, b) => a - b);
  return {
    due,
    count: answered.length,
    latencies: answered,
    p50: percentile(answered, 50),
    p99: percentile(answered, 99),
    max: answered.at(-1) ?? Number.NaN,
    failures: due - answered.length,
    maxSendLag,
  };
}
