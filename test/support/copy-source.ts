// A SQLite database holding every kind of row Pushpull keeps, written through the domain: the source the `copy`
// tests move to PostgreSQL. The playground's team (pulls in every state, pushes with updates, recognitions,
// agreements agreed and pending, autonomy) plus what it lacks: someone away with a deputy, a bot, digest claims,
// a remembered request, a shared recognition with its permalink, text in any script, and the latest epoch
// milliseconds a date can have.
import { join } from 'node:path';
import { loadConfig } from '../../src/config.js';
import { applyMigrations, openDatabase, type SqliteStore } from '../../src/db/client.js';
import { goAway } from '../../src/domain/away.js';
import { claimDigest, markSent } from '../../src/domain/digest-claims.js';
import { saveProfile } from '../../src/domain/members.js';
import { markManagerDmUnknown, openPull } from '../../src/domain/pulls.js';
import { attachPermalink, recognize } from '../../src/domain/recognitions.js';
import { commandKey, createOnce } from '../../src/domain/requests.js';
import { ADVOCATE, CONTRIBUTORS, MANAGER, seedTeam } from '../../src/playground/seed.js';
import { TEAM } from '../../src/playground/slack-driver.js';

/** 9999-12-31T23:59:59.999Z: the largest epoch milliseconds a date has, beyond PostgreSQL's 4-byte integer. */
export const LAST_MILLISECOND = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** Text in several scripts, with emoji sequences, combining marks, markup characters and line breaks. */
export const EVERY_SCRIPT =
  'Ship it 🚀 👩🏽‍💻 café (e\u0301) — 日本語 · עברית · العربية · Ελληνικά · 𝕏 <b>&amp;</b> "quoted" \'single\'\nnext line\ttab';

const config = loadConfig({
  SLACK_BOT_TOKEN: 'xoxb-copy-test',
  SLACK_SIGNING_SECRET: 'copy-test-signing-secret',
  DATABASE_URL: 'file:./unused.db',
});

function value<T>(result: { ok: true; value: T } | { ok: false; reason: string }, what: string): T {
  if (!result.ok) throw new Error(`seeding the copy source: ${what} refused (${result.reason})`);
  return result.value;
}

/** Writes the seeded database to `dir`/source.db and hands it back open. */
export async function seededSqlite(dir: string, now = Date.UTC(2026, 4, 13, 10)): Promise<SqliteStore> {
  const store = openDatabase(join(dir, 'source.db'));
  applyMigrations(store);
  const { db } = store;
  await seedTeam(db, config, now);
  const [sam, priya] = CONTRIBUTORS as [(typeof CONTRIBUTORS)[0], (typeof CONTRIBUTORS)[0]];
  await saveProfile(db, 'UBOT0001', { displayName: 'Deploy bot', timezone: null, isBot: true }, now);
  value(
    await goAway(
      db,
      { userId: MANAGER.id, teamId: TEAM, until: '2026-05-20', deputyId: priya.id },
      now,
      'UTC',
    ),
    'away',
  );
  const unicode = value(
    await openPull(
      db,
      { teamId: TEAM, requesterId: sam.id, managerId: priya.id, need: EVERY_SCRIPT, context: EVERY_SCRIPT },
      LAST_MILLISECOND,
    ),
    'pull in every script',
  );
  await markManagerDmUnknown(db, unicode.id, LAST_MILLISECOND);
  value(
    await createOnce(db, commandKey('trigger.copy.1'), now, (tx) =>
      openPull(
        tx,
        { teamId: TEAM, requesterId: priya.id, managerId: MANAGER.id, need: 'Remembered once' },
        now,
      ),
    ),
    'remembered request',
  );
  const shared = value(
    await recognize(
      db,
      {
        teamId: TEAM,
        recognizerId: MANAGER.id,
        advocateId: ADVOCATE.id,
        advocateFunction: 'legal',
        what: EVERY_SCRIPT,
        shared: true,
      },
      now,
    ),
    'shared recognition',
  );
  await attachPermalink(db, shared.id, 'https://example.slack.com/archives/C0WINS001/p1715594400000100');
  await claimDigest(db, MANAGER.id, '2026-W19', 'instance-a', now);
  await markSent(db, MANAGER.id, '2026-W19', now, '1715594400.000100');
  await claimDigest(db, priya.id, '2026-W20', 'instance-b', now);
  return store;
}
