// The weekly digest fan-out: 1,000 managers against a fake Slack that enforces workspace-wide rate limits.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { applyMigrations, openDatabase } from '../src/db/client.js';
import { type Db, tables, transaction } from '../src/db/store.js';
import { currentQuarter } from '../src/domain/quarters.js';
import { runCli } from '../test/support/cli.js';
import { FakeSlack } from '../test/support/fake-slack.js';
import { BOT_TOKEN, SIGNING_SECRET, tempDir } from '../test/support/harness.js';

const MANAGERS = 1000;
const POST_PER_SECOND = 20;
// Slack's tiers scaled by the same factor that turns ~1 message/s into 20/s.
export const TIER_LIMITS: Record<string, number> = {
  'users.info': 33,
  'views.publish': 33,
  'conversations.open': 16,
  'chat.update': 16,
};

/** `count` managers, each with a push and a pull waiting: every one has a digest to send. */
export async function seedManagers(db: Db, count: number): Promise<void> {
  const now = Date.now();
  const quarter = currentQuarter(now, 'UTC', 1).key;
  const { members, pulls, pushes } = tables(db);
  const ids = Array.from({ length: count }, (_, i) => `UMGR${String(i).padStart(5, '0')}`);
  await transaction(db, async (tx) => {
    // In chunks: one statement's bound values stay under the drivers' limits.
    for (let start = 0; start < ids.length; start += 500) {
      const chunk = ids.slice(start, start + 500);
      await tx
        .insert(members)
        .values(chunk.map((id) => ({ userId: id, timezone: 'UTC', profileFetchedAt: now, updatedAt: now })));
      await tx.insert(pushes).values(
        chunk.map((id) => ({
          managerId: id,
          ownerId: id,
          quarter,
          title: `Push of ${id}`,
          createdAt: now,
          updatedAt: now,
        })),
      );
      await tx.insert(pulls).values(
        chunk.map((id, i) => ({
          requesterId: `UREQ${String(start + i).padStart(5, '0')}`,
          managerId: id,
          need: `Input for ${id}`,
          createdAt: now - 86_400_000,
        })),
      );
    }
  });
}

export async function benchDigestFanOut(): Promise<string[]> {
  const fake = await new FakeSlack().start();
  const dir = tempDir('pushpull-bench-digest-');
  const dbPath = join(dir, 'digest.db');
  try {
    const store = openDatabase(dbPath);
    applyMigrations(store);
    await seedManagers(store.db, MANAGERS);
    await store.close();

    fake.rateLimit('chat.postMessage', POST_PER_SECOND);
    for (const [method, limit] of Object.entries(TIER_LIMITS)) fake.rateLimit(method, limit);
    const started = Date.now();
    const out = await runCli(['digest', 'send'], {
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: fake.apiUrl,
      DATABASE_URL: `file:${dbPath}`,
      LOG_LEVEL: 'warn',
      // The pacer is told the fake's limits, the way an operator would tell it a workspace's.
      SLACK_PACE: [
        `chat.postMessage=${POST_PER_SECOND}/s`,
        ...Object.entries(TIER_LIMITS).map(([method, limit]) => `${method}=${limit}/s`),
      ].join(','),
    });
    const wall = (Date.now() - started) / 1000;
    const delivered = fake.callsTo('chat.postMessage');
    const reached = new Set(delivered.map((c) => c.args.channel)).size;
    const first = delivered[0]?.at ?? started;
    const last = delivered.at(-1)?.at ?? started;
    const span = (last - first) / 1000;
    const floor = MANAGERS / POST_PER_SECOND;
    const refused = new Map<string, number>();
    for (const call of fake.calls) {
      if (call.method.endsWith('#429')) {
        const method = call.method.slice(0, -'#429'.length);
        refused.set(method, (refused.get(method) ?? 0) + 1);
      }
    }
    const byMethod = [...refused].map(([m, n]) => `${m} ${n}`).join(', ') || 'none';
    return [
      `## Digest fan-out — ${MANAGERS} managers, chat.postMessage limited to ${POST_PER_SECOND}/s workspace-wide`,
      '',
      '| figure | value |',
      '|---|---|',
      `| managers reached | ${reached} of ${MANAGERS} |`,
      `| time to reach all (first to last delivered digest) | ${span.toFixed(1)} s |`,
      `| floor (managers ÷ rate) | ${floor.toFixed(1)} s |`,
      `| ratio to floor | ${(span / floor).toFixed(3)}× (target ≤ 1.05×) |`,
      `| whole \`pushpull digest send\` run, process start to exit | ${wall.toFixed(1)} s |`,
      `| 429 responses received | ${fake.rateLimitedCount} (target 0; by method: ${byMethod}) |`,
      `| CLI said | ${out.stdout.trim()} |`,
    ];
  } finally {
    await fake.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
