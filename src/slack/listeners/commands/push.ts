import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import type { Deps } from '../../deps.js';

type Args = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

export function pushCommand(_deps: Deps) {
  return async ({ ack }: Args): Promise<void> => {
    await ack();
  };
}
