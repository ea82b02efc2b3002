// The node-cron tick. The digest issue fills in what each tick does.
import type { webApi } from '@slack/bolt';
import type { Logger } from '../logger.js';
import type { Deps } from '../slack/deps.js';

export interface Scheduler {
  stop(): Promise<void>;
}

export function startScheduler(_options: {
  deps: Deps;
  client: webApi.WebClient;
  logger: Logger;
}): Scheduler {
  return { stop: async () => {} };
}
