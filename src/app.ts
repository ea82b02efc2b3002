// Builds the Bolt app (HTTP or Socket Mode), wires listeners, health, error logging and in-flight tracking.
import type { Server } from 'node:http';
import { App, type webApi } from '@slack/bolt';
import type { ExtendedErrorHandlerArgs } from '@slack/bolt/dist/App.js';
import type { Config } from './config.js';
import { databaseAnswers, type Store } from './db/client.js';
import { boltLogger, type Logger } from './logger.js';
import { isWaitedOutRateLimit } from './slack/deliver.js';
import type { Deps } from './slack/deps.js';
import { registerListeners } from './slack/listeners/index.js';
import { type AppTokenRefused, SocketModeLink, socketModeReceiver } from './socket-mode.js';

/** Counts work in progress so shutdown can wait for it. */
export class InFlight {
  private count = 0;
  private waiters: (() => void)[] = [];

  track<T>(work: Promise<T>): Promise<T> {
    this.count += 1;
    return work.finally(() => {
      this.count -= 1;
      if (this.count === 0) for (const resolve of this.waiters.splice(0)) resolve();
    });
  }

  get size(): number {
    return this.count;
  }

  drained(): Promise<void> {
    return this.count === 0 ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
  }
}

/**
 * The listeners' Web API retries: rate limits only. A 429 was not carried out, so the client waits out
 * its Retry-After and tries again; anything else (a timeout, a 5xx, a dropped connection) may have been
 * carried out, and repeating it blindly is how one pull became seven DMs. Those fail at once and the
 * caller treats the outcome as unknown (see sendPullToManager). Pacing for listeners is owned by the
 * client's own 429 handling; the digest fan-out has its own client and SlackPace (scheduler/pace.ts).
 */
export const DEFAULT_SLACK_RETRY: webApi.RetryOptions = {
  retries: 6,
  factor: 1,
  minTimeout: 0,
  maxTimeout: 0,
};

/**
 * Keeps `retry`'s count and backoff for rate limits and stops at the first other failure: p-retry ends
 * the retries when `onFailedAttempt` throws.
 */
export function rateLimitedOnly(retry: webApi.RetryOptions): webApi.RetryOptions {
  const onFailedAttempt = (error: Error) => {
    if (!isWaitedOutRateLimit(error)) throw error;
  };
  return { ...retry, onFailedAttempt } as webApi.RetryOptions;
}

export interface PushpullAppOptions {
  config: Config;
  store: Store;
  logger: Logger;
  clock?: () => number;
  slackRetry?: webApi.RetryOptions;
  slackTimeoutMs?: number;
  /** Socket Mode only: Slack refused the app token on a reconnect, so the app can no longer hear Slack. */
  onAppTokenRefused?: (error: AppTokenRefused) => void;
}

export interface PushpullApp {
  app: App;
  deps: Deps;
  client: webApi.WebClient;
  inflight: InFlight;
  /** Starts listening; resolves with the HTTP port in HTTP mode. */
  start(): Promise<{ port: number | undefined }>;
  /** Stops taking requests and waits for in-flight work. Does not close the database. */
  stop(): Promise<void>;
}

export function createPushpullApp(options: PushpullAppOptions): PushpullApp {
  const { config, store, logger } = options;
  const deps: Deps = { db: store.db, config, logger, clock: options.clock ?? Date.now };
  const inflight = new InFlight();
  const health = {
    path: '/healthz',
    method: ['GET'],
    handler: (_req: unknown, res: import('node:http').ServerResponse) => {
      const up = databaseAnswers(store);
      res.writeHead(up ? 200 : 503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: up, database: up ? 'ok' : 'unavailable', inFlight: inflight.size }));
    },
  };

  const slackLogger = boltLogger(logger.child({ source: 'bolt' }), config.logLevel);
  const slackRetry = options.slackRetry ?? DEFAULT_SLACK_RETRY;
  const slackTimeoutMs = options.slackTimeoutMs ?? 10_000;
  const receiver = config.slack.appToken
    ? socketModeReceiver({
        appToken: config.slack.appToken,
        apiUrl: config.slack.apiUrl,
        port: config.port,
        customRoutes: [health],
        logger: slackLogger,
        retry: slackRetry,
        timeoutMs: slackTimeoutMs,
      })
    : undefined;

  const app = new App({
    token: config.slack.botToken,
    logger: slackLogger,
    convoStore: false,
    extendedErrorHandler: true,
    clientOptions: {
      slackApiUrl: config.slack.apiUrl,
      retryConfig: rateLimitedOnly(slackRetry),
      timeout: slackTimeoutMs,
      rejectRateLimitedCalls: false,
    },
    ...(receiver
      ? { socketMode: true, receiver }
      : {
          customRoutes: [health],
          signingSecret: config.slack.signingSecret ?? '',
          endpoints: '/slack/events',
        }),
  });

  app.use(async ({ next }) => {
    await inflight.track(next());
  });

  app.error(async ({ error, body }: ExtendedErrorHandlerArgs) => {
    const b = (body ?? {}) as Record<string, unknown>;
    logger.error('a Slack request failed', {
      error: (error as { original?: unknown }).original ?? error,
      type: b.type ?? (b.command ? 'slash_command' : undefined),
      command: b.command,
      callbackId: (b.view as { callback_id?: unknown } | undefined)?.callback_id ?? b.callback_id,
      user: (b.user as { id?: unknown } | undefined)?.id ?? b.user_id,
    });
  });

  registerListeners(app, deps);

  let server: Server | undefined;
  return {
    app,
    deps,
    client: app.client,
    inflight,
    async start() {
      if (receiver) {
        const link = new SocketModeLink(
          receiver,
          logger,
          options.onAppTokenRefused ?? ((error) => logger.error(error.message)),
        );
        await link
          .open(() => app.start())
          .catch(async (error: unknown) => {
            await app.stop(); // closes the health port, so a refused token does not leave the process up
            throw error;
          });
        logger.info('Pushpull is connected to Slack in Socket Mode', { healthPort: config.port });
        return { port: undefined };
      }
      server = (await app.start(config.port)) as Server;
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : config.port;
      logger.info('Pushpull is listening for Slack over HTTP', { port, endpoint: '/slack/events' });
      return { port };
    },
    async stop() {
      const closing = app.stop();
      server?.closeIdleConnections();
      await Promise.all([closing, inflight.drained()]);
    },
  };
}
