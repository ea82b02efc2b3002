// Start: config → database (migrate) → Slack app → scheduler → signals.
import { createPushpullApp } from './app.js';
import type { Config } from './config.js';
import { BUSY_TIMEOUT_MS } from './db/busy.js';
import { boltLogger, type Logger } from './logger.js';
import { configFromEnvironment, loggerFor, openMigrated, StartupError } from './runtime.js';
import { type Scheduler, startScheduler } from './scheduler/index.js';
import { InstanceHeartbeat } from './scheduler/instances.js';
import { fanOutClient, SlackPace } from './scheduler/pace.js';
import { AppTokenRefused } from './socket-mode.js';

/** Runs the bot. A problem an operator can fix rejects with a ConfigError, DatabaseError or StartupError. */
export async function start(config: Config = configFromEnvironment()): Promise<void> {
  const logger = loggerFor(config);
  keepServingThroughStrayErrors(logger);
  const store = await openMigrated(config, logger, {
    busyTimeoutMs: BUSY_TIMEOUT_MS,
    backgroundCheckpoints: true,
  });
  // Declared before anything that can call shutdown: Slack may refuse the app token while the rest still starts.
  let stopping = false;
  let scheduler: Scheduler | undefined;
  let instance: InstanceHeartbeat | undefined;
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
    await store.close();
    throw error instanceof AppTokenRefused ? new StartupError(error.message) : error;
  }
  const client = fanOutClient(
    config.slack.botToken,
    config.slack.apiUrl,
    boltLogger(logger.child({ source: 'digest' }), config.logLevel),
  );
  // One pacer for the process: the fan-out's lanes also hear the 429s Slack gives the listeners' client.
  const pace = new SlackPace(config.slackPace);
  pace.watch(pushpull.client);
  // Every instance on this database beats in the instances table; those sending split Slack's budget.
  const heartbeat = new InstanceHeartbeat(store.db, logger.child({ source: 'heartbeat' }), () =>
    scheduler?.again(),
  );
  instance = heartbeat;
  try {
    await heartbeat.start();
  } catch (error) {
    await pushpull.stop();
    await store.close();
    throw new StartupError(`cannot write this instance's heartbeat to the database: ${String(error)}`);
  }
  pace.shareWith(heartbeat);
  if (!stopping) scheduler = startScheduler({ deps: pushpull.deps, client, logger, pace });

  async function shutdown(signal: string, exitCode = 0): Promise<void> {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down: no new requests, finishing what is in flight', {
      signal,
      inFlight: pushpull.inflight.size,
    });
    try {
      await scheduler?.stop();
      await instance?.stop();
      await pushpull.stop();
      await store.close();
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

/**
 * The last resort. A rejection nobody handled is a bug, but not a reason to stop answering Slack: it is
 * logged and the process keeps serving. An uncaught exception leaves the process in an unknown state, so it
 * is logged and the process ends with code 1 for its supervisor to restart.
 */
function keepServingThroughStrayErrors(logger: Logger): void {
  process.on('unhandledRejection', (reason) => {
    logger.error('a promise failed and nothing handled it; still serving', {
      error: reason instanceof Error ? reason : String(reason),
    });
  });
  process.on('uncaughtException', (error, origin) => {
    logger.error('an uncaught exception; stopping so a clean process can take over', { error, origin });
    process.exit(1);
  });
}
