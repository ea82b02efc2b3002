// Builds the Bolt app (HTTP or Socket Mode), wires listeners, health, error logging and in-flight tracking.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { App, webApi } from '@slack/bolt';
import type { ExtendedErrorHandlerArgs } from '@slack/bolt/dist/App.js';
import type { Config } from './config.js';
import { type SqliteStore, sameFile } from './db/client.js';
import { errorCode, type Store } from './db/store.js';
import { GuardedHttpReceiver } from './http-receiver.js';
import { boltLogger, type Logger } from './logger.js';
import { StartupError, VERSION } from './runtime.js';
import { isWaitedOutRateLimit } from './slack/deliver.js';
import type { Deps } from './slack/deps.js';
import { homesDrained } from './slack/home.js';
import { registerListeners } from './slack/listeners/index.js';
import { slackFetch } from './slack/web-transport.js';
import { type AppTokenRefused, SocketModeLink, socketModeReceiver } from './socket-mode.js';

/**
 * Counts work in progress so shutdown can wait for it. `after` is work requests leave behind to run
 * later (the coalesced Home refreshes): drained means that is done too, whatever it set off.
 */
export class InFlight {
  private count = 0;
  private waiters: (() => void)[] = [];

  constructor(private readonly after: () => Promise<void> = async () => {}) {}

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

  async drained(): Promise<void> {
    for (;;) {
      if (this.count > 0) await new Promise<void>((resolve) => this.waiters.push(resolve));
      await this.after();
      if (this.count === 0) return;
    }
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
  /**
   * Checks the bot token with Slack, then starts listening; resolves with the port (HTTP mode: Slack's requests
   * and `/healthz`; Socket Mode: `/healthz`). A problem an operator can fix rejects with a StartupError.
   */
  start(): Promise<{ port: number | undefined }>;
  /** Stops taking requests and waits for in-flight work. Does not close the database. */
  stop(): Promise<void>;
}

export function createPushpullApp(options: PushpullAppOptions): PushpullApp {
  const { config, store, logger } = options;
  const deps: Deps = {
    db: store.db,
    config,
    logger,
    clock: options.clock ?? Date.now,
    // A SQLite file can be deleted or replaced underneath the app; a PostgreSQL server has no such file.
    ...(store.dialect === 'sqlite' ? { databaseIsThere: () => sameFile(store as SqliteStore) } : {}),
  };
  const inflight = new InFlight(() => homesDrained(deps));
  const health = {
    path: '/healthz',
    method: ['GET'],
    handler: async (_req: unknown, res: ServerResponse) => {
      // 503 either way (no write can be taken now); `database` tells a lock held elsewhere from a lost file
      // or an unreachable server.
      const database = await store.health();
      const up = database === 'ok';
      res.writeHead(up ? 200 : 503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: up, database, inFlight: inflight.size }));
    },
  };

  const slackLogger = boltLogger(logger.child({ source: 'bolt' }), config.logLevel);
  const slackRetry = options.slackRetry ?? DEFAULT_SLACK_RETRY;
  const slackTimeoutMs = options.slackTimeoutMs ?? 10_000;
  const receiver = config.slack.appToken
    ? socketModeReceiver({
        appToken: config.slack.appToken,
        apiUrl: config.slack.apiUrl,
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
    // Bolt would otherwise call auth.test from the constructor and crash on a refused token with a stack trace;
    // start() checks the token first (app.init) and says which variable to fix.
    deferInitialization: true,
    clientOptions: {
      slackApiUrl: config.slack.apiUrl,
      retryConfig: rateLimitedOnly(slackRetry),
      timeout: slackTimeoutMs,
      rejectRateLimitedCalls: false,
      fetch: slackFetch,
    },
    ...(receiver
      ? { socketMode: true, receiver }
      : {
          receiver: new GuardedHttpReceiver({
            signingSecret: config.slack.signingSecret ?? '',
            endpoint: '/slack/events',
            customRoutes: [health],
            boltLogger: slackLogger,
            logger: logger.child({ source: 'receiver' }),
          }),
        }),
  });

  app.use(async ({ next }) => {
    await inflight.track(next());
  });

  app.error(async ({ error, body }: ExtendedErrorHandlerArgs) => {
    const b = (body ?? {}) as Record<string, unknown>;
    const original = (error as { original?: unknown }).original ?? error;
    logger.error('a Slack request failed', {
      error: original,
      // A database failure names the file (or server), so an operator knows which one to look at.
      ...(isDatabaseError(original, store) ? { database: store.where } : {}),
      type: b.type ?? (b.command ? 'slash_command' : undefined),
      command: b.command,
      callbackId: (b.view as { callback_id?: unknown } | undefined)?.callback_id ?? b.callback_id,
      user: (b.user as { id?: unknown } | undefined)?.id ?? b.user_id,
    });
  });

  registerListeners(app, deps);

  const signatureHint = signingSecretHint(logger, deps.clock);
  let server: Server | undefined;
  let healthServer: Server | undefined;
  return {
    app,
    deps,
    client: app.client,
    inflight,
    async start() {
      await checkBotToken(app, config.slack.apiUrl);
      if (receiver) {
        // Bolt's Socket Mode health server ignores HOST and crashes on a busy port: /healthz is served by our own.
        const healthOnly = await listen(
          createServer((req, res) => serveHealthOnly(req, res, health.handler)),
          config,
        );
        healthServer = healthOnly;
        const port = boundPort(healthOnly, config.port);
        const link = new SocketModeLink(
          receiver,
          logger,
          options.onAppTokenRefused ?? ((error) => logger.error(error.message)),
        );
        await link
          .open(() => app.start())
          .catch(async (error: unknown) => {
            await app.stop(); // a refused token must not leave the process up
            healthOnly.close();
            throw error;
          });
        logger.info('Pushpull is connected to Slack in Socket Mode', { port, version: VERSION });
        return { port };
      }
      server = (await app
        .start({ port: config.port, ...(config.host ? { host: config.host } : {}) })
        .catch((error: unknown) => {
          throw listenProblem(error, config);
        })) as Server;
      server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
        res.once('finish', () => {
          if (res.statusCode === 401 && req.url?.startsWith('/slack/events')) signatureHint();
        });
      });
      const port = boundPort(server, config.port);
      logger.info('Pushpull is listening for Slack over HTTP', {
        port,
        endpoint: '/slack/events',
        version: VERSION,
      });
      return { port };
    },
    async stop() {
      const closing = app.stop();
      server?.closeIdleConnections();
      const healthClosed = new Promise<void>((done) => {
        if (!healthServer?.listening) return done();
        healthServer.close(() => done());
        healthServer.closeIdleConnections();
      });
      await Promise.all([closing, healthClosed, inflight.drained()]);
    },
  };
}

/**
 * An error from the database driver, found through Drizzle's wrapping: SQLite's codes start SQLITE_;
 * PostgreSQL's are five-character SQLSTATEs (no class starts with E, so Node's EPIPE or EPERM are not taken).
 */
function isDatabaseError(error: unknown, store: Store): boolean {
  const code = errorCode(error) ?? '';
  return store.dialect === 'sqlite' ? code.startsWith('SQLITE_') : /^[0-9A-DF-Z][0-9A-Z]{4}$/.test(code);
}

const BOT_TOKEN_FIX: Record<string, string> = {
  account_inactive:
    'the app was uninstalled or the workspace is inactive; reinstall the app (Install App) and copy the new Bot User OAuth Token (xoxb-…) from OAuth & Permissions.',
  token_revoked:
    'reinstall the app (Install App) and copy the new Bot User OAuth Token (xoxb-…) from OAuth & Permissions.',
  token_expired:
    'reinstall the app (Install App) and copy the new Bot User OAuth Token (xoxb-…) from OAuth & Permissions.',
};

/** Bolt's deferred initialization runs auth.test once; a refused token becomes one line naming SLACK_BOT_TOKEN. */
async function checkBotToken(app: App, apiUrl: string): Promise<void> {
  try {
    await app.init();
  } catch (error) {
    const e = error as {
      code?: string;
      data?: { error?: string };
      original?: { code?: string };
      statusCode?: number;
    };
    if (e.code === webApi.ErrorCode.PlatformError) {
      const slackError = e.data?.error ?? 'unknown';
      const fix =
        BOT_TOKEN_FIX[slackError] ?? 'copy the Bot User OAuth Token (xoxb-…) from OAuth & Permissions.';
      throw new StartupError(`SLACK_BOT_TOKEN was refused by Slack (${slackError}): ${fix}`);
    }
    if (e.code === webApi.ErrorCode.RequestError) {
      throw new StartupError(
        `Slack could not be reached at ${apiUrl} (${e.original?.code ?? 'no answer'}): check the network, or SLACK_API_URL.`,
      );
    }
    if (e.code === webApi.ErrorCode.HTTPError) {
      throw new StartupError(
        `Slack answered HTTP ${e.statusCode ?? '?'} when checking SLACK_BOT_TOKEN at ${apiUrl}: try again in a minute, or check SLACK_API_URL.`,
      );
    }
    throw new StartupError(
      `checking SLACK_BOT_TOKEN with Slack failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

function where(config: Config): string {
  return config.host ? `PORT ${config.port} on HOST ${config.host}` : `PORT ${config.port}`;
}

/** A listen failure (port taken, address not ours) as one line naming PORT or HOST. */
function listenProblem(error: unknown, config: Config): StartupError {
  const code = (error as { code?: string }).code ?? 'error';
  if (code === 'EADDRINUSE') {
    return new StartupError(
      `${where(config)} is already in use: stop the other process, or set PORT to a free port.`,
    );
  }
  if (code === 'EACCES') {
    return new StartupError(`${where(config)} needs privileges this user lacks: set PORT to 1024 or above.`);
  }
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new StartupError(
      `HOST ${config.host ?? ''} is not an address of this machine (${code}): use 127.0.0.1, ::1 or one of its addresses, or leave HOST unset for all interfaces.`,
    );
  }
  return new StartupError(`cannot listen on ${where(config)} (${code}): check PORT and HOST.`);
}

/** Socket Mode's own small server for `/healthz`, on HOST and PORT like the HTTP receiver. */
function listen(server: Server, config: Config): Promise<Server> {
  return new Promise((resolve, reject) => {
    server.once('error', (error) => reject(listenProblem(error, config)));
    server.listen({ port: config.port, ...(config.host ? { host: config.host } : {}) }, () =>
      resolve(server),
    );
  });
}

function serveHealthOnly(
  req: IncomingMessage,
  res: ServerResponse,
  handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
): void {
  if (req.method === 'GET' && new URL(req.url ?? '/', 'http://localhost').pathname === '/healthz') {
    void handler(req, res);
    return;
  }
  res.writeHead(404).end();
}

function boundPort(server: Server, fallback: number): number {
  const address = server.address();
  return typeof address === 'object' && address ? address.port : fallback;
}

const SIGNATURE_HINT_EVERY_MS = 10 * 60_000;

/**
 * Bolt answers 401 to a request whose signature does not match and logs only that. When it is Slack's own requests
 * failing, the secret is wrong: say so, at most once every ten minutes, with how many were refused meanwhile.
 */
function signingSecretHint(logger: Logger, clock: () => number): () => void {
  let lastHint: number | undefined;
  let refused = 0;
  return () => {
    refused += 1;
    const now = clock();
    if (lastHint !== undefined && now - lastHint < SIGNATURE_HINT_EVERY_MS) return;
    lastHint = now;
    logger.warn(
      "Refused a request to /slack/events: bad or stale signature. If Slack itself is being refused, check SLACK_SIGNING_SECRET (Basic Information → App Credentials → Signing Secret) and this machine's clock.",
      { refused },
    );
    refused = 0;
  };
}
