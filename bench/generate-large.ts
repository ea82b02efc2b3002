// A seeded generator of a realistic Pushpull database, built with the project's own migrations. The large shape
// is a 20,000-person workspace with two years of data; the small one the same people-to-rows ratios at 1/100.
// Files are cached under bench/.cache, keyed by GENERATOR_VERSION and the shape, so reruns start at once.
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { applyMigrations, openDatabase } from '../src/db/client.js';
import { ADVOCATE_FUNCTIONS, PULL_KINDS, RESOLUTIONS } from '../src/db/schema.js';
import { currentQuarter } from '../src/domain/quarters.js';

/** Bump when what is generated changes: cached files of another version are not reused. */
export const GENERATOR_VERSION = 2;

export interface Shape {
  name: string;
  members: number;
  managers: number;
  pulls: number;
  pushes: number;
  pushUpdates: number;
  recognitions: number;
}

export const LARGE: Shape = {
  name: 'large',
  members: 20_000,
  managers: 2_000,
  pulls: 500_000,
  pushes: 6_000,
  pushUpdates: 30_000,
  recognitions: 100_000,
};

/** The same ratios (about ten reports a manager, 25 pulls a person over two years) at 1/100. */
export const SMALL: Shape = {
  name: 'small',
  members: 200,
  managers: 20,
  pulls: 5_000,
  pushes: 60,
  pushUpdates: 300,
  recognitions: 1_000,
};

/** The generated data ends here: a Wednesday noon UTC, so a Friday digest is not due (the idle tick). */
export const NOW = Date.UTC(2026, 10, 18, 12);
const DAY = 24 * 60 * 60 * 1000;
const SPAN = 2 * 365 * DAY;
const TIMEZONES = ['UTC', 'America/New_York', 'Europe/Paris', 'Asia/Tokyo'];
const TEAM = 'T0001';
export const FISCAL_YEAR_START_MONTH = 1;

export const memberId = (i: number) => `UP${String(i).padStart(6, '0')}`;
/**
 * Managers are members 0..managers-1, each with about ten reports at every size: managers 1..10 report to
 * manager 0, 11..20 to manager 1, and so on; everyone else to manager (i mod managers). The busiest manager
 * therefore carries about the same load in the small and the large database: only the company grows.
 */
function managerOf(shape: Shape, i: number): string | null {
  if (i === 0) return null;
  if (i < shape.managers) return memberId(Math.floor((i - 1) / 10));
  return memberId(i % shape.managers);
}

/** mulberry32: small, fast, and the same numbers for the same seed on every machine. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const isoDate = (at: number) => new Date(at).toISOString().slice(0, 10);

function generate(shape: Shape, file: string): void {
  const store = openDatabase(file);
  applyMigrations(store);
  const { sqlite } = store;
  const rand = random(0x5eed + shape.members);
  const int = (n: number) => Math.floor(rand() * n);
  const pick = <T>(values: readonly T[]): T => values[int(values.length)] as T;
  const words =
    'the plan budget launch review hiring roadmap vendor contract pricing migration incident'.split(' ');
  const sentence = (n: number) => Array.from({ length: n }, () => pick(words)).join(' ');

  const insertMember = sqlite.prepare(
    `INSERT INTO members (user_id, team_id, manager_id, display_name, timezone, is_bot, profile_fetched_at, updated_at)
     VALUES (?, '${TEAM}', ?, ?, ?, 0, ?, ?)`,
  );
  const insertPush = sqlite.prepare(
    `INSERT INTO pushes (team_id, manager_id, quarter, title, why, success, owner_id, status, created_at, updated_at, closed_at)
     VALUES ('${TEAM}', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertUpdate = sqlite.prepare(
    'INSERT INTO push_updates (push_id, author_id, status, note, created_at) VALUES (?, ?, ?, ?, ?)',
  );
  const insertPull = sqlite.prepare(
    `INSERT INTO pulls (team_id, requester_id, manager_id, need, context, kind, needed_by, push_id, status,
       resolution, resolution_note, created_at, acknowledged_at, resolved_at, withdrawn_at, overdue_reminded_at)
     VALUES ('${TEAM}', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertRecognition = sqlite.prepare(
    `INSERT INTO recognitions (team_id, recognizer_id, advocate_id, advocate_function, what, project, shared, created_at)
     VALUES ('${TEAM}', ?, ?, ?, ?, ?, ?, ?)`,
  );

  sqlite.transaction(() => {
    for (let i = 0; i < shape.members; i++) {
      // Every profile fresh at NOW: the idle tick has no profile to refresh.
      insertMember.run(
        memberId(i),
        managerOf(shape, i),
        `Person ${i}`,
        pick(TIMEZONES),
        NOW - 3_600_000,
        NOW,
      );
    }

    // Pushes: a few a manager each quarter of the two years; this quarter's still open, older ones closed.
    const thisQuarter = currentQuarter(NOW, 'UTC', FISCAL_YEAR_START_MONTH).key;
    const pushesOf = new Map<string, number[]>();
    const pushRows: { id: number; createdAt: number; owner: string }[] = [];
    for (let p = 0; p < shape.pushes; p++) {
      const manager = memberId(p % shape.managers);
      const createdAt = NOW - int(SPAN);
      const quarter = currentQuarter(createdAt, 'UTC', FISCAL_YEAR_START_MONTH).key;
      const open = quarter === thisQuarter;
      const status = open
        ? pick(['on-track', 'at-risk', 'off-track'] as const)
        : pick(['done', 'dropped'] as const);
      const owner = memberId(shape.managers + int(shape.members - shape.managers));
      const id = Number(
        insertPush.run(
          manager,
          quarter,
          `Push ${p}: ${sentence(4)}`,
          sentence(12),
          sentence(8),
          owner,
          status,
          createdAt,
          createdAt,
          open ? null : createdAt + int(90 * DAY),
        ).lastInsertRowid,
      );
      pushRows.push({ id, createdAt, owner });
      pushesOf.set(manager, [...(pushesOf.get(manager) ?? []), id]);
    }
    for (let u = 0; u < shape.pushUpdates; u++) {
      const push = pick(pushRows);
      const at = Math.min(NOW - 1, push.createdAt + int(90 * DAY));
      insertUpdate.run(
        push.id,
        push.owner,
        pick(['on-track', 'at-risk', 'off-track'] as const),
        sentence(10),
        at,
      );
    }

    // Pulls: from anyone, mostly to their own manager; 5% still open, the rest answered or withdrawn.
    for (let n = 0; n < shape.pulls; n++) {
      const requesterIndex = 1 + int(shape.members - 1);
      const requester = memberId(requesterIndex);
      const manager =
        rand() < 0.8 ? (managerOf(shape, requesterIndex) ?? memberId(0)) : memberId(int(shape.managers));
      const createdAt = NOW - SPAN + Math.floor((SPAN * n) / shape.pulls) + int(60_000);
      const roll = rand();
      const status =
        roll < 0.03 ? 'open' : roll < 0.05 ? 'acknowledged' : roll < 0.92 ? 'resolved' : 'withdrawn';
      const unresolved = status === 'open' || status === 'acknowledged';
      // Open pulls past their date were reminded already: the idle tick has nobody to remind.
      const neededBy = rand() < 0.3 ? isoDate(createdAt + (1 + int(14)) * DAY) : null;
      const reminded =
        unresolved && neededBy !== null && neededBy < isoDate(NOW + 2 * DAY) ? NOW - DAY : null;
      const pushIds = pushesOf.get(manager);
      const pushId = pushIds && rand() < 0.1 ? pick(pushIds) : null;
      const answeredAt = Math.min(NOW - 1, createdAt + int(7 * DAY));
      const resolution = status === 'resolved' ? pick(RESOLUTIONS) : null;
      insertPull.run(
        requester,
        manager,
        `Pull ${n}: ${sentence(8)}`,
        rand() < 0.5 ? sentence(16) : null,
        pick(PULL_KINDS),
        neededBy,
        pushId,
        status,
        resolution,
        resolution && resolution !== 'your-call' ? sentence(6) : null,
        createdAt,
        status === 'acknowledged' || status === 'resolved' ? answeredAt : null,
        status === 'resolved' ? answeredAt : null,
        status === 'withdrawn' ? answeredAt : null,
        reminded,
      );
    }

    for (let r = 0; r < shape.recognitions; r++) {
      const advocate = int(shape.members);
      let recognizer = int(shape.members);
      if (recognizer === advocate) recognizer = (recognizer + 1) % shape.members;
      insertRecognition.run(
        memberId(recognizer),
        memberId(advocate),
        pick(ADVOCATE_FUNCTIONS),
        sentence(12),
        rand() < 0.5 ? `Project ${int(200)}` : null,
        rand() < 0.3 ? 1 : 0,
        NOW - SPAN + Math.floor((SPAN * r) / shape.recognitions),
      );
    }
  })();
  sqlite.pragma('wal_checkpoint(TRUNCATE)');
  // The file is written through better-sqlite3 directly and closed the same way, before it is renamed.
  sqlite.close();
}

const CACHE = join(dirname(fileURLToPath(import.meta.url)), '.cache');

/** The cached database for `shape`, generated first when missing. Copy it before writing to it. */
export function databaseFor(shape: Shape): { file: string; generatedMs: number | undefined } {
  const file = resolve(CACHE, `${shape.name}-v${GENERATOR_VERSION}-${shape.members}-${shape.pulls}.db`);
  if (existsSync(file)) return { file, generatedMs: undefined };
  mkdirSync(CACHE, { recursive: true });
  const partial = `${file}.partial`;
  for (const suffix of ['', '-wal', '-shm', '.created']) rmSync(`${partial}${suffix}`, { force: true });
  const started = performance.now();
  generate(shape, partial);
  renameSync(partial, file);
  for (const suffix of ['-wal', '-shm', '.created']) rmSync(`${partial}${suffix}`, { force: true });
  return { file, generatedMs: performance.now() - started };
}

/** The manager with the most pulls addressed to them: the heaviest digest, Home tab and forget. */
export function busiestManager(file: string): { id: string; pulls: number } {
  const store = openDatabase(file);
  try {
    const row = store.sqlite
      .prepare(
        'SELECT manager_id AS id, count(*) AS pulls FROM pulls GROUP BY manager_id ORDER BY pulls DESC, manager_id LIMIT 1',
      )
      .get() as { id: string; pulls: number };
    return row;
  } finally {
    store.sqlite.close();
  }
}

// `npx tsx bench/generate-large.ts`: build (or find) both databases and say where they are.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  for (const shape of [SMALL, LARGE]) {
    const { file, generatedMs } = databaseFor(shape);
    process.stdout.write(
      `${shape.name}: ${file}${generatedMs === undefined ? ' (cached)' : ` (generated in ${(generatedMs / 1000).toFixed(1)} s)`}\n`,
    );
  }
}
