// Socket Mode: the receiver, a link to Slack kept open across refreshes and drops, and a clear stop when Slack
// refuses the app token (at start or on a reconnect) instead of retrying it forever.
import { type Logger as SlackLogger, SocketModeReceiver, type webApi } from '@slack/bolt';
import type { Logger } from './logger.js';

/** Web API errors that mean the app-level token itself is the problem: retrying cannot help. */
const TOKEN_REFUSALS = new Set([
  'not_authed',
  'invalid_auth',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'not_allowed_token_type',
  'missing_scope',
  'no_permission',
  'user_removed_from_team',
  'team_disabled',
  'ekm_access_denied',
]);

const HOW_TO_FIX =
  "create an App-Level Token with the connections:write scope (your Slack app's Basic Information → App-Level Tokens) and set SLACK_APP_TOKEN to it";

/** Slack refused the app-level token: the one line an operator needs, naming the variable and the fix. */
export class AppTokenRefused extends Error {
  constructor(
    readonly slackError: string,
    whileRunning: boolean,
  ) {
    super(
      whileRunning
        ? `SLACK_APP_TOKEN stopped working: Slack refused it (${slackError}) when Pushpull reconnected; ${HOW_TO_FIX}, then restart.`
        : `SLACK_APP_TOKEN was refused by Slack (${slackError}): ${HOW_TO_FIX}.`,
    );
    this.name = 'AppTokenRefused';
  }
}

function refusalOf(error: unknown): string | undefined {
  const code = (error as { data?: { error?: unknown } } | undefined)?.data?.error;
  return typeof code === 'string' && TOKEN_REFUSALS.has(code) ? code : undefined;
}

export interface SocketModeOptions {
  appToken: string;
  apiUrl: string;
  logger: SlackLogger;
  retry: webApi.RetryOptions;
  timeoutMs: number;
}

export function socketModeReceiver(options: SocketModeOptions): SocketModeReceiver {
  return new SocketModeReceiver({
    appToken: options.appToken,
    logger: options.logger,
    // SocketModeLink reconnects: the SDK's own loop retries a refused token forever.
    autoReconnectEnabled: false,
    installerOptions: {
      // `apps.connections.open` goes where the rest of the Web API goes (SLACK_API_URL).
      clientOptions: {
        slackApiUrl: options.apiUrl,
        retryConfig: options.retry,
        timeout: options.timeoutMs,
      },
    },
  });
}

/** Waits before the next attempt: none after a link that worked, then 1 s, 2 s, 4 s… up to 30 s. */
export function reconnectDelayMs(failures: number): number {
  return failures === 0 ? 0 : Math.min(1000 * 2 ** (failures - 1), 30_000);
}

/**
 * Keeps the Socket Mode link open. Slack refreshes links every few hours (`disconnect` with
 * `refresh_requested`) and links can drop; each time, a new URL comes from `apps.connections.open`.
 * A token Slack refuses ends it: at start as a rejected `open`, later through `onRefused`.
 */
export class SocketModeLink {
  private stopping = false;
  private connected = false;
  private failures = 0;
  private timer: NodeJS.Timeout | undefined;
  /** Set while `open` waits for a retry to connect: the first connection settles it instead of `onRefused`. */
  private opening: { resolve: () => void; reject: (error: AppTokenRefused) => void } | undefined;
  private readonly client: SocketModeReceiver['client'];

  constructor(
    receiver: SocketModeReceiver,
    private readonly logger: Logger,
    private readonly onRefused: (error: AppTokenRefused) => void,
  ) {
    this.client = receiver.client;
    // `disconnecting` is emitted only when the app itself disconnects (shutdown).
    this.client.on('disconnecting', () => {
      this.stopping = true;
      clearTimeout(this.timer);
      this.opening?.resolve();
    });
    this.client.on('disconnected', () => {
      if (!this.connected || this.stopping) return;
      this.connected = false;
      this.logger.info('the Socket Mode link to Slack closed; reconnecting');
      this.schedule();
    });
  }

  /** The first connection; `start` is Bolt's app.start (which also opens the health port). */
  async open(start: () => Promise<unknown>): Promise<void> {
    try {
      await start();
      this.connected = true;
      return;
    } catch (error) {
      const refused = refusalOf(error);
      if (refused) throw new AppTokenRefused(refused, false);
      this.failed(error);
    }
    await new Promise<void>((resolve, reject) => {
      this.opening = { resolve, reject };
      this.schedule();
    }).finally(() => {
      this.opening = undefined;
    });
  }

  private schedule(): void {
    if (this.stopping) return;
    this.timer = setTimeout(() => void this.attempt(), reconnectDelayMs(this.failures));
  }

  private failed(error: unknown): void {
    this.failures += 1;
    this.logger.warn('could not connect to Slack in Socket Mode; trying again', {
      error,
      inMs: reconnectDelayMs(this.failures),
    });
  }

  private async attempt(): Promise<void> {
    this.timer = undefined;
    try {
      await this.client.start();
      if (this.stopping) {
        await this.client.disconnect();
        return;
      }
      this.connected = true;
      if (this.failures > 0) this.logger.info('connected to Slack in Socket Mode again');
      this.failures = 0;
      this.opening?.resolve();
    } catch (error) {
      if (this.stopping) return;
      const code = refusalOf(error);
      if (code) {
        this.stopping = true;
        if (this.opening) this.opening.reject(new AppTokenRefused(code, false));
        else this.onRefused(new AppTokenRefused(code, true));
        return;
      }
      this.failed(error);
      this.schedule();
    }
  }
}
