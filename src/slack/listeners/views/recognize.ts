import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { z } from 'zod';
import { ADVOCATE_FUNCTIONS } from '../../../db/schema.js';
import { ensureMember } from '../../../domain/members.js';
import { PROJECT_MAX, type RecognitionRefusal, recognize, WHAT_MAX } from '../../../domain/recognitions.js';
import { createOnce } from '../../../domain/requests.js';
import { RECOGNIZE_FORM, SHARE_VALUE } from '../../blocks/recognitions.js';
import { SOMETHING_WENT_WRONG } from '../../copy.js';
import { saveAfterAck } from '../../deliver.js';
import type { Deps } from '../../deps.js';
import {
  checkedValues,
  parseMetadata,
  selectedOption,
  selectedUser,
  submissionKeyOf,
  textValue,
  viewSubmissionSchema,
} from '../../payloads.js';
import { announceRecognition } from '../../recognitions.js';
import { saving } from '../saving.js';

type Args = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

const metadataSchema = z.object({
  source: z.object({ channel: z.string().min(1), ts: z.string().min(1) }).optional(),
});

const REFUSALS: Record<RecognitionRefusal, [string, string]> = {
  self: [RECOGNIZE_FORM.advocate, 'Recognize someone who helped you — not yourself.'],
  bot: [RECOGNIZE_FORM.advocate, 'That is a bot. Recognize the people who helped.'],
  'what-empty': [RECOGNIZE_FORM.what, 'Say what they did — that is what makes recognition count.'],
  'what-too-long': [RECOGNIZE_FORM.what, `Keep it to ${WHAT_MAX.toLocaleString('en-US')} characters.`],
  'project-too-long': [RECOGNIZE_FORM.project, `Keep it to ${PROJECT_MAX} characters.`],
  'function-missing': [RECOGNIZE_FORM.function, 'Pick their function.'],
  invalid: [RECOGNIZE_FORM.what, SOMETHING_WENT_WRONG],
};

/** The recognition form: stored first, then announced; refused with field errors when it cannot count. */
export function recognizeView(deps: Deps) {
  return async ({ ack, body, client }: Args): Promise<void> => {
    const parsed = viewSubmissionSchema.safeParse(body);
    if (!parsed.success) {
      await ack({ response_action: 'errors', errors: { [RECOGNIZE_FORM.what]: SOMETHING_WENT_WRONG } });
      return;
    }
    const values = parsed.data.view.state.values;
    const recognizerId = parsed.data.user.id;
    const teamId = parsed.data.team?.id ?? parsed.data.user.team_id;
    const advocateId = selectedUser(values, RECOGNIZE_FORM.advocate);
    if (!advocateId) {
      await ack({ response_action: 'errors', errors: { [RECOGNIZE_FORM.advocate]: 'Pick who helped.' } });
      return;
    }
    const fn = ADVOCATE_FUNCTIONS.find((f) => f === selectedOption(values, RECOGNIZE_FORM.function));
    const metadata = parseMetadata(metadataSchema, parsed.data.view.private_metadata) ?? {};
    const shareChoice = checkedValues(values, RECOGNIZE_FORM.share);
    const now = deps.clock();
    const saved = await saving(deps, 'a recognition', { recognizerId }, () =>
      createOnce(deps.db, submissionKeyOf(parsed.data), now, (tx) =>
        recognize(
          tx,
          {
            teamId,
            recognizerId,
            advocateId,
            advocateFunction: fn as (typeof ADVOCATE_FUNCTIONS)[number],
            what: textValue(values, RECOGNIZE_FORM.what) ?? '',
            project: textValue(values, RECOGNIZE_FORM.project),
            shared: Boolean(deps.config.recognitionChannel) && (shareChoice ?? []).includes(SHARE_VALUE),
          },
          now,
        ),
      ),
    );
    if (!saved.ok) {
      await ack({ response_action: 'errors', errors: { [RECOGNIZE_FORM.what]: saved.message } });
      return;
    }
    const result = saved.value;
    if (!result.ok) {
      const [field, message] = REFUSALS[result.reason];
      await ack({ response_action: 'errors', errors: { [field]: message } });
      return;
    }
    await ack();
    if (result.value.replay) return; // announced the first time
    await saveAfterAck(deps, 'the recognizer', { recognizerId }, () =>
      ensureMember(deps.db, recognizerId, teamId, now),
    );
    await announceRecognition(client, deps, result.value.value, metadata.source);
  };
}
