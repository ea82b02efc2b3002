import type {
  AllMiddlewareArgs,
  GlobalShortcut,
  MessageShortcut,
  SlackShortcutMiddlewareArgs,
} from '@slack/bolt';
import { z } from 'zod';
import { recognitionModal } from '../../blocks/recognitions.js';
import { refreshProfile } from '../../deliver.js';
import type { Deps } from '../../deps.js';
import { globalShortcutSchema, userId } from '../../payloads.js';
import { fromSlack } from '../../text.js';
import { openView, tellActor } from '../reply.js';

type GlobalArgs = SlackShortcutMiddlewareArgs<GlobalShortcut> & AllMiddlewareArgs;
type MessageArgs = SlackShortcutMiddlewareArgs<MessageShortcut> & AllMiddlewareArgs;

/** Global shortcut "Recognize an advocate": the modal, empty. */
export function recognizeShortcut(deps: Deps) {
  return async ({ ack, body, client }: GlobalArgs): Promise<void> => {
    await ack();
    const parsed = globalShortcutSchema.safeParse(body);
    if (!parsed.success) return;
    const { user, trigger_id } = parsed.data;
    await openView(
      deps,
      client,
      undefined,
      user.id,
      trigger_id,
      recognitionModal({ recognitionChannel: deps.config.recognitionChannel }),
    );
  };
}

const messageShortcutSchema = z.object({
  user: z.object({ id: userId }),
  trigger_id: z.string().min(1),
  channel: z.object({ id: z.string().min(1) }),
  message_ts: z.string().min(1),
  message: z.object({
    user: userId.optional(),
    bot_id: z.string().optional(),
    text: z.string().optional().default(''),
  }),
});

/** Message shortcut "Recognize as advocate": the author is the advocate and the message is quoted. */
export function recognizeMessageShortcut(deps: Deps) {
  return async ({ ack, body, client, respond }: MessageArgs): Promise<void> => {
    await ack();
    const parsed = messageShortcutSchema.safeParse(body);
    if (!parsed.success) return;
    const { user, trigger_id, channel, message_ts, message } = parsed.data;
    if (!message.user || message.bot_id) {
      await tellActor(
        deps,
        client,
        respond,
        user.id,
        'That message came from an app, not a person. Recognize the people behind it instead.',
      );
      return;
    }
    if (message.user === user.id) {
      await tellActor(
        deps,
        client,
        respond,
        user.id,
        'That is your own message. Recognition is for the advocates who helped you.',
      );
      return;
    }
    const view = recognitionModal({
      advocateId: message.user,
      // A message's text is Slack mrkdwn: decoded here, once, like a command's.
      quotedText: fromSlack(message.text),
      source: { channel: channel.id, ts: message_ts },
      recognitionChannel: deps.config.recognitionChannel,
    });
    await openView(deps, client, respond, user.id, trigger_id, view);
    // Knowing whether the author is a bot before they submit lets the form refuse one.
    await refreshProfile(client, deps, message.user);
  };
}
