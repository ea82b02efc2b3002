// The real `pushpull` process: start, serve, and stop cleanly on SIGTERM with in-flight work finished.
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeSlack } from '../support/fake-slack.js';
import { BOT_TOKEN, SIGNING_SECRET, tempDir } from '../support/harness.js';
import { spawnPushpull } from '../support/process.js';
import { SlackDriver } from '../support/slack-driver.js';
import { processDatabase } from '../support/test-stores.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('the pushpull process', () => {
  it('on SIGTERM stops taking requests, finishes in-flight work, and exits 0', async () => {
    const fake = await new FakeSlack().start();
    const dir = tempDir();
    const database = await processDatabase(dir);
    cleanups.push(
      () => fake.stop(),
      () => rmSync(dir, { recursive: true, force: true }),
      () => database.release(),
    );
    const { child, port, output } = await spawnPushpull({
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: fake.apiUrl,
      DATABASE_URL: database.url,
    });
    cleanups.push(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    const slack = new SlackDriver(`http://127.0.0.1:${port}`, SIGNING_SECRET, fake);
    // The manager DM will take a second to go out: it is still in flight when SIGTERM arrives.
    fake.failNext('chat.postMessage', { kind: 'slow', ms: 1000 });
    const res = await slack.command('/pull', '<@UMGR0001> before shutdown', 'UREQ0001');
    expect(res.status).toBe(200);
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(fake.callsTo('chat.postMessage', (a) => a.channel === 'UMGR0001')).toHaveLength(1);
    expect(output()).toContain('stopped cleanly');
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  });

  it('refuses to start with a clear line naming a malformed variable', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'start'], {
      env: { PATH: process.env.PATH ?? '', SLACK_BOT_TOKEN: 'not-a-token', SLACK_SIGNING_SECRET: 'x' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(err).toContain('SLACK_BOT_TOKEN must be a bot token starting with xoxb-');
    expect(err).not.toContain('    at ');
  });
});
