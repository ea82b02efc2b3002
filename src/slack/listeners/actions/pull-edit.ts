import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { mayEdit } from '../../../domain/pull-edits.js';
import { getPull } from '../../../domain/pulls.js';
import { editRefusal } from '../../copy.js';
import type { Deps } from '../../deps.js';
import { pullEditModalFor } from '../../modals.js';
import { openView, tellActor } from '../reply.js';
import { parsePullAction } from './pull-action.js';

type Args = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

/** Edit on the requester's confirmation, in `/pull list` or on Home: the pull form, holding the pull as it stands. */
export function editAction(deps: Deps) {
  return async ({ ack, body, client, respond }: Args): Promise<void> => {
    await ack();
    const input = parsePullAction(body);
    if (!input?.payload.trigger_id) return;
    // Who pressed is Slack's authenticated user; the pull id in the button only says which pull.
    const actorId = input.payload.user.id;
    const allowed = await mayEdit(deps.db, input.pullId, actorId);
    if (!allowed.ok) {
      const text = editRefusal(allowed.reason, await getPull(deps.db, input.pullId));
      await tellActor(deps, client, respond, actorId, text);
      return;
    }
    await openView(
      deps,
      client,
      respond,
      actorId,
      input.payload.trigger_id,
      await pullEditModalFor(deps, allowed.value),
    );
  };
}
