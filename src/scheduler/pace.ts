// Sending at Slack's pace: one 429 pauses every sender for its Retry-After, then the same call is tried again.
import { webApi } from '@slack/bolt';

/** How many 429s in a row one call may meet before it is reported as failed (a storm, not a limit). */
export const MAX_RATE_LIMITED_RETRIES = 30;

/** Thrown instead of waiting out a rate limit once the fan-out is told to stop: nothing was sent. */
export class FanOutStopped extends Error {
  constructor() {
    super('the fan-out was stopped before this was sent');
    this.name = 'FanOutStopped';
  }
}

function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new FanOutStopped());
    const stop = () => {
      clearTimeout(timer);
      reject(new FanOutStopped());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', stop);
      resolve();
    }, ms);
    signal?.addEventListener('abort', stop, { once: true });
  });
}

export class SlackPace {
  private resumeAt = 0;
  rateLimited = 0;

  /**
   * Calls `send`, waiting out 429s: a rate-limited call was not carried out, so trying it again can
   * never make a copy. Anything else is the caller's to judge. When `signal` aborts, a wait ends at
   * once with FanOutStopped and `send` is not called again.
   */
  async call<T>(send: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    for (let limited = 0; ; limited++) {
      const wait = this.resumeAt - Date.now();
      if (wait > 0) await pause(wait, signal);
      if (signal?.aborted) throw new FanOutStopped();
      try {
        return await send();
      } catch (error) {
        const e = error as { code?: unknown; retryAfter?: unknown };
        if (e.code !== webApi.ErrorCode.RateLimitedError || limited >= MAX_RATE_LIMITED_RETRIES) throw error;
        this.rateLimited += 1;
        const retryAfterMs = (typeof e.retryAfter === 'number' ? e.retryAfter : 1) * 1000;
        this.resumeAt = Math.max(this.resumeAt, Date.now() + retryAfterMs);
      }
    }
  }
}

/**
 * Runs `work` over `items` with at most `concurrency` at once. One item's failure never stops the rest;
 * an aborted `signal` does: work under way finishes, no new item is started.
 */
export async function eachWithConcurrency<T>(
  items: T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length && !signal?.aborted) {
        const item = items[next++] as T;
        await work(item);
      }
    }),
  );
}

/** How long one fan-out call may take before its outcome is called unknown. */
export const FAN_OUT_TIMEOUT_MS = 15_000;

/**
 * A Web API client for background fan-out. It never repeats a call by itself: the client's own retries
 * cover every request error (timeouts and 5xx included), and a post Slack carried out but answered
 * late would land again. 429s come back to SlackPace (a limited call was not carried out); a timeout
 * or 5xx is reported to the caller as an outcome it does not know.
 */
export function fanOutClient(
  token: string,
  apiUrl: string,
  logger: webApi.WebClientOptions['logger'],
  options: { timeoutMs?: number } = {},
): webApi.WebClient {
  return new webApi.WebClient(token, {
    slackApiUrl: apiUrl,
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
    timeout: options.timeoutMs ?? FAN_OUT_TIMEOUT_MS,
    ...(logger ? { logger } : {}),
  });
}
