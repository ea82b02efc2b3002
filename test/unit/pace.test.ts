import { webApi } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { eachWithConcurrency, FanOutStopped, fanOutClient, SlackPace } from '../../src/scheduler/pace.js';
import { FakeSlack } from '../support/fake-slack.js';
import { BOT_TOKEN, SIGNING_SECRET } from '../support/harness.js';

let fake: FakeSlack;
let client: webApi.WebClient;
beforeEach(async () => {
  fake = await new FakeSlack().start();
  client = fanOutClient(BOT_TOKEN, fake.apiUrl, undefined);
});
afterEach(async () => {
  await fake.stop();
});

const post = (channel: string) => () => client.chat.postMessage({ channel, text: 'Your week' });

describe('SlackPace', () => {
  it('holds the limit ahead of time: twenty posts asked for at once meet no 429', async () => {
    fake.rateLimit('chat.postMessage', 10);
    // Well under the limit, so a loaded test machine's jitter cannot reach it; the pacer runs at 97%.
    const pace = new SlackPace({ 'chat.postMessage': 10 }, 0.8);
    const channels = Array.from({ length: 20 }, (_, i) => `UMGR${i}`);
    await Promise.all(channels.map((c) => pace.call('chat.postMessage', post(c))));
    expect(fake.callsTo('chat.postMessage')).toHaveLength(20);
    expect(fake.rateLimitedCount).toBe(0);
    expect(pace.rateLimited).toBe(0);
  });

  it('a 429 pauses only the method Slack refused, and is counted', async () => {
    fake.failNext('users.info', { kind: 'ratelimited', retryAfter: 600 });
    const pace = new SlackPace();
    const stop = new AbortController();
    const info = pace.call('users.info', () => client.users.info({ user: 'UMGR1' }), stop.signal);
    const stopped = expect(info).rejects.toBeInstanceOf(FanOutStopped);
    await fake.waitFor('users.info#429');
    // users.info waits ten minutes; chat.postMessage goes out meanwhile.
    const posted = await pace.call('chat.postMessage', post('UMGR2'));
    expect(posted.ok).toBe(true);
    expect(fake.callsTo('users.info')).toHaveLength(0);
    expect(pace.refusals()).toEqual({ 'users.info': 1 });
    expect(pace.rateLimited).toBe(1);
    stop.abort();
    await stopped;
    expect(fake.callsTo('users.info')).toHaveLength(0);
  });

  it('tries a refused call again after its Retry-After, once', async () => {
    fake.failNext('chat.postMessage', { kind: 'ratelimited', retryAfter: 0 });
    const pace = new SlackPace();
    const posted = await pace.call('chat.postMessage', post('UMGR1'));
    expect(posted.ok).toBe(true);
    expect(fake.callsTo('chat.postMessage')).toHaveLength(1);
    expect(pace.refusals()).toEqual({ 'chat.postMessage': 1 });
  });

  it("hears a listener client's 429 and pauses that method for the fan-out too", async () => {
    const listenerClient = new webApi.WebClient(BOT_TOKEN, {
      slackApiUrl: fake.apiUrl,
      rejectRateLimitedCalls: true,
      retryConfig: { retries: 0 },
    });
    const pace = new SlackPace();
    pace.watch(listenerClient);
    fake.failNext('chat.postMessage', { kind: 'ratelimited', retryAfter: 600 });
    await expect(listenerClient.chat.postMessage({ channel: 'UREQ1', text: 'Pulled in' })).rejects.toThrow();
    expect(pace.refusals()).toEqual({ 'chat.postMessage': 1 });

    const stop = new AbortController();
    const digest = pace.call('chat.postMessage', post('UMGR1'), stop.signal);
    const stopped = expect(digest).rejects.toBeInstanceOf(FanOutStopped);
    // Another method is not held up, and by the time it is answered the post is still waiting.
    await pace.call('users.info', () => client.users.info({ user: 'UMGR1' }));
    expect(fake.callsTo('chat.postMessage')).toHaveLength(0);
    stop.abort();
    await stopped;
  });
});

describe('SLACK_PACE', () => {
  const base = { SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET };

  it('reads rates per second or per minute, and * for every other method', () => {
    const config = loadConfig({ ...base, SLACK_PACE: 'chat.postMessage=20/s, users.info=90/min,*=5/s' });
    expect(config.slackPace).toEqual({ 'chat.postMessage': 20, 'users.info': 1.5, '*': 5 });
    expect(loadConfig(base).slackPace).toEqual({});
  });

  it('names the variable and shows the form when it cannot be read', () => {
    expect(() => loadConfig({ ...base, SLACK_PACE: 'chat.postMessage=fast' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, SLACK_PACE: 'chat.postMessage=fast' })).toThrow(
      /SLACK_PACE cannot read 'chat.postMessage=fast': write method=rate, such as chat.postMessage=20\/s/,
    );
  });
});

describe('eachWithConcurrency', () => {
  it('goes on past an item that throws, and reports it', async () => {
    const done: string[] = [];
    const failed: string[] = [];
    await eachWithConcurrency(
      ['a', 'b', 'c'],
      1,
      async (item) => {
        if (item === 'a') throw new Error('busy');
        done.push(item);
      },
      undefined,
      (item) => failed.push(item),
    );
    expect(done).toEqual(['b', 'c']);
    expect(failed).toEqual(['a']);
  });
});
