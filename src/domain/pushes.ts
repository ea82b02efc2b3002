// Push priorities: the few things a manager stays deeply involved in this quarter, and their status updates.
import { and, asc, desc, eq, inArray, ne, notInArray } from 'drizzle-orm';
import { z } from 'zod';
import type { Push, PushStatus, PushUpdate } from '../db/schema.js';
import { type Db, serialize, tables, transaction } from '../db/store.js';
import { fail, ok, type Result } from './result.js';
import { typedLength, withinTyped } from './text.js';

export const TITLE_MAX = 150;
export const FIELD_MAX = 3000;
export const CLOSED: PushStatus[] = ['done', 'dropped'];
export const OPEN_STATUSES = ['on-track', 'at-risk', 'off-track'] as const;
export const STALE_AFTER_MS = 7 * 24 * 60 * 60 * 1000;

const longText = z
  .string()
  .trim()
  .refine(withinTyped(FIELD_MAX), 'too-long')
  .optional()
  .transform((v) => (v ? v : undefined));

export const newPushSchema = z.object({
  teamId: z.string().optional(),
  managerId: z.string().min(1),
  ownerId: z.string().min(1).optional(),
  title: z.string().trim().min(1, 'empty').refine(withinTyped(TITLE_MAX), 'too-long'),
  why: longText,
  guardrails: longText,
  success: longText,
  support: longText,
});
export type NewPush = z.input<typeof newPushSchema>;

export type AddPushRefusal = 'limit' | 'title-empty' | 'title-too-long' | 'field-too-long' | 'invalid';

export interface PushRules {
  quarter: string;
  limit: number;
}

export async function getPush(db: Db, id: number): Promise<Push | undefined> {
  const { pushes } = tables(db);
  return (await db.select().from(pushes).where(eq(pushes.id, id)).limit(1))[0];
}

/** This quarter's pushes of a manager, in the order they were added: the list and `N` in `/push done N` follow it. */
export async function listPushes(db: Db, managerId: string, quarter: string): Promise<Push[]> {
  const { pushes } = tables(db);
  return await db
    .select()
    .from(pushes)
    .where(and(eq(pushes.managerId, managerId), eq(pushes.quarter, quarter)))
    .orderBy(asc(pushes.createdAt), asc(pushes.id));
}

export async function activePushes(db: Db, managerId: string, quarter: string): Promise<Push[]> {
  return (await listPushes(db, managerId, quarter)).filter((p) => !CLOSED.includes(p.status));
}

/** Pushes someone owns on behalf of another manager this quarter (a stretch worth seeing on their Home). */
export async function pushesOwnedFor(db: Db, ownerId: string, quarter: string): Promise<Push[]> {
  const { pushes } = tables(db);
  return await db
    .select()
    .from(pushes)
    .where(and(eq(pushes.ownerId, ownerId), ne(pushes.managerId, ownerId), eq(pushes.quarter, quarter)))
    .orderBy(asc(pushes.createdAt), asc(pushes.id));
}

export async function pushLimitReached(db: Db, managerId: string, rules: PushRules): Promise<boolean> {
  return (await activePushes(db, managerId, rules.quarter)).length >= rules.limit;
}

export async function addPush(
  db: Db,
  input: NewPush,
  rules: PushRules,
  now: number,
): Promise<Result<Push, AddPushRefusal>> {
  const parsed = newPushSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    if (issue?.path[0] === 'title')
      return fail(issue.message === 'too-long' ? 'title-too-long' : 'title-empty');
    if (issue?.message === 'too-long') return fail('field-too-long');
    return fail('invalid');
  }
  const p = parsed.data;
  // One transaction, the count and the insert together, serialized per manager: two instances adding at the
  // same instant cannot both take the last slot (SQLite's write lock; PostgreSQL's advisory lock).
  return transaction(db, async (tx) => {
    await serialize(tx, `pushes-of:${p.managerId}`);
    const { pushes } = tables(tx);
    if (await pushLimitReached(tx, p.managerId, rules)) return fail('limit');
    const [row] = await tx
      .insert(pushes)
      .values({
        teamId: p.teamId ?? null,
        managerId: p.managerId,
        quarter: rules.quarter,
        title: p.title,
        why: p.why ?? null,
        guardrails: p.guardrails ?? null,
        success: p.success ?? null,
        support: p.support ?? null,
        ownerId: p.ownerId ?? p.managerId,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    return ok(row as Push);
  });
}

export type PushStepRefusal = 'not-found' | 'not-allowed' | 'closed' | 'note-too-long';

export function mayUpdatePush(push: Push | undefined, actorId: string): PushStepRefusal | undefined {
  if (!push) return 'not-found';
  if (push.managerId !== actorId && push.ownerId !== actorId) return 'not-allowed';
  if (CLOSED.includes(push.status)) return 'closed';
  return undefined;
}

export async function updatePush(
  db: Db,
  pushId: number,
  actorId: string,
  status: PushStatus,
  note: string | undefined,
  now: number,
): Promise<Result<Push, PushStepRefusal>> {
  const push = await getPush(db, pushId);
  const refusal = mayUpdatePush(push, actorId);
  if (refusal) return fail(refusal);
  const text = note?.trim() ?? '';
  if (typedLength(text) > FIELD_MAX) return fail('note-too-long');
  return transaction(db, async (tx) => {
    const { pushes, pushUpdates } = tables(tx);
    const [row] = await tx
      .update(pushes)
      .set({ status, updatedAt: now, closedAt: CLOSED.includes(status) ? now : null })
      .where(and(eq(pushes.id, pushId), notInArray(pushes.status, CLOSED)))
      .returning();
    if (!row) return fail('closed' as const);
    await tx
      .insert(pushUpdates)
      .values({ pushId, authorId: actorId, status, note: text || null, createdAt: now });
    return ok(row);
  });
}

export async function lastUpdate(db: Db, pushId: number): Promise<PushUpdate | undefined> {
  const { pushUpdates } = tables(db);
  return (
    await db
      .select()
      .from(pushUpdates)
      .where(eq(pushUpdates.pushId, pushId))
      .orderBy(desc(pushUpdates.createdAt), desc(pushUpdates.id))
      .limit(1)
  )[0];
}

export async function lastUpdates(db: Db, pushIds: number[]): Promise<Map<number, PushUpdate>> {
  const latest = new Map<number, PushUpdate>();
  if (pushIds.length === 0) return latest;
  const { pushUpdates } = tables(db);
  const rows = await db
    .select()
    .from(pushUpdates)
    .where(inArray(pushUpdates.pushId, pushIds))
    .orderBy(asc(pushUpdates.createdAt), asc(pushUpdates.id));
  for (const row of rows) latest.set(row.pushId, row);
  return latest;
}

/** A push nobody has said anything about in a week deserves a nudge: involvement is the point of pushing. */
export function needsNudge(push: Push, last: PushUpdate | undefined, now: number): boolean {
  if (CLOSED.includes(push.status)) return false;
  return now - (last?.createdAt ?? push.createdAt) > STALE_AFTER_MS;
}

export async function pushTitles(db: Db, ids: number[]): Promise<Map<number, string>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const { pushes } = tables(db);
  const rows = await db
    .select({ id: pushes.id, title: pushes.title })
    .from(pushes)
    .where(inArray(pushes.id, unique));
  return new Map(rows.map((r) => [r.id, r.title]));
}
