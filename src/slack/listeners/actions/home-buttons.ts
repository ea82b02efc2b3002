import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { pushModal } from '../../blocks/pushes.js';
import type { Deps } from '../../deps.js';
import { openPullModal, quarterNow } from '../../modals.js';
import { blockActionSchema } from '../../payloads.js';

type Args = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

/** "Pull someone in" on the Home tab. */
export function homePullInAction(deps: Deps) {
  return async ({ ack, body, client }: Args): Promise<void> => {
    await ack();
    const parsed = blockActionSchema.safeParse(body);
    if (!parsed.success || !parsed.data.trigger_id) return;
    await openPullModal(client, deps, parsed.data.trigger_id, parsed.data.user.id);
  };
}

/** "Add a push" on the Home tab. */
export function homePushAddAction(deps: Deps) {
  return async ({ ack, body, client }: Args): Promise<void> => {
    await ack();
    const parsed = blockActionSchema.safeParse(body);
    if (!parsed.success || !parsed.data.trigger_id) return;
    await client.views.open({
      trigger_id: parsed.data.trigger_id,
      view: pushModal({ managerId: parsed.data.user.id, quarterLabel: quarterNow(deps).label }),
    });
  };
}
