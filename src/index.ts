// Start: config → database (migrate) → Slack app → scheduler → signals.
import { createPushpullApp } from './app.js';
import type { Config } from './config.js';
import { BUSY_TIMEOUT_MS } from './db/busy.js';
import { boltLogger } from './logger.js';
import { configFromEnvironment, loggerFor, openMigrated, StartupError } from './runtime.js';
import { startScheduler } from './scheduler/index.js';
import { fanOutClient } from './scheduler/pace.js';
import { AppTokenRefused } from './socket-mode.js';

/** Runs the bot. A problem an operator can fix rejects with a ConfigError, DatabaseError or StartupError. */
export async function start(config: Config = configFromEnvironment()): Promise<void> {
  const logger = loggerFor(config);
  const store = openMigrated(config, logger, { busyTimeoutMs: BUSY_TIMEOUT_MS });
  const pushpull = createPushpullApp({
    config,
    store,
    logger,
    onAppTokenRefused: (error) => {
      console.error(error.message);
      void shutdown('app token refused', 1);
    },
  });
  try {
    await pushpull.start();
  } catch (error) {
    store.close();
    throw error instanceof AppTokenRefused ? new StartupError(error.message) : error;
  }
  const client = fanOutClient(
    config.slack.botToken,
    config.slack.apiUrl,
    boltLogger(logger.child({ source: 'digest' }), config.logLevel),
  );
  const scheduler = startScheduler({ deps: pushpull.deps, client, logger });

  let stopping = false;
  async function shutdown(signal: string, exitCode = 0): Promise<void> {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down: no new requests, finishing what is in flight', {
      signal,
      inFlight: pushpull.inflight.size,
    });
    try {
      await scheduler.stop();
      await pushpull.stop();
      store.close();
      logger.info('stopped cleanly');
      process.exit(exitCode);
    } catch (error) {
      logger.error('shutdown failed', { error });
      process.exit(1);
    }
  }
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}
