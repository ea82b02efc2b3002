// 200 concurrent /pull requests against the real process: ack latency, and a count of rows afterwards.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '../src/db/client.js';
import { tables } from '../src/db/store.js';
import { FakeSlack } from '../test/support/fake-slack.js';
import { BOT_TOKEN, SIGNING_SECRET, tempDir } from '../test/support/harness.js';
import { spawnPushpull } from '../test/support/process.js';
import { SlackDriver } from '../test/support/slack-driver.js';
import { load, ms, percentile } from './stats.js';

const CONCURRENCY = 200;
const BURSTS = 10;
const REQUESTS = CONCURRENCY * BURSTS;
const SLACK_DEADLINE_MS = 3000;

export async function benchLoad(): Promise<string[]> {
  const fake = await new FakeSlack().start();
  const dir = tempDir('pushpull-bench-load-');
  const dbPath = join(dir, 'load.db');
  const { child, port } = await spawnPushpull({
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: fake.apiUrl,
    DATABASE_URL: `file:${dbPath}`,
    LOG_LEVEL: 'info',
  });
  try {
    const slack = new SlackDriver(`http://127.0.0.1:${port}`, SIGNING_SECRET, fake);
    let late = 0;
    const send = async (i: number) => {
      const res = await slack.command(
        '/pull',
        `<@UMGR${String(i % 100).padStart(4, '0')}> load ${i}`,
        `UREQ${String(i % 500).padStart(4, '0')}`,
      );
      if (res.status !== 200) throw new Error(`status ${res.status}`);
      if (res.ms > SLACK_DEADLINE_MS) late += 1;
      return res.ms;
    };
    // Bursts of 200 requests at the same instant, as when a whole org answers one announcement; each
    // burst's DMs are still going out when the next arrives, 500 ms later.
    const bursts = [];
    for (let b = 0; b < BURSTS; b++) {
      bursts.push(await load(CONCURRENCY, CONCURRENCY, (i) => send(b * CONCURRENCY + i)));
      await new Promise((r) => setTimeout(r, 500));
    }
    const all = bursts.flatMap((r) => r.latencies).sort((a, b) => a - b);
    const result = {
      p50: percentile(all, 50),
      p99: percentile(all, 99),
      max: all.at(-1) ?? Number.NaN,
      failures: bursts.reduce((n, r) => n + r.failures, 0),
      burstSeconds: bursts.map((r) => r.count / r.perSecond),
    };
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    const store = openDatabase(dbPath);
    const { pulls } = tables(store.db);
    const rows = (await store.db.select({ need: pulls.need }).from(pulls)).length;
    await store.close();
    return [
      `## Load — ${BURSTS} bursts of ${CONCURRENCY} concurrent /pull requests, one process`,
      '',
      '| figure | value |',
      '|---|---|',
      `| ack latency p50 | ${ms(result.p50)} |`,
      `| ack latency p99 | ${ms(result.p99)} |`,
      `| ack latency max | ${ms(result.max)} |`,
      `| acked after Slack's 3 s deadline | ${late} |`,
      `| failed requests | ${result.failures} |`,
      `| slowest burst, first request sent to last ack | ${ms(Math.max(...result.burstSeconds) * 1000)} |`,
      `| pulls in the database afterwards | ${rows} of ${REQUESTS} (lost: ${REQUESTS - rows}) |`,
    ];
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await fake.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
