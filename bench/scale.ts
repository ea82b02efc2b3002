// Growing with the company: every figure on a small database beside the same figure on a 20,000-person one
// with two years of data (bench/generate-large.ts), in one run. Target: large within 1.5× of small.
import { copyFileSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { webApi } from '@slack/bolt';
import { loadConfig } from '../src/config.js';
import { applyMigrations, backupDatabase, openDatabase, type SqliteStore } from '../src/db/client.js';
import { forgetPerson } from '../src/domain/forget.js';
import { createLogger } from '../src/logger.js';
import {
  digestContentFor,
  refreshStaleProfiles,
  sendDigests,
  sendOverdueReminders,
} from '../src/scheduler/digest.js';
import type { Deps } from '../src/slack/deps.js';
import { FakeSlack } from '../test/support/fake-slack.js';
import { BOT_TOKEN, SIGNING_SECRET, tempDir } from '../test/support/harness.js';
import { spawnPushpull } from '../test/support/process.js';
import { SlackDriver } from '../test/support/slack-driver.js';
import {
  busiestManager,
  databaseFor,
  FISCAL_YEAR_START_MONTH,
  LARGE,
  memberId,
  NOW,
  type Shape,
  SMALL,
} from './generate-large.js';
import { load, ms, percentile } from './stats.js';

const PULLS = 600;
const PULL_WARMUP = 100;
const CONCURRENCY = 8;
const LISTS = 100;
const HOME_OPENS = 30;
const FORGOTTEN = 5;
const IN_PROCESS_RUNS = 11;
const BACKUP_WRITES_PER_SECOND = 10;
/** A backup still copying after this long is reported as not finished. */
const BACKUP_GIVE_UP_MS = 60_000;
const TARGET = 1.5;

interface Figures {
  pullP50: number;
  pullP99: number;
  list: number;
  home: number;
  digest: number;
  tick: number;
  forget: number;
  /** The same per row it deletes (a heavy manager of the large database has more rows than one of the small). */
  forgetPerRow: number;
  forgetRows: number;
  /** Undefined when it did not finish within BACKUP_GIVE_UP_MS. */
  backup: number | undefined;
  /** The same with SQLite's online backup API (what `pushpull backup` used before). */
  onlineBackup: number | undefined;
  rssMb: number;
  sizeMb: number;
  busiest: { id: string; pulls: number };
}

const median = (values: number[]) =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );

async function timedAsync(run: () => Promise<unknown>, times = IN_PROCESS_RUNS): Promise<number> {
  const runs: number[] = [];
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    await run();
    runs.push(performance.now() - started);
  }
  return median(runs);
}

/** A digest day later this week (Saturday at the weekend), so the bot's own tick stays idle during the run on weekdays. */
function laterWeekday(now: number): string {
  const days = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
  const today = new Date(now).getUTCDay();
  return today === 0 || today === 6 ? 'saturday' : (days[Math.min(6, today + 2)] ?? 'saturday');
}

function rssMb(pid: number | undefined): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]) / 1024;
}

/** The first views.publish for `userId` among the calls after the first `seen`. */
async function publishedFor(fake: FakeSlack, userId: string, seen: number) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const call = fake.calls
      .slice(seen)
      .find((c) => c.method === 'views.publish' && c.args.user_id === userId);
    if (call) return call;
    if (Date.now() > deadline) throw new Error(`no views.publish for ${userId} within 30 s`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** The in-process figures: digest content and the idle scheduler tick, on the app's own code. */
async function inProcess(store: SqliteStore, busiest: string, fake: FakeSlack) {
  const config = loadConfig({
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: fake.apiUrl,
    DATABASE_URL: `file:${store.path}`,
    DIGEST_DAY: 'friday',
    DIGEST_TIME: '09:00',
    FISCAL_YEAR_START_MONTH: String(FISCAL_YEAR_START_MONTH),
  });
  const logger = createLogger({ level: 'error', format: 'json', write: () => {} });
  const deps: Deps = { db: store.db, config, logger, clock: () => NOW };
  const client = new webApi.WebClient(BOT_TOKEN, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } });
  const digest = await timedAsync(() => digestContentFor(deps, busiest, NOW));
  const before = fake.calls.length;
  const tick = await timedAsync(async () => {
    await sendDigests({ deps, client });
    await sendOverdueReminders({ deps, client });
    await refreshStaleProfiles({ deps, client });
  });
  if (fake.calls.length !== before) {
    throw new Error(`the idle tick called Slack: ${fake.calls.slice(before).map((c) => c.method)}`);
  }
  return { digest, tick };
}

async function measure(shape: Shape, fake: FakeSlack, dir: string): Promise<Figures> {
  const cached = databaseFor(shape).file;
  const file = join(dir, `${shape.name}.db`);
  copyFileSync(cached, file);
  const sizeMb = statSync(file).size / 1024 / 1024;
  const busiest = busiestManager(file);

  const store = openDatabase(file);
  applyMigrations(store);
  const { digest, tick } = await inProcess(store, busiest.id, fake);

  const env = {
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: fake.apiUrl,
    DATABASE_URL: `file:${file}`,
    LOG_LEVEL: 'info',
    DIGEST_DAY: laterWeekday(Date.now()),
    DIGEST_TIME: '23:59',
  };
  const bot = await spawnPushpull(env);
  try {
    const slack = new SlackDriver(`http://127.0.0.1:${bot.port}`, SIGNING_SECRET, fake);
    const managers = Math.min(50, shape.managers);
    // Requesters from the people in the database, 10 each at most: under the per-person limit a minute.
    const requesters = Math.ceil((PULLS + PULL_WARMUP) / 9);
    const send = async (i: number) => {
      const res = await slack.command(
        '/pull',
        `<@${memberId(i % managers)}> scale bench ${i}`,
        memberId(shape.managers + (i % Math.min(requesters, shape.members - shape.managers))),
      );
      if (res.status !== 200) throw new Error(`status ${res.status}`);
      return res.ms;
    };
    await load(PULL_WARMUP, CONCURRENCY, send);
    const pull = await load(PULLS, CONCURRENCY, (i) => send(i + PULL_WARMUP));
    if (pull.failures > 0)
      throw new Error(`${pull.failures} /pull requests failed on the ${shape.name} database`);

    const listOnce = async () => {
      const res = await slack.command('/pull', 'list', busiest.id);
      if (res.status !== 200) throw new Error(`status ${res.status}`);
      return res.ms;
    };
    await load(5, 1, listOnce);
    const list = await load(LISTS, 1, listOnce);

    // Home: app_home_opened for the busiest manager until the fake Slack receives their views.publish.
    const homes: number[] = [];
    for (let i = 0; i < HOME_OPENS; i++) {
      const seen = fake.calls.length;
      const started = Date.now();
      const res = await slack.event({
        type: 'app_home_opened',
        user: busiest.id,
        tab: 'home',
        channel: 'D1',
      });
      if (res.status !== 200) throw new Error(`app_home_opened: status ${res.status}`);
      const published = await publishedFor(fake, busiest.id, seen);
      homes.push(published.at - started);
    }
    const rss = rssMb(bot.child.pid);

    // Backups from a second connection while the bot takes 10 pulls a second (each from someone new, so
    // the per-person limit never refuses one): Pushpull's, and SQLite's online backup API it replaced.
    let backupWrites = 0;
    const underWrites = async (copy: (target: string, gaveUp: () => boolean) => Promise<unknown>) => {
      let writing = true;
      const writer = (async () => {
        while (writing) {
          const next = performance.now() + 1000 / BACKUP_WRITES_PER_SECOND;
          const i = backupWrites++;
          await slack.command('/pull', `<@${busiest.id}> written during a backup ${i}`, `UBACKUP${i % 2000}`);
          await new Promise((r) => setTimeout(r, Math.max(0, next - performance.now())));
        }
      })();
      const target = join(dir, `${shape.name}-backup.db`);
      const started = performance.now();
      let gaveUp = false;
      const timer = setTimeout(() => {
        gaveUp = true;
      }, BACKUP_GIVE_UP_MS);
      try {
        await copy(target, () => gaveUp);
        return gaveUp ? undefined : performance.now() - started;
      } catch (error) {
        if (gaveUp) return undefined;
        throw error;
      } finally {
        clearTimeout(timer);
        writing = false;
        await writer;
        rmSync(target, { force: true });
      }
    };
    const backup = await underWrites((target) => {
      const reader = openDatabase(file);
      return backupDatabase(reader, target).finally(() => reader.close());
    });
    const onlineBackup = await underWrites((target, gaveUp) => {
      const reader = openDatabase(file);
      return reader.sqlite
        .backup(target, {
          progress: () => {
            if (gaveUp()) throw new Error('gave up');
            return 100;
          },
        })
        .finally(() => reader.close());
    });

    bot.child.kill('SIGTERM');
    await new Promise((r) => bot.child.once('exit', r));
    // Forget the heaviest managers: their pulls, pushes, updates and recognitions, in one transaction each.
    // The writes of the runs above are checkpointed first, so forget is not billed for copying them.
    store.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    const heaviest = store.sqlite
      .prepare(
        'SELECT manager_id AS id FROM pulls GROUP BY manager_id ORDER BY count(*) DESC, manager_id LIMIT ?',
      )
      .pluck()
      .all(FORGOTTEN) as string[];
    const forgetting: number[] = [];
    const perRow: number[] = [];
    const rowsGone: number[] = [];
    for (const id of heaviest) {
      const started = performance.now();
      const gone = await forgetPerson(store.db, id);
      const took = performance.now() - started;
      const rows =
        gone.pulls +
        gone.pushes +
        gone.pushUpdates +
        gone.recognitions +
        gone.agreements +
        (gone.member ? 1 : 0);
      forgetting.push(took);
      perRow.push(took / rows);
      rowsGone.push(rows);
    }
    const forget = median(forgetting);
    await store.close();
    return {
      pullP50: pull.p50,
      pullP99: pull.p99,
      list: list.p50,
      home: median(homes),
      digest,
      tick,
      forget,
      forgetPerRow: median(perRow),
      forgetRows: median(rowsGone),
      backup,
      onlineBackup,
      rssMb: rss,
      sizeMb,
      busiest,
    };
  } finally {
    if (bot.child.exitCode === null && bot.child.signalCode === null) {
      bot.child.kill('SIGKILL');
      await new Promise((r) => bot.child.once('exit', r));
    }
    await store.close();
    rmSync(file, { force: true });
    for (const suffix of ['-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
  }
}

export async function benchScale(): Promise<string[]> {
  const generated: string[] = [];
  for (const shape of [SMALL, LARGE]) {
    const { generatedMs } = databaseFor(shape);
    if (generatedMs !== undefined)
      generated.push(`${shape.name} generated in ${(generatedMs / 1000).toFixed(1)} s`);
  }
  const fake = await new FakeSlack().start();
  const dir = tempDir('pushpull-bench-scale-');
  try {
    const small = await measure(SMALL, fake, dir);
    const large = await measure(LARGE, fake, dir);
    const row = (label: string, s: number | undefined, l: number | undefined, format = ms, target = true) => {
      const ratio = s !== undefined && l !== undefined ? l / s : undefined;
      const verdict = !target
        ? ''
        : ratio === undefined
          ? 'did not finish'
          : ratio <= TARGET
            ? 'met'
            : 'missed';
      const show = (v: number | undefined) =>
        v === undefined ? `did not finish in ${BACKUP_GIVE_UP_MS / 1000} s` : format(v);
      return `| ${label} | ${show(s)} | ${show(l)} | ${ratio === undefined ? '—' : `${ratio.toFixed(2)}×`} | ${target ? `≤ ${TARGET}× (${verdict})` : '—'} |`;
    };
    const mb = (v: number) => `${v.toFixed(0)} MB`;
    const shapeOf = (s: Shape, f: Figures) =>
      `${s.members.toLocaleString('en')} members, ${s.managers.toLocaleString('en')} managers, ${s.pulls.toLocaleString('en')} pulls, ${s.pushes.toLocaleString('en')} pushes, ${s.pushUpdates.toLocaleString('en')} updates, ${s.recognitions.toLocaleString('en')} recognitions (${mb(f.sizeMb)}; busiest manager ${f.busiest.pulls} pulls)`;
    return [
      '## Scale — a small database beside a 20,000-person one with two years of data, one run',
      '',
      `Small: ${shapeOf(SMALL, small)}.`,
      `Large: ${shapeOf(LARGE, large)}.`,
      ...(generated.length > 0
        ? [`(${generated.join('; ')}; cached in bench/.cache for the next run.)`]
        : []),
      '',
      '| figure | small | large | large ÷ small | target |',
      '|---|---|---|---|---|',
      row(
        `/pull ack p50 (${PULLS} signed requests, ${CONCURRENCY} concurrent)`,
        small.pullP50,
        large.pullP50,
      ),
      row('/pull ack p99', small.pullP99, large.pullP99),
      row(`/pull list ack, busiest manager (p50 of ${LISTS})`, small.list, large.list),
      row(
        `Home: app_home_opened → views.publish, busiest manager (median of ${HOME_OPENS})`,
        small.home,
        large.home,
      ),
      row(`digest content, busiest manager (median of ${IN_PROCESS_RUNS})`, small.digest, large.digest),
      row('idle scheduler tick (digests, reminders, profile refresh), nobody due', small.tick, large.tick),
      row(
        `forget a heavy manager, per row it deletes (the ${FORGOTTEN} busiest: a median ${small.forgetRows} rows small, ${large.forgetRows} large)`,
        small.forgetPerRow,
        large.forgetPerRow,
        (v) => `${(v * 1000).toFixed(0)} µs`,
      ),
      row(
        `forget a heavy manager, whole (median of the ${FORGOTTEN} busiest; their rows differ, above)`,
        small.forget,
        large.forget,
        ms,
        false,
      ),
      row(
        `backup (VACUUM INTO) under ${BACKUP_WRITES_PER_SECOND} /pull a second; target: finishes`,
        small.backup,
        large.backup,
        ms,
        false,
      ),
      row(
        `before: SQLite's online backup API under the same writes (gives up after ${BACKUP_GIVE_UP_MS / 1000} s)`,
        small.onlineBackup,
        large.onlineBackup,
        ms,
        false,
      ),
      row('bot RSS after the /pull, list and Home runs', small.rssMb, large.rssMb, mb),
    ];
  } finally {
    await fake.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
