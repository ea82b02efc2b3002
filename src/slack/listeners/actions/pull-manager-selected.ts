import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import { pullModal } from '../../blocks/pulls.js';
import type { Deps } from '../../deps.js';
import { pushOptionsFor } from '../../modals.js';
import { userId } from '../../payloads.js';

type Args = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

const schema = z.object({
  view: z.object({ id: z.string(), hash: z.string().optional(), private_metadata: z.string().optional() }),
  actions: z.array(z.object({ selected_user: userId.nullish() })).min(1),
});

/** Picking a manager in the pull form offers their current pushes as the "related push". */
export function managerSelectedAction(deps: Deps) {
  return async ({ ack, body, client }: Args): Promise<void> => {
    await ack();
    const parsed = schema.safeParse(body);
    if (!parsed.success) return;
    const managerId = parsed.data.actions[0]?.selected_user ?? undefined;
    // Slack keeps what was typed in inputs whose block and action ids are unchanged, so only the options move.
    await client.views.update({
      view_id: parsed.data.view.id,
      ...(parsed.data.view.hash ? { hash: parsed.data.view.hash } : {}),
      view: pullModal({
        managerId,
        pushOptions: await pushOptionsFor(deps, managerId),
        ...(parsed.data.view.private_metadata ? { privateMetadata: parsed.data.view.private_metadata } : {}),
      }),
    });
  };
}
