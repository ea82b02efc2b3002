// A modal dismissed with Cancel or ×. No Pushpull modal asks for this (none sets notify_on_close), but a
// view_closed left unanswered makes Bolt's receiver wait 3 s and answer 404, so any that arrives is acknowledged.
import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewClosedAction } from '@slack/bolt';
import type { Deps } from '../../deps.js';

type Args = SlackViewMiddlewareArgs<ViewClosedAction> & AllMiddlewareArgs;

/** Nothing is kept while a modal is open, so closing one leaves nothing to undo. */
export function viewClosed(deps: Deps) {
  return async ({ ack, body }: Args): Promise<void> => {
    await ack();
    deps.logger.debug('a modal was closed', { callbackId: body.view.callback_id, user: body.user.id });
  };
}
