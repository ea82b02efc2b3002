// The define-success handshake's three forms. Who may send each is decided from the submitting user, never
// from the metadata, and a form sent twice is carried out once.
import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { z } from 'zod';
import type { Agreement, Pull } from '../../../db/schema.js';
import type { Db } from '../../../db/store.js';
import { defineSuccess, type HandshakeRefusal, notQuite, repeatBack } from '../../../domain/agreements.js';
import { rowId } from '../../../domain/ids.js';
import { getPull } from '../../../domain/pulls.js';
import { createOnce } from '../../../domain/requests.js';
import type { Result } from '../../../domain/result.js';
import { DEFINE_FORM, NOT_QUITE_FORM, REPEAT_FORM } from '../../blocks/agreements.js';
import { handshakeRefusal, SOMETHING_WENT_WRONG } from '../../copy.js';
import { directMessage, refreshManagerMessage } from '../../deliver.js';
import type { Deps } from '../../deps.js';
import { refreshHomes } from '../../home.js';
import { askToConfirm, askToRepeat, updateConfirmStep, updateRequesterStep } from '../../notify/handshake.js';
import { selectedDate, submissionKeyOf, submissionWithMetadata, textValue } from '../../payloads.js';
import { mention } from '../../text.js';
import { saving } from '../saving.js';

type Args = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;
type Values = Record<string, Record<string, unknown>>;
type Client = Args['client'];

const metadataSchema = z.object({ pullId: rowId });

interface Step {
  what: string;
  /** The block a refusal is shown on, by reason; `main` for any other. */
  fields: Partial<Record<HandshakeRefusal, string>> & { main: string };
  /** The write, on the transaction that also records the submission (so a form sent twice is kept once). */
  save: (
    tx: Db,
    pullId: number,
    actorId: string,
    values: Values,
    now: number,
  ) => Promise<Result<Agreement, HandshakeRefusal>>;
  /** Who hears of it, and which earlier message is updated, once it is saved. */
  after: (client: Client, deps: Deps, pull: Pull, agreement: Agreement) => Promise<void>;
}

function handshakeView(deps: Deps, step: Step) {
  return async ({ ack, body, client }: Args): Promise<void> => {
    const input = submissionWithMetadata(body, metadataSchema);
    if (!input) {
      await ack({ response_action: 'errors', errors: { [step.fields.main]: SOMETHING_WENT_WRONG } });
      return;
    }
    const { submission, metadata } = input;
    const actorId = submission.user.id;
    const now = deps.clock();
    const saved = await saving(deps, step.what, { pullId: metadata.pullId, actorId }, () =>
      createOnce(deps.db, submissionKeyOf(submission), now, (tx) =>
        step.save(tx, metadata.pullId, actorId, submission.view.state.values, now),
      ),
    );
    if (!saved.ok) {
      await ack({ response_action: 'errors', errors: { [step.fields.main]: saved.message } });
      return;
    }
    const result = saved.value;
    if (!result.ok) {
      const field = step.fields[result.reason] ?? step.fields.main;
      const text = handshakeRefusal(result.reason, await getPull(deps.db, metadata.pullId));
      await ack({ response_action: 'errors', errors: { [field]: text } });
      return;
    }
    await ack();
    if (result.value.replay) return;
    const agreement = result.value.value;
    const pull = await getPull(deps.db, metadata.pullId);
    if (!pull) return;
    await step.after(client, deps, pull, agreement);
    await refreshHomes(client, deps, [pull.managerId, pull.requesterId]);
  };
}

/** When the next person cannot be reached, the one who acted is told, so the handshake does not stall unseen. */
async function tellIfNotReached(
  client: Client,
  deps: Deps,
  delivered: { ok: boolean; error?: string },
  actorId: string,
  otherId: string,
): Promise<void> {
  if (delivered.ok) return;
  await directMessage(client, deps, actorId, {
    text: `:warning: Saved, but I couldn't DM ${mention(otherId)} about it (${delivered.error ?? 'unknown'}). Let them know directly.`,
  });
}

/** Step 1: the manager defines success; their DM shows it, and the requester is asked to repeat it back. */
export const defineView = (deps: Deps) =>
  handshakeView(deps, {
    what: 'a definition of success',
    fields: { main: DEFINE_FORM.success, 'bad-date': DEFINE_FORM.byWhen },
    save: (tx, pullId, actorId, values, now) =>
      defineSuccess(
        tx,
        pullId,
        actorId,
        {
          success: textValue(values, DEFINE_FORM.success),
          byWhen: selectedDate(values, DEFINE_FORM.byWhen),
          guardrails: textValue(values, DEFINE_FORM.guardrails),
        },
        now,
      ),
    after: async (client, d, pull, agreement) => {
      const [, asked] = await Promise.all([
        refreshManagerMessage(client, d, pull.id),
        askToRepeat(client, d, pull, agreement),
      ]);
      await tellIfNotReached(client, d, asked, pull.managerId, pull.requesterId);
    },
  });

/** Step 2: the requester says it back; their DM shows it, and the manager sees both side by side. */
export const repeatView = (deps: Deps) =>
  handshakeView(deps, {
    what: 'a repeat-back',
    fields: { main: REPEAT_FORM.ownWords },
    save: (tx, pullId, actorId, values) =>
      repeatBack(tx, pullId, actorId, {
        ownWords: textValue(values, REPEAT_FORM.ownWords),
        approach: textValue(values, REPEAT_FORM.approach),
      }),
    after: async (client, d, pull, agreement) => {
      const [, , asked] = await Promise.all([
        updateRequesterStep(client, d, pull, agreement),
        refreshManagerMessage(client, d, pull.id),
        askToConfirm(client, d, pull, agreement),
      ]);
      await tellIfNotReached(client, d, asked, pull.requesterId, pull.managerId);
    },
  });

/** Step 3, Not quite: the side-by-side says so, and the requester is asked again with the manager's note. */
export const notQuiteView = (deps: Deps) =>
  handshakeView(deps, {
    what: 'a "not quite"',
    fields: { main: NOT_QUITE_FORM.note },
    save: (tx, pullId, actorId, values) =>
      notQuite(tx, pullId, actorId, textValue(values, NOT_QUITE_FORM.note)),
    after: async (client, d, pull, agreement) => {
      const [, , asked] = await Promise.all([
        updateConfirmStep(client, d, pull, agreement),
        refreshManagerMessage(client, d, pull.id),
        askToRepeat(client, d, pull, agreement),
      ]);
      await tellIfNotReached(client, d, asked, pull.managerId, pull.requesterId);
    },
  });
