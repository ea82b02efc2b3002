import type { AllMiddlewareArgs, GlobalShortcut, SlackShortcutMiddlewareArgs } from '@slack/bolt';
import type { Deps } from '../../deps.js';
import { pullModalFor } from '../../modals.js';
import { globalShortcutSchema } from '../../payloads.js';
import { openView } from '../reply.js';

type Args = SlackShortcutMiddlewareArgs<GlobalShortcut> & AllMiddlewareArgs;

/** Global shortcut "Pull in my manager". */
export function pullInShortcut(deps: Deps) {
  return async ({ ack, body, client }: Args): Promise<void> => {
    await ack();
    const parsed = globalShortcutSchema.safeParse(body);
    if (!parsed.success) return;
    const { user, trigger_id } = parsed.data;
    await openView(deps, client, undefined, user.id, trigger_id, await pullModalFor(deps, user.id));
  };
}
