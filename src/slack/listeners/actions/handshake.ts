// The define-success handshake's buttons. Who may press each is decided from the payload's user, never the button.
import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import {
  agreementForPull,
  confirmAgreement,
  type HandshakeRefusal,
  mayConfirm,
  mayDefine,
  mayRepeat,
} from '../../../domain/agreements.js';
import { getPull } from '../../../domain/pulls.js';
import { defineModal, notQuiteModal, repeatModal } from '../../blocks/agreements.js';
import { handshakeRefusal, requesterNotReached } from '../../copy.js';
import { pushFrameOf, refreshManagerMessage, tellRequester } from '../../deliver.js';
import type { Deps } from '../../deps.js';
import { refreshHomes } from '../../home.js';
import { updateConfirmStep, updateRequesterStep } from '../../notify/handshake.js';
import { openView, tellActor } from '../reply.js';
import { saving } from '../saving.js';
import { parsePullAction } from './pull-action.js';

type Args = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

async function refuse(deps: Deps, args: Args, actorId: string, pullId: number, reason: HandshakeRefusal) {
  const pull = await getPull(deps.db, pullId);
  await tellActor(deps, args.client, args.respond, actorId, handshakeRefusal(reason, pull));
}

/** A button that opens one of the handshake's modals, once the domain says it is this person's step. */
function opensModal<T>(
  deps: Deps,
  allowed: (
    pullId: number,
    actorId: string,
  ) => Promise<{ ok: true; value: T } | { ok: false; reason: HandshakeRefusal }>,
  view: (value: T) => Promise<Parameters<typeof openView>[5]>,
) {
  return async (args: Args): Promise<void> => {
    await args.ack();
    const input = parsePullAction(args.body);
    if (!input?.payload.trigger_id) return;
    const actorId = input.payload.user.id;
    const result = await allowed(input.pullId, actorId);
    if (!result.ok) {
      await refuse(deps, args, actorId, input.pullId, result.reason);
      return;
    }
    await openView(
      deps,
      args.client,
      args.respond,
      actorId,
      input.payload.trigger_id,
      await view(result.value),
    );
  };
}

/** `Define success` on the manager's DM: the modal for what success looks like, by when, and the guardrails. */
export const defineSuccessAction = (deps: Deps) =>
  opensModal(
    deps,
    (pullId, actorId) => mayDefine(deps.db, pullId, actorId),
    async (pull) => defineModal(pull, await pushFrameOf(deps, pull)),
  );

/** `Repeat it back` on the requester's DM. */
export const repeatBackAction = (deps: Deps) =>
  opensModal(
    deps,
    (pullId, actorId) => mayRepeat(deps.db, pullId, actorId),
    async ({ pull, agreement }) => repeatModal(pull, agreement, await pushFrameOf(deps, pull)),
  );

/** `Not quite` on the manager's side-by-side: a note, then back to the requester. */
export const notQuiteAction = (deps: Deps) =>
  opensModal(
    deps,
    (pullId, actorId) => mayConfirm(deps.db, pullId, actorId),
    async ({ pull, agreement }) => notQuiteModal(pull, agreement),
  );

/** `That's it`: the agreement is kept and the pull resolved as agreed. Pressed again, nothing changes. */
export function thatsItAction(deps: Deps) {
  return async (args: Args): Promise<void> => {
    const { ack, body, client, respond } = args;
    await ack();
    const input = parsePullAction(body);
    if (!input) return;
    const actorId = input.payload.user.id;
    const saved = await saving(deps, 'an agreement', { pullId: input.pullId, actorId }, () =>
      confirmAgreement(deps.db, input.pullId, actorId, deps.clock()),
    );
    if (!saved.ok) {
      await tellActor(deps, client, respond, actorId, saved.message);
      return;
    }
    const result = saved.value;
    if (!result.ok) {
      // A second press by the manager (a double click, a retry): it was agreed and told once.
      const pull = await getPull(deps.db, input.pullId);
      if (pull?.managerId === actorId && (await agreementForPull(deps.db, input.pullId))?.stage === 'agreed')
        return;
      await refuse(deps, args, actorId, input.pullId, result.reason);
      return;
    }
    const { pull, agreement } = result.value;
    const [, , , told] = await Promise.all([
      updateConfirmStep(client, deps, pull, agreement),
      updateRequesterStep(client, deps, pull, agreement),
      refreshManagerMessage(client, deps, pull.id),
      tellRequester(client, deps, pull),
    ]);
    if (!told.ok)
      await tellActor(deps, client, respond, actorId, requesterNotReached(pull.requesterId, told.error));
    await refreshHomes(client, deps, [pull.managerId, pull.requesterId]);
  };
}
