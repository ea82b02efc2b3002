// Sending at Slack's pace: one 429 pauses every sender for its Retry-After, then the same call is tried again.
import { webApi } from '@slack/bolt';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** How many 429s in a row one call may meet before it is reported as failed (a storm, not a limit). */
export const MAX_RATE_LIMITED_RETRIES = 30;

export class SlackPace {
  private resumeAt = 0;
  rateLimited = 0;

  async call<T>(send: () => Promise<T>): Promise<T> {
    for (let limited = 0; ; limited++) {
      const wait = this.resumeAt - Date.now();
      if (wait > 0) await sleep(wait);
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

/** Runs `work` over `items` with at most `concurrency` at once. One item's failure never stops the rest. */
export async function eachWithConcurrency<T>(
  items: T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const item = items[next++] as T;
        await work(item);
      }
    }),
  );
}

/** A Web API client for background fan-out: 429s come back to SlackPace instead of being retried inside. */
export function fanOutClient(
  token: string,
  apiUrl: string,
  logger: webApi.WebClientOptions['logger'],
): webApi.WebClient {
  return new webApi.WebClient(token, {
    slackApiUrl: apiUrl,
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 2000 },
    timeout: 15_000,
    ...(logger ? { logger } : {}),
  });
}
