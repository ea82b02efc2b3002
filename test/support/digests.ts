// The weekly digest as tests see it: which DMs are digests, a manager with something to say, the fan-out client.
import type { webApi } from '@slack/bolt';
import { fanOutClient } from '../../src/scheduler/pace.js';
import type { FakeSlack } from './fake-slack.js';
import { BOT_TOKEN, type Harness } from './harness.js';

export const isDigest = (args: Record<string, unknown>) =>
  JSON.stringify(args.blocks ?? '').includes('Your week in Pushpull');

export const digestsIn = (fake: FakeSlack, user: string) =>
  fake.callsTo('chat.postMessage', (a) => a.channel === user && isDigest(a));

/** A manager with an open pull, as Slack would create it. */
export async function managerWithPull(
  h: Harness,
  managerId: string,
  tz: string,
  need = 'Pricing for Initech?',
  requester = 'UREQ0001',
): Promise<void> {
  h.fake.users.set(managerId, { tz });
  await h.slack.command('/pull', `<@${managerId}> ${need}`, requester);
  await h.fake.waitFor('chat.postMessage', (a) => a.channel === managerId && String(a.text).includes(need));
}

/** The fan-out client as the app builds it, with a timeout short enough for a test to outlast. */
export const digestClient = (fake: FakeSlack, timeoutMs = 150): webApi.WebClient =>
  fanOutClient(BOT_TOKEN, fake.apiUrl, undefined, { timeoutMs });
