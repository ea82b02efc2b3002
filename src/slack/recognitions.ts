// Delivering a recognition: the advocate's thanks, their manager's notice, the channel post, and a receipt.
import type { webApi } from '@slack/bolt';
import type { Recognition } from '../db/schema.js';
import { attachPermalink, knownManagerOf } from '../domain/recognitions.js';
import { advocateThanks, channelPost, managerNotice, recognizerReceipt } from './blocks/recognitions.js';
import { directMessage, slackErrorCode } from './deliver.js';
import type { Deps } from './deps.js';
import { refreshHomes } from './home.js';
import { mention } from './text.js';

const CHANNEL_PROBLEMS: Record<string, string> = {
  not_in_channel: 'I am not a member of that channel — invite me there with `/invite @Pushpull`.',
  channel_not_found:
    'I cannot see that channel — it may be private or renamed. Invite me there with `/invite @Pushpull`.',
  is_archived: 'that channel is archived.',
};

export async function announceRecognition(
  client: webApi.WebClient,
  deps: Deps,
  saved: Recognition,
  source: { channel: string; ts: string } | undefined,
): Promise<void> {
  let r = saved;
  if (source) {
    try {
      const link = await client.chat.getPermalink({ channel: source.channel, message_ts: source.ts });
      if (link.permalink) r = (await attachPermalink(deps.db, r.id, link.permalink)) ?? r;
    } catch (error) {
      deps.logger.warn('could not fetch a permalink for a recognition', {
        recognitionId: r.id,
        error: slackErrorCode(error),
      });
    }
  }

  const told: string[] = [];
  const problems: string[] = [];
  const thanked = await directMessage(client, deps, r.advocateId, advocateThanks(r), 'thank an advocate');
  if (thanked.ok) told.push(mention(r.advocateId));
  else problems.push(`I could not DM ${mention(r.advocateId)} (${thanked.error}).`);

  const managerId = await knownManagerOf(deps.db, r.advocateId);
  if (managerId && managerId !== r.recognizerId) {
    const noticed = await directMessage(
      client,
      deps,
      managerId,
      managerNotice(r),
      "tell an advocate's manager",
    );
    if (noticed.ok) told.push(`their manager ${mention(managerId)}`);
  }

  const channel = deps.config.recognitionChannel;
  if (r.shared && channel) {
    try {
      await client.chat.postMessage({ channel, ...channelPost(r) });
      told.push(channel.startsWith('#') ? channel : `<#${channel}>`);
    } catch (error) {
      const code = slackErrorCode(error);
      deps.logger.warn('could not post a recognition in the channel', { channel, error: code });
      problems.push(
        `I could not share it in ${channel}: ${CHANNEL_PROBLEMS[code] ?? `Slack said ${code}.`} The recognition is saved${thanked.ok ? ` and ${mention(r.advocateId)} was thanked` : ''}.`,
      );
    }
  }

  await directMessage(
    client,
    deps,
    r.recognizerId,
    recognizerReceipt(r, told, problems.join(' ') || undefined),
    'confirm a recognition',
  );
  await refreshHomes(client, deps, [r.recognizerId, r.advocateId]);
}
