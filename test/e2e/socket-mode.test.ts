// Socket Mode end to end: the real app dials the fake Socket Mode endpoint that `apps.connections.open` hands
// out, takes envelopes as Slack sends them, acks by envelope_id, and keeps its link through refreshes and drops.
import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tables } from '../../src/db/store.js';
import { FakeSlack } from '../support/fake-slack.js';
import { FakeSocketMode } from '../support/fake-socket-mode.js';
import { eventually, type Harness, input, startHarness, tempDir } from '../support/harness.js';

const REQ = 'UREQ0001';
const MGR = 'UMGR0001';
const APP_TOKEN = 'xapp-1-A0PUSHPULL-1234-abcdef';

let fake: FakeSlack;
let socket: FakeSocketMode;
let h: Harness;

const allPulls = async () => {
  const { pulls } = tables(h.store.db);
  return h.store.db.select().from(pulls).orderBy(pulls.id);
};

async function pullFromSocket(need: string) {
  const ack = await socket.command('/pull', `<@${MGR}|maya> ${need}`, REQ);
  const dm = await fake.waitFor('chat.postMessage', (a) => a.channel === MGR);
  const pull = await eventually(async () => {
    const last = (await allPulls()).at(-1);
    if (!last?.managerTs || !last.managerChannel) throw new Error('manager DM not recorded yet');
    return { ...last, managerTs: last.managerTs, managerChannel: last.managerChannel };
  });
  return { ack, dm, pull };
}

describe('Socket Mode', () => {
  beforeEach(async () => {
    fake = await new FakeSlack().start();
    socket = await new FakeSocketMode(fake).start();
    h = await startHarness({ fake, env: { SLACK_APP_TOKEN: APP_TOKEN, SLACK_SIGNING_SECRET: '' } });
  });
  afterEach(async () => {
    await h.stop();
    await socket.stop();
    await fake.stop();
  });

  it('connects through apps.connections.open and the hello handshake', async () => {
    expect(fake.callsTo('apps.connections.open')).toHaveLength(1);
    expect(socket.links).toHaveLength(1);
    expect(socket.current).toBeDefined();
  });

  it('/pull @manager: acked by envelope_id with the ephemeral reply, stored, and the manager DMed', async () => {
    // Slack escapes what the person typed (`Q&A` arrives as `Q&amp;A`) and wraps the command in an envelope.
    const { ack, dm, pull } = await pullFromSocket('need Q&amp;A notes by Friday');
    expect(ack.payload).toMatchObject({ response_type: 'ephemeral' });
    expect(JSON.stringify(ack.payload)).toContain(`<@${MGR}>`);
    expect(pull).toMatchObject({ requesterId: REQ, managerId: MGR, status: 'open' });
    expect(pull.need).toBe('need Q&A notes by Friday');
    expect(JSON.stringify(dm.args.blocks)).toContain('need Q&amp;A notes by Friday');
    expect(socket.protocolErrors).toEqual([]);
  });

  it("a manager's button press (block_actions) changes the pull and updates the DM in place", async () => {
    const { pull } = await pullFromSocket('which vendor for the pilot?');
    const ack = await socket.action(MGR, 'pull_acknowledge', String(pull.id), {
      channel: pull.managerChannel,
      ts: pull.managerTs,
    });
    expect(ack.payload ?? {}).toEqual({});
    const update = await fake.waitFor('chat.update');
    expect(update.args).toMatchObject({ channel: pull.managerChannel, ts: pull.managerTs });
    expect(JSON.stringify(update.args.blocks)).toContain('Acknowledged');
    await eventually(async () => expect((await allPulls())[0]?.status).toBe('acknowledged'));
    expect(socket.protocolErrors).toEqual([]);
  });

  it('a modal submission with field errors is answered in the ack with response_action: errors', async () => {
    const ack = await socket.viewSubmission(REQ, 'pull_create', {
      manager: input.user(MGR, 'pull_manager_selected'),
      need: input.text(''),
      kind: input.option('decision'),
    });
    expect(ack.payload).toMatchObject({ response_action: 'errors' });
    expect(Object.keys((ack.payload as { errors: Record<string, string> }).errors)).toEqual(['need']);
    expect(await allPulls()).toHaveLength(0);
    expect(socket.protocolErrors).toEqual([]);
  });

  it('app_home_opened (events_api) publishes the Home tab', async () => {
    const ack = await socket.event({ type: 'app_home_opened', user: REQ, tab: 'home', channel: 'D0HOME' });
    expect(ack.payload ?? {}).toEqual({});
    const publish = await fake.waitFor('views.publish', (a) => a.user_id === REQ);
    expect(publish.args.view).toMatchObject({ type: 'home' });
    expect(socket.protocolErrors).toEqual([]);
  });

  it('on disconnect (refresh_requested) opens a new link from apps.connections.open, and commands still work', async () => {
    const first = await socket.waitForLinks(1);
    first.disconnect('refresh_requested');
    await socket.waitForLinks(2);
    await eventually(() => expect(first.closed).toBe(true));
    expect(fake.callsTo('apps.connections.open')).toHaveLength(2);
    const { ack } = await pullFromSocket('after the refresh');
    expect(ack.payload).toMatchObject({ response_type: 'ephemeral' });
    expect(socket.protocolErrors).toEqual([]);
  });

  it('when the link drops without a close, reconnects and keeps serving', async () => {
    const first = await socket.waitForLinks(1);
    first.drop();
    await socket.waitForLinks(2);
    expect(fake.callsTo('apps.connections.open')).toHaveLength(2);
    const { ack } = await pullFromSocket('after the drop');
    expect(ack.payload).toMatchObject({ response_type: 'ephemeral' });
    expect(socket.protocolErrors).toEqual([]);
  });
});

describe('Socket Mode start with Slack briefly failing', () => {
  it('retries apps.connections.open after an error that is not about the token, then serves', async () => {
    fake = await new FakeSlack().start();
    socket = await new FakeSocketMode(fake).start();
    fake.failNext('apps.connections.open', { kind: 'error', error: 'internal_error' });
    try {
      h = await startHarness({ fake, env: { SLACK_APP_TOKEN: APP_TOKEN, SLACK_SIGNING_SECRET: '' } });
      expect(fake.callsTo('apps.connections.open#internal_error')).toHaveLength(1);
      expect(fake.callsTo('apps.connections.open')).toHaveLength(1);
      const { ack } = await pullFromSocket('after a hiccup');
      expect(ack.payload).toMatchObject({ response_type: 'ephemeral' });
      await h.stop();
    } finally {
      await socket.stop();
      await fake.stop();
    }
  });

  it('gives up with the SLACK_APP_TOKEN line when the retry is refused', async () => {
    fake = await new FakeSlack().start();
    socket = await new FakeSocketMode(fake).start();
    fake.failNext('apps.connections.open', { kind: 'error', error: 'internal_error' });
    socket.refuseWith = 'invalid_auth';
    const dir = tempDir();
    try {
      await expect(
        startHarness({ fake, dir, env: { SLACK_APP_TOKEN: APP_TOKEN, SLACK_SIGNING_SECRET: '' } }),
      ).rejects.toThrow(/^SLACK_APP_TOKEN was refused by Slack \(invalid_auth\): .*App-Level Tokens/);
      expect(fake.callsTo('apps.connections.open#invalid_auth')).toHaveLength(1);
      expect(socket.links).toHaveLength(0);
    } finally {
      await socket.stop();
      await fake.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
