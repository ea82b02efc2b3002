// The real pushpull process survives odd bodies and errors that escape: it answers, logs once, and keeps serving,
// or ends with code 1 for its supervisor when an exception nobody caught leaves it in an unknown state.
import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeSlack } from '../support/fake-slack.js';
import { BOT_TOKEN, eventually, SIGNING_SECRET, tempDir } from '../support/harness.js';
import { spawnPushpull } from '../support/process.js';
import { SlackDriver } from '../support/slack-driver.js';
import { type ProcessDatabase, processDatabase } from '../support/test-stores.js';

const JSON_TYPE = 'application/json';

describe('the real pushpull process', () => {
  let fake: FakeSlack;
  let dir: string;
  let database: ProcessDatabase;
  let child: ChildProcess;
  let output: () => string;
  let slack: SlackDriver;
  beforeAll(async () => {
    fake = await new FakeSlack().start();
    dir = tempDir();
    database = await processDatabase(dir);
    const started = await spawnPushpull({
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: fake.apiUrl,
      DATABASE_URL: database.url,
      // Lets the test make an error escape inside the process, the way a bug in a dependency would.
      NODE_OPTIONS: `--import ${new URL('../support/stray-errors.mjs', import.meta.url).href}`,
    });
    ({ child, output } = started);
    slack = new SlackDriver(`http://127.0.0.1:${started.port}`, SIGNING_SECRET, fake);
  });
  afterAll(async () => {
    if (child.exitCode === null) child.kill('SIGKILL');
    await fake.stop();
    await database.release();
    rmSync(dir, { recursive: true, force: true });
  });

  const pullGoesThrough = async (need: string) => {
    expect((await fetch(`${slack.appUrl}/healthz`)).status).toBe(200);
    const res = await slack.command('/pull', `<@UMGR0001|maya> ${need}`, 'UREQ0001');
    expect(JSON.stringify(res.body)).toContain('Pulled in');
    await fake.waitFor('chat.postMessage', (a) => a.channel === 'UMGR0001' && String(a.text).includes(need));
  };

  it('answers a signed JSON null with 400 and keeps serving', async () => {
    const res = await slack.post('null', JSON_TYPE);
    expect(res.status).toBe(400);
    await pullGoesThrough('after null');
    expect(child.exitCode).toBeNull();
  });

  it('logs a rejection nobody handled, once, and keeps serving', async () => {
    const logged = () =>
      output()
        .split('\n')
        .filter((l) => l.includes('nothing handled it'));
    child.kill('SIGUSR2');
    await eventually(() => expect(logged()).toHaveLength(1));
    expect(logged()[0]).toContain('a stray rejection nobody awaited');
    await pullGoesThrough('after a stray rejection');
    expect(logged()).toHaveLength(1);
    expect(child.exitCode).toBeNull();
  });

  it('logs an uncaught exception and ends with code 1 for the supervisor to restart', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGWINCH');
    expect(await exited).toBe(1);
    const lines = output()
      .split('\n')
      .filter((l) => l.includes('uncaught exception'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('a stray exception nobody caught');
  });
});
