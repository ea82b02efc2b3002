// Every statement the domain runs on a hot or growing path reads only the rows it concerns: no full scans
// of a table that grows with the company. The statements are not listed here by hand: each domain function
// runs against a seeded database while the connection records what it prepares, so a new query that scans
// fails this test without anyone remembering to add it.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations, openDatabase, type SqliteStore } from '../../src/db/client.js';
import type { Db } from '../../src/db/store.js';
import {
  agreementsForExport,
  agreementsOnPushes,
  agreementsPage,
  confirmAgreement,
  defineSuccess,
  handshakesOf,
  notQuite,
  recordConfirmMessage,
  recordRequesterMessage,
  repeatBack,
} from '../../src/domain/agreements.js';
import { setAutonomy } from '../../src/domain/autonomy.js';
import { arrivedWhileAway, backBy, comeBack, goAway, passToDeputy } from '../../src/domain/away.js';
import { decisionsInvolving } from '../../src/domain/decisions.js';
import {
  claimReminder,
  digestFor,
  managerSince,
  managersToDigest,
  managersWithOverdue,
  markReminded,
  overduePulls,
  releaseReminder,
  settledForWeek,
  staleManagerProfiles,
  timezonesInUse,
} from '../../src/domain/digest.js';
import { claimDigest, claimFor, markSent, releaseClaim, renewLease } from '../../src/domain/digest-claims.js';
import { forgetPerson } from '../../src/domain/forget.js';
import { homeFor } from '../../src/domain/home.js';
import { getMember, homeViewers } from '../../src/domain/members.js';
import { answeredSince, autonomousAmong, yourTeam } from '../../src/domain/mirror.js';
import { editPull, mayEdit } from '../../src/domain/pull-edits.js';
import {
  acknowledgePull,
  getPull,
  openPull,
  pullLimitReached,
  resolvePull,
  withdrawPull,
} from '../../src/domain/pulls.js';
import { getPush, lastUpdate, listPushes, pushesOwnedFor, updatePush } from '../../src/domain/pushes.js';
import { knownManagerOf, recognitionsInvolving, recognize, teamOf } from '../../src/domain/recognitions.js';
import { HOME_SHOWN } from '../../src/slack/blocks/home.js';
import { tempDir } from '../support/harness.js';

const NOW = Date.UTC(2026, 10, 23, 9, 30); // Monday
const DAY = 86_400_000;
const QUARTER = { key: '2027-Q1', label: 'Q1 FY2027', startsAt: NOW - 50 * DAY };
/** Tables that grow with the company and its history: reading one whole is a bug. */
const GROWING = ['pulls', 'recognitions', 'push_updates', 'members', 'digest_claims', 'pushes', 'agreements'];

const MANAGERS = 60;
const PEOPLE = 600;
const PULLS = 6000;
const manager = (i: number) => `UMGR${String(i % MANAGERS).padStart(4, '0')}`;
const person = (i: number) => `UPER${String(i % PEOPLE).padStart(4, '0')}`;
const HEAVY = manager(0);

let dir: string;
let store: SqliteStore;

/** Deterministic pseudo-random numbers, so the seed and its plans are the same on every run. */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

function seed(sqlite: Database.Database): void {
  const r = random(7);
  const day = (d: number) => new Date(NOW + d * DAY).toISOString().slice(0, 10);
  sqlite.transaction(() => {
    const member = sqlite.prepare(
      'INSERT INTO members (user_id, manager_id, timezone, updated_at, home_opened_at) VALUES (?, ?, ?, ?, ?)',
    );
    for (let i = 0; i < PEOPLE; i += 1) member.run(person(i), manager(i), 'Europe/Paris', NOW, NOW);
    for (let i = 0; i < MANAGERS; i += 1) member.run(manager(i), null, 'America/New_York', NOW, NOW);
    const push = sqlite.prepare(
      'INSERT INTO pushes (manager_id, owner_id, quarter, title, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    const update = sqlite.prepare(
      'INSERT INTO push_updates (push_id, author_id, status, created_at) VALUES (?, ?, ?, ?)',
    );
    const quarters = ['2026-Q2', '2026-Q3', '2026-Q4', QUARTER.key];
    let pushId = 0;
    for (let i = 0; i < MANAGERS * 8; i += 1) {
      const quarter = quarters[i % quarters.length] as string;
      const status = i % 5 === 0 ? 'done' : 'on-track';
      const owner = i % 3 === 0 ? person(i) : manager(i);
      push.run(manager(i), owner, quarter, `push ${i}`, status, NOW - (i % 300) * DAY, NOW);
      pushId += 1;
      for (let u = 0; u < 3; u += 1) update.run(pushId, owner, status, NOW - (i % 300) * DAY + u * DAY);
    }
    const pull = sqlite.prepare(
      `INSERT INTO pulls (requester_id, manager_id, need, status, created_at, resolved_at, needed_by, push_id, overdue_reminded_at)
       VALUES (?, ?, 'need', ?, ?, ?, ?, ?, ?)`,
    );
    for (let i = 0; i < PULLS; i += 1) {
      // The heavy manager receives a tenth of everything; history reaches back two years.
      const to = r() < 0.1 ? HEAVY : manager(Math.floor(r() * MANAGERS));
      const createdAt = NOW - Math.floor(r() * 730 * DAY);
      const open = r() < 0.07;
      const status = open ? (r() < 0.5 ? 'open' : 'acknowledged') : r() < 0.9 ? 'resolved' : 'withdrawn';
      const neededBy = r() < 0.4 ? day(Math.floor(r() * 60) - 30) : null;
      pull.run(
        person(Math.floor(r() * PEOPLE)),
        to,
        status,
        createdAt,
        status === 'resolved' ? createdAt + DAY : null,
        neededBy,
        r() < 0.2 ? 1 + Math.floor(r() * pushId) : null,
        neededBy && r() < 0.5 ? createdAt : null,
      );
    }
    // A define-success pull in twenty ends in an agreement (most agreed, some still mid-handshake).
    const agreement = sqlite.prepare(
      `INSERT INTO agreements (pull_id, requester_id, manager_id, push_id, stage, success, created_at, agreed_at)
       VALUES (?, ?, ?, ?, ?, 'success', ?, ?)`,
    );
    for (let i = 1; i <= PULLS; i += 20) {
      const agreed = r() < 0.9;
      agreement.run(
        i,
        person(Math.floor(r() * PEOPLE)),
        r() < 0.1 ? HEAVY : manager(Math.floor(r() * MANAGERS)),
        r() < 0.3 ? 1 + Math.floor(r() * pushId) : null,
        agreed ? 'agreed' : 'confirm',
        NOW - Math.floor(r() * 365 * DAY),
        agreed ? NOW - Math.floor(r() * 300 * DAY) : null,
      );
    }
    const recognition = sqlite.prepare(
      "INSERT INTO recognitions (recognizer_id, advocate_id, advocate_function, what, created_at) VALUES (?, ?, 'support', 'helped', ?)",
    );
    for (let i = 0; i < 1500; i += 1) {
      recognition.run(
        person(Math.floor(r() * PEOPLE)),
        person(Math.floor(r() * PEOPLE)),
        NOW - Math.floor(r() * 365 * DAY),
      );
    }
    const claim = sqlite.prepare(
      "INSERT INTO digest_claims (manager_id, week, status, claimed_by, claimed_at) VALUES (?, ?, 'sent', 'seed', ?)",
    );
    for (let w = 1; w <= 40; w += 1) {
      for (let m = 0; m < MANAGERS; m += 1) claim.run(manager(m), `2026-W${String(w).padStart(2, '0')}`, NOW);
    }
  })();
}

interface Captured {
  sql: string;
  params: unknown[];
}

/**
 * Records every statement the connection prepares and the values it runs with. A test seam on the
 * third-party connection object: our own modules run unchanged.
 */
function capture(sqlite: Database.Database): { statements: Map<string, Captured>; stop(): void } {
  const statements = new Map<string, Captured>();
  const original = sqlite.prepare.bind(sqlite);
  const running = new Set(['run', 'get', 'all', 'iterate']);
  const wrap = (sql: string, statement: Database.Statement): Database.Statement => {
    const proxy: Database.Statement = new Proxy(statement, {
      get(target, key, receiver) {
        const value = Reflect.get(target, key, receiver);
        if (typeof value !== 'function') return value;
        if (running.has(String(key))) {
          return (...params: unknown[]) => {
            if (!statements.has(sql)) statements.set(sql, { sql, params });
            return value.apply(target, params);
          };
        }
        // raw(), pluck(), expand() return the statement itself: keep returning the recording one.
        return (...args: unknown[]) => {
          const result = value.apply(target, args);
          return result === target ? proxy : result;
        };
      },
    });
    return proxy;
  };
  sqlite.prepare = ((sql: string) => wrap(sql, original(sql))) as typeof sqlite.prepare;
  return {
    statements,
    stop: () => {
      sqlite.prepare = original as typeof sqlite.prepare;
    },
  };
}

function planOf(sqlite: Database.Database, { sql, params }: Captured): string[] {
  const rows = sqlite.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[];
  return rows.map((row) => row.detail);
}

/** A plan line that reads a whole growing table, or a whole index of one. */
function scansGrowing(line: string): boolean {
  const match = /^SCAN (\w+)/.exec(line);
  return match !== null && GROWING.includes(match[1] as string);
}

/** Runs the domain's reads and writes as the app does, on the heaviest manager and a busy requester. */
async function exercise(db: Db): Promise<void> {
  const requester = person(1);
  await managersToDigest(db, QUARTER.key, NOW);
  await timezonesInUse(db, 'UTC');
  await settledForWeek(db, '2026-W47');
  await staleManagerProfiles(db, [QUARTER.key], NOW + DAY, NOW, 60);
  await managersWithOverdue(db, '2026-11-24');
  await overduePulls(db, HEAVY, '2026-11-23');
  await managerSince(db, HEAVY, QUARTER.key, NOW);
  await digestFor(db, HEAVY, {
    quarterKey: QUARTER.key,
    quarterLabel: QUARTER.label,
    now: NOW,
    localDate: '2026-11-23',
  });
  await homeFor(db, HEAVY, QUARTER, 3, HOME_SHOWN);
  await homeFor(db, requester, QUARTER, 3, HOME_SHOWN);
  await digestFor(db, HEAVY, {
    quarterKey: QUARTER.key,
    quarterLabel: QUARTER.label,
    now: NOW,
    localDate: '2026-11-23',
    quarterStartsAt: QUARTER.startsAt,
  });
  await answeredSince(db, HEAVY, QUARTER.startsAt);
  await yourTeam(db, HEAVY, QUARTER.startsAt, HOME_SHOWN.team ?? 25);
  await autonomousAmong(db, await teamOf(db, HEAVY, NOW - 90 * DAY));
  await setAutonomy(db, HEAVY, person(0), true, NOW);
  // Time away: going, being found back by the tick, the summary, a pull sent on to a deputy.
  await goAway(db, { userId: HEAVY, until: '2026-11-30', deputyId: manager(2) }, NOW, 'UTC');
  await backBy(db, NOW + 10 * DAY, 'UTC');
  await arrivedWhileAway(db, HEAVY, NOW - 30 * DAY);
  await teamOf(db, HEAVY, NOW - 90 * DAY);
  await recognitionsInvolving(db, [requester], QUARTER.startsAt);
  await knownManagerOf(db, 'UNOBODY1');
  await getMember(db, requester);
  await homeViewers(db, [HEAVY, requester]);
  await listPushes(db, HEAVY, QUARTER.key);
  await pushesOwnedFor(db, requester, QUARTER.key);
  await lastUpdate(db, 1);
  await getPush(db, 1);

  // The write paths, on rows of their own.
  await pullLimitReached(db, requester, NOW);
  const opened = await openPull(db, { requesterId: requester, managerId: HEAVY, need: 'a decision' }, NOW);
  if (!opened.ok) throw new Error(`seed pull refused: ${opened.reason}`);
  const id = opened.value.id;
  await getPull(db, id);
  await acknowledgePull(db, id, HEAVY, NOW);
  await resolvePull(db, id, HEAVY, 'your-call', undefined, NOW);
  const other = await openPull(db, { requesterId: requester, managerId: HEAVY, need: 'context' }, NOW);
  if (other.ok) await withdrawPull(db, other.value.id, requester, NOW);
  const edited = await openPull(db, { requesterId: requester, managerId: HEAVY, need: 'to edit' }, NOW);
  if (!edited.ok) throw new Error(`seed pull refused: ${edited.reason}`);
  await mayEdit(db, edited.value.id, requester);
  await editPull(db, edited.value.id, requester, { need: 'edited', kind: 'unblock' }, NOW);
  await decisionsInvolving(db, HEAVY);
  await decisionsInvolving(db, requester);
  const defining = await openPull(
    db,
    { requesterId: requester, managerId: HEAVY, need: 'define success', kind: 'define-success' },
    NOW,
  );
  if (!defining.ok) throw new Error(`seed pull refused: ${defining.reason}`);
  const handshake = defining.value.id;
  const defined = await defineSuccess(
    db,
    handshake,
    HEAVY,
    { success: 'two pilots', byWhen: '2026-12-31' },
    NOW,
  );
  if (!defined.ok) throw new Error(`definition refused: ${defined.reason}`);
  await recordRequesterMessage(db, defined.value.id, 'D1', '1.1');
  await repeatBack(db, handshake, requester, { ownWords: 'two paying pilots' });
  await recordConfirmMessage(db, defined.value.id, 'D2', '1.2');
  await notQuite(db, handshake, HEAVY, 'paying ones');
  await repeatBack(db, handshake, requester, { ownWords: 'two paying pilots' });
  await confirmAgreement(db, handshake, HEAVY, NOW);
  await agreementsPage(db, requester, 10);
  await agreementsOnPushes(db, [1, 2, 3]);
  await handshakesOf(db, [1, 21, handshake]);
  await agreementsForExport(db, '2026-10-01');
  const toAway = await openPull(db, { requesterId: requester, managerId: HEAVY, need: 'while away' }, NOW);
  if (toAway.ok) await passToDeputy(db, toAway.value.id, requester, NOW, 'UTC');
  await comeBack(db, HEAVY, NOW);
  await claimReminder(db, id, NOW);
  await releaseReminder(db, id, NOW);
  await markReminded(db, [id], NOW);
  await updatePush(db, 1, manager(0), 'at-risk', 'slipping', NOW);
  const thanked = await recognize(
    db,
    { recognizerId: requester, advocateId: person(2), advocateFunction: 'support', what: 'helped' },
    NOW,
  );
  if (!thanked.ok) throw new Error(`seed recognition refused: ${thanked.reason}`);

  const claim = await claimDigest(db, HEAVY, '2026-W48', 'test', NOW);
  await claimFor(db, HEAVY, '2026-W48');
  if (claim.taken) {
    const held = { managerId: HEAVY, week: '2026-W48', claimant: 'test', attempt: claim.attempt };
    await renewLease(db, HEAVY, '2026-W48', 'test', claim.attempt, NOW);
    await releaseClaim(db, held, claim.previous);
  }
  await markSent(db, HEAVY, '2026-W47', NOW);

  await forgetPerson(db, HEAVY);
}

let statements: Captured[] = [];

beforeAll(async () => {
  dir = tempDir();
  store = openDatabase(join(dir, 'plans.db'));
  // As a real deployment: migrations (and their statistics) on an empty database, which then grows.
  applyMigrations(store);
  seed(store.sqlite);
  const recorder = capture(store.sqlite);
  try {
    await exercise(store.db);
  } finally {
    recorder.stop();
  }
  statements = [...recorder.statements.values()];
});

afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('query plans on a seeded database', () => {
  it('records the statements of every domain path it exercises', () => {
    // A broken seam would make the plan checks below vacuous.
    expect(statements.length).toBeGreaterThan(40);
    expect(statements.some((s) => /from "pulls"/i.test(s.sql))).toBe(true);
    expect(statements.some((s) => /from "recognitions"/i.test(s.sql))).toBe(true);
  });

  it('reads no growing table whole: every statement searches an index', () => {
    const scanning = statements
      .filter((s) => /^\s*(select|update|delete|insert|with)/i.test(s.sql))
      .map((s) => ({ sql: s.sql, plan: planOf(store.sqlite, s) }))
      .filter(({ plan }) => plan.some(scansGrowing));
    if (process.env.PLANS_REPORT) {
      for (const s of statements)
        process.stdout.write(`${s.sql}\n  ${planOf(store.sqlite, s).join('\n  ')}\n\n`);
    }
    expect(scanning).toEqual([]);
  });

  it('the same holds once the statistics are fresh', () => {
    store.sqlite.exec('ANALYZE');
    const scanning = statements
      .map((s) => ({ sql: s.sql, plan: planOf(store.sqlite, s) }))
      .filter(({ plan }) => plan.some(scansGrowing));
    expect(scanning).toEqual([]);
  });

  it('the Home tab reads no more rows of its lists than it shows', async () => {
    const recorder = capture(store.sqlite);
    try {
      await homeFor(store.db, manager(1), QUARTER, 3, HOME_SHOWN);
    } finally {
      recorder.stop();
    }
    const lists = [...recorder.statements.values()].filter((s) =>
      /^select .* from "(pulls|recognitions|members)" where .* order by /i.test(s.sql),
    );
    expect(lists.length).toBe(4); // awaiting, sent, recognitions, Your team
    for (const list of lists) expect(list.sql).toMatch(/ limit \?$/);
    // Pulls come off the index already in order, so the LIMIT stops the read (no sort of all of them first).
    for (const list of lists.filter((l) => /from "pulls"/.test(l.sql))) {
      expect(planOf(store.sqlite, list).join('\n')).not.toContain('TEMP B-TREE');
    }
  });

  it('indexes every foreign key, so deleting a parent row never scans its children', () => {
    const tables = store.sqlite
      .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
      .pluck()
      .all() as string[];
    const unindexed: string[] = [];
    for (const table of tables) {
      const keys = store.sqlite.pragma(`foreign_key_list(${table})`) as { from: string }[];
      const indexes = store.sqlite.pragma(`index_list(${table})`) as { name: string }[];
      const leading = indexes.map(
        (index) => (store.sqlite.pragma(`index_info(${index.name})`) as { name: string }[])[0]?.name,
      );
      for (const key of keys) if (!leading.includes(key.from)) unindexed.push(`${table}.${key.from}`);
    }
    expect(unindexed).toEqual([]);
  });
});
