// `/pull export` in Slack: exports are for whoever runs Pushpull (`npx pushpull export`, test/process/export.test.ts).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventually, type Harness, startHarness } from '../support/harness.js';
import { allPulls, lastPullWithDm } from '../support/reads.js';
import { typed } from '../support/slack-driver.js';

const REQ = 'UREQ0001';
const MGR = 'UMGR0001';

let h: Harness;
beforeEach(async () => {
  h = await startHarness({ now: Date.UTC(2026, 10, 24, 10) });
});
afterEach(async () => {
  await h.stop();
});

describe('export through Slack', () => {
  it('does not exist: /pull export answers that it is for whoever runs Pushpull, and sends nothing', async () => {
    await h.slack.command('/pull', `manager <@${MGR}>`, REQ);
    await h.slack.command('/pull', `<@${MGR}> ${typed`Someone else's private question`}`, 'UOTH0001');
    const secret = await eventually(() => lastPullWithDm(h));
    expect(secret.id).toBeGreaterThan(0);
    const postsBefore = h.fake.callsTo('chat.postMessage').length;
    for (const text of ['export', 'export pulls', 'export decisions --format csv', 'EXPORT recognitions']) {
      const res = await h.slack.command('/pull', text, REQ);
      expect(res.body).toMatchObject({ response_type: 'ephemeral' });
      expect(JSON.stringify(res.body)).toContain('npx pushpull export');
      expect(JSON.stringify(res.body)).not.toContain('private question');
    }
    await h.app.inflight.drained();
    // Not taken as a pull to the default manager, and nothing posted or uploaded anywhere.
    expect(await allPulls(h)).toHaveLength(1);
    expect(h.fake.callsTo('chat.postMessage')).toHaveLength(postsBefore);
    expect(h.fake.calls.filter((c) => c.method.startsWith('files.'))).toEqual([]);
    // A real pull that starts with the word still goes through.
    await h.slack.command('/pull', 'export the Q3 numbers for the board?', REQ);
    await eventually(async () => expect(await allPulls(h)).toHaveLength(2));
  });
});
