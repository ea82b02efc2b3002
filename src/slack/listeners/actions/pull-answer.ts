import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { type Answer, acknowledgePull, mayAnswer } from '../../../domain/pulls.js';
import { resolveModal } from '../../blocks/pulls.js';
import { requesterNotReached } from '../../copy.js';
import { refreshManagerMessage, tellRequester } from '../../deliver.js';
import type { Deps } from '../../deps.js';
import { refreshHomes } from '../../home.js';
import { openView, tellActor } from '../reply.js';
import { saving } from '../saving.js';
import { parsePullAction, refuseStep } from './pull-action.js';

type Args = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

/** `Acknowledge`: the manager has seen it; the requester hears so, and the DM shows it. */
export function acknowledgeAction(deps: Deps) {
  return async ({ ack, body, client, respond }: Args): Promise<void> => {
    await ack();
    const input = parsePullAction(body);
    if (!input) return;
    const actorId = input.payload.user.id;
    const saved = await saving(deps, 'an acknowledgement', { pullId: input.pullId, actorId }, () =>
      acknowledgePull(deps.db, input.pullId, actorId, deps.clock()),
    );
    if (!saved.ok) {
      await tellActor(deps, client, respond, actorId, saved.message);
      return;
    }
    const result = saved.value;
    if (!result.ok && result.reason === 'already-acknowledged') return; // pressed again: they were told once
    if (!result.ok) {
      await refuseStep(deps, client, respond, actorId, input.pullId, result.reason);
      return;
    }
    const pull = result.value;
    const [, told] = await Promise.all([
      refreshManagerMessage(client, deps, pull.id),
      tellRequester(client, deps, pull),
    ]);
    if (!told.ok)
      await tellActor(deps, client, respond, actorId, requesterNotReached(pull.requesterId, told.error));
    await refreshHomes(client, deps, [pull.managerId, pull.requesterId]);
  };
}

/** `Your call`, `Input`, `Decision`, `Let's talk`: each opens a short modal for the note, required or not. */
export function answerAction(deps: Deps, resolution: Answer) {
  return async ({ ack, body, client, respond }: Args): Promise<void> => {
    await ack();
    const input = parsePullAction(body);
    if (!input?.payload.trigger_id) return;
    const actorId = input.payload.user.id;
    const allowed = await mayAnswer(deps.db, input.pullId, actorId, resolution);
    if (!allowed.ok) {
      await refuseStep(deps, client, respond, actorId, input.pullId, allowed.reason);
      return;
    }
    await openView(
      deps,
      client,
      respond,
      actorId,
      input.payload.trigger_id,
      resolveModal(allowed.value, resolution),
    );
  };
}
