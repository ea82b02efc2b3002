import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { passToDeputy } from '../../../domain/away.js';
import { passRefusal } from '../../copy.js';
import type { Deps } from '../../deps.js';
import { sentOnToDeputy } from '../../notify/away.js';
import { tellActor } from '../reply.js';
import { saving } from '../saving.js';
import { parsePullAction } from './pull-action.js';

type Args = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

/** The requester sends a pull to the away manager's deputy; who may is the domain's call, from the clicker's id. */
export function passToDeputyAction(deps: Deps) {
  return async ({ ack, body, client, respond }: Args): Promise<void> => {
    await ack();
    const input = parsePullAction(body);
    if (!input) return;
    const actorId = input.payload.user.id;
    const saved = await saving(deps, 'a pull sent on to a deputy', { pullId: input.pullId, actorId }, () =>
      passToDeputy(deps.db, input.pullId, actorId, deps.clock(), deps.config.defaultTimezone),
    );
    if (!saved.ok) {
      await tellActor(deps, client, respond, actorId, saved.message);
      return;
    }
    const result = saved.value;
    if (!result.ok) {
      await tellActor(deps, client, respond, actorId, passRefusal(result.reason));
      return;
    }
    const message = await sentOnToDeputy(client, deps, result.value);
    try {
      await respond({
        replace_original: true,
        response_type: 'ephemeral',
        ...message,
        blocks: message.blocks as never,
      });
    } catch (error) {
      deps.logger.warn('could not replace the away notice', { pullId: input.pullId, error });
    }
  };
}
