// What every button on a pull shares: reading which pull it is about, and telling the clicker why nothing happened.
import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { rowIdText } from '../../../domain/ids.js';
import { getPull, type StepRefusal } from '../../../domain/pulls.js';
import { stepRefusal } from '../../copy.js';
import type { Deps } from '../../deps.js';
import { blockActionSchema } from '../../payloads.js';
import { tellActor } from '../reply.js';

type Args = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

/** The button's payload and the pull id in its value, or undefined for a payload Slack would not send. */
export function parsePullAction(body: unknown) {
  const parsed = blockActionSchema.safeParse(body);
  if (!parsed.success) return undefined;
  const pullId = rowIdText.safeParse(parsed.data.actions[0]?.value);
  return pullId.success ? { payload: parsed.data, pullId: pullId.data } : undefined;
}

/** Tells whoever clicked why nothing happened, naming who may act on this pull. */
export async function refuseStep(
  deps: Deps,
  client: Args['client'],
  respond: Args['respond'],
  actorId: string,
  pullId: number,
  reason: StepRefusal,
): Promise<void> {
  await tellActor(deps, client, respond, actorId, stepRefusal(reason, await getPull(deps.db, pullId)));
}
