// Start: config → database (migrate) → Slack app → scheduler → signals.
import { createPushpullApp } from './app.js';
import type { Config } from './config.js';
import { boltLogger } from './logger.js';
import { configFromEnvironment, loggerFor, openMigrated } from './runtime.js';
import { startScheduler } from './scheduler/index.js';
import { fanOutClient } from './scheduler/pace.js';

/** Runs the bot. A problem an operator can fix rejects with a ConfigError, DatabaseError or StartupError. */
export async function start(config: Config = configFromEnvironment()): Promise<void> {
  const logger = loggerFor(config);
  const store = openMigrated(config, logger);
  const pushpull = createPushpullApp({ config, store, logger });
  try {
    await pushpull.start();
  } catch (error) {
    store.close();
    throw error;
  }
  const client = fanOutClient(
    config.slack.botToken,
    config.slack.apiUrl,
    boltLogger(logger.child({ source: 'digest' }), config.logLevel),
  );
  const scheduler = startScheduler({ deps: pushpull.deps, client, logger });

  let stopping = false;
  const shutdown = async (signal: string) => {
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
      process.exit(0);
    } catch (error) {
      logger.error('shutdown failed', { error });
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}
