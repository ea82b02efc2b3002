// The digest lease over a real SQLite file with the real migrations: who may send, and when again.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyMigrations, openDatabase, type SqliteStore } from '../../src/db/client.js';
import { tables } from '../../src/db/store.js';
import {
  claimDigest,
  claimFor,
  LEASE_MS,
  MAX_ATTEMPTS,
  markFailed,
  markSent,
  markUnknown,
  releaseClaim,
  renewLease,
  UNKNOWN_SETTLE_MS,
} from '../../src/domain/digest-claims.js';
import { tempDir } from '../support/harness.js';

const T0 = Date.UTC(2026, 10, 23, 9, 0);
const W = '2026-W48';
let store: SqliteStore;
let dir: string;
beforeEach(() => {
  dir = tempDir();
  store = openDatabase(join(dir, 'claims.db'));
  applyMigrations(store);
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const held = (claimant: string, attempt: number) => ({ managerId: 'UMGR1', week: W, claimant, attempt });

describe('the digest lease', () => {
  it('goes to one claimant; a live lease is not taken from it', async () => {
    expect(await claimDigest(store.db, 'UMGR1', W, 'a', T0)).toMatchObject({
      taken: true,
      attempt: 1,
      verify: false,
    });
    const second = await claimDigest(store.db, 'UMGR1', W, 'b', T0 + LEASE_MS - 1);
    expect(second).toMatchObject({
      taken: false,
      claim: { status: 'sending', claimedBy: 'a', leaseUntil: T0 + LEASE_MS },
    });
  });

  it('expires: a claim still sending after its lease (its run died) is taken again, and the DM must be read first', async () => {
    await claimDigest(store.db, 'UMGR1', W, 'a', T0);
    const retaken = await claimDigest(store.db, 'UMGR1', W, 'b', T0 + LEASE_MS + 1);
    expect(retaken).toMatchObject({ taken: true, attempt: 2, verify: true });
    expect(await claimFor(store.db, 'UMGR1', W)).toMatchObject({
      claimedBy: 'b',
      claimedAt: T0,
      status: 'sending',
    });
  });

  it('fences the old holder: once retaken, the first claimant can no longer renew, and so never posts', async () => {
    await claimDigest(store.db, 'UMGR1', W, 'a', T0);
    expect(await renewLease(store.db, 'UMGR1', W, 'a', 1, T0 + 1000)).toBe(true);
    await claimDigest(store.db, 'UMGR1', W, 'b', T0 + 1000 + LEASE_MS + 1);
    expect(await renewLease(store.db, 'UMGR1', W, 'a', 1, T0 + 1000 + LEASE_MS + 2)).toBe(false);
    expect(await renewLease(store.db, 'UMGR1', W, 'b', 2, T0 + 1000 + LEASE_MS + 2)).toBe(true);
  });

  it('a renewed lease holds past the first one', async () => {
    await claimDigest(store.db, 'UMGR1', W, 'a', T0);
    await renewLease(store.db, 'UMGR1', W, 'a', 1, T0 + LEASE_MS - 10);
    expect((await claimDigest(store.db, 'UMGR1', W, 'b', T0 + LEASE_MS + 1)).taken).toBe(false);
  });

  it('a legacy row stuck in sending with no lease at all is taken again', async () => {
    const { digestClaims } = tables(store.db);
    await store.db
      .insert(digestClaims)
      .values({ managerId: 'UMGR1', week: W, status: 'sending', claimedBy: 'old', claimedAt: T0 });
    expect(await claimDigest(store.db, 'UMGR1', W, 'b', T0 + 1)).toMatchObject({ taken: true, verify: true });
  });

  it('an unknown outcome waits to settle, then is taken with the DM to read first', async () => {
    await claimDigest(store.db, 'UMGR1', W, 'a', T0);
    await markUnknown(store.db, held('a', 1), 'slack_webapi_request_error', T0 + 100);
    expect((await claimDigest(store.db, 'UMGR1', W, 'b', T0 + 100 + UNKNOWN_SETTLE_MS - 1)).taken).toBe(
      false,
    );
    expect(await claimDigest(store.db, 'UMGR1', W, 'b', T0 + 100 + UNKNOWN_SETTLE_MS + 1)).toMatchObject({
      taken: true,
      verify: true,
    });
  });

  it('a refused send is taken again without reading the DM, at most MAX_ATTEMPTS times in all', async () => {
    let now = T0;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const claim = await claimDigest(store.db, 'UMGR1', W, 'a', now);
      expect(claim).toMatchObject({ taken: true, attempt, verify: false });
      await markFailed(store.db, held('a', attempt), 'account_inactive');
      now += 1000;
    }
    expect((await claimDigest(store.db, 'UMGR1', W, 'a', now + LEASE_MS)).taken).toBe(false);
    expect(await claimFor(store.db, 'UMGR1', W)).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS });
  });

  it('a sent digest is never taken again that week, however late', async () => {
    await claimDigest(store.db, 'UMGR1', W, 'a', T0);
    await markSent(store.db, 'UMGR1', W, T0 + 10, '1700000000.000001');
    expect((await claimDigest(store.db, 'UMGR1', W, 'b', T0 + 7 * 86_400_000)).taken).toBe(false);
    expect((await claimDigest(store.db, 'UMGR1', '2026-W49', 'b', T0 + 7 * 86_400_000)).taken).toBe(true);
  });

  it('released at shutdown: a fresh claim disappears, a retaken one is as it was', async () => {
    const fresh = await claimDigest(store.db, 'UMGR1', W, 'a', T0);
    if (!fresh.taken) throw new Error('expected the claim');
    await releaseClaim(store.db, held('a', 1), fresh.previous);
    expect(await claimFor(store.db, 'UMGR1', W)).toBeUndefined();

    await claimDigest(store.db, 'UMGR1', W, 'a', T0);
    await markUnknown(store.db, held('a', 1), 'timeout', T0);
    const before = await claimFor(store.db, 'UMGR1', W);
    const again = await claimDigest(store.db, 'UMGR1', W, 'b', T0 + UNKNOWN_SETTLE_MS + 1);
    if (!again.taken) throw new Error('expected the claim');
    await releaseClaim(store.db, held('b', 2), again.previous);
    expect(await claimFor(store.db, 'UMGR1', W)).toEqual(before);
  });
});
