import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { PULL_KINDS } from '../../../db/schema.js';
import { ensureMember, getMember } from '../../../domain/members.js';
import { openPull } from '../../../domain/pulls.js';
import { getPush } from '../../../domain/pushes.js';
import { createOnce } from '../../../domain/requests.js';
import { PULL_FORM, pullConfirmation } from '../../blocks/pulls.js';
import { managerNotReached, openPullRefusal, SOMETHING_WENT_WRONG } from '../../copy.js';
import { afterAcks, directMessage, pushFrameOf, refreshProfile, sendPullToManager } from '../../deliver.js';
import type { Deps } from '../../deps.js';
import { refreshHomes } from '../../home.js';
import { confirmationFor } from '../../notify/away.js';
import {
  keptMarkup,
  selectedDate,
  selectedOption,
  selectedRowId,
  selectedUser,
  submissionKeyOf,
  textValue,
  viewSubmissionSchema,
} from '../../payloads.js';
import { typedLength } from '../../text.js';
import { saving } from '../saving.js';

type Args = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

/** The pull form: every field checked, errors shown on the field, nothing stored unless all of it is right. */
export function pullCreateView(deps: Deps) {
  return async ({ ack, body, client }: Args): Promise<void> => {
    const parsed = viewSubmissionSchema.safeParse(body);
    if (!parsed.success) {
      await ack({ response_action: 'errors', errors: { [PULL_FORM.need]: SOMETHING_WENT_WRONG } });
      return;
    }
    const userId = parsed.data.user.id;
    const teamId = parsed.data.team?.id ?? parsed.data.user.team_id;
    const values = parsed.data.view.state.values;
    const managerId = selectedUser(values, PULL_FORM.manager);
    // A request prefilled from `/pull …` keeps its mentions and links when sent back as it was.
    const need = textValue(values, PULL_FORM.need, keptMarkup(parsed.data.view.private_metadata)) ?? '';
    const kindValue = selectedOption(values, PULL_FORM.kind);
    const kind = PULL_KINDS.find((k) => k === kindValue) ?? 'decision';
    const pushId = selectedRowId(values, PULL_FORM.push);
    const push = pushId === undefined ? undefined : await getPush(deps.db, pushId);

    const errors: Record<string, string> = {};
    if (!managerId) errors[PULL_FORM.manager] = 'Choose who you are pulling in.';
    else if (managerId === userId) errors[PULL_FORM.manager] = openPullRefusal('self');
    else if ((await getMember(deps.db, managerId))?.isBot) errors[PULL_FORM.manager] = openPullRefusal('bot');
    if (need.trim() === '') errors[PULL_FORM.need] = openPullRefusal('need-empty');
    if (push && push.managerId !== managerId)
      errors[PULL_FORM.push] = 'That push belongs to someone else — pick one of theirs.';
    if (!managerId || Object.keys(errors).length > 0) {
      await ack({ response_action: 'errors', errors });
      return;
    }
    const now = deps.clock();
    // The same submission twice (a double click, a replay) finds the first pull and creates nothing.
    const saved = await saving(deps, 'a new pull', { requesterId: userId, managerId }, async () => {
      await ensureMember(deps.db, userId, teamId, now);
      return createOnce(deps.db, submissionKeyOf(parsed.data), now, (tx) =>
        openPull(
          tx,
          {
            teamId,
            requesterId: userId,
            managerId,
            need,
            context: textValue(values, PULL_FORM.context),
            kind,
            neededBy: selectedDate(values, PULL_FORM.neededBy),
            pushId: push?.id,
          },
          now,
          { dmOnItsWay: true },
        ),
      );
    });
    if (!saved.ok) {
      await ack({ response_action: 'errors', errors: { [PULL_FORM.need]: saved.message } });
      return;
    }
    const result = saved.value;
    if (!result.ok) {
      const field =
        result.reason === 'context-too-long'
          ? PULL_FORM.context
          : result.reason === 'self' || result.reason === 'bot'
            ? PULL_FORM.manager
            : PULL_FORM.need;
      await ack({
        response_action: 'errors',
        errors: { [field]: openPullRefusal(result.reason, typedLength(need)) },
      });
      return;
    }
    await ack();
    if (result.value.replay) return;
    const pull = result.value.value;
    await afterAcks();
    await refreshProfile(client, deps, managerId);
    const delivered = await sendPullToManager(client, deps, pull);
    const warning = delivered.ok ? undefined : managerNotReached(managerId, delivered);
    await directMessage(
      client,
      deps,
      userId,
      await confirmationFor(deps, pull, pullConfirmation(pull, warning, await pushFrameOf(deps, pull))),
      'confirm a pull to its requester',
    );
    await refreshHomes(client, deps, [userId, managerId]);
  };
}
