import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { ensureMember, getMember } from '../../../domain/members.js';
import { addPush } from '../../../domain/pushes.js';
import { createOnce } from '../../../domain/requests.js';
import { PUSH_FORM } from '../../blocks/pushes.js';
import { addPushRefusal, SOMETHING_WENT_WRONG } from '../../copy.js';
import type { Deps } from '../../deps.js';
import { quarterFor } from '../../local-time.js';
import { selectedUser, submissionKeyOf, textValue, viewSubmissionSchema } from '../../payloads.js';
import { announcePush } from '../../pushes.js';
import { typedLength } from '../../text.js';
import { saving } from '../saving.js';

type Args = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

/** The three-A's push form. The limit is checked again here: the list may have filled since the form opened. */
export function pushCreateView(deps: Deps) {
  return async ({ ack, body, client }: Args): Promise<void> => {
    const parsed = viewSubmissionSchema.safeParse(body);
    if (!parsed.success) {
      await ack({ response_action: 'errors', errors: { [PUSH_FORM.title]: SOMETHING_WENT_WRONG } });
      return;
    }
    const managerId = parsed.data.user.id;
    const teamId = parsed.data.team?.id ?? parsed.data.user.team_id;
    const values = parsed.data.view.state.values;
    const title = textValue(values, PUSH_FORM.title) ?? '';
    const ownerId = selectedUser(values, PUSH_FORM.owner) ?? managerId;
    if ((await getMember(deps.db, ownerId))?.isBot) {
      await ack({
        response_action: 'errors',
        errors: { [PUSH_FORM.owner]: 'A bot cannot own a push. Pick a person.' },
      });
      return;
    }
    const quarter = await quarterFor(deps, managerId);
    const now = deps.clock();
    const saved = await saving(deps, 'a new push', { managerId }, async () => {
      await ensureMember(deps.db, managerId, teamId, now);
      return createOnce(deps.db, submissionKeyOf(parsed.data), now, (tx) =>
        addPush(
          tx,
          {
            teamId,
            managerId,
            ownerId,
            title,
            why: textValue(values, PUSH_FORM.why),
            guardrails: textValue(values, PUSH_FORM.guardrails),
            success: textValue(values, PUSH_FORM.success),
            support: textValue(values, PUSH_FORM.support),
          },
          { quarter: quarter.key, limit: deps.config.pushLimit },
          now,
        ),
      );
    });
    if (!saved.ok) {
      await ack({ response_action: 'errors', errors: { [PUSH_FORM.title]: saved.message } });
      return;
    }
    const result = saved.value;
    if (!result.ok) {
      const message = addPushRefusal(result.reason, {
        limit: deps.config.pushLimit,
        quarterLabel: quarter.label,
        titleLength: typedLength(title),
      });
      await ack({ response_action: 'errors', errors: { [PUSH_FORM.title]: message } });
      return;
    }
    await ack();
    if (result.value.replay) return;
    await announcePush(client, deps, result.value.value);
  };
}
