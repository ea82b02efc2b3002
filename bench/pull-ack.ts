// `/pull @manager text` acknowledgement latency and throughput, ours beside a bare Bolt app, in one run.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { FakeSlack } from '../test/support/fake-slack.js';
import { BOT_TOKEN, SIGNING_SECRET, tempDir } from '../test/support/harness.js';
import { spawnPushpull } from '../test/support/process.js';
import { SlackDriver } from '../test/support/slack-driver.js';
import { sampleCpu, spentBy } from './cpu.js';
import { type LoadResult, load, ms } from './stats.js';

const REQUESTS = 2000;
const CONCURRENCY = 16;
const WARMUP = 200;

/** A run's latencies and throughput, and the app's own CPU per request (its ack and its DM, from /proc). */
type Measured = LoadResult & { cpuMsPerRequest: number };

/** Resolves once the fake has taken `count` DMs: the last requests' DMs go out after their acks. */
async function dmsLanded(fake: FakeSlack, count: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (fake.callsTo('chat.postMessage').length < count) {
    if (Date.now() > deadline)
      throw new Error(`only ${fake.callsTo('chat.postMessage').length} of ${count} DMs landed`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function measure(name: string, script: string, fake: FakeSlack, dir: string): Promise<Measured> {
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
    fake.reset();
    await load(WARMUP, CONCURRENCY, send);
    await dmsLanded(fake, WARMUP);
    const pid = child.pid ?? 0;
    const before = sampleCpu([pid]);
    const result = await load(REQUESTS, CONCURRENCY, (i) => send(i + WARMUP));
    // Every request did the whole of its work: one DM each (a refused pull would be acked, and DM nobody).
    await dmsLanded(fake, WARMUP + REQUESTS);
    const cpuMsPerRequest = spentBy(before, sampleCpu([pid]), [pid]) / REQUESTS;
    return { ...result, cpuMsPerRequest };
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
    const row = (label: string, r: Measured) =>
      `| ${label} | ${ms(r.p50)} | ${ms(r.p99)} | ${ms(r.max)} | ${r.perSecond.toFixed(0)}/s | ${r.cpuMsPerRequest.toFixed(2)} ms | ${r.failures} |`;
    return [
      `## /pull acknowledgement — ${REQUESTS} signed requests, ${CONCURRENCY} concurrent (after ${WARMUP} warm-up)`,
      '',
      '| app | p50 | p99 | max | throughput | app CPU per request | failures |',
      '|---|---|---|---|---|---|---|',
      row('bare Bolt (ack + 1 DM)', bare),
      row('Pushpull /pull @manager', ours),
      '',
      `p99 ratio (ours ÷ bare): ${(ours.p99 / bare.p99).toFixed(2)}× (target ≤ 1.2×)`,
      `throughput ratio (ours ÷ bare): ${(ours.perSecond / bare.perSecond).toFixed(2)}× (target ≥ 0.8×)`,
      `app CPU per request (ours ÷ bare): ${(ours.cpuMsPerRequest / bare.cpuMsPerRequest).toFixed(2)}×; the load generator and the fake Slack share the same two cores`,
    ];
  } finally {
    await fake.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
