// The baseline: a bare Bolt app that only acknowledges /pull and sends one DM. Same receiver, same fake Slack.
import { App } from '@slack/bolt';

const app = new App({
  token: process.env.SLACK_BOT_TOKEN ?? '',
  signingSecret: process.env.SLACK_SIGNING_SECRET ?? '',
  clientOptions: { slackApiUrl: process.env.SLACK_API_URL ?? '' },
  convoStore: false,
});

app.command('/pull', async ({ ack, command, client }) => {
  await ack();
  await client.chat.postMessage({ channel: command.user_id, text: 'Pulled in.' });
});

const server = await app.start(0);
const address = server.address();
process.stderr.write(
  `${JSON.stringify({ msg: 'listening', port: typeof address === 'object' && address ? address.port : 0 })}\n`,
);
process.on('SIGTERM', () => void app.stop().then(() => process.exit(0)));
