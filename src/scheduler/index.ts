// The node-cron tick: every few minutes, find who is due. The database, not memory, decides who has had what.
import type { webApi } from '@slack/bolt';
import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from '../logger.js';
import type { Deps } from '../slack/deps.js';
import { returnThoseBack } from '../slack/notify/away.js';
import { refreshStaleProfiles, sendDigests, sendOverdueReminders } from './digest.js';
import { FAN_OUT_TIMEOUT_MS, SlackPace } from './pace.js';

export const TICK = '*/5 * * * *';

/**
 * How long stop() waits for the tick: enough for the posts under way to be answered (each gives up
 * after the client's timeout), never for the managers still to come or a rate limit to pass.
 */
export const STOP_GRACE_MS = FAN_OUT_TIMEOUT_MS + 5_000;

export interface Scheduler {
  /** One tick now (what the cron runs). */
  tick(): Promise<void>;
  /**
   * One more tick as soon as the one under way (if any) is over: managers became free to retake (a dead
   * instance's leases ended), and the tick under way may have passed them already.
   */
  again(): void;
  /**
   * Stops between managers: posts under way finish, nobody else is started, rate-limit waits end and
   * their claims are given back, so the next tick or instance takes the rest. Bounded by STOP_GRACE_MS.
   */
  stop(): Promise<void>;
}

export function startScheduler(options: {
  deps: Deps;
  client: webApi.WebClient;
  logger: Logger;
  expression?: string;
  stopGraceMs?: number;
  /** The app's one pacer, when listeners share it (`pace.watch(app.client)`); else one of its own. */
  pace?: SlackPace;
}): Scheduler {
  const { deps, client, logger } = options;
  const pace = options.pace ?? new SlackPace(deps.config.slackPace);
  const stopping = new AbortController();
  let running: Promise<void> | undefined;
  let rerun = false;

  const tick = async () => {
    if (stopping.signal.aborted) return;
    if (running) return running;
    running = (async () => {
      try {
        const run = { deps, client, pace, signal: stopping.signal };
        // First whoever is back: their summary goes out, and a digest due today is theirs again.
        const returned = await returnThoseBack(client, deps);
        const sending = sendDigests(run);
        // Beside the fan-out, in users.info's own lane: no digest waits for a profile.
        const refreshing = refreshStaleProfiles(run).catch((error: unknown) => {
          logger.warn('could not refresh profiles this tick', { error });
          return 0;
        });
        const digests = await sending;
        const reminders = await sendOverdueReminders(run);
        const profiles = await refreshing;
        const { busyUntil: _, ...counts } = digests;
        if (
          digests.sent +
            digests.found +
            digests.failed +
            digests.unknown +
            digests.stopped +
            reminders +
            returned >
          0
        ) {
          logger.info('digest tick', { ...counts, reminders, returned, profiles, refusals: pace.refusals() });
        }
      } catch (error) {
        logger.error('digest tick failed', { error });
      } finally {
        running = undefined;
        if (rerun) {
          rerun = false;
          void tick();
        }
      }
    })();
    return running;
  };

  const task: ScheduledTask = cron.schedule(options.expression ?? TICK, () => tick(), {
    name: 'digest',
    noOverlap: true,
  });
  // Catch up at start: a restart after the digest time should not wait for the next tick.
  void tick();
  return {
    tick,
    again() {
      if (running) rerun = true;
      else void tick();
    },
    async stop() {
      stopping.abort();
      await task.stop();
      await task.destroy();
      const inFlight = running;
      if (!inFlight) return;
      let timer: NodeJS.Timeout | undefined;
      const gaveUp = await Promise.race([
        inFlight.then(() => false),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(true), options.stopGraceMs ?? STOP_GRACE_MS);
        }),
      ]);
      clearTimeout(timer);
      if (gaveUp) {
        logger.warn(
          'stopped without waiting for the digest tick; its claims are retaken once their lease runs out',
        );
      }
    },
  };
}
