import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { rowIdText } from '../../../domain/ids.js';
import { getPush, mayUpdatePush } from '../../../domain/pushes.js';
import { pushUpdateModal } from '../../blocks/pushes.js';
import { pushStepRefusal } from '../../copy.js';
import type { Deps } from '../../deps.js';
import { blockActionSchema } from '../../payloads.js';
import { openView, tellActor } from '../reply.js';

type Args = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

/** "Update" next to a push on the Home tab. */
export function pushUpdateOpenAction(deps: Deps) {
  return async ({ ack, body, client, respond }: Args): Promise<void> => {
    await ack();
    const parsed = blockActionSchema.safeParse(body);
    const pushId = rowIdText.safeParse(parsed.data?.actions[0]?.value);
    if (!parsed.success || !pushId.success || !parsed.data.trigger_id) return;
    const push = await getPush(deps.db, pushId.data);
    const refusal = mayUpdatePush(push, parsed.data.user.id);
    if (refusal || !push) {
      await tellActor(deps, client, respond, parsed.data.user.id, pushStepRefusal(refusal ?? 'not-found'));
      return;
    }
    await openView(deps, client, respond, parsed.data.user.id, parsed.data.trigger_id, pushUpdateModal(push));
  };
}
