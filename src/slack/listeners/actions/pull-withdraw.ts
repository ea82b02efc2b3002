import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { withdrawPull } from '../../../domain/pulls.js';
import { requesterUpdate } from '../../blocks/pulls.js';
import { refreshManagerMessage } from '../../deliver.js';
import type { Deps } from '../../deps.js';
import { refreshHomes } from '../../home.js';
import { endHandshake } from '../../notify/handshake.js';
import { tellActor } from '../reply.js';
import { saving } from '../saving.js';
import { parsePullAction, refuseStep } from './pull-action.js';

type Args = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

/** The requester takes a pull back: the manager's DM says so, and nothing more is asked of them. */
export function withdrawAction(deps: Deps) {
  return async ({ ack, body, client, respond }: Args): Promise<void> => {
    await ack();
    const input = parsePullAction(body);
    if (!input) return;
    const actorId = input.payload.user.id;
    const saved = await saving(deps, 'a withdrawal', { pullId: input.pullId, actorId }, () =>
      withdrawPull(deps.db, input.pullId, actorId, deps.clock()),
    );
    if (!saved.ok) {
      await tellActor(deps, client, respond, actorId, saved.message);
      return;
    }
    const result = saved.value;
    if (!result.ok) {
      await refuseStep(deps, client, respond, actorId, input.pullId, result.reason);
      return;
    }
    const pull = result.value;
    const confirmation = requesterUpdate(pull);
    if (respond && input.payload.container?.type !== 'view') {
      try {
        await respond({
          replace_original: true,
          response_type: 'ephemeral',
          ...confirmation,
          blocks: confirmation.blocks as never,
        });
      } catch (error) {
        deps.logger.warn('could not replace the withdrawn pull message', { pullId: pull.id, error });
      }
    }
    await Promise.all([refreshManagerMessage(client, deps, pull.id), endHandshake(client, deps, pull)]);
    await refreshHomes(client, deps, [pull.managerId, pull.requesterId]);
  };
}
