// A step on a pull (acknowledge, answer, withdraw) repeats who may take it in its update: a pull sent on to a
// deputy between the check and the write is left to the deputy.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { applyMigrations, openDatabase, type SqliteStore } from '../../src/db/client.js';
import { tables, transaction } from '../../src/db/store.js';
import { acknowledgePull, getPull, openPull, resolvePull } from '../../src/domain/pulls.js';
import { tempDir } from '../support/harness.js';

const REQ = 'UREQ0001';
const MGR = 'UMGR0001';
const DEPUTY = 'UDEP0001';

let dir: string;
let store: SqliteStore;

beforeEach(() => {
  dir = tempDir();
  store = openDatabase(join(dir, 'pushpull.db'));
  applyMigrations(store);
});

afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs `step` after its check has read the pull but before its write: the pull is sent on to the deputy between. */
async function sentOnMidway<T>(id: number, step: () => Promise<T>): Promise<T> {
  const { pulls } = tables(store.db);
  let open!: () => void;
  const held = new Promise<void>((resolve) => {
    open = resolve;
  });
  const sendingOn = transaction(store.db, async (tx) => {
    await held;
    await tx.update(pulls).set({ managerId: DEPUTY, awayFromId: MGR }).where(eq(pulls.id, id));
  });
  await new Promise((resolve) => setImmediate(resolve));
  const stepping = step();
  // The step has read the pull (reads do not wait) and now waits for the write lock the send-on holds.
  await new Promise((resolve) => setImmediate(resolve));
  open();
  await sendingOn;
  return stepping;
}

async function pull(): Promise<number> {
  const opened = await openPull(store.db, { requesterId: REQ, managerId: MGR, need: 'Can we ship?' }, 1000);
  if (!opened.ok) throw new Error(opened.reason);
  return opened.value.id;
}

it('acknowledging a pull sent on to the deputy meanwhile changes nothing', async () => {
  const id = await pull();
  const result = await sentOnMidway(id, () => acknowledgePull(store.db, id, MGR, 2000));
  expect(result.ok).toBe(false);
  expect(await getPull(store.db, id)).toMatchObject({ status: 'open', managerId: DEPUTY });
});

it('answering a pull sent on to the deputy meanwhile changes nothing', async () => {
  const id = await pull();
  const result = await sentOnMidway(id, () => resolvePull(store.db, id, MGR, 'your-call', undefined, 2000));
  expect(result).toEqual({ ok: false, reason: 'closed' });
  expect(await getPull(store.db, id)).toMatchObject({ status: 'open', managerId: DEPUTY });
});
