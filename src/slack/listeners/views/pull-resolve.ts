import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { z } from 'zod';
import { rowId } from '../../../domain/ids.js';
import { getPull, resolutionSchema, resolvePull } from '../../../domain/pulls.js';
import { createOnce } from '../../../domain/requests.js';
import { RESOLVE_FORM } from '../../blocks/pulls.js';
import { requesterNotReached, SOMETHING_WENT_WRONG, stepRefusal } from '../../copy.js';
import { directMessage, refreshManagerMessage, tellRequester } from '../../deliver.js';
import type { Deps } from '../../deps.js';
import { refreshHomes } from '../../home.js';
import { endHandshake } from '../../notify/handshake.js';
import { submissionKeyOf, submissionWithMetadata, textValue } from '../../payloads.js';
import { saving } from '../saving.js';

type Args = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

const metadataSchema = z.object({ pullId: rowId, resolution: resolutionSchema });

/** The manager's answer. Who may answer is decided from the submitting user, never from the metadata. */
export function pullResolveView(deps: Deps) {
  return async ({ ack, body, client }: Args): Promise<void> => {
    const input = submissionWithMetadata(body, metadataSchema);
    if (!input) {
      await ack({ response_action: 'errors', errors: { [RESOLVE_FORM.note]: SOMETHING_WENT_WRONG } });
      return;
    }
    const { submission, metadata } = input;
    const note = textValue(submission.view.state.values, RESOLVE_FORM.note);
    // Submitted twice, the answer is stored and told once; the repeat is answered as the first was.
    const now = deps.clock();
    const saved = await saving(
      deps,
      'an answer',
      { pullId: metadata.pullId, actorId: submission.user.id },
      () =>
        createOnce(deps.db, submissionKeyOf(submission), now, (tx) =>
          resolvePull(tx, metadata.pullId, submission.user.id, metadata.resolution, note, now),
        ),
    );
    if (!saved.ok) {
      await ack({ response_action: 'errors', errors: { [RESOLVE_FORM.note]: saved.message } });
      return;
    }
    const result = saved.value;
    if (!result.ok) {
      await ack({
        response_action: 'errors',
        errors: { [RESOLVE_FORM.note]: stepRefusal(result.reason, await getPull(deps.db, metadata.pullId)) },
      });
      return;
    }
    await ack();
    if (result.value.replay) return;
    const pull = result.value.value;
    const [, told] = await Promise.all([
      refreshManagerMessage(client, deps, pull.id),
      tellRequester(client, deps, pull),
      endHandshake(client, deps, pull),
    ]);
    if (!told.ok) {
      await directMessage(client, deps, pull.managerId, {
        text: requesterNotReached(pull.requesterId, told.error),
      });
    }
    await refreshHomes(client, deps, [pull.managerId, pull.requesterId]);
  };
}
