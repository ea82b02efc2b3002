import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { pushModal } from '../../blocks/pushes.js';
import type { Deps } from '../../deps.js';
import { quarterFor } from '../../local-time.js';
import { pullModalFor } from '../../modals.js';
import { blockActionSchema } from '../../payloads.js';
import { openView } from '../reply.js';

type Args = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

/** "Pull someone in" on the Home tab. */
export function homePullInAction(deps: Deps) {
  return async ({ ack, body, client }: Args): Promise<void> => {
    await ack();
    const parsed = blockActionSchema.safeParse(body);
    if (!parsed.success || !parsed.data.trigger_id) return;
    const { user, trigger_id } = parsed.data;
    await openView(deps, client, undefined, user.id, trigger_id, await pullModalFor(deps, user.id));
  };
}

/** "Add a push" on the Home tab. */
export function homePushAddAction(deps: Deps) {
  return async ({ ack, body, client }: Args): Promise<void> => {
    await ack();
    const parsed = blockActionSchema.safeParse(body);
    if (!parsed.success || !parsed.data.trigger_id) return;
    const { user, trigger_id } = parsed.data;
    await openView(
      deps,
      client,
      undefined,
      user.id,
      trigger_id,
      pushModal({ managerId: user.id, quarterLabel: (await quarterFor(deps, user.id)).label }),
    );
  };
}
