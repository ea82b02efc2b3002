// The node-cron tick: every few minutes, find who is due. The database, not memory, decides who has had what.
import type { webApi } from '@slack/bolt';
import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from '../logger.js';
import type { Deps } from '../slack/deps.js';
import { sendDigests, sendOverdueReminders } from './digest.js';
import { SlackPace } from './pace.js';

export const TICK = '*/5 * * * *';

export interface Scheduler {
  /** One tick now (what the cron runs). */
  tick(): Promise<void>;
  stop(): Promise<void>;
}

export function startScheduler(options: {
  deps: Deps;
  client: webApi.WebClient;
  logger: Logger;
  expression?: string;
}): Scheduler {
  const { deps, client, logger } = options;
  const pace = new SlackPace();
  let running: Promise<void> | undefined;

  const tick = async () => {
    if (running) return running;
    running = (async () => {
      try {
        const digests = await sendDigests({ deps, client, pace });
        const reminders = await sendOverdueReminders({ deps, client, pace });
        if (digests.sent + digests.failed + reminders > 0) {
          logger.info('digest tick', { ...digests, reminders });
        }
      } catch (error) {
        logger.error('digest tick failed', { error });
      } finally {
        running = undefined;
      }
    })();
    return running;
  };

  const task: ScheduledTask = cron.schedule(options.expression ?? TICK, () => tick(), {
    name: 'digest',
    noOverlap: true,
  });
  // Catch up at start: a restart on digest day should not wait for the next tick.
  void tick();
  return {
    tick,
    async stop() {
      await task.stop();
      await task.destroy();
      await running;
    },
  };
}
