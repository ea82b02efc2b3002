// `/pull @manager text` acknowledgement latency and throughput, ours beside a bare Bolt app, in one run.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { FakeSlack } from '../test/support/fake-slack.js';
import { BOT_TOKEN, SIGNING_SECRET, tempDir } from '../test/support/harness.js';
import { spawnPushpull } from '../test/support/process.js';
import { SlackDriver } from '../test/support/slack-driver.js';
import { type LoadResult, load, ms } from './stats.js';

const REQUESTS = 2000;
const CONCURRENCY = 16;
const WARMUP = 200;

async function measure(name: string, script: string, fake: FakeSlack, dir: string): Promise<LoadResult> {
  const env = {
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: fake.apiUrl,
    DATABASE_URL: `file:${join(dir, `${name}.db`)}`,
    LOG_LEVEL: 'info',
  };
  const { child, port } = await spawnPushpull(env, script);
  try {
    const slack = new SlackDriver(`http://127.0.0.1:${port}`, SIGNING_SECRET, fake);
    const send = async (i: number) => {
      const res = await slack.command(
        '/pull',
        `<@UMGR${String(i % 50).padStart(4, '0')}> bench request ${i}`,
        `UREQ${String(i % 250).padStart(4, '0')}`, // at most 9 each: under the per-person limit
      );
      if (res.status !== 200) throw new Error(`status ${res.status}`);
      return res.ms;
    };
    await load(WARMUP, CONCURRENCY, send);
    return await load(REQUESTS, CONCURRENCY, (i) => send(i + WARMUP));
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

export async function benchPullAck(): Promise<string[]> {
  const fake = await new FakeSlack().start();
  const dir = tempDir('pushpull-bench-');
  try {
    const bare = await measure('bare', 'bench/bare-app.ts', fake, dir);
    const ours = await measure('pushpull', 'src/cli.ts', fake, dir);
    const row = (label: string, r: LoadResult) =>
      `| ${label} | ${ms(r.p50)} | ${ms(r.p99)} | ${ms(r.max)} | ${r.perSecond.toFixed(0)}/s | ${r.failures} |`;
    return [
      `## /pull acknowledgement — ${REQUESTS} signed requests, ${CONCURRENCY} concurrent (after ${WARMUP} warm-up)`,
      '',
      '| app | p50 | p99 | max | throughput | failures |',
      '|---|---|---|---|---|---|',
      row('bare Bolt (ack + 1 DM)', bare),
      row('Pushpull /pull @manager', ours),
      '',
      `p99 ratio (ours ÷ bare): ${(ours.p99 / bare.p99).toFixed(2)}× (target ≤ 1.2×)`,
      `throughput ratio (ours ÷ bare): ${(ours.perSecond / bare.perSecond).toFixed(2)}× (target ≥ 0.8×)`,
    ];
  } finally {
    await fake.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
