import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { z } from 'zod';
import { OPEN_STATUSES, updatePush } from '../../../domain/pushes.js';
import { pushStepRefusal, SOMETHING_WENT_WRONG } from '../../copy.js';
import type { Deps } from '../../deps.js';
import { parseMetadata, selectedOption, textValue, viewSubmissionSchema } from '../../payloads.js';
import { announcePushUpdate } from '../../pushes.js';

type Args = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

const metadataSchema = z.object({ pushId: z.number().int().positive() });
const statusSchema = z.enum(OPEN_STATUSES);

/** A status update. Manager or owner only, decided from the submitting user. */
export function pushUpdateView(deps: Deps) {
  return async ({ ack, body, client }: Args): Promise<void> => {
    const parsed = viewSubmissionSchema.safeParse(body);
    const metadata = parsed.success
      ? parseMetadata(metadataSchema, parsed.data.view.private_metadata)
      : undefined;
    if (!parsed.success || !metadata) {
      await ack({ response_action: 'errors', errors: { note: SOMETHING_WENT_WRONG } });
      return;
    }
    const values = parsed.data.view.state.values;
    const status = statusSchema.safeParse(selectedOption(values, 'status'));
    if (!status.success) {
      await ack({
        response_action: 'errors',
        errors: { status: 'Pick a status: on track, at risk or off track.' },
      });
      return;
    }
    const note = textValue(values, 'note');
    const actorId = parsed.data.user.id;
    const result = updatePush(deps.db, metadata.pushId, actorId, status.data, note, deps.clock());
    if (!result.ok) {
      await ack({ response_action: 'errors', errors: { note: pushStepRefusal(result.reason) } });
      return;
    }
    await ack();
    await announcePushUpdate(client, deps, result.value, { authorId: actorId, note: note?.trim() || null });
  };
}
