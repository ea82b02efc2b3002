// `npm run bench -- postgres`: /pull acknowledgement on SQLite, on PostgreSQL with one instance, and on PostgreSQL
// with three instances behind a round-robin balancer, in one run: first saturated (a closed loop, 16 in flight: the
// headline, mostly queueing behind the CPU), then on the same warm instances at a steady 50 requests a second (an
// open loop, well under saturation: what a person waits for on a machine that is not flat out); then the weekly
// digest fan-out across three instances against the fake Slack's 20 posts a second. Every instance is a real
// `pushpull start` process; each PostgreSQL figure gets a fresh database on the local server (bench/pg-server.ts),
// dropped at the end. Where the CPU goes is read from /proc, so a missed scaling target says what limits it.
// BENCH_LOGS=<folder> keeps the fan-out instances' logs there; BENCH_DATABASE_URL names another server (bench/pg-server.ts).
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyPostgresMigrations, openPostgres } from '../src/db/postgres.js';
import { WEEKDAYS } from '../src/domain/schedule.js';
import { FakeSlack } from '../test/support/fake-slack.js';
import { BOT_TOKEN, SIGNING_SECRET, tempDir } from '../test/support/harness.js';
import { SlackDriver } from '../test/support/slack-driver.js';
import { CORES, type CpuSample, sampleCpu, spentBy } from './cpu.js';
import { seedManagers, TIER_LIMITS } from './digest-fanout.js';
import { type OpenLoopResult, openLoop } from './open-loop.js';
import { PgServer } from './pg-server.js';
import { type Running, startProcesses, stopProcess } from './processes.js';
import { type LoadResult, load, ms } from './stats.js';

const REQUESTS = 2000;
/** The measured requests stop early after this long: a busy machine must not stretch the bench past minutes. */
const MEASURE_MS = 20_000;
const CONCURRENCY = 16;
/** Per instance: each process warms its own JIT and pool. */
const WARMUP = 200;
const INSTANCES = 3;
/** The open-loop figure: requests a second, well under one instance's saturated throughput on this machine. */
const OPEN_RATE = 50;
/** On schedule before the measured window, so a queue left from the saturated run has drained. */
const OPEN_WARMUP_MS = 2000;
const OPEN_MEASURE_MS = 10_000;
/** Open-loop requests still unanswered this long after the last was due count as failures. */
const OPEN_SETTLE_MS = 30_000;

const MANAGERS = 1000;
const POST_PER_SECOND = 20;
/** The fan-out is over once every manager has a digest and no post has arrived for this long (late copies count). */
const QUIET_MS = 3000;
/** Nothing posted this long after the instances started: the digest was not due, and the run says so. */
const NOTHING_POSTED_MS = 30_000;
const FAN_OUT_GIVE_UP_MS = 150_000;

const P99_TARGET = 1.5;
const SCALE_TARGET = 2;
const FLOOR_TARGET = 1.1;

/** CPU ms per acknowledged request, by part, over the measured requests (warm-up excluded). */
interface CpuPerRequest {
  app: number;
  balancer: number;
  backends: number;
  background: number;
  bench: number;
  other: number;
  /** Share of every core's time that was busy, whoever used it. */
  machineBusy: number;
}

interface AckRun {
  instances: number;
  result: LoadResult;
  /** Why requests failed (status or error), with how many. */
  failures: Map<string, number>;
  cpu: CpuPerRequest;
  /** Requests the balancer gave each instance (one instance: undefined). */
  given?: number[];
  /** At OPEN_RATE requests a second (open loop), on the same instances after the saturated run. */
  open: OpenLoopResult;
  /** Why open-loop requests failed (status or error), with how many; unanswered ones are counted apart. */
  openFailures: Map<string, number>;
  /** Share of every core's time that was busy during the open-loop run, whoever used it. */
  openMachineBusy: number;
}

/** The weekday `days` after today in UTC, as DIGEST_DAY reads it (Sunday is 0 to getUTCDay, last of WEEKDAYS). */
const weekdayIn = (days: number) => WEEKDAYS[(new Date().getUTCDay() + 6 + days) % 7] ?? 'monday';

const baseEnv = (fake: FakeSlack, databaseUrl: string): Record<string, string> => ({
  SLACK_BOT_TOKEN: BOT_TOKEN,
  SLACK_SIGNING_SECRET: SIGNING_SECRET,
  SLACK_API_URL: fake.apiUrl,
  DATABASE_URL: databaseUrl,
  LOG_LEVEL: 'info',
  DEFAULT_TIMEZONE: 'UTC',
  // Days away, late in the day: no digest or reminder tick sends anything during the ack runs.
  DIGEST_DAY: weekdayIn(3),
  DIGEST_TIME: '23:59',
});

/** /pull acks against `count` instances on `databaseUrl` (several: through the balancer), with CPU per part. */
async function measureAck(
  fake: FakeSlack,
  databaseUrl: string,
  count: number,
  server?: { pg: PgServer; database: string },
): Promise<AckRun> {
  // Together: instances on one database take turns to migrate (an advisory lock), as in a rolling deploy.
  const started = await startProcesses(count, baseEnv(fake, databaseUrl));
  let balancer: Running | undefined;
  try {
    if (count > 1) {
      [balancer] = await startProcesses(
        1,
        { BALANCE_TO: started.map((s) => s.port).join(',') },
        'bench/balancer.ts',
        [],
      );
    }
    const port = balancer?.port ?? started[0]?.port;
    const slack = new SlackDriver(`http://127.0.0.1:${port}`, SIGNING_SECRET, fake);
    const warmup = WARMUP * count;
    // At most 9 pulls each, whatever the run: under the per-person limit of PULLS_PER_MINUTE.
    const requesters = Math.ceil((warmup + REQUESTS) / 9);
    const failures = new Map<string, number>();
    const sendAs = async (i: number, requester: string, failed: Map<string, number>) => {
      let reason: string;
      try {
        const res = await slack.command(
          '/pull',
          `<@UMGR${String(i % 50).padStart(4, '0')}> bench request ${i}`,
          requester,
        );
        if (res.status === 200) return res.ms;
        reason = `status ${res.status}`;
      } catch (error) {
        reason = (error as Error).cause instanceof Error ? String((error as Error).cause) : String(error);
      }
      failed.set(reason, (failed.get(reason) ?? 0) + 1);
      throw new Error(reason);
    };
    const send = (i: number) => sendAs(i, `UREQ${String(i % requesters).padStart(5, '0')}`, failures);
    await load(warmup, CONCURRENCY, send);

    const appPids = started.map((s) => s.child.pid ?? 0);
    const balancerPids = balancer?.child.pid ? [balancer.child.pid] : [];
    const serverPids = async () =>
      server
        ? { backends: await server.pg.backends(server.database), background: await server.pg.background() }
        : { backends: [], background: [] };
    const pidsBefore = await serverPids();
    const before = sampleCpu([...appPids, ...balancerPids, ...pidsBefore.backends, ...pidsBefore.background]);
    failures.clear();
    const deadline = performance.now() + MEASURE_MS;
    const result = await load(REQUESTS, CONCURRENCY, (i) =>
      performance.now() < deadline ? send(i + warmup) : Promise.reject(new Error('not sent: time is up')),
    );
    // Requests never sent are not failures: `load` counted them as such.
    result.failures = [...failures.values()].reduce((a, b) => a + b, 0);
    // The server's pids are listed again after: a backend that connected during the run counts too.
    const pidsAfter = await serverPids();
    const after = sampleCpu([
      ...appPids,
      ...balancerPids,
      ...pidsBefore.backends,
      ...pidsAfter.backends,
      ...pidsBefore.background,
    ]);
    const cpu = cpuPerRequest(before, after, result.count, {
      app: appPids,
      balancer: balancerPids,
      backends: [...pidsBefore.backends, ...pidsAfter.backends],
      background: pidsBefore.background,
    });
    let given: number[] | undefined;
    if (balancer) {
      const res = await fetch(`http://127.0.0.1:${balancer.port}/__balancer`);
      given = ((await res.json()) as { given: number[] }).given;
    }

    // Requesters of their own (UOPEN…), at most 9 pulls each: the saturated run's pulls of the last minute do not
    // count against them.
    const openFailures = new Map<string, number>();
    const openRequesters = Math.ceil((OPEN_RATE * (OPEN_WARMUP_MS + OPEN_MEASURE_MS)) / 1000 / 9);
    const openBefore = sampleCpu([]);
    const open = await openLoop(
      OPEN_RATE,
      OPEN_WARMUP_MS,
      OPEN_MEASURE_MS,
      (i) => sendAs(i, `UOPEN${String(i % openRequesters).padStart(5, '0')}`, openFailures),
      OPEN_SETTLE_MS,
    );
    const openAfter = sampleCpu([]);
    const openTotal = openAfter.machine.total - openBefore.machine.total;
    const openMachineBusy =
      openTotal > 0 ? (openAfter.machine.busy - openBefore.machine.busy) / openTotal : Number.NaN;
    return { instances: count, result, failures, cpu, given, open, openFailures, openMachineBusy };
  } finally {
    if (balancer) await stopProcess(balancer.child);
    await Promise.all(started.map((s) => stopProcess(s.child)));
  }
}

function cpuPerRequest(
  before: CpuSample,
  after: CpuSample,
  requests: number,
  pids: { app: number[]; balancer: number[]; backends: number[]; background: number[] },
): CpuPerRequest {
  const app = spentBy(before, after, pids.app);
  const balancer = spentBy(before, after, pids.balancer);
  const backends = spentBy(before, after, pids.backends);
  const background = spentBy(before, after, pids.background);
  const bench = after.self - before.self;
  const busy = after.machine.busy - before.machine.busy;
  const total = after.machine.total - before.machine.total;
  const per = (v: number) => v / requests;
  return {
    app: per(app),
    balancer: per(balancer),
    backends: per(backends),
    background: per(background),
    bench: per(bench),
    // Other sessions on the machine (and /proc's tick rounding); never below zero.
    other: per(Math.max(0, busy - app - balancer - backends - background - bench)),
    machineBusy: total > 0 ? busy / total : Number.NaN,
  };
}

/** CPU ms a request costs in the parts this bench runs (the load generator and fake Slack included). */
const ownCpu = (c: CpuPerRequest) => c.app + c.balancer + c.backends + c.background + c.bench;

/**
 * Requests a second the CPU allows if nothing else ran: the machine's cores shared by every part, and each
 * Pushpull process on one core at most (its JavaScript runs on one thread).
 */
const ceiling = (r: AckRun) => Math.min((CORES * 1000) / ownCpu(r.cpu), (r.instances * 1000) / r.cpu.app);

interface FanOutFigures {
  reached: number;
  delivered: number;
  /** First to last delivered digest, seconds. */
  span: number;
  /** Instances started to last delivered digest, seconds. */
  launchToLast: number;
  refused: Map<string, number>;
  rateLimited: number;
  /** Digests each instance says it sent (its `digest tick` log lines). */
  sentBy: number[];
  /** Most chat.postMessage calls (landed or refused) in any one second, all instances together. */
  busiestSecond: number;
  /** Seconds after the first post at which a 429 came back. */
  refusedAt: number[];
  /** Digests delivered in each 10 s from the first. */
  perTenSeconds: number[];
  /** Share of the machine's cores busy during the fan-out, and the part the instances and PostgreSQL took. */
  cpu: { machine: number; instances: number; postgres: number };
  gaveUp?: string;
}

/** Digests sent, from an instance's JSON log: the sum over its `digest tick` lines. */
function sentIn(output: string): number {
  let sent = 0;
  for (const line of output.split('\n')) {
    if (!line.includes('"digest tick"')) continue;
    try {
      sent += Number((JSON.parse(line) as { sent?: number }).sent ?? 0);
    } catch {
      // Not a log line of ours.
    }
  }
  return sent;
}

/**
 * Three instances start on one database where 1,000 digests are due (digest day today, 00:00 UTC): each one's
 * scheduler catches up at start, so the fan-out is theirs to share, with whatever coordination the app has.
 */
async function fanOut(pg: PgServer): Promise<FanOutFigures> {
  const database = await pg.createDatabase('fanout');
  await applyPostgresMigrations(database.url);
  const store = openPostgres(database.url, { poolSize: 2 });
  try {
    await seedManagers(store.db, MANAGERS);
  } finally {
    await store.close();
  }
  const fake = await new FakeSlack().start();
  let started: Running[] = [];
  try {
    fake.rateLimit('chat.postMessage', POST_PER_SECOND);
    for (const [method, limit] of Object.entries(TIER_LIMITS)) fake.rateLimit(method, limit);
    const env = {
      ...baseEnv(fake, database.url),
      DIGEST_DAY: weekdayIn(0),
      DIGEST_TIME: '00:00',
      // Each instance is told the fake's limits, the way an operator would tell it a workspace's.
      SLACK_PACE: [
        `chat.postMessage=${POST_PER_SECOND}/s`,
        ...Object.entries(TIER_LIMITS).map(([method, limit]) => `${method}=${limit}/s`),
      ].join(','),
    };
    const launched = Date.now();
    started = await startProcesses(INSTANCES, env);
    const allUp = Date.now();
    const instancePids = started.map((s) => s.child.pid ?? 0);
    const serverPids = async () => [...(await pg.backends(database.name)), ...(await pg.background())];
    const pidsBefore = await serverPids();
    const before = sampleCpu([...instancePids, ...pidsBefore]);
    const posts = () => fake.calls.filter((c) => c.method.startsWith('chat.postMessage'));
    const reachedNow = () => new Set(fake.callsTo('chat.postMessage').map((c) => c.args.channel)).size;
    let gaveUp: string | undefined;
    for (;;) {
      await new Promise((r) => setTimeout(r, 200));
      const now = Date.now();
      const last = posts().at(-1)?.at;
      if (reachedNow() >= MANAGERS && last !== undefined && now - last >= QUIET_MS) break;
      if (last === undefined && now - allUp > NOTHING_POSTED_MS) {
        gaveUp = `no digest posted ${NOTHING_POSTED_MS / 1000} s after the instances started`;
        break;
      }
      if (now - launched > FAN_OUT_GIVE_UP_MS) {
        gaveUp = `stopped after ${FAN_OUT_GIVE_UP_MS / 1000} s`;
        break;
      }
    }
    const pidsAfter = await serverPids();
    const after = sampleCpu([...instancePids, ...pidsBefore, ...pidsAfter]);
    const coreMs = after.at - before.at;
    const cpu = {
      machine: (after.machine.busy - before.machine.busy) / (after.machine.total - before.machine.total),
      instances: spentBy(before, after, instancePids) / (coreMs * CORES),
      postgres: spentBy(before, after, [...pidsBefore, ...pidsAfter]) / (coreMs * CORES),
    };
    await Promise.all(started.map((s) => stopProcess(s.child)));
    if (process.env.BENCH_LOGS) {
      started.forEach((s, i) => {
        writeFileSync(join(process.env.BENCH_LOGS ?? '', `fan-out-instance-${i + 1}.log`), s.output());
      });
    }
    const delivered = fake.callsTo('chat.postMessage');
    const first = delivered[0]?.at ?? launched;
    const lastAt = delivered.at(-1)?.at ?? launched;
    const refused = new Map<string, number>();
    for (const call of fake.calls) {
      if (call.method.endsWith('#429')) {
        const method = call.method.slice(0, -'#429'.length);
        refused.set(method, (refused.get(method) ?? 0) + 1);
      }
    }
    const attempts = posts().map((c) => c.at);
    let busiestSecond = 0;
    for (let i = 0, j = 0; i < attempts.length; i++) {
      while ((attempts[j] ?? 0) <= (attempts[i] ?? 0) - 1000) j++;
      busiestSecond = Math.max(busiestSecond, i - j + 1);
    }
    const perTenSeconds: number[] = [];
    for (const call of delivered) {
      const bucket = Math.floor((call.at - first) / 10_000);
      perTenSeconds[bucket] = (perTenSeconds[bucket] ?? 0) + 1;
    }
    return {
      reached: reachedNow(),
      delivered: delivered.length,
      span: (lastAt - first) / 1000,
      launchToLast: (lastAt - launched) / 1000,
      refused,
      rateLimited: fake.rateLimitedCount,
      sentBy: started.map((s) => sentIn(s.output())),
      busiestSecond,
      refusedAt: fake.calls.filter((c) => c.method.endsWith('#429')).map((c) => (c.at - first) / 1000),
      perTenSeconds: Array.from(perTenSeconds, (n) => n ?? 0),
      cpu,
      gaveUp,
    };
  } finally {
    await Promise.all(started.map((s) => stopProcess(s.child)));
    await fake.stop();
  }
}

const verdict = (met: boolean) => (met ? 'met' : 'missed');
const pct = (share: number) => `${(share * 100).toFixed(0)}%`;

export async function benchPostgres(): Promise<string[]> {
  const pg = await PgServer.connect();
  const fake = await new FakeSlack().start();
  const dir = tempDir('pushpull-bench-pg-');
  try {
    const sqlite = await measureAck(fake, `file:${join(dir, 'ack.db')}`, 1);
    fake.reset();
    const oneDb = await pg.createDatabase('one');
    const one = await measureAck(fake, oneDb.url, 1, { pg, database: oneDb.name });
    fake.reset();
    const threeDb = await pg.createDatabase('three');
    const three = await measureAck(fake, threeDb.url, INSTANCES, { pg, database: threeDb.name });
    const digest = await fanOut(pg);

    const failed = (r: AckRun) =>
      r.failures.size === 0 ? '0' : [...r.failures].map(([why, n]) => `${n} (${why})`).join(', ');
    const row = (label: string, r: AckRun) =>
      `| ${label} | ${r.result.count} | ${ms(r.result.p50)} | ${ms(r.result.p99)} | ${ms(r.result.max)} | ${r.result.perSecond.toFixed(0)}/s | ${failed(r)} | ${r.given?.join(' / ') ?? '—'} |`;
    const cpuMs = (v: number) => v.toFixed(2);
    const cpuRow = (label: string, r: AckRun) =>
      `| ${label} | ${cpuMs(r.cpu.app)} | ${cpuMs(r.cpu.balancer)} | ${cpuMs(r.cpu.backends)} | ${cpuMs(r.cpu.background)} | ${cpuMs(r.cpu.bench)} | ${cpuMs(r.cpu.other)} | ${(r.cpu.machineBusy * 100).toFixed(0)}% | ${ceiling(r).toFixed(0)}/s |`;
    const p99Ratio = one.result.p99 / sqlite.result.p99;
    const openP99Ratio = one.open.p99 / sqlite.open.p99;
    const openFailed = (r: AckRun) => {
      const unanswered = r.open.failures - [...r.openFailures.values()].reduce((a, b) => a + b, 0);
      const reasons = [...r.openFailures].map(([why, n]) => `${n} (${why})`);
      if (unanswered > 0) reasons.push(`${unanswered} (no answer within ${OPEN_SETTLE_MS / 1000} s)`);
      return reasons.length === 0 ? '0' : reasons.join(', ');
    };
    const openRow = (label: string, r: AckRun) =>
      `| ${label} | ${r.open.count} of ${r.open.due} | ${ms(r.open.p50)} | ${ms(r.open.p99)} | ${ms(r.open.max)} | ${openFailed(r)} | ${ms(r.open.maxSendLag)} | ${pct(r.openMachineBusy)} |`;
    const scale = three.result.perSecond / one.result.perSecond;
    const c = three.cpu;
    /** Share of all cores that `perRequest` ms a request took at the 3 instances' throughput. */
    const coresTaken = (perRequest: number) => (perRequest * three.result.perSecond) / 1000 / CORES;
    const limits =
      scale >= SCALE_TARGET
        ? []
        : c.machineBusy >= 0.85
          ? [
              '',
              `What limits ${INSTANCES} instances: the ${CORES} cores, ${pct(c.machineBusy)} busy during the run ` +
                `(others on the machine took ${pct(coresTaken(c.other))} of them; the load generator with the fake Slack ` +
                `${pct(coresTaken(c.bench) * CORES)} of one core). Per /pull, ` +
                `the Pushpull processes used ${cpuMs(c.app)} ms of CPU, PostgreSQL ${cpuMs(c.backends + c.background)} ms, ` +
                `the balancer ${cpuMs(c.balancer)} ms and the load generator with the fake Slack ${cpuMs(c.bench)} ms ` +
                `(others on the machine: ${cpuMs(c.other)} ms). At ${cpuMs(ownCpu(c))} ms a request the cores cannot serve ` +
                `more than ${ceiling(three).toFixed(0)}/s however many instances run (one instance's ceiling: ${ceiling(one).toFixed(0)}/s); ` +
                'more instances add throughput only with more cores (or machines) to run them on.',
            ]
          : [
              '',
              `What limits ${INSTANCES} instances: not the cores (${pct(c.machineBusy)} busy): with ${CONCURRENCY} requests in flight ` +
                `the chain's latency bounds throughput (${CONCURRENCY} ÷ ${ms(three.result.p50)} p50).`,
            ];
    const floor = MANAGERS / POST_PER_SECOND;
    const floorRatio = digest.span / floor;
    const byMethod = [...digest.refused].map(([m, n]) => `${m} ${n}`).join(', ') || 'none';
    return [
      `## PostgreSQL — /pull acknowledgement, ${REQUESTS} signed requests or ${MEASURE_MS / 1000} s (whichever ends first), ${CONCURRENCY} concurrent, after ${WARMUP} warm-up per instance; each setup on a fresh database`,
      '',
      '| setup | acked | p50 | p99 | max | throughput | failures | requests per instance (warm-up included) |',
      '|---|---|---|---|---|---|---|---|',
      row('SQLite, 1 instance', sqlite),
      row('PostgreSQL, 1 instance', one),
      row(`PostgreSQL, ${INSTANCES} instances behind a round-robin balancer`, three),
      '',
      `PostgreSQL p99 ÷ SQLite p99 (saturated, ${CONCURRENCY} concurrent): ${p99Ratio.toFixed(2)}× (target ≤ ${P99_TARGET}×: ${verdict(p99Ratio <= P99_TARGET)})`,
      `${INSTANCES} instances' throughput ÷ 1 instance's: ${scale.toFixed(2)}× (target ≥ ${SCALE_TARGET}×: ${verdict(scale >= SCALE_TARGET)})`,
      '',
      `### The same /pull acknowledgement at ${OPEN_RATE} requests/s (open loop): ${OPEN_MEASURE_MS / 1000} s after ${OPEN_WARMUP_MS / 1000} s warm-up, on the same instances after the saturated run above (which stays the headline)`,
      '',
      `Each request is sent on schedule (one every ${ms(1000 / OPEN_RATE)}) whatever has come back, and its latency counts from its scheduled send time, so queueing (in the app, the database or the load generator) still counts.`,
      '',
      '| setup | acked | p50 | p99 | max | failures | latest send after schedule | machine busy |',
      '|---|---|---|---|---|---|---|---|',
      openRow('SQLite, 1 instance', sqlite),
      openRow('PostgreSQL, 1 instance', one),
      openRow(`PostgreSQL, ${INSTANCES} instances behind a round-robin balancer`, three),
      '',
      `PostgreSQL p99 ÷ SQLite p99 at ${OPEN_RATE} requests/s (open loop): ${openP99Ratio.toFixed(2)}× (target ≤ ${P99_TARGET}×: ${verdict(openP99Ratio <= P99_TARGET)})`,
      '',
      `CPU per acknowledged /pull, in ms, from /proc (${CORES} cores; the ceiling is what the CPU allows if only these parts ran, each Pushpull process on one core at most):`,
      '',
      '| setup | Pushpull processes | balancer | PostgreSQL backends | PostgreSQL server processes (shared) | load generator + fake Slack | others on the machine | machine busy | ceiling |',
      '|---|---|---|---|---|---|---|---|---|',
      cpuRow('SQLite, 1 instance', sqlite),
      cpuRow('PostgreSQL, 1 instance', one),
      cpuRow(`PostgreSQL, ${INSTANCES} instances`, three),
      ...limits,
      '',
      `## PostgreSQL — digest fan-out, ${MANAGERS.toLocaleString('en')} managers across ${INSTANCES} instances, chat.postMessage limited to ${POST_PER_SECOND}/s workspace-wide`,
      '',
      '| figure | value |',
      '|---|---|',
      `| managers reached | ${digest.reached} of ${MANAGERS}${digest.gaveUp ? ` (${digest.gaveUp})` : ''} |`,
      `| digests delivered | ${digest.delivered} (copies: ${digest.delivered - digest.reached}) |`,
      `| sent by each instance (its log) | ${digest.sentBy.join(' / ')} |`,
      `| time to reach all (first to last delivered digest) | ${digest.span.toFixed(1)} s |`,
      `| floor (managers ÷ rate) | ${floor.toFixed(1)} s |`,
      `| ratio to floor | ${floorRatio.toFixed(3)}× (target ≤ ${FLOOR_TARGET}×: ${verdict(floorRatio <= FLOOR_TARGET && digest.reached === MANAGERS)}) |`,
      `| instances started to last delivered digest | ${digest.launchToLast.toFixed(1)} s |`,
      `| 429 responses received | ${digest.rateLimited} (target 0: ${verdict(digest.rateLimited === 0)}; by method: ${byMethod}) |`,
      `| when the 429s came (s after the first post) | ${digest.refusedAt.map((t) => t.toFixed(1)).join(', ') || '—'} |`,
      `| most chat.postMessage calls in any one second (landed or refused) | ${digest.busiestSecond} (limit ${POST_PER_SECOND}) |`,
      `| digests delivered per 10 s | ${digest.perTenSeconds.join(', ')} |`,
      `| CPU during the fan-out | machine ${pct(digest.cpu.machine)} busy; the instances ${pct(digest.cpu.instances)}, PostgreSQL ${pct(digest.cpu.postgres)} of ${CORES} cores |`,
    ];
  } finally {
    await fake.stop();
    await pg.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
