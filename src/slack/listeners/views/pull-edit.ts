import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { PULL_KINDS } from '../../../db/schema.js';
import { type EditRefusal, editPull } from '../../../domain/pull-edits.js';
import { getPull } from '../../../domain/pulls.js';
import { createOnce } from '../../../domain/requests.js';
import { PULL_FORM, pullEditedNotice } from '../../blocks/pulls.js';
import { editRefusal, SOMETHING_WENT_WRONG } from '../../copy.js';
import { directMessage, refreshManagerMessage } from '../../deliver.js';
import type { Deps } from '../../deps.js';
import { refreshHomes } from '../../home.js';
import {
  editMetadataSchema,
  keptMarkup,
  selectedDate,
  selectedOption,
  selectedRowId,
  submissionKeyOf,
  submissionWithMetadata,
  textValue,
} from '../../payloads.js';
import { typedLength } from '../../text.js';
import { saving } from '../saving.js';

type Args = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

const FIELD_OF: Partial<Record<EditRefusal, string>> = {
  'context-too-long': PULL_FORM.context,
  'push-elsewhere': PULL_FORM.push,
};

/**
 * The edit form sent back. Whoever submits must be the pull's requester (Slack's authenticated user, whatever
 * the metadata names), and the pull must still be waiting: otherwise nothing changes and the form says why.
 */
export function pullEditView(deps: Deps) {
  return async ({ ack, body, client }: Args): Promise<void> => {
    const parsed = submissionWithMetadata(body, editMetadataSchema);
    if (!parsed) {
      await ack({ response_action: 'errors', errors: { [PULL_FORM.need]: SOMETHING_WENT_WRONG } });
      return;
    }
    const { submission, metadata } = parsed;
    const userId = submission.user.id;
    const values = submission.view.state.values;
    const keep = keptMarkup(submission.view.private_metadata);
    const need = textValue(values, PULL_FORM.need, keep) ?? '';
    const kindValue = selectedOption(values, PULL_FORM.kind);
    const now = deps.clock();
    // The same submission twice (a double click, a replay) is applied once; the second finds the first.
    const saved = await saving(deps, 'a pull edit', { pullId: metadata.pullId, userId }, () =>
      createOnce(deps.db, submissionKeyOf(submission), now, (tx) =>
        editPull(
          tx,
          metadata.pullId,
          userId,
          {
            need,
            kind: PULL_KINDS.find((k) => k === kindValue) ?? 'decision',
            context: textValue(values, PULL_FORM.context, keep),
            neededBy: selectedDate(values, PULL_FORM.neededBy),
            pushId: selectedRowId(values, PULL_FORM.push),
          },
          now,
        ),
      ),
    );
    if (!saved.ok) {
      await ack({ response_action: 'errors', errors: { [PULL_FORM.need]: saved.message } });
      return;
    }
    const result = saved.value;
    if (!result.ok) {
      const field = FIELD_OF[result.reason] ?? PULL_FORM.need;
      const message = editRefusal(result.reason, await getPull(deps.db, metadata.pullId), typedLength(need));
      await ack({ response_action: 'errors', errors: { [field]: message } });
      return;
    }
    await ack();
    if (result.value.replay || result.value.value.changed.length === 0) return;
    const { pull, changed } = result.value.value;
    await refreshManagerMessage(client, deps, pull.id);
    await directMessage(
      client,
      deps,
      pull.managerId,
      pullEditedNotice(pull, changed),
      'tell a manager what changed in a pull',
    );
    await refreshHomes(client, deps, [pull.requesterId, pull.managerId]);
  };
}
