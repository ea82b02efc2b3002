import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { z } from 'zod';
import { rowId } from '../../../domain/ids.js';
import { OPEN_STATUSES, updatePush } from '../../../domain/pushes.js';
import { createOnce } from '../../../domain/requests.js';
import { PUSH_UPDATE_FORM } from '../../blocks/pushes.js';
import { pushStepRefusal, SOMETHING_WENT_WRONG } from '../../copy.js';
import type { Deps } from '../../deps.js';
import { selectedOption, submissionKeyOf, submissionWithMetadata, textValue } from '../../payloads.js';
import { announcePushUpdate } from '../../pushes.js';
import { saving } from '../saving.js';

type Args = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

const metadataSchema = z.object({ pushId: rowId });
const statusSchema = z.enum(OPEN_STATUSES);

/** A status update. Manager or owner only, decided from the submitting user. */
export function pushUpdateView(deps: Deps) {
  return async ({ ack, body, client }: Args): Promise<void> => {
    const input = submissionWithMetadata(body, metadataSchema);
    if (!input) {
      await ack({ response_action: 'errors', errors: { [PUSH_UPDATE_FORM.note]: SOMETHING_WENT_WRONG } });
      return;
    }
    const { submission, metadata } = input;
    const values = submission.view.state.values;
    const status = statusSchema.safeParse(selectedOption(values, PUSH_UPDATE_FORM.status));
    if (!status.success) {
      await ack({
        response_action: 'errors',
        errors: { [PUSH_UPDATE_FORM.status]: 'Pick a status: on track, at risk or off track.' },
      });
      return;
    }
    const note = textValue(values, PUSH_UPDATE_FORM.note);
    const actorId = submission.user.id;
    // The same submission twice records one update and tells people once.
    const now = deps.clock();
    const saved = await saving(deps, 'a push update', { pushId: metadata.pushId, actorId }, () =>
      createOnce(deps.db, submissionKeyOf(submission), now, (tx) =>
        updatePush(tx, metadata.pushId, actorId, status.data, note, now),
      ),
    );
    if (!saved.ok) {
      await ack({ response_action: 'errors', errors: { [PUSH_UPDATE_FORM.note]: saved.message } });
      return;
    }
    const result = saved.value;
    if (!result.ok) {
      await ack({
        response_action: 'errors',
        errors: { [PUSH_UPDATE_FORM.note]: pushStepRefusal(result.reason) },
      });
      return;
    }
    await ack();
    if (result.value.replay) return;
    await announcePushUpdate(client, deps, result.value.value, {
      authorId: actorId,
      note: note?.trim() || null,
    });
  };
}
