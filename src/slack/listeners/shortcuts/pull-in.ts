import type { AllMiddlewareArgs, GlobalShortcut, SlackShortcutMiddlewareArgs } from '@slack/bolt';
import type { Deps } from '../../deps.js';
import { openPullModal } from '../../modals.js';
import { globalShortcutSchema } from '../../payloads.js';

type Args = SlackShortcutMiddlewareArgs<GlobalShortcut> & AllMiddlewareArgs;

/** Global shortcut "Pull in my manager". */
export function pullInShortcut(deps: Deps) {
  return async ({ ack, body, client }: Args): Promise<void> => {
    await ack();
    const parsed = globalShortcutSchema.safeParse(body);
    if (!parsed.success) return;
    await openPullModal(client, deps, parsed.data.trigger_id, parsed.data.user.id);
  };
}
