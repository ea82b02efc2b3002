import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { agreementsPage, handshakesAmong } from '../../../domain/agreements.js';
import { decisionsInvolving } from '../../../domain/decisions.js';
import { ensureMember, getMember, setDefaultManager } from '../../../domain/members.js';
import { awaitingPage, getPull, openPull, sentPage, withdrawPull } from '../../../domain/pulls.js';
import { pushTitles } from '../../../domain/pushes.js';
import { commandKey, createOnce } from '../../../domain/requests.js';
import { AGREEMENTS_SHOWN, agreementList } from '../../blocks/agreements.js';
import { decisionList } from '../../blocks/decisions.js';
import { LIST_LIMIT, pullConfirmation, pullHelp, pullList } from '../../blocks/pulls.js';
import {
  AUTONOMY_USAGE,
  AWAY_USAGE,
  EXPORT_IS_CLI_ONLY,
  managerNotReached,
  managerSet,
  openPullRefusal,
} from '../../copy.js';
import { afterAcks, refreshProfile, sendPullToManager } from '../../deliver.js';
import type { Deps } from '../../deps.js';
import { refreshHomes } from '../../home.js';
import { timezoneOf } from '../../local-time.js';
import { pullModalFor } from '../../modals.js';
import { confirmationFor } from '../../notify/away.js';
import { commandSchema } from '../../payloads.js';
import { excerpt, parsePullCommand, typedLength } from '../../text.js';
import { ephemeral, openView } from '../reply.js';
import { saving } from '../saving.js';
import { autonomyCommand, awayCommand, backCommand } from './pull-away.js';

type Args = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

export function pullCommand(deps: Deps) {
  return async ({ command, ack, respond, client }: Args): Promise<void> => {
    const parsed = commandSchema.safeParse(command);
    if (!parsed.success) {
      await ack(
        ephemeral({ text: 'That request did not look like it came from Slack. Please try `/pull` again.' }),
      );
      return;
    }
    const { user_id: userId, team_id: teamId, trigger_id: triggerId } = parsed.data;
    const now = deps.clock();
    const request = parsePullCommand(parsed.data.text);

    switch (request.kind) {
      case 'away':
        await awayCommand(deps, { ack, client }, { userId, teamId }, request);
        return;
      case 'back':
        await backCommand(deps, { ack, client }, { userId, teamId });
        return;
      case 'autonomy':
        await autonomyCommand(deps, { ack, client }, { userId, teamId }, request);
        return;
      case 'usage':
        await ack(ephemeral({ text: request.of === 'away' ? AWAY_USAGE : AUTONOMY_USAGE }));
        return;
      case 'help':
        await ack(ephemeral(pullHelp()));
        return;
      case 'list': {
        const sent = await sentPage(deps.db, userId, LIST_LIMIT);
        const awaiting = await awaitingPage(deps.db, userId, LIST_LIMIT);
        const handshakes = await handshakesAmong(deps.db, [...sent.shown, ...awaiting.shown]);
        await ack(ephemeral(pullList(sent, awaiting, now, handshakes)));
        return;
      }
      case 'decisions': {
        const timezone = await timezoneOf(deps, userId);
        await ack(ephemeral(decisionList(await decisionsInvolving(deps.db, userId), userId, timezone)));
        return;
      }
      case 'export':
        // Export is for whoever runs Pushpull: records leave through the CLI only, never through Slack.
        await ack(ephemeral({ text: EXPORT_IS_CLI_ONLY }));
        return;
      case 'agreements': {
        const page = await agreementsPage(deps.db, userId, AGREEMENTS_SHOWN);
        const titles = await pushTitles(
          deps.db,
          page.shown.flatMap((a) => (a.pushId ? [a.pushId] : [])),
        );
        await ack(ephemeral(agreementList(page, userId, now, titles)));
        return;
      }
      case 'unresolved-mention':
        await ack(
          ephemeral({
            text: `I couldn't tell who ${excerpt(request.name, 80)} is. Pick them from the list Slack suggests as you type @, then send again.`,
          }),
        );
        return;
      case 'set-manager': {
        const saved = await saving(deps, 'a default manager', { userId }, () =>
          setDefaultManager(deps.db, userId, request.managerId, teamId, now),
        );
        if (!saved.ok) {
          await ack(ephemeral({ text: saved.message }));
          return;
        }
        const result = saved.value;
        if (!result.ok) {
          await ack(ephemeral({ text: openPullRefusal(result.reason) }));
          return;
        }
        const { previousManagerId, autonomyEnded } = result.value;
        await ack(
          ephemeral({ text: managerSet(request.managerId, autonomyEnded ? previousManagerId : undefined) }),
        );
        // Both teams change, and the person's own Home no longer shows autonomy from the manager they left.
        if (previousManagerId)
          await refreshHomes(client, deps, [userId, previousManagerId, request.managerId]);
        return;
      }
      case 'modal':
        await ack();
        await openView(
          deps,
          client,
          respond,
          userId,
          triggerId,
          await pullModalFor(deps, userId, request.need, request.managerId),
        );
        return;
      case 'create': {
        const managerId = request.managerId ?? (await getMember(deps.db, userId))?.managerId ?? undefined;
        if (!managerId) {
          // No one to send it to yet: the form asks, with what they typed kept.
          await ack();
          await openView(
            deps,
            client,
            respond,
            userId,
            triggerId,
            await pullModalFor(deps, userId, request.need),
          );
          return;
        }
        // A replayed request carries the same trigger_id: it is answered as the first was, and creates nothing.
        const saved = await saving(deps, 'a new pull', { requesterId: userId, managerId }, async () => {
          await ensureMember(deps.db, userId, teamId, now);
          return createOnce(deps.db, commandKey(triggerId), now, (tx) =>
            openPull(tx, { teamId, requesterId: userId, managerId, need: request.need }, now, {
              dmOnItsWay: true,
            }),
          );
        });
        if (!saved.ok) {
          await ack(ephemeral({ text: saved.message }));
          return;
        }
        const result = saved.value;
        if (!result.ok) {
          await ack(ephemeral({ text: openPullRefusal(result.reason, typedLength(request.need)) }));
          return;
        }
        if (result.value.replay) {
          const first = result.value.createdId ? await getPull(deps.db, result.value.createdId) : undefined;
          await ack(
            first ? ephemeral(await confirmationFor(deps, first, pullConfirmation(first))) : undefined,
          );
          return;
        }
        // The row is written before the ack, so an acknowledged pull survives any crash; Slack calls come after.
        const pull = result.value.value;
        await ack(ephemeral(await confirmationFor(deps, pull, pullConfirmation(pull))));
        await afterAcks();
        const manager = await refreshProfile(client, deps, managerId);
        if (manager?.isBot) {
          await withdrawPull(deps.db, pull.id, userId, deps.clock());
          await respond(ephemeral({ text: openPullRefusal('bot') }));
          return;
        }
        const delivered = await sendPullToManager(client, deps, pull);
        if (!delivered.ok) {
          await respond({
            response_type: 'ephemeral',
            replace_original: false,
            text: managerNotReached(managerId, delivered),
          });
        }
        await refreshHomes(client, deps, [userId, managerId]);
        return;
      }
    }
  };
}
