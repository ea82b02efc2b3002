// Reads of the harness's database that end-to-end files in several folders make, written once.
import { eq } from 'drizzle-orm';
import { tables } from '../../src/db/store.js';
import type { Harness } from './harness.js';

export async function allPulls(h: Harness) {
  const { pulls } = tables(h.store.db);
  return h.store.db.select().from(pulls).orderBy(pulls.id);
}

export async function pullById(h: Harness, id: number) {
  const { pulls } = tables(h.store.db);
  return (await h.store.db.select().from(pulls).where(eq(pulls.id, id)).limit(1))[0];
}

export async function memberById(h: Harness, userId: string) {
  const { members } = tables(h.store.db);
  return (await h.store.db.select().from(members).where(eq(members.userId, userId)).limit(1))[0];
}

/** The newest pull once its manager's DM is recorded (the app saves it after Slack answers). */
export async function lastPullWithDm(h: Harness) {
  const pull = (await allPulls(h)).at(-1);
  if (!pull?.managerTs || !pull.managerChannel) throw new Error('manager DM not recorded yet');
  return { ...pull, managerTs: pull.managerTs, managerChannel: pull.managerChannel };
}

/** The "Welcome back" DMs sent to `user` (away.test.ts and the SQLite write-failure test). */
export const welcomesTo = (h: Harness, user: string) =>
  h.fake.callsTo('chat.postMessage', (a) => a.channel === user && String(a.text).includes('Welcome back'));
