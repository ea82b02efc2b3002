// Sending at Slack's pace, ahead of time: each Web API method has its own lane, spaced a little under its limit.
//
// One rate policy, two kinds of sender. The pacer owns pacing: everything Pushpull sends on its own
// (the digest fan-out, overdue reminders, background profile refreshes) waits for a slot in its
// method's lane, so a thousand digests never provoke a 429 instead of reacting to one. Listeners send
// one message per human action the moment it happens and do not queue behind a fan-out: they go
// straight out through Bolt's client, which only honours Retry-After on a 429. `watch(client)` lets the
// pacer hear those 429s (the client emits `rate_limited`), so a method Slack refused a listener is
// paused for the fan-out too, and `spend(method)` lets a listener's send take a slot from its lane.
//
// Several instances on one database share Slack's budget, because Slack counts per workspace, not per process.
// Each instance's pacer is still the only one that paces its sends, but at its share of each method's rate
// (`shareWith`): every instance writes a heartbeat row every few seconds saying whether it is sending
// (src/scheduler/instances.ts); those sending split the budget between them (src/scheduler/rate-share.ts), an
// idle one takes nothing, and a crashed one stops counting once its heartbeat is stale. An instance that starts
// sending first says so and waits one heartbeat, so the others have slowed down before it adds its sends.
// Listeners' sends are not shared out: they are a person's action each, few beside a fan-out, and still
// take a slot from their own instance's lane.
import { webApi } from '@slack/bolt';
import { slackFetch } from '../slack/web-transport.js';

/** How many 429s in a row one call may meet before it is reported as failed (a storm, not a limit). */
export const MAX_RATE_LIMITED_RETRIES = 30;

/**
 * Calls per second Slack allows each method, from https://docs.slack.dev/apis/web-api/rate-limits and
 * each method's page (Tier 2 = 20+/min, Tier 3 = 50+/min, Tier 4 = 100+/min). chat.postMessage is
 * "special": about one message per second per channel, with workspace-wide burst limits Slack does not
 * publish; one a second is the safe reading for a fan-out (every digest goes to its own DM, so the
 * per-channel rule never binds, the workspace one does). Override with SLACK_PACE when a workspace is
 * known to allow more.
 */
export const SLACK_RATES: Readonly<Record<string, number>> = {
  'chat.postMessage': 1,
  'chat.update': 50 / 60, // Tier 3
  'conversations.open': 50 / 60, // Tier 3
  'conversations.history': 50 / 60, // Tier 3
  'users.info': 100 / 60, // Tier 4
  'views.publish': 100 / 60, // Tier 4
};
/** A method not listed above is paced as Tier 2, the lowest tier a method we would call has. */
const UNLISTED_RATE = 20 / 60;

/** A lane runs this far under its limit, so a few ms of jitter on the way to Slack cannot add up to a 429. */
export const HEADROOM = 0.97;

/** Thrown instead of waiting out a rate limit once the fan-out is told to stop: nothing was sent. */
export class FanOutStopped extends Error {
  constructor() {
    super('the fan-out was stopped before this was sent');
    this.name = 'FanOutStopped';
  }
}

export function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
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

/**
 * One method's lane: a bucket that holds a single token (no burst), refilled every `spacingMs`, checked
 * against a sliding window of the sends that really went out (a late timer must not bunch two sends).
 */
class Lane {
  spacingMs = 0;
  private windowSize = 1;
  private windowMs = 0;
  private readonly started: number[] = [];
  private next = 0;
  private resumeAt = 0;
  private perSecond = 0;
  refused = 0;

  constructor(
    /** The method's whole rate; this lane may run at a share of it (`runAt`). */
    readonly rate: number,
    private readonly headroom: number,
  ) {
    this.runAt(rate);
  }

  /** Paces this lane at `perSecond` from its next slot on (the instance's share changed). */
  runAt(perSecond: number): void {
    if (perSecond === this.perSecond) return;
    this.perSecond = perSecond;
    this.spacingMs = 1000 / (perSecond * this.headroom);
    // The window holds a second's worth of sends and runs under the limit too: after one late send the
    // next is not let through early to catch up, which would leave no room for jitter on the way.
    this.windowSize = Math.max(1, Math.round(perSecond));
    this.windowMs = this.windowSize * this.spacingMs;
    while (this.started.length > this.windowSize) this.started.shift();
  }

  private windowOpensAt(): number {
    return this.started.length < this.windowSize ? 0 : (this.started[0] ?? 0) + this.windowMs;
  }

  /** Waits for this lane's next slot and takes it. */
  async turn(signal: AbortSignal | undefined): Promise<void> {
    for (;;) {
      if (signal?.aborted) throw new FanOutStopped();
      const now = Date.now();
      // Slots missed by a stall are taken late (the window still holds); after a window of quiet the
      // schedule starts afresh, so a new fan-out never opens with a burst.
      if (this.next < now - this.windowMs) this.next = now;
      const slot = Math.max(this.next, this.resumeAt, this.windowOpensAt());
      this.next = slot + this.spacingMs;
      if (slot > now) await pause(slot - now, signal);
      // A send that went out late holds this one back by as much, in its own slot; a 429 met while
      // this one waited sends it to the back of the lane.
      for (let at = Date.now(); this.resumeAt <= at; at = Date.now()) {
        const opens = this.windowOpensAt();
        if (opens <= at) {
          this.record(at);
          return;
        }
        await pause(opens - at, signal);
      }
    }
  }

  private record(at: number): void {
    this.started.push(at);
    if (this.started.length > this.windowSize) this.started.shift();
  }

  /** A send that went out without waiting (a listener's): later slots move back by one. */
  take(at: number): void {
    this.record(at);
    this.next = Math.max(this.next, at) + this.spacingMs;
  }

  pauseFor(ms: number): void {
    this.resumeAt = Math.max(this.resumeAt, Date.now() + ms);
  }
}

/** How a call to Slack is made: directly, or through a pacer that waits for its slot. */
export type Via = <T>(send: () => Promise<T>) => Promise<T>;

/** This instance's part of a budget shared with other instances (src/scheduler/instances.ts). */
export interface SharedBudget {
  /** A paced call starts: the instance counts as sending until every call begun is over (`end`). */
  begin(): void;
  /** Resolves once this instance may send at its share: at once when it is already counted as sending. */
  enter(signal?: AbortSignal): Promise<void>;
  /** A paced call is over (sent, refused or stopped). */
  end(): void;
  /** This instance's share of `rate` calls a second, as of the last heartbeat. */
  share(rate: number): number;
}

export class SlackPace {
  private readonly lanes = new Map<string, Lane>();
  private budget: SharedBudget | undefined;

  /**
   * `rates` overrides SLACK_RATES per method, in calls per second (the bench's fake allows 20 posts a
   * second); `*` stands for every method not named.
   */
  constructor(
    private readonly rates: Readonly<Record<string, number>> = {},
    private readonly headroom = HEADROOM,
  ) {}

  private lane(method: string): Lane {
    let lane = this.lanes.get(method);
    if (!lane) {
      const rate = this.rates[method] ?? this.rates['*'] ?? SLACK_RATES[method] ?? UNLISTED_RATE;
      lane = new Lane(rate, this.headroom);
      this.lanes.set(method, lane);
    }
    return lane;
  }

  /** Paces every method at this instance's share of its rate from now on (several instances, one budget). */
  shareWith(budget: SharedBudget): void {
    this.budget = budget;
  }

  /** Calls a second `method` is paced at now (its share, when shared), for the log and the bench. */
  rateOf(method: string): number {
    const lane = this.lane(method);
    return this.budget ? this.budget.share(lane.rate) : lane.rate;
  }

  /** 429s met, all methods together. */
  get rateLimited(): number {
    let total = 0;
    for (const lane of this.lanes.values()) total += lane.refused;
    return total;
  }

  /** 429s met per method, for the log and the bench. */
  refusals(): Record<string, number> {
    return Object.fromEntries(
      [...this.lanes].filter(([, l]) => l.refused > 0).map(([m, l]) => [m, l.refused]),
    );
  }

  /**
   * Calls `send` in `method`'s next slot. A 429 pauses that method alone for its Retry-After, then the
   * same call is tried again: a rate-limited call was not carried out, so trying it again can never
   * make a copy. Anything else is the caller's to judge. When `signal` aborts, a wait ends at once with
   * FanOutStopped and `send` is not called again.
   */
  async call<T>(method: string, send: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const lane = this.lane(method);
    const budget = this.budget;
    budget?.begin();
    try {
      for (let limited = 0; ; limited++) {
        if (budget) {
          await budget.enter(signal);
          lane.runAt(budget.share(lane.rate));
        }
        await lane.turn(signal);
        if (signal?.aborted) throw new FanOutStopped();
        try {
          return await send();
        } catch (error) {
          const e = error as { code?: unknown; retryAfter?: unknown };
          if (e.code !== webApi.ErrorCode.RateLimitedError || limited >= MAX_RATE_LIMITED_RETRIES)
            throw error;
          lane.refused += 1;
          lane.pauseFor((typeof e.retryAfter === 'number' ? e.retryAfter : 1) * 1000);
        }
      }
    } finally {
      budget?.end();
    }
  }

  /** `call` as a Via, for helpers that take one (a profile refresh goes through users.info's lane). */
  via(method: string, signal?: AbortSignal): Via {
    return (send) => this.call(method, send, signal);
  }

  /** A listener sent `method` without waiting: the fan-out leaves that slot to it. */
  spend(method: string): void {
    this.lane(method).take(Date.now());
  }

  /**
   * Hears the 429s another client meets (Bolt's, for listeners), so the refused method is paused for
   * the fan-out too. The fan-out's own client needs none of this: its 429s come back to `call`.
   */
  watch(client: webApi.WebClient): void {
    client.on(webApi.WebClientEvent.RATE_LIMITED, (retrySec: number, request: { url?: string }) => {
      // The client names the call by its whole URL (…/api/chat.postMessage).
      const method = request?.url?.split('?')[0]?.split('/').pop();
      if (!method) return;
      const lane = this.lane(method);
      lane.refused += 1;
      lane.pauseFor(retrySec * 1000);
    });
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
  failed: (item: T, error: unknown) => void = () => {},
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length && !signal?.aborted) {
        const item = items[next++] as T;
        // A throw (a busy database while claiming, say) is that item's alone: the worker goes on.
        try {
          await work(item);
        } catch (error) {
          failed(item, error);
        }
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
    fetch: slackFetch,
    ...(logger ? { logger } : {}),
  });
}
