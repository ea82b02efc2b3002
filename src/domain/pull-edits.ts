// Editing an open pull: only its requester, only while it waits for an answer, and the manager told what changed.
import { and, eq, inArray, notExists } from 'drizzle-orm';
import type { Pull } from '../db/schema.js';
import { type Db, serialize, tables, transaction } from '../db/store.js';
import { agreementForPull } from './agreements.js';
import { getPull, newPullSchema, pullKey, UNRESOLVED, wordingRefusal } from './pulls.js';
import { getPush } from './pushes.js';
import { fail, ok, type Result } from './result.js';

/** What an edit may change. The manager stays: their DM is the one updated in place. */
export const editSchema = newPullSchema.pick({
  need: true,
  context: true,
  kind: true,
  neededBy: true,
  pushId: true,
});
export type PullChanges = Parameters<typeof editSchema.parse>[0];

export type EditRefusal =
  | 'not-found'
  | 'not-requester'
  | 'answered'
  | 'withdrawn'
  | 'success-defined'
  | 'need-empty'
  | 'need-too-long'
  | 'context-too-long'
  | 'push-elsewhere'
  | 'invalid';

/** The fields of a pull a person edits, in the order the form shows them. */
export const EDITABLE = ['need', 'kind', 'context', 'neededBy', 'pushId'] as const;
export type EditableField = (typeof EDITABLE)[number];

export interface Edited {
  /** The pull's id, so an edit can be carried out once per submission (`createOnce`). */
  id: number;
  pull: Pull;
  changed: EditableField[];
}

/**
 * Why this person may not edit this pull now, or undefined when they may. Once the manager has defined success
 * the pull is a handshake under way: what was asked is what they answered, and the requester says it back in
 * their own words instead of rewriting the question.
 */
export async function editRefusal(
  db: Db,
  pull: Pull | undefined,
  actorId: string,
): Promise<EditRefusal | undefined> {
  if (!pull) return 'not-found';
  if (pull.requesterId !== actorId) return 'not-requester';
  if (pull.status === 'withdrawn') return 'withdrawn';
  if (!UNRESOLVED.includes(pull.status)) return 'answered';
  if (await agreementForPull(db, pull.id)) return 'success-defined';
  return undefined;
}

/** Checks that `actorId` may edit this pull, without changing anything (before the form opens). */
export async function mayEdit(db: Db, id: number, actorId: string): Promise<Result<Pull, EditRefusal>> {
  const pull = await getPull(db, id);
  const refusal = await editRefusal(db, pull, actorId);
  return refusal ? fail(refusal) : ok(pull as Pull);
}

/** No handshake under way on this pull: checked in the update itself, so a definition that lands first wins. */
const noHandshake = (db: Db, id: number) => {
  const { agreements } = tables(db);
  return notExists(db.select({ id: agreements.id }).from(agreements).where(eq(agreements.pullId, id)));
};

/**
 * Applies the requester's edit. The status and the handshake are checked again in the update itself, so a form
 * opened before the manager answered (or defined success) and sent after changes nothing. No change at all is
 * not an edit: nothing is written.
 */
export async function editPull(
  db: Db,
  id: number,
  actorId: string,
  changes: PullChanges,
  now: number,
): Promise<Result<Edited, EditRefusal>> {
  const before = await getPull(db, id);
  const refusal = await editRefusal(db, before, actorId);
  if (refusal || !before) return fail(refusal ?? 'not-found');
  const parsed = editSchema.safeParse(changes);
  if (!parsed.success) return fail(wordingRefusal(parsed.error));
  const next = {
    need: parsed.data.need,
    kind: parsed.data.kind,
    context: parsed.data.context ?? null,
    neededBy: parsed.data.neededBy ?? null,
    pushId: parsed.data.pushId ?? null,
  };
  if (next.pushId !== null && (await getPush(db, next.pushId))?.managerId !== before.managerId)
    return fail('push-elsewhere');
  const changed = EDITABLE.filter((field) => next[field] !== before[field]);
  if (changed.length === 0) return ok({ id, pull: before, changed });
  return transaction(db, async (tx): Promise<Result<Edited, EditRefusal>> => {
    // One at a time with defineSuccess on this pull: on PostgreSQL an edit could otherwise miss an agreement
    // written in the same instant and change what the manager is defining success for.
    await serialize(tx, pullKey(id));
    const { pulls } = tables(tx);
    const updated = await tx
      .update(pulls)
      .set({ ...next, editedAt: now })
      .where(
        and(
          eq(pulls.id, id),
          eq(pulls.requesterId, actorId),
          inArray(pulls.status, UNRESOLVED),
          noHandshake(tx, id),
        ),
      )
      .returning();
    const row = updated[0];
    if (row) return ok({ id, pull: row, changed });
    return fail((await editRefusal(tx, await getPull(tx, id), actorId)) ?? 'answered');
  });
}
