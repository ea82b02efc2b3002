import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyMigrations, openDatabase, type SqliteStore } from '../../src/db/client.js';
import type { pulls, recognitions } from '../../src/db/schema.js';
import { tables } from '../../src/db/store.js';
import { digestFor, digestIsEmpty, managersToDigest, median } from '../../src/domain/digest.js';
import { digestMessage, digestPreview } from '../../src/slack/blocks/digest.js';
import { tempDir } from '../support/harness.js';

const NOW = Date.UTC(2026, 10, 23, 9, 30); // Monday
const DAY = 86_400_000;
const M = 'UMGR0001';
let dir: string;
let store: SqliteStore;

beforeEach(() => {
  dir = tempDir();
  store = openDatabase(join(dir, 'd.db'));
  applyMigrations(store);
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const pull = async (over: Partial<typeof pulls.$inferInsert>) => {
  const { pulls } = tables(store.db);
  const [row] = await store.db
    .insert(pulls)
    .values({ requesterId: 'UREQ0001', managerId: M, need: 'x', createdAt: NOW - DAY, ...over })
    .returning();
  return row;
};
const options = { quarterKey: '2026-Q4', quarterLabel: '2026 Q4', now: NOW, localDate: '2026-11-23' };

describe('managersToDigest', () => {
  it('includes managers with an active push this quarter or a pull in the last 90 days, and no one else', async () => {
    const { pushes } = tables(store.db);
    await store.db.insert(pushes).values({
      managerId: 'UPUSH001',
      ownerId: 'UPUSH001',
      quarter: '2026-Q4',
      title: 't',
      createdAt: NOW,
      updatedAt: NOW,
    });
    await store.db.insert(pushes).values({
      managerId: 'UDONE001',
      ownerId: 'UDONE001',
      quarter: '2026-Q4',
      title: 't',
      status: 'done',
      createdAt: NOW,
      updatedAt: NOW,
    });
    await store.db.insert(pushes).values({
      managerId: 'UOLDQ001',
      ownerId: 'UOLDQ001',
      quarter: '2026-Q3',
      title: 't',
      createdAt: NOW,
      updatedAt: NOW,
    });
    await pull({ managerId: 'URECENT1', createdAt: NOW - 89 * DAY });
    await pull({ managerId: 'UANCIENT', createdAt: NOW - 91 * DAY });
    expect(await managersToDigest(store.db, '2026-Q4', NOW)).toEqual(['UPUSH001', 'URECENT1']);
  });
});

describe('digestFor', () => {
  it('lists awaiting pulls oldest first and flags the overdue', async () => {
    await pull({ need: 'newer', createdAt: NOW - DAY });
    await pull({ need: 'oldest', createdAt: NOW - 10 * DAY, neededBy: '2026-11-20' });
    await pull({ need: 'acked', createdAt: NOW - 5 * DAY, status: 'acknowledged', neededBy: '2026-11-23' });
    await pull({ need: 'other manager', managerId: 'UOTHER01' });
    const content = await digestFor(store.db, M, options);
    expect(content.awaiting.map((a) => [a.pull.need, a.overdue])).toEqual([
      ['oldest', true],
      ['acked', false],
      ['newer', false],
    ]);
  });

  it('counts resolved pulls of the last 7 days only, with the median time to answer', async () => {
    await pull({
      status: 'resolved',
      resolution: 'your-call',
      createdAt: NOW - 3 * DAY,
      resolvedAt: NOW - 2 * DAY,
    });
    await pull({
      status: 'resolved',
      resolution: 'decision',
      createdAt: NOW - 6 * DAY,
      resolvedAt: NOW - 3 * DAY,
    });
    await pull({
      status: 'resolved',
      resolution: 'input',
      createdAt: NOW - 4 * DAY,
      resolvedAt: NOW - 4 * DAY + 3600_000,
    });
    await pull({
      status: 'resolved',
      resolution: 'input',
      createdAt: NOW - 20 * DAY,
      resolvedAt: NOW - 8 * DAY,
    });
    await pull({ status: 'withdrawn', createdAt: NOW - 2 * DAY, withdrawnAt: NOW - DAY });
    const content = await digestFor(store.db, M, options);
    expect(content.resolved).toHaveLength(3);
    expect(content.medianAnswerMs).toBe(DAY);
  });

  it('nudges pushes without an update in 7 days', async () => {
    const { pushes, pushUpdates } = tables(store.db);
    const [stale] = await store.db
      .insert(pushes)
      .values({
        managerId: M,
        ownerId: M,
        quarter: '2026-Q4',
        title: 'stale',
        createdAt: NOW - 30 * DAY,
        updatedAt: NOW,
      })
      .returning();
    const [fresh] = await store.db
      .insert(pushes)
      .values({
        managerId: M,
        ownerId: M,
        quarter: '2026-Q4',
        title: 'fresh',
        createdAt: NOW - 30 * DAY,
        updatedAt: NOW,
      })
      .returning();
    if (!stale || !fresh) throw new Error('the pushes were not inserted');
    await store.db
      .insert(pushUpdates)
      .values({ pushId: stale.id, authorId: M, status: 'on-track', createdAt: NOW - 8 * DAY });
    await store.db
      .insert(pushUpdates)
      .values({ pushId: fresh.id, authorId: M, status: 'at-risk', createdAt: NOW - 2 * DAY });
    const content = await digestFor(store.db, M, options);
    expect(content.pushes.map((p) => [p.push.title, p.nudge])).toEqual([
      ['stale', true],
      ['fresh', false],
    ]);
  });

  it("counts recognitions given by or to the manager's team this week only", async () => {
    await pull({ requesterId: 'UTEAM001' });
    const { recognitions } = tables(store.db);
    const rec = (over: Partial<typeof recognitions.$inferInsert>) =>
      store.db.insert(recognitions).values({
        recognizerId: 'UTEAM001',
        advocateId: 'UADV0001',
        advocateFunction: 'legal',
        what: 'w',
        createdAt: NOW - DAY,
        ...over,
      });
    await rec({ what: 'given by team' });
    await rec({ recognizerId: 'UOUT0001', advocateId: 'UTEAM001', what: 'received by team' });
    await rec({ recognizerId: 'UOUT0001', advocateId: 'UOUT0002', what: 'elsewhere' });
    await rec({ what: 'last month', createdAt: NOW - 30 * DAY });
    const content = await digestFor(store.db, M, options);
    expect(content.recognitions.map((r) => r.what).sort()).toEqual(['given by team', 'received by team']);
  });

  it('is empty when nothing is in any section', async () => {
    await pull({ status: 'withdrawn', createdAt: NOW - 10 * DAY });
    expect(digestIsEmpty(await digestFor(store.db, M, options))).toBe(true);
  });
});

describe('the digest message', () => {
  it('stays within 50 blocks with 200 awaiting pulls and points to the Home tab', async () => {
    for (let i = 0; i < 200; i++) await pull({ need: `pull ${i}`, createdAt: NOW - i * 1000 });
    const { pushes } = tables(store.db);
    for (let i = 0; i < 3; i++)
      await store.db.insert(pushes).values({
        managerId: M,
        ownerId: M,
        quarter: '2026-Q4',
        title: `p${i}`,
        createdAt: NOW,
        updatedAt: NOW,
      });
    const { blocks, text } = digestMessage(await digestFor(store.db, M, options), NOW);
    expect(blocks.length).toBeLessThanOrEqual(50);
    expect(JSON.stringify(blocks)).toContain('190 more pulls');
    expect(JSON.stringify(blocks)).toContain('Home tab');
    expect(text).toContain('200 pulls awaiting you');
  });

  it('shows no empty section and escapes user text', async () => {
    await pull({ need: '<!channel> please' });
    const { blocks } = digestMessage(await digestFor(store.db, M, options), NOW);
    const json = JSON.stringify(blocks);
    expect(json).toContain('Pulls awaiting you');
    expect(json).not.toContain('Pushing on');
    expect(json).not.toContain('Resolved this week');
    expect(json).not.toContain('Advocates recognized');
    expect(json).not.toContain('<!channel>');
  });

  it('previews as readable text', async () => {
    await pull({ need: 'Pricing for Initech', neededBy: '2026-11-20' });
    const text = digestPreview(await digestFor(store.db, M, options), NOW);
    expect(text).toContain('Pulls awaiting you (1)');
    expect(text).toContain('Pricing for Initech');
    expect(text).toContain('OVERDUE');
  });
});

describe('median', () => {
  it('handles odd, even and empty', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeUndefined();
  });
});
