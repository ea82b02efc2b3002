// Telling the person who clicked something that it could not be done, where they clicked it.
import type { RespondFn, webApi } from '@slack/bolt';
import type { ModalView } from '@slack/types';
import { directMessage, slackErrorCode } from '../deliver.js';
import type { Deps } from '../deps.js';

export async function tellActor(
  deps: Deps,
  client: webApi.WebClient,
  respond: RespondFn | undefined,
  userId: string,
  text: string,
): Promise<void> {
  if (respond) {
    try {
      await respond({ response_type: 'ephemeral', replace_original: false, text });
      return;
    } catch (error) {
      deps.logger.warn('could not reply through response_url', { userId, error });
    }
  }
  // The Home tab has no response_url: a DM is the only place left to say it.
  await directMessage(client, deps, userId, { text }, 'tell someone why their click did nothing');
}

/** An ephemeral reply for a slash command's ack or respond. */
export function ephemeral(message: { text: string; blocks?: unknown[] }) {
  return {
    response_type: 'ephemeral' as const,
    text: message.text,
    ...(message.blocks ? { blocks: message.blocks as never } : {}),
  };
}

/** Opens a modal; if Slack will not, the person is told why instead of seeing nothing happen. */
export async function openView(
  deps: Deps,
  client: webApi.WebClient,
  respond: RespondFn | undefined,
  userId: string,
  triggerId: string,
  view: ModalView,
): Promise<void> {
  try {
    await client.views.open({ trigger_id: triggerId, view });
  } catch (error) {
    const code = slackErrorCode(error);
    deps.logger.warn('could not open a modal', { userId, callbackId: view.callback_id, error: code });
    await tellActor(
      deps,
      client,
      respond,
      userId,
      `Sorry — Slack would not open the form just now (${code}). Please try again.`,
    );
  }
}
