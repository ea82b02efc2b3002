import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import { recordHomeOpened } from '../../../domain/members.js';
import { saveAfterAck } from '../../deliver.js';
import type { Deps } from '../../deps.js';
import { publishHome } from '../../home.js';
import { userId } from '../../payloads.js';

type Args = SlackEventMiddlewareArgs<'app_home_opened'> & AllMiddlewareArgs;

export function appHomeOpened(deps: Deps) {
  return async ({ event, client, context }: Args): Promise<void> => {
    if (event.tab !== 'home') return;
    const user = userId.safeParse(event.user);
    if (!user.success) return;
    // Remembering the visit only decides later refreshes; the Home tab is published whatever happens to it.
    await saveAfterAck(deps, 'that the Home tab was opened', { userId: user.data }, () =>
      recordHomeOpened(deps.db, user.data, context.teamId, deps.clock()),
    );
    await publishHome(client, deps, user.data);
  };
}
