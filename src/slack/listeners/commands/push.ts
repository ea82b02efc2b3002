import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { ensureMember } from '../../../domain/members.js';
import {
  addPush,
  getPush,
  lastUpdate,
  listPushes,
  mayUpdatePush,
  updatePush,
} from '../../../domain/pushes.js';
import { commandKey, createOnce } from '../../../domain/requests.js';
import { pushHelp, pushModal, pushUpdateModal } from '../../blocks/pushes.js';
import { addPushRefusal, pushStepRefusal } from '../../copy.js';
import type { Deps } from '../../deps.js';
import { quarterFor } from '../../local-time.js';
import { commandSchema } from '../../payloads.js';
import { announcePush, announcePushUpdate, renderPushList } from '../../pushes.js';
import { excerpt, parsePushCommand, typedLength } from '../../text.js';
import { ephemeral, openView } from '../reply.js';
import { saving } from '../saving.js';

type Args = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

export function pushCommand(deps: Deps) {
  return async ({ command, ack, client, respond }: Args): Promise<void> => {
    const parsed = commandSchema.safeParse(command);
    if (!parsed.success) {
      await ack(
        ephemeral({ text: 'That request did not look like it came from Slack. Please try `/push` again.' }),
      );
      return;
    }
    const { user_id: userId, team_id: teamId, trigger_id: triggerId } = parsed.data;
    const request = parsePushCommand(parsed.data.text);
    const quarter = await quarterFor(deps, userId);
    const now = deps.clock();

    switch (request.kind) {
      case 'help':
        await ack(ephemeral(pushHelp(deps.config.pushLimit)));
        return;
      case 'list':
        await ack(ephemeral(await renderPushList(deps, request.managerId ?? userId, userId)));
        return;
      case 'invalid': {
        const text =
          request.reason === 'position'
            ? 'Which one? Use the number from `/push list`, like `/push done 2`.'
            : request.reason === 'mention'
              ? `I couldn't tell who ${excerpt(request.input, 80)} is. Pick them from the list Slack suggests as you type @.`
              : `I don't know \`/push ${excerpt(request.input, 50)}\`. Try \`/push help\`.`;
        await ack(ephemeral({ text }));
        return;
      }
      case 'add': {
        if (request.title === undefined) {
          await ack();
          await openView(
            deps,
            client,
            respond,
            userId,
            triggerId,
            pushModal({ managerId: userId, quarterLabel: quarter.label }),
          );
          return;
        }
        const title = request.title;
        // A replayed request carries the same trigger_id: answered as the first was, nothing created.
        const saved = await saving(deps, 'a new push', { managerId: userId }, async () => {
          await ensureMember(deps.db, userId, teamId, now);
          return createOnce(deps.db, commandKey(triggerId), now, (tx) =>
            addPush(
              tx,
              { teamId, managerId: userId, title },
              { quarter: quarter.key, limit: deps.config.pushLimit },
              now,
            ),
          );
        });
        if (!saved.ok) {
          await ack(ephemeral({ text: saved.message }));
          return;
        }
        const result = saved.value;
        if (!result.ok) {
          await ack(
            ephemeral({
              text: addPushRefusal(result.reason, {
                limit: deps.config.pushLimit,
                quarterLabel: quarter.label,
                titleLength: typedLength(request.title),
              }),
            }),
          );
          return;
        }
        const push = result.value.replay
          ? await getPush(deps.db, result.value.createdId ?? 0)
          : result.value.value;
        await ack(
          push
            ? ephemeral({
                text: `:dart: Pushing on *${excerpt(push.title, 2000)}* for ${quarter.label}. Add why it matters, what success looks like and what support it needs on your Home tab or with \`/push update\`.`,
              })
            : undefined,
        );
        if (push && !result.value.replay) await announcePush(client, deps, push);
        return;
      }
      case 'update':
      case 'done':
      case 'drop': {
        const pushes = await listPushes(deps.db, userId, quarter.key);
        const push = pushes[request.position - 1];
        if (!push) {
          await ack(
            ephemeral({
              text: `There is no push number ${request.position} in your list for ${quarter.label} — you have ${pushes.length}. See \`/push list\`.`,
            }),
          );
          return;
        }
        if (request.kind === 'update') {
          const refusal = mayUpdatePush(push, userId);
          if (refusal) {
            await ack(ephemeral({ text: pushStepRefusal(refusal) }));
            return;
          }
          await ack();
          await openView(deps, client, respond, userId, triggerId, pushUpdateModal(push));
          return;
        }
        const status = request.kind === 'done' ? 'done' : 'dropped';
        const saved = await saving(deps, `a push marked ${status}`, { pushId: push.id, userId }, () =>
          createOnce(deps.db, commandKey(triggerId), now, (tx) =>
            updatePush(tx, push.id, userId, status, undefined, now),
          ),
        );
        if (!saved.ok) {
          await ack(ephemeral({ text: saved.message }));
          return;
        }
        const result = saved.value;
        if (!result.ok) {
          await ack(ephemeral({ text: pushStepRefusal(result.reason) }));
          return;
        }
        await ack(
          ephemeral({
            text:
              status === 'done'
                ? `:white_check_mark: *${excerpt(push.title, 2000)}* is done. Well pushed — that frees a slot for the next thing worth your close attention.`
                : `:heavy_minus_sign: Dropped *${excerpt(push.title, 2000)}*. Letting go is part of focus.`,
          }),
        );
        if (result.value.replay) return;
        await announcePushUpdate(client, deps, result.value.value, {
          authorId: userId,
          note: (await lastUpdate(deps.db, push.id))?.note ?? null,
        });
        return;
      }
    }
  };
}
